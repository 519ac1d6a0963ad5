/**
 * The ReDoS engine's entry point: static analysis (src/redos/analysis) decides whether a regex
 * can backtrack super-linearly and builds an attack; the proof (src/redos/proof) runs that attack
 * in V8 and only then reports `vulnerable`. See docs/regex-engine.md.
 *
 * @example
 *   const r = await analyzeRegex('^(a+)+$', '');
 *   // r.verdict: { kind: 'vulnerable', complexity: { type: 'exponential' }, verified: true,
 *   //   attack: { prefix: 'a', pump: 'a', suffix: '0' }, severity: 'critical', ... }
 */
import type { RegexAnalysis, RegexBudget, RegexVerdict } from './types.ts';
import { analyzeStatic, type Candidate, type StaticResult } from './analysis/static.ts';
import { estimateLength1s, hintFor, severityFor } from './analysis/report.ts';
import { prove } from './proof/prove.ts';
import { withProofSlot } from './proof/pool.ts';

export { closeProofPool } from './proof/pool.ts';

export const DEFAULT_BUDGET: RegexBudget = Object.freeze({ maxSteps: 200_000, timeoutMs: 3_000, verify: true });

/** Static analysis never takes more than this share of the time budget. */
const STATIC_SHARE = 0.5;

function budgetOf(b?: Partial<RegexBudget>): RegexBudget {
  return { ...DEFAULT_BUDGET, ...b };
}

function unverified(pattern: string, s: Extract<StaticResult, { status: 'vulnerable' }>): { verdict: RegexVerdict; hint: string } {
  const { complexity, attack } = s;
  const estimate = estimateLength1s(attack, complexity);
  const verdict: RegexVerdict = {
    kind: 'vulnerable',
    complexity,
    attack: { prefix: attack.prefix, pump: attack.pump, suffix: attack.suffix },
    verified: false,
    severity: severityFor(estimate, complexity),
  };
  const hint = hintFor({ pattern, witness: s.witness, attack, complexity, loopSrc: s.loopSrc, outerLoopSrc: s.outerLoopSrc, continuation: attack.continuation });
  return { verdict, hint };
}

function finish(pattern: string, flags: string, t0: number, verdict: RegexVerdict, hint?: string): RegexAnalysis {
  return { pattern, flags, verdict, ...(hint !== undefined && { hint }), ms: Math.round((performance.now() - t0) * 1000) / 1000 };
}

function runStatic(pattern: string, flags: string, budget: RegexBudget, t0: number): StaticResult {
  return analyzeStatic(pattern, flags, { maxSteps: budget.maxSteps, deadline: t0 + budget.timeoutMs * STATIC_SHARE });
}

function nonVulnerable(s: Exclude<StaticResult, { status: 'vulnerable' }>): RegexVerdict {
  switch (s.status) {
    case 'invalid':
      return { kind: 'invalid', message: s.message };
    case 'safe':
      return { kind: 'safe' };
    case 'unknown':
      return { kind: 'unknown', why: s.why, detail: s.detail };
  }
}

/** Static analysis only (no V8 proof): synchronous, sub-millisecond for typical patterns. */
export function analyzeRegexStatic(pattern: string, flags: string, budget?: Partial<RegexBudget>): RegexAnalysis {
  const t0 = performance.now();
  const b = budgetOf(budget);
  const s = runStatic(pattern, flags, b, t0);
  if (s.status !== 'vulnerable') return finish(pattern, flags, t0, nonVulnerable(s));
  const { verdict, hint } = unverified(pattern, s);
  return finish(pattern, flags, t0, verdict, hint);
}

/**
 * Static analysis, then (unless `budget.verify` is false) the V8 proof of each candidate attack,
 * worst first. Only a reproduced slowdown is `vulnerable`; a candidate that does not reproduce
 * gives `unknown` with why `not-reproduced`.
 */
export async function analyzeRegex(pattern: string, flags: string, budget?: Partial<RegexBudget>): Promise<RegexAnalysis> {
  const t0 = performance.now();
  const b = budgetOf(budget);
  const s = runStatic(pattern, flags, b, t0);
  if (s.status !== 'vulnerable') return finish(pattern, flags, t0, nonVulnerable(s));
  if (!b.verify) {
    const { verdict, hint } = unverified(pattern, s);
    return finish(pattern, flags, t0, verdict, hint);
  }
  const staticMs = performance.now() - t0;
  return withProofSlot(() => proveCandidates(pattern, flags, s, b.timeoutMs - staticMs, t0));
}

/** Proves the candidates worst first; the first reproduced one is the verdict. */
async function proveCandidates(
  pattern: string,
  flags: string,
  s: Extract<StaticResult, { status: 'vulnerable' }>,
  budgetMs: number,
  t0: number,
): Promise<RegexAnalysis> {
  const start = performance.now();
  const candidates: Candidate[] = [s, ...s.others];
  const details: string[] = [];
  // unknown for lack of time (why `timeout`) unless some candidate was measured to the end
  let settled = false;
  for (const c of candidates) {
    const left = budgetMs - (performance.now() - start);
    if (left < 50) {
      details.push('time budget spent');
      break;
    }
    const r = await prove({
      pattern,
      flags,
      attack: c.attack,
      expected: c.complexity.type,
      ...(c.complexity.degree !== undefined && { degree: c.complexity.degree }),
      replaceAll: c.attack.continuation || flags.includes('g'),
      budgetMs: left,
    });
    if (!r.reproduced) {
      if (!r.outOfTime) settled = true;
      details.push(`${c.complexity.type} candidate (pump ${JSON.stringify(c.attack.pump)}): ${r.detail ?? 'no slowdown'}${r.outOfTime ? ' before the time budget ran out' : ''}`);
      continue;
    }
    const complexity = r.complexity ?? c.complexity;
    const safeInputLength = r.attackLength100ms !== undefined ? Math.max(1, r.attackLength100ms - 1) : undefined;
    const verdict: RegexVerdict = {
      kind: 'vulnerable',
      complexity,
      attack: { prefix: c.attack.prefix, pump: c.attack.pump, suffix: c.attack.suffix },
      verified: true,
      proof: r.proof,
      ...(r.attackLength100ms !== undefined && { attackLength100ms: r.attackLength100ms }),
      ...(r.attackLength1s !== undefined && { attackLength1s: r.attackLength1s }),
      severity: severityFor(r.attackLength1s, complexity),
      ...(safeInputLength !== undefined && { safeInputLength }),
    };
    const hint = hintFor({
      pattern,
      witness: c.witness,
      attack: c.attack,
      complexity,
      loopSrc: s.loopSrc,
      outerLoopSrc: s.outerLoopSrc,
      continuation: c.attack.continuation,
      ...(safeInputLength !== undefined && { safeInputLength }),
    });
    return finish(pattern, flags, t0, verdict, hint);
  }
  return finish(pattern, flags, t0, { kind: 'unknown', why: settled ? 'not-reproduced' : 'timeout', detail: details.join('; ') });
}
