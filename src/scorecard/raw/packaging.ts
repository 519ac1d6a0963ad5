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

const NODE = [
  { steps: [{ uses: 'actions/setup-node', with: { 'registry-url': 'https://registry.npmjs.org' } }, { run: /npm.*publish/ }], log: 'candidate node publishing workflow using npm' },
  { steps: [{ uses: 'actions/setup-node', with: { 'registry-url': 'https://npm.pkg.github.com' } }, { run: /npm.*publish/ }], log: 'candidate node publishing workflow using GitHub Packages' },
];
const MATCHERS: JobMatcher[] = [
  ...NODE,
  { steps: [{ uses: 'actions/setup-java' }, { run: /mvn.*deploy/ }], log: 'candidate java publishing workflow using maven' },
  { steps: [{ uses: 'actions/setup-java' }, { run: /gradle.*publish/ }], log: 'candidate java publishing workflow using gradle' },
  { steps: [{ run: /gem.*push/ }], log: 'candidate ruby publishing workflow using gem' },
  { steps: [{ run: /nuget.*push/ }], log: 'candidate nuget publishing workflow' },
  { steps: [{ run: /docker.*push/ }], log: 'candidate docker publishing workflow' },
  { steps: [{ uses: 'docker/build-push-action', with: { push: 'true' } }], log: 'candidate docker publishing workflow' },
  { steps: [{ uses: 'actions/setup-python' }, { uses: 'pypa/gh-action-pypi-publish' }], log: 'candidate python publishing workflow using pypi' },
  { steps: [{ uses: 'relekang/python-semantic-release' }], log: 'candidate python publishing workflow using python-semantic-release' },
  { steps: [{ uses: 'actions/setup-go' }, { uses: 'goreleaser/goreleaser-action' }], log: 'candidate golang publishing workflow' },
  { steps: [{ run: /cargo.*publish/ }], log: 'candidate rust publishing workflow using cargo' },
  { steps: [{ uses: 'ko-build/setup-ko' }, { run: /ko publish/ }], log: 'candidate golang publishing workflow using ko' },
];

function stepMatches(job: Job, m: MatcherStep): boolean {
  return job.steps.some((s) => {
    if (m.uses) {
      const u = s.uses?.value.split('@')[0];
      if (u !== m.uses) return false;
      for (const [k, v] of Object.entries(m.with ?? {})) {
        const got = s.with.get(k)?.value;
        if (got === undefined || !got.startsWith(v)) return false;
      }
    }
    if (m.run && !(s.run && m.run.test(s.run.value))) return false;
    return Boolean(m.uses || m.run);
  });
}

/** fileparser.IsPackagingWorkflow: the first job matching a publishing pattern. */
export function packagingJob(wf: Workflow): { job: Job; log: string } | undefined {
  for (const job of wf.jobs) {
    if (job.uses && /slsa-framework\/slsa-github-generator\/\.github\/workflows\/(builder_go_slsa3|generator_generic_slsa3)\.yml/.test(job.uses.value)) {
      return { job, log: 'candidate SLSA publishing workflow using slsa-github-generator' };
    }
    for (const m of MATCHERS) if (m.steps.every((s) => stepMatches(job, s))) return { job, log: m.log };
  }
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
