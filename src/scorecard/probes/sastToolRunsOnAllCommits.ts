import { defineProbe } from '../types.ts';
import type { SastRaw } from '../raw/sast.ts';

/** probes/sastToolRunsOnAllCommits. */
export const sastToolRunsOnAllCommits = defineProbe<SastRaw>({
  id: 'sastToolRunsOnAllCommits',
  short: 'Checks that a SAST tool runs on all commits in the project.',
  motivation: 'A SAST tool only helps on the changes it sees; run on every pull request it stops bugs before merge.',
  implementation: 'Counts the last merged pull requests that had a SAST check run (needs the GitHub API).',
  remediation: { onOutcome: 'false', effort: 'medium', text: 'Run the SAST workflow on `pull_request`, not only on a schedule.' },
  run(raw) {
    if (!raw.commits || raw.commits.merged === 0) return [{ probe: this.id, outcome: 'not-applicable', message: 'no pull requests merged into dev branch (or pull request history not available offline)' }];
    const { merged, analyzed } = raw.commits;
    return [{ probe: this.id, outcome: analyzed === merged ? 'true' : 'false', message: `${analyzed} commits out of ${merged} are checked with a SAST tool`, values: { totalPullRequestsAnalyzed: String(analyzed), totalPullRequestsMerged: String(merged) } }];
  },
});
