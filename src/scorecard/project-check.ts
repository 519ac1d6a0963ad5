/**
 * The `scorecard` check of `nodesec check`: the local Scorecard checks on the project
 * directory. Warnings become findings at their check's risk (Critical -> critical, High -> high,
 * Medium -> moderate, Low -> low); the aggregate goes in the summary and the full report in
 * `data`. Exceptions come from the same ignore policy as every other check.
 */
import type { ProjectCheck } from '../core/check.ts';

export const scorecardCheck: ProjectCheck = {
  id: 'scorecard',
  title: 'OpenSSF Scorecard',
  defaultFailOn: 'critical',
  async run(ctx) {
    const [{ localSource }, { runScorecard, reportFindings, detailToFinding }, { toJson }, { auditProvider }, { sharedSource }] = await Promise.all([
      import('./sources/local.ts'),
      import('./run.ts'),
      import('./report.ts'),
      import('./vulns.ts'),
      import('../audit/checks.ts'),
    ]);
    const source = await localSource(ctx.dir);
    const r = await runScorecard(source, {
      ignore: ctx.ignore,
      now: ctx.now,
      progress: ctx.progress,
      ...(ctx.signal && { signal: ctx.signal }),
      vulnerabilities: auditProvider(ctx.dir, () => sharedSource(ctx)),
    });
    const ran = r.checks.filter((c) => c.score >= 0).length;
    const suppressed = r.checks.flatMap((c) =>
      c.excepted.map((e) => ({
        finding: detailToFinding(c, { level: 'warn', text: e.finding.message, ...(e.finding.location && { location: e.finding.location }) }),
        ignoreId: c.name,
        reason: e.reason,
      })),
    );
    return {
      check: 'scorecard',
      status: 'ok',
      findings: reportFindings(r),
      suppressed,
      summary: `aggregate ${r.score < 0 ? '?' : r.score.toFixed(1)}/10 over ${ran} checks${r.effectiveScore !== r.score ? ` (${r.effectiveScore.toFixed(1)} after exceptions)` : ''}`,
      data: toJson(r),
    };
  },
};
