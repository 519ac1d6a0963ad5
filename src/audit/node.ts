/**
 * The Node.js runtime check: is this version of Node.js vulnerable (the WG core records, ecosystem
 * `Node.js`, package `node`) on this platform, and is its release line end-of-life (the release
 * schedule, nodejs/Release's schedule.json format)?
 *
 * - A record applies when the version matches its ranges (match.ts) and its `affectedEnvironments`
 *   (`nswg.affectedEnvironments` or `ecosystem_specific.affectedEnvironments`) contains `all` or
 *   the platform; platform `any` checks every environment.
 * - VEX `not_affected` statements (the WG's vuln/deps) suppress the CVEs they name, for the
 *   versions they cover, with their justification kept in the report.
 */
import semver from 'semver';
import type { Finding, Severity } from '../core/finding.ts';
import type { IgnorePolicy } from '../core/ignore.ts';
import { ECOSYSTEM_NODEJS, type AdvisorySource, type OsvRecord, type VexStatement } from '../core/osv.ts';
import { advisoryFixVersions, matchAffects, matchVersion, minimalUpgrade, parseRange, parseVersion, type VulnMatch } from './match.ts';
import { rateRecord, recordUrl, type AdvisoryFacts } from './severity.ts';
import { compareFindings } from './audit.ts';

export interface ScheduleEntry {
  start: string;
  lts?: string;
  maintenance?: string;
  end: string;
  codename?: string;
}
export type Schedule = Record<string, ScheduleEntry>;

export type LineStatus = 'pending' | 'current' | 'active-lts' | 'maintenance' | 'end-of-life' | 'unknown';

export interface LineInfo {
  /** Schedule key: `v20`, `v0.12`. */
  line: string;
  status: LineStatus;
  codename?: string;
  lts: boolean;
  end?: string;
  /** Days until (negative: since) the end of life. */
  daysToEnd?: number;
}

/** The schedule key of a version: `v0.12` for 0.x, else `v<major>`. */
export function releaseLine(v: semver.SemVer): string {
  return v.major === 0 ? `v0.${v.minor}` : `v${v.major}`;
}

export function lineInfo(schedule: Schedule | undefined, line: string, now: Date): LineInfo {
  const e = schedule?.[line];
  if (!e) return { line, status: 'unknown', lts: false };
  const t = now.toISOString().slice(0, 10);
  let status: LineStatus;
  if (t < e.start) status = 'pending';
  else if (t >= e.end) status = 'end-of-life';
  else if (e.maintenance && t >= e.maintenance) status = 'maintenance';
  else if (e.lts && t >= e.lts) status = 'active-lts';
  else status = 'current';
  const daysToEnd = Math.round((Date.parse(e.end) - Date.parse(t)) / 86_400_000);
  return { line, status, lts: e.lts !== undefined, end: e.end, daysToEnd, ...(e.codename && { codename: e.codename }) };
}

/** Lines supported today (current, active LTS, maintenance), newest first. */
export function supportedLines(schedule: Schedule | undefined, now: Date): LineInfo[] {
  if (!schedule) return [];
  return Object.keys(schedule)
    .map((l) => lineInfo(schedule, l, now))
    .filter((i) => i.status === 'current' || i.status === 'active-lts' || i.status === 'maintenance')
    .sort((a, b) => Number(b.line.slice(1)) - Number(a.line.slice(1)));
}

/** Validates a parsed schedule.json; returns the problem, or undefined when it is usable. */
export function scheduleProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'the schedule must be a JSON object keyed by release line ("v20": {...})';
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  for (const [k, v] of Object.entries(raw)) {
    if (!/^v\d+(\.\d+)?$/.test(k)) return `unexpected key "${k}": release lines look like "v20" or "v0.12"`;
    const e = v as Record<string, unknown>;
    if (typeof e !== 'object' || e === null) return `"${k}" must be an object`;
    for (const f of ['start', 'end']) if (typeof e[f] !== 'string' || !DATE.test(e[f] as string)) return `"${k}.${f}" must be a date YYYY-MM-DD`;
    for (const f of ['lts', 'maintenance']) if (e[f] !== undefined && (typeof e[f] !== 'string' || !DATE.test(e[f] as string))) return `"${k}.${f}" must be a date YYYY-MM-DD`;
  }
  return undefined;
}

export function environmentsOf(r: OsvRecord): string[] {
  const envs = new Set<string>();
  for (const a of r.affected ?? []) {
    const n = a.database_specific?.nswg as { affectedEnvironments?: unknown } | undefined;
    const list = n?.affectedEnvironments ?? a.ecosystem_specific?.affectedEnvironments;
    if (Array.isArray(list)) for (const x of list) if (typeof x === 'string') envs.add(x.toLowerCase());
  }
  return envs.size ? [...envs] : ['all'];
}

export function appliesToPlatform(envs: readonly string[], platform: string): boolean {
  return platform === 'any' || envs.includes('all') || envs.includes(platform.toLowerCase());
}

/** The `data` of a node finding (JSON output). */
export interface NodeFindingData extends AdvisoryFacts {
  kind: 'vulnerability' | 'end-of-life';
  version: string;
  platform: string;
  environments: string[];
  vulnerableRanges: string[];
  fixedVersions: string[];
  /** Smallest fixed version in the same release line, else in a later line. */
  upgrade: { version: string; sameMajor: boolean } | null;
  line: LineInfo;
}

export interface VexApplied {
  statement: string;
  vulnerability: string;
  justification: string | null;
  impactStatement: string | null;
  record: string;
}

export interface NodeCheckResult {
  version: string;
  platform: string;
  line: LineInfo;
  supported: LineInfo[];
  findings: Finding[];
  suppressed: { finding: Finding; ignoreId: string; reason: string }[];
  notAffected: VexApplied[];
  /**
   * Every `not_affected` statement that covers this version (the WG's vuln/deps: CVEs of vendored
   * dependencies that other scanners report against Node.js, declared not exploitable in it).
   */
  statements: { id: string; vulnerabilities: string[]; justification: string | null; impactStatement: string | null; references: string[] }[];
  records: number;
  /** The smallest release that fixes every vulnerability found, when the advisories name one. */
  recommended: { version: string; sameMajor: boolean } | null;
}

export interface NodeCheckOptions {
  version: string;
  platform: string;
  source: AdvisorySource;
  schedule: Schedule | undefined;
  now: Date;
  ignore?: IgnorePolicy;
  /** Where the version came from, for findings of `nodesec check` (`.nvmrc:1`). */
  location?: Finding['location'];
  /** Only the end-of-life check (a version spec naming a line, not a release). */
  lineOnly?: boolean;
}

function vexFor(source: AdvisorySource, m: VulnMatch, version: semver.SemVer): VexApplied | undefined {
  const statements: readonly VexStatement[] = source.vexStatements?.() ?? [];
  const ids = new Set([m.id, ...m.aliases].map((x) => x.toUpperCase()));
  for (const st of statements) {
    if (st.status !== 'not_affected') continue;
    if (st.product.name !== 'node' || st.product.ecosystem.toLowerCase() !== ECOSYSTEM_NODEJS.toLowerCase()) continue;
    const vuln = st.vulnerabilities.find((x) => ids.has(x.toUpperCase()));
    if (!vuln) continue;
    if (st.versions) {
      const r = parseRange(st.versions);
      if (!r || !r.test(version)) continue;
    }
    return { statement: st.id, vulnerability: vuln, justification: st.justification ?? null, impactStatement: st.impactStatement ?? null, record: m.id };
  }
  return undefined;
}

export function checkNode(opts: NodeCheckOptions): NodeCheckResult {
  const v = parseVersion(opts.version);
  if (!v) throw new TypeError(`not a Node.js version: ${opts.version}`);
  const version = `v${v.version}`;
  const line = lineInfo(opts.schedule, releaseLine(v), opts.now);
  const supported = supportedLines(opts.schedule, opts.now);
  const findings: Finding[] = [];
  const suppressed: NodeCheckResult['suppressed'] = [];
  const notAffected: VexApplied[] = [];
  const base = { version, platform: opts.platform, line };

  const records = opts.source.byPackage(ECOSYSTEM_NODEJS, 'node');
  const matched: VulnMatch[] = [];
  const allFixes = new Map<string, semver.SemVer>();
  if (!opts.lineOnly) {
    for (const m of matchVersion(opts.source, ECOSYSTEM_NODEJS, 'node', v)) {
      const envs = [...new Set(m.records.flatMap(environmentsOf))];
      if (!appliesToPlatform(envs, opts.platform)) continue;
      const vex = vexFor(opts.source, m, v);
      if (vex) {
        notAffected.push(vex);
        continue;
      }
      const primary = m.records[0]!;
      const rated = rateRecord(primary);
      const fixed = advisoryFixVersions(m, ECOSYSTEM_NODEJS, 'node');
      const up = minimalUpgrade(v, fixed, (x) => matchAffects(m, ECOSYSTEM_NODEJS, 'node', x));
      matched.push(m);
      for (const f of fixed) allFixes.set(f.version, f);
      const data: NodeFindingData = {
        kind: 'vulnerability',
        id: m.id,
        aliases: m.aliases,
        summary: primary.summary ?? primary.details?.split('\n')[0] ?? m.id,
        severity: rated.severity,
        severityKnown: rated.severityKnown,
        cvss: rated.cvss ?? null,
        url: recordUrl(primary) ?? null,
        ...base,
        environments: envs,
        vulnerableRanges: m.affected.map((a) => {
          const n = a.database_specific?.nswg as { vulnerable?: string; patched?: string } | undefined;
          return n?.vulnerable ? `${n.vulnerable}${n.patched ? ` (patched ${n.patched})` : ''}` : 'see advisory';
        }),
        fixedVersions: fixed.map((x) => `v${x.version}`),
        upgrade: up ? { version: `v${up.version}`, sameMajor: up.sameMajor } : null,
      };
      push(data, m.aliases);
    }
  }

  if (line.status === 'end-of-life') {
    const next = supported.filter((s) => s.lts).map((s) => s.line);
    const data: NodeFindingData = {
      kind: 'end-of-life',
      id: 'node-end-of-life',
      aliases: [],
      summary: `Node.js ${line.line} reached end-of-life on ${line.end}: it gets no security fixes, and advisories published since do not assess it`,
      severity: 'high',
      severityKnown: true,
      cvss: null,
      url: 'https://nodejs.org/en/about/previous-releases',
      ...base,
      environments: ['all'],
      vulnerableRanges: [],
      fixedVersions: [],
      upgrade: null,
    };
    push(data, [], next.length ? `Move to a supported LTS line: ${next.join(', ')}.` : 'Move to a supported release line.');
  }

  function push(data: NodeFindingData, aliases: string[], help?: string) {
    const finding: Finding = {
      check: 'node',
      ruleId: data.id,
      severity: data.severity,
      title: `Node.js ${version}: ${data.summary}`,
      message: data.kind === 'vulnerability'
        ? `${data.id}${data.aliases.length ? ` (${data.aliases.join(', ')})` : ''} affects Node.js ${version} on ${data.environments.join(', ')}; vulnerable: ${data.vulnerableRanges.join('; ')}.`
        : `${data.summary}.`,
      help: help ?? (data.upgrade ? `Upgrade Node.js to ${data.upgrade.version} or later${data.upgrade.sameMajor ? '' : ' (a new release line)'}.`
        : data.fixedVersions.length ? `Fixed in ${data.fixedVersions.join(', ')}.` : 'No fixed release in this line: move to a supported line.'),
      ...(data.url && { url: data.url }),
      ...(opts.location && { location: opts.location }),
      data,
    };
    const entry = opts.ignore?.match({ finding, aliases });
    if (entry) suppressed.push({ finding, ignoreId: entry.id, reason: entry.reason });
    else findings.push(finding);
  }

  findings.sort(compareFindings);
  // One upgrade that fixes every vulnerability found (platform-applicable, not VEX-suppressed).
  const all = minimalUpgrade(v, [...allFixes.values()], (x) => matched.some((m) => matchAffects(m, ECOSYSTEM_NODEJS, 'node', x)));
  const recommended = all ? { version: `v${all.version}`, sameMajor: all.sameMajor } : null;
  const statements = (opts.source.vexStatements?.() ?? [])
    .filter((st) => st.status === 'not_affected' && st.product.name === 'node' && st.product.ecosystem.toLowerCase() === ECOSYSTEM_NODEJS.toLowerCase())
    .filter((st) => !st.versions || parseRange(st.versions)?.test(v) === true)
    .map((st) => ({ id: st.id, vulnerabilities: st.vulnerabilities, justification: st.justification ?? null, impactStatement: st.impactStatement ?? null, references: st.references ?? [] }));
  return { ...base, supported, findings, suppressed, notAffected, statements, records: records.length, recommended };
}
