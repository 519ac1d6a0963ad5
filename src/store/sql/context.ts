/** What every repository gets: the driver, the policy, the clock, and small SQL helpers. */
import type { Actor, Driver, HubPolicy, Queryable } from '../types.ts';

export interface SqlContext {
  driver: Driver;
  policy: Readonly<HubPolicy>;
  now(): Date;
}

/**
 * Serialises writers of the change feed for the rest of the transaction, so change seqs are
 * assigned in commit order (a poller never sees seq 11 before seq 10 has committed). Keyed by
 * schema, so stores in different schemas of one database do not wait on each other.
 */
export async function lockFeed(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ':nodesec:feed'))`);
}

/**
 * Runs `sql` with `$1` = a JSON array of at most `chunk` rows at a time (for
 * jsonb_to_recordset), `$2...` = `extra`. Returns the rows of every chunk.
 */
export async function bulk<R = Record<string, unknown>>(tx: Queryable, sql: string, rows: readonly unknown[], extra: readonly unknown[] = [], chunk = 2000): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const r = await tx.query<R>(sql, [JSON.stringify(rows.slice(i, i + chunk)), ...extra]);
    out.push(...r.rows);
  }
  return out;
}

export function actorFields(actor: Actor): { actor_id: number | null; actor_name: string } {
  return { actor_id: actor.userId, actor_name: actor.name };
}

/** Appends an audit entry inside `tx`. */
export async function auditAppend(tx: Queryable, actor: Actor, action: string, target: string, diff: unknown, at: Date): Promise<void> {
  await tx.query(
    'insert into audit_log (at, actor_id, actor_name, action, target, diff) values ($1, $2, $3, $4, $5, $6::jsonb)',
    [at, actor.userId, actor.name, action, target, diff === undefined ? null : JSON.stringify(diff)],
  );
}
