/**
 * Embedded backend: PGlite (PostgreSQL compiled to WASM) in a data directory, or in memory.
 * One connection, queries queued by PGlite itself; a transaction holds it until it ends.
 * Only store/index.ts imports this module (lazily).
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { AppError } from '../../core/errors.ts';
import type { Driver, QueryResult, Transaction } from '../types.ts';

type PgliteLike = Pick<PGlite, 'query' | 'exec'>;

function queryable(db: PgliteLike): Transaction {
  return {
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const r = await db.query<R>(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
    },
  };
}

export async function openPglite(dir: string | undefined): Promise<Driver> {
  if (dir !== undefined) await mkdir(dir, { recursive: true });
  let db: PGlite;
  try {
    db = await PGlite.create(dir === undefined ? undefined : dir);
  } catch (cause) {
    throw new AppError('ERR_STORE_UNAVAILABLE', `cannot open the embedded database${dir === undefined ? '' : ` in ${dir}`}: ${(cause as Error)?.message ?? cause}`, {
      cause,
      ...(dir !== undefined && { file: dir }),
      hint: 'is another nodesec process using this --data-dir? An embedded store has one process at a time; use --database-url for several',
    });
  }
  let closed = false;
  const guard = () => {
    if (closed) throw new AppError('ERR_STORE_UNAVAILABLE', 'the store is closed');
  };
  const q = queryable(db);
  return {
    kind: 'embedded',
    query(sql, params) {
      guard();
      return q.query(sql, params);
    },
    async transaction(fn) {
      guard();
      return db.transaction((tx) => fn(queryable(tx)));
    },
    async exec(sql) {
      guard();
      await db.exec(sql);
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
