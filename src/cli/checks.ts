/**
 * The checks `nodesec check` runs, in this order (order matters: it is the order of the
 * combined report). A check is listed here with one line; it exists for `check` only when it
 * is listed. Each check's module must stay cheap to import: load heavy dependencies lazily
 * inside `run()` (the CLI's cold start depends on it).
 */
import type { ProjectCheck } from '../core/check.ts';
import { auditCheck, nodeCheck, runtimeConfigCheck } from '../audit/checks.ts';
import { regexCheck } from '../redos/check.ts';
import { scorecardCheck } from '../scorecard/project-check.ts';

export const projectChecks: readonly ProjectCheck[] = [
  auditCheck,
  nodeCheck,
  runtimeConfigCheck,
  regexCheck,
  scorecardCheck,
];
