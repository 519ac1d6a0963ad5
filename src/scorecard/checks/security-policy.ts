import { collectSecurityPolicy } from '../raw/security-policy.ts';
import { securityPolicyContainsLinks } from '../probes/securityPolicyContainsLinks.ts';
import { securityPolicyContainsText } from '../probes/securityPolicyContainsText.ts';
import { securityPolicyContainsVulnerabilityDisclosure } from '../probes/securityPolicyContainsVulnerabilityDisclosure.ts';
import { securityPolicyEnablesPrivateReporting } from '../probes/securityPolicyEnablesPrivateReporting.ts';
import { securityPolicyPresent } from '../probes/securityPolicyPresent.ts';
import { assertProbes, defineCheck, MIN, type Detail } from '../types.ts';

const PROBES = [securityPolicyPresent, securityPolicyContainsLinks, securityPolicyContainsVulnerabilityDisclosure, securityPolicyContainsText, securityPolicyEnablesPrivateReporting];

/**
 * checks/evaluation/security_policy.go: links 6, text 3, disclosure 1 (links 5 and text 2 when
 * private vulnerability reporting is known, which then adds 2); nothing without a policy file.
 */
export const securityPolicy = defineCheck({
  name: 'Security-Policy',
  risk: 'Medium',
  short: 'Determines if the project has published a security policy.',
  probes: PROBES,
  collect: (source) => collectSecurityPolicy(source),
  evaluate(findings) {
    assertProbes(findings, PROBES.map((p) => p.id));
    const pvr = findings.find((f) => f.probe === securityPolicyEnablesPrivateReporting.id)?.outcome ?? 'not-applicable';
    const scored = new Set<string>();
    const once = (id: string, n: number) => (scored.has(id) ? 0 : (scored.add(id), n));
    let score = 0;
    let present = false;
    const details: Detail[] = [];
    for (const f of findings) {
      const loc = f.location ? { location: f.location } : {};
      if (f.outcome === 'true') {
        if (f.probe === securityPolicyContainsVulnerabilityDisclosure.id) score += once(f.probe, 1);
        else if (f.probe === securityPolicyContainsLinks.id) score += once(f.probe, pvr === 'not-applicable' ? 6 : 5);
        else if (f.probe === securityPolicyContainsText.id) score += once(f.probe, pvr === 'not-applicable' ? 3 : 2);
        else if (f.probe === securityPolicyPresent.id) present = true;
        else if (f.probe === securityPolicyEnablesPrivateReporting.id) score += once(f.probe, 2);
        details.push({ level: 'info', text: f.message, probe: f.probe, ...loc });
      } else if (f.outcome === 'false') {
        const p = PROBES.find((x) => x.id === f.probe)!;
        details.push({ level: 'warn', text: f.message, probe: f.probe, ...loc, remediation: p.remediation.text });
      } else details.push({ level: f.outcome === 'not-applicable' ? 'info' : 'debug', text: f.message, probe: f.probe });
    }
    if (!present) {
      // As in scorecard: private reporting enabled without any policy file is a "score calculation
      // problem" (a runtime error, -1), not a score.
      if (score > 0) throw new Error('internal error: score calculation problem');
      return { score: MIN, reason: 'security policy file not detected', details };
    }
    return { score, reason: 'security policy file detected', details };
  },
});
