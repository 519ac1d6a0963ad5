/**
 * Process exit codes. Mapped to errors only in `cli/main.ts` and documented in
 * `docs/exit-codes.md` (a test keeps the two in sync).
 *
 * 126-165 are avoided on purpose: shells use them (126 not executable, 127 not found,
 * 128+N killed by signal N).
 */
export const EXIT = {
  /** Ran; nothing at or above the threshold. */
  OK: 0,
  /** Ran; findings at or above the threshold (`--fail-on`, `--min-score`), or invalid input for `db validate`. */
  FINDINGS: 1,
  /** Usage or configuration error: bad flag, invalid config or ignore file. */
  USAGE: 2,
  /** Nothing to scan, or the input cannot be read (no lockfile, unsupported version, corrupt file). */
  INPUT: 3,
  /** An upstream (advisory feed, GitHub API, registry) is unavailable and there is no usable cache. */
  UPSTREAM: 4,
  /** Store error: database unreachable, migration pending or failed. */
  STORE: 5,
  /** Internal error: a bug in nodesec. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
