import { defineProbe } from '../types.ts';
import type { DangerousWorkflowRaw } from '../raw/dangerous-workflow.ts';

/** probes/hasDangerousWorkflowScriptInjection. */
export const hasDangerousWorkflowScriptInjection = defineProbe<DangerousWorkflowRaw>({
  id: 'hasDangerousWorkflowScriptInjection',
  short: 'Check whether the project has GitHub Actions workflows that enable script injection.',
  motivation: 'Expanding attacker-controlled text (an issue title, a branch name) inside `run:` makes it shell code.',
  implementation: 'Looks for `${{ }}` expressions of untrusted github.event fields or github.head_ref in `run:` scripts.',
  remediation: { onOutcome: 'true', effort: 'low', text: 'Pass the value through an environment variable (`env: TITLE: ${{ github.event.issue.title }}` then `"$TITLE"`) instead of expanding it in the script.' },
  run(raw) {
    if (raw.numWorkflows === 0) return [{ probe: this.id, outcome: 'not-applicable', message: 'Project does not have any workflows.' }];
    const hits = raw.workflows.filter((w) => w.type === 'scriptInjection');
    if (hits.length === 0) return [{ probe: this.id, outcome: 'false', message: 'Project does not have dangerous workflow(s) with possibility of script injection.' }];
    return hits.map((w) => ({ probe: this.id, outcome: 'true' as const, message: `script injection with untrusted input '${w.location.snippet}'`, location: w.location, values: { job: w.job } }));
  },
});
