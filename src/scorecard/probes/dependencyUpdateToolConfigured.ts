import { defineProbe } from '../types.ts';
import type { DependencyUpdateToolRaw } from '../raw/dependency-update-tool.ts';

/** probes/dependencyUpdateToolConfigured. */
export const dependencyUpdateToolConfigured = defineProbe<DependencyUpdateToolRaw>({
  id: 'dependencyUpdateToolConfigured',
  short: 'Check that a dependency update tool config is present.',
  motivation: 'Out-of-date dependencies keep known vulnerabilities; an update tool opens the upgrade PRs.',
  implementation: 'Looks for the configuration files of Dependabot, Renovate and PyUp.',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Add .github/dependabot.yml (https://docs.github.com/code-security/dependabot) or a renovate.json.' },
  run(raw) {
    if (raw.tools.length === 0) return [{ probe: this.id, outcome: 'false', message: 'no dependency update tool configurations found' }];
    return raw.tools.map((t) => ({ probe: this.id, outcome: 'true' as const, message: `detected update tool: ${t.name}`, location: t.location, values: { tool: t.name } }));
  },
});
