import { defineProbe } from '../types.ts';
import type { SecurityPolicyRaw } from '../raw/security-policy.ts';
import { unique } from './securityPolicyContainsLinks.ts';

/** probes/securityPolicyContainsText: more bytes than the links themselves (2 per link for spacing). */
export const securityPolicyContainsText = defineProbe<SecurityPolicyRaw>({
  id: 'securityPolicyContainsText',
  short: 'Check that the security policy has text besides links.',
  motivation: 'A bare link does not tell reporters what to send or what to expect.',
  implementation: 'Compares the policy size with the total length of its distinct links and addresses.',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Explain in words how to report, what to include, and the expected response time.' },
  run(raw) {
    const f = raw.files[0];
    if (!f) return [{ probe: this.id, outcome: 'false', message: 'no security file to analyze' }];
    const emails = unique(f.info.filter((i) => i.type === 'email'));
    const urls = unique(f.info.filter((i) => i.type === 'link'));
    let linked = 0;
    for (const e of emails) linked += Buffer.byteLength(e);
    for (const u of urls) linked += Buffer.byteLength(u);
    if (f.size > 1 && f.size > linked + (urls.size + emails.size) * 2) return [{ probe: this.id, outcome: 'true', message: 'Found text in security policy', location: f.location }];
    return [{ probe: this.id, outcome: 'false', message: 'No text (beside links / emails) found in security policy', location: f.location }];
  },
});
