/**
 * Lockfile reading: find lockfiles, pick the reader (by file name, then content), read the
 * file under a size cap, hand the reader the project's manifests, return the LockGraph.
 *
 * ```ts
 * for (const file of await findLockfiles('.', { recursive: true })) {
 *   const graph = await readLockfile(file);
 * }
 * ```
 */
import { globSync, readFileSync } from 'node:fs';
import { open, opendir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import picomatch from 'picomatch';
import { AppError, isAppError } from '../core/errors.ts';
import type { LockGraph } from '../core/lockgraph.ts';
import { findMismatches } from './mismatch.ts';
import { readers } from './registry.ts';
import type { LockfileReader, Manifest, ProjectFiles } from './types.ts';

export { readers } from './registry.ts';
export { dependencyPaths } from './paths.ts';
export { findMismatches, type Mismatch } from './mismatch.ts';
export type { LockfileReader, LockfileInput, Manifest, ProjectFiles } from './types.ts';

/** Default size cap: a 32 MiB lockfile parses into several hundred MB of heap. */
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/** File names of the lockfiles we look for, in the order we report them within one directory. */
export const LOCKFILE_NAMES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'] as const;

export interface ReadOptions {
  /** Refuse files larger than this (bytes); default DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  /** Do not read package.json files next to the lockfile (no manifests, no mismatch check). */
  noManifests?: boolean;
  /**
   * A dependency declared in a package.json but absent from the lockfile: `error` (default,
   * ERR_LOCKFILE_MISMATCH: the audit would silently miss it) or `warn`. Versions outside the
   * declared range are always warnings (the locked package is still audited).
   */
  mismatch?: 'error' | 'warn';
}

/** Read a lockfile (or the single lockfile in a directory) into a LockGraph. */
export async function readLockfile(path: string, opts: ReadOptions = {}): Promise<LockGraph> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  // one handle for the size check and the read: no window for the file to change between them
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
  } catch (cause) {
    // Windows cannot open a directory
    if ((await stat(path).catch(() => undefined))?.isDirectory()) return readDirectory(path, opts);
    throw new AppError('ERR_INPUT_NOT_FOUND', `${path}: no such file or directory`, { file: path, cause });
  }
  let buf: Buffer;
  try {
    const st = await fh.stat();
    if (st.isDirectory()) {
      await fh.close();
      fh = undefined;
      return await readDirectory(path, opts);
    }
    if (st.size > maxBytes) {
      throw new AppError('ERR_INPUT_TOO_LARGE', `${path} is ${mb(st.size)}, over the ${mb(maxBytes)} limit for lockfiles`, {
        file: path,
        hint: 'check this is the lockfile you meant: real lockfiles stay well under the limit, which bounds memory',
        details: { size: st.size, limit: maxBytes },
      });
    }
    buf = await readBounded(fh, path, st.size, maxBytes);
  } finally {
    await fh?.close();
  }
  if (basename(path).endsWith('.lockb')) {
    throw new AppError('ERR_LOCKFILE_UNSUPPORTED', `${path}: binary lockfile (bun.lockb) is not supported`, {
      file: path,
      hint: 'run `bun install --save-text-lockfile` (bun 1.1.39+) to write the text bun.lock, which nodesec reads',
    });
  }
  if (buf.subarray(0, 4096).includes(0)) {
    throw new AppError('ERR_LOCKFILE_UNSUPPORTED', `${path}: a binary file, not a lockfile`, {
      file: path,
      hint: `nodesec reads the text lockfiles ${LOCKFILE_NAMES.filter((n) => n !== 'bun.lockb').join(', ')}`,
    });
  }
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const reader = pickReader(path, text);
  if (!reader) {
    throw new AppError('ERR_LOCKFILE_UNSUPPORTED', `${path}: not a lockfile nodesec recognises`, {
      file: path,
      line: 1,
      hint: `nodesec reads ${LOCKFILE_NAMES.filter((n) => n !== 'bun.lockb').join(', ')}`,
    });
  }
  const project = opts.noManifests ? undefined : projectFiles(dirname(path));
  let graph: LockGraph;
  try {
    graph = await reader.read({ path, text, ...(project && { project }) });
  } catch (err) {
    if (isAppError(err)) throw err;
    // a bug, or an input pathological enough to exhaust the stack: say which file
    throw new AppError(err instanceof RangeError ? 'ERR_LOCKFILE_PARSE' : 'ERR_INTERNAL', `${path}: ${reader.id} failed: ${err instanceof Error ? err.message : String(err)}`, {
      file: path,
      cause: err,
      hint: err instanceof RangeError ? 'the lockfile is nested too deeply to read' : 'please report this with the lockfile',
    });
  }
  if (project) checkManifests(graph, project, path, opts.mismatch ?? 'error');
  return graph;
}

/** The single lockfile in a directory. */
async function readDirectory(path: string, opts: ReadOptions): Promise<LockGraph> {
  const found = await findLockfiles(path);
  if (found.length !== 1) {
    throw new AppError(found.length ? 'ERR_USAGE' : 'ERR_LOCKFILE_NOT_FOUND',
      found.length ? `${path} holds ${found.length} lockfiles (${found.map((f) => basename(f)).join(', ')}); name one` : `${path}: no lockfile found`,
      { file: path, hint: found.length ? 'pass the lockfile itself' : `nodesec reads ${LOCKFILE_NAMES.join(', ')}` });
  }
  return readLockfile(found[0]!, opts);
}

function checkManifests(graph: LockGraph, project: ProjectFiles, path: string, mode: 'error' | 'warn'): void {
  const found = findMismatches(graph, project);
  const missing = found.filter((m) => m.locked === undefined);
  for (const m of found) {
    if (m.locked !== undefined) {
      graph.warnings.push({ message: `${m.file}: ${m.dependency}@${m.declared} is locked at ${m.locked}, outside the declared range (the lockfile is stale)` });
    } else if (mode === 'warn') {
      graph.warnings.push({ message: `${m.file}: ${m.dependency}@${m.declared} is not in the lockfile, so it is not audited` });
    }
  }
  if (mode === 'error' && missing.length) {
    const first = missing[0]!;
    const list = missing.slice(0, 5).map((m) => `${m.file}: ${m.dependency}@${m.declared}`).join('; ');
    throw new AppError('ERR_LOCKFILE_MISMATCH',
      `${path} does not lock ${missing.length} dependenc${missing.length === 1 ? 'y' : 'ies'} declared in package.json (${list}${missing.length > 5 ? '; ...' : ''})`, {
        file: join(dirname(path), first.file),
        pointer: first.pointer,
        hint: 'run your package manager\'s install to update the lockfile, or audit it as it is with --allow-mismatch (those dependencies stay unaudited)',
        details: { lockfile: path, missing },
      });
  }
}

/**
 * The file's bytes, never more than `maxBytes` even if it grew since it was measured (the
 * cap is what bounds memory).
 */
async function readBounded(fh: FileHandle, path: string, size: number, maxBytes: number): Promise<Buffer> {
  let buf = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
  let n = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
    if (bytesRead === 0) break;
    n += bytesRead;
    if (n === buf.length) {
      if (n > maxBytes) break;
      // the file grew since it was measured: keep reading, up to one byte over the cap
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
  }
  if (n > maxBytes) {
    throw new AppError('ERR_INPUT_TOO_LARGE', `${path} is over the ${mb(maxBytes)} limit for lockfiles`, {
      file: path,
      hint: 'check this is the lockfile you meant: real lockfiles stay well under the limit, which bounds memory',
      details: { limit: maxBytes },
    });
  }
  return buf.subarray(0, n);
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The reader for a file: by name first, then by sniffing the content for renamed files. */
export function pickReader(path: string, text: string): LockfileReader | undefined {
  const head = text.slice(0, 4096);
  for (const r of readers) if (r.matches(path, head)) return r;
  // renamed files: guess the name from the content, then ask again
  const t = head.trimStart();
  let guess: string | undefined;
  if (t.startsWith('{')) {
    if (/"lockfileVersion"\s*:\s*\d+\s*,\s*"workspaces"/.test(head) || /"workspaces"\s*:\s*\{\s*"":/.test(head)) guess = 'bun.lock';
    else if (/"lockfileVersion"|"dependencies"|"packages"/.test(head)) guess = 'package-lock.json';
  } else if (/^# yarn lockfile v1|^__metadata:/m.test(head)) guess = 'yarn.lock';
  else if (/^lockfileVersion:/m.test(head)) guess = 'pnpm-lock.yaml';
  if (!guess) return undefined;
  for (const r of readers) if (r.matches(guess, head)) return r;
  return undefined;
}

/** package.json files and workspace globs relative to the lockfile's directory, read on demand. */
export function projectFiles(dir: string): ProjectFiles {
  const cache = new Map<string, Manifest | undefined>();
  return {
    manifest(rel) {
      if (cache.has(rel)) return cache.get(rel);
      let m: Manifest | undefined;
      try {
        let text = readFileSync(join(dir, rel, 'package.json'), 'utf8');
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        const v: unknown = JSON.parse(text);
        m = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Manifest) : undefined;
      } catch {
        m = undefined;
      }
      cache.set(rel, m);
      return m;
    },
    workspaces(patterns) {
      const clean = (p: string) => p.replace(/^\.\//, '').replace(/\/+$/, '');
      const globs = patterns.filter((p) => !p.startsWith('!')).map((p) => `${clean(p)}/package.json`);
      const negated = patterns.filter((p) => p.startsWith('!')).map((p) => clean(p.slice(1)));
      const excluded = negated.length ? picomatch(negated) : () => false;
      try {
        const hits = globSync(globs, { cwd: dir, exclude: (f) => basename(String(f)) === 'node_modules' });
        return [...new Set(hits.map((h) => dirname(String(h)).split('\\').join('/')))].filter((d) => d !== '.' && !excluded(d)).sort();
      } catch {
        return [];
      }
    },
  };
}

/**
 * Lockfiles in a directory (all of them when several sit side by side), or the path itself
 * when it is a file. `recursive` walks the tree, skipping node_modules, .git and symlinks.
 */
export async function findLockfiles(dir: string, opts: { recursive?: boolean; maxDepth?: number } = {}): Promise<string[]> {
  let st;
  try {
    st = await stat(dir);
  } catch (cause) {
    throw new AppError('ERR_INPUT_NOT_FOUND', `${dir}: no such file or directory`, { file: dir, cause });
  }
  if (!st.isDirectory()) return [dir];
  const out: string[] = [];
  const maxDepth = opts.maxDepth ?? 32;
  const walk = async (d: string, depth: number): Promise<void> => {
    const files: string[] = [];
    const subdirs: string[] = [];
    for await (const ent of await opendir(d)) {
      if (ent.isFile() && (LOCKFILE_NAMES as readonly string[]).includes(ent.name)) files.push(ent.name);
      else if (opts.recursive && ent.isDirectory() && ent.name !== 'node_modules' && ent.name !== '.git') subdirs.push(ent.name);
    }
    // bun.lockb beside bun.lock is the stale binary one bun keeps after migrating: skip it
    if (files.includes('bun.lock')) files.splice(files.indexOf('bun.lockb'), files.includes('bun.lockb') ? 1 : 0);
    files.sort((a, b) => LOCKFILE_NAMES.indexOf(a as never) - LOCKFILE_NAMES.indexOf(b as never));
    for (const f of files) out.push(join(d, f));
    if (depth >= maxDepth) return;
    for (const s of subdirs.sort()) await walk(join(d, s), depth + 1);
  };
  await walk(dir, 0);
  return out;
}
