import { collectLicense } from '../raw/license.ts';
import { hasFSFOrOSIApprovedLicense } from '../probes/hasFSFOrOSIApprovedLicense.ts';
import { hasLicenseFile } from '../probes/hasLicenseFile.ts';
import { assertProbes, defineCheck, MIN, type Detail } from '../types.ts';

/** checks/evaluation/license.go: a license file is 9, an FSF/OSI approved one +1. */
export const license = defineCheck({
  name: 'License',
  risk: 'Low',
  short: 'Determines if the project has defined a license.',
  probes: [hasLicenseFile, hasFSFOrOSIApprovedLicense],
  collect: (source) => collectLicense(source),
  evaluate(findings) {
    assertProbes(findings, [hasLicenseFile.id, hasFSFOrOSIApprovedLicense.id]);
    let score = 0;
    let hasFile = false;
    const details: Detail[] = [];
    for (const f of findings) {
      const loc = f.location ? { location: f.location } : {};
      if (f.outcome === 'true') {
        if (f.probe === hasLicenseFile.id) {
          hasFile = true;
          score += 9;
        } else score += 1;
        details.push({ level: 'info', text: f.message, probe: f.probe, ...loc });
      } else if (f.outcome === 'false' && !details.some((d) => d.text === f.message)) {
        const p = f.probe === hasLicenseFile.id ? hasLicenseFile : hasFSFOrOSIApprovedLicense;
        details.push({ level: 'warn', text: f.message, probe: f.probe, ...loc, remediation: p.remediation.text });
      }
    }
    if (!hasFile) return { score: MIN, reason: 'license file not detected', details };
    return { score, reason: 'license file detected', details };
  },
});
