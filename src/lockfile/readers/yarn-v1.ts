/**
 * yarn.lock, classic (yarn 1, `# yarn lockfile v1`).
 *
 * Each top-level entry is one resolution: a comma-separated list of descriptors
 * (`name@range`, `alias@npm:real@range`) sharing one installed package, then indented
 * fields (`version "1.0.0"`, `resolved ...`, `dependencies:` with `name "range"` lines).
 * A dependency resolves to the entry listing the descriptor `name@range`. The file does not
 * name the project's own dependencies nor its workspaces: they come from package.json (root
 * `workspaces` globs); without package.json, the direct dependencies are inferred (entries
 * nothing depends on). Flags are computed from the graph.
 *
 * The parser is our own (one pass over the lines, positions for free); @yarnpkg/lockfile is
 * the reference the tests and the bench compare it to.
 */
import type { DependencyKind, LockGraph } from '../../core/lockgraph.ts';
import { classifyRange, classifySource, GraphBuilder, nameFromTarballUrl } from '../graph.ts';
import { parseError, splitAt } from '../parse.ts';
import type { LockfileInput, LockfileReader, Manifest } from '../types.ts';

const ID = 'yarn/classic';
const VERSION = 1;

export const yarnClassicLock: LockfileReader = {
  id: ID,
  version: VERSION,
  matches(path, head) {
    if (!/(?:^|[\\/.])yarn\.lock$/.test(path)) return false;
    return head === undefined || !/^__metadata:/m.test(head);
  },
  async read(input) {
    return readYarnClassic(input);
  },
};

export interface YarnEntry {
  descriptors: string[];
  fields: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  line: number;
}

/**
 * Parse a yarn v1 lockfile into its entries, in file order. Throws ERR_LOCKFILE_PARSE with
 * the line on anything yarn would not have written.
 */
export function parseYarnClassic(text: string, path: string): YarnEntry[] {
  const out: YarnEntry[] = [];
  let entry: YarnEntry | undefined;
  let section: Record<string, string> | undefined;
  let line = 0;
  let pos = 0;
  const n = text.length;
  const tokens: string[] = [];
  while (pos < n) {
    line++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let e = end;
    if (text.charCodeAt(e - 1) === 13) e--;
    const start = pos;
    pos = end + 1;
    if (e === start) continue;
    let indent = 0;
    while (text.charCodeAt(start + indent) === 32) indent++;
    if (start + indent === e || text.charCodeAt(start + indent) === 35) continue; // blank or comment
    if (indent === 0) {
      if (text.charCodeAt(e - 1) !== 58) throw parseError(path, 'expected an entry header ending with ":"', { line, column: e - start }, undefined);
      tokenize(text, start, e - 1, tokens, path, line, true);
      entry = { descriptors: tokens.slice(), fields: {}, line };
      out.push(entry);
      section = undefined;
      continue;
    }
    if (!entry) throw parseError(path, 'indented line outside any entry', { line, column: 1 });
    if (indent === 2) {
      if (text.charCodeAt(e - 1) === 58) {
        const name = unquote(text.slice(start + 2, e - 1));
        section = {};
        if (name === 'dependencies') entry.dependencies = section;
        else if (name === 'optionalDependencies') entry.optionalDependencies = section;
        continue;
      }
      section = undefined;
      tokenize(text, start + 2, e, tokens, path, line, false);
      if (tokens.length !== 2) throw parseError(path, `expected "key value", found ${tokens.length} token(s)`, { line, column: 3 });
      entry.fields[tokens[0]!] = tokens[1]!;
      continue;
    }
    if (indent === 4 && section) {
      tokenize(text, start + 4, e, tokens, path, line, false);
      if (tokens.length !== 2) throw parseError(path, `expected "name range", found ${tokens.length} token(s)`, { line, column: 5 });
      section[tokens[0]!] = tokens[1]!;
      continue;
    }
    throw parseError(path, `unexpected indentation (${indent} spaces)`, { line, column: indent + 1 });
  }
  return out;
}

function unquote(s: string): string {
  return s.charCodeAt(0) === 34 ? JSON.parse(s) as string : s;
}

/** Split `a "b c", d` into tokens: quoted strings (JSON escapes) or bare words; commas separate in headers. */
function tokenize(text: string, from: number, to: number, out: string[], path: string, line: number, header: boolean): void {
  out.length = 0;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || (header && c === 44)) {
      i++;
      continue;
    }
    if (c === 34) {
      let j = i + 1;
      let escaped = false;
      while (j < to) {
        const d = text.charCodeAt(j);
        if (d === 92) { escaped = true; j += 2; continue; }
        if (d === 34) break;
        j++;
      }
      if (j >= to) throw parseError(path, 'unterminated string', { line, column: i - from + 1 });
      out.push(escaped ? JSON.parse(text.slice(i, j + 1)) as string : text.slice(i + 1, j));
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < to) {
      const d = text.charCodeAt(j);
      if (d === 32 || (header && d === 44)) break;
      j++;
    }
    out.push(text.slice(i, j));
    i = j;
  }
}

const IMPORTER_FIELDS: [keyof Manifest, DependencyKind][] = [
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
  ['optionalDependencies', 'optional'],
];

export function workspacePatterns(m: Manifest | undefined): string[] {
  const ws = m?.workspaces;
  if (Array.isArray(ws)) return ws.filter((w) => typeof w === 'string');
  if (ws && Array.isArray(ws.packages)) return ws.packages.filter((w) => typeof w === 'string');
  return [];
}

export function readYarnClassic({ path, text, project }: LockfileInput): LockGraph {
  const entries = parseYarnClassic(text, path);
  const g = new GraphBuilder();
  const byDescriptor = new Map<string, number>();
  for (const en of entries) {
    const version = en.fields.version;
    if (version === undefined) throw parseError(path, `entry ${en.descriptors.join(', ')} has no version (truncated?)`, { line: en.line, column: 1 });
    const resolved = en.fields.resolved;
    const [installed, firstRange] = splitAt(en.descriptors[0] ?? '');
    let name = nameFromTarballUrl(resolved);
    if (!name) {
      for (const d of en.descriptors) {
        const [, range] = splitAt(d);
        if (range.startsWith('npm:')) {
          const target = range.slice(4);
          const at = target.indexOf('@', 1);
          name = at < 0 ? target : target.slice(0, at);
          break;
        }
      }
    }
    name ??= installed;
    const notAuditable = classifyRange(firstRange) ?? classifySource(resolved);
    const id = g.addPackage({
      id: 0,
      dev: false,
      optional: false,
      peer: false,
      name,
      version,
      alias: installed !== name ? installed : undefined,
      resolved,
      integrity: en.fields.integrity !== undefined ? en.fields.integrity : undefined,
      notAuditable,
      key: en.descriptors.join(', '),
      line: en.line,
    });
    for (const d of en.descriptors) byDescriptor.set(d, id);
  }

  const lookup = (dep: string, range: string): number | undefined => byDescriptor.get(`${dep}@${range}`);
  const hasParent = new Uint8Array(g.packages.length);
  for (let id = 0; id < entries.length; id++) {
    const en = entries[id]!;
    for (const [deps, kind] of [[en.dependencies, 'prod'], [en.optionalDependencies, 'optional']] as const) {
      if (!deps) continue;
      for (const dep in deps) {
        const to = lookup(dep, deps[dep]!);
        if (to === undefined) {
          if (kind === 'prod') g.warn(`${en.descriptors[0]} depends on ${dep}@${deps[dep]}, which the lockfile does not list`, en.line);
          continue;
        }
        if (to !== id) hasParent[to] = 1;
        g.edge({ package: id }, to, kind, dep, deps[dep]);
      }
    }
  }

  const root = project?.manifest('.');
  g.addImporter({ path: '.', ...(root?.name && { name: root.name }), ...(root?.version && { version: root.version }) });
  if (!root) {
    g.warn('no package.json beside the lockfile: direct dependencies are inferred (entries nothing else depends on)');
    for (let id = 0; id < entries.length; id++) {
      if (!hasParent[id]) g.edge({ importer: 0 }, id, 'prod', g.packages[id]!.alias ?? g.packages[id]!.name);
    }
    return g.finish({ manager: 'yarn', reader: `${ID}@${VERSION}`, path, formatVersion: 'v1' }, 'compute');
  }
  const manifests: [string, Manifest][] = [['.', root]];
  for (const dir of project!.workspaces(workspacePatterns(root))) {
    const m = project!.manifest(dir);
    if (!m) continue;
    g.addImporter({ path: dir, ...(m.name && { name: m.name }), ...(m.version && { version: m.version }) });
    manifests.push([dir, m]);
  }
  manifests.forEach(([dir, m], importer) => {
    for (const [field, kind] of IMPORTER_FIELDS) {
      const deps = m[field] as Record<string, string> | undefined;
      if (!deps || typeof deps !== 'object') continue;
      for (const dep in deps) {
        const range = String(deps[dep]);
        const to = lookup(dep, range);
        if (to === undefined) continue; // a workspace, or a mismatch (reported by mismatch.ts)
        g.edge({ importer }, to, kind, dep, range);
      }
    }
  });
  return g.finish({ manager: 'yarn', reader: `${ID}@${VERSION}`, path, formatVersion: 'v1' }, 'compute');
}
