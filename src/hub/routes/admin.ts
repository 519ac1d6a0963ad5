/**
 * Maintainer and administrator routes:
 *   GET  /api/v1/me                     who the token belongs to, its effective scopes
 *   POST /api/v1/vulns/:id/withdraw     triager/admin (scope review): withdraw with a reason
 *   POST /api/v1/import                 admin: idempotent batch ingest of OSV records (what
 *                                       `nodesec db push --to <hub>` sends); aliases merged by the store
 *   GET  /api/v1/audit                  admin: the append-only audit log, newest first
 */
import { PROBLEM_RESPONSES } from '../problem.ts';
import { requireStore } from '../store-adapter.ts';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { OsvRecord } from '../../core/osv.ts';
import { actorOf } from '../plugins/auth.ts';

/** Records per import request; `db push` sends chunks of this size. */
export const MAX_IMPORT = 5000;

const problems = PROBLEM_RESPONSES;

export default async function adminRoutes(app: FastifyInstance): Promise<void> {
  const store = () => requireStore(app);

  app.get('/api/v1/me', {
    preHandler: app.requireScope('read'),
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            user: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } } },
            token: { type: 'object', properties: { id: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, expires_at: { type: ['string', 'null'] } } },
          },
        },
        ...problems,
      },
    },
  }, async (req) => {
    const p = req.principal!;
    return { user: { id: p.user.id, name: p.user.name, roles: p.user.roles }, token: { id: p.token.id, scopes: p.scopes, expires_at: p.token.expiresAt?.toISOString() ?? null } };
  });

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/v1/vulns/:id/withdraw', {
    preHandler: app.requireScope('review'),
    schema: {
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } },
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 3, maxLength: 10_000 } } },
      response: { 200: { $ref: 'OsvRecord#' }, ...problems },
    },
  }, async (req) => {
    const r = await store().advisories.withdraw(req.params.id, req.body.reason, actorOf(req.principal!));
    app.vulns.invalidate();
    return r;
  });

  app.post<{ Body: { records: OsvRecord[]; source?: string } }>('/api/v1/import', {
    bodyLimit: app.hubConfig.ingestBodyLimit,
    preHandler: app.requireScope('admin'),
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['records'],
        properties: {
          // Records are checked one by one by the store: a bad one is reported, the rest commit.
          records: { type: 'array', minItems: 1, maxItems: MAX_IMPORT, items: { type: 'object' } },
          source: { type: 'string', minLength: 1, maxLength: 128 },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            inserted: { type: 'integer' },
            updated: { type: 'integer' },
            unchanged: { type: 'integer' },
            stale: { type: 'integer' },
            merged: { type: 'integer' },
            rejected: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, id: { type: 'string' }, message: { type: 'string' } } } },
            cursor: { type: 'string' },
          },
        },
        ...problems,
      },
    },
  }, async (req) => {
    const result = await store().advisories.ingest(req.body.records, { source: req.body.source ?? 'hub-import', actor: actorOf(req.principal!) });
    app.vulns.invalidate();
    return result;
  });

  app.get<{ Querystring: { target?: string; action?: string; actor?: string; before?: string; limit?: string } }>('/api/v1/audit', {
    preHandler: app.requireScope('admin'),
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          target: { type: 'string', maxLength: 256 },
          action: { type: 'string', maxLength: 64 },
          actor: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' },
          before: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' },
          limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            entries: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  at: { type: 'string' },
                  actor: { type: 'object', properties: { user_id: { type: ['integer', 'null'] }, name: { type: 'string' } } },
                  action: { type: 'string' },
                  target: { type: 'string' },
                  diff: {},
                },
              },
            },
            next_before: { type: 'string' },
          },
        },
        ...problems,
      },
    },
  }, async (req) => {
    // scope admin is granted only to admins (the store intersects scopes with roles); check the role too
    if (!req.principal!.user.roles.includes('admin')) throw new AppError('ERR_HUB_FORBIDDEN', 'the audit log is readable by admins only');
    const q = req.query;
    const limit = Math.min(Number(q.limit ?? 100), 500);
    const entries = await store().audit.list({
      ...(q.target && { target: q.target }),
      ...(q.action && { action: q.action }),
      ...(q.actor && { actorUserId: Number(q.actor) }),
      ...(q.before && { before: q.before }),
      limit,
    });
    const last = entries.at(-1);
    return {
      entries: entries.map((e) => ({ id: e.id, at: e.at.toISOString(), actor: { user_id: e.actor.userId, name: e.actor.name }, action: e.action, target: e.target, diff: e.diff })),
      ...(entries.length === limit && last && { next_before: last.id }),
    };
  });
}
