import { defineProbe } from '../types.ts';
import type { PackagingRaw } from '../raw/packaging.ts';

/** probes/packagedWithAutomatedWorkflow. */
export const packagedWithAutomatedWorkflow = defineProbe<PackagingRaw>({
  id: 'packagedWithAutomatedWorkflow',
  short: 'Checks whether the project uses automated packaging.',
  motivation: 'Packages published by CI can be traced back to a commit; hand-built packages cannot.',
  implementation: 'Looks for a workflow job that publishes a package (npm publish, docker push, pypi, goreleaser, ...).',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Publish from a GitHub Actions workflow (for npm: setup-node with registry-url, then `npm publish --provenance`).' },
  run(raw) {
    const p = raw.packages.find((x) => x.ran);
    if (p) return [{ probe: this.id, outcome: 'true', message: `GitHub/GitLab publishing workflow used in run: ${p.log}`, location: p.location }];
    return [{ probe: this.id, outcome: 'false', message: 'no GitHub/GitLab publishing workflow detected' }];
  },
});
