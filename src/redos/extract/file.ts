/**
 * One file → its regex sites, with the size cap. Used in-process and by the worker pool
 * (extract/worker.ts): the outcome is plain data (structured-clone safe).
 */
import { readFileSync, statSync } from 'node:fs';
import { extractFromSource, type ExtractResult } from './extract.ts';

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

export type FileOutcome =
  | ({ status: 'ok' } & ExtractResult)
  | { status: 'skipped'; reason: 'too-large' | 'unreadable' | 'binary'; message: string };

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
    return { status: 'ok', ...extractFromSource(text, abs) };
  } catch (err) {
    // The parser or folder failing on one file must not stop the scan.
    return { status: 'ok', sites: [], badSuppressions: [], dynamic: 0, foldExhausted: false, parseError: { message: `extraction failed: ${(err as Error).message}`, line: 1, column: 1 } };
  }
}
