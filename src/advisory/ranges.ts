/**
 * WG semver ranges → OSV SEMVER ranges (best effort) and the WG matching rule.
 *
 * The WG says "vulnerable_versions AND NOT patched_versions". OSV says "a union of
 * [introduced, fixed) intervals". We convert by interval arithmetic over semver ordering:
 * every comparator set of a range is one interval, the vulnerable intervals minus the patched
 * intervals are what OSV gets, one SEMVER range per interval (a release line for core data).
 *
 * Two deliberate losses, both documented in docs/advisory-model.md, both on the safe side
 * (OSV consumers see more versions affected, never fewer):
 * - an open end at a synthetic line bound (`20.x` is `<21.0.0-0`) with no patch in the line
 *   gets no `fixed` event (there is no fix to upgrade to); the bound is kept in
 *   `ranges[i].database_specific.limit`;
 * - a placeholder bound (`<=99.999.99999`, "every version") is treated as unbounded.
 * The exact WG ranges are always kept verbatim in `affected[i].database_specific.nswg`, and
 * `isAffected` matches with them when they are present.
 */
import semver from 'semver';
import type { OsvAffected, OsvEvent, OsvRange } from '../core/osv.ts';

interface Bound {
  v: semver.SemVer;
  incl: boolean;
}
/** [lo, hi] with optional inclusivity; undefined = unbounded. */
interface Interval {
  lo?: Bound;
  hi?: Bound;
}

/** Parses a range the way the WG's validator does (semver 7, non-loose); undefined when it does not parse. */
export function parseRange(range: string | null | undefined): semver.Range | undefined {
  if (typeof range !== 'string') return undefined;
  try {
    return new semver.Range(range);
  } catch {
    return undefined;
  }
}

/** Versions at or above this major are placeholders for "no upper bound" (`<=99.999.99999`). */
const PLACEHOLDER_MAJOR = 99;

function cmpLo(a: Bound | undefined, b: Bound | undefined): number {
  if (!a) return b ? -1 : 0;
  if (!b) return 1;
  const c = semver.compare(a.v, b.v);
  if (c !== 0) return c;
  return a.incl === b.incl ? 0 : a.incl ? -1 : 1;
}

function cmpHi(a: Bound | undefined, b: Bound | undefined): number {
  if (!a) return b ? 1 : 0;
  if (!b) return -1;
  const c = semver.compare(a.v, b.v);
  if (c !== 0) return c;
  return a.incl === b.incl ? 0 : a.incl ? 1 : -1;
}

function isEmpty(i: Interval): boolean {
  if (!i.lo || !i.hi) return false;
  const c = semver.compare(i.lo.v, i.hi.v);
  return c > 0 || (c === 0 && !(i.lo.incl && i.hi.incl));
}

function setToInterval(set: readonly semver.Comparator[]): Interval | undefined {
  const out: Interval = {};
  for (const c of set) {
    if (c.value === '') continue; // ANY
    const v = c.semver;
    const b: Bound = { v, incl: c.operator === '' || c.operator === '>=' || c.operator === '<=' };
    if (c.operator === '' || c.operator === '>=' || c.operator === '>') {
      if (cmpLo(b, out.lo) > 0) out.lo = b;
    }
    if (c.operator === '' || c.operator === '<=' || c.operator === '<') {
      if (!out.hi || cmpHi(b, out.hi) < 0) out.hi = b;
    }
  }
  if (out.hi && out.hi.v.major >= PLACEHOLDER_MAJOR) delete out.hi;
  return isEmpty(out) ? undefined : out;
}

function union(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => cmpLo(a.lo, b.lo));
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && touches(last, i)) {
      if (cmpHi(i.hi, last.hi) > 0) last.hi = i.hi;
    } else out.push({ ...i });
  }
  return out;
}

/** Does `b` (lo ≥ a.lo) start inside or right at the end of `a`? */
function touches(a: Interval, b: Interval): boolean {
  if (!a.hi || !b.lo) return true;
  const c = semver.compare(b.lo.v, a.hi.v);
  return c < 0 || (c === 0 && (a.hi.incl || b.lo.incl));
}

function intersect(a: Interval, b: Interval): Interval | undefined {
  const lo = cmpLo(a.lo, b.lo) >= 0 ? a.lo : b.lo;
  const hi = cmpHi(a.hi, b.hi) <= 0 ? a.hi : b.hi;
  const out: Interval = { ...(lo && { lo }), ...(hi && { hi }) };
  return isEmpty(out) ? undefined : out;
}

function subtract(from: Interval[], minus: Interval[]): Interval[] {
  let cur = from;
  for (const m of minus) {
    const next: Interval[] = [];
    for (const i of cur) {
      const left = m.lo && intersect(i, { hi: { v: m.lo.v, incl: !m.lo.incl } });
      const right = m.hi && intersect(i, { lo: { v: m.hi.v, incl: !m.hi.incl } });
      if (left) next.push(left);
      if (right) next.push(right);
    }
    cur = next;
  }
  return cur;
}

function intervalsOf(range: semver.Range): Interval[] {
  return union(range.set.map(setToInterval).filter((i): i is Interval => i !== undefined));
}

/** A synthetic bound semver makes for `X.x`, `^X.Y.Z`, `~X.Y.Z`: `N.0.0-0` / `X.N.0-0`. */
function isLineBound(v: semver.SemVer): boolean {
  return v.prerelease.length === 1 && v.prerelease[0] === 0 && v.patch === 0;
}

function lowerEvent(lo: Bound | undefined): string {
  if (!lo) return '0';
  if (lo.incl) return lo.v.major === 0 && lo.v.minor === 0 && lo.v.patch === 0 && lo.v.prerelease.length === 0 ? '0' : lo.v.version;
  // `>x`: the smallest version after x
  return lo.v.prerelease.length ? `${lo.v.version}.0` : `${lo.v.major}.${lo.v.minor}.${lo.v.patch + 1}-0`;
}

export interface OsvRangeConversion {
  ranges: OsvRange[];
  versions: string[];
}

/**
 * OSV SEMVER ranges for "vulnerable AND NOT patched". Exact single versions become `versions`.
 * Unparseable input gives no ranges (the verbatim WG ranges still describe the advisory).
 */
export function toOsvRanges(vulnerable: string | null | undefined, patched: string | null | undefined): OsvRangeConversion {
  const v = parseRange(vulnerable);
  if (!v) return { ranges: [], versions: [] };
  const p = parseRange(patched);
  let intervals = intervalsOf(v);
  if (p) intervals = subtract(intervals, intervalsOf(p));
  const patchedLows = p ? intervalsOf(p).flatMap((i) => (i.lo?.incl ? [i.lo.v] : [])) : [];
  const ranges: OsvRange[] = [];
  const versions: string[] = [];
  for (const i of intervals) {
    if (i.lo && i.hi && i.lo.incl && i.hi.incl && semver.eq(i.lo.v, i.hi.v)) {
      versions.push(i.lo.v.version);
      continue;
    }
    const events: OsvEvent[] = [{ introduced: lowerEvent(i.lo) }];
    let database_specific: Record<string, unknown> | undefined;
    if (i.hi) {
      if (i.hi.incl) {
        // `<=1.5.1` patched by `>=1.5.2`: say `fixed: 1.5.2` (what to upgrade to) when nothing
        // lies between the two (only 1.5.2's prereleases, which the WG rule never matches);
        // `<=0.8.4` patched by `>=0.9.0` leaves 0.8.5 unaffected: `last_affected: 0.8.4`.
        const hi = i.hi.v;
        const fix = patchedLows.find((v) => !hi.prerelease.length && !v.prerelease.length && v.major === hi.major && v.minor === hi.minor && v.patch === hi.patch + 1);
        events.push(fix ? { fixed: fix.version } : { last_affected: hi.version });
      }
      else if (isLineBound(i.hi.v)) database_specific = { limit: i.hi.v.version };
      else events.push({ fixed: i.hi.v.version });
    }
    ranges.push({ type: 'SEMVER', events, ...(database_specific && { database_specific }) });
  }
  return { ranges, versions };
}

/** Does `version` satisfy the OSV ranges/versions of one affected entry (SEMVER/ECOSYSTEM semantics)? */
export function osvRangesAffect(affected: OsvAffected, version: string): boolean {
  if (affected.versions?.includes(version)) return true;
  const v = semver.parse(version);
  if (!v) return false;
  for (const r of affected.ranges ?? []) {
    if (r.type === 'GIT') continue;
    // events sorted by version; a version is affected when the last event at or below it is `introduced`
    let state = false;
    const evs = [...r.events].map((e) => {
      const [kind, at] = Object.entries(e)[0] as [string, string];
      return { kind, at: at === '0' ? undefined : semver.parse(at) };
    });
    evs.sort((a, b) => (a.at && b.at ? semver.compare(a.at, b.at) : a.at ? 1 : b.at ? -1 : 0));
    for (const e of evs) {
      if (e.kind === 'limit') continue;
      const c = e.at ? semver.compare(v, e.at) : 1;
      if (e.kind === 'introduced' && c >= 0) state = true;
      else if (e.kind === 'fixed' && c >= 0) state = false;
      else if (e.kind === 'last_affected' && c > 0) state = false;
    }
    const limit = r.database_specific?.limit;
    if (state && typeof limit === 'string' && semver.valid(limit) && semver.gte(v, limit)) state = false;
    if (state) return true;
  }
  return false;
}

/**
 * The WG matching rule: vulnerable = satisfies(vulnerable) && !satisfies(patched), the second
 * test only when `patched` is a usable range. Prereleases follow semver's default
 * (`includePrerelease: false`), as npm does.
 */
export function wgAffects(vulnerable: string, patched: string | null | undefined, version: string): boolean {
  const v = parseRange(vulnerable);
  if (!v || !semver.valid(version)) return false;
  if (!v.test(version)) return false;
  const p = parseRange(patched);
  return !(p && p.test(version));
}

/**
 * Is `version` affected according to one OSV `affected` entry? Uses the verbatim WG ranges
 * (`database_specific.nswg`) when present, the OSV ranges otherwise.
 */
export function isAffected(affected: OsvAffected, version: string): boolean {
  const nswg = affected.database_specific?.nswg as Record<string, unknown> | undefined;
  if (nswg && typeof nswg === 'object') {
    const vuln = typeof nswg.vulnerable_versions === 'string' ? nswg.vulnerable_versions : nswg.vulnerable;
    const patched = 'patched_versions' in nswg ? nswg.patched_versions : nswg.patched;
    if (typeof vuln === 'string') return wgAffects(vuln, typeof patched === 'string' ? patched : null, version);
  }
  return osvRangesAffect(affected, version);
}
