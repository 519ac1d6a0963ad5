/**
 * Contribution and review workflow (the WG's "shared guidelines and processes"):
 *
 *   POST /api/v1/submissions                 contributor (scope submit): a draft of one record or a batch
 *   GET  /api/v1/submissions                 the submissions the caller may see (scope read)
 *   GET  /api/v1/submissions/:id             404 unless the caller may see it (drafts, embargoes)
 *   PUT  /api/v1/submissions/:id             edit a draft (review restarts)
 *   POST /api/v1/submissions/:id/submit      draft → in-review
 *   POST /api/v1/submissions/:id/reviews     triager/admin (scope review): approve | request-changes
 *   POST /api/v1/submissions/:id/publish     triager/admin: in-review → published (hub ids assigned)
 *   POST /api/v1/submissions/:id/reject      triager/admin: → rejected, with a reason
 *
 * The store enforces the workflow (states, two-person rule, embargo, visibility); this layer
 * authenticates, validates and shapes JSON. Invisible submissions answer 404, never 403, so
 * their ids do not leak.
 */
import { requireStore } from '../store-adapter.ts';
import type { FastifyInstance } from 'fastify';
import type { OsvRecord } from '../../core/osv.ts';
import type { Principal, Submission, SubmissionStatus } from '../../store/types.ts';
import { notFound, PROBLEM_RESPONSES } from '../problem.ts';
import { actorOf, viewerOf } from '../plugins/auth.ts';
import { AppError } from '../../core/errors.ts';

export const MAX_RECORDS_PER_SUBMISSION = 1000;

const ActorSchema = { type: 'object', properties: { user_id: { type: ['integer', 'null'] }, name: { type: 'string' } } } as const;

export const SubmissionSchema = {
  $id: 'Submission',
  type: 'object',
  properties: {
    id: { type: 'integer' },
    status: { type: 'string' },
    submitter: ActorSchema,
    records: { type: 'array', items: { $ref: 'OsvProposal#' } },
    packages: { type: 'array', items: { type: 'object', properties: { ecosystem: { type: 'string' }, name: { type: 'string' } } } },
    embargo_until: { type: ['string', 'null'] },
    note: { type: ['string', 'null'] },
    reviews: {
      type: 'array',
      items: { type: 'object', properties: { reviewer: ActorSchema, decision: { type: 'string' }, comment: { type: ['string', 'null'] }, at: { type: 'string' } } },
    },
    approvals: { type: 'integer' },
    published_ids: { type: 'array', items: { type: 'string' } },
    rejection_reason: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

export function submissionDto(s: Submission) {
  return {
    id: s.id,
    status: s.status,
    submitter: { user_id: s.submitter.userId, name: s.submitter.name },
    records: s.records,
    packages: s.packages,
    embargo_until: s.embargoUntil?.toISOString() ?? null,
    note: s.note,
    reviews: s.reviews.map((r) => ({ reviewer: { user_id: r.reviewer.userId, name: r.reviewer.name }, decision: r.decision, comment: r.comment, at: r.at.toISOString() })),
    approvals: s.approvals,
    published_ids: s.publishedIds,
    rejection_reason: s.rejectionReason,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

/** A proposed record: the OSV schema, but `id` and `modified` may be left to the hub. */
const ProposedRecord = { $ref: 'OsvProposal#' } as const;

const IdParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' } } } as const;
const problems = PROBLEM_RESPONSES;
const one = { 200: { $ref: 'Submission#' }, ...problems } as const;

const DATE = { type: 'string', format: 'date-time' } as const;

interface EditBody {
  record?: OsvRecord;
  records?: OsvRecord[];
  embargo_until?: string | null;
  note?: string;
}

function recordsOf(body: EditBody): OsvRecord[] | undefined {
  if (body.record && body.records) throw new AppError('ERR_HUB_VALIDATION', 'send "record" or "records", not both', { pointer: '/records' });
  return body.record ? [body.record] : body.records;
}

function withDefaults(records: OsvRecord[], now: Date): OsvRecord[] {
  return records.map((r) => ({ ...r, modified: r.modified ?? now.toISOString() }));
}

function editInput(body: EditBody, now: Date): { records?: OsvRecord[]; embargoUntil?: Date | null; note?: string } {
  const records = recordsOf(body);
  return {
    ...(records && { records: withDefaults(records, now) }),
    ...(body.embargo_until !== undefined && { embargoUntil: body.embargo_until === null ? null : new Date(body.embargo_until) }),
    ...(body.note !== undefined && { note: body.note }),
  };
}

export default async function submissionRoutes(app: FastifyInstance): Promise<void> {
  const store = () => requireStore(app);
  const bodyLimit = app.hubConfig.ingestBodyLimit;
  const EditSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      record: ProposedRecord,
      records: { type: 'array', minItems: 1, maxItems: MAX_RECORDS_PER_SUBMISSION, items: ProposedRecord },
      embargo_until: { anyOf: [DATE, { type: 'null' }] },
      note: { type: 'string', maxLength: 10_000 },
    },
  } as const;

  app.post<{ Body: EditBody }>('/api/v1/submissions', {
    bodyLimit,
    preHandler: app.requireScope('submit'),
    schema: { body: { ...EditSchema, anyOf: [{ required: ['record'] }, { required: ['records'] }] }, response: { 201: { $ref: 'Submission#' }, ...problems } },
  }, async (req, reply) => {
    const input = editInput(req.body, new Date());
    const s = await store().submissions.create({ records: input.records!, ...(input.embargoUntil !== undefined && { embargoUntil: input.embargoUntil }), ...(input.note !== undefined && { note: input.note }) }, actorOf(req.principal!));
    void reply.code(201).header('location', `/api/v1/submissions/${s.id}`);
    return submissionDto(s);
  });

  app.get<{ Querystring: { status?: SubmissionStatus; before?: string; limit?: string } }>('/api/v1/submissions', {
    preHandler: app.requireScope('read'),
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          status: { type: 'string', enum: ['draft', 'in-review', 'published', 'rejected'] },
          before: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' },
          limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
        },
      },
      response: { 200: { type: 'object', properties: { submissions: { type: 'array', items: { $ref: 'Submission#' } }, next_before: { type: 'integer' } } }, ...problems },
    },
  }, async (req) => {
    const limit = Math.min(Number(req.query.limit ?? 50), 200);
    const list = await store().submissions.list(viewerOf(req.principal!), {
      ...(req.query.status && { status: req.query.status }),
      ...(req.query.before && { before: Number(req.query.before) }),
      limit,
    });
    const last = list.at(-1);
    return { submissions: list.map(submissionDto), ...(list.length === limit && last && { next_before: last.id }) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/submissions/:id', {
    preHandler: app.requireScope('read'),
    schema: { params: IdParams, response: one },
  }, async (req) => {
    const s = await store().submissions.get(Number(req.params.id), viewerOf(req.principal!));
    if (!s) throw notFound(`no submission ${req.params.id}`);
    return submissionDto(s);
  });

  app.put<{ Params: { id: string }; Body: EditBody }>('/api/v1/submissions/:id', {
    bodyLimit,
    preHandler: app.requireScope('submit'),
    schema: { params: IdParams, body: EditSchema, response: one },
  }, async (req) => {
    const viewer = viewerOf(req.principal!);
    const id = Number(req.params.id);
    if (!(await store().submissions.get(id, viewer))) throw notFound(`no submission ${req.params.id}`);
    return submissionDto(await store().submissions.update(id, editInput(req.body, new Date()), actorOf(req.principal!), viewer));
  });

  const action = (path: string, scope: 'submit' | 'review', body: object | undefined, run: (id: number, req: { body: Record<string, unknown>; principal: Principal }) => Promise<Submission>) => {
    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`/api/v1/submissions/:id/${path}`, {
      preHandler: app.requireScope(scope),
      schema: { params: IdParams, ...(body && { body }), response: one },
    }, async (req) => {
      const id = Number(req.params.id);
      // invisible → 404 before any state check, so ids do not leak
      if (!(await store().submissions.get(id, viewerOf(req.principal!)))) throw notFound(`no submission ${req.params.id}`);
      return submissionDto(await run(id, { body: req.body ?? {}, principal: req.principal! }));
    });
  };

  action('submit', 'submit', undefined, (id, r) => store().submissions.submit(id, actorOf(r.principal), viewerOf(r.principal)));
  action('reviews', 'review', {
    type: 'object',
    additionalProperties: false,
    required: ['decision'],
    properties: { decision: { type: 'string', enum: ['approve', 'request-changes'] }, comment: { type: 'string', maxLength: 10_000 } },
  }, (id, r) => store().submissions.review(id, r.body.decision as 'approve' | 'request-changes', (r.body.comment as string | undefined) ?? null, actorOf(r.principal), viewerOf(r.principal)));
  action('publish', 'review', undefined, async (id, r) => {
    const s = await store().submissions.publish(id, actorOf(r.principal), viewerOf(r.principal));
    app.vulns.invalidate();
    return s;
  });
  action('reject', 'review', {
    type: 'object',
    additionalProperties: false,
    required: ['reason'],
    properties: { reason: { type: 'string', minLength: 1, maxLength: 10_000 } },
  }, (id, r) => store().submissions.reject(id, r.body.reason as string, actorOf(r.principal), viewerOf(r.principal)));
}
