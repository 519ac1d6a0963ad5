import { collectDangerousWorkflow } from '../raw/dangerous-workflow.ts';
import { hasDangerousWorkflowScriptInjection } from '../probes/hasDangerousWorkflowScriptInjection.ts';
import { hasDangerousWorkflowUntrustedCheckout } from '../probes/hasDangerousWorkflowUntrustedCheckout.ts';
import { assertProbes, defineCheck, INCONCLUSIVE, MAX, MIN, type Detail } from '../types.ts';

/** checks/evaluation/dangerous_workflow.go: any dangerous pattern is 0; no workflows is inconclusive. */
export const dangerousWorkflow = defineCheck({
  name: 'Dangerous-Workflow',
  risk: 'Critical',
  short: 'Determines if the project\'s GitHub Action workflows avoid dangerous patterns.',
  probes: [hasDangerousWorkflowScriptInjection, hasDangerousWorkflowUntrustedCheckout],
  collect: (source) => collectDangerousWorkflow(source),
  evaluate(findings) {
    assertProbes(findings, [hasDangerousWorkflowScriptInjection.id, hasDangerousWorkflowUntrustedCheckout.id]);
    const details: Detail[] = [];
    let dangerous = false;
    for (const f of findings) {
      if (f.outcome === 'not-applicable') return { score: INCONCLUSIVE, reason: 'no workflows found', details };
      if (f.outcome === 'true') {
        dangerous = true;
        const probe = f.probe === hasDangerousWorkflowUntrustedCheckout.id ? hasDangerousWorkflowUntrustedCheckout : hasDangerousWorkflowScriptInjection;
        details.push({ level: 'warn', text: f.message, probe: f.probe, ...(f.location && { location: f.location }), remediation: probe.remediation.text });
      }
    }
    if (dangerous) return { score: MIN, reason: 'dangerous workflow patterns detected', details };
    return { score: MAX, reason: 'no dangerous workflow patterns detected', details };
  },
});
