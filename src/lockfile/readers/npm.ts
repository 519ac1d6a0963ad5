/**
 * package-lock.json (v1, v2, v3) and npm-shrinkwrap.json (the same formats, plus pre-npm-5
 * shrinkwraps that have no lockfileVersion).
 *
 * v2/v3: `packages` maps install locations (`node_modules/a/node_modules/b`) to entries; a
 * dependency of the package at L resolves like Node does: `L/node_modules/<name>`, then the
 * parent location's, up to the root. Folder keys without `node_modules/` are workspaces
 * (when they match the root `workspaces` globs and are not extraneous) or local `file:`
 * packages; `link: true` entries point at them. Flags (dev, optional, peer) are stored.
 * v1: `dependencies` nests entries by location; `requires` names the dependencies (ranges or
 * versions), resolved the same way up the nesting. Aliases are `"version": "npm:real@1.0.0"`.
 */
import picomatch from 'picomatch';
import type { DependencyKind, LockGraph } from '../../core/lockgraph.ts';
import { classifySource, GraphBuilder, InstallTree, LineCursor, objectKeyLines } from '../graph.ts';
import { depMap, isObject, parseError, parseLockJson, unsupported } from '../parse.ts';
import type { LockfileInput, LockfileReader, Manifest } from '../types.ts';

const ID = 'npm/package-lock';
/** npm v1 nests installs; real trees are a few dozen deep, a hostile one is refused. */
const MAX_NESTING = 500;
const VERSION = 1;

export const npmLock: LockfileReader = {
  id: ID,
  version: VERSION,
  matches(path) {
    const base = basename(path);
    return base.endsWith('package-lock.json') || base.endsWith('npm-shrinkwrap.json');
  },
  async read(input) {
    return readNpm(input);
  },
};

function basename(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
}

/**
 * npm install locations: `a/node_modules/b` is `b` installed under `a`; folders
 * (`packages/foo`) hang off the root and are found through links, never by lookup.
 */
function splitLocation(path: string): [string, string] {
  const nm = path.lastIndexOf('node_modules/');
  if (nm < 0) return ['', `\0${path}`]; // a folder: a name no dependency can have
  return [nm === 0 ? '' : path.slice(0, nm - 1), path.slice(nm + 13)];
}

class Locations extends InstallTree {
  /** Folder entries (workspaces, local packages) by path: link targets. */
  readonly folders = new Map<string, number>();

  constructor() {
    super(splitLocation);
  }
}

export function readNpm({ path, text, project }: LockfileInput): LockGraph {
  const raw = parseLockJson(text, path);
  if (!isObject(raw)) throw parseError(path, 'a package-lock must be a JSON object', { line: 1, column: 1 });
  const lv = raw.lockfileVersion;
  if (lv !== undefined && lv !== 1 && lv !== 2 && lv !== 3) {
    throw unsupported(path, `package-lock lockfileVersion ${JSON.stringify(lv)} is not supported (1, 2 and 3 are)`,
      'regenerate the lockfile with npm 7 or later, or upgrade nodesec', new LineCursor(text).find('"lockfileVersion"'));
  }
  const meta = { manager: 'npm' as const, reader: `${ID}@${VERSION}`, path, formatVersion: lv === undefined ? 'shrinkwrap (pre-npm-5)' : String(lv) };
  if ((lv === 2 || lv === 3) && isObject(raw.packages)) return fromPackages(raw.packages, text, meta);
  if (lv === 3) throw parseError(path, 'lockfileVersion 3 without a "packages" object', { line: 1, column: 1 });
  return fromDependencies(raw, text, meta, project?.manifest('.'));
}

type Meta = Pick<LockGraph, 'manager' | 'reader' | 'path' | 'formatVersion'>;

const KINDS: [field: string, kind: DependencyKind][] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
];
const IMPORTER_KINDS: [field: string, kind: DependencyKind][] = [...KINDS, ['devDependencies', 'dev']];

function workspaceGlobs(root: Record<string, unknown>): string[] {
  const ws = root.workspaces;
  if (Array.isArray(ws)) return ws.filter((w): w is string => typeof w === 'string');
  if (isObject(ws) && Array.isArray(ws.packages)) return ws.packages.filter((w): w is string => typeof w === 'string');
  return [];
}

/** Workspace globs as a matcher; plain paths (the common case) need no glob compiler. */
function workspaceMatcher(globs: string[]): (path: string) => boolean {
  if (!globs.length) return () => false;
  if (globs.every((w) => !/[*?[\]{}()!]/.test(w))) {
    const set = new Set(globs);
    return (p) => set.has(p);
  }
  return picomatch(globs);
}

function fromPackages(pk: Record<string, unknown>, text: string, meta: Meta): LockGraph {
  const g = new GraphBuilder();
  const root = isObject(pk['']) ? pk[''] : {};
  g.addImporter({ path: '.', ...strField(root, 'name'), ...strField(root, 'version') });
  const globs = workspaceGlobs(root);
  const isWorkspace = workspaceMatcher(globs.map((w) => w.replace(/^\.\//, '').replace(/\/+$/, '')));
  const locs = new Locations();
  // lines in one scan, checked against the entry count once the entries are read
  const at = text.indexOf('"packages"');
  const lines = at < 0 ? [] : objectKeyLines(text, at, 4, true);
  let entry = 0;
  /** Nodes whose dependencies become edges: [location, entry, from, importer-like]. */
  const nodes: [number, Record<string, unknown>, { importer: number } | { package: number }, boolean][] = [
    [0, root, { importer: 0 }, true],
  ];
  const links: [string, string][] = [];
  for (const key of Object.keys(pk)) {
    const line = lines[entry++];
    if (key === '') continue;
    const e = pk[key];
    if (!isObject(e)) {
      g.warn(`entry "${key}" is not an object; skipped`, line);
      continue;
    }
    const nm = key.lastIndexOf('node_modules/');
    if (nm < 0) {
      // a folder: workspace or local package
      if (isWorkspace(key)) {
        if (e.extraneous) {
          g.warn(`workspace "${key}" is extraneous (its folder is gone); skipped`, line);
          continue;
        }
        const imp = g.addImporter({ path: key, ...strField(e, 'name'), ...strField(e, 'version') });
        locs.folders.set(key, -1 - imp);
        nodes.push([locs.loc(key), e, { importer: imp }, true]);
        continue;
      }
      const name = typeof e.name === 'string' ? e.name : key.slice(key.lastIndexOf('/') + 1);
      const id = g.addPackage({
        id: 0,
        name, version: typeof e.version === 'string' ? e.version : '', key,
        notAuditable: { reason: 'file', spec: `file:${key}` },
        extraneous: e.extraneous === true ? true : undefined,
        dev: e.dev === true, optional: e.optional === true, peer: e.peer === true, ...(line !== undefined && { line }),
      });
      locs.folders.set(key, id);
      nodes.push([locs.loc(key), e, { package: id }, true]);
      continue;
    }
    if (e.link === true) {
      links.push([key, typeof e.resolved === 'string' ? e.resolved : '']);
      continue;
    }
    const installed = key.slice(nm + 13);
    const name = typeof e.name === 'string' ? e.name : installed;
    const version = typeof e.version === 'string' ? e.version : '';
    const id = addEntry(g, e, key, installed, name, version, line, e.inBundle === true);
    nodes.push([locs.add(key, id), e, { package: id }, false]);
  }
  if (entry !== lines.length) relocate(g, text, at, false);
  for (const [key, target] of links) {
    const hit = locs.folders.get(target);
    if (hit !== undefined && hit < 0) {
      // a workspace folder entry may lack `name`: the link's install name is its package name
      const imp = g.importers[-1 - hit]!;
      imp.name ??= key.slice(key.lastIndexOf('node_modules/') + 13);
    }
    if (hit !== undefined) locs.add(key, hit);
    else g.warn(`"${key}" links to "${target}", which the lockfile does not list`);
  }
  const link = (loc: number, e: Record<string, unknown>, from: { importer: number } | { package: number }, deps: unknown, kind: DependencyKind): void => {
    if (!isObject(deps)) return;
    const peerMeta = kind === 'peer' && isObject(e.peerDependenciesMeta) ? e.peerDependenciesMeta : undefined;
    for (const dep in deps) {
      // an optional peer is no dependency: it is used when something else installs it (npm's rule)
      if (peerMeta && isObject(peerMeta[dep]) && (peerMeta[dep] as Record<string, unknown>).optional === true) continue;
      const to = locs.resolve(loc, dep);
      if (to === undefined) {
        if (kind === 'prod' || (kind === 'dev' && 'importer' in from && from.importer === 0)) {
          if (!(kind === 'prod' && isObject(e.optionalDependencies) && dep in e.optionalDependencies)) {
            g.warn(`${'importer' in from ? `importer ${g.importers[from.importer]!.path}` : g.packages[from.package]!.key} depends on ${dep}@${String(deps[dep])} but the lockfile does not install it`);
          }
        }
        continue;
      }
      if (to < 0) continue; // a workspace: an importer of its own
      g.edge(from, to, kind, dep, String(deps[dep]));
    }
  };
  for (const [loc, e, from, importerLike] of nodes) {
    link(loc, e, from, e.dependencies, 'prod');
    link(loc, e, from, e.optionalDependencies, 'optional');
    link(loc, e, from, e.peerDependencies, 'peer');
    if (importerLike) link(loc, e, from, e.devDependencies, 'dev');
  }
  return g.finish(meta, 'stored');
}

/**
 * The one-scan line list did not match the entries (a file not laid out as npm writes it):
 * find each package's key instead, in document order.
 */
function relocate(g: GraphBuilder, text: string, from: number, nested: boolean): void {
  const cursor = new LineCursor(text, Math.max(0, from));
  for (const p of g.packages) p.line = cursor.findObjectKey(nested ? p.key.slice(p.key.lastIndexOf('node_modules/') + 13) : p.key);
}

/** One installed package from a v1 or v2/v3 entry, with the flags npm stored. */
function addEntry(g: GraphBuilder, e: Record<string, unknown>, key: string, installed: string, name: string, version: string,
  line: number | undefined, bundled: boolean): number {
  const resolved = typeof e.resolved === 'string' ? e.resolved : undefined;
  let notAuditable = classifySource(version) ?? classifySource(resolved);
  if (!notAuditable && !version) notAuditable = { reason: 'unknown-source', spec: resolved ?? key };
  return g.addPackage({
    id: 0,
    name,
    version,
    alias: name !== installed ? installed : undefined,
    resolved,
    integrity: typeof e.integrity === 'string' ? e.integrity : undefined,
    notAuditable,
    bundled: bundled ? true : undefined,
    extraneous: e.extraneous === true ? true : undefined,
    dev: e.dev === true,
    optional: e.optional === true,
    peer: e.peer === true,
    key,
    line,
  });
}

function strField(o: Record<string, unknown>, f: 'name' | 'version'): { name?: string; version?: string } {
  const v = o[f];
  return typeof v === 'string' ? { [f]: v } : {};
}

/** v1 and pre-npm-5: nested `dependencies`. */
function fromDependencies(raw: Record<string, unknown>, text: string, meta: Meta, manifest: Manifest | undefined): LockGraph {
  const g = new GraphBuilder();
  g.addImporter({ path: '.', ...strField(raw, 'name'), ...strField(raw, 'version') });
  const locs = new Locations();
  // lines in one scan, checked against the entry count once the entries are read
  const at = text.indexOf('"dependencies"');
  const lines = at < 0 ? [] : objectKeyLines(text, at, 4);
  let entry = 0;
  /** [location index, entry, package id, top level] */
  const nodes: [number, Record<string, unknown>, number, boolean][] = [];
  const walk = (deps: Record<string, unknown>, parent: string, parentLoc: number, depth: number): void => {
    if (depth > MAX_NESTING) throw parseError(meta.path, `dependencies nested deeper than ${MAX_NESTING} levels`, { line: lines[entry] ?? 1, column: 1 });
    for (const installed in deps) {
      const e = deps[installed];
      const line = lines[entry++];
      if (!isObject(e)) {
        g.warn(`entry "${installed}" is not an object; skipped`, line);
        continue;
      }
      const key = parent === '' ? `node_modules/${installed}` : `${parent}/node_modules/${installed}`;
      let version = typeof e.version === 'string' ? e.version : '';
      let name = installed;
      if (version.startsWith('npm:')) {
        const spec = version.slice(4);
        const at = spec.lastIndexOf('@');
        if (at > 0) {
          name = spec.slice(0, at);
          version = spec.slice(at + 1);
        }
      }
      const id = addEntry(g, e, key, installed, name, version, line, e.bundled === true);
      const loc = locs.addChild(parentLoc, installed, id);
      nodes.push([loc, e, id, depth === 1]);
      if (isObject(e.dependencies)) walk(e.dependencies, key, loc, depth + 1);
    }
  };
  if (isObject(raw.dependencies)) walk(raw.dependencies, '', 0, 1);
  if (entry !== lines.length) relocate(g, text, at, true);

  const required = new Uint8Array(g.packages.length);
  for (const [loc, e, id] of nodes) {
    const from = { package: id };
    const req = depMap(e.requires);
    if (req) {
      const parentOptional = g.packages[id]!.optional;
      for (const dep in req) {
        const to = locs.resolve(loc, dep);
        if (to === undefined) {
          if (!(isObject(e.optionalDependencies) && dep in e.optionalDependencies)) {
            g.warn(`${g.packages[id]!.key} requires ${dep}@${req[dep]} but the lockfile does not install it`, g.packages[id]!.line);
          }
          continue;
        }
        required[to] = 1;
        g.edge(from, to, g.packages[to]!.optional && !parentOptional ? 'optional' : 'prod', dep, String(req[dep]));
      }
    } else if (isObject(e.dependencies)) {
      // pre-npm-5: no requires; nesting is the only dependency information
      for (const dep in e.dependencies) {
        const to = locs.child(loc, dep);
        if (to !== undefined) {
          required[to] = 1;
          g.edge(from, to, 'prod', dep);
        }
      }
    }
  }
  // The root's own dependencies: from package.json when we have it, else every top-level
  // entry nothing else requires (a direct dependency by elimination), or, without any
  // `requires` (pre-npm-5), every top-level entry.
  const direct = new Uint8Array(g.packages.length);
  if (manifest) {
    for (const [dep, spec, kind] of rootDeps(manifest)) {
      const to = locs.child(0, dep);
      if (to === undefined || direct[to]) continue;
      direct[to] = 1;
      g.edge({ importer: 0 }, to, kind, dep, spec);
    }
  }
  for (const [, , id, topLevel] of nodes) {
    if (direct[id] || required[id] || !topLevel) continue;
    const p = g.packages[id]!;
    g.edge({ importer: 0 }, id, p.dev ? 'dev' : p.optional ? 'optional' : 'prod', p.alias ?? p.name);
  }
  return g.finish(meta, 'stored');
}

export function rootDeps(m: Manifest): [name: string, spec: string, kind: DependencyKind][] {
  const out: [string, string, DependencyKind][] = [];
  for (const [field, kind] of IMPORTER_KINDS) {
    const deps = depMap((m as Record<string, unknown>)[field]);
    if (deps) for (const d in deps) out.push([d, String(deps[d]), kind]);
  }
  return out;
}
