import { defineProbe } from '../types.ts';
import type { TokenPermissionsRaw } from '../raw/token-permissions.ts';
import { runLevel } from './permissions-common.ts';

/** probes/jobLevelPermissions: one finding per job-level permission entry of each workflow. */
export const jobLevelPermissions = defineProbe<TokenPermissionsRaw>({
  id: 'jobLevelPermissions',
  short: 'Checks that job-level workflow token permissions are read-only unless a job needs more.',
  motivation: 'Write scopes belong to the jobs that need them; combined with a permissive top level, they leave the whole workflow writable.',
  implementation: 'Reads the `permissions` of each job: undeclared, none, read, write-all or per-scope writes.',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Grant write scopes only in the jobs that need them, under a read-only top level.' },
  run(raw) {
    return runLevel(this.id, raw, 'jobLevel', 'no job-level permissions found');
  },
});
