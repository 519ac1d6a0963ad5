/**
 * The review workflow: draft → in-review → published | rejected.
 *
 * Visibility (the HTTP layer asks `get`/`list` with the caller as a Viewer): a submission is
 * visible to its submitter, to maintainers of a package it affects (role maintainer plus a
 * maintained_packages row), to triagers and admins, and, once published, to everyone
 * authenticated. Invisible is answered like unknown (undefined), so ids do not leak.
 *
 * Publication needs `policy.requiredApprovals` approvals of the current review round by
 * triagers/admins; under `policy.twoPersonRule` the submitter's own approval is refused and
 * each reviewer counts once. Any content change or "request changes" starts a new round.
 */
import { AppError } from '../../core/errors.ts';
import type { OsvRecord } from '../../core/osv.ts';
import type { Actor, PackageRef, Queryable, Review, Submission, SubmissionRepo, SubmissionStatus, Viewer } from '../types.ts';
import { applySources, prepareSource } from './advisories.ts';
import { auditAppend, lockFeed, type SqlContext } from './context.ts';

const MAX_RECORDS = 1000;

interface SubmissionRow {
  id: number;
  status: SubmissionStatus;
  submitter_id: number | null;
  submitter_name: string;
  records: OsvRecord[];
  embargo_until: Date | null;
  note: string | null;
  round: number;
  published_ids: string[];
  rejection_reason: string | null;
  created_at: Date;
  updated_at: Date;
  packages: PackageRef[];
}

interface ReviewRow {
  submission_id: number;
  round: number;
  reviewer_id: number | null;
  reviewer_name: string;
  decision: 'approve' | 'request-changes';
  comment: string | null;
  at: Date;
}

const SELECT = `select s.id, s.status, s.submitter_id, s.submitter_name, s.records, s.embargo_until, s.note, s.round,
    s.published_ids, s.rejection_reason, s.created_at, s.updated_at,
    (select coalesce(jsonb_agg(jsonb_build_object('ecosystem', p.ecosystem, 'name', p.name) order by p.ecosystem, p.name), '[]'::jsonb)
       from submission_packages p where p.submission_id = s.id) as packages
  from submissions s`;

/** SQL condition: viewer $V1 (user id), $V2 (is triager/admin), $V3 (is maintainer) may see `s`. */
const VISIBLE = (a: number) => `($${a + 1}::boolean or s.status = 'published' or s.submitter_id = $${a}::int
  or ($${a + 2}::boolean and exists (select 1 from submission_packages p join maintained_packages m
        on m.ecosystem = p.ecosystem and m.name = p.name where p.submission_id = s.id and m.user_id = $${a}::int)))`;

function isReviewer(v: Viewer): boolean {
  return v.roles.includes('admin') || v.roles.includes('triager');
}

function viewerParams(v: Viewer): unknown[] {
  return [v.userId, isReviewer(v), v.roles.includes('maintainer')];
}

/** Packages a record affects (ecosystem lower-cased). */
function packagesOf(records: readonly OsvRecord[]): PackageRef[] {
  const seen = new Map<string, PackageRef>();
  for (const r of records) {
    for (const a of r.affected ?? []) {
      if (a.package) seen.set(`${a.package.ecosystem.toLowerCase()}\u0000${a.package.name}`, { ecosystem: a.package.ecosystem.toLowerCase(), name: a.package.name });
    }
  }
  return [...seen.values()];
}

/** Checks a proposed record; `modified` and `id` may be absent (the hub sets them at publication). */
function checkRecords(records: unknown): OsvRecord[] {
  if (!Array.isArray(records) || records.length === 0) throw new AppError('ERR_ADVISORY_INVALID', 'a submission needs at least one OSV record', { pointer: '/records' });
  if (records.length > MAX_RECORDS) throw new AppError('ERR_ADVISORY_INVALID', `at most ${MAX_RECORDS} records per submission`, { pointer: '/records' });
  return records.map((value, i) => {
    const pointer = `/records/${i}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('ERR_ADVISORY_INVALID', 'a record must be a JSON object', { pointer });
    const r = value as OsvRecord;
    const affected = r.affected;
    if (!Array.isArray(affected) || affected.length === 0 || affected.some((a) => typeof a?.package?.ecosystem !== 'string' || typeof a.package.name !== 'string' || !a.package.name)) {
      throw new AppError('ERR_ADVISORY_INVALID', 'every record needs affected[] entries with package.ecosystem and package.name', { pointer: `${pointer}/affected` });
    }
    if (typeof r.summary !== 'string' && typeof r.details !== 'string') throw new AppError('ERR_ADVISORY_INVALID', 'a record needs a summary or details', { pointer: `${pointer}/summary` });
    try {
      prepareSource({ ...r, id: r.id ?? 'X', modified: r.modified ?? '2000-01-01T00:00:00Z' }, null);
    } catch (err) {
      throw new AppError('ERR_ADVISORY_INVALID', (err as Error).message, { pointer });
    }
    return r;
  });
}

export function createSubmissionRepo(ctx: SqlContext): SubmissionRepo {
  const { driver, policy } = ctx;

  function approvalsOf(row: SubmissionRow, reviews: readonly ReviewRow[]): number {
    const ids = new Set<string>();
    for (const r of reviews) {
      if (r.round !== row.round || r.decision !== 'approve') continue;
      if (policy.twoPersonRule && r.reviewer_id !== null && r.reviewer_id === row.submitter_id) continue;
      ids.add(r.reviewer_id === null ? `name:${r.reviewer_name}` : `id:${r.reviewer_id}`);
    }
    return ids.size;
  }

  function toSubmission(row: SubmissionRow, reviews: readonly ReviewRow[]): Submission {
    const mine = reviews.filter((r) => r.submission_id === row.id);
    return {
      id: row.id,
      status: row.status,
      submitter: { userId: row.submitter_id, name: row.submitter_name },
      records: row.records,
      packages: row.packages,
      embargoUntil: row.embargo_until,
      note: row.note,
      reviews: mine.map((r): Review => ({ reviewer: { userId: r.reviewer_id, name: r.reviewer_name }, decision: r.decision, comment: r.comment, at: r.at })),
      approvals: approvalsOf(row, mine),
      publishedIds: row.published_ids,
      rejectionReason: row.rejection_reason,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async function load(q: Queryable, ids: number[]): Promise<Submission[]> {
    if (!ids.length) return [];
    const rows = await q.query<SubmissionRow>(`${SELECT} where s.id = any($1::int[]) order by s.id desc`, [ids]);
    const reviews = await q.query<ReviewRow>('select submission_id, round, reviewer_id, reviewer_name, decision, comment, at from reviews where submission_id = any($1::int[]) order by id', [ids]);
    return rows.rows.map((r) => toSubmission(r, reviews.rows));
  }

  /** Loads with a row lock and checks visibility; unknown or invisible → ERR_HUB_NOT_FOUND. */
  async function lockVisible(tx: Queryable, id: number, viewer: Viewer): Promise<Submission> {
    const r = await tx.query<{ id: number }>(`select s.id from submissions s where s.id = $1 and ${VISIBLE(2)} for update of s`, [id, ...viewerParams(viewer)]);
    if (!r.rows[0]) throw new AppError('ERR_HUB_NOT_FOUND', `no submission ${id}`);
    return (await load(tx, [id]))[0]!;
  }

  function requireReviewer(viewer: Viewer, what: string): void {
    if (!isReviewer(viewer)) throw new AppError('ERR_HUB_FORBIDDEN', `${what} needs role triager or admin`);
  }

  function requireOwnerOrReviewer(s: Submission, viewer: Viewer, what: string): void {
    if (s.submitter.userId !== viewer.userId && !isReviewer(viewer)) throw new AppError('ERR_HUB_FORBIDDEN', `only the submitter, triagers and admins may ${what}`);
  }

  function requireStatus(s: Submission, allowed: SubmissionStatus[], what: string): void {
    if (!allowed.includes(s.status)) throw new AppError('ERR_HUB_CONFLICT', `cannot ${what} submission ${s.id}: it is ${s.status} (needs ${allowed.join(' or ')})`);
  }

  async function writePackages(tx: Queryable, id: number, records: readonly OsvRecord[]): Promise<void> {
    await tx.query('delete from submission_packages where submission_id = $1', [id]);
    const pkgs = packagesOf(records);
    if (pkgs.length) {
      await tx.query('insert into submission_packages (submission_id, ecosystem, name) select $1, e, n from unnest($2::text[], $3::text[]) as x(e, n)',
        [id, pkgs.map((p) => p.ecosystem), pkgs.map((p) => p.name)]);
    }
  }

  function checkEmbargo(d: Date | null | undefined): Date | null {
    if (d === undefined || d === null) return null;
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new AppError('ERR_HUB_VALIDATION', 'embargoUntil must be a date', { pointer: '/embargoUntil' });
    return d;
  }

  /** Next hub id for a prefix: after the counter and after any id with that prefix already stored. */
  async function allocateId(tx: Queryable, prefix: string): Promise<string> {
    const max = await tx.query<{ n: string }>(
      `select coalesce(max(substring(id from $2::int)::numeric), 0)::text as n from vuln_ids
        where id like $1 and substring(id from $2::int) ~ '^[0-9]{1,18}$'`,
      [`${prefix.replace(/[\\%_]/g, '\\$&')}-%`, prefix.length + 2]);
    const r = await tx.query<{ last: string }>(
      `insert into id_counters (prefix, last) values ($1, $2::bigint + 1)
       on conflict (prefix) do update set last = greatest(id_counters.last, $2::bigint) + 1 returning last::text as last`,
      [prefix, max.rows[0]!.n]);
    return `${prefix}-${r.rows[0]!.last}`;
  }

  function prefixFor(record: OsvRecord): string {
    const eco = record.affected?.[0]?.package?.ecosystem?.toLowerCase();
    for (const [k, v] of Object.entries(policy.idPrefixes)) if (k.toLowerCase() === eco) return v;
    return policy.defaultIdPrefix;
  }

  function isHubId(id: string | undefined): boolean {
    if (!id) return false;
    return [...Object.values(policy.idPrefixes), policy.defaultIdPrefix].some((p) => new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+$`).test(id));
  }

  return {
    async create(input, actor) {
      const records = checkRecords(input.records);
      const embargo = checkEmbargo(input.embargoUntil);
      return driver.transaction(async (tx) => {
        const now = ctx.now();
        const r = await tx.query<{ id: number }>(
          `insert into submissions (status, submitter_id, submitter_name, records, embargo_until, note, created_at, updated_at)
           values ('draft', $1, $2, $3::jsonb, $4, $5, $6, $6) returning id`,
          [actor.userId, actor.name, JSON.stringify(records), embargo, input.note ?? null, now]);
        const id = r.rows[0]!.id;
        await writePackages(tx, id, records);
        await auditAppend(tx, actor, 'submission.create', `submission:${id}`, { before: null, after: { status: 'draft', records: records.length, embargoUntil: embargo, packages: packagesOf(records) } }, now);
        return (await load(tx, [id]))[0]!;
      });
    },

    async update(id, input, actor, viewer) {
      const records = input.records === undefined ? undefined : checkRecords(input.records);
      const embargo = input.embargoUntil === undefined ? undefined : checkEmbargo(input.embargoUntil);
      return driver.transaction(async (tx) => {
        const s = await lockVisible(tx, id, viewer);
        requireOwnerOrReviewer(s, viewer, 'edit a submission');
        requireStatus(s, ['draft', 'in-review'], 'edit');
        const now = ctx.now();
        await tx.query(
          `update submissions set records = coalesce($2::jsonb, records), embargo_until = case when $3::boolean then $4::timestamptz else embargo_until end,
             note = coalesce($5, note), status = 'draft', round = round + 1, updated_at = $6 where id = $1`,
          [id, records ? JSON.stringify(records) : null, embargo !== undefined, embargo ?? null, input.note ?? null, now]);
        if (records) await writePackages(tx, id, records);
        await auditAppend(tx, actor, 'submission.update', `submission:${id}`, {
          before: { status: s.status, records: s.records.length, embargoUntil: s.embargoUntil, note: s.note },
          after: { status: 'draft', ...(records && { records: records.length, recordsChanged: true }), ...(embargo !== undefined && { embargoUntil: embargo }), ...(input.note !== undefined && { note: input.note }) },
        }, now);
        return (await load(tx, [id]))[0]!;
      });
    },

    async submit(id, actor, viewer) {
      return driver.transaction(async (tx) => {
        const s = await lockVisible(tx, id, viewer);
        requireOwnerOrReviewer(s, viewer, 'submit for review');
        requireStatus(s, ['draft'], 'submit');
        const now = ctx.now();
        await tx.query(`update submissions set status = 'in-review', updated_at = $2 where id = $1`, [id, now]);
        await auditAppend(tx, actor, 'submission.submit', `submission:${id}`, { before: { status: 'draft' }, after: { status: 'in-review' } }, now);
        return (await load(tx, [id]))[0]!;
      });
    },

    async review(id, decision, comment, actor, viewer) {
      if (decision !== 'approve' && decision !== 'request-changes') throw new AppError('ERR_HUB_VALIDATION', `unknown review decision ${JSON.stringify(decision)}`);
      requireReviewer(viewer, 'reviewing');
      return driver.transaction(async (tx) => {
        const s = await lockVisible(tx, id, viewer);
        requireStatus(s, ['in-review'], 'review');
        if (decision === 'approve' && policy.twoPersonRule && s.submitter.userId !== null && s.submitter.userId === actor.userId) {
          throw new AppError('ERR_HUB_FORBIDDEN', 'the two-person rule is on: the submitter cannot approve their own submission');
        }
        const round = (await tx.query<{ round: number }>('select round from submissions where id = $1', [id])).rows[0]!.round;
        const now = ctx.now();
        await tx.query('insert into reviews (submission_id, round, reviewer_id, reviewer_name, decision, comment, at) values ($1, $2, $3, $4, $5, $6, $7)',
          [id, round, actor.userId, actor.name, decision, comment, now]);
        if (decision === 'request-changes') {
          await tx.query(`update submissions set status = 'draft', round = round + 1, updated_at = $2 where id = $1`, [id, now]);
        } else {
          await tx.query('update submissions set updated_at = $2 where id = $1', [id, now]);
        }
        await auditAppend(tx, actor, `submission.review.${decision}`, `submission:${id}`, {
          before: { status: s.status, approvals: s.approvals },
          after: { status: decision === 'approve' ? s.status : 'draft', comment },
        }, now);
        return (await load(tx, [id]))[0]!;
      });
    },

    async publish(id, actor, viewer) {
      requireReviewer(viewer, 'publishing');
      return driver.transaction(async (tx) => {
        const s = await lockVisible(tx, id, viewer);
        requireStatus(s, ['in-review'], 'publish');
        if (s.approvals < policy.requiredApprovals) {
          throw new AppError('ERR_HUB_CONFLICT', `submission ${id} has ${s.approvals} of ${policy.requiredApprovals} required approval(s)`, {
            hint: policy.twoPersonRule ? 'approvals must come from triagers or admins other than the submitter' : undefined,
          });
        }
        const now = ctx.now();
        if (s.embargoUntil && s.embargoUntil.getTime() > now.getTime()) {
          throw new AppError('ERR_HUB_CONFLICT', `submission ${id} is embargoed until ${s.embargoUntil.toISOString()}`);
        }
        const iso = now.toISOString();
        // Publications serialise on the feed lock BEFORE taking id counters: a batch needing two
        // prefixes cannot then deadlock with another taking them in the other order.
        await lockFeed(tx);
        const prepared = [];
        for (const [i, r] of s.records.entries()) {
          // An existing hub id updates that advisory; any other id becomes an alias of a new
          // hub id (a hub-looking id that does not exist is not honoured: numbers come from the counter).
          const aliases = new Set(r.aliases ?? []);
          let hubId: string;
          if (r.id && isHubId(r.id) && (await tx.query('select 1 from vuln_ids where id = $1', [r.id])).rows.length) hubId = r.id;
          else {
            if (r.id && !isHubId(r.id)) aliases.add(r.id);
            hubId = await allocateId(tx, prefixFor(r));
          }
          const record: OsvRecord = {
            ...r, schema_version: r.schema_version ?? '1.7.0', id: hubId, modified: iso, published: r.published ?? iso,
            ...(aliases.size ? { aliases: [...aliases] } : {}),
          };
          try {
            prepared.push(prepareSource(record, 'hub'));
          } catch (err) {
            throw new AppError('ERR_ADVISORY_INVALID', (err as Error).message, { pointer: `/records/${i}` });
          }
        }
        const applied = await applySources(tx, prepared, now);
        const publishedIds = prepared.map((p) => applied.served.get(p.id)?.id ?? p.id);
        await tx.query(`update submissions set status = 'published', published_ids = $2::text[], updated_at = $3 where id = $1`, [id, publishedIds, now]);
        await auditAppend(tx, actor, 'submission.publish', `submission:${id}`, { before: { status: 'in-review' }, after: { status: 'published', publishedIds, changes: applied.changes } }, now);
        return (await load(tx, [id]))[0]!;
      });
    },

    async reject(id, reason, actor, viewer) {
      requireReviewer(viewer, 'rejecting');
      if (typeof reason !== 'string' || !reason.trim()) throw new AppError('ERR_HUB_VALIDATION', 'a rejection needs a reason');
      return driver.transaction(async (tx) => {
        const s = await lockVisible(tx, id, viewer);
        requireStatus(s, ['draft', 'in-review'], 'reject');
        const now = ctx.now();
        await tx.query(`update submissions set status = 'rejected', rejection_reason = $2, updated_at = $3 where id = $1`, [id, reason, now]);
        await auditAppend(tx, actor, 'submission.reject', `submission:${id}`, { before: { status: s.status }, after: { status: 'rejected', reason } }, now);
        return (await load(tx, [id]))[0]!;
      });
    },

    async get(id, viewer) {
      if (!Number.isInteger(id)) return undefined;
      const r = await driver.query<{ id: number }>(`select s.id from submissions s where s.id = $1 and ${VISIBLE(2)}`, [id, ...viewerParams(viewer)]);
      if (!r.rows[0]) return undefined;
      return (await load(driver, [id]))[0];
    },

    async list(viewer, options = {}) {
      const limit = Math.min(Math.max(1, options.limit ?? 50), 500);
      const r = await driver.query<{ id: number }>(
        `select s.id from submissions s where ${VISIBLE(1)} and ($4::text is null or s.status = $4) and ($5::int is null or s.id < $5)
          order by s.id desc limit $6`,
        [...viewerParams(viewer), options.status ?? null, options.before ?? null, limit]);
      return load(driver, r.rows.map((x) => x.id));
    },

    canView(s, viewer, maintained = []) {
      if (isReviewer(viewer) || s.status === 'published' || s.submitter.userId === viewer.userId) return true;
      if (!viewer.roles.includes('maintainer')) return false;
      const mine = new Set(maintained.map((p) => `${p.ecosystem.toLowerCase()}\u0000${p.name}`));
      return s.packages.some((p) => mine.has(`${p.ecosystem.toLowerCase()}\u0000${p.name}`));
    },
  };
}

export type { Actor };
