/**
 * The canonical advisory model: the OSV schema 1.7 (https://ossf.github.io/osv-schema/).
 * Every other format (the WG's core/npm/deps JSON, OpenVEX, CVE JSON 5, npm's advisory API) is
 * a reader or writer at the edge that converts to or from these types.
 */

export const OSV_SCHEMA_VERSION = '1.7.0';

/** OSV ecosystem name we use for npm packages. */
export const ECOSYSTEM_NPM = 'npm';
/**
 * Ecosystem name for the Node.js runtime itself. Not an OSV-registered ecosystem (core is not
 * an npm package); documented in docs/advisory-model.md together with the purl
 * `pkg:github/nodejs/node` (a registered purl type).
 */
export const ECOSYSTEM_NODEJS = 'Node.js';

export type OsvSeverityType = 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu';

export interface OsvSeverity {
  type: OsvSeverityType;
  score: string;
}

export interface OsvPackage {
  ecosystem: string;
  name: string;
  purl?: string;
}

export type OsvEvent =
  | { introduced: string }
  | { fixed: string }
  | { last_affected: string }
  | { limit: string };

export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT';
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvAffected {
  package?: OsvPackage;
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export type OsvReferenceType =
  | 'ADVISORY' | 'ARTICLE' | 'DETECTION' | 'DISCUSSION' | 'REPORT' | 'FIX' | 'INTRODUCED'
  | 'GIT' | 'PACKAGE' | 'EVIDENCE' | 'WEB';

export interface OsvReference {
  type: OsvReferenceType;
  url: string;
}

export type OsvCreditType =
  | 'FINDER' | 'REPORTER' | 'ANALYST' | 'COORDINATOR' | 'REMEDIATION_DEVELOPER'
  | 'REMEDIATION_REVIEWER' | 'REMEDIATION_VERIFIER' | 'TOOL' | 'SPONSOR' | 'OTHER';

export interface OsvCredit {
  name: string;
  contact?: string[];
  type?: OsvCreditType;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: OsvReference[];
  credits?: OsvCredit[];
  database_specific?: Record<string, unknown>;
}

/**
 * A loaded set of advisories that answers lookups by package. Implemented by the snapshot
 * loader (advisory/snapshot.ts) and by in-memory sources (WG dir, OSV dir); the audit, the
 * runtime check and the hub import consume it.
 */
export interface AdvisorySource {
  /** Where the data came from and how fresh it is. */
  readonly meta: AdvisorySourceMeta;
  /** Every record affecting `name` in `ecosystem` (ecosystem compared case-insensitively). */
  byPackage(ecosystem: string, name: string): readonly OsvRecord[];
  /** A record by id or any alias. */
  byId(id: string): OsvRecord | undefined;
  /** All records, in a stable order. */
  all(): Iterable<OsvRecord>;
  readonly size: number;
  /**
   * VEX statements carried by the source (the WG's vuln/deps records: "Node.js is not affected
   * by CVE-X in a vendored dependency, because ..."). Absent or empty when the source has none.
   */
  vexStatements?(): readonly VexStatement[];
}

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

/** OpenVEX justifications (spec 0.2.0) for `not_affected`. */
export const VEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;
export type VexJustification = (typeof VEX_JUSTIFICATIONS)[number];

/**
 * One VEX statement about a product (for the WG data: Node.js itself, ecosystem `Node.js`,
 * name `node`). `vulnerabilities` are the CVE ids it covers.
 */
export interface VexStatement {
  /** Stable id of the statement, e.g. `NSWG-DEP-1`. */
  id: string;
  vulnerabilities: string[];
  product: OsvPackage;
  /** Semver range of the product versions the statement is about; absent = every version. */
  versions?: string;
  status: VexStatus;
  justification?: VexJustification | string;
  impactStatement?: string;
  description?: string;
  references?: string[];
  /** Source-specific data (for WG deps records: the source URL and what OSV cannot hold). */
  database_specific?: Record<string, unknown>;
}

export interface AdvisorySourceMeta {
  /** e.g. `snapshot`, `nswg-dir`, `osv-dir`, `osv-zip`, `hub`. */
  kind: string;
  /** Path or URL. */
  location: string;
  /** When the data was built or fetched (ISO 8601), when known. */
  builtAt?: string;
  /** Newest `modified` among the records. */
  newestModified?: string;
  sources?: { kind: string; location: string; records: number; fetchedAt?: string }[];
  /** Inputs skipped while loading (unreadable or invalid files), with where and why. */
  warnings?: { file: string; pointer?: string; line?: number; column?: number; message: string }[];
}
