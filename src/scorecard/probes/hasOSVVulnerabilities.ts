import { defineProbe } from '../types.ts';
import type { VulnerabilitiesRaw } from '../raw/vulnerabilities.ts';

/** probes/hasOSVVulnerabilities: one `true` finding per vulnerability (alias groups merged). */
export const hasOSVVulnerabilities = defineProbe<VulnerabilitiesRaw>({
  id: 'hasOSVVulnerabilities',
  short: 'Check whether the project has known vulnerabilities in its dependencies.',
  motivation: 'A known vulnerability in a dependency is the easiest way in.',
  implementation: 'Audits the lockfiles of the repository against the advisory database (nodesec audit).',
  remediation: { onOutcome: 'true', effort: 'medium', text: 'Upgrade the affected dependencies (`nodesec audit` lists the minimal upgrades).' },
  run(raw) {
    if (raw.unavailable) return [{ probe: this.id, outcome: 'not-available', message: raw.unavailable }];
    if (raw.ids.length === 0) return [{ probe: this.id, outcome: 'false', message: 'Project does not contain OSV vulnerabilities' }];
    return raw.ids.map((id) => ({ probe: this.id, outcome: 'true' as const, message: `Project contains OSV vulnerability ${id}`, ...(raw.locations[id] && { location: raw.locations[id] }), values: { id } }));
  },
});
