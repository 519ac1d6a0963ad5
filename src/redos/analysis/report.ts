/**
 * Practical severity and fix hints. Severity comes from the input length that blocks the event
 * loop for one second: a short input is something any form field or header carries, a long one
 * needs a large request body.
 */
import type { Attack, Complexity } from '../types.ts';
import type { Witness } from './ambiguity.ts';

export type Severity = 'low' | 'moderate' | 'high' | 'critical';

/** Attack length (characters) for 1 s of blocking at or under which each severity applies. */
export const SEVERITY_LENGTHS = { critical: 1_024, high: 8_192, moderate: 32_768 } as const;

export function severityFor(attackLength1s: number | undefined, complexity: Complexity): Severity {
  if (attackLength1s === undefined) return complexity.type === 'exponential' ? 'critical' : (complexity.degree ?? 2) >= 3 ? 'high' : 'moderate';
  if (attackLength1s <= SEVERITY_LENGTHS.critical) return 'critical';
  if (attackLength1s <= SEVERITY_LENGTHS.high) return 'high';
  if (attackLength1s <= SEVERITY_LENGTHS.moderate) return 'moderate';
  return 'low';
}

/**
 * Static estimate of the 1 s attack length when no proof ran: V8's native regexp code does
 * roughly 1e9 backtracking steps per second (`/\s+$/` takes 1 s at ~45,000 characters); an
 * exponential attack doubles per pump, a polynomial of degree k costs about n^k / k! steps.
 */
export function estimateLength1s(attack: Attack, complexity: Complexity): number {
  const fixed = attack.prefix.length + attack.suffix.length;
  if (complexity.type === 'exponential') return fixed + Math.ceil(Math.log2(1e9)) * attack.pump.length;
  const k = complexity.degree ?? 2;
  let fact = 1;
  for (let i = 2; i <= k; i++) fact *= i;
  return fixed + Math.ceil((1e9 * fact) ** (1 / k));
}

function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

function span(pattern: string, src: [number, number] | undefined): string | undefined {
  if (!src) return undefined;
  const text = pattern.slice(src[0], src[1]);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export interface HintInput {
  pattern: string;
  witness: Witness;
  attack: Attack;
  complexity: Complexity;
  loopSrc: ([number, number] | undefined)[];
  outerLoopSrc: ([number, number] | undefined)[];
  continuation: boolean;
  safeInputLength?: number;
}

export function hintFor(h: HintInput): string {
  const { witness: w, attack } = h;
  const limit = h.safeInputLength !== undefined ? ` or reject inputs longer than ${h.safeInputLength} characters` : ' or limit the input length';
  const pump = quote(attack.pump);
  if (w.why === 'finite') {
    return `Exponential backtracking in a counted repetition: its iterations can split ${pump} repeated in combinatorially many ways (as in \`(a?){30}a{30}\`), all tried before the match fails. `
      + 'Make the repeated part non-optional and unambiguous (`(a?){30}` -> `a{0,30}`), emulate an atomic group with `(?=(...))\\1`' + `${limit}.`;
  }
  if (h.complexity.type === 'exponential') {
    const where = span(h.pattern, h.outerLoopSrc[w.state]);
    const at = where ? ` \`${where}\`` : '';
    const how = w.why === 'multi-transition'
      ? 'a repetition nested in a repetition (or an optional part between them) can split the same characters between iterations in more than one way'
      : 'two alternatives or parts of the repetition can read the same characters';
    const fix = w.why === 'multi-transition'
      ? 'Remove the ambiguity (drop the inner quantifier, as in `(a+)+` -> `a+`, or make the separator between iterations mandatory, as in `(\\w+\\.?)*` -> `\\w+(\\.\\w+)*`), '
      : 'Remove the ambiguity (make the alternatives disjoint, as in `(a|ab)*` -> `(ab?)*`, or `(\\w|\\d)+` -> `\\w+`), ';
    return `Exponential backtracking: in${at}, ${how}, so ${pump} repeated and followed by a failing character is tried in exponentially many ways. `
      + fix + 'emulate an atomic group with `(?=(...))\\1`' + `${limit}.`;
  }
  const degree = h.complexity.degree ?? 2;
  const second = span(h.pattern, w.other !== undefined ? h.loopSrc[w.other] : undefined);
  if (w.fromSearch) {
    const at = second ? ` \`${second}\`` : ' a repetition';
    return `Polynomial (degree ${degree}) backtracking: the pattern is not anchored, so V8 retries the match at each of the n start positions and${at} rescans the following ${pump} run each time before failing. `
      + `Anchor the pattern (\`^\`), make the part before the repetition unable to match inside the run, bound the repetition (\`{0,N}\`)`
      + (h.continuation ? ', avoid the g-flag search (e.g. use String.prototype.trim/trimEnd)' : '')
      + `${limit}.`;
  }
  const first = span(h.pattern, h.loopSrc[w.state]);
  const parts = first && second ? `\`${first}\` and \`${second}\`` : 'two repetitions';
  return `Polynomial (degree ${degree}) backtracking: ${parts} can both match ${pump} repeated, and every split of the run between them is tried before the match fails. `
    + `Make their character sets disjoint, merge them into one repetition, bound one of them (\`{0,N}\`), emulate an atomic group with \`(?=(...))\\1\`${limit}.`;
}
