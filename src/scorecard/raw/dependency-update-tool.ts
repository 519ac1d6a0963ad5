/**
 * Raw data of Dependency-Update-Tool (checks/raw/dependency_update_tool.go): the configuration
 * files of Dependabot, Renovate and PyUp. (Scorecard also accepts commits made by
 * dependabot[bot], which needs the GitHub API.)
 */
import type { RepoSource, Where } from '../types.ts';

export interface DependencyUpdateToolRaw {
  tools: { name: string; url: string; location: Where }[];
}

const TOOLS: { name: string; url: string; files: string[] }[] = [
  { name: 'Dependabot', url: 'https://github.com/dependabot', files: ['.github/dependabot.yml', '.github/dependabot.yaml'] },
  {
    name: 'RenovateBot',
    url: 'https://github.com/renovatebot/renovate',
    files: ['.github/renovate.json', '.github/renovate.json5', '.renovaterc.json', 'renovate.json', 'renovate.json5', '.renovaterc'],
  },
  { name: 'PyUp', url: 'https://pyup.io/', files: ['.pyup.yml'] },
];

export async function collectDependencyUpdateTool(source: RepoSource): Promise<DependencyUpdateToolRaw> {
  const tools: DependencyUpdateToolRaw['tools'] = [];
  for (const f of await source.listFiles()) {
    const lower = f.toLowerCase();
    for (const t of TOOLS) if (t.files.includes(lower)) tools.push({ name: t.name, url: t.url, location: { file: f, line: 1 } });
  }
  return { tools };
}
