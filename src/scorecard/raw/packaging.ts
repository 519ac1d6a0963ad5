/**
 * Raw data of Packaging (checks/raw/github/packaging.go with fileparser.IsPackagingWorkflow):
 * a workflow with a job that publishes a package (npm publish after setup-node with the npm
 * registry, docker push, twine/pypi-publish, goreleaser, gem push, mvn deploy, gradle publish,
 * nuget push, cargo publish, ...). Scorecard then wants a successful run of it; for a local
 * checkout it assumes the workflow ran (ErrUnsupportedFeature), and so do we.
 */
import type { RepoSource, Where } from '../types.ts';
import { readWorkflows, type Job, type Workflow } from './workflow.ts';

interface MatcherStep {
  uses?: string;
  with?: Record<string, string>;
  run?: RegExp;
}
interface JobMatcher {
  steps: MatcherStep[];
  log: string;
}

// fileparser.IsPackagingWorkflow's matchers, in its order.
const MATCHERS: JobMatcher[] = [
  { steps: [{ uses: 'actions/setup-node', with: { 'registry-url': 'https://registry.npmjs.org' } }, { run: /npm.*publish/ }], log: 'candidate node publishing workflow using npm' },
  { steps: [{ uses: 'actions/setup-java' }, { run: /mvn.*deploy/ }], log: 'candidate java publishing workflow using maven' },
  { steps: [{ uses: 'actions/setup-java' }, { run: /gradle.*publish/ }], log: 'candidate java publishing workflow using gradle' },
  { steps: [{ run: /gem.*push/ }], log: 'candidate ruby publishing workflow using gem' },
  { steps: [{ run: /nuget.*push/ }], log: 'candidate nuget publishing workflow' },
  { steps: [{ run: /docker.*push/ }], log: 'candidate docker publishing workflow' },
  { steps: [{ uses: 'docker/build-push-action' }], log: 'candidate docker publishing workflow' },
  { steps: [{ uses: 'pypa/gh-action-pypi-publish' }], log: 'candidate python publishing workflow using pypi' },
  { steps: [{ uses: 'relekang/python-semantic-release' }], log: 'candidate python publishing workflow using python-semantic-release' },
  { steps: [{ uses: 'actions/setup-go' }, { uses: 'goreleaser/goreleaser-action' }], log: 'candidate golang publishing workflow' },
  { steps: [{ run: /cargo.*publish/ }], log: 'candidate rust publishing workflow using cargo' },
  { steps: [{ uses: 'imjasonh/setup-ko' }, { uses: 'ko-build/setup-ko' }], log: 'candidate container publishing workflow using ko' },
];

/** fileparser.stepsMatch: `uses` by name (`<name>@`), `with` values exactly, `run` by regex once line continuations are joined. */
function stepMatches(step: Job['steps'][number], m: MatcherStep): boolean {
  if (m.uses && !step.uses?.value.startsWith(`${m.uses}@`)) return false;
  if (m.with) {
    if (!step.uses) return false;
    for (const [k, v] of Object.entries(m.with)) if (step.with.get(k)?.value !== v) return false;
  }
  if (m.run && !(step.run && m.run.test(step.run.value.replace(/\\(\n|\r|\r\n)/g, '')))) return false;
  return true;
}

/** fileparser.JobMatcher.matches: a reusable-workflow call naming a matcher's action matches at once. */
function jobMatches(job: Job, m: JobMatcher): boolean {
  for (const want of m.steps) {
    if (job.uses && job.uses.value.startsWith(`${want.uses ?? ''}@`)) return true;
    if (!job.steps.some((s) => stepMatches(s, want))) return false;
  }
  return true;
}

/** fileparser.IsPackagingWorkflow: the first job (in file order) matching a publishing pattern. */
export function packagingJob(wf: Workflow): { job: Job; log: string } | undefined {
  for (const job of wf.jobs) for (const m of MATCHERS) if (jobMatches(job, m)) return { job, log: m.log };
  return undefined;
}

export interface PackagingRaw {
  packages: { location: Where; log: string; ran: boolean }[];
  candidates: number;
}

export async function collectPackaging(source: RepoSource): Promise<PackagingRaw> {
  const set = await readWorkflows(source);
  const packages: PackagingRaw['packages'] = [];
  for (const wf of set.workflows) {
    const hit = packagingJob(wf);
    if (!hit) continue;
    // Local checkout: no run history, assumed to have run (as scorecard's localdir client).
    packages.push({ location: { file: wf.path, line: hit.job.line }, log: hit.log, ran: true });
    break;
  }
  return { packages, candidates: set.workflows.length };
}
