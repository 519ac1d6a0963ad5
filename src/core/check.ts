/**
 * The plug-in contract of `nodesec check`: every project-level check (audit, node, runtime
 * config lint, regex, scorecard) exports one `ProjectCheck`, and `cli/checks.ts` lists them in
 * an explicit order. `check` runs every one that applies and combines the results into one
 * report with one exit code.
 */
import type { Finding, Severity } from './finding.ts';
import type { IgnorePolicy } from './ignore.ts';

export interface ProjectCheckContext {
  /** Absolute path of the project root. */
  dir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** `--db` if given: a snapshot file, WG vuln dir, OSV dir or hub URL. */
  db?: string;
  offline: boolean;
  ignore: IgnorePolicy;
  now: Date;
  /** Progress lines for long work (stderr, never stdout). */
  progress(message: string): void;
  signal?: AbortSignal;
}

export interface ProjectCheckResult {
  check: string;
  /** `skipped` when the check does not apply (e.g. no lockfile); `error` when it could not run. */
  status: 'ok' | 'skipped' | 'error';
  /** Why it was skipped, or the error message. */
  reason?: string;
  findings: Finding[];
  /** Ignore entries that suppressed findings in this check (ids), for the unused-ignore report. */
  suppressed?: { finding: Finding; ignoreId: string; reason: string }[];
  /** A short line for the summary, e.g. "1,091 packages, 12 vulnerable". */
  summary?: string;
  /** Check-specific detail kept in JSON output (e.g. the scorecard aggregate). */
  data?: unknown;
}

export interface ProjectCheck {
  /** Stable id, also the `check` field of its findings. */
  id: string;
  title: string;
  /** Default minimum severity that fails `nodesec check` for this check's findings. */
  defaultFailOn?: Severity;
  run(ctx: ProjectCheckContext): Promise<ProjectCheckResult>;
}
