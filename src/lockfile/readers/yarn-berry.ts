/**
 * yarn.lock, berry (yarn 2+, `__metadata.version` 4 and later). YAML.
 *
 * Each top-level key lists descriptors (`name@npm:^1.0.0, name@npm:^1.2.0`) sharing one
 * resolution (`resolution: "name@npm:1.2.3"`). Dependencies are `name: range` (`npm:^1.0.0`,
 * or `^1.0.0` in older files) and resolve to the entry listing `name@range` (or
 * `name@npm:range`), after the root package.json `resolutions` are applied. Workspaces are
 * entries resolved as `name@workspace:path`: they become the importers; their dependencies
 * mix prod and dev (package.json tells them apart when present). `patch:` resolutions are the
 * patched package: audited as the npm version underneath. Descriptors are compared with `%3A`
 * unescaped and `::locator=` suffixes removed (yarn writes both forms).
 */
import type { DependencyKind, LockGraph, NotAuditableReason } from '../../core/lockgraph.ts';
import { classifySource, GraphBuilder, yamlKeyLines } from '../graph.ts';
import { isObject, parseError, parseLockYaml, splitAt, unsupported } from '../parse.ts';
import type { LockfileInput, LockfileReader } from '../types.ts';

const ID = 'yarn/berry';
const VERSION = 1;

export const yarnBerryLock: LockfileReader = {
  id: ID,
  version: VERSION,
  matches(path, head) {
    if (!/(?:^|[\\/.])yarn\.lock$/.test(path)) return false;
    return head !== undefined && /^__metadata:/m.test(head);
  },
  async read(input) {
    return readYarnBerry(input);
  },
};

function normalize(descriptor: string): string {
  let d = descriptor.includes('%3A') ? descriptor.replaceAll('%3A', ':') : descriptor;
  const loc = d.indexOf('::locator=');
  if (loc >= 0) d = d.slice(0, loc);
  return d;
}

const REGISTRY = Object.freeze({});
const PACKAGE_FIELDS: [string, DependencyKind][] = [['dependencies', 'prod'], ['optionalDependencies', 'optional']];
const IMPORTER_FIELDS: [string, DependencyKind][] = [...PACKAGE_FIELDS, ['devDependencies', 'dev']];

/** What a resolution (`name@<protocol>...`) is: registry, workspace, or a non-auditable source. */
function classifyResolution(resolution: string): { workspace?: string; notAuditable?: { reason: NotAuditableReason; spec: string } } {
  const [, ref] = splitAt(resolution);
  if (ref.startsWith('npm:')) return REGISTRY;
  if (ref.startsWith('workspace:')) return { workspace: ref.slice(10) };
  if (ref.startsWith('patch:')) {
    // patch:inner#patchfile: audit the inner package when it comes from the registry
    const inner = ref.slice(6, ref.indexOf('#') < 0 ? undefined : ref.indexOf('#')).replaceAll('%3A', ':');
    const [, innerRef] = splitAt(inner);
    if (innerRef.startsWith('npm:')) return REGISTRY;
    return { notAuditable: { reason: 'patch', spec: ref } };
  }
  if (ref.startsWith('link:') || ref.startsWith('portal:')) return { notAuditable: { reason: 'link', spec: ref } };
  if (ref.startsWith('file:')) return { notAuditable: { reason: 'file', spec: ref } };
  if (ref.startsWith('exec:')) return { notAuditable: { reason: 'unknown-source', spec: ref } };
  if (ref.includes('#commit=') || ref.startsWith('git')) return { notAuditable: { reason: 'git', spec: ref } };
  return { notAuditable: classifySource(ref) ?? { reason: 'unknown-source', spec: ref } };
}

/**
 * Package names a resolutions key may apply to (`name`, `parent/name`, a `**` glob, scoped
 * names, `name@range`): a superset is fine, it only gates the lookups.
 */
function resolutionTargets(key: string): string[] {
  const k = key.startsWith('**/') ? key.slice(3) : key;
  const parts = k.split('/');
  const segs: string[] = [];
  for (let i = 0; i < parts.length; i++) segs.push(parts[i]!.startsWith('@') && i + 1 < parts.length ? `${parts[i]}/${parts[++i]}` : parts[i]!);
  return [splitAt(segs.at(-1) ?? k)[0], splitAt(k)[0]];
}

export function readYarnBerry({ path, text, project }: LockfileInput): LockGraph {
  const raw = parseLockYaml(text, path);
  if (!isObject(raw) || !isObject(raw.__metadata)) throw parseError(path, 'a yarn berry lockfile must be a YAML mapping with __metadata', { line: 1, column: 1 });
  const mv = String(raw.__metadata.version ?? '');
  if (!(Number(mv) >= 4)) {
    throw unsupported(path, `yarn lockfile __metadata.version ${JSON.stringify(mv)} is not supported (4 and later are)`,
      'regenerate the lockfile with yarn 2 or later (`yarn install`)', yamlKeyLines(text, 2).top.get('__metadata'));
  }
  const lines = yamlKeyLines(text, 2, new Set()).top;
  const g = new GraphBuilder();
  const byDescriptor = new Map<string, number>();
  const workspaceOf = new Map<string, number>(); // descriptor -> importer
  const patchOf = new Map<string, number>(); // patched descriptor -> the patch package
  const entries: [from: { importer: number } | { package: number }, Record<string, unknown>, string][] = [];
  for (const key in raw) {
    if (key === '__metadata') continue;
    const e = raw[key];
    const line = lines.get(key);
    if (!isObject(e) || typeof e.resolution !== 'string') {
      throw parseError(path, `entry "${key}" has no resolution (truncated or corrupt?)`, { line: line ?? 1, column: 1 });
    }
    const descriptors = key.split(', ');
    const resolution = e.resolution;
    const kind = classifyResolution(resolution);
    const [resolvedName] = splitAt(resolution);
    if (kind.workspace !== undefined) {
      const wsPath = kind.workspace.replace(/^\.\//, '') || '.';
      const m = project?.manifest(wsPath);
      const version = typeof e.version === 'string' && !e.version.startsWith('0.0.0-use.local') ? e.version : m?.version;
      const imp = g.addImporter({ path: wsPath, name: resolvedName, ...(version && { version }) });
      for (const d of descriptors) {
        workspaceOf.set(d, imp);
        workspaceOf.set(normalize(d), imp);
      }
      entries.push([{ importer: imp }, e, wsPath]);
      continue;
    }
    const installed = splitAt(descriptors[0] ?? '')[0];
    const notAuditable = kind.notAuditable ?? (e.linkType === 'soft' ? { reason: 'link' as const, spec: resolution } : undefined);
    const id = g.addPackage({
      id: 0,
      dev: false,
      optional: false,
      peer: false,
      name: resolvedName,
      version: typeof e.version === 'string' ? e.version : '',
      alias: installed !== resolvedName ? installed : undefined,
      resolved: resolution,
      integrity: typeof e.checksum === 'string' ? e.checksum : undefined,
      notAuditable,
      key,
      line,
    });
    for (const d of descriptors) {
      byDescriptor.set(d, id);
      const nd = normalize(d);
      if (nd !== d) byDescriptor.set(nd, id);
      // `name@patch:name@npm:range#...` patches what `name@npm:range` resolves to: yarn
      // installs the patched package (builtin compat patches apply without being asked)
      if (d.includes('@patch:')) {
        const [dn, dr] = splitAt(d);
        const hash = dr.indexOf('#');
        patchOf.set(normalize(`${dn}@${splitAt(dr.slice(6, hash < 0 ? undefined : hash))[1]}`), id);
      }
    }
    entries.push([{ package: id }, e, key]);
  }

  // root resolutions (package.json): `name`, `**/name`, `parent/name`, `name@range`
  const root = project?.manifest('.');
  const resolutions = new Map<string, string>();
  /** Names some resolution targets: the only dependencies worth the lookups. */
  const resolved = new Set<string>();
  if (isObject(root?.resolutions)) {
    for (const [k, v] of Object.entries(root.resolutions)) {
      if (typeof v !== 'string') continue;
      resolutions.set(k, v);
      for (const name of resolutionTargets(k)) resolved.add(name);
    }
  }
  const resolveRange = (parent: string | undefined, dep: string, range: string): string | undefined => {
    if (!resolved.has(dep)) return undefined;
    const bare = range.startsWith('npm:') ? range.slice(4) : range;
    return resolutions.get(`${dep}@${range}`) ?? resolutions.get(`${dep}@${bare}`)
      ?? (parent !== undefined ? resolutions.get(`${parent}/${dep}`) : undefined)
      ?? resolutions.get(`**/${dep}`) ?? resolutions.get(dep);
  };
  const find = (dep: string, range: string): number | undefined => {
    const d = `${dep}@${range}`;
    const hit = byDescriptor.get(d);
    // fast path: the descriptor is already in normal form (no %3A, no ::locator)
    if (hit !== undefined && !d.includes('%3A') && !d.includes('::')) return patchOf.size ? patchOf.get(d) ?? hit : hit;
    const n = normalize(d);
    const npm = range.startsWith('npm:') ? n : normalize(`${dep}@npm:${range}`);
    return patchOf.get(n) ?? patchOf.get(npm) ?? byDescriptor.get(n) ?? byDescriptor.get(npm);
  };
  const isWorkspace = (dep: string, range: string): boolean =>
    workspaceOf.has(`${dep}@${range}`) || workspaceOf.has(normalize(`${dep}@${range}`)) || range.startsWith('workspace:');

  for (const [from, e, where] of entries) {
    const parentName = 'package' in from ? g.packages[from.package]!.name : undefined;
    const manifest = 'importer' in from ? project?.manifest(where) : undefined;
    const fields = 'importer' in from ? IMPORTER_FIELDS : PACKAGE_FIELDS;
    const meta = isObject(e.dependenciesMeta) ? e.dependenciesMeta : undefined;
    for (const [field, fieldKind] of fields) {
      const deps = e[field];
      if (!isObject(deps)) continue;
      for (const dep in deps) {
        const range = String(deps[dep]);
        let kind = fieldKind;
        if (manifest?.devDependencies && dep in manifest.devDependencies && !(manifest.dependencies && dep in manifest.dependencies)) kind = 'dev';
        else if (meta && isObject(meta[dep]) && String((meta[dep] as Record<string, unknown>).optional) === 'true') kind = 'optional';
        const override = resolveRange(parentName, dep, range);
        const to = (override !== undefined ? find(dep, override) : undefined) ?? find(dep, range);
        if (to === undefined) {
          if (isWorkspace(dep, range) || (override !== undefined && isWorkspace(dep, override))) continue;
          if (kind !== 'optional') {
            g.warn(`${'importer' in from ? `workspace ${where}` : where} depends on ${dep}@${range}, which the lockfile does not list`,
              'package' in from ? g.packages[from.package]!.line : undefined);
          }
          continue;
        }
        g.edge(from, to, kind, dep, range);
      }
    }
  }
  // the root importer first, as every other reader has it
  const rootIndex = g.importers.findIndex((i) => i.path === '.');
  if (rootIndex > 0) reorderImporters(g, rootIndex);
  return g.finish({ manager: 'yarn', reader: `${ID}@${VERSION}`, path, formatVersion: mv }, 'compute');
}

function reorderImporters(g: GraphBuilder, rootIndex: number): void {
  const [rootImp] = g.importers.splice(rootIndex, 1);
  g.importers.unshift(rootImp!);
  for (const e of g.edges) {
    if ('importer' in e.from) {
      const i = e.from.importer;
      e.from = { importer: i === rootIndex ? 0 : i < rootIndex ? i + 1 : i };
    }
  }
}
