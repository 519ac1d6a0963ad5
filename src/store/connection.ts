/**
 * Which driver errors mean "the database is away" (ERR_STORE_UNAVAILABLE, HTTP 503) rather
 * than a bad query. Shared by the PostgreSQL backend and the job queue; imports no driver.
 */
import { AppError } from '../core/errors.ts';

/** SQLSTATE classes and Node error codes that mean "the database is away", not "bad query". */
const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);

export function isConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (DOWN_CODES.has(code) || code.startsWith('08'))) return true;
    const msg = (e as { message?: unknown }).message;
    if (typeof msg === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|connect ECONNREFUSED|Client was closed|Cannot use a pool after calling end/i.test(msg)) return true;
  }
  return false;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** ERR_STORE_UNAVAILABLE for a connection error (password redacted from the URL), else `err` unchanged. */
export function wrapError(err: unknown, url: string): unknown {
  if (isConnectionError(err)) {
    return new AppError('ERR_STORE_UNAVAILABLE', `the database at ${redact(url)} cannot be reached: ${(err as Error)?.message ?? err}`, {
      cause: err,
      hint: 'check that PostgreSQL is running and --database-url / DATABASE_URL is right; the store reconnects by itself',
    });
  }
  return err;
}
