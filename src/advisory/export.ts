/**
 * Writers from the canonical model to the standards: OSV files (+ all.zip), the WG layout,
 * OpenVEX 0.2.0 for Node.js, CVE JSON 5. Pure functions from records to documents; the
 * `db export` command writes them. Choices (docs/advisory-model.md):
 *
 * - OSV ids: NSWG is not a registered OSV prefix, so records whose id has no registered prefix
 *   get `<idPrefix><id>` (default `x_`, the schema's local form: `x_NSWG-ECO-1`) and keep their
 *   own id as an alias. The Node.js runtime is not an OSV ecosystem: core records name the
 *   package `{ ecosystem: "GIT", name: "https://github.com/nodejs/node" }` (purl
 *   pkg:github/nodejs/node), keeping the SEMVER ranges; nodesec reads that back as `Node.js`.
 * - OpenVEX: about Node.js only (core + deps); npm records are about other products and are left
 *   out. Records without a CVE are kept under their WG id (the WG's generator drops them).
 * - CVE 5: one record per CVE id; advisories without one have no CVE record.
 */
import { createHash } from 'node:crypto';
import semver from 'semver';
import { ECOSYSTEM_NODEJS, type OsvAffected, type OsvRecord, type VexStatement } from '../core/osv.ts';
import { cvssJson } from './cvss.ts';
import { NODE_PACKAGE, osvToNswgCore, osvToNswgNpm, vexToNswgDeps, type NswgKind } from './nswg.ts';
import { parseRange } from './ranges.ts';

// ---------------------------------------------------------------------------------------------
// OSV

/** Registered OSV id prefixes (osv-schema `$defs/prefix`) and the local `x_` form. */
const REGISTERED_ID = /^(x_|(ASB-A|PUB-A|ALPINE|ALSA|ALBA|ALEA|AZL|BELL|BIT|CGA|CLEANSTART|CLSA|CURL|CVE|DEBIAN|DHI|DRUPAL|DSA|DLA|ELA|DTSA|ECHO|EEF|FreeBSD|GHSA|GO|GSD|HSEC|JLSEC|KUBE|LBSEC|LSN|MAL|MINI|MGASA|OESA|OSEC|OSV|openSUSE-SU|PHSA|PSF|PYSEC|RHBA|RHEA|RHSA|RLSA|RXSA|RSEC|ROOT|RUSTSEC|SUSE-[SRFO]U|UBUNTU|USN|V8)-)/;

export const NODE_GIT_PACKAGE = { ecosystem: 'GIT', name: 'https://github.com/nodejs/node', purl: NODE_PACKAGE.purl } as const;

export interface OsvExportOptions {
  /** Prefix for ids that have no registered prefix (default `x_`). */
  idPrefix?: string;
}

/** True when ids made with this prefix are valid OSV ids (`x_…` or a registered database prefix). */
export function isUsableIdPrefix(prefix: string): boolean {
  return REGISTERED_ID.test(`${prefix}NSWG-ECO-1`) && !/[/\\\s]/.test(prefix);
}

/** A record as a standalone OSV file: registered id prefix, registered ecosystems. */
export function toExportOsv(rec: OsvRecord, opts: OsvExportOptions = {}): OsvRecord {
  const prefix = opts.idPrefix ?? 'x_';
  const out: OsvRecord = structuredClone(rec);
  if (!REGISTERED_ID.test(rec.id)) {
    out.id = `${prefix}${rec.id}`;
    out.aliases = [rec.id, ...(rec.aliases ?? []).filter((a) => a !== rec.id)];
  }
  for (const a of out.affected ?? []) {
    if (a.package && a.package.ecosystem.toLowerCase() === ECOSYSTEM_NODEJS.toLowerCase() && a.package.name === NODE_PACKAGE.name) {
      a.package = { ...NODE_GIT_PACKAGE };
    }
  }
  return out;
}

/** The reverse of `toExportOsv`'s ecosystem mapping, for records read back in. */
export function fromExportOsv(rec: OsvRecord): OsvRecord {
  for (const a of rec.affected ?? []) {
    if (a.package?.ecosystem === 'GIT' && a.package.name.replace(/\.git$/, '') === NODE_GIT_PACKAGE.name) a.package = { ...NODE_PACKAGE };
  }
  return rec;
}

/** File name for a record id (ids never contain path separators in practice; refuse them anyway). */
export function idFileName(id: string): string {
  return `${id.replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_')}.json`;
}

// ---------------------------------------------------------------------------------------------
// WG layout

export interface NswgFile {
  kind: NswgKind;
  id: string;
  record: Record<string, unknown>;
}

/** Which WG file a record came from, by its id or an alias (`NSWG-ECO-12` → npm/12). */
export function nswgOrigin(ids: readonly string[]): { kind: NswgKind; id: string } | undefined {
  for (const id of ids) {
    const m = /NSWG-(ECO|COR|DEP)-(\d+)$/.exec(id);
    if (m) return { kind: m[1] === 'ECO' ? 'npm' : m[1] === 'COR' ? 'core' : 'deps', id: m[2]! };
  }
  return undefined;
}

/** Records and statements back to WG files; records that did not come from the WG are returned apart. */
export function toNswgFiles(records: Iterable<OsvRecord>, vex: readonly VexStatement[]): { files: NswgFile[]; skipped: string[] } {
  const files: NswgFile[] = [];
  const skipped: string[] = [];
  for (const r of records) {
    const origin = nswgOrigin([r.id, ...(r.aliases ?? [])]);
    if (!origin || origin.kind === 'deps') {
      skipped.push(r.id);
      continue;
    }
    const rec = origin.kind === 'npm' ? osvToNswgNpm(fromExportOsv(structuredClone(r))) : osvToNswgCore(fromExportOsv(structuredClone(r)));
    files.push({ kind: origin.kind, id: origin.id, record: rec as Record<string, unknown> });
  }
  for (const st of vex) {
    const origin = nswgOrigin([st.id]);
    if (origin?.kind !== 'deps') {
      skipped.push(st.id);
      continue;
    }
    files.push({ kind: 'deps', id: origin.id, record: vexToNswgDeps(st) as Record<string, unknown> });
  }
  return { files, skipped };
}

// ---------------------------------------------------------------------------------------------
// OpenVEX

export interface OpenVexOptions {
  author?: string;
  role?: string;
  now: Date;
}

interface VexProduct {
  '@id': string;
  identifiers?: { purl: string };
}

interface OpenVexStatement {
  vulnerability: { '@id'?: string; name: string; description?: string; aliases?: string[] };
  products: VexProduct[];
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  justification?: string;
  impact_statement?: string;
  action_statement?: string;
  status_notes?: string;
}

const purlAt = (version: string) => `${NODE_PACKAGE.purl}@v${version}`;

/** The lower bounds of a patched range: `^20.20.2 || >= 10.9.0` → [20.20.2, 10.9.0]. */
export function patchedVersions(patched: string | undefined | null): string[] {
  const r = parseRange(patched);
  if (!r) return [];
  const out: string[] = [];
  for (const set of r.set) {
    const lo = set.find((c) => c.operator === '>=' || c.operator === '');
    if (lo && lo.value !== '' && !out.includes(lo.semver.version)) out.push(lo.semver.version);
  }
  return out;
}

function nodeAffected(rec: OsvRecord): OsvAffected | undefined {
  return rec.affected?.find((a) => a.package?.name === NODE_PACKAGE.name && a.package.ecosystem.toLowerCase() === ECOSYSTEM_NODEJS.toLowerCase());
}

function cveUrl(name: string): string | undefined {
  return name.startsWith('CVE-') ? `https://www.cve.org/CVERecord?id=${name}` : undefined;
}

/** Vulnerable release lines of a Node.js record: label, range text, the fix in that line if any. */
function vulnerableLines(a: OsvAffected): { label: string; product: string; range: string; fixed?: string }[] {
  const out: { label: string; product: string; range: string; fixed?: string }[] = [];
  for (const r of a.ranges ?? []) {
    const intro = r.events.find((e) => 'introduced' in e) as { introduced: string } | undefined;
    const fixed = (r.events.find((e) => 'fixed' in e) as { fixed: string } | undefined)?.fixed;
    const last = (r.events.find((e) => 'last_affected' in e) as { last_affected: string } | undefined)?.last_affected;
    const limit = typeof r.database_specific?.limit === 'string' ? r.database_specific.limit : undefined;
    const lo = intro?.introduced && intro.introduced !== '0' ? intro.introduced : undefined;
    const loV = lo ? semver.parse(lo) : undefined;
    const hiV = semver.parse(fixed ?? last ?? limit ?? '');
    const sameMajor = loV && (!hiV || hiV.major === loV.major || (hiV.major === loV.major + 1 && hiV.minor === 0 && hiV.patch === 0 && hiV.prerelease.length > 0));
    const label = loV && sameMajor ? `${loV.major}.x` : lo ? `>=${lo}` : 'every version';
    const product = loV && sameMajor ? purlAt(`${loV.major}.x`) : purlAt(lo ?? '0.0.0');
    const range = [lo ? `>=${lo}` : '', fixed ? `<${fixed}` : last ? `<=${last}` : limit ? `<${limit}` : ''].filter(Boolean).join(' ') || '*';
    out.push({ label, product, range, ...(fixed && { fixed }) });
  }
  for (const v of a.versions ?? []) out.push({ label: v, product: purlAt(v), range: `=${v}` });
  return out;
}

/**
 * OpenVEX 0.2.0 for Node.js: `fixed` at each patched version, `affected` (with an action
 * statement) for each vulnerable release line, `not_affected` from the deps records. Statements
 * with the same vulnerability and status are merged (OpenVEX wants unique statements).
 */
export function toOpenVex(records: Iterable<OsvRecord>, vex: readonly VexStatement[], opts: OpenVexOptions): Record<string, unknown> {
  const merged = new Map<string, OpenVexStatement>();
  const add = (st: OpenVexStatement) => {
    const key = `${st.vulnerability.name}\u0000${st.status}`;
    const prev = merged.get(key);
    if (!prev) {
      merged.set(key, { ...st, products: st.products.filter((p, i) => st.products.findIndex((q) => q['@id'] === p['@id']) === i) });
      return;
    }
    for (const p of st.products) if (!prev.products.some((q) => q['@id'] === p['@id'])) prev.products.push(p);
    if (st.action_statement && prev.action_statement && !prev.action_statement.includes(st.action_statement)) prev.action_statement += ` ${st.action_statement}`;
    if (st.status_notes && prev.status_notes && !prev.status_notes.includes(st.status_notes)) prev.status_notes += `; ${st.status_notes}`;
  };
  for (const rec of records) {
    const a = nodeAffected(rec);
    if (!a) continue;
    const nswg = (a.database_specific?.nswg ?? {}) as { patched?: unknown };
    const names = (rec.aliases ?? []).filter((x) => x.startsWith('CVE-'));
    if (names.length === 0) names.push(rec.id);
    const description = rec.details ?? rec.summary;
    const fixes = typeof nswg.patched === 'string' ? patchedVersions(nswg.patched) : (a.ranges ?? []).flatMap((r) => r.events.flatMap((e) => ('fixed' in e ? [e.fixed] : [])));
    const lines = vulnerableLines(a);
    for (const name of names) {
      const url = cveUrl(name) ?? (typeof rec.database_specific?.source === 'string' ? rec.database_specific.source : undefined);
      const vulnerability = { ...(url && { '@id': url }), name, ...(description && { description }), ...(name !== rec.id && { aliases: [rec.id] }) };
      if (fixes.length) {
        add({ vulnerability, products: fixes.map((v) => ({ '@id': purlAt(v), identifiers: { purl: purlAt(v) } })), status: 'fixed' });
      }
      if (lines.length) {
        const actions = lines.map((l) => (l.fixed ? `${l.label}: upgrade to v${l.fixed} or later.` : `${l.label}: no fix in this line; move to a release line with a fix${fixes.length ? ` (${fixes.map((f) => `v${f}`).join(', ')})` : ''}.`));
        add({
          vulnerability,
          products: lines.map((l) => ({ '@id': l.product })),
          status: 'affected',
          action_statement: actions.join(' '),
          status_notes: `vulnerable versions: ${lines.map((l) => l.range).join(' || ')} (${rec.id})`,
        });
      }
    }
  }
  for (const st of vex) {
    for (const name of st.vulnerabilities) {
      const url = cveUrl(name);
      const description = st.impactStatement ?? st.description;
      add({
        vulnerability: { ...(url && { '@id': url }), name, ...(description && { description }) },
        products: [{ '@id': st.product.purl ?? NODE_PACKAGE.purl }],
        status: st.status,
        ...(st.justification && { justification: st.justification }),
        ...(st.impactStatement && { impact_statement: st.impactStatement }),
        ...(st.status === 'affected' && { action_statement: 'see the advisory' }),
      });
    }
  }
  const statements = [...merged.values()].sort((x, y) => (x.vulnerability.name < y.vulnerability.name ? -1 : x.vulnerability.name > y.vulnerability.name ? 1 : x.status < y.status ? -1 : 1));
  const digest = createHash('sha256').update(JSON.stringify(statements)).digest('hex');
  return {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://openvex.dev/docs/public/vex-${digest}`,
    author: opts.author ?? 'Node.js Security WG',
    role: opts.role ?? 'Project',
    timestamp: opts.now.toISOString(),
    version: 1,
    tooling: 'nodesec db export --format openvex',
    statements,
  };
}

// ---------------------------------------------------------------------------------------------
// CVE JSON 5

export interface Cve5Options {
  /** The CNA's organisation UUID (cveMetadata.assignerOrgId, providerMetadata.orgId). */
  orgId?: string;
  shortName?: string;
}

/** Placeholder org UUID; pass the CNA's real one with --cna-org-id. */
export const PLACEHOLDER_ORG_ID = '00000000-0000-4000-8000-000000000000';

const PLATFORMS: Record<string, string> = { win32: 'Windows', win: 'Windows', linux: 'Linux', osx: 'MacOS', darwin: 'MacOS', freebsd: 'FreeBSD', openbsd: 'OpenBSD', aix: 'AIX', smartos: 'SmartOS', sunos: 'SunOS' };
const CREDIT_TYPES: Record<string, string> = {
  FINDER: 'finder', REPORTER: 'reporter', ANALYST: 'analyst', COORDINATOR: 'coordinator', REMEDIATION_DEVELOPER: 'remediation developer',
  REMEDIATION_REVIEWER: 'remediation reviewer', REMEDIATION_VERIFIER: 'remediation verifier', TOOL: 'tool', SPONSOR: 'sponsor', OTHER: 'other',
};

function cveVersions(a: OsvAffected): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const r of a.ranges ?? []) {
    if (r.type === 'GIT') continue;
    let intro: string | undefined;
    for (const e of r.events) {
      if ('introduced' in e) intro = e.introduced;
      else if (intro !== undefined && ('fixed' in e || 'last_affected' in e)) {
        out.push({ version: intro, status: 'affected', ...('fixed' in e ? { lessThan: e.fixed } : { lessThanOrEqual: e.last_affected }), versionType: r.type === 'SEMVER' ? 'semver' : 'custom' });
        intro = undefined;
      }
    }
    if (intro !== undefined) {
      const limit = typeof r.database_specific?.limit === 'string' ? r.database_specific.limit : '*';
      out.push({ version: intro, status: 'affected', lessThan: limit, versionType: r.type === 'SEMVER' ? 'semver' : 'custom' });
    }
  }
  for (const v of a.versions ?? []) out.push({ version: v, status: 'affected' });
  return out;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** CVE JSON 5.1 records, one per CVE id of the advisory (none when it has no CVE). */
export function toCve5(rec: OsvRecord, opts: Cve5Options = {}): Record<string, unknown>[] {
  const orgId = opts.orgId ?? PLACEHOLDER_ORG_ID;
  const cves = [...new Set((rec.aliases ?? []).filter((a) => /^CVE-[0-9]{4}-[0-9]{4,19}$/.test(a)))];
  if (/^CVE-[0-9]{4}-[0-9]{4,19}$/.test(rec.id) && !cves.includes(rec.id)) cves.unshift(rec.id);
  const affected = (rec.affected ?? []).flatMap((a) => {
    if (!a.package) return [];
    const versions = cveVersions(a);
    const isNode = a.package.name === NODE_PACKAGE.name && a.package.ecosystem.toLowerCase() === ECOSYSTEM_NODEJS.toLowerCase();
    const envs = Array.isArray(a.ecosystem_specific?.affectedEnvironments) ? (a.ecosystem_specific.affectedEnvironments as string[]) : [];
    const platforms = [...new Set(envs.flatMap((e) => (PLATFORMS[e] ? [PLATFORMS[e]!] : [])))];
    return [{
      ...(isNode
        ? { vendor: 'Node.js', product: 'Node.js', repo: 'https://github.com/nodejs/node' }
        : a.package.ecosystem === 'npm'
          ? { collectionURL: 'https://www.npmjs.com', packageName: a.package.name, product: a.package.name }
          : { vendor: a.package.ecosystem, product: a.package.name }),
      ...(platforms.length && { platforms }),
      ...(versions.length ? { versions } : {}),
      defaultStatus: versions.length ? 'unaffected' : 'unknown',
    }];
  });
  const references = [...new Set((rec.references ?? []).map((r) => r.url))].slice(0, 512).map((url) => ({ url }));
  const text = rec.details?.trim() || rec.summary || rec.id;
  const metrics = (rec.severity ?? []).flatMap((s) => {
    const j = cvssJson(s.score);
    return j ? [{ format: 'CVSS', scenarios: [{ lang: 'en', value: 'GENERAL' }], [j.key]: j.value }] : [];
  });
  const cwes = Array.isArray(rec.database_specific?.cwe_ids) ? (rec.database_specific.cwe_ids as string[]).filter((c) => /^CWE-[1-9][0-9]*$/.test(c)) : [];
  const credits = (rec.credits ?? []).map((c) => ({ lang: 'en', value: clip(c.name, 4096), ...(c.type && { type: CREDIT_TYPES[c.type] ?? 'other' }) }));
  return cves.map((cveId) => ({
    dataType: 'CVE_RECORD',
    dataVersion: '5.1',
    cveMetadata: {
      cveId,
      assignerOrgId: orgId,
      ...(opts.shortName && { assignerShortName: opts.shortName }),
      state: 'PUBLISHED',
      ...(rec.published && { datePublished: rec.published }),
      dateUpdated: rec.modified,
    },
    containers: {
      cna: {
        providerMetadata: { orgId, ...(opts.shortName && { shortName: opts.shortName }), dateUpdated: rec.modified },
        ...(rec.summary && { title: clip(rec.summary, 256) }),
        ...(rec.published && { datePublic: rec.published }),
        descriptions: [{ lang: 'en', value: clip(text, 4096) }],
        affected: affected.length ? affected : [{ vendor: 'unknown', product: 'unknown', defaultStatus: 'unknown' }],
        references: references.length ? references : [{ url: `https://www.cve.org/CVERecord?id=${cveId}` }],
        ...(cwes.length && { problemTypes: [{ descriptions: cwes.map((cweId) => ({ lang: 'en', type: 'CWE', cweId, description: cweId })) }] }),
        ...(metrics.length && { metrics }),
        ...(credits.length && { credits }),
        x_generator: { engine: 'nodesec', source: rec.id },
      },
    },
  }));
}

/**
 * Merges two CVE records for the same CVE id (two advisories can name one CVE: the WG has
 * CVE-2024-27980 in two core records): affected products and references are united, the
 * first record's texts are kept.
 */
export function mergeCve5(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(a) as { containers: { cna: Record<string, unknown[]> } };
  const other = (b as { containers: { cna: Record<string, unknown[]> } }).containers.cna;
  for (const key of ['affected', 'references', 'metrics', 'problemTypes', 'credits']) {
    const list = [...(out.containers.cna[key] ?? []), ...(other[key] ?? [])];
    const seen = new Set<string>();
    const unique = list.filter((x) => !seen.has(JSON.stringify(x)) && seen.add(JSON.stringify(x)));
    if (unique.length) out.containers.cna[key] = unique;
  }
  return out as unknown as Record<string, unknown>;
}
