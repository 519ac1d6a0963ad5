/**
 * Matching installed versions against advisories: the core of `nodesec audit` and `nodesec node`.
 *
 * Semantics (docs/audit.md has the user-facing version):
 *
 * - A WG record (`affected[i].database_specific.nswg` present) is matched on the WG's own ranges:
 *   vulnerable = satisfies(vulnerable) AND NOT satisfies(patched), the second test only when
 *   `patched` is a usable range (null, empty and unparseable `patched` never mean "nothing is
 *   vulnerable"). npm keys are `vulnerable_versions`/`patched_versions`, core keys
 *   `vulnerable`/`patched`. `satisfies` is npm's: `includePrerelease: false`, so a prerelease only
 *   matches a comparator set that names a prerelease of the same major.minor.patch, and `"*"`
 *   matches no prerelease.
 * - Any other record is matched on OSV: a version is affected when it is in `versions`, or inside
 *   a SEMVER/ECOSYSTEM range (events sorted by version precedence; `introduced` opens,
 *   `fixed` closes exclusive, `last_affected` closes inclusive, `limit` caps the range). GIT
 *   ranges cannot be evaluated against a version and are ignored. Event comparisons use semver
 *   precedence, prereleases included (OSV's definition).
 * - Withdrawn records never match.
 * - The same vulnerability from two records (an NSWG record and its GHSA, say) is reported once:
 *   matches are grouped by the union of ids and aliases.
 *
 * Everything parsed is cached (versions and ranges by string, compiled matchers per affected
 * entry), so a database of 100,000 records costs parse time only for the packages looked up.
 */
import semver from 'semver';
import type { AdvisorySource, OsvAffected, OsvRange, OsvRecord } from '../core/osv.ts';

type SemVer = semver.SemVer;
type Range = semver.Range;

const versionCache = new Map<string, SemVer | null>();
const rangeCache = new Map<string, Range | null>();
const CACHE_CAP = 200_000;

/** A parsed version, or undefined when the string is not semver (a leading `v` and `=` are accepted). */
export function parseVersion(v: string): SemVer | undefined {
  let p = versionCache.get(v);
  if (p === undefined) {
    p = semver.parse(v) ?? semver.parse(v.trim().replace(/^[=v]+/, '')) ?? null;
    if (versionCache.size > CACHE_CAP) versionCache.clear();
    versionCache.set(v, p);
  }
  return p ?? undefined;
}

/** A parsed npm range (non-loose, like the WG data), or undefined when it does not parse. */
export function parseRange(r: string): Range | undefined {
  let p = rangeCache.get(r);
  if (p === undefined) {
    try {
      p = new semver.Range(r);
    } catch {
      p = null;
    }
    if (rangeCache.size > CACHE_CAP) rangeCache.clear();
    rangeCache.set(r, p);
  }
  return p ?? undefined;
}

/** The WG range pair carried by an affected entry, when the record came from the WG data. */
export interface WgRanges {
  vulnerable: string;
  /** Null when the WG gives no usable patched range. */
  patched: string | null;
}

export function wgRanges(a: OsvAffected): WgRanges | undefined {
  const n = a.database_specific?.nswg;
  if (typeof n !== 'object' || n === null) return undefined;
  const o = n as Record<string, unknown>;
  const vulnerable = typeof o.vulnerable_versions === 'string' ? o.vulnerable_versions : typeof o.vulnerable === 'string' ? o.vulnerable : undefined;
  if (vulnerable === undefined) return undefined;
  const p = 'patched_versions' in o ? o.patched_versions : o.patched;
  return { vulnerable, patched: typeof p === 'string' ? p : null };
}

/** True when `patched` may be used to exclude versions: a non-empty string that parses. */
function usablePatched(p: string | null): Range | undefined {
  if (p === null || !p.trim()) return undefined;
  return parseRange(p);
}

export type VersionTest = (v: SemVer) => boolean;

interface Interval {
  lo?: SemVer;
  hi?: SemVer;
  hiInclusive: boolean;
}

const ZERO = new semver.SemVer('0.0.0-0');

function eventVersion(e: Record<string, string>): { kind: string; v: SemVer | undefined; raw: string } {
  const kind = Object.keys(e)[0] ?? '';
  const raw = e[kind] ?? '';
  return { kind, v: kind === 'introduced' && raw === '0' ? ZERO : parseVersion(raw), raw };
}

/** Compiles one OSV SEMVER/ECOSYSTEM range into intervals. Unparseable events are skipped. */
export function compileOsvRange(r: OsvRange): VersionTest | undefined {
  if (r.type === 'GIT') return undefined;
  const events = r.events
    .map((e) => eventVersion(e as unknown as Record<string, string>))
    .filter((e): e is { kind: string; v: SemVer; raw: string } => e.v !== undefined);
  const limits = events.filter((e) => e.kind === 'limit').map((e) => e.v);
  const ordered = events.filter((e) => e.kind !== 'limit');
  // Sort by precedence; at equal versions `introduced` comes first so that "introduced 1, fixed 1" is empty.
  ordered.sort((a, b) => semver.compare(a.v, b.v) || (a.kind === 'introduced' ? -1 : b.kind === 'introduced' ? 1 : 0));
  const intervals: Interval[] = [];
  let open: SemVer | undefined;
  for (const e of ordered) {
    if (e.kind === 'introduced') {
      if (open === undefined) open = e.v;
    } else if (e.kind === 'fixed' || e.kind === 'last_affected') {
      if (open !== undefined) {
        intervals.push({ lo: open, hi: e.v, hiInclusive: e.kind === 'last_affected' });
        open = undefined;
      }
    }
  }
  if (open !== undefined) intervals.push({ lo: open, hiInclusive: false });
  if (intervals.length === 0) return () => false;
  // SemVer#compare directly: semver.lt/compare re-wrap their arguments on every call.
  return (v) => {
    if (limits.length > 0 && !limits.some((l) => v.compare(l) < 0)) return false;
    for (const i of intervals) {
      if (i.lo && v.compare(i.lo) < 0) continue;
      if (i.hi) {
        const c = v.compare(i.hi);
        if (c > 0 || (c === 0 && !i.hiInclusive)) continue;
      }
      return true;
    }
    return false;
  };
}

const compiled = new WeakMap<OsvAffected, VersionTest>();

/** The compiled version test of one affected entry (cached per entry). */
export function compileAffected(a: OsvAffected): VersionTest {
  let t = compiled.get(a);
  if (t) return t;
  const wg = wgRanges(a);
  const vr = wg ? parseRange(wg.vulnerable) : undefined;
  if (wg && vr) {
    const pr = usablePatched(wg.patched);
    t = pr ? (v) => vr.test(v) && !pr.test(v) : (v) => vr.test(v);
  } else {
    const tests: VersionTest[] = [];
    if (a.versions?.length) {
      const exact = new Set<string>();
      for (const s of a.versions) {
        const p = parseVersion(s);
        exact.add(p ? p.version : s);
      }
      tests.push((v) => exact.has(v.version));
    }
    for (const r of a.ranges ?? []) {
      const c = compileOsvRange(r);
      if (c) tests.push(c);
    }
    t = tests.length === 0 ? () => false : tests.length === 1 ? tests[0]! : (v) => tests.some((x) => x(v));
  }
  compiled.set(a, t);
  return t;
}

/** Case-insensitive ecosystem comparison; `npm` also accepts purl-ish spellings. */
function sameEcosystem(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** The affected entries of `record` that cover `name@version` (empty when none, or when withdrawn). */
export function affectedEntries(record: OsvRecord, ecosystem: string, name: string, version: SemVer): OsvAffected[] {
  if (record.withdrawn || !record.affected) return NO_ENTRIES;
  let out: OsvAffected[] | undefined;
  for (const a of record.affected) {
    if (!a.package || a.package.name !== name || !sameEcosystem(a.package.ecosystem, ecosystem)) continue;
    if (compileAffected(a)(version)) (out ??= []).push(a);
  }
  return out ?? NO_ENTRIES;
}

const NO_ENTRIES = Object.freeze([]) as unknown as OsvAffected[];

/** True when `version` of `name` is affected by `record`. */
export function isAffected(record: OsvRecord, ecosystem: string, name: string, version: SemVer): boolean {
  return affectedEntries(record, ecosystem, name, version).length > 0;
}

/** One vulnerability of one installed version, possibly reported by several records. */
export interface VulnMatch {
  /** The primary id: the first matching record's id (source order). */
  id: string;
  /** Every other id and alias of every record in the group, sorted. */
  aliases: string[];
  /** The matching records, primary first. */
  records: OsvRecord[];
  /** The affected entries that matched, across records. */
  affected: OsvAffected[];
}

/**
 * Every vulnerability affecting `name@version`: records matched, then grouped by shared ids or
 * aliases (union-find), so that one vulnerability published by two databases is one match.
 */
export function matchVersion(source: Pick<AdvisorySource, 'byPackage'>, ecosystem: string, name: string, version: SemVer): VulnMatch[] {
  const records = source.byPackage(ecosystem, name);
  if (records.length === 0) return NONE;
  let hits: { record: OsvRecord; affected: OsvAffected[] }[] | undefined;
  for (const r of records) {
    const a = affectedEntries(r, ecosystem, name, version);
    if (a.length) (hits ??= []).push({ record: r, affected: a });
  }
  return hits ? groupByAlias(hits) : NONE;
}

const NONE = Object.freeze([]) as unknown as VulnMatch[];

/** Groups matched records whose id/alias sets intersect; order follows the first record of each group. */
export function groupByAlias(hits: readonly { record: OsvRecord; affected: OsvAffected[] }[]): VulnMatch[] {
  if (hits.length === 0) return [];
  if (hits.length === 1) {
    // the common case: one record, nothing to unite
    const { record, affected } = hits[0]!;
    const seen = new Set([record.id.toUpperCase()]);
    const aliases: string[] = [];
    for (const a of record.aliases ?? []) if (!seen.has(a.toUpperCase())) (seen.add(a.toUpperCase()), aliases.push(a));
    return [{ id: record.id, aliases: aliases.sort(), records: [record], affected }];
  }
  const parent = hits.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  hits.forEach((h, i) => {
    for (const id of [h.record.id, ...(h.record.aliases ?? [])]) {
      const k = id.toUpperCase();
      const o = owner.get(k);
      if (o === undefined) owner.set(k, i);
      else {
        const a = find(o);
        const b = find(i);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const groups = new Map<number, number[]>();
  hits.forEach((_, i) => {
    const g = find(i);
    const list = groups.get(g);
    if (list) list.push(i);
    else groups.set(g, [i]);
  });
  const out: VulnMatch[] = [];
  for (const members of groups.values()) {
    const recs = members.map((i) => hits[i]!.record);
    const id = recs[0]!.id;
    const ids = new Map<string, string>();
    for (const r of recs) for (const x of [r.id, ...(r.aliases ?? [])]) if (!ids.has(x.toUpperCase())) ids.set(x.toUpperCase(), x);
    ids.delete(id.toUpperCase());
    out.push({
      id,
      aliases: [...ids.values()].sort(),
      records: recs,
      affected: members.flatMap((i) => hits[i]!.affected),
    });
  }
  return out;
}

/** True when `v` is affected by any record of the match (used to check candidate upgrades). */
export function matchAffects(m: VulnMatch, ecosystem: string, name: string, v: SemVer): boolean {
  return m.records.some((r) => isAffected(r, ecosystem, name, v));
}

/**
 * Versions named by the advisory as fixes: OSV `fixed` events and the lowest version of each
 * `||` branch of a WG `patched` range. Sorted ascending, deduplicated. (`last_affected` names no
 * fix version and contributes nothing.)
 */
export function advisoryFixVersions(m: VulnMatch, ecosystem: string, name: string): SemVer[] {
  const seen = new Map<string, SemVer>();
  for (const r of m.records) {
    for (const a of r.affected ?? []) {
      if (!a.package || a.package.name !== name || !sameEcosystem(a.package.ecosystem, ecosystem)) continue;
      for (const v of fixesOf(a)) if (!seen.has(v.version)) seen.set(v.version, v);
    }
  }
  return [...seen.values()].sort(semver.compare);
}

const fixCache = new WeakMap<OsvAffected, SemVer[]>();

/** Fix versions named by one affected entry (cached per entry: a range is parsed once). */
function fixesOf(a: OsvAffected): SemVer[] {
  let out = fixCache.get(a);
  if (out) return out;
  out = [];
  const wg = wgRanges(a);
  const pr = wg ? usablePatched(wg.patched) : undefined;
  if (pr) {
    for (const set of pr.set) {
      try {
        const v = semver.minVersion(new semver.Range(set.map((c) => c.value).join(' ')));
        if (v) out.push(v);
      } catch {
        // a branch without a lower bound names no fix
      }
    }
  }
  for (const range of a.ranges ?? []) {
    for (const e of range.events) {
      if ('fixed' in e) {
        const v = parseVersion(e.fixed);
        if (v) out.push(v);
      }
    }
  }
  fixCache.set(a, out);
  return out;
}

/**
 * The minimal upgrade that resolves a vulnerability: among `candidates` (registry versions when
 * online, advisory fix versions offline), the smallest version above `current` that the
 * advisory does not affect, preferring the same major; else the smallest in a later major.
 * Prereleases are candidates only when `current` is one.
 */
export function minimalUpgrade(
  current: SemVer,
  candidates: readonly SemVer[],
  stillAffected: (v: SemVer) => boolean,
): { version: string; sameMajor: boolean } | undefined {
  let sameMajor: SemVer | undefined;
  let other: SemVer | undefined;
  for (const c of candidates) {
    if (c.prerelease.length > 0 && current.prerelease.length === 0) continue;
    if (semver.lte(c, current)) continue;
    if (c.major === current.major) {
      if (sameMajor && semver.lte(sameMajor, c)) continue;
      if (!stillAffected(c)) sameMajor = c;
    } else {
      if (other && semver.lte(other, c)) continue;
      if (!stillAffected(c)) other = c;
    }
  }
  if (sameMajor) return { version: sameMajor.version, sameMajor: true };
  if (other) return { version: other.version, sameMajor: false };
  return undefined;
}
