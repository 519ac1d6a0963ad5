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
): (readonly number[])[] {
  let list: number[] = [];
  let pos = 0;
  const inject = (into: number[]): number[] => {
    const s = pos === 0 ? (continuation ? -1 : INITIAL) : searchAfter(a, lastChar);
    if (s >= 0 && !into.includes(s)) return [...into, s];
    return into;
  };
  let lastChar: number | undefined;
  const accepts = (states: number[], next: number | undefined): boolean => {
    for (const s of states) {
      if (next === undefined ? a.acceptEnd[s] && !endOk : cs.has(a.acceptNext[s]!, next)) return true;
    }
    return false;
  };
  const step = (states: number[], c: number): number[] => {
    const out: number[] = [];
    const seen = new Set<number>();
    for (const s of states) {
      const succ = a.succ[s]!;
      budget.spend(succ.length + 1);
      for (let k = 0; k < succ.length; k++) {
        const t = succ[k]!;
        if (isSearchState(a, t)) continue; // later starts are injected explicitly
        if (!seen.has(t) && cs.has(a.edgeLabel[s]![k]!, c)) {
          seen.add(t);
          out.push(t);
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

export function findAttack(
  a: Automaton,
  an: Analyzer,
  w: Witness,
  opts: { unicode: boolean; global: boolean; lazy: boolean },
): FoundAttack | undefined {
  const pump = concretize(w.pump);
  if (!pump?.length) return undefined;
  let all: CharSet = cs.EMPTY;
  for (let s = 0; s < a.n; s++) if (!isSearchState(a, s)) all = cs.union(all, a.label[s]!);
  const outside = cs.pick(cs.complement(all, a.max));

  const modes: [continuation: boolean, endOk: boolean][] = [[false, false]];
  if (opts.global && a.search) modes.push([true, false]);
  if (opts.lazy) modes.push([false, true]);
  for (const [continuation, endOk] of modes) {
    let prefix: number[] | undefined;
    if (!continuation) {
      const sets = an.prefixTo(w.state, INITIAL);
      prefix = sets && concretize(sets);
    } else {
      if (outside === undefined) continue;
      const from = searchAfter(a, outside);
      if (from < 0) continue;
      const sets = an.prefixTo(w.state, from);
      const p = sets && concretize(sets);
      prefix = p && [outside, ...p];
    }
    if (!prefix) continue;
    // suffix candidates: a character no live thread can read, one no state reads at all, then
    // common characters, then the end of input
    const live = statesAfter(a, [...prefix, ...pump, ...pump].slice(continuation ? 1 : 0), continuation ? searchAfter(a, outside) : INITIAL, an.budget);
    let readable: CharSet = cs.EMPTY;
    for (const s of live) for (const t of a.succ[s]!) readable = cs.union(readable, a.label[t]!);
    const candidates: number[][] = [];
    const killer = cs.pick(cs.complement(readable, a.max));
    if (killer !== undefined) candidates.push([killer]);
    if (outside !== undefined) candidates.push([outside]);
    for (const s of SUFFIX_CANDIDATES) candidates.push(stringToCodes(s, opts.unicode));
    candidates.push([]);
    const ok = failingSuffixes(a, prefix, pump, candidates, continuation, endOk, an.budget);
    const suffix = ok[0];
    if (suffix) {
      return {
        prefix: codesToString(prefix, opts.unicode),
        pump: codesToString(pump, opts.unicode),
        suffix: codesToString(suffix, opts.unicode),
        continuation,
      };
    }
  }
  return undefined;
}
