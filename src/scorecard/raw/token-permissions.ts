/**
 * Raw data of Token-Permissions (checks/raw/permissions.go): for every workflow, the top-level
 * permissions, then each job's. An entry is `undeclared` (no `permissions:` key), `none`
 * (`permissions: {}`), `read`, `write` (write-all, or a write to one of the scopes that matter:
 * statuses, checks, security-events, deployments, contents, packages, actions) or `unknown`
 * (any other write, e.g. `pull-requests: write`, which scorecard logs but does not score).
 * At job level, `security-events: write` is excused in a SARIF-uploading workflow (CodeQL,
 * upload-sarif, scorecard-action), `packages: write` in a packaging workflow and
 * `contents: write` in a release or GitHub Pages workflow.
 */
import type { RepoSource, Where } from '../types.ts';
import { packagingJob } from './packaging.ts';
import { readWorkflows, type Permissions, type Workflow } from './workflow.ts';

export type PermissionLevel = 'undeclared' | 'none' | 'read' | 'write' | 'unknown';
export type PermissionLocation = 'topLevel' | 'jobLevel';

export interface TokenPermission {
  location: Where;
  locationType: PermissionLocation;
  level: PermissionLevel;
  name?: string;
  value?: string;
  job?: string;
}

export interface TokenPermissionsRaw {
  numWorkflows: number;
  permissions: TokenPermission[];
  errors: { file: string; line?: number; message: string }[];
}

const OF_INTEREST = ['statuses', 'checks', 'security-events', 'deployments', 'contents', 'packages', 'actions'];

function typeOf(val: string): PermissionLevel {
  if (val === 'read' || val === 'read-all') return 'read';
  if (val === 'none') return 'none';
  return 'unknown';
}

function validate(p: Permissions | undefined, loc: PermissionLocation, file: string, ignored: Set<string>, out: TokenPermission[], job?: string): void {
  const j = job !== undefined ? { job } : {};
  if (!p || (!p.all && p.scopes.size === 0)) {
    out.push({ location: { file, line: p?.line ?? 1 }, locationType: loc, level: 'none', value: 'none', ...j });
    return;
  }
  if (p.all) {
    const v = p.all.value;
    if (v.toLowerCase() !== 'read-all') out.push({ location: { file, line: p.all.line, snippet: v }, locationType: loc, level: 'write', value: v, ...j });
    else out.push({ location: { file, line: p.all.line, snippet: v }, locationType: loc, level: typeOf(v), value: v, ...j });
    return;
  }
  for (const [name, v] of p.scopes) {
    const location = { file, line: v.line, snippet: `${name}: ${v.value}` };
    if (v.value.toLowerCase() === 'write') {
      const interesting = OF_INTEREST.some((x) => x.toLowerCase() === name.toLowerCase()) && !ignored.has(name.toLowerCase());
      out.push({ location, locationType: loc, level: interesting ? 'write' : 'unknown', name, value: v.value, ...j });
    } else out.push({ location, locationType: loc, level: typeOf(v.value), name, value: v.value, ...j });
  }
}

const SARIF_ACTIONS = ['github/codeql-action/analyze', 'github/codeql-action/upload-sarif', 'ossf/scorecard-action'];
const RELEASE_ACTIONS = ['relekang/python-semantic-release', 'goreleaser/goreleaser-action', 'softprops/action-gh-release', 'ncipollo/release-action', 'peaceiris/actions-gh-pages'];

function ignoredFor(wf: Workflow): Set<string> {
  const ignored = new Set<string>();
  const uses = wf.jobs.flatMap((j) => [...j.steps.map((s) => s.uses?.value.split('@')[0] ?? ''), j.uses?.value.split('@')[0] ?? '']);
  if (packagingJob(wf)) ignored.add('packages');
  if (uses.some((u) => RELEASE_ACTIONS.includes(u) || /slsa-framework\/slsa-github-generator\/\.github\/workflows\/(builder_go_slsa3|generator_generic_slsa3)\.yml/.test(u))) ignored.add('contents');
  if (uses.some((u) => SARIF_ACTIONS.includes(u))) ignored.add('security-events');
  return ignored;
}

export async function collectTokenPermissions(source: RepoSource): Promise<TokenPermissionsRaw> {
  const set = await readWorkflows(source);
  const out: TokenPermission[] = [];
  for (const wf of set.workflows) {
    if (!wf.permissions) out.push({ location: { file: wf.path, line: 1 }, locationType: 'topLevel', level: 'undeclared' });
    else validate(wf.permissions, 'topLevel', wf.path, new Set(), out);
    const ignored = ignoredFor(wf);
    for (const job of wf.jobs) {
      if (!job.permissions) out.push({ location: { file: wf.path, line: job.line }, locationType: 'jobLevel', level: 'undeclared', job: job.id });
      else validate(job.permissions, 'jobLevel', wf.path, ignored, out, job.id);
    }
  }
  return { numWorkflows: set.workflows.length, permissions: out, errors: set.errors };
}
