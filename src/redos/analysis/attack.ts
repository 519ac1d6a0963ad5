/**
 * Turns an ambiguity witness into a concrete attack `prefix + pump x n + suffix` and checks it by
 * simulating the automaton: the attack only works when no match can be found from any start
 * position inside `prefix + pump x n` (a backtracking engine explores every path there before it
 * gives up; a match starting later, inside the suffix, is found only after all that work). The
 * suffix is chosen to make those matches fail.
 *
 * With the g flag, `replace`/`matchAll` keep searching after a match; an attack may then start
 * with a "breaker" character that the first search consumes (trim's `/^\s*|\s*$/g`: the empty
 * match at 0 is found, then the search from 1 on is quadratic). That is the continuation mode.
 */
import * as cs from './charset.ts';
import type { CharSet } from './charset.ts';
import { type Automaton, INITIAL } from './automaton.ts';
import type { Analyzer, Budget, Witness } from './ambiguity.ts';
import type { Attack } from '../types.ts';

export interface FoundAttack extends Attack {
  /** The attack relies on the g flag's continued search (replace/matchAll). */
  continuation: boolean;
  /**
   * How the attack was validated: `strict` (no match from any start inside prefix + pumps),
   * `continuation` (g flag), `bypass` (only matches through the ambiguous loop count), `lazy-end`
   * (a match at the very end is allowed).
   */
  mode: 'strict' | 'continuation' | 'bypass' | 'lazy-end';
}

export function codesToString(cps: readonly number[], unicode: boolean): string {
  if (unicode) return String.fromCodePoint(...cps);
  return String.fromCharCode(...cps);
}

function stringToCodes(s: string, unicode: boolean): number[] {
  if (unicode) return [...s].map((c) => c.codePointAt(0)!);
  return Array.from(s, (_, i) => s.charCodeAt(i));
}

/**
 * Simulates the search over `prefix + pump x k + suffix` for every k >= 1 at once and returns the
 * suffixes (from `suffixes`, in order) for which no thread started inside `prefix + pump x k`
 * accepts, for all k. Threads are tracked as state sets; a new start is injected at each position
 * up to the end of the pumps (the engine's retries). The set at each pump boundary is eventually
 * periodic: once it repeats, every larger k behaves like one already checked. `continuation`
 * skips the start at 0 (consumed by a previous g-search); `endOk` tolerates a match ending at the
 * end of input (with a lazy quantifier the engine tries every shorter expansion, the slow part,
 * before it reaches that match).
 */
export function failingSuffixes(
  a: Automaton,
  prefix: readonly number[],
  pump: readonly number[],
  suffixes: readonly (readonly number[])[],
  continuation: boolean,
  endOk: boolean,
  budget: Budget,
  taint?: (s: number) => boolean,
): (readonly number[])[] {
  // Threads are states, plus a.n when tainted: with `taint` (bypass mode) only threads that went
  // through the ambiguous loop count when they accept; a match that skips the loop (a greedy
  // optional group, a later alternative) is found only after the loop's paths were all tried.
  const n = a.n;
  let list: number[] = [];
  let pos = 0;
  const inject = (into: number[]): number[] => {
    let s = pos === 0 ? (continuation ? -1 : INITIAL) : searchAfter(a, lastChar);
    if (s >= 0 && taint?.(s)) s += n;
    if (s >= 0 && !into.includes(s)) return [...into, s];
    return into;
  };
  let lastChar: number | undefined;
  const accepts = (states: number[], next: number | undefined): boolean => {
    for (const x of states) {
      if (taint && x < n) continue;
      const s = x % n;
      if (next === undefined ? a.acceptEnd[s] && !endOk : cs.has(a.acceptNext[s]!, next)) return true;
    }
    return false;
  };
  const step = (states: number[], c: number): number[] => {
    const out: number[] = [];
    const seen = new Set<number>();
    for (const x of states) {
      const s = x % n;
      const tainted = x >= n;
      const succ = a.succ[s]!;
      budget.spend(succ.length + 1);
      for (let k = 0; k < succ.length; k++) {
        const t = succ[k]!;
        if (isSearchState(a, t)) continue; // later starts are injected explicitly
        if (!cs.has(a.edgeLabel[s]![k]!, c)) continue;
        const y = tainted || taint?.(t) ? t + n : t;
        if (!seen.has(y)) {
          seen.add(y);
          out.push(y);
        }
      }
    }
    return out;
  };
  /** Reads `chars` with a start injected before each one; false when a thread accepts. */
  const run = (chars: readonly number[]): boolean => {
    for (const c of chars) {
      list = inject(list);
      if (accepts(list, c)) return false;
      list = step(list, c);
      lastChar = c;
      pos++;
    }
    return true;
  };
  if (!run(prefix)) return [];
  let alive = suffixes.slice();
  const seen = new Set<string>();
  for (let k = 1; k <= 64 && alive.length; k++) {
    if (!run(pump)) return [];
    // at the end of the pumps: the last start, then the suffix with no further starts
    const atBoundary = inject(list);
    alive = alive.filter((suffix) => {
      let states = atBoundary;
      for (const c of suffix) {
        if (accepts(states, c)) return false;
        states = step(states, c);
      }
      return !accepts(states, undefined);
    });
    const sig = [...list].sort((x, y) => x - y).join(',');
    if (seen.has(sig)) break;
    seen.add(sig);
  }
  return alive;
}

function isSearchState(a: Automaton, s: number): boolean {
  return s >= 1 && s <= a.searchStates.length;
}

/** The search state a retried start after character `c` is in (-1 when sticky). */
function searchAfter(a: Automaton, c: number | undefined): number {
  for (const s of a.searchStates) if (c === undefined || cs.has(a.label[s]!, c)) return s;
  return -1;
}

/** States the automaton can be in after reading `str` from I (all start positions). */
function statesAfter(a: Automaton, str: readonly number[], from: number, budget: Budget): number[] {
  let list = [from];
  for (const c of str) {
    const seen = new Set<number>();
    for (const s of list) {
      budget.spend(a.succ[s]!.length + 1);
      const succ = a.succ[s]!;
      for (let k = 0; k < succ.length; k++) if (cs.has(a.edgeLabel[s]![k]!, c)) seen.add(succ[k]!);
    }
    list = [...seen];
  }
  return list;
}

const SUFFIX_CANDIDATES = ['!', '\n', 'a', ' ', '0', '_', '\u0000', '.', '-', 'A', '/', '\t', '"', '=', '\u2028', '\u00e9', '\uffff'];

export function concretize(sets: readonly CharSet[]): number[] | undefined {
  const out: number[] = [];
  for (const s of sets) {
    const c = cs.pick(s);
    if (c === undefined) return undefined;
    out.push(c);
  }
  return out;
}

/**
 * One representative character per atom of the partition of the alphabet by the transition
 * labels (characters in the same atom behave the same everywhere), readable ones first. Capped.
 */
function representatives(a: Automaton, budget: Budget, cap = 24): number[] {
  const labels = new Map<string, CharSet>();
  for (let s = 0; s < a.n; s++) {
    for (const l of a.edgeLabel[s]!) if (!isSearchState(a, s) || l.length) labels.set(cs.key(l), l);
  }
  let atoms: CharSet[] = [[0, a.max]];
  for (const l of labels.values()) {
    budget.spend(atoms.length);
    const next: CharSet[] = [];
    for (const at of atoms) {
      const inside = cs.intersect(at, l);
      const outside = cs.subtract(at, l, a.max);
      if (inside.length) next.push(inside);
      if (outside.length) next.push(outside);
    }
    atoms = next;
    if (atoms.length > 4 * cap) break;
  }
  const out: number[] = [];
  for (const at of atoms) {
    const c = cs.pick(at);
    if (c !== undefined && !out.includes(c)) out.push(c);
    if (out.length >= cap) break;
  }
  return out;
}

/**
 * Concretizations of a sequence of character sets: readable picks first, then, for each set, the
 * character shared with the fewest other labels (a prefix character that also starts a match
 * elsewhere can end the search early: `[a-z][A-Z]|[A-Z]{2,}[a-z]` must not be attacked after "a").
 */
function variants(sets: readonly CharSet[], reps: readonly number[]): number[][] {
  const first = concretize(sets);
  if (!first) return [];
  const out = [first];
  const alt: number[] = [];
  for (const set of sets) {
    const inSet = reps.filter((c) => cs.has(set, c));
    alt.push(inSet[inSet.length - 1] ?? cs.pick(set)!);
  }
  if (alt.join() !== first.join()) out.push(alt);
  return out;
}

export function findAttack(
  a: Automaton,
  an: Analyzer,
  w: Witness,
  opts: { unicode: boolean; global: boolean; lazy: boolean },
): FoundAttack | undefined {
  const reps = representatives(a, an.budget);
  const pumps = variants(w.pump, reps);
  if (!pumps.length) return undefined;
  let all: CharSet = cs.EMPTY;
  for (let s = 0; s < a.n; s++) if (!isSearchState(a, s)) all = cs.union(all, a.label[s]!);
  const outside = cs.pick(cs.complement(all, a.max));

  let twoByte = false;
  for (let s = 0; s < a.n && !twoByte; s++) if (!isSearchState(a, s) && a.label[s]!.length && a.label[s]![0]! > 0xff) twoByte = true;
  const wideChars = [...reps.filter((c) => c > 0xff).slice(0, 2), 0x2603];

  // the loop where the blow-up starts (for IDA the first of the two loops: a path that entered
  // it and then matches is found during the blow-up; only paths that never entered it come
  // later), taken as the innermost repetition around it, since an enclosing loop may also hold
  // the accepting paths
  const anchor = w.state;
  const loopComp = an.comp[anchor]!;
  const span = a.loopSrc[anchor];
  const taintLoop = span
    ? (st: number): boolean => a.loopSrc[st]?.[0] === span[0] && a.loopSrc[st]?.[1] === span[1]
    : (st: number): boolean => an.comp[st] === loopComp;
  const modes: [continuation: boolean, endOk: boolean, bypass: boolean][] = [[false, false, false]];
  if (opts.global && a.search) modes.push([true, false, false]);
  // (not for a blow-up that needs the retries at every start position: a match that skips the
  // loop at the first start ends the search there)
  if (w.why !== 'finite' && !w.fromSearch) modes.push([false, false, true]);
  if (opts.lazy) modes.push([false, true, false]);
  for (const [continuation, endOk, bypass] of modes) {
    const taint = bypass ? taintLoop : undefined;
    let prefixes: number[][] = [];
    if (!continuation) {
      const sets = an.prefixTo(w.state, INITIAL);
      if (sets) prefixes = variants(sets, reps);
      if (sets?.length === 1 && outside !== undefined && cs.has(sets[0]!, outside)) prefixes.push([outside]);
    } else {
      if (outside === undefined) continue;
      const from = searchAfter(a, outside);
      if (from < 0) continue;
      const sets = an.prefixTo(w.state, from);
      if (sets) prefixes = variants(sets, reps).map((p) => [outside, ...p]);
    }
    for (const prefix of prefixes) {
      for (const pump of pumps) {
        // suffix candidates: a character no live thread can read, one no state reads at all,
        // common characters, the end of input, one character of every kind, then pairs of them
        const live = statesAfter(a, [...prefix, ...pump, ...pump].slice(continuation ? 1 : 0), continuation ? searchAfter(a, outside) : INITIAL, an.budget);
        let readable: CharSet = cs.EMPTY;
        for (const s of live) for (const t of a.succ[s]!) readable = cs.union(readable, a.label[t]!);
        const singles: number[][] = [];
        const killer = cs.pick(cs.complement(readable, a.max));
        if (killer !== undefined) singles.push([killer]);
        if (outside !== undefined) singles.push([outside]);
        for (const x of SUFFIX_CANDIDATES) singles.push(stringToCodes(x, opts.unicode));
        singles.push([]);
        for (const c of reps) singles.push([c]);
        // V8 keeps one-byte strings apart: a pattern that needs a character above U+00FF cannot
        // match a one-byte string and fails at once, so such attacks carry a two-byte character
        // at the end (`(元|\d+)年` is only slow on a two-byte input)
        const wide = twoByte && [...prefix, ...pump].every((c) => c <= 0xff);
        const widen = (list: number[][]): number[][] =>
          wide ? list.flatMap((x) => wideChars.map((c) => [...x, c])) : list;
        let ok = failingSuffixes(a, prefix, pump, widen(singles), continuation, endOk, an.budget, taint);
        if (!ok.length) {
          const pairs: number[][] = [];
          for (const x of reps) for (const y of reps) pairs.push([x, y]);
          ok = failingSuffixes(a, prefix, pump, widen(pairs), continuation, endOk, an.budget, taint);
        }
        const suffix = ok[0];
        if (suffix) {
          return {
            prefix: codesToString(prefix, opts.unicode),
            pump: codesToString(pump, opts.unicode),
            suffix: codesToString(suffix, opts.unicode),
            continuation,
            mode: continuation ? 'continuation' : bypass ? 'bypass' : endOk ? 'lazy-end' : 'strict',
          };
        }
      }
    }
  }
  return undefined;
}
