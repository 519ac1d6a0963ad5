/**
 * Static analysis driver: parse, lower, build the multiplicity automaton, search for exponential
 * then polynomial ambiguity, and turn the worst witness into a concrete, simulated attack.
 * Deterministic and bounded by `maxSteps` and a deadline; never throws on any input.
 */
import { lower, parseRegExp, IrBudgetError } from './ir.ts';
import { buildAutomaton, BudgetExceeded } from './automaton.ts';
import { Analyzer, Budget, type Witness } from './ambiguity.ts';
import { findAttack, type FoundAttack } from './attack.ts';

export type StaticResult =
  | { status: 'invalid'; message: string }
  | { status: 'safe'; notes: string[] }
  | {
      status: 'vulnerable';
      complexity: { type: 'exponential' | 'polynomial'; degree?: number };
      attack: FoundAttack;
      witness: Witness;
      /** Source span of the innermost repetition around each automaton state. */
      loopSrc: ([number, number] | undefined)[];
      outerLoopSrc: ([number, number] | undefined)[];
      /** Further candidates (worst first) to prove when this one does not reproduce. */
      others: Candidate[];
      notes: string[];
    }
  | { status: 'unknown'; why: 'budget' | 'timeout' | 'unsupported-syntax'; detail: string; notes: string[] };

export interface Candidate {
  complexity: { type: 'exponential' | 'polynomial'; degree?: number };
  attack: FoundAttack;
  witness: Witness;
}

/** How many distinct candidates static analysis hands to the proof at most. */
const MAX_CANDIDATES = 3;

export interface StaticOptions {
  maxSteps: number;
  deadline: number;
}

/** Hard caps independent of the step budget (memory). */
const MAX_PATTERN_NODES = 50_000;
const MAX_STATES = 6_000;

export function analyzeStatic(pattern: string, flags: string, opts: StaticOptions): StaticResult {
  try {
    new RegExp(pattern, flags);
  } catch (err) {
    return { status: 'invalid', message: err instanceof Error ? err.message : String(err) };
  }
  let ast;
  try {
    ast = parseRegExp(pattern, flags);
  } catch (err) {
    return { status: 'unknown', why: 'unsupported-syntax', detail: err instanceof Error ? err.message : String(err), notes: [] };
  }
  const notes = new Set<string>();
  try {
    const lowered = lower(ast, flags, MAX_PATTERN_NODES);
    for (const a of lowered.approximations) notes.add(a);
    const automaton = buildAutomaton(lowered.ir, {
      max: lowered.max,
      sticky: lowered.sticky,
      contextSets: lowered.contextSets,
      maxStates: MAX_STATES,
      maxSteps: opts.maxSteps,
      notes,
    });
    const budget = new Budget(Math.max(1, opts.maxSteps - automaton.steps), opts.deadline);
    const an = new Analyzer(automaton, budget);
    const attackOpts = { unicode: lowered.unicode, global: lowered.global, lazy: lowered.lazy };
    const found: Candidate[] = [];
    const seen = new Set<string>();
    const consider = (w: Witness, complexity: Candidate['complexity']): void => {
      const attack = findAttack(automaton, an, w, attackOpts);
      if (!attack) return;
      const k = `${complexity.type}:${attack.prefix}\u0000${attack.pump}\u0000${attack.suffix}`;
      if (seen.has(k)) return;
      seen.add(k);
      found.push({ complexity, attack, witness: w });
    };
    try {
      for (const w of an.exponential()) {
        if (found.length >= MAX_CANDIDATES) break;
        consider(w, { type: 'exponential' });
      }
      if (found.length < MAX_CANDIDATES) {
        for (const w of an.polynomial()) {
          if (found.length >= MAX_CANDIDATES) break;
          consider(w, { type: 'polynomial', degree: w.degree });
        }
      }
    } catch (err) {
      // out of budget after a candidate was found: report what was found
      if (!(err instanceof BudgetExceeded) || !found.length) throw err;
      notes.add('search for further candidates stopped by the budget');
    }
    if (!found.length && lowered.largeCount) {
      for (const w of an.finite()) {
        consider(w, { type: 'exponential' });
        if (found.length) break;
      }
    }
    const [best, ...others] = found;
    if (best) return { status: 'vulnerable', ...best, loopSrc: automaton.loopSrc, outerLoopSrc: automaton.outerLoopSrc, others, notes: [...notes] };
    return { status: 'safe', notes: [...notes] };
  } catch (err) {
    if (err instanceof BudgetExceeded || err instanceof IrBudgetError) {
      const timeout = err.message.includes('time');
      return { status: 'unknown', why: timeout ? 'timeout' : 'budget', detail: err.message, notes: [...notes] };
    }
    if (err instanceof RangeError) {
      // deep recursion on a pathological nesting depth
      return { status: 'unknown', why: 'budget', detail: `pattern too deeply nested (${err.message})`, notes: [...notes] };
    }
    // never let one regex crash a scan: an analysis bug is an unknown with the reason
    return { status: 'unknown', why: 'unsupported-syntax', detail: `analysis error: ${err instanceof Error ? err.message : String(err)}`, notes: [...notes] };
  }
}
