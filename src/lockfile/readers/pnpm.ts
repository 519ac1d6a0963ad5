/**
 * pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x.
 *
 * Keys: v5 `/name/1.0.0_peer@2.0.0`, v6 `/name@1.0.0(peer@2.0.0)`, v9 `name@1.0.0(peer@2.0.0)`
 * (v9 splits `packages`, the metadata keyed without peers, from `snapshots`, the installed
 * instances with their dependencies). A package instance is one snapshot (v9) or one
 * `packages` key (v5, v6); two instances differing only in peers are two nodes with the same
 * name@version. Importers (`importers`, or the top level for a single project before v9) list
 * `{ specifier, version }` (v6+) or a bare version (v5). A reference is a version (`1.0.0`,
 * `1.0.0(peer@2)`), an alias (`real@1.0.0` in v9, `/real@1.0.0` in v6, `/real/1.0.0` in v5),
 * `link:` (a workspace or local folder) or a non-registry key (`file:`, tarball, git).
 * The format stores no reliable flags (v9 none), so dev/optional/peer are computed.
 */
import { posix } from 'node:path';
import type { DependencyKind, LockGraph, NotAuditableReason } from '../../core/lockgraph.ts';
import { classifySource, GraphBuilder, yamlKeyLines } from '../graph.ts';
import { isObject, parseError, parseLockYaml, unsupported } from '../parse.ts';
import type { LockfileInput, LockfileReader } from '../types.ts';

const ID = 'pnpm/pnpm-lock';
const VERSION = 1;

export const pnpmLock: LockfileReader = {
  id: ID,
  version: VERSION,
  matches(path) {
    return /(?:^|[\\/.])pnpm-lock\.yaml$/.test(path);
  },
  async read(input) {
    return readPnpm(input);
  },
};

type Style = 'v5' | 'v6' | 'v9';

const IMPORTER_FIELDS: [string, DependencyKind][] = [
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
  ['optionalDependencies', 'optional'],
];
const PACKAGE_FIELDS: [string, DependencyKind][] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
];

/** `name@1.0.0(peer@2)` → `name@1.0.0`; v5 `/name/1.0.0_peer@2` → `/name/1.0.0`. */
function withoutPeers(key: string, style: Style): string {
  if (style === 'v5') {
    const slash = key.lastIndexOf('/');
    const u = key.indexOf('_', slash + 1);
    return u < 0 ? key : key.slice(0, u);
  }
  const p = key.indexOf('(');
  return p < 0 ? key : key.slice(0, p);
}

function nameVersion(key: string, style: Style): [string, string] {
  let k = withoutPeers(key, style);
  if (k.charCodeAt(0) === 47) k = k.slice(1); // leading '/'
  if (style === 'v5') {
    const slash = k.lastIndexOf('/');
    return slash < 0 ? [k, ''] : [k.slice(0, slash), k.slice(slash + 1)];
  }
  const at = k.indexOf('@', 1);
  return at < 0 ? [k, ''] : [k.slice(0, at), k.slice(at + 1)];
}

function sourceOf(meta: Record<string, unknown> | undefined, version: string, key: string): { reason: NotAuditableReason; spec: string } | undefined {
  const res = meta && isObject(meta.resolution) ? meta.resolution : undefined;
  if (res) {
    if (res.type === 'directory' || typeof res.directory === 'string') return { reason: 'file', spec: `file:${String(res.directory ?? version)}` };
    if (res.type === 'git' || typeof res.repo === 'string') return { reason: 'git', spec: `${String(res.repo)}#${String(res.commit ?? '')}` };
    if (typeof res.tarball === 'string') {
      const c = classifySource(res.tarball);
      if (c) return c;
      if (res.tarball.startsWith('file:')) return { reason: 'file', spec: res.tarball };
    }
  }
  const c = classifySource(version);
  if (c) return c;
  if (/^(?:github\.com|gitlab\.com|bitbucket\.org|codeload\.github\.com)\//.test(key)) return { reason: 'git', spec: key };
  return undefined;
}

export function readPnpm({ path, text, project }: LockfileInput): LockGraph {
  const raw = parseLockYaml(text, path);
  if (!isObject(raw)) throw parseError(path, 'a pnpm lockfile must be a YAML mapping', { line: 1, column: 1 });
  const lv = String(raw.lockfileVersion ?? '');
  const major = Number.parseInt(lv, 10);
  const style: Style | undefined = major === 5 ? 'v5' : major === 6 ? 'v6' : major === 9 ? 'v9' : undefined;
  if (!style) {
    throw unsupported(path, `pnpm lockfileVersion ${JSON.stringify(lv)} is not supported (5.x, 6.x and 9.x are)`,
      'regenerate the lockfile with pnpm 7 or later (`pnpm install`), or upgrade nodesec', 1);
  }
  const g = new GraphBuilder();
  const packagesSection = isObject(raw.packages) ? raw.packages : {};
  const instances = style === 'v9' ? (isObject(raw.snapshots) ? raw.snapshots : {}) : packagesSection;
  const section = style === 'v9' ? 'snapshots' : 'packages';
  const lines = yamlKeyLines(text, 2, new Set([section])).nested.get(section);

  const ids = new Map<string, number>();
  /** [package id, snapshot entry, the package's declared peer dependencies] */
  const entries: [number, Record<string, unknown>, Record<string, unknown> | undefined][] = [];
  for (const key in instances) {
    const entry = isObject(instances[key]) ? instances[key] : {};
    const meta = style === 'v9' ? (packagesSection[withoutPeers(key, style)] as Record<string, unknown> | undefined) : entry;
    let [name, version] = nameVersion(key, style);
    if (meta && typeof meta.name === 'string') name = meta.name;
    if (meta && typeof meta.version === 'string' && (!version || !/^\d/.test(version))) version = meta.version;
    const notAuditable = sourceOf(isObject(meta) ? meta : undefined, version, key);
    const res = meta && isObject(meta.resolution) ? meta.resolution : undefined;
    const line = lines?.get(key);
    const id = g.addPackage({
      id: 0,
      dev: false,
      optional: false,
      peer: false,
      name,
      version,
      resolved: res && typeof res.tarball === 'string' ? res.tarball : undefined,
      integrity: res && typeof res.integrity === 'string' ? res.integrity : undefined,
      notAuditable,
      key,
      line,
    });
    ids.set(key, id);
    entries.push([id, entry, meta && isObject(meta.peerDependencies) ? meta.peerDependencies : undefined]);
  }

  const lookup = (dep: string, ref: string): number | undefined => {
    const c = ref.charCodeAt(0);
    if (style === 'v9') {
      return ids.get(`${dep}@${ref}`) ?? (ref.indexOf('@', 1) > 0 ? ids.get(ref) : undefined);
    }
    if (c === 47) return ids.get(ref); // '/real@1.0.0' alias (v6) or '/real/1.0.0' (v5)
    if (style === 'v6') return ids.get(`/${dep}@${ref}`) ?? ids.get(ref) ?? ids.get(`${dep}@${ref}`);
    return ids.get(`/${dep}/${ref}`) ?? ids.get(ref);
  };

  // importers
  const importerSection = isObject(raw.importers) ? raw.importers : { '.': raw };
  const importerIndex = new Map<string, number>();
  for (const ip in importerSection) {
    const m = project?.manifest(ip);
    importerIndex.set(ip, g.addImporter({ path: ip, ...(m?.name && { name: m.name }), ...(m?.version && { version: m.version }) }));
  }
  /** `link:` targets that are not importers: listed as not-auditable link packages, once each. */
  const links = new Map<string, number>();
  const linkTo = (base: string, dep: string, ref: string): number | undefined => {
    const target = posix.normalize(posix.join(base, ref.slice(5)));
    if (importerIndex.has(target)) return undefined; // a workspace: an importer of its own
    let to = links.get(target);
    if (to === undefined) {
      to = g.addPackage({ id: 0, dev: false, optional: false, peer: false, name: dep, version: '', key: `link:${target}`, notAuditable: { reason: 'link', spec: ref } });
      links.set(target, to);
    }
    return to;
  };
  for (const ip in importerSection) {
    const imp = importerSection[ip];
    if (!isObject(imp)) continue;
    const from = { importer: importerIndex.get(ip)! };
    const specifiers = isObject(imp.specifiers) ? imp.specifiers : undefined;
    for (const [field, kind] of IMPORTER_FIELDS) {
      const deps = imp[field];
      if (!isObject(deps)) continue;
      for (const dep in deps) {
        const v = deps[dep];
        const ref = isObject(v) ? String(v.version ?? '') : String(v);
        const spec = isObject(v) ? String(v.specifier ?? '') : specifiers ? String(specifiers[dep] ?? '') : undefined;
        if (ref.startsWith('link:')) {
          const to = linkTo(ip, dep, ref);
          if (to !== undefined) g.edge(from, to, kind, dep, spec);
          continue;
        }
        const to = lookup(dep, ref);
        if (to === undefined) {
          g.warn(`importer ${ip} depends on ${dep}@${ref}, which the lockfile does not list`);
          continue;
        }
        g.edge(from, to, kind, dep, spec || undefined);
      }
    }
  }
  for (const [id, entry, peers] of entries) {
    const from = { package: id };
    for (const [field, fieldKind] of PACKAGE_FIELDS) {
      const deps = entry[field];
      if (!isObject(deps)) continue;
      for (const dep in deps) {
        // pnpm lists the resolved peers among the dependencies; the metadata says which they are
        const kind = fieldKind === 'prod' && peers && dep in peers ? 'peer' : fieldKind;
        const ref = String(deps[dep]);
        const to = ref.startsWith('link:') ? linkTo('.', dep, ref) : lookup(dep, ref);
        if (to === undefined && ref.startsWith('link:')) continue;
        if (to === undefined) {
          if (kind !== 'optional') g.warn(`${g.packages[id]!.key} depends on ${dep}@${ref}, which the lockfile does not list`, g.packages[id]!.line);
          continue;
        }
        g.edge(from, to, kind, dep);
      }
    }
  }
  return g.finish({ manager: 'pnpm', reader: `${ID}@${VERSION}`, path, formatVersion: lv }, 'compute');
}
