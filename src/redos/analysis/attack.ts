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
import { type Automaton, INITIAL, SEARCH } from './automaton.ts';
import type { Analyzer, Witness } from './ambiguity.ts';
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
 * True when no thread started at a position <= boundary accepts (the whole search from those
 * positions fails). `continuation` skips the start at 0 (consumed by a previous g-search).
 * `endOk` tolerates a match that ends at the end of input: with a lazy quantifier the engine
 * tries every shorter expansion (the slow part) before it reaches that match.
 */
export function failsEarly(a: Automaton, str: readonly number[], boundary: number, continuation: boolean, endOk = false): boolean {
  let cur = new Uint8Array(a.n);
  let list: number[] = [];
  const add = (set: Uint8Array, l: number[], s: number): void => {
    if (!set[s]) {
      set[s] = 1;
      l.push(s);
    }
  };
  for (let i = 0; i <= str.length; i++) {
    if (i === 0 && !continuation) add(cur, list, INITIAL);
    else if (a.search && i >= 1 && i <= boundary) {
      add(cur, list, a.searchLt >= 0 && cs.has(cs.LINE_TERMINATOR, str[i - 1]!) ? a.searchLt : SEARCH);
    }
    const c = str[i];
    for (const s of list) {
      if (i === str.length ? a.acceptEnd[s] && !endOk : cs.has(a.acceptNext[s]!, c!)) return false;
    }
    if (i === str.length) break;
    const next = new Uint8Array(a.n);
    const nextList: number[] = [];
    for (const s of list) {
      const succ = a.succ[s]!;
      for (let k = 0; k < succ.length; k++) {
        const t = succ[k]!;
        if ((t === SEARCH && a.search) || t === a.searchLt) continue; // later starts are injected explicitly
        if (cs.has(a.label[t]!, c!)) add(next, nextList, t);
      }
    }
    cur = next;
    list = nextList;
    if (!list.length && !(a.search && i + 1 <= boundary)) return true;
  }
  return true;
}

/** States the automaton can be in after reading `str` from I (all start positions). */
function statesAfter(a: Automaton, str: readonly number[], from: number): number[] {
  let list = [from];
  for (const c of str) {
    const seen = new Set<number>();
    for (const s of list) for (const t of a.succ[s]!) if (cs.has(a.label[t]!, c)) seen.add(t);
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
  for (let s = 0; s < a.n; s++) if (!(a.search && s === SEARCH) && s !== a.searchLt) all = cs.union(all, a.label[s]!);
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
      const sets = an.prefixTo(w.state, SEARCH);
      const p = sets && concretize(sets);
      prefix = p && [outside, ...p];
    }
    if (!prefix) continue;
    // suffix candidates: a character no live thread can read, one no state reads at all, then
    // common characters, then the end of input
    const live = statesAfter(a, [...prefix, ...pump, ...pump].slice(continuation ? 1 : 0), continuation ? SEARCH : INITIAL);
    let readable: CharSet = cs.EMPTY;
    for (const s of live) for (const t of a.succ[s]!) readable = cs.union(readable, a.label[t]!);
    const candidates: number[][] = [];
    const killer = cs.pick(cs.complement(readable, a.max));
    if (killer !== undefined) candidates.push([killer]);
    if (outside !== undefined) candidates.push([outside]);
    for (const s of SUFFIX_CANDIDATES) candidates.push(stringToCodes(s, opts.unicode));
    candidates.push([]);
    for (const suffix of candidates) {
      let ok = true;
      for (const n of [1, 2, 3]) {
        const str = [...prefix];
        for (let i = 0; i < n; i++) str.push(...pump);
        const boundary = str.length;
        str.push(...suffix);
        if (!failsEarly(a, str, boundary, continuation, endOk)) {
          ok = false;
          break;
        }
      }
      if (ok) {
        return {
          prefix: codesToString(prefix, opts.unicode),
          pump: codesToString(pump, opts.unicode),
          suffix: codesToString(suffix, opts.unicode),
          continuation,
        };
      }
    }
  }
  return undefined;
}
