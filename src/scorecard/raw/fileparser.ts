/**
 * File helpers with scorecard's semantics (checks/fileparser/listing.go, github_workflow.go):
 * a pattern matches the full path or, failing that, the base name (Go path.Match: `*` never
 * crosses `/`); workflow files are `.github/workflows/*.yml|yaml`; a file "contains commands"
 * when some line is neither blank nor a comment.
 */
import type { RepoSource } from '../types.ts';

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const cache = new Map<string, RegExp>();

/** fileparser.isMatchingPath. */
export function pathMatches(pattern: string, path: string, caseSensitive: boolean): boolean {
  const p = caseSensitive ? pattern : pattern.toLowerCase();
  const f = caseSensitive ? path : path.toLowerCase();
  let re = cache.get(p);
  if (!re) cache.set(p, (re = globToRegExp(p)));
  if (re.test(f)) return true;
  const base = f.slice(f.lastIndexOf('/') + 1);
  return re.test(base);
}

export async function matchingFiles(source: RepoSource, pattern: string, caseSensitive: boolean): Promise<string[]> {
  return (await source.listFiles()).filter((f) => pathMatches(pattern, f, caseSensitive));
}

/** fileparser.IsWorkflowFile: `.yml`/`.yaml` (case-sensitive) directly in .github/workflows (case-insensitive). */
export function isWorkflowFile(path: string): boolean {
  if (!path.endsWith('.yml') && !path.endsWith('.yaml')) return false;
  return path.slice(0, path.lastIndexOf('/')).toLowerCase() === '.github/workflows';
}

/** fileparser.CheckFileContainsCommands. */
export function containsCommands(content: string, comment: string): boolean {
  for (const line of content.split('\n')) {
    const t = line.trim();
    if (t && !t.startsWith(comment)) return true;
  }
  return false;
}

/** fileparser.IsTemplateFile. */
export function isTemplateFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.split(/[._-]/).some((p) => ['template', 'tmpl', 'tpl'].includes(p.toLowerCase()));
}

/** fileparser.IsGitHubOwnedAction. */
export function isGitHubOwnedAction(uses: string): boolean {
  return uses.startsWith('actions/') || uses.startsWith('github/');
}

/** Text of a file, or undefined. */
export async function readText(source: RepoSource, path: string): Promise<string | undefined> {
  const b = await source.readFile(path);
  return b?.toString('utf8');
}
