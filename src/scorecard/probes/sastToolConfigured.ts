import { defineProbe } from '../types.ts';
import type { SastRaw } from '../raw/sast.ts';

/** probes/sastToolConfigured. */
export const sastToolConfigured = defineProbe<SastRaw>({
  id: 'sastToolConfigured',
  short: 'Check that the project uses a SAST tool.',
  motivation: 'Static analysis catches classes of bugs (injection, path traversal) before they are merged.',
  implementation: 'Looks for workflows running CodeQL, Snyk, Pysa, Qodana or Hadolint, and for a Sonar configuration in pom.xml.',
  remediation: { onOutcome: 'false', effort: 'medium', text: 'Enable CodeQL (Settings > Code security > Code scanning, or github/codeql-action in a workflow).' },
  run(raw) {
    if (raw.workflows.length === 0) return [{ probe: this.id, outcome: 'false', message: 'no SAST configuration files detected' }];
    return raw.workflows.map((w) => ({ probe: this.id, outcome: 'true' as const, message: `SAST configuration detected: ${w.tool}`, location: w.location, values: { tool: w.tool } }));
  },
});
