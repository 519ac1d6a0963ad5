/** The append-only audit log (the database refuses UPDATE, DELETE and TRUNCATE on it). */
import { AppError } from '../../core/errors.ts';
import type { AuditEntry, AuditRepo } from '../types.ts';
import type { SqlContext } from './context.ts';

interface AuditRow {
  id: string;
  at: Date;
  actor_id: number | null;
  actor_name: string;
  action: string;
  target: string;
  diff: unknown;
}

function toEntry(r: AuditRow): AuditEntry {
  return { id: r.id, at: r.at, actor: { userId: r.actor_id, name: r.actor_name }, action: r.action, target: r.target, diff: r.diff };
}

export function createAuditRepo(ctx: SqlContext): AuditRepo {
  return {
    async append(entry, tx) {
      const q = tx ?? ctx.driver;
      const r = await q.query<AuditRow>(
        `insert into audit_log (at, actor_id, actor_name, action, target, diff) values ($1, $2, $3, $4, $5, $6::jsonb)
         returning id::text as id, at, actor_id, actor_name, action, target, diff`,
        [ctx.now(), entry.actor.userId, entry.actor.name, entry.action, entry.target, entry.diff === undefined ? null : JSON.stringify(entry.diff)]);
      return toEntry(r.rows[0]!);
    },

    async list(options = {}) {
      const limit = Math.min(Math.max(1, options.limit ?? 100), 1000);
      if (options.before !== undefined && !/^\d{1,19}$/.test(options.before)) throw new AppError('ERR_HUB_VALIDATION', `invalid audit cursor ${JSON.stringify(options.before)}`);
      const r = await ctx.driver.query<AuditRow>(
        `select id::text as id, at, actor_id, actor_name, action, target, diff from audit_log
          where ($1::text is null or target like $1 || '%') and ($2::int is null or actor_id = $2)
            and ($3::text is null or action = $3) and ($4::bigint is null or id < $4::bigint)
          order by audit_log.id desc limit $5`,
        [options.target ?? null, options.actorUserId ?? null, options.action ?? null, options.before ?? null, limit]);
      return r.rows.map(toEntry);
    },
  };
}
