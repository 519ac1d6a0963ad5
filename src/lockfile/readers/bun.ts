/**
 * bun.lock (text lockfile, bun 1.1.39+, JSONC with trailing commas).
 *
 * `workspaces` maps importer paths (`""` the root) to their declared dependencies.
 * `packages` maps install paths to `[resolution, registry, meta, integrity]` arrays: the key
 * is the chain of installed names (`@babel/highlight/chalk` is the `chalk` nested under
 * `@babel/highlight`), the resolution `name@version` (or `name@workspace:path`,
 * `name@github:...`, `name@file:...`, `name@link:...`, `name@https://...tgz`). A dependency
 * of the package at key K resolves like Node's lookup: `K/name`, then the parent chain's,
 * then the top-level `name`. An installed key differing from the resolution's name is an
 * alias. Flags are computed from the graph.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { DependencyKind, LockGraph, NotAuditableReason } from '../../core/lockgraph.ts';
import { classifySource, GraphBuilder, InstallTree, LineCursor } from '../graph.ts';
import { isObject, parseError, splitAt, unsupported } from '../parse.ts';
import type { LockfileInput, LockfileReader } from '../types.ts';

const ID = 'bun/bun-lock';
const VERSION = 1;

export const bunLock: LockfileReader = {
  id: ID,
  version: VERSION,
  matches(path) {
    return /(?:^|[\\/.])bun\.lock$/.test(path);
  },
  async read(input) {
    return readBun(input);
  },
};

/**
 * Remove trailing commas outside strings, so JSON.parse (several times faster than a JSONC
 * parser) can read the file. Comments are not handled: the caller falls back to jsonc-parser.
 */
export function stripTrailingCommas(text: string): string {
  const parts: string[] = [];
  let last = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // skip the string
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 44) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d !== 32 && d !== 10 && d !== 13 && d !== 9) break;
        j++;
      }
      const d = text.charCodeAt(j);
      if (d === 125 || d === 93) {
        parts.push(text.slice(last, i));
        last = i + 1;
      }
    }
  }
  if (last === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}

export function parseBunText(text: string, path: string): unknown {
  try {
    return JSON.parse(stripTrailingCommas(text));
  } catch {
    const errors: ParseError[] = [];
    const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
    const first = errors[0];
    if (first) throw parseError(path, `malformed bun.lock: ${printParseErrorCode(first.error)}`, first.offset, text);
    return value;
  }
}

function sourceOf(ref: string): { workspace?: string; notAuditable?: { reason: NotAuditableReason; spec: string } } {
  if (/^\d/.test(ref)) return {};
  if (ref.startsWith('workspace:')) return { workspace: ref.slice(10) };
  if (ref.startsWith('github:') || ref.startsWith('git+') || ref.startsWith('git:')) return { notAuditable: { reason: 'git', spec: ref } };
  if (ref.startsWith('npm:')) return {};
  return { notAuditable: classifySource(ref) ?? { reason: 'unknown-source', spec: ref } };
}

/** `a/@s/n` → ['a', '@s/n']: the parent install path and the last (possibly scoped) name. */
function splitInstallPath(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  if (i < 0) return ['', path];
  const j = path.lastIndexOf('/', i - 1);
  if (path.charCodeAt(j + 1) === 64) return [j < 0 ? '' : path.slice(0, j), path.slice(j + 1)]; // '@scope/name'
  return [path.slice(0, i), path.slice(i + 1)];
}

const FIELDS: [string, DependencyKind][] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
];
const IMPORTER_FIELDS: [string, DependencyKind][] = [...FIELDS, ['devDependencies', 'dev']];

export function readBun({ path, text }: LockfileInput): LockGraph {
  const raw = parseBunText(text, path);
  if (!isObject(raw)) throw parseError(path, 'a bun.lock must be a JSON object', { line: 1, column: 1 });
  const lv = raw.lockfileVersion;
  if (lv !== 0 && lv !== 1) {
    throw unsupported(path, `bun.lock lockfileVersion ${JSON.stringify(lv)} is not supported (0 and 1 are)`,
      'upgrade nodesec, or regenerate the lockfile with a bun release nodesec knows', new LineCursor(text).find('"lockfileVersion"'));
  }
  const g = new GraphBuilder();
  const workspaces = isObject(raw.workspaces) ? raw.workspaces : {};
  const packages = isObject(raw.packages) ? raw.packages : {};
  const importerOf = new Map<string, number>(); // workspace path -> importer
  const importerNames = new Map<string, number>(); // package name -> importer
  for (const wp in workspaces) {
    const w = isObject(workspaces[wp]) ? workspaces[wp] : {};
    const imp = g.addImporter({ path: wp === '' ? '.' : wp, ...(typeof w.name === 'string' && { name: w.name }), ...(typeof w.version === 'string' && { version: w.version }) });
    importerOf.set(wp, imp);
    if (typeof w.name === 'string') importerNames.set(w.name, imp);
  }
  if (!importerOf.has('')) importerOf.set('', g.addImporter({ path: '.' }));

  const tree = new InstallTree(splitInstallPath); // install key -> package id, or -1 - importer
  const cursor = new LineCursor(text, Math.max(0, text.indexOf('"packages"')));
  const metas: [number, Record<string, unknown>, string][] = [];
  for (const key in packages) {
    const v = packages[key];
    const line = cursor.findObjectKey(key, '[');
    if (!Array.isArray(v) || typeof v[0] !== 'string') {
      throw parseError(path, `package "${key}" is not a [resolution, ...] array`, { line: line ?? 1, column: 1 });
    }
    const [name, ref] = splitAt(v[0]);
    const src = sourceOf(ref);
    if (src.workspace !== undefined) {
      const imp = importerOf.get(src.workspace) ?? importerNames.get(name);
      if (imp !== undefined) {
        tree.add(key, -1 - imp);
        continue;
      }
    }
    const registry = typeof v[1] === 'string' ? v[1] : undefined;
    const meta = v.find((x: unknown) => isObject(x)) as Record<string, unknown> | undefined;
    const integrity = typeof v[3] === 'string' ? v[3] : undefined;
    const installed = splitInstallPath(key)[1];
    const notAuditable = src.workspace !== undefined ? { reason: 'workspace' as const, spec: ref } : src.notAuditable;
    const version = ref.startsWith('npm:') ? splitAt(ref.slice(4))[1] : ref;
    const id = g.addPackage({
      id: 0,
      dev: false,
      optional: false,
      peer: false,
      name: ref.startsWith('npm:') ? splitAt(ref.slice(4))[0] : name,
      version,
      alias: installed !== name ? installed : undefined,
      resolved: registry ? registry : undefined,
      integrity,
      notAuditable,
      key,
      line,
    });
    tree.add(key, id);
    metas.push([id, meta ?? {}, key]);
  }

  const link = (from: { importer: number } | { package: number }, at: string, deps: unknown, kind: DependencyKind, optionalPeers: unknown): void => {
    if (!isObject(deps)) return;
    const loc = tree.loc(at);
    for (const dep in deps) {
      // an optional peer is no dependency: it is used when something else installs it
      if (kind === 'peer' && Array.isArray(optionalPeers) && optionalPeers.includes(dep)) continue;
      const to = tree.resolve(loc, dep);
      if (to === undefined) {
        const optional = kind === 'optional' || (kind === 'peer' && Array.isArray(optionalPeers) && optionalPeers.includes(dep));
        if (!optional && kind !== 'peer') g.warn(`${at || 'the root project'} depends on ${dep}@${String(deps[dep])}, which the lockfile does not list`);
        continue;
      }
      if (to < 0) continue; // a workspace
      g.edge(from, to, kind, dep, String(deps[dep]));
    }
  };
  for (const wp in workspaces) {
    const w = workspaces[wp];
    if (!isObject(w)) continue;
    const at = typeof w.name === 'string' && wp !== '' ? w.name : '';
    for (const [field, kind] of IMPORTER_FIELDS) link({ importer: importerOf.get(wp)! }, at, w[field], kind, w.optionalPeers);
  }
  for (const [id, meta, key] of metas) {
    for (const [field, kind] of FIELDS) link({ package: id }, key, meta[field], kind, meta.optionalPeers);
  }
  return g.finish({ manager: 'bun', reader: `${ID}@${VERSION}`, path, formatVersion: String(lv) }, 'compute');
}
