import { defineProbe } from '../types.ts';
import type { TokenPermissionsRaw } from '../raw/token-permissions.ts';
import { runLevel } from './permissions-common.ts';

/** probes/topLevelPermissions: one finding per top-level permission entry of each workflow. */
export const topLevelPermissions = defineProbe<TokenPermissionsRaw>({
  id: 'topLevelPermissions',
  short: 'Checks that the top-level workflow token permissions are read-only.',
  motivation: 'Without a top-level `permissions` block every job gets the repository default token, often read-write: a compromised step can push code or publish packages.',
  implementation: 'Reads the top-level `permissions` of each workflow: undeclared, none, read, write-all or per-scope writes.',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Declare `permissions: read-all` (or `contents: read`) at the top of every workflow, and grant writes per job (https://docs.github.com/actions/using-jobs/assigning-permissions-to-jobs).' },
  run(raw) {
    return runLevel(this.id, raw, 'topLevel', 'no top-level permissions found');
  },
});
