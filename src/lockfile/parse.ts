/** Syntax parsing shared by the readers, turning every failure into ERR_LOCKFILE_PARSE with a position. */
import { FAILSAFE_SCHEMA, load as loadYaml } from 'js-yaml';
import { AppError, isAppError, lineColumn, parseJson } from '../core/errors.ts';

/** JSON.parse with ERR_LOCKFILE_PARSE (file, line, column) on failure. */
export function parseLockJson(text: string, path: string): unknown {
  try {
    return parseJson(text, path);
  } catch (err) {
    if (isAppError(err)) {
      throw new AppError('ERR_LOCKFILE_PARSE', `${path}: ${err.message}`, {
        file: path,
        ...(err.line !== undefined && { line: err.line }),
        ...(err.column !== undefined && { column: err.column }),
        cause: err,
        hint: 'the lockfile is truncated or corrupt: regenerate it with your package manager',
      });
    }
    throw err;
  }
}

export function parseError(path: string, message: string, at?: { line?: number; column?: number } | number, text?: string, cause?: unknown): AppError {
  const pos = typeof at === 'number' && text !== undefined ? lineColumn(text, at) : typeof at === 'object' ? at : undefined;
  return new AppError('ERR_LOCKFILE_PARSE', `${path}: ${message}`, {
    file: path,
    ...(pos?.line !== undefined && { line: pos.line }),
    ...(pos?.column !== undefined && { column: pos.column }),
    ...(cause !== undefined && { cause }),
    hint: 'the lockfile is truncated or corrupt: regenerate it with your package manager',
  });
}

export function unsupported(path: string, what: string, hint: string, line?: number): AppError {
  return new AppError('ERR_LOCKFILE_UNSUPPORTED', `${path}: ${what}`, {
    file: path,
    ...(line !== undefined && { line }),
    hint,
  });
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object's string-valued entries (dependency maps); anything else yields nothing. */
export function depMap(v: unknown): Record<string, string> | undefined {
  return isObject(v) ? (v as Record<string, string>) : undefined;
}

/** Split `name@range` / `@scope/name@range` at the separating `@`. */
export function splitAt(s: string): [name: string, rest: string] {
  const i = s.indexOf('@', 1);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/**
 * YAML with every scalar a string (FAILSAFE schema: `1.10` stays `1.10`, and it is the fastest
 * schema); ERR_LOCKFILE_PARSE with the line on failure.
 */
export function parseLockYaml(text: string, path: string): unknown {
  try {
    return loadYaml(text, { schema: FAILSAFE_SCHEMA, filename: path });
  } catch (err) {
    const mark = (err as { mark?: { line?: number; column?: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? (err instanceof Error ? err.message : String(err));
    throw parseError(path, `malformed YAML: ${reason}`,
      mark?.line !== undefined ? { line: mark.line + 1, column: (mark.column ?? 0) + 1 } : { line: 1, column: 1 }, undefined, err);
  }
}
