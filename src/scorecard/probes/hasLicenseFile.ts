import { defineProbe } from '../types.ts';
import type { LicenseRaw } from '../raw/license.ts';

/** probes/hasLicenseFile. */
export const hasLicenseFile = defineProbe<LicenseRaw>({
  id: 'hasLicenseFile',
  short: 'Check that the project has a license file.',
  motivation: 'Without a license nobody may legally use, change or audit the code.',
  implementation: 'Looks for LICENSE, LICENCE, COPYING or COPYRIGHT at the top level, or a file in LICENSES/.',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Add a LICENSE file at the top of the repository (https://choosealicense.com).' },
  run(raw) {
    const f = raw.files[0];
    if (!f) return [{ probe: this.id, outcome: 'false', message: 'project does not have a license file' }];
    return [{ probe: this.id, outcome: 'true', message: 'project has a license file', location: f.location }];
  },
});
