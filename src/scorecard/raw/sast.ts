/**
 * Raw data of SAST (checks/raw/sast.go): workflows that run a SAST tool (CodeQL's analyze
 * action, Snyk, Pysa, Qodana, Hadolint) and a Sonar configuration in pom.xml. The other
 * half of the check, "SAST runs on every merged pull request", reads check runs of the last
 * merged PRs through the GitHub API; offline it is not applicable, exactly as scorecard treats a
 * repository without merged PRs.
 */
import type { RepoSource, Where } from '../types.ts';
import { readWorkflows } from './workflow.ts';

export type SastTool = 'CodeQL' | 'Snyk' | 'Pysa' | 'Qodana' | 'Hadolint' | 'Sonar';

export interface SastRaw {
  workflows: { tool: SastTool; location: Where }[];
  /** Merged PRs and whether a SAST tool checked them; undefined = not available (offline). */
  commits?: { merged: number; analyzed: number };
}

// raw/sast.go getSastUsesWorkflows: the action name (before `@`) against these patterns.
const ACTIONS: [RegExp, SastTool][] = [
  [/^github\/codeql-action\/analyze$/, 'CodeQL'],
  [/^snyk\/actions\/.*/, 'Snyk'],
  [/^facebook\/pysa-action$/, 'Pysa'],
  [/^JetBrains\/qodana-action$/, 'Qodana'],
  [/^hadolint\/hadolint-action$/, 'Hadolint'],
];

export async function collectSast(source: RepoSource): Promise<SastRaw> {
  const set = await readWorkflows(source);
  const workflows: SastRaw['workflows'] = [];
  for (const wf of set.workflows) {
    const seen = new Set<SastTool>();
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        const u = step.uses?.value;
        if (!u) continue;
        const name = u.replace(/^actions:\/\//, '').split('@')[0]!;
        for (const [re, tool] of ACTIONS) {
          if (re.test(name) && !seen.has(tool)) {
            seen.add(tool);
            workflows.push({ tool, location: { file: wf.path, line: step.uses!.line, snippet: u } });
          }
        }
      }
    }
  }
  for (const f of await source.listFiles()) {
    if (f !== 'pom.xml' && !f.endsWith('/pom.xml')) continue;
    const text = (await source.readFile(f))?.toString('utf8') ?? '';
    const i = /<sonar\.host\.url>\s*(\S+)\s*<\/sonar\.host\.url>/.test(text) ? text.indexOf('<sonar.host.url>') : -1;
    if (i !== -1) workflows.push({ tool: 'Sonar', location: { file: f, line: text.slice(0, i).split('\n').length } });
  }
  return { workflows };
}
