/**
 * Does the lockfile still describe the project? For every importer whose package.json we
 * can read, every declared dependency (dependencies, devDependencies, optionalDependencies)
 * must be locked, and the locked version must satisfy the declared range, the check `npm ci`
 * makes before installing. Otherwise the audit would describe packages that are not what
 * `npm install` would put on disk.
 *
 * Not checked (cannot be wrong in a way we can tell): optional dependencies left out (they
 * may be platform-specific), workspace siblings, and ranges that are not semver (`catalog:`,
 * `workspace:`, git, file, tags), whose resolution only the package manager knows.
 */
import semver from 'semver';
import type { LockGraph } from '../core/lockgraph.ts';
import type { Manifest, ProjectFiles } from './types.ts';

export interface Mismatch {
  /** package.json path relative to the lockfile directory. */
  file: string;
  /** JSON pointer of the declaration in that package.json. */
  pointer: string;
  dependency: string;
  declared: string;
  /** The locked version, when one is locked but does not satisfy the declared range. */
  locked?: string;
}

const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

export function findMismatches(graph: LockGraph, project: ProjectFiles): Mismatch[] {
  const out: Mismatch[] = [];
  const importerNames = new Set(graph.importers.map((i) => i.name).filter(Boolean));
  // importer -> dependency name -> locked package ids
  const locked = graph.importers.map(() => new Map<string, number[]>());
  // monorepos repeat the same ranges: parse each once (undefined: not a semver range)
  const ranges = new Map<string, semver.Range | undefined>();
  const rangeOf = (range: string): semver.Range | undefined => {
    if (ranges.has(range)) return ranges.get(range);
    let r: semver.Range | undefined;
    try {
      r = new semver.Range(range, { loose: true, includePrerelease: true });
    } catch {
      r = undefined;
    }
    ranges.set(range, r);
    return r;
  };
  for (const e of graph.edges) {
    if (!('importer' in e.from)) continue;
    const m = locked[e.from.importer]!;
    const list = m.get(e.name);
    if (list) list.push(e.to);
    else m.set(e.name, [e.to]);
  }
  graph.importers.forEach((imp, i) => {
    const manifest: Manifest | undefined = project.manifest(imp.path);
    if (!manifest) return;
    const file = imp.path === '.' ? 'package.json' : `${imp.path}/package.json`;
    for (const field of FIELDS) {
      // shrinkwraps from before npm 5 never recorded devDependencies
      if (field === 'devDependencies' && graph.formatVersion.startsWith('shrinkwrap')) continue;
      const deps = manifest[field];
      if (!deps || typeof deps !== 'object') continue;
      for (const dep in deps) {
        const declared = String(deps[dep]);
        const pointer = `/${field}/${dep.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        const ids = locked[i]!.get(dep);
        if (!ids) {
          if (field === 'optionalDependencies' || importerNames.has(dep) || /^(?:workspace|link|portal|file):/.test(declared)) continue;
          if (field === 'dependencies' && manifest.optionalDependencies && dep in manifest.optionalDependencies) continue;
          out.push({ file, pointer, dependency: dep, declared });
          continue;
        }
        let range = declared;
        if (range.startsWith('npm:')) {
          const at = range.indexOf('@', 5);
          range = at < 0 ? '' : range.slice(at + 1);
        }
        const parsed = range ? rangeOf(range) : undefined;
        if (!parsed) continue;
        const versions = ids.map((id) => graph.packages[id]!).filter((p) => !p.notAuditable).map((p) => p.version);
        if (versions.length && !versions.some((v) => parsed.test(v))) {
          out.push({ file, pointer, dependency: dep, declared, locked: versions.join(', ') });
        }
      }
    }
  });
  return out;
}
