import { collectTokenPermissions } from '../raw/token-permissions.ts';
import { hasNoGitHubWorkflowPermissionUnknown } from '../probes/hasNoGitHubWorkflowPermissionUnknown.ts';
import { jobLevelPermissions } from '../probes/jobLevelPermissions.ts';
import { topLevelPermissions } from '../probes/topLevelPermissions.ts';
import { assertProbes, defineCheck, INCONCLUSIVE, MAX, MIN, type Detail } from '../types.ts';

const REDUCE: Record<string, number> = { checks: 0.5, statuses: 0.5, contents: MAX, packages: MAX, actions: MAX, deployments: 1, 'security-events': 1 };

/**
 * checks/evaluation/permissions.go. Findings arrive in probe order (unknown, job level, top
 * level: probes/entries.go), and the policy depends on it: when a top-level finding is
 * evaluated, the job-level facts of the same workflow are known. Per workflow:
 *   no top-level permissions:  0 if a job also declares none, else -0.5
 *   top-level write-all:       0 if a job writes or declares none, else -0.5
 *   top-level scope writes:    contents/packages/actions -10, deployments/security-events -1, checks/statuses -0.5
 * then floored at 0 and truncated to an integer (Go's int(float32)).
 */
export const tokenPermissions = defineCheck({
  name: 'Token-Permissions',
  risk: 'High',
  short: 'Determines if the project\'s workflows follow the principle of least privilege.',
  probes: [hasNoGitHubWorkflowPermissionUnknown, jobLevelPermissions, topLevelPermissions],
  collect: (source) => collectTokenPermissions(source),
  evaluate(input) {
    assertProbes(input, [hasNoGitHubWorkflowPermissionUnknown.id, jobLevelPermissions.id, topLevelPermissions.id]);
    const order = [hasNoGitHubWorkflowPermissionUnknown.id, jobLevelPermissions.id, topLevelPermissions.id];
    const findings = [...input].sort((a, b) => order.indexOf(a.probe) - order.indexOf(b.probe));
    const details: Detail[] = [];
    let score = MAX;
    const jobWrite = new Set<string>();
    const jobUndeclared = new Set<string>();
    const topWrite = new Set<string>();
    const topUndeclared = new Set<string>();
    const warn = (f: (typeof findings)[number], remediation?: string) =>
      details.push({ level: 'warn', text: f.message, probe: f.probe, ...(f.location && { location: f.location }), ...(remediation && { remediation }) });
    for (const f of findings) {
      const level = f.probe === hasNoGitHubWorkflowPermissionUnknown.id ? '' : f.values?.permissionLevel ?? '';
      if (level === 'none') {
        details.push({ level: 'info', text: f.message, probe: f.probe, ...(f.location && { location: f.location }) });
        continue;
      }
      if (level === 'read') details.push({ level: 'info', text: f.message, probe: f.probe, ...(f.location && { location: f.location }) });
      if (level === 'undeclared' && f.outcome === 'not-available') return { score: INCONCLUSIVE, reason: 'Token permissions are not available', details };
      if (f.outcome === 'not-applicable') return { score: INCONCLUSIVE, reason: 'No tokens found', details };
      if (f.outcome !== 'false' || !f.location) continue;
      const path = f.location.file;
      if (level === 'undeclared') {
        if (f.probe === jobLevelPermissions.id) {
          details.push({ level: 'debug', text: f.message, probe: f.probe, location: f.location });
          jobUndeclared.add(path);
          if (topWrite.has(path) || topUndeclared.has(path)) score = MIN;
        } else if (f.probe === topLevelPermissions.id) {
          warn(f, topLevelPermissions.remediation.text);
          topUndeclared.add(path);
          if (jobUndeclared.has(path)) score = MIN;
          else score -= 0.5;
        }
        continue;
      }
      if (f.probe === hasNoGitHubWorkflowPermissionUnknown.id) {
        details.push({ level: 'debug', text: f.message, probe: f.probe, location: f.location });
      } else if (f.probe === topLevelPermissions.id) {
        if (level !== 'write') continue;
        topWrite.add(path);
        const token = f.values?.tokenName ?? '';
        if (token !== 'all' && token !== 'write-all') {
          const r = REDUCE[token] ?? 0;
          if (r > 0) warn(f, topLevelPermissions.remediation.text);
          score -= r;
          continue;
        }
        warn(f, topLevelPermissions.remediation.text);
        if (jobWrite.has(path) || jobUndeclared.has(path)) return { score: MIN, reason: 'detected GitHub workflow tokens with excessive permissions', details };
        score -= 0.5;
      } else if (f.probe === jobLevelPermissions.id) {
        if (level !== 'write') continue;
        warn(f, jobLevelPermissions.remediation.text);
        jobWrite.add(path);
        if (topWrite.has(path)) {
          score = MIN;
          continue;
        }
        if (topUndeclared.has(path)) score -= 0.5;
      }
    }
    score = Math.trunc(Math.max(score, MIN));
    if (jobWrite.size === 0) details.push({ level: 'info', text: 'no jobLevel write permissions found' });
    if (score !== MAX) return { score, reason: 'detected GitHub workflow tokens with excessive permissions', details };
    return { score: MAX, reason: 'GitHub workflow tokens follow principle of least privilege', details };
  },
});
