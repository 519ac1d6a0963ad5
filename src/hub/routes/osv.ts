/**
 * OSV-compatible query API, the shapes of api.osv.dev:
 *   POST /v1/query       { package: { name, ecosystem } | { purl }, version?, page_token? } → { vulns, next_page_token? }
 *   POST /v1/querybatch  { queries: [...] } (≤ 1000) → { results: [{ vulns: [{ id, modified }], next_page_token? }] }
 *                        `?full=true` returns whole records instead of `{ id, modified }`.
 *   GET  /v1/vulns/:id   a record by id or any alias (withdrawn ones too, with `withdrawn` set)
 * Like OSV, an empty answer is `{}`. Withdrawn records never match a query.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { OsvRecord } from '../../core/osv.ts';
import { parsePurl } from '../purl.ts';
import { MAX_BATCH, QueryBatchSchema, QuerySchema } from '../schemas/osv.ts';
import { notFound, PROBLEM_RESPONSES } from '../problem.ts';

/** Records per page of one query (OSV pages large answers too). */
export const PAGE_SIZE = 1000;

export interface OsvQuery {
  commit?: string;
  version?: string;
  package?: { name?: string; ecosystem?: string; purl?: string };
  page_token?: string;
}

export interface ResolvedQuery {
  ecosystem: string;
  name: string;
  version: string | undefined;
  offset: number;
}

function encodeToken(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeToken(token: string | undefined, pointer: string): number {
  if (token === undefined || token === '') return 0;
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('latin1'));
  if (!m) throw new AppError('ERR_HUB_VALIDATION', 'page_token is not a token this server issued', { pointer, hint: 'pass next_page_token from the previous answer unchanged' });
  return Number(m[1]);
}

/** Turns an OSV query into ecosystem/name/version, or null for a commit query (never matches: no GIT ranges indexed). */
export function resolveQuery(q: OsvQuery, pointer = ''): ResolvedQuery | null {
  const offset = decodeToken(q.page_token, `${pointer}/page_token`);
  const p = q.package;
  if (!p) {
    if (q.commit !== undefined) return null;
    throw new AppError('ERR_HUB_VALIDATION', 'a query needs "package" (name and ecosystem, or purl) or "commit"', { pointer: pointer || '/' });
  }
  if (q.commit !== undefined && q.version !== undefined) {
    throw new AppError('ERR_HUB_VALIDATION', 'a query takes "version" or "commit", not both', { pointer });
  }
  if (p.purl !== undefined) {
    if (p.name !== undefined || p.ecosystem !== undefined) {
      throw new AppError('ERR_HUB_VALIDATION', 'package takes "purl" or "name" and "ecosystem", not both', { pointer: `${pointer}/package` });
    }
    const parsed = parsePurl(p.purl);
    if (parsed.version !== undefined && q.version !== undefined) {
      throw new AppError('ERR_HUB_VALIDATION', 'the version is given twice: in the purl and in "version"', { pointer: `${pointer}/version` });
    }
    return { ecosystem: parsed.ecosystem, name: parsed.name, version: q.version ?? parsed.version, offset };
  }
  if (p.name === undefined || p.ecosystem === undefined) {
    throw new AppError('ERR_HUB_VALIDATION', 'package needs both "name" and "ecosystem" (or a "purl")', { pointer: `${pointer}/package` });
  }
  if (q.commit !== undefined) return null;
  return { ecosystem: p.ecosystem, name: p.name, version: q.version, offset };
}

/** The page asked for of one query's matching records (sorted by id). */
export function page(hits: readonly OsvRecord[], q: ResolvedQuery): { vulns: OsvRecord[]; next?: string } {
  const slice = hits.slice(q.offset, q.offset + PAGE_SIZE);
  return q.offset + PAGE_SIZE < hits.length ? { vulns: slice, next: encodeToken(q.offset + PAGE_SIZE) } : { vulns: slice };
}

const VulnList = {
  type: 'object',
  properties: { vulns: { type: 'array', items: { $ref: 'OsvRecord#' } }, next_page_token: { type: 'string' } },
} as const;

const problems = PROBLEM_RESPONSES;

export default async function osvRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: OsvQuery }>('/v1/query', {
    schema: { body: QuerySchema, response: { 200: VulnList, ...problems } },
  }, async (req) => {
    const q = resolveQuery(req.body);
    if (!q) return {};
    const [hits] = await app.vulns.matching([q]);
    const { vulns, next } = page(hits!, q);
    if (vulns.length === 0) return {};
    return next ? { vulns, next_page_token: next } : { vulns };
  });

  app.post<{ Body: { queries: OsvQuery[] }; Querystring: { full?: 'true' | 'false' } }>('/v1/querybatch', {
    schema: {
      querystring: { type: 'object', additionalProperties: false, properties: { full: { type: 'string', enum: ['true', 'false'] } } },
      body: QueryBatchSchema,
      response: {
        200: { type: 'object', properties: { results: { type: 'array', maxItems: MAX_BATCH, items: VulnList } } },
        ...problems,
      },
    },
  }, async (req) => {
    const resolved = req.body.queries.map((q, i) => resolveQuery(q, `/queries/${i}`));
    const keys = resolved.filter((q): q is ResolvedQuery => q !== null);
    const matched = await app.vulns.matching(keys);
    const full = req.query.full === 'true';
    let k = 0;
    return {
      results: resolved.map((q) => {
        if (!q) return {};
        const { vulns, next } = page(matched[k++]!, q);
        if (vulns.length === 0) return {};
        const out = full ? vulns : vulns.map((v) => ({ id: v.id, modified: v.modified }));
        return next ? { vulns: out, next_page_token: next } : { vulns: out };
      }),
    };
  });

  app.get<{ Params: { id: string } }>('/v1/vulns/:id', {
    schema: {
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' } } },
      response: { 200: { $ref: 'OsvRecord#' }, 304: { type: 'null' }, ...problems },
    },
  }, async (req, reply) => {
    const record = await app.vulns.byId(req.params.id);
    if (!record) throw notFound(`no vulnerability with id or alias ${req.params.id}`);
    // A record changes only with its `modified` (and withdrawal sets a new one): a cheap validator for mirrors.
    const etag = `W/"${record.id}@${record.modified}"`;
    void reply.header('etag', etag).header('cache-control', 'public, max-age=60');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return record;
  });
}
