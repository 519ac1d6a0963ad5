/**
 * The Scorecard model, after ossf/scorecard: raw data is collected through a `RepoSource`
 * (checks/raw/*.go), probes are pure functions from raw data to findings (probes/<id>/impl.go),
 * and each check's evaluation turns its probes' findings into a 0-10 score or -1 for
 * "inconclusive" (checks/evaluation/*.go). Scores must equal what scorecard computes for the
 * same repository content; every evaluation cites the Go file it follows.
 */

/** Read access to one repository's content: a local checkout now, the GitHub API later. */
export interface RepoSource {
  /** `local:<dir>` or `github.com/<owner>/<repo>`. */
  readonly uri: string;
  /** Every file of the repository, relative with forward slashes, sorted. */
  listFiles(): Promise<readonly string[]>;
  /** File content, or undefined when it is missing or over the size cap. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** The commit the content is at, when known. */
  headCommit?(): Promise<string | undefined>;
  /** GitHub private vulnerability reporting (API sources only). */
  privateReporting?(): Promise<boolean | undefined>;
  /** The organisation's default security policy (`<owner>/.github`), when the repository has none (API sources only). */
  orgSecurityPolicy?(): Promise<{ uri: string; content: Buffer } | undefined>;
}

/** scorecard's finding outcomes (finding/finding.go). */
export type Outcome = 'true' | 'false' | 'not-applicable' | 'not-available' | 'not-supported' | 'error';

export interface Where {
  file: string;
  line?: number;
  endLine?: number;
  snippet?: string;
}

export interface ProbeFinding {
  probe: string;
  outcome: Outcome;
  message: string;
  location?: Where;
  values?: Record<string, string>;
}

export interface ProbeMeta {
  /** Same id as scorecard's probe. */
  id: string;
  short: string;
  motivation: string;
  implementation: string;
  /** Which outcome calls for the remediation. */
  remediation: { onOutcome: Outcome; effort: 'low' | 'medium' | 'high'; text: string };
}

export interface Probe<R> extends ProbeMeta {
  run(raw: R): ProbeFinding[];
}

export function defineProbe<R>(p: Probe<R>): Probe<R> {
  return p;
}

/** A line of a check's result, as scorecard's DetailLogger writes them. */
export interface Detail {
  level: 'warn' | 'info' | 'debug';
  text: string;
  location?: Where;
  probe?: string;
  remediation?: string;
}

export interface Evaluation {
  /** 0-10, or -1 for inconclusive. */
  score: number;
  reason: string;
  details: Detail[];
}

export type Risk = 'Critical' | 'High' | 'Medium' | 'Low';

/** scorecard's aggregate weights (pkg/scorecard/scorecard_result.go, GetAggregateScore). */
export const RISK_WEIGHT: Record<Risk, number> = { Critical: 10, High: 7.5, Medium: 5, Low: 2.5 };

export interface CollectContext {
  signal?: AbortSignal;
  /** Dependency vulnerability lookup for the Vulnerabilities check; absent = inconclusive. */
  vulnerabilities?: VulnerabilityProvider;
}

export interface VulnerabilityProvider {
  /** Unique vulnerability ids affecting the repository's dependencies (one id per alias group). */
  (source: RepoSource, ctx: { signal?: AbortSignal }): Promise<{ ids: string[]; locations?: Record<string, Where> } | { unavailable: string }>;
}

export interface ScorecardCheck<R> {
  name: string;
  risk: Risk;
  short: string;
  probes: readonly Probe<R>[];
  collect(source: RepoSource, ctx: CollectContext): Promise<R>;
  /** Pure: the score policy over the probes' findings (asserts it got its probes). */
  evaluate(findings: readonly ProbeFinding[]): Evaluation;
}

export function defineCheck<R>(c: ScorecardCheck<R>): ScorecardCheck<R> {
  return c;
}

export const MAX = 10;
export const MIN = 0;
export const INCONCLUSIVE = -1;

/** checker.CreateProportionalScore: integer division as in Go. */
export function proportional(success: number, total: number): number {
  if (total === 0) return 0;
  return Math.min(Math.trunc((MAX * success) / total), MAX);
}

/** checker.CreateProportionalScoreWeighted. */
export function proportionalWeighted(groups: readonly { success: number; total: number; weight: number }[]): number {
  let ws = 0;
  let wt = 0;
  let allZero = true;
  let none = true;
  for (const g of groups) {
    if (g.total === 0) continue;
    none = false;
    if (g.weight !== 0) allZero = false;
    ws += g.success * g.weight;
    wt += g.total * g.weight;
  }
  if (none) return INCONCLUSIVE;
  if (allZero) return MAX;
  return Math.min(Math.trunc((MAX * ws) / wt), MAX);
}

/** checker.AggregateScoresWithWeight (Go map: equal scores collapse to one key, last weight wins). */
export function aggregateWithWeight(pairs: readonly [score: number, weight: number][]): number {
  const m = new Map<number, number>();
  for (const [s, w] of pairs) m.set(s, w);
  let r = 0;
  let ws = 0;
  for (const [s, w] of m) {
    r += s * w;
    ws += w;
  }
  return Math.floor(r / ws);
}

/** Throws when a check got findings of probes other than its own (scorecard's UniqueProbesEqual). */
export function assertProbes(findings: readonly ProbeFinding[], expected: readonly string[]): void {
  const got = new Set(findings.map((f) => f.probe));
  const want = new Set(expected);
  if (got.size !== want.size || [...got].some((p) => !want.has(p))) {
    throw new Error(`invalid probe results: got ${[...got].sort().join(',')} want ${[...want].sort().join(',')}`);
  }
}
