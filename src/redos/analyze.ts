/**
 * The ReDoS engine's entry point: static analysis (src/redos/analysis) decides whether a regex
 * can backtrack super-linearly and builds an attack; the proof (src/redos/proof) runs that attack
 * in V8 and only then reports `vulnerable`. See docs/regex-engine.md.
 */
import { RegExpParser } from '@eslint-community/regexpp';
import type { RegexAnalysis, RegexBudget } from './types.ts';

export const DEFAULT_BUDGET: RegexBudget = Object.freeze({ maxSteps: 200_000, timeoutMs: 3_000, verify: true });

function parseError(pattern: string, flags: string): string | undefined {
  try {
    new RegExp(pattern, flags);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  try {
    new RegExpParser({ ecmaVersion: 2025 }).parseLiteral(`/${pattern}/${flags}`);
  } catch {
    return undefined;
  }
  return undefined;
}

/** Static analysis only (no V8 proof): synchronous and cheap. */
export function analyzeRegexStatic(pattern: string, flags: string, _budget?: Partial<RegexBudget>): RegexAnalysis {
  const t0 = performance.now();
  const err = parseError(pattern, flags);
  if (err !== undefined) return { pattern, flags, verdict: { kind: 'invalid', message: err }, ms: performance.now() - t0 };
  return { pattern, flags, verdict: { kind: 'unknown', why: 'unsupported-syntax', detail: 'engine not built yet' }, ms: performance.now() - t0 };
}

/** Static analysis, then the V8 proof for candidates. */
export async function analyzeRegex(pattern: string, flags: string, budget?: Partial<RegexBudget>): Promise<RegexAnalysis> {
  return analyzeRegexStatic(pattern, flags, budget);
}
