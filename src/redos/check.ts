/**
 * The `regex` ProjectCheck of `nodesec check`: the project's own sources (not node_modules:
 * `nodesec regex --node-modules` covers dependencies), every finding through the shared
 * ignore policy. Heavy modules load inside run() to keep `nodesec check` cold start cheap.
 */
import type { ProjectCheck, ProjectCheckContext, ProjectCheckResult } from '../core/check.ts';

export const regexCheck: ProjectCheck = {
  id: 'regex',
  title: 'ReDoS in regular expressions',
  defaultFailOn: 'low',
  async run(ctx: ProjectCheckContext): Promise<ProjectCheckResult> {
    const { scanRegexes } = await import('./scan.ts');
    const { toFinding, summaryLine, toJsonFinding } = await import('./report.ts');
    const r = await scanRegexes({ root: ctx.dir, ignore: ctx.ignore, progress: ctx.progress, ...(ctx.signal && { signal: ctx.signal }) });
    if (r.stats.files === 0) return { check: 'regex', status: 'skipped', reason: 'no JS/TS source files', findings: [] };
    return {
      check: 'regex',
      status: 'ok',
      findings: r.findings.map(toFinding),
      suppressed: r.suppressed
        .filter((f) => f.suppressed?.by === 'ignore-file')
        .map((f) => ({ finding: toFinding(f), ignoreId: f.suppressed!.id ?? f.rule, reason: f.suppressed!.reason })),
      summary: summaryLine(r),
      data: { stats: r.stats, suppressedByComment: r.suppressed.filter((f) => f.suppressed?.by === 'comment').map(toJsonFinding), diagnostics: r.diagnostics },
    };
  },
};
