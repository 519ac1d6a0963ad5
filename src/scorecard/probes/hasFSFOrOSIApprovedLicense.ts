import { defineProbe } from '../types.ts';
import { APPROVED, type LicenseRaw } from '../raw/license.ts';

/** probes/hasFSFOrOSIApprovedLicense. */
export const hasFSFOrOSIApprovedLicense = defineProbe<LicenseRaw>({
  id: 'hasFSFOrOSIApprovedLicense',
  short: 'Check that the project has an FSF or OSI approved license.',
  motivation: 'An approved license has known, reviewed terms; a custom one needs a lawyer.',
  implementation: 'Identifies the license of the license file and checks it against the FSF and OSI lists.',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Use an OSI-approved license text unchanged (MIT, Apache-2.0, BSD-3-Clause, ...).' },
  run(raw) {
    const f = raw.files[0];
    if (!f) return [{ probe: this.id, outcome: 'false', message: 'project does not have a license file' }];
    if (f.spdxId && APPROVED.has(f.spdxId)) return [{ probe: this.id, outcome: 'true', message: `FSF or OSI recognized license: ${f.spdxId}`, location: f.location, values: { license: f.spdxId } }];
    return [{ probe: this.id, outcome: 'false', message: f.spdxId ? `license ${f.spdxId} is not FSF or OSI recognized` : 'license not recognized as FSF or OSI approved', location: f.location }];
  },
});
