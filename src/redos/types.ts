/**
 * The contract between regex extraction/scanning (redos/extract, redos/scan.ts) and the
 * analysis engine (redos/analysis, redos/proof). A verdict is one of: safe, vulnerable (with an
 * attack, proven in V8 or by an exact step count), unknown (could not decide within the
 * budget: never reported as safe and never as vulnerable), or invalid (does not parse).
 */

export interface RegexSite {
  /** Path relative to the scan root (forward slashes). */
  file: string;
  line: number;
  column: number;
  pattern: string;
  flags: string;
  origin: 'literal' | 'RegExp()' | 'new RegExp()' | 'table' | 'pattern';
  /** package@version when found under node_modules. */
  package?: string;
}

export interface RegexBudget {
  /** Cap on the static analysis work (NFA states x steps). */
  maxSteps: number;
  /** Wall-clock cap for the whole analysis of one regex, including proof. */
  timeoutMs: number;
  /** Run the V8 proof (worker thread with a hard timeout). Default true. */
  verify: boolean;
}

export interface Attack {
  prefix: string;
  pump: string;
  suffix: string;
}

export interface Complexity {
  type: 'exponential' | 'polynomial';
  /** For polynomial: the degree k (2 = quadratic). */
  degree?: number;
}

export interface Proof {
  /** How it was proven: timing the attack in V8, or counting backtracking steps exactly. */
  method: 'v8-timing' | 'step-count';
  /** Measured points: pump repetitions, input length, milliseconds (or steps). */
  samples: { pumps: number; length: number; ms: number }[];
  /** Fitted growth: the exponent base (exponential) or degree (polynomial). */
  fitted: { type: 'exponential' | 'polynomial'; value: number };
}

export type RegexVerdict =
  | { kind: 'safe' }
  | {
      kind: 'vulnerable';
      complexity: Complexity;
      attack: Attack;
      /** True only when the proof reproduced the slowdown. */
      verified: boolean;
      proof?: Proof;
      /** Shortest attack input length that blocks the event loop for 100 ms / 1 s (extrapolated from the fit). */
      attackLength100ms?: number;
      attackLength1s?: number;
      /** Practical severity from the attack length. */
      severity: 'low' | 'moderate' | 'high' | 'critical';
      /** A length limit on the input that keeps the match under 100 ms, when one exists. */
      safeInputLength?: number;
    }
  | { kind: 'unknown'; why: 'budget' | 'timeout' | 'unsupported-syntax' | 'not-reproduced'; detail?: string }
  | { kind: 'invalid'; message: string };

export interface RegexAnalysis {
  pattern: string;
  flags: string;
  verdict: RegexVerdict;
  /** A fix hint for vulnerable verdicts. */
  hint?: string;
  /** Milliseconds spent. */
  ms: number;
}
