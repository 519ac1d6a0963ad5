/**
 * Raw data of Pinned-Dependencies (checks/raw/pinned_dependencies.go), in scorecard's order:
 * 1. GitHub Actions in workflows (`uses:`; local `./` actions skipped), pinned when the ref is a
 *    full commit hash (or a docker:// image by sha256 digest);
 * 2. Dockerfile `FROM` images (files named *Dockerfile*, not templates), pinned by
 *    `@sha256:<64 hex>` or when they name an earlier pinned stage; `scratch` is not a dependency;
 * 3. Dockerfile `RUN` commands, 4. shell scripts (by shebang or extension), and 5. workflow
 *    `run:` steps in a supported shell: package-manager installs and download-then-run.
 */
import type { RepoSource, Where } from '../types.ts';
import { containsCommands, isTemplateFile, pathMatches } from './fileparser.ts';
import { isShellScriptFile, isSupportedShell, scanShell } from './shell.ts';
import { readWorkflows, shellForStep } from './workflow.ts';

/** scorecard's checker.DependencyUseType names. */
export type DependencyType = 'GitHubAction' | 'containerImage' | 'downloadThenRun' | 'goCommand' | 'chocoCommand' | 'npmCommand' | 'pipCommand' | 'nugetCommand';

export interface Dependency {
  type: DependencyType;
  pinned: boolean;
  location: Where;
  name?: string;
  pinnedAt?: string;
}

export interface PinnedDependenciesRaw {
  dependencies: Dependency[];
  errors: { file: string; line?: number; message: string }[];
}

/** raw.isActionDependencyPinned. */
export function isActionPinned(uses: string): boolean {
  if (/^\..+[^/]/.test(uses)) return true;
  if (/.*@[a-fA-F\d]{40,}/.test(uses)) return true;
  if (/docker:\/\/.*@sha256:[a-fA-F\d]{64}/.test(uses)) return true;
  return false;
}

const SHELL_TYPES = { npmCommand: 'npmCommand', pipCommand: 'pipCommand', goCommand: 'goCommand', chocoCommand: 'chocoCommand', downloadThenRun: 'downloadThenRun' } as const;

/** raw.isDockerfile: anything named *Dockerfile* except source files and shell scripts. */
function isDockerfile(path: string, content: string): boolean {
  if (/\.(go|c|cpp|rs|js|py|pyc|java)$/.test(path)) return false;
  return !isShellScriptFile(path, content, ['sh', 'bash', 'dash', 'ksh', 'mksh', 'zsh']);
}

export interface DockerInstruction {
  cmd: string;
  args: string[];
  line: number;
  endLine: number;
  original: string;
}

/** A small Dockerfile reader: continuation lines, comments, flags (`--platform=...`) removed from args. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    const dir = /^#\s*escape\s*=\s*(\S)/i.exec(first);
    if (dir && out.length === 0) escape = dir[1]!;
    const t = first.trim();
    if (!t || t.startsWith('#')) continue;
    const start = i;
    let body = t;
    while (body.endsWith(escape) && i + 1 < lines.length) {
      body = body.slice(0, -1);
      i++;
      const next = lines[i]!.trim();
      if (next.startsWith('#')) continue;
      body += ` ${next}`;
    }
    const m = /^(\S+)\s*(.*)$/s.exec(body)!;
    const cmd = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    let args: string[];
    if (cmd === 'RUN') {
      let r = rest;
      while (/^--[a-z-]+=\S+\s*/.test(r)) r = r.replace(/^--[a-z-]+=\S+\s*/, '');
      args = [r];
      if (r.startsWith('[')) {
        try {
          args = (JSON.parse(r) as unknown[]).map(String);
        } catch {
          // shell form after all
        }
      }
    } else args = rest.split(/\s+/).filter((a) => a && !(cmd === 'FROM' && a.startsWith('--')));
    out.push({ cmd, args, line: start + 1, endLine: i + 1, original: body });
  }
  return out;
}

export async function collectPinnedDependencies(source: RepoSource): Promise<PinnedDependenciesRaw> {
  const deps: Dependency[] = [];
  const set = await readWorkflows(source);
  const errors = [...set.errors];
  // 1. GitHub Actions.
  for (const wf of set.workflows) {
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        const u = step.uses;
        if (!u || u.value.startsWith('./')) continue;
        const [name, at] = u.value.split('@', 2) as [string, string | undefined];
        deps.push({ type: 'GitHubAction', pinned: isActionPinned(u.value), location: { file: wf.path, line: u.line, snippet: u.value }, name, ...(at !== undefined && { pinnedAt: at }) });
      }
    }
  }
  const files = await source.listFiles();
  const dockerfiles: { path: string; text: string }[] = [];
  for (const f of files) {
    if (!pathMatches('*Dockerfile*', f, false)) continue;
    const text = (await source.readFile(f))?.toString('utf8');
    if (text === undefined || !isDockerfile(f, text) || !containsCommands(text, '#')) continue;
    dockerfiles.push({ path: f, text });
  }
  // 2. Dockerfile images.
  const digest = /.*@sha256:([a-f\d]{64}|\$\{.*\})/;
  for (const { path, text } of dockerfiles) {
    if (isTemplateFile(path)) continue;
    const pinnedAs = new Set<string>();
    for (const ins of parseDockerfile(text)) {
      if (ins.cmd !== 'FROM') continue;
      const v = ins.args;
      const loc = { file: path, line: ins.line, endLine: ins.endLine, snippet: ins.original };
      if (v.length > 0 && v[0]!.toLowerCase() === 'scratch') continue;
      if (v.length === 3 && v[1]!.toLowerCase() === 'as') {
        const pinned = pinnedAs.has(v[0]!) || digest.test(v[0]!);
        if (pinned) pinnedAs.add(v[2]!);
        deps.push({ type: 'containerImage', pinned: pinnedAs.has(v[2]!), location: loc, name: v[0]!, pinnedAt: v[2]! });
      } else if (v.length === 1) {
        const [name, tag] = v[0]!.split(':', 2) as [string, string | undefined];
        deps.push({ type: 'containerImage', pinned: pinnedAs.has(v[0]!) || digest.test(v[0]!), location: loc, name, ...(tag !== undefined && { pinnedAt: tag }) });
      } else {
        errors.push({ file: path, line: ins.line, message: `invalid Dockerfile FROM: ${ins.original}` });
      }
    }
  }
  const fromShell = (d: ReturnType<typeof scanShell>[number]): Dependency => ({ type: SHELL_TYPES[d.type], pinned: d.pinned, location: d.location });
  // 3. Dockerfile RUN commands.
  for (const { path, text } of dockerfiles) {
    const tainted = new Set<string>();
    for (const ins of parseDockerfile(text)) {
      if (ins.cmd !== 'RUN') continue;
      deps.push(...scanShell(ins.args.join(' '), { file: path, firstLine: ins.line }, tainted).map(fromShell));
    }
  }
  // 4. Shell scripts.
  for (const f of files) {
    const b = await source.readFile(f);
    if (!b || b.length > 1024 * 1024) continue;
    const text = b.toString('utf8');
    if (!isShellScriptFile(f, text)) continue;
    deps.push(...scanShell(text, { file: f, firstLine: 1 }).map(fromShell));
  }
  // 5. Workflow run steps.
  for (const wf of set.workflows) {
    for (const job of wf.jobs) {
      const tainted = new Set<string>();
      for (const step of job.steps) {
        if (!step.run) continue;
        const shell = shellForStep(step, job, wf);
        if (shell === undefined) {
          errors.push({ file: wf.path, line: step.line, message: `unable to determine OS for job: ${job.name ?? job.id}` });
          continue;
        }
        if (!isSupportedShell(shell)) continue;
        const script = step.run.value.replace(/\{\{[^{}]*\}\}/g, 'GITHUB_REDACTED_VAR');
        deps.push(...scanShell(script, { file: wf.path, firstLine: step.run.contentLine }, tainted).map(fromShell));
      }
    }
  }
  return { dependencies: deps, errors };
}
