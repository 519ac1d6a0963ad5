/**
 * Which files a regex scan reads: project sources (honouring every .gitignore on the way down,
 * never node_modules or .git) and installed packages (each package's own files, attributed to
 * name@version, with the integrity npm recorded when there is one).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { SOURCE_EXTENSIONS } from './extract.ts';

const EXT = new Set<string>(SOURCE_EXTENSIONS);

export function isSourceFile(name: string): boolean {
  if (name.endsWith('.d.ts') || name.endsWith('.d.mts') || name.endsWith('.d.cts')) return false;
  const dot = name.lastIndexOf('.');
  return dot > 0 && EXT.has(name.slice(dot).toLowerCase());
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/** Hard bound on directory entries visited, so that a pathological tree cannot run forever. */
const MAX_ENTRIES = 2_000_000;

/**
 * Source files under `dir` (absolute paths), skipping node_modules, VCS dirs and whatever the
 * .gitignore files say. `root` is where paths are made relative for ignore matching.
 */
export function listSourceFiles(
  dir: string,
  opts: { gitignore?: boolean; skip?: (name: string, isDir: boolean) => boolean; root?: string } = {},
): string[] {
  const out: string[] = [];
  const useGitignore = opts.gitignore !== false;
  let visited = 0;
  const walk = (abs: string, rules: { base: string; ig: Ignore }[]) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    let here = rules;
    if (useGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        here = [...rules, { base: abs, ig: ignore().add(readFileSync(join(abs, '.gitignore'), 'utf8')) }];
      } catch {
        /* unreadable .gitignore: ignore nothing more */
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (++visited > MAX_ENTRIES) return;
      if (e.name === 'node_modules' || e.name === '.git' || e.name === '.hg' || e.name === '.svn') continue;
      const child = join(abs, e.name);
      const isDir = e.isDirectory();
      if (!isDir && !e.isFile()) continue; // symlinks and specials are not followed
      if (!isDir && !isSourceFile(e.name)) continue;
      if (opts.skip?.(e.name, isDir)) continue;
      if (here.some((r) => r.ig.ignores(toPosix(relative(r.base, child)) + (isDir ? '/' : '')))) continue;
      if (isDir) walk(child, here);
      else out.push(child);
    }
  };
  // Scanning a subdirectory: the .gitignore files between the root and it apply too.
  const inherited: { base: string; ig: Ignore }[] = [];
  if (useGitignore && opts.root) {
    const rel = relative(opts.root, dir);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) {
      let cur = opts.root;
      for (const part of ['', ...rel.split(sep).slice(0, -1)]) {
        cur = part ? join(cur, part) : cur;
        try {
          inherited.push({ base: cur, ig: ignore().add(readFileSync(join(cur, '.gitignore'), 'utf8')) });
        } catch {
          /* no .gitignore here */
        }
      }
      // The directory itself may be ignored by an ancestor's rules.
      if (inherited.some((r) => r.ig.ignores(`${toPosix(relative(r.base, dir))}/`))) return out;
    }
  }
  walk(dir, inherited);
  return out;
}

export interface InstalledPackage {
  name: string;
  version: string;
  /** Absolute directory of the package. */
  dir: string;
  /** Path relative to the project root, e.g. `node_modules/a/node_modules/b`. */
  location: string;
  /** npm's integrity when known (from node_modules/.package-lock.json). */
  integrity?: string;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every package installed under `root/node_modules` (nested ones too), in path order. npm's
 * hidden lockfile gives integrities; without it (yarn, pnpm, copied trees) the directories are
 * walked and the cache key falls back to a content fingerprint.
 */
export function listInstalledPackages(root: string): InstalledPackage[] {
  const nm = join(root, 'node_modules');
  if (!existsSync(nm)) return [];
  const integrity = new Map<string, string>();
  const hidden = readJson(join(nm, '.package-lock.json'));
  const pkgs = hidden?.packages;
  if (pkgs && typeof pkgs === 'object') {
    for (const [loc, meta] of Object.entries(pkgs as Record<string, { integrity?: unknown }>)) {
      if (typeof meta?.integrity === 'string') integrity.set(loc, meta.integrity);
    }
  }
  const out: InstalledPackage[] = [];
  const seen = new Set<string>();
  const visitNodeModules = (dir: string, depth: number) => {
    if (depth > 40) return;
    let names: Dirent[];
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of names) {
      if (e.name.startsWith('.')) continue;
      const abs = join(dir, e.name);
      if (e.name.startsWith('@') && e.isDirectory()) {
        visitNodeModules(abs, depth);
        continue;
      }
      if (!e.isDirectory() && !e.isSymbolicLink()) continue;
      let real: string;
      try {
        real = statSync(abs).isDirectory() ? abs : '';
      } catch {
        continue;
      }
      if (!real) continue;
      const manifest = readJson(join(abs, 'package.json'));
      if (manifest && typeof manifest.name === 'string') {
        const location = toPosix(relative(root, abs));
        const version = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
        const key = `${manifest.name}@${version}@${location}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ name: manifest.name, version, dir: abs, location, ...(integrity.has(location) && { integrity: integrity.get(location)! }) });
        }
      }
      const nested = join(abs, 'node_modules');
      if (e.isDirectory() && existsSync(nested)) visitNodeModules(nested, depth + 1);
    }
  };
  visitNodeModules(nm, 0);
  return out;
}

/** Directories and files of a published package that its users never load. */
const NOT_SHIPPED_DIR = /^(?:test|tests|__tests__|__mocks__|spec|specs|example|examples|benchmark|benchmarks|\.github)$/;
const NOT_SHIPPED_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/;

/**
 * A package's own source files: nested node_modules excluded, .gitignore not applied, and its
 * tests, examples and benchmarks left out (code that its users never load).
 */
export function listPackageFiles(pkg: InstalledPackage): string[] {
  return listSourceFiles(pkg.dir, { gitignore: false, skip: (name, isDir) => (isDir ? NOT_SHIPPED_DIR.test(name) : NOT_SHIPPED_FILE.test(name)) });
}

/**
 * Cache key of an installed package: npm's integrity when known, else a fingerprint of its
 * package.json and every source file's path, size and mtime.
 */
export function packageFingerprint(pkg: InstalledPackage, files: readonly string[]): string {
  if (pkg.integrity) return `integrity:${pkg.integrity}`;
  const h = createHash('sha256');
  try {
    h.update(readFileSync(join(pkg.dir, 'package.json')));
  } catch {
    /* no manifest */
  }
  for (const f of files) {
    try {
      const st = statSync(f);
      h.update(`\n${toPosix(relative(pkg.dir, f))}\t${st.size}\t${st.mtimeMs}`);
    } catch {
      h.update(`\n${f}\t-`);
    }
  }
  return `files:${h.digest('hex')}`;
}
