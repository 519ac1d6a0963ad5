import { defineProbe } from '../types.ts';
import type { SecurityPolicyRaw } from '../raw/security-policy.ts';

/** probes/securityPolicyPresent. */
export const securityPolicyPresent = defineProbe<SecurityPolicyRaw>({
  id: 'securityPolicyPresent',
  short: 'Check if a security policy is present.',
  motivation: 'Reporters need to know where to send a vulnerability privately.',
  implementation: 'Looks for SECURITY.md (or .markdown/.adoc/.rst) at the top, in .github/ or in docs/.',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Add a SECURITY.md saying how to report a vulnerability privately and what happens next.' },
  run(raw) {
    const f = raw.files[0];
    if (!f) return [{ probe: this.id, outcome: 'false', message: 'no security policy file found' }];
    return [{ probe: this.id, outcome: 'true', message: 'security policy file detected', location: f.location }];
  },
});
