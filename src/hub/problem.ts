/**
 * RFC 9457 problem bodies for every error the hub answers with. One error handler maps
 * `AppError.code` (src/core/errors.ts) and Fastify's own errors (validation, body too large,
 * unsupported media type, bad JSON, rate limit) to `{ type, title, status, code, detail, instance }`.
 *
 * Invariant: a client mistake never becomes a 500. Only an error we cannot classify is a 500
 * (ERR_INTERNAL), and its detail never leaks internals (the log has the stack).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERRORS, isAppError, type ErrorCode } from '../core/errors.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance: string;
  /** JSON pointer of the offending field, for validation errors. */
  pointer?: string;
  hint?: string;
}

/** The JSON schema of a problem body, used as the response schema of every 4xx/5xx. */
export const ProblemSchema = {
  $id: 'Problem',
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    pointer: { type: 'string' },
    hint: { type: 'string' },
  },
  required: ['type', 'title', 'status', 'code', 'detail', 'instance'],
} as const;

/** Response schemas of every error status, for a route's `schema.response`. */
export const PROBLEM_RESPONSES = { '4xx': { $ref: 'Problem#' }, '5xx': { $ref: 'Problem#' } } as const;

const DOCS = 'https://github.com/nodejs/nodesec/blob/main/docs/errors.md';

export function problemFor(code: ErrorCode, detail: string, instance: string, extra: { status?: number; pointer?: string; hint?: string } = {}): Problem {
  const meta = ERRORS[code];
  return {
    type: `${DOCS}#${code.toLowerCase()}`,
    title: meta.title,
    status: extra.status ?? meta.http,
    code,
    detail,
    instance,
    ...(extra.pointer !== undefined && { pointer: extra.pointer }),
    ...(extra.hint !== undefined && { hint: extra.hint }),
  };
}

/** Fastify error codes that are the client's fault, with the AppError code and status they become. */
const FASTIFY_CLIENT_ERRORS: Record<string, { code: ErrorCode; status: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'ERR_INPUT_TOO_LARGE', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'ERR_HUB_UNSUPPORTED_MEDIA_TYPE', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'ERR_HUB_VALIDATION', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'ERR_HUB_VALIDATION', status: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'ERR_JSON_PARSE', status: 400 },
  FST_ERR_CTP_INSTANCE_ALREADY_STARTED: { code: 'ERR_INTERNAL', status: 500 },
  FST_ERR_VALIDATION: { code: 'ERR_HUB_VALIDATION', status: 400 },
  FST_ERR_BAD_URL: { code: 'ERR_HUB_VALIDATION', status: 400 },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'ERR_HUB_VALIDATION', status: 400 },
};

/** Describes an ajv validation failure in one sentence, naming the field. */
function validationDetail(err: FastifyError): { detail: string; pointer?: string } {
  const v = err.validation?.[0];
  if (!v) return { detail: err.message };
  const where = `${err.validationContext ?? 'body'}${v.instancePath}`;
  const params = v.params as Record<string, unknown>;
  if (v.keyword === 'additionalProperties') {
    return { detail: `unknown field "${String(params.additionalProperty)}" in ${where}: remove it`, pointer: `${v.instancePath}/${String(params.additionalProperty)}` };
  }
  if (v.keyword === 'required') {
    return { detail: `${where} must have the field "${String(params.missingProperty)}"`, pointer: v.instancePath };
  }
  return { detail: `${where} ${v.message ?? 'is invalid'}`, pointer: v.instancePath };
}

/** Builds the problem for any thrown value; 5xx only for ERR_INTERNAL and the store codes. */
export function toProblem(err: unknown, instance: string): Problem {
  if (isAppError(err)) {
    return problemFor(err.code, err.message, instance, {
      ...(err.pointer !== undefined && { pointer: err.pointer }),
      ...(err.hint !== undefined && { hint: err.hint }),
    });
  }
  const fe = err as FastifyError & { statusCode?: number };
  if (fe && typeof fe === 'object') {
    if (fe.validation) {
      const { detail, pointer } = validationDetail(fe);
      return problemFor('ERR_HUB_VALIDATION', detail, instance, pointer !== undefined ? { pointer } : {});
    }
    const mapped = typeof fe.code === 'string' ? FASTIFY_CLIENT_ERRORS[fe.code] : undefined;
    if (mapped) return problemFor(mapped.code, fe.message, instance, { status: mapped.status });
    if (fe.statusCode === 429) return problemFor('ERR_HUB_RATE_LIMITED', fe.message || 'rate limit exceeded', instance);
    // Any other 4xx Fastify or a plugin raised (bad header, aborted body...) is still the client's.
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return problemFor('ERR_HUB_VALIDATION', fe.message || 'bad request', instance, { status: fe.statusCode });
    }
  }
  if (isStoreDown(err)) return problemFor('ERR_STORE_UNAVAILABLE', 'the database cannot be reached; retry shortly', instance);
  return problemFor('ERR_INTERNAL', 'internal error; the request id is in the server log', instance);
}

const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/**
 * A driver error that means "the database is away" rather than a bug: connection refused or
 * reset, server shutting down, pool timeouts. Such errors answer 503 (the store should already
 * throw ERR_STORE_UNAVAILABLE; this catches what slips through).
 */
export function isStoreDown(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DOWN_CODES.has(code)) return true;
    const msg = (e as { message?: unknown }).message;
    if (typeof msg === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/i.test(msg)) return true;
  }
  return false;
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** Installs the one error handler and the not-found handler on the root instance. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const problem = toProblem(err, req.url);
    if (problem.code === 'ERR_INTERNAL') problem.detail = `internal error; quote request id ${req.id} to the operator (the log has the details)`;
    if (problem.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: problem.code, detail: problem.detail }, 'client error');
    if (problem.status === 429) {
      const retry = (err as { headers?: Record<string, string> }).headers?.['retry-after'];
      if (retry) void reply.header('retry-after', retry);
    }
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problemFor('ERR_HUB_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`, req.url)));
}

export function notFound(detail: string): AppError {
  return new AppError('ERR_HUB_NOT_FOUND', detail);
}
