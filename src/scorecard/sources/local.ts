/**
 * A local checkout as a RepoSource. The file list is what the repository holds: `git ls-files`
 * when the directory is a git work tree (so node_modules/, build output and other ignored files
 * are not "repository content", exactly as on GitHub), otherwise a walk that skips `.git` and
 * `node_modules`. Reads are capped: a file over the cap reads as absent.
 */
import { execFile } from 'node:child_process';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../core/errors.ts';
import type { RepoSource } from '../types.ts';

const run = promisify(execFile);

export interface LocalSourceOptions {
  /** Largest file read, in bytes (default 8 MiB). */
  maxFileBytes?: number;
  /** Most files listed (default 200,000). */
  maxFiles?: number;
  /** Use git when available (default true). */
  git?: boolean;
}

async function gitFiles(dir: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('git', ['-C', dir, 'ls-files', '-z', '--cached'], { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
    return stdout.split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

async function walk(dir: string, max: number): Promise<string[]> {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name === '.git' || e.name === 'node_modules') continue;
        stack.push(p);
      } else if (e.isFile()) {
        out.push(relative(dir, p).split(sep).join('/'));
        if (out.length >= max) return out;
      }
    }
  }
  return out;
}

export async function localSource(dir: string, opts: LocalSourceOptions = {}): Promise<RepoSource> {
  try {
    if (!(await lstat(dir)).isDirectory()) throw new Error('not a directory');
  } catch (cause) {
    throw new AppError('ERR_INPUT_NOT_FOUND', `not a directory: ${dir}`, { file: dir, cause, hint: 'give the root of a repository checkout' });
  }
  const maxBytes = opts.maxFileBytes ?? 8 * 1024 * 1024;
  const maxFiles = opts.maxFiles ?? 200_000;
  let files: readonly string[] | undefined;
  let head: string | undefined | null = null;
  return {
    uri: `local:${dir}`,
    async listFiles() {
      if (!files) {
        const fromGit = opts.git === false ? undefined : await gitFiles(dir);
        files = (fromGit ?? (await walk(dir, maxFiles))).slice(0, maxFiles).sort();
      }
      return files;
    },
    async readFile(path) {
      const abs = join(dir, path);
      try {
        const st = await lstat(abs);
        if (!st.isFile() || st.size > maxBytes) return undefined;
        return await readFile(abs);
      } catch {
        return undefined;
      }
    },
    async headCommit() {
      if (head === null) {
        try {
          head = (await run('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 10_000 })).stdout.trim() || undefined;
        } catch {
          head = undefined;
        }
      }
      return head;
    },
  };
}

/** An in-memory repository, for tests and for content fetched from an API. */
export function memorySource(files: Record<string, string | Buffer>, uri = 'memory:'): RepoSource {
  const names = Object.keys(files).sort();
  return {
    uri,
    listFiles: async () => names,
    readFile: async (p) => {
      const v = files[p];
      return v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v);
    },
  };
}
