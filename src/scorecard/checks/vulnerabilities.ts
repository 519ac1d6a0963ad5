import { collectVulnerabilities } from '../raw/vulnerabilities.ts';
import { hasOSVVulnerabilities } from '../probes/hasOSVVulnerabilities.ts';
import { assertProbes, defineCheck, INCONCLUSIVE, MAX, MIN, type Detail } from '../types.ts';

/** checks/evaluation/vulnerabilities.go: one point off per vulnerability, floor 0. */
export const vulnerabilities = defineCheck({
  name: 'Vulnerabilities',
  risk: 'High',
  short: 'Determines if the project has open, known unfixed vulnerabilities.',
  probes: [hasOSVVulnerabilities],
  collect: (source, ctx) => collectVulnerabilities(source, ctx),
  evaluate(findings) {
    assertProbes(findings, [hasOSVVulnerabilities.id]);
    const na = findings.find((f) => f.outcome === 'not-available');
    if (na) return { score: INCONCLUSIVE, reason: na.message, details: [{ level: 'info', text: na.message, probe: na.probe }] };
    const hits = findings.filter((f) => f.outcome === 'true');
    const details: Detail[] = hits.map((f) => ({ level: 'warn', text: f.message, probe: f.probe, ...(f.location && { location: f.location }), remediation: hasOSVVulnerabilities.remediation.text }));
    const score = Math.max(MAX - hits.length, MIN);
    if (hits.length === 0) return { score: MAX, reason: '0 existing vulnerabilities detected', details };
    return { score, reason: `${hits.length} existing vulnerabilities detected`, details };
  },
});
