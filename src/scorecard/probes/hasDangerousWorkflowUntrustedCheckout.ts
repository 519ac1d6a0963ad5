import { defineProbe } from '../types.ts';
import type { DangerousWorkflowRaw } from '../raw/dangerous-workflow.ts';

/** probes/hasDangerousWorkflowUntrustedCheckout. */
export const hasDangerousWorkflowUntrustedCheckout = defineProbe<DangerousWorkflowRaw>({
  id: 'hasDangerousWorkflowUntrustedCheckout',
  short: 'Check whether the project has GitHub Actions workflows that do untrusted checkouts.',
  motivation: 'A pull_request_target or workflow_run workflow runs with the base repository\'s secrets and a write token; checking out the pull request\'s code there lets anyone run code with them.',
  implementation: 'Looks for actions/checkout with a `ref` from github.event.pull_request or github.event.workflow_run in workflows triggered by pull_request_target or workflow_run.',
  remediation: { onOutcome: 'true', effort: 'low', text: 'Do not check out the pull request head in a privileged workflow: use the `pull_request` trigger for building and testing, and a separate workflow_run workflow that only consumes artifacts.' },
  run(raw) {
    if (raw.numWorkflows === 0) return [{ probe: this.id, outcome: 'not-applicable', message: 'Project does not have any workflows.' }];
    const hits = raw.workflows.filter((w) => w.type === 'untrustedCheckout');
    if (hits.length === 0) return [{ probe: this.id, outcome: 'false', message: 'Project does not have workflow(s) with untrusted checkout.' }];
    return hits.map((w) => ({ probe: this.id, outcome: 'true' as const, message: `untrusted code checkout '${w.location.snippet}'`, location: w.location, values: { job: w.job } }));
  },
});
