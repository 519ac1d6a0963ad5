/**
 * Per-package cache of `nodesec regex --node-modules`: the regex sites of an installed package
 * and the analysis of each of its patterns, keyed by the package's integrity (or content
 * fingerprint), the extractor version and the engine build. A re-scan only reads and analyses
 * the packages that changed.
 *
 * Location: `--cache-dir`, else $NODESEC_CACHE_DIR, else the user cache dir
 * ($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on
 * Windows) + `/nodesec/regex`. Entries are plain JSON files written atomically; a corrupt or
 * foreign entry is a miss, never an error.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir, platform as osPlatform } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RegexAnalysis } from './types.ts';
import type { ExtractedSite } from './extract/extract.ts';

/** Bump when extraction output changes. */
export const EXTRACTOR_VERSION = 3;

export function userCacheDir(env: Readonly<Record<string, string | undefined>>, platform: string = osPlatform()): string {
  if (env.NODESEC_CACHE_DIR) return env.NODESEC_CACHE_DIR;
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'nodesec', 'cache');
  if (platform === 'darwin') return join(env.HOME ?? homedir(), 'Library', 'Caches', 'nodesec');
  return join(env.XDG_CACHE_HOME || join(env.HOME ?? homedir(), '.cache'), 'nodesec');
}

/**
 * Identity of the analysis engine build: its modules' sizes and mtimes, so that a changed
 * engine never serves stale verdicts from the cache.
 */
let engineId: string | undefined;
export function engineBuildId(): string {
  if (engineId) return engineId;
  const h = createHash('sha256');
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  for (const rel of [`./analyze${ext}`, `./types${ext}`]) {
    try {
      const st = statSync(fileURLToPath(new URL(rel, import.meta.url)));
      h.update(`${rel}:${st.size}:${st.mtimeMs};`);
    } catch {
      h.update(`${rel}:-;`);
    }
  }
  engineId = h.digest('hex').slice(0, 16);
  return engineId;
}

export interface CachedFile {
  /** Path relative to the package directory. */
  file: string;
  sites: ExtractedSite[];
  parseError?: { message: string; line: number; column: number };
  skipped?: { reason: string; message: string };
  dynamic: number;
}

export interface PackageCacheEntry {
  format: 1;
  key: string;
  package: string;
  files: CachedFile[];
  /** Analyses by `flags/pattern`. */
  analyses: Record<string, RegexAnalysis>;
}

export class RegexCache {
  readonly dir: string;
  hits = 0;
  misses = 0;

  constructor(baseDir: string) {
    this.dir = join(baseDir, 'regex', `v${EXTRACTOR_VERSION}`);
  }

  private path(pkg: string, key: string, settings: string): string {
    const id = createHash('sha256').update(`${pkg}\n${key}\n${settings}\n${engineBuildId()}`).digest('hex');
    return join(this.dir, id.slice(0, 2), `${id}.json`);
  }

  get(pkg: string, key: string, settings: string): PackageCacheEntry | undefined {
    try {
      const e = JSON.parse(readFileSync(this.path(pkg, key, settings), 'utf8')) as PackageCacheEntry;
      if (e.format !== 1 || e.key !== key || e.package !== pkg || !Array.isArray(e.files)) throw new Error('stale');
      this.hits++;
      return e;
    } catch {
      this.misses++;
      return undefined;
    }
  }

  set(entry: PackageCacheEntry, settings: string): void {
    this.write(this.path(entry.package, entry.key, settings), entry);
  }

  private analysisPath(pattern: string, flags: string, settings: string): string {
    const id = createHash('sha256').update(`${flags}\n${pattern}\n${settings}\n${engineBuildId()}`).digest('hex');
    return join(this.dir, 'patterns', id.slice(0, 2), `${id}.json`);
  }

  /** One pattern's analysis (shared by every package and version that contains it). */
  getAnalysis(pattern: string, flags: string, settings: string): RegexAnalysis | undefined {
    try {
      const a = JSON.parse(readFileSync(this.analysisPath(pattern, flags, settings), 'utf8')) as RegexAnalysis;
      return a.pattern === pattern && a.flags === flags && a.verdict ? a : undefined;
    } catch {
      return undefined;
    }
  }

  setAnalysis(a: RegexAnalysis, settings: string): void {
    this.write(this.analysisPath(a.pattern, a.flags, settings), a);
  }

  private write(p: string, value: unknown): void {
    try {
      mkdirSync(join(p, '..'), { recursive: true });
      const tmp = `${p}.${randomUUID()}.tmp`;
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, p);
    } catch {
      /* a read-only or full cache dir only costs speed */
    }
  }
}

/** A timeout depends on the machine's load at the time: never cached. */
export const cacheable = (a: RegexAnalysis) => !(a.verdict.kind === 'unknown' && a.verdict.why === 'timeout');

export const patternKey = (pattern: string, flags: string) => `${flags}/${pattern}`;
