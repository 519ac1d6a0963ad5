import { defineProbe, type ProbeFinding } from '../types.ts';
import type { TokenPermissionsRaw } from '../raw/token-permissions.ts';
import { permissionText } from './permissions-common.ts';

/** probes/hasNoGitHubWorkflowPermissionUnknown: writes scorecard does not score (logged only). */
export const hasNoGitHubWorkflowPermissionUnknown = defineProbe<TokenPermissionsRaw>({
  id: 'hasNoGitHubWorkflowPermissionUnknown',
  short: 'Checks that workflows have no permissions of unknown risk.',
  motivation: 'Some write scopes (pull-requests, issues, id-token) are not scored but still deserve a look.',
  implementation: 'Lists the write permissions outside the scored scopes.',
  remediation: { onOutcome: 'false', effort: 'low', text: 'Check that each listed write scope is needed by its job.' },
  run(raw) {
    if (raw.numWorkflows === 0) return [{ probe: this.id, outcome: 'not-applicable', message: 'No token permissions found' }];
    const out: ProbeFinding[] = raw.permissions
      .filter((t) => t.level === 'unknown')
      .map((t) => ({ probe: this.id, outcome: 'false' as const, message: permissionText(t), location: t.location }));
    if (out.length === 0) out.push({ probe: this.id, outcome: 'true', message: 'no workflows with unknown permissions' });
    return out;
  },
});
