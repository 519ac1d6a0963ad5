/**
 * The WG's index.json files, generated the way its tools do (nodejs/security-wg
 * tools/create_index): an object keyed by the record file name (without `.json`) holding each
 * record as it is in its file. core and deps: `JSON.stringify(index, null, 2)`, no trailing
 * newline; npm: compact `JSON.stringify(index)` (the committed npm index predates the
 * pretty-printing change). Integer-like keys come out in numeric order, as in JavaScript.
 */
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { isAppError, parseJson } from '../core/errors.ts';
import { NSWG_KINDS, nswgRecordFiles } from './readers.ts';
import type { NswgKind } from './nswg.ts';
import { VEX_JUSTIFICATIONS } from '../core/osv.ts';
import type { Problem } from './validate.ts';

export interface IndexResult {
  kind: NswgKind;
  file: string;
  /** The index as the WG tool writes it; undefined when a record could not be read. */
  text?: string;
  records: number;
  /** True when the file on disk differs (core, deps: bytes; npm: JSON value). */
  stale: boolean;
  missing: boolean;
  problems: Problem[];
}

/** How the WG writes each index. */
export function formatIndex(kind: NswgKind, index: Record<string, unknown>): string {
  return kind === 'npm' ? JSON.stringify(index) : JSON.stringify(index, null, 2);
}

/** Builds the three indexes of a vuln dir and compares them with the files on disk. */
export async function buildIndexes(vulnDir: string, display = vulnDir): Promise<IndexResult[]> {
  const out: IndexResult[] = [];
  for (const kind of NSWG_KINDS) {
    const dir = join(vulnDir, kind);
    const files = await nswgRecordFiles(dir);
    const indexFile = join(dir, 'index.json');
    const shown = join(display, kind, 'index.json');
    const problems: Problem[] = [];
    const index: Record<string, unknown> = {};
    for (const name of files) {
      const file = join(dir, name);
      const displayFile = join(display, kind, name);
      try {
        const value = parseJson(await readFile(file, 'utf8'), displayFile);
        if (kind === 'deps') {
          const reason = (value as { reason?: unknown } | null)?.reason;
          if (typeof reason !== 'string' || !(VEX_JUSTIFICATIONS as readonly string[]).includes(reason)) {
            problems.push({ level: 'error', rule: 'nswg/justification', file: displayFile, pointer: '/reason', message: `"reason" must be an OpenVEX justification, not ${JSON.stringify(reason)}`, hint: `one of: ${VEX_JUSTIFICATIONS.join(', ')}` });
          }
        }
        index[name.slice(0, name.indexOf('.json'))] = value;
      } catch (err) {
        problems.push(isAppError(err)
          ? { level: 'error', rule: 'json/syntax', file: displayFile, ...(err.line !== undefined && { line: err.line, column: err.column }), message: err.message }
          : { level: 'error', rule: 'input/unreadable', file: displayFile, message: (err as Error).message });
      }
    }
    if (files.length === 0) continue;
    const text = problems.length ? undefined : formatIndex(kind, index);
    const current = await readFile(indexFile, 'utf8').catch(() => undefined);
    let stale = current === undefined;
    if (text !== undefined && current !== undefined) {
      if (kind === 'npm') {
        try {
          stale = !isDeepStrictEqual(JSON.parse(current), index);
        } catch {
          stale = true;
        }
      } else stale = current !== text;
    }
    out.push({ kind, file: shown, ...(text !== undefined && { text }), records: files.length, stale, missing: current === undefined, problems });
  }
  return out;
}
