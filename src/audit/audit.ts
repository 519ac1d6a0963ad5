/**
 * The audit: installed packages of one or more lock graphs, matched against an advisory
 * source, turned into findings with dependency paths, fix advice and the ignore policy applied.
 * Pure apart from the optional `versionsOf` lookup (the registry), which is injected.
 *
 * One finding per (lockfile, package name@version, vulnerability): several installs of the same
 * version (npm nests copies) are merged, their paths united; a vulnerability published by two
 * databases is one finding with the union of ids as aliases.
 */
import type { Finding, Severity } from '../core/finding.ts';
import { SEVERITIES, severityRank } from '../core/finding.ts';
import type { IgnorePolicy } from '../core/ignore.ts';
import type { LockGraph, LockPackage } from '../core/lockgraph.ts';
import { ECOSYSTEM_NPM, type AdvisorySource } from '../core/osv.ts';
import { advisoryFixVersions, matchAffects, matchVersion, minimalUpgrade, parseVersion, wgRanges, type VulnMatch } from './match.ts';
import { dependencyPaths } from '../lockfile/index.ts';
import type { PackageVersions } from './registry.ts';
import { rateRecord, recordUrl, type AdvisoryFacts } from './severity.ts';

/** One way an importer reaches the package. */
export interface DependencyPath {
  /** The importer: its `name@version`, else its path (`.`, `packages/foo`). */
  importer: string;
  /** `name@version` from the direct dependency down to the package itself. */
  packages: string[];
}

export type OmitKind = 'dev' | 'optional' | 'peer';
export const OMIT_KINDS: readonly OmitKind[] = ['dev', 'optional', 'peer'];

export interface AuditOptions {
  source: AdvisorySource;
  /** Paths in findings are relative to this directory. */
  root: string;
  omit?: readonly OmitKind[];
  /** Most dependency paths listed per finding (the total is always counted). Default 10. */
  maxPaths?: number;
  ignore?: IgnorePolicy;
  /** Published versions of a package (the registry), for the minimal upgrade; absent offline. */
  versionsOf?: (name: string) => Promise<PackageVersions | undefined>;
  /** Relative display path of a lockfile. */
  relative?: (path: string) => string;
}

export interface Upgrade {
  version: string;
  /** True when the upgrade stays within the installed major. */
  sameMajor: boolean;
  /** Where the candidate versions came from. */
  source: 'registry' | 'advisory';
}

/** The `data` of an audit finding; the JSON output's finding object (docs/json-output.md). */
export interface AuditFindingData extends AdvisoryFacts {
  /** Record ids that reported it (one per database). */
  records: string[];
  package: { name: string; version: string; alias?: string; dev: boolean; optional: boolean; peer: boolean; bundled: boolean; extraneous: boolean };
  lockfile: string;
  line: number | null;
  /** Lockfile keys of the installs (npm locations, pnpm snapshot keys...). */
  installs: string[];
  /** Affected ranges as the advisories state them, for people. */
  vulnerableRanges: string[];
  paths: DependencyPath[];
  pathCount: number;
  fixedVersions: string[];
  upgrade: Upgrade | null;
}

export interface NotAuditable {
  lockfile: string;
  name: string;
  version: string;
  key: string;
  reason: string;
  spec: string;
  line: number | null;
}

export interface SuppressedFinding {
  finding: Finding;
  ignoreId: string;
  reason: string;
}

export interface AuditResult {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  notAuditable: NotAuditable[];
  lockfiles: { path: string; manager: string; formatVersion: string; reader: string; packages: number; importers: number }[];
  stats: { packages: number; audited: number; omitted: number; vulnerablePackages: number; bySeverity: Record<Severity, number> };
  warnings: { file: string; line?: number; message: string }[];
}

interface Group {
  graph: LockGraph;
  lockfile: string;
  name: string;
  version: string;
  alias?: string;
  installs: LockPackage[];
  match: VulnMatch;
}

function describeRanges(m: VulnMatch): string[] {
  const out = new Set<string>();
  for (const a of m.affected) {
    const wg = wgRanges(a);
    if (wg) {
      out.add(wg.patched ? `${wg.vulnerable} (patched ${wg.patched})` : wg.vulnerable);
      continue;
    }
    for (const r of a.ranges ?? []) {
      if (r.type === 'GIT') continue;
      const parts: string[] = [];
      for (const e of r.events) {
        const [k, v] = Object.entries(e)[0] ?? [];
        if (k === 'introduced') parts.push(v === '0' ? '' : `>=${v}`);
        else if (k === 'fixed') parts.push(`<${v}`);
        else if (k === 'last_affected') parts.push(`<=${v}`);
        else if (k === 'limit') parts.push(`(limit ${v})`);
      }
      const s = parts.filter(Boolean).join(' ').replace(/ (?=>=)/g, ' || ');
      out.add(s || '*');
    }
    if (a.versions?.length) out.add(a.versions.join(' || '));
  }
  return [...out];
}

export async function runAudit(graphs: readonly LockGraph[], opts: AuditOptions): Promise<AuditResult> {
  const omit = new Set(opts.omit ?? []);
  const maxPaths = opts.maxPaths ?? 10;
  const rel = opts.relative ?? ((p: string) => p);
  const groups: Group[] = [];
  const notAuditable: NotAuditable[] = [];
  const warnings: AuditResult['warnings'] = [];
  let packages = 0;
  let audited = 0;
  let omitted = 0;

  for (const graph of graphs) {
    const lockfile = rel(graph.path);
    for (const w of graph.warnings) warnings.push({ file: lockfile, ...(w.line !== undefined && { line: w.line }), message: w.message });
    // name@version -> match groups, so that nested copies of one version share the work.
    const byVersion = new Map<string, Map<string, Group>>();
    for (const pkg of graph.packages) {
      packages++;
      if ((omit.has('dev') && pkg.dev) || (omit.has('optional') && pkg.optional) || (omit.has('peer') && pkg.peer)) {
        omitted++;
        continue;
      }
      if (pkg.notAuditable) {
        notAuditable.push({ lockfile, name: pkg.alias ?? pkg.name, version: pkg.version, key: pkg.key, reason: pkg.notAuditable.reason, spec: pkg.notAuditable.spec, line: pkg.line ?? null });
        continue;
      }
      const v = parseVersion(pkg.version);
      if (!v) {
        notAuditable.push({ lockfile, name: pkg.name, version: pkg.version, key: pkg.key, reason: 'invalid-version', spec: pkg.version, line: pkg.line ?? null });
        continue;
      }
      audited++;
      const k = `${pkg.name}@${v.version}`;
      let gs = byVersion.get(k);
      if (!gs) {
        gs = new Map();
        for (const m of matchVersion(opts.source, ECOSYSTEM_NPM, pkg.name, v)) {
          const g: Group = { graph, lockfile, name: pkg.name, version: v.version, installs: [], match: m, ...(pkg.alias && { alias: pkg.alias }) };
          gs.set(m.id, g);
          groups.push(g);
        }
        byVersion.set(k, gs);
      }
      for (const g of gs.values()) g.installs.push(pkg);
    }
  }

  // Fix advice: candidate versions per package name, from the registry when asked, else from the advisories.
  const names = [...new Set(groups.map((g) => g.name))];
  const registryVersions = new Map<string, PackageVersions | undefined>();
  if (opts.versionsOf) {
    const lookup = opts.versionsOf;
    await Promise.all(names.map(async (n) => registryVersions.set(n, await lookup(n))));
  }

  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const vulnerable = new Set<string>();
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

  const pathCache = new Map<string, ReturnType<typeof dependencyPaths>>();
  for (const g of groups) {
    const paths: DependencyPath[] = [];
    let pathCount = 0;
    for (const inst of g.installs) {
      // The same install is reported once per vulnerability: compute its paths once.
      const pk = `${graphs.indexOf(g.graph)}:${inst.id}`;
      let ps = pathCache.get(pk);
      if (!ps) pathCache.set(pk, (ps = dependencyPaths(g.graph, inst.id, maxPaths)));
      pathCount += ps.total;
      for (const p of ps.paths) if (paths.length < maxPaths) paths.push({ importer: p[0] ?? '.', packages: p.slice(1) });
    }
    const primary = g.match.records[0]!;
    const rated = g.match.records.map(rateRecord);
    // The highest rating among the records of the group wins (databases disagree; report the worst).
    const best = rated.reduce((a, b) => (b.severityKnown && (!a.severityKnown || severityRank(b.severity) > severityRank(a.severity)) ? b : a));
    const cvss = best.cvss ?? rated.find((r) => r.cvss)?.cvss ?? null;
    const current = parseVersion(g.version)!;
    const fixed = advisoryFixVersions(g.match, ECOSYSTEM_NPM, g.name);
    const reg = registryVersions.get(g.name);
    const affectedBy = (v: Parameters<typeof matchAffects>[3]) => matchAffects(g.match, ECOSYSTEM_NPM, g.name, v);
    let upgrade: Upgrade | null = null;
    if (reg) {
      const cands = reg.versions.filter((x) => !reg.deprecated.has(x)).map(parseVersion).filter((x) => x !== undefined);
      const u = minimalUpgrade(current, cands, affectedBy)
        ?? minimalUpgrade(current, reg.versions.map(parseVersion).filter((x) => x !== undefined), affectedBy);
      if (u) upgrade = { ...u, source: 'registry' };
    }
    if (!upgrade && !reg) {
      const u = minimalUpgrade(current, fixed, affectedBy);
      if (u) upgrade = { ...u, source: 'advisory' };
    }
    const summary = primary.summary ?? g.match.records.find((r) => r.summary)?.summary ?? primary.details?.split('\n')[0] ?? g.match.id;
    const url = recordUrl(primary) ?? g.match.records.map(recordUrl).find(Boolean) ?? null;
    const first = g.installs[0]!;
    const data: AuditFindingData = {
      id: g.match.id,
      aliases: g.match.aliases,
      summary,
      severity: best.severity,
      severityKnown: best.severityKnown,
      cvss,
      url,
      records: g.match.records.map((r) => r.id),
      package: {
        name: g.name,
        version: g.version,
        ...(g.alias && { alias: g.alias }),
        dev: g.installs.every((p) => p.dev),
        optional: g.installs.every((p) => p.optional),
        peer: g.installs.every((p) => p.peer),
        bundled: g.installs.every((p) => p.bundled === true),
        extraneous: g.installs.every((p) => p.extraneous === true),
      },
      lockfile: g.lockfile,
      line: first.line ?? null,
      installs: g.installs.map((p) => p.key),
      vulnerableRanges: describeRanges(g.match),
      paths,
      pathCount,
      fixedVersions: fixed.map((v) => v.version),
      upgrade,
    };
    const finding = toFinding(data);
    const entry = opts.ignore?.match({
      finding,
      aliases: g.match.aliases,
      // A path-scoped ignore must cover every path; when the list is capped, an unlisted path is unknown, so it never matches.
      dependencyPaths: [...paths.map((p) => p.packages), ...(pathCount > paths.length ? [['<unlisted path>']] : [])],
    });
    if (entry) {
      suppressed.push({ finding, ignoreId: entry.id, reason: entry.reason });
      continue;
    }
    findings.push(finding);
    vulnerable.add(`${g.lockfile}\0${g.name}@${g.version}`);
    bySeverity[data.severity]++;
  }
  findings.sort(compareFindings);
  return {
    findings,
    suppressed,
    notAuditable,
    lockfiles: graphs.map((g) => ({ path: rel(g.path), manager: g.manager, formatVersion: g.formatVersion, reader: g.reader, packages: g.packages.length, importers: g.importers.length })),
    stats: { packages, audited, omitted, vulnerablePackages: vulnerable.size, bySeverity },
    warnings,
  };
}

const collator = new Intl.Collator('en', { numeric: true });

/** Highest severity first, then advisory id (numeric: NSWG-ECO-31 before NSWG-ECO-101), then package. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || collator.compare(a.ruleId, b.ruleId) || collator.compare(a.title, b.title);
}

export function toFinding(d: AuditFindingData): Finding {
  const pkg = `${d.package.alias ? `${d.package.alias} (npm:${d.package.name})` : d.package.name}@${d.package.version}`;
  const kinds = [d.package.dev && 'dev', d.package.optional && 'optional', d.package.peer && 'peer'].filter(Boolean);
  const lines = [
    `${d.id}${d.aliases.length ? ` (${d.aliases.join(', ')})` : ''}: ${d.summary}`,
    `Package ${pkg}${kinds.length ? ` (${kinds.join(', ')} dependency)` : ''}; vulnerable: ${d.vulnerableRanges.join('; ') || 'see advisory'}.`,
  ];
  if (d.paths.length) {
    lines.push(`Dependency paths (${d.pathCount}):`);
    for (const p of d.paths) lines.push(`  ${[p.importer, ...p.packages].join(' > ')}`);
    if (d.pathCount > d.paths.length) lines.push(`  ... and ${d.pathCount - d.paths.length} more`);
  }
  return {
    check: 'audit',
    ruleId: d.id,
    severity: d.severity,
    title: `${pkg}: ${d.summary}`,
    message: lines.join('\n'),
    location: { file: d.lockfile, ...(d.line !== null && { line: d.line }) },
    help: fixAdvice(d),
    ...(d.url && { url: d.url }),
    data: d,
  };
}

export function fixAdvice(d: AuditFindingData): string {
  const name = d.package.alias ?? d.package.name;
  if (d.upgrade) {
    return `Upgrade ${name} to ${d.upgrade.version}${d.upgrade.sameMajor ? '' : ' (a new major version: check for breaking changes)'}.`;
  }
  if (d.fixedVersions.length) return `Fixed in ${d.fixedVersions.join(', ')}; upgrade ${name} to a fixed version.`;
  return `No fixed version is known: remove or replace ${name}, or ignore with a reason in .nodesec.json after review.`;
}
