/**
 * Character sets as sorted, disjoint, non-adjacent inclusive ranges of code points
 * (`[lo0, hi0, lo1, hi1, ...]`). Without the u/v flag the alphabet is UTF-16 code units
 * (0..0xFFFF), with it code points (0..0x10FFFF). Immutable: every operation returns a new set.
 */

export type CharSet = readonly number[];

export const MAX_UNICODE = 0x10ffff;
export const MAX_BMP = 0xffff;

export const EMPTY: CharSet = Object.freeze([]);

export function range(lo: number, hi: number): CharSet {
  return lo > hi ? EMPTY : [lo, hi];
}

export function single(c: number): CharSet {
  return [c, c];
}

/** Builds a normalised set from possibly overlapping, unsorted ranges. */
export function fromRanges(pairs: readonly (readonly [number, number])[]): CharSet {
  const sorted = pairs.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [a, b] of sorted) {
    const n = out.length;
    if (n && a <= out[n - 1]! + 1) {
      if (b > out[n - 1]!) out[n - 1] = b;
    } else out.push(a, b);
  }
  return out;
}

export function isEmpty(s: CharSet): boolean {
  return s.length === 0;
}

export function has(s: CharSet, c: number): boolean {
  let lo = 0;
  let hi = s.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < s[2 * mid]!) hi = mid - 1;
    else if (c > s[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

export function union(a: CharSet, b: CharSet): CharSet {
  if (!a.length) return b;
  if (!b.length) return a;
  const pairs: [number, number][] = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i]!, a[i + 1]!]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i]!, b[i + 1]!]);
  return fromRanges(pairs);
}

export function intersect(a: CharSet, b: CharSet): CharSet {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

export function intersects(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (Math.max(a[i]!, b[j]!) <= Math.min(a[i + 1]!, b[j + 1]!)) return true;
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return false;
}

export function complement(a: CharSet, max: number): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i]! > next) out.push(next, Math.min(a[i]! - 1, max));
    next = a[i + 1]! + 1;
  }
  if (next <= max) out.push(next, max);
  return out;
}

export function subtract(a: CharSet, b: CharSet, max: number): CharSet {
  return intersect(a, complement(b, max));
}

export function size(s: CharSet): number {
  let n = 0;
  for (let i = 0; i < s.length; i += 2) n += s[i + 1]! - s[i]! + 1;
  return n;
}

export function key(s: CharSet): string {
  return s.join(',');
}

/** Lower-case letters, then digits, then upper-case letters. */
const PREFERRED_ORDER: CharSet[] = [[0x61, 0x7a], [0x30, 0x39], [0x41, 0x5a]];

/**
 * A representative character of a non-empty set, preferring readable ASCII (so attack strings
 * stay printable), then any BMP character that is not a surrogate.
 */
export function pick(s: CharSet): number | undefined {
  if (!s.length) return undefined;
  for (const c of [0x61, 0x30, 0x41, 0x20, 0x5f, 0x2d, 0x2e, 0x0a]) if (has(s, c)) return c;
  for (const r of PREFERRED_ORDER) {
    const hit = intersect(s, r);
    if (hit.length) return hit[0];
  }
  const printable = intersect(s, [0x21, 0x7e]);
  if (printable.length) return printable[0];
  const latin = intersect(s, [0xa1, 0xd7ff]);
  if (latin.length) return latin[0];
  const other = intersect(s, [0xe000, MAX_UNICODE]);
  if (other.length) return other[0];
  return s[0];
}

// ---------------------------------------------------------------- predefined classes

export const DIGIT: CharSet = [0x30, 0x39];
export const WORD: CharSet = fromRanges([[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]);
/** \w under /iu (and /iv) also matches U+017F and U+212A, which fold to s and k. */
export const WORD_UNICODE_IGNORE_CASE: CharSet = union(WORD, fromRanges([[0x17f, 0x17f], [0x212a, 0x212a]]));
export const SPACE: CharSet = fromRanges([
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029],
  [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
]);
export const LINE_TERMINATOR: CharSet = fromRanges([[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]]);

// ---------------------------------------------------------------- case folding

interface FoldTable {
  /** Sorted code points that have at least one other case-equivalent character. */
  points: Int32Array;
  /** For each entry of `points`, its equivalence class. */
  classes: number[][];
}

const foldTables = new Map<boolean, FoldTable>();

function canonicalizeLegacy(c: number): number {
  // ES Canonicalize for non-unicode ignoreCase: toUppercase, unless it is not one code unit or
  // would map a non-ASCII character into ASCII.
  const u = String.fromCharCode(c).toUpperCase();
  if (u.length !== 1) return c;
  const cu = u.charCodeAt(0);
  if (c >= 128 && cu < 128) return c;
  return cu;
}

function canonicalizeUnicode(c: number): number {
  // Approximates simple case folding (ES uses scf for /u and /v): lower(upper(c)) when both
  // steps map one code point to one code point.
  const s = String.fromCodePoint(c);
  let u = s.toUpperCase();
  if ([...u].length !== 1) u = s;
  const l = u.toLowerCase();
  if ([...l].length !== 1) return c;
  return l.codePointAt(0)!;
}

function foldTable(unicode: boolean): FoldTable {
  const cached = foldTables.get(unicode);
  if (cached) return cached;
  const byCanon = new Map<number, number[]>();
  const limit = unicode ? 0x1ffff : MAX_BMP;
  const canon = unicode ? canonicalizeUnicode : canonicalizeLegacy;
  for (let c = 0; c <= limit; c++) {
    if (c >= 0xd800 && c <= 0xdfff && unicode) continue;
    const k = canon(c);
    let list = byCanon.get(k);
    if (!list) byCanon.set(k, (list = []));
    list.push(c);
  }
  const entries: [number, number[]][] = [];
  for (const group of byCanon.values()) {
    if (group.length < 2) continue;
    let list = group;
    if (unicode) {
      // lower(upper(c)) over-groups a few characters (dotless i joins i): keep only members V8
      // itself treats as equal under /iu
      const rep = group.includes(canon(group[0]!)) ? canon(group[0]!) : group[0]!;
      const re = new RegExp(`^\\u{${rep.toString(16)}}$`, 'iu');
      list = group.filter((c) => re.test(String.fromCodePoint(c)));
      if (list.length < 2) continue;
    }
    for (const c of list) entries.push([c, list]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  const table = { points: Int32Array.from(entries.map((e) => e[0])), classes: entries.map((e) => e[1]) };
  foldTables.set(unicode, table);
  return table;
}

function lowerBound(arr: Int32Array, v: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Closes a set under case equivalence (the `i` flag). */
export function caseClose(s: CharSet, unicode: boolean): CharSet {
  if (!s.length) return s;
  const { points, classes } = foldTable(unicode);
  const extra: [number, number][] = [];
  for (let i = 0; i < s.length; i += 2) {
    const lo = s[i]!;
    const hi = s[i + 1]!;
    for (let k = lowerBound(points, lo); k < points.length && points[k]! <= hi; k++) {
      for (const c of classes[k]!) extra.push([c, c]);
    }
  }
  if (!extra.length) return s;
  const pairs: [number, number][] = extra;
  for (let i = 0; i < s.length; i += 2) pairs.push([s[i]!, s[i + 1]!]);
  return fromRanges(pairs);
}

// ---------------------------------------------------------------- unicode properties

const propertyCache = new Map<string, CharSet>();

/** Strings of consecutive code points (surrogates excluded), built once: [first code point, text, units per code point]. */
let scanStrings: [number, string, number][] | undefined;

function scanText(from: number, to: number): string {
  const parts: string[] = [];
  for (let base = from; base <= to; base += 0x2000) {
    const cps: number[] = [];
    for (let c = base; c < base + 0x2000 && c <= to; c++) cps.push(c);
    parts.push(String.fromCodePoint(...cps));
  }
  return parts.join('');
}

/**
 * The code points of a Unicode property escape, computed once per property by asking V8 itself
 * (so the tables always match the running engine): one global match of `\p{..}+` over strings of
 * all code points gives the ranges directly. Returns undefined for a property V8 rejects.
 */
export function unicodeProperty(keyName: string, value: string | null): CharSet | undefined {
  const spec = value === null ? keyName : `${keyName}=${value}`;
  const hit = propertyCache.get(spec);
  if (hit) return hit;
  let re: RegExp;
  try {
    re = new RegExp(`\\p{${spec}}+`, 'gu');
  } catch {
    return undefined;
  }
  // Planes 4 to 13 hold no assigned character: every property is uniform there except on the
  // noncharacters U+nFFFE/U+nFFFF, so one probe per kind stands for the whole range.
  scanStrings ??= [
    [0, scanText(0, 0xd7ff), 1],
    [0xe000, scanText(0xe000, 0xffff), 1],
    [0x10000, scanText(0x10000, 0x3ffff), 2],
    [0xe0000, scanText(0xe0000, MAX_UNICODE), 2],
  ];
  const pairs: [number, number][] = [];
  for (const [first, text, width] of scanStrings) {
    for (const m of text.matchAll(re)) {
      const lo = first + m.index / width;
      pairs.push([lo, lo + m[0].length / width - 1]);
    }
  }
  const probe = new RegExp(`^\\p{${spec}}$`, 'u');
  const unassigned = probe.test(String.fromCodePoint(0x40000));
  const nonchar = probe.test(String.fromCodePoint(0x4fffe));
  for (let plane = 4; plane <= 13; plane++) {
    const base = plane * 0x10000;
    if (unassigned) pairs.push([base, base + 0xfffd]);
    if (nonchar) pairs.push([base + 0xfffe, base + 0xffff]);
  }
  const set = fromRanges(pairs);
  propertyCache.set(spec, set);
  return set;
}
