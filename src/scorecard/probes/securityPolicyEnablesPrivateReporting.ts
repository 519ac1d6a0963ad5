import { defineProbe } from '../types.ts';
import type { SecurityPolicyRaw } from '../raw/security-policy.ts';

/** probes/securityPolicyEnablesPrivateReporting: needs the GitHub API; not applicable offline. */
export const securityPolicyEnablesPrivateReporting = defineProbe<SecurityPolicyRaw>({
  id: 'securityPolicyEnablesPrivateReporting',
  short: 'Check that GitHub private vulnerability reporting is enabled.',
  motivation: 'Private reporting gives reporters a confidential channel without e-mail.',
  implementation: 'Asks the GitHub API whether private vulnerability reporting is enabled (not available for a local checkout).',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Enable private vulnerability reporting in the repository settings (Security > Private vulnerability reporting).' },
  run(raw) {
    if (raw.privateReporting === undefined) return [{ probe: this.id, outcome: 'not-applicable', message: 'private vulnerability reporting status is not available for this repository source' }];
    return [{ probe: this.id, outcome: raw.privateReporting ? 'true' : 'false', message: raw.privateReporting ? 'private vulnerability reporting is enabled' : 'private vulnerability reporting is disabled' }];
  },
});
