import { defineProbe } from '../types.ts';
import type { SecurityPolicyRaw } from '../raw/security-policy.ts';

export const unique = (xs: readonly { match: string }[]) => new Set(xs.map((x) => x.match));

/** probes/securityPolicyContainsLinks. */
export const securityPolicyContainsLinks = defineProbe<SecurityPolicyRaw>({
  id: 'securityPolicyContainsLinks',
  short: 'Check that the security policy contains web or email links.',
  motivation: 'A policy without a contact point cannot be followed.',
  implementation: 'Counts distinct URLs and e-mail addresses in the policy.',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Give an e-mail address or a URL (for example GitHub private vulnerability reporting) for reports.' },
  run(raw) {
    const f = raw.files[0];
    if (!f) return [{ probe: this.id, outcome: 'false', message: 'no security file to analyze' }];
    const n = unique(f.info.filter((i) => i.type === 'email')).size + unique(f.info.filter((i) => i.type === 'link')).size;
    if (n > 0) return [{ probe: this.id, outcome: 'true', message: 'Found linked content in security policy', location: f.location }];
    return [{ probe: this.id, outcome: 'false', message: 'no email or URL found in security policy', location: f.location }];
  },
});
