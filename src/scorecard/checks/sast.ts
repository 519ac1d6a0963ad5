import { collectSast } from '../raw/sast.ts';
import { sastToolConfigured } from '../probes/sastToolConfigured.ts';
import { sastToolRunsOnAllCommits } from '../probes/sastToolRunsOnAllCommits.ts';
import { aggregateWithWeight, assertProbes, defineCheck, INCONCLUSIVE, MAX, MIN, proportional, type Detail } from '../types.ts';

/**
 * checks/evaluation/sast.go. Note Go's zero values: the CodeQL score starts at 0, not at
 * "inconclusive", so without PR history a repository without CodeQL scores 0 and one with it 10.
 */
export const sast = defineCheck({
  name: 'SAST',
  risk: 'Medium',
  short: 'Determines if the project uses static code analysis.',
  probes: [sastToolConfigured, sastToolRunsOnAllCommits],
  collect: (source) => collectSast(source),
  evaluate(findings) {
    assertProbes(findings, [sastToolConfigured.id, sastToolRunsOnAllCommits.id]);
    const details: Detail[] = [];
    let sastScore = 0;
    let codeQl = 0;
    let other = 0;
    for (const f of findings) {
      const loc = f.location ? { location: f.location } : {};
      if (f.probe === sastToolRunsOnAllCommits.id) {
        if (f.outcome === 'not-applicable') {
          // scorecard logs this as a warning; offline it only means "no PR history here".
          details.push({ level: 'info', text: f.message, probe: f.probe });
          sastScore = INCONCLUSIVE;
        } else {
          details.push({ level: f.outcome === 'true' ? 'info' : 'warn', text: f.message, probe: f.probe });
          sastScore = proportional(Number(f.values?.totalPullRequestsAnalyzed ?? 0), Number(f.values?.totalPullRequestsMerged ?? 0));
        }
      } else {
        const s = f.outcome === 'true' ? MAX : f.outcome === 'false' ? MIN : INCONCLUSIVE;
        if (f.outcome === 'true') details.push({ level: 'info', text: f.message, probe: f.probe, ...loc });
        else details.push({ level: 'warn', text: f.message, probe: f.probe, remediation: sastToolConfigured.remediation.text });
        if (f.values?.tool === 'CodeQL') codeQl = s;
        else other = s;
      }
    }
    if (other === MAX) return { score: MAX, reason: 'SAST tool detected', details };
    if (sastScore === INCONCLUSIVE && codeQl === INCONCLUSIVE) throw new Error('internal error: both SAST scores inconclusive');
    if (sastScore !== INCONCLUSIVE && codeQl !== INCONCLUSIVE) {
      if (sastScore === MAX) return { score: MAX, reason: 'SAST tool is run on all commits', details };
      if (codeQl === MIN) return { score: sastScore, reason: `SAST tool is not run on all commits -- score normalized to ${sastScore}`, details };
      if (codeQl === MAX) return { score: aggregateWithWeight([[sastScore, 3], [codeQl, 7]]), reason: 'SAST tool detected but not run on all commits', details };
      throw new Error('internal error: contact team');
    }
    if (codeQl !== INCONCLUSIVE) {
      if (codeQl === MAX) return { score: MAX, reason: 'SAST tool detected: CodeQL', details };
      return { score: MIN, reason: 'no SAST tool detected', details };
    }
    if (sastScore === MAX) return { score: MAX, reason: 'SAST tool is run on all commits', details };
    return { score: sastScore, reason: `SAST tool is not run on all commits -- score normalized to ${sastScore}`, details };
  },
});
