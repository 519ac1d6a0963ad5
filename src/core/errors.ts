/**
 * The one table of error codes. Every code is `ERR_<DOMAIN>_<WHAT>`, carries the exit code
 * the CLI uses and the HTTP status the hub answers with. `docs/errors.md` documents every
 * code and a test keeps both in sync: add a code here and a section there together.
 * Retired codes are never reused.
 *
 * Match on `err.code`, never on `instanceof` (copies of a module loaded twice break
 * `instanceof`). Always pass `{ cause }` when wrapping.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { EXIT, type ExitCode } from './exit-codes.ts';

export interface ErrorMeta {
  /** One-line description of the condition, used in docs and as the default message. */
  readonly title: string;
  readonly exit: ExitCode;
  readonly http: number;
}

export const ERRORS = {
  // usage and configuration
  ERR_USAGE: { title: 'Invalid command line usage', exit: EXIT.USAGE, http: 400 },
  ERR_CONFIG_INVALID: { title: 'Invalid configuration or ignore file', exit: EXIT.USAGE, http: 400 },
  ERR_IGNORE_EXPIRED: { title: 'An ignore entry has expired', exit: EXIT.FINDINGS, http: 400 },

  // input files
  ERR_INPUT_NOT_FOUND: { title: 'Input path does not exist or cannot be read', exit: EXIT.INPUT, http: 400 },
  ERR_INPUT_TOO_LARGE: { title: 'Input exceeds the size limit', exit: EXIT.INPUT, http: 413 },
  ERR_JSON_PARSE: { title: 'Malformed JSON', exit: EXIT.INPUT, http: 400 },

  // advisories and the snapshot
  ERR_ADVISORY_INVALID: { title: 'Advisory record is invalid', exit: EXIT.FINDINGS, http: 400 },
  ERR_ADVISORY_SOURCE: { title: 'Advisory source cannot be read or is of an unknown kind', exit: EXIT.INPUT, http: 400 },
  ERR_SNAPSHOT_MISSING: { title: 'No advisory snapshot is available', exit: EXIT.INPUT, http: 503 },
  ERR_SNAPSHOT_CORRUPT: { title: 'Advisory snapshot failed its integrity check', exit: EXIT.INPUT, http: 500 },
  ERR_SNAPSHOT_VERSION: { title: 'Advisory snapshot has an unsupported format version', exit: EXIT.INPUT, http: 500 },

  // lockfiles
  ERR_LOCKFILE_NOT_FOUND: { title: 'No lockfile found', exit: EXIT.INPUT, http: 400 },
  ERR_LOCKFILE_PARSE: { title: 'Lockfile cannot be parsed', exit: EXIT.INPUT, http: 400 },
  ERR_LOCKFILE_UNSUPPORTED: { title: 'Lockfile format or version is not supported', exit: EXIT.INPUT, http: 400 },
  ERR_LOCKFILE_MISMATCH: { title: 'Lockfile disagrees with package.json', exit: EXIT.INPUT, http: 400 },

  // upstreams
  ERR_UPSTREAM_HTTP: { title: 'An upstream service answered with an error', exit: EXIT.UPSTREAM, http: 502 },
  ERR_UPSTREAM_UNREACHABLE: { title: 'An upstream service cannot be reached', exit: EXIT.UPSTREAM, http: 502 },

  // store
  ERR_STORE_UNAVAILABLE: { title: 'The database cannot be reached', exit: EXIT.STORE, http: 503 },
  ERR_STORE_MIGRATION: { title: 'A database migration failed or is pending', exit: EXIT.STORE, http: 503 },

  // hub
  ERR_HUB_UNAUTHENTICATED: { title: 'Authentication is required', exit: EXIT.USAGE, http: 401 },
  ERR_HUB_FORBIDDEN: { title: 'The token lacks the role or scope for this action', exit: EXIT.USAGE, http: 403 },
  ERR_HUB_NOT_FOUND: { title: 'No such resource', exit: EXIT.INPUT, http: 404 },
  ERR_HUB_CONFLICT: { title: 'The request conflicts with the current state', exit: EXIT.USAGE, http: 409 },
  ERR_HUB_VALIDATION: { title: 'The request does not match the schema', exit: EXIT.USAGE, http: 400 },
  ERR_HUB_RATE_LIMITED: { title: 'Too many requests', exit: EXIT.UPSTREAM, http: 429 },
  ERR_HUB_UNSUPPORTED_MEDIA_TYPE: { title: 'The request body has an unsupported content type or encoding', exit: EXIT.USAGE, http: 415 },

  // regex
  ERR_REGEX_SYNTAX: { title: 'The regular expression does not parse', exit: EXIT.USAGE, http: 400 },

  // scorecard
  ERR_SCORECARD_SCOPE: { title: 'Scorecard monitor scope file is invalid', exit: EXIT.USAGE, http: 400 },
  ERR_SCORECARD_DATABASE: { title: 'Scorecard monitor database file is invalid', exit: EXIT.INPUT, http: 400 },

  // bugs
  ERR_INTERNAL: { title: 'Internal error (a bug in nodesec)', exit: EXIT.INTERNAL, http: 500 },
} as const satisfies Record<string, ErrorMeta>;

export type ErrorCode = keyof typeof ERRORS;

export interface AppErrorOptions {
  /** How the user can fix it. */
  hint?: string;
  cause?: unknown;
  /** File the problem is in. */
  file?: string;
  /** JSON pointer (RFC 6901) of the offending field. */
  pointer?: string;
  line?: number;
  column?: number;
  /** Extra machine-readable details (kept out of the message). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly pointer: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    super(message ?? ERRORS[code].title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
    this.pointer = options.pointer;
    this.line = options.line;
    this.column = options.column;
    this.details = options.details;
  }

  get exit(): ExitCode {
    return ERRORS[this.code].exit;
  }

  get http(): number {
    return ERRORS[this.code].http;
  }

  /** `file:line:column` or `file#/pointer`, whichever is known. */
  get where(): string | undefined {
    if (!this.file) return undefined;
    if (this.line !== undefined) return `${this.file}:${this.line}${this.column !== undefined ? `:${this.column}` : ''}`;
    if (this.pointer !== undefined) return `${this.file}#${this.pointer}`;
    return this.file;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint && { hint: this.hint }),
      ...(this.file && { file: this.file }),
      ...(this.pointer !== undefined && { pointer: this.pointer }),
      ...(this.line !== undefined && { line: this.line }),
      ...(this.column !== undefined && { column: this.column }),
      ...(this.details && { details: this.details }),
    };
  }
}

/** True for any error carrying one of our codes, whatever copy of this module made it. */
export function isAppError(err: unknown): err is AppError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    && (err as { code: string }).code in ERRORS && (err as { name?: unknown }).name === 'AppError';
}

/**
 * Line and column (1-based) of a character offset in a text, for error messages about
 * malformed input.
 */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: end - last };
}

/**
 * JSON.parse with a positioned error: ERR_JSON_PARSE naming file, line and column.
 * V8's messages carry "position N" (or "line L column C" since Node 22), both are handled.
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    let pos: { line: number; column: number } | undefined;
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const p = /position (\d+)/.exec(msg);
    if (lc) pos = { line: Number(lc[1]), column: Number(lc[2]) };
    else if (p) pos = lineColumn(text, Number(p[1]));
    let short = msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    if (!pos) {
      // V8 does not always say where; a strict scan finds the first error's offset.
      const errors: ParseError[] = [];
      parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
      const first = errors[0];
      if (first) {
        pos = lineColumn(text, first.offset);
        short = `${printParseErrorCode(first.error)} (${short.replace(/, ".*$/s, '')})`;
      } else pos = lineColumn(text, text.length);
    }
    throw new AppError('ERR_JSON_PARSE', `malformed JSON: ${short}`, {
      file,
      ...pos,
      cause,
      hint: 'fix the JSON syntax at the given line and column',
    });
  }
}
