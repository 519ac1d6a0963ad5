import { collectPackaging } from '../raw/packaging.ts';
import { packagedWithAutomatedWorkflow } from '../probes/packagedWithAutomatedWorkflow.ts';
import { assertProbes, defineCheck, INCONCLUSIVE, MAX, type Detail } from '../types.ts';

/** checks/evaluation/packaging.go: a publishing workflow is 10, otherwise inconclusive. */
export const packaging = defineCheck({
  name: 'Packaging',
  risk: 'Medium',
  short: 'Determines if the project is published as a package that others can easily download, install, easily update, and uninstall.',
  probes: [packagedWithAutomatedWorkflow],
  collect: (source) => collectPackaging(source),
  evaluate(findings) {
    assertProbes(findings, [packagedWithAutomatedWorkflow.id]);
    const hit = findings.find((f) => f.outcome === 'true');
    if (hit) return { score: MAX, reason: 'packaging workflow detected', details: [{ level: 'info', text: hit.message, probe: hit.probe, ...(hit.location && { location: hit.location }) }] };
    const details: Detail[] = [{ level: 'warn', text: 'no GitHub/GitLab publishing workflow detected', probe: packagedWithAutomatedWorkflow.id, remediation: packagedWithAutomatedWorkflow.remediation.text }];
    return { score: INCONCLUSIVE, reason: 'packaging workflow not detected', details };
  },
});
