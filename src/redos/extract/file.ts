/**
 * One file → its regex sites, with the size cap. Used in-process and by the worker pool
 * (extract/worker.ts): the outcome is plain data (structured-clone safe).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { extractFromSource, type ExtractResult, type ModuleReader } from './extract.ts';

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

export type FileOutcome =
  | ({ status: 'ok' } & ExtractResult)
  | { status: 'skipped'; reason: 'too-large' | 'unreadable' | 'binary'; message: string };

/** Largest file read to resolve constants through a relative require/import. */
const MAX_MODULE_BYTES = 512 * 1024;

/** Node-style resolution of a relative specifier to a local file (no packages, no symlinks). */
export const readSiblingModule: ModuleReader = (spec, fromFile) => {
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base, `${base}.js`, `${base}.cjs`, `${base}.mjs`, `${base}.ts`, `${base}.json`, resolve(base, 'index.js'), resolve(base, 'index.ts')];
  if (/\.[cm]?js$/.test(base)) candidates.push(base.replace(/\.([cm]?)js$/, '.$1ts')); // TS sources import './x.js'
  for (const c of candidates) {
    try {
      const st = statSync(c);
      if (!st.isFile() || st.size > MAX_MODULE_BYTES) continue;
      return { source: readFileSync(c, 'utf8'), filename: c };
    } catch {
      /* next candidate */
    }
  }
  return undefined;
};

export function extractFile(abs: string, maxBytes: number = DEFAULT_MAX_FILE_BYTES): FileOutcome {
  let text: string;
  try {
    const size = statSync(abs).size;
    if (size > maxBytes) {
      return { status: 'skipped', reason: 'too-large', message: `${size} bytes is over the ${maxBytes}-byte limit (--max-file-size)` };
    }
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    return { status: 'skipped', reason: 'unreadable', message: (err as Error).message };
  }
  if (text.includes('\u0000')) return { status: 'skipped', reason: 'binary', message: 'contains NUL bytes: not a source file' };
  try {
    return { status: 'ok', ...extractFromSource(text, abs, { readModule: readSiblingModule }) };
  } catch (err) {
    // The parser or folder failing on one file must not stop the scan.
    return { status: 'ok', sites: [], badSuppressions: [], dynamic: 0, foldExhausted: false, parseError: { message: `extraction failed: ${(err as Error).message}`, line: 1, column: 1 } };
  }
}
