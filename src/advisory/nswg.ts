/**
 * The Node.js Security WG's three record kinds ↔ the canonical model (OSV, VEX statements).
 *
 * Lossless by construction: the forward converter maps every field it can to OSV, then, for
 * each field of the WG record, re-derives it from the OSV it just produced; a field that does
 * not come back deep-equal (or has no OSV home: `created_at`, `author`, ...) is kept verbatim
 * in `database_specific.nswg`, together with the record's key order (`keys`). The reverse
 * writer takes the kept value when there is one and derives the rest, so WG → OSV → WG is
 * deep-equal for every record, even odd ones (wrong types, unknown fields).
 *
 * The contracts other parts rely on (docs/advisory-model.md):
 * - npm: ecosystem `npm`, `affected[0].database_specific.nswg = { vulnerable_versions, patched_versions }`;
 * - core: ecosystem `Node.js`, package `node`, purl `pkg:github/nodejs/node`, one SEMVER range per
 *   release line, `affected[0].database_specific.nswg = { vulnerable, patched, severity, affectedEnvironments }`,
 *   `affected[0].ecosystem_specific.affectedEnvironments`;
 * - deps: VEX `not_affected` statements about Node.js;
 * - ids `NSWG-ECO-n`, `NSWG-COR-n` (`NSWG-DEP-n` for deps statements), CVEs as aliases.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseSeverity, severityFromScore } from '../core/finding.ts';
import {
  ECOSYSTEM_NODEJS,
  ECOSYSTEM_NPM,
  OSV_SCHEMA_VERSION,
  type OsvAffected,
  type OsvCredit,
  type OsvRecord,
  type OsvReference,
  type OsvReferenceType,
  type VexStatement,
} from '../core/osv.ts';
import { osvSeverityOf, scoreCvss } from './cvss.ts';
import { toOsvRanges } from './ranges.ts';

export type NswgKind = 'npm' | 'core' | 'deps';

export interface NswgNpmRecord {
  id: number;
  created_at: string;
  updated_at: string;
  title: string;
  author?: { name: string; website: string | null; username: string | null };
  module_name: string;
  publish_date: string;
  cves: string[];
  vulnerable_versions: string;
  patched_versions: string | null;
  overview: string;
  recommendation: string | null;
  references: string[] | null;
  cvss_vector: string | null;
  cvss_score: number | null;
  coordinating_vendor: string | null;
  [extra: string]: unknown;
}

export interface NswgCoreRecord {
  cve: string[];
  ref?: string;
  vulnerable: string;
  patched?: string;
  description?: string;
  overview?: string;
  author?: string;
  reported_by?: string;
  publish_date?: string;
  type?: string;
  cvss?: string;
  cvss_score?: number;
  affectedEnvironments: string[];
  severity: string;
  [extra: string]: unknown;
}

export interface NswgDepsRecord {
  cve: string[];
  description?: string;
  overview?: string;
  ref?: string;
  reason: string;
  [extra: string]: unknown;
}

/** The Node.js runtime as a package. `pkg:github` is a registered purl type; the WG's own `pkg:nodejs/node` is not. */
export const NODE_PACKAGE = { ecosystem: ECOSYSTEM_NODEJS, name: 'node', purl: 'pkg:github/nodejs/node' } as const;

export const NSWG_ID_PREFIX = { npm: 'NSWG-ECO-', core: 'NSWG-COR-', deps: 'NSWG-DEP-' } as const satisfies Record<NswgKind, string>;

/** Where the WG publishes a record (the `ADVISORY` reference we add). */
export function nswgSourceUrl(kind: NswgKind, id: string | number): string {
  return `https://github.com/nodejs/security-wg/blob/main/vuln/${kind}/${id}.json`;
}

/** `pkg:npm/...` for an npm package name (scope `@` percent-encoded, as the purl spec says). */
export function npmPurl(name: string): string {
  return `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}`;
}

const NONE = Symbol('not derivable');
type Derived = unknown | typeof NONE;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function toTimestamp(day: unknown): string | undefined {
  if (typeof day !== 'string' || !DAY.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? undefined : `${day}T00:00:00Z`;
}

function dayOf(ts: string | undefined): Derived {
  return ts && /^\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?Z$/.test(ts) ? ts.slice(0, 10) : NONE;
}

function isUrl(s: unknown): s is string {
  if (typeof s !== 'string' || !/^https?:\/\//i.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

function referenceType(url: string): OsvReferenceType {
  if (/nodejs\.org\/[a-z-]*\/?blog\/vulnerability\//i.test(url)) return 'ADVISORY';
  if (/github\.com\/[^/]+\/[^/]+\/(commit|pull)\//i.test(url) || /\/commit\//.test(url)) return 'FIX';
  if (/hackerone\.com\/reports\//i.test(url) || /github\.com\/[^/]+\/[^/]+\/issues\//i.test(url)) return 'REPORT';
  if (/npmjs\.(org|com)\/(package\/)?/i.test(url)) return 'PACKAGE';
  if (/\/advisories\/|secadv|security-advisor/i.test(url)) return 'ADVISORY';
  return 'WEB';
}

function cveAliases(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out = list.filter((c): c is string => typeof c === 'string');
  return out.length ? out : undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `…/blog/vulnerability/july-2017-security-releases/` → 2017-07-01 (core records rarely carry a date). */
function dateFromRef(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const m = /\/(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*-(\d{4})/i.exec(ref);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
  return `${m[2]}-${String(month).padStart(2, '0')}-01T00:00:00Z`;
}

function dateFromCves(cves: string[] | undefined): string | undefined {
  const years = (cves ?? []).map((c) => /^CVE-(\d{4})-/.exec(c)?.[1]).filter((y): y is string => !!y).sort();
  return years[0] ? `${years[0]}-01-01T00:00:00Z` : undefined;
}

/** The fields of `rec` that do not come back from `target` as they were, plus the key order. */
function residualOf<T>(rec: Record<string, unknown>, target: T, derive: (t: T, key: string) => Derived): Record<string, unknown> {
  const residual: Record<string, unknown> = { keys: Object.keys(rec) };
  for (const [k, v] of Object.entries(rec)) {
    const d = derive(target, k);
    if (d === NONE || !isDeepStrictEqual(d, v)) residual[k] = v;
  }
  return residual;
}

/** The WG record back: kept values first, derived ones for the rest, in the original key order. */
function rebuild<T>(
  target: T,
  kept: unknown,
  defaults: readonly string[],
  derive: (t: T, key: string) => Derived,
  fallback: (key: string) => unknown = () => undefined,
): Record<string, unknown> {
  const residual = kept && typeof kept === 'object' && !Array.isArray(kept) ? (kept as Record<string, unknown>) : {};
  const keys = Array.isArray(residual.keys) ? (residual.keys as string[]) : defaults;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (Object.hasOwn(residual, k) && k !== 'keys') out[k] = residual[k];
    else {
      const d = derive(target, k);
      const v = d === NONE ? fallback(k) : d;
      if (v !== undefined) out[k] = v;
    }
  }
  return out;
}

function keepResidual(rec: Record<string, unknown>, osv: OsvRecord, derive: (osv: OsvRecord, key: string) => Derived): void {
  osv.database_specific = { ...osv.database_specific, nswg: residualOf(rec, osv, derive) };
}

function firstAffected(osv: OsvRecord): OsvAffected | undefined {
  return osv.affected?.[0];
}

function affectedNswg(osv: OsvRecord): Record<string, unknown> {
  const n = firstAffected(osv)?.database_specific?.nswg;
  return n && typeof n === 'object' ? (n as Record<string, unknown>) : {};
}

function idNumber(osv: OsvRecord, prefix: string): Derived {
  for (const id of [osv.id, ...(osv.aliases ?? [])]) {
    const m = new RegExp(`${prefix}(\\d+)$`).exec(id);
    if (m) return Number(m[1]);
  }
  return NONE;
}

function referencesWithout(osv: OsvRecord, source: string | undefined): string[] {
  return (osv.references ?? []).map((r) => r.url).filter((u) => u !== source);
}

function sourceRef(osv: OsvRecord): string | undefined {
  const s = osv.database_specific?.source;
  return typeof s === 'string' ? s : undefined;
}

// ---------------------------------------------------------------------------------------------
// npm

/** OSV `details` of an npm advisory: the overview, then the WG's recommendation as its own section. */
const RECOMMENDATION = '\n\n## Recommendation\n\n';

function withRecommendation(overview: string, recommendation: unknown): string {
  return typeof recommendation === 'string' && recommendation ? `${overview}${RECOMMENDATION}${recommendation}` : overview;
}

function splitRecommendation(details: string): { overview: string; recommendation: string | null } {
  const at = details.lastIndexOf(RECOMMENDATION);
  return at < 0 ? { overview: details, recommendation: null } : { overview: details.slice(0, at), recommendation: details.slice(at + RECOMMENDATION.length) };
}

const NPM_KEYS = [
  'id', 'created_at', 'updated_at', 'title', 'author', 'module_name', 'publish_date', 'cves',
  'vulnerable_versions', 'patched_versions', 'overview', 'recommendation', 'references',
  'cvss_vector', 'cvss_score', 'coordinating_vendor',
] as const;

function deriveNpm(osv: OsvRecord, key: string): Derived {
  switch (key) {
    case 'id': return idNumber(osv, NSWG_ID_PREFIX.npm);
    case 'updated_at': return dayOf(osv.modified);
    case 'title': return osv.summary ?? NONE;
    case 'module_name': return firstAffected(osv)?.package?.name ?? NONE;
    case 'publish_date': return dayOf(osv.published);
    case 'cves': return (osv.aliases ?? []).filter((a) => a.startsWith('CVE-'));
    case 'vulnerable_versions': return affectedNswg(osv).vulnerable_versions ?? NONE;
    case 'patched_versions': return Object.hasOwn(affectedNswg(osv), 'patched_versions') ? affectedNswg(osv).patched_versions : NONE;
    case 'overview': return osv.details === undefined ? NONE : splitRecommendation(osv.details).overview;
    case 'recommendation': return osv.details === undefined ? NONE : splitRecommendation(osv.details).recommendation;
    case 'references': return referencesWithout(osv, sourceRef(osv));
    case 'cvss_vector': return osv.severity?.[0]?.score ?? null;
    default: return NONE;
  }
}

/**
 * A WG ecosystem advisory (`vuln/npm/<id>.json`) as OSV. `id` is the file's number (the WG's
 * identifier, `NSWG-ECO-<id>`). Tolerates odd records: whatever does not map is kept verbatim.
 */
export function nswgNpmToOsv(rec: NswgNpmRecord | Record<string, unknown>, id: string | number): OsvRecord {
  const r = rec as Record<string, unknown>;
  const source = nswgSourceUrl('npm', id);
  const name = typeof r.module_name === 'string' ? r.module_name : '';
  const vulnerable = typeof r.vulnerable_versions === 'string' ? r.vulnerable_versions : undefined;
  const patched = typeof r.patched_versions === 'string' ? r.patched_versions : null;
  const { ranges, versions } = toOsvRanges(vulnerable, patched);
  const severity = typeof r.cvss_vector === 'string' ? osvSeverityOf(r.cvss_vector) : undefined;
  const credits: OsvCredit[] = [];
  const author = r.author as { name?: unknown; website?: unknown } | undefined;
  if (author && typeof author.name === 'string' && author.name) {
    credits.push({ name: author.name, type: 'FINDER', ...(isUrl(author.website) && { contact: [author.website] }) });
  }
  if (typeof r.coordinating_vendor === 'string' && r.coordinating_vendor) credits.push({ name: r.coordinating_vendor, type: 'COORDINATOR' });
  const refs: OsvReference[] = (Array.isArray(r.references) ? r.references : [])
    .filter(isUrl)
    .map((url) => ({ type: referenceType(url), url }));
  refs.push({ type: 'ADVISORY', url: source });
  const modified = toTimestamp(r.updated_at) ?? toTimestamp(r.publish_date) ?? toTimestamp(r.created_at) ?? '1970-01-01T00:00:00Z';
  const published = toTimestamp(r.publish_date);
  const aliases = cveAliases(r.cves);
  const score = severity ? scoreCvss(severity.score)?.score : typeof r.cvss_score === 'number' ? r.cvss_score : undefined;
  const label = score !== undefined ? ghsaLabel(severityFromScore(score)) : undefined;
  const osv: OsvRecord = {
    schema_version: OSV_SCHEMA_VERSION,
    id: `${NSWG_ID_PREFIX.npm}${id}`,
    modified,
    ...(published && { published }),
    ...(aliases && { aliases }),
    ...(typeof r.title === 'string' && { summary: r.title }),
    ...(typeof r.overview === 'string' && { details: withRecommendation(r.overview, r.recommendation) }),
    ...(severity && { severity: [severity] }),
    affected: [
      {
        package: { ecosystem: ECOSYSTEM_NPM, name, purl: npmPurl(name) },
        ...(ranges.length > 0 && { ranges }),
        ...(versions.length > 0 && { versions }),
        database_specific: { nswg: { vulnerable_versions: r.vulnerable_versions, patched_versions: r.patched_versions ?? null } },
      },
    ],
    references: refs,
    ...(credits.length > 0 && { credits }),
    database_specific: {
      source,
      ...(label && { severity: label }),
    },
  };
  if (!Object.hasOwn(r, 'patched_versions')) delete (osv.affected![0]!.database_specific!.nswg as Record<string, unknown>).patched_versions;
  keepResidual(r, osv, deriveNpm);
  return osv;
}

/** OSV → WG ecosystem advisory. Exact for records made by `nswgNpmToOsv`; best effort for others. */
export function osvToNswgNpm(osv: OsvRecord): NswgNpmRecord {
  const aff = firstAffected(osv);
  return rebuild(osv, osv.database_specific?.nswg, NPM_KEYS, deriveNpm, (k) => {
    switch (k) {
      case 'id': return Number(/(\d+)$/.exec(osv.id)?.[1] ?? 0);
      case 'created_at': return (dayOf(osv.published) === NONE ? osv.modified.slice(0, 10) : dayOf(osv.published));
      case 'updated_at': return osv.modified.slice(0, 10);
      case 'publish_date': return (osv.published ?? osv.modified).slice(0, 10);
      case 'title': return osv.summary ?? osv.id;
      case 'module_name': return aff?.package?.name ?? '';
      case 'vulnerable_versions': return aff ? osvToSemverRange(aff) : '*';
      case 'patched_versions': return aff ? osvFixedRange(aff) : null;
      case 'overview': return osv.details ?? osv.summary ?? '';
      case 'author': {
        const c = osv.credits?.find((x) => x.type === 'FINDER' || x.type === 'REPORTER') ?? osv.credits?.[0];
        return c ? { name: c.name, website: c.contact?.[0] ?? null, username: null } : undefined;
      }
      case 'recommendation': return null;
      case 'cvss_score': {
        const v = osv.severity?.[0]?.score;
        return (v && scoreCvss(v)?.score) ?? null;
      }
      case 'coordinating_vendor': return osv.credits?.find((c) => c.type === 'COORDINATOR')?.name ?? null;
      default: return null;
    }
  }) as NswgNpmRecord;
}

// ---------------------------------------------------------------------------------------------
// core

const CORE_KEYS = ['cve', 'ref', 'vulnerable', 'patched', 'description', 'overview', 'affectedEnvironments', 'severity'] as const;

function deriveCore(osv: OsvRecord, key: string): Derived {
  const n = affectedNswg(osv);
  switch (key) {
    case 'cve': return (osv.aliases ?? []).filter((a) => a.startsWith('CVE-'));
    case 'ref': return referencesWithout(osv, sourceRef(osv))[0] ?? NONE;
    case 'vulnerable':
    case 'patched':
    case 'severity':
    case 'affectedEnvironments':
      return Object.hasOwn(n, key) ? n[key] : NONE;
    case 'description': return osv.summary ?? NONE;
    case 'overview': return osv.details ?? NONE;
    case 'publish_date': return dayOf(osv.published);
    default: return NONE;
  }
}

/** The WG core label as a GHSA-style `database_specific.severity` (`medium` → `MODERATE`); undefined for `unknown`. */
function ghsaLabel(label: unknown): string | undefined {
  if (typeof label !== 'string') return undefined;
  const s = parseSeverity(label);
  return s && s !== 'info' ? s.toUpperCase() : undefined;
}

/**
 * A WG Node.js core vulnerability (`vuln/core/<id>.json`) as OSV: ecosystem `Node.js`,
 * package `node`, one SEMVER range per release line.
 */
export function nswgCoreToOsv(rec: NswgCoreRecord | Record<string, unknown>, id: string | number): OsvRecord {
  const r = rec as Record<string, unknown>;
  const source = nswgSourceUrl('core', id);
  const vulnerable = typeof r.vulnerable === 'string' ? r.vulnerable : undefined;
  const patched = typeof r.patched === 'string' ? r.patched : undefined;
  const { ranges, versions } = toOsvRanges(vulnerable, patched);
  const aliases = cveAliases(r.cve);
  const published = toTimestamp(r.publish_date);
  const estimated = published ? undefined : (dateFromRef(r.ref) ?? dateFromCves(aliases));
  const modified = published ?? estimated ?? '1970-01-01T00:00:00Z';
  const severity = typeof r.cvss === 'string' ? osvSeverityOf(r.cvss) : undefined;
  const credits: OsvCredit[] = [];
  if (typeof r.reported_by === 'string' && r.reported_by) credits.push({ name: r.reported_by, type: 'REPORTER' });
  if (typeof r.author === 'string' && r.author) credits.push({ name: r.author, type: 'REMEDIATION_DEVELOPER' });
  const refs: OsvReference[] = isUrl(r.ref) ? [{ type: referenceType(r.ref), url: r.ref }] : [];
  refs.push({ type: 'ADVISORY', url: source });
  const envs = Array.isArray(r.affectedEnvironments) ? r.affectedEnvironments : undefined;
  const nswg: Record<string, unknown> = {};
  for (const k of ['vulnerable', 'patched', 'severity', 'affectedEnvironments']) if (Object.hasOwn(r, k)) nswg[k] = r[k];
  const summary = typeof r.description === 'string' ? r.description : undefined;
  const cwe = typeof r.type === 'string' ? /CWE-\d+/.exec(r.type)?.[0] : undefined;
  const label = ghsaLabel(r.severity);
  const osv: OsvRecord = {
    schema_version: OSV_SCHEMA_VERSION,
    id: `${NSWG_ID_PREFIX.core}${id}`,
    modified,
    ...(published && { published }),
    ...(aliases && { aliases }),
    ...(summary !== undefined && { summary }),
    ...(typeof r.overview === 'string' && { details: r.overview }),
    ...(severity && { severity: [severity] }),
    affected: [
      {
        package: { ...NODE_PACKAGE },
        ...(ranges.length > 0 && { ranges }),
        ...(versions.length > 0 && { versions }),
        ...(envs && { ecosystem_specific: { affectedEnvironments: envs } }),
        database_specific: { nswg },
      },
    ],
    references: refs,
    ...(credits.length > 0 && { credits }),
    database_specific: {
      source,
      ...(label && { severity: label }),
      ...(cwe && { cwe_ids: [cwe] }),
      ...(estimated && { modified_estimated: true }),
    },
  };
  keepResidual(r, osv, deriveCore);
  return osv;
}

/** OSV → WG core record. Exact for records made by `nswgCoreToOsv`; best effort for others. */
export function osvToNswgCore(osv: OsvRecord): NswgCoreRecord {
  const aff = firstAffected(osv);
  return rebuild(osv, osv.database_specific?.nswg, CORE_KEYS, deriveCore, (k) => {
    switch (k) {
      case 'ref': return undefined;
      case 'vulnerable': return aff ? osvToSemverRange(aff) : '*';
      case 'patched': return aff ? (osvFixedRange(aff) ?? undefined) : undefined;
      case 'description': return undefined;
      case 'overview': return undefined;
      case 'affectedEnvironments': {
        const e = aff?.ecosystem_specific?.affectedEnvironments;
        return Array.isArray(e) ? e : ['all'];
      }
      case 'severity': {
        const s = osv.database_specific?.severity;
        return typeof s === 'string' ? (s.toLowerCase() === 'moderate' ? 'medium' : s.toLowerCase()) : 'unknown';
      }
      default: return undefined;
    }
  }) as NswgCoreRecord;
}

// ---------------------------------------------------------------------------------------------
// deps (VEX)

const DEPS_KEYS = ['cve', 'description', 'overview', 'ref', 'reason'] as const;

function deriveDeps(st: VexStatement, key: string): Derived {
  switch (key) {
    case 'cve': return st.vulnerabilities;
    case 'description': return st.description ?? NONE;
    case 'overview': return st.impactStatement ?? NONE;
    case 'ref': return st.references?.[0] ?? NONE;
    case 'reason': return st.justification ?? NONE;
    default: return NONE;
  }
}

/** A WG deps record (`vuln/deps/<id>.json`): Node.js is `not_affected` by these CVEs, with the reason. */
export function nswgDepsToVex(rec: NswgDepsRecord | Record<string, unknown>, id: string | number): VexStatement {
  const r = rec as Record<string, unknown>;
  const st: VexStatement = {
    id: `${NSWG_ID_PREFIX.deps}${id}`,
    vulnerabilities: Array.isArray(r.cve) ? r.cve.filter((c): c is string => typeof c === 'string') : [],
    product: { ...NODE_PACKAGE },
    status: 'not_affected',
    ...(typeof r.reason === 'string' && { justification: r.reason }),
    ...(typeof r.overview === 'string' && { impactStatement: r.overview }),
    ...(typeof r.description === 'string' && { description: r.description }),
    ...(typeof r.ref === 'string' && { references: [r.ref] }),
  };
  st.database_specific = { source: nswgSourceUrl('deps', id), nswg: residualOf(r, st, deriveDeps) };
  return st;
}

/** VEX statement → WG deps record (exact for statements made by `nswgDepsToVex`). */
export function vexToNswgDeps(st: VexStatement): NswgDepsRecord {
  return rebuild(st, st.database_specific?.nswg, DEPS_KEYS, deriveDeps) as NswgDepsRecord;
}

// ---------------------------------------------------------------------------------------------
// OSV ranges → semver range strings (for records that did not come from the WG)

function eventsOf(affected: OsvAffected): { introduced?: string; fixed?: string; last_affected?: string }[] {
  const out: { introduced?: string; fixed?: string; last_affected?: string }[] = [];
  for (const r of affected.ranges ?? []) {
    if (r.type === 'GIT') continue;
    let cur: { introduced?: string; fixed?: string; last_affected?: string } | undefined;
    for (const e of r.events) {
      if ('introduced' in e) {
        if (cur) out.push(cur);
        cur = { introduced: e.introduced };
      } else if (cur && 'fixed' in e) {
        cur.fixed = e.fixed;
        out.push(cur);
        cur = undefined;
      } else if (cur && 'last_affected' in e) {
        cur.last_affected = e.last_affected;
        out.push(cur);
        cur = undefined;
      }
    }
    if (cur) out.push(cur);
  }
  return out;
}

/** The semver range of versions an OSV `affected` entry covers (`>=1.0.0 <1.2.3 || =2.0.0`). */
export function osvToSemverRange(affected: OsvAffected): string {
  const parts = eventsOf(affected).map((e) => {
    const lo = e.introduced && e.introduced !== '0' ? `>=${e.introduced}` : '';
    const hi = e.fixed ? `<${e.fixed}` : e.last_affected ? `<=${e.last_affected}` : '';
    return [lo, hi].filter(Boolean).join(' ') || '*';
  });
  for (const v of affected.versions ?? []) parts.push(`=${v}`);
  return parts.length ? parts.join(' || ') : '*';
}

/** The semver range of fixed versions (`^1.2.3 || >=2.0.1`), null when there is no fix. */
export function osvFixedRange(affected: OsvAffected): string | null {
  const fixes = eventsOf(affected).flatMap((e) => (e.fixed ? [`>=${e.fixed}`] : []));
  return fixes.length ? fixes.join(' || ') : null;
}
