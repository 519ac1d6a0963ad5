/**
 * PostgreSQL backend through `pg`'s pool. The pool reconnects by itself: when the server goes
 * away, calls fail with ERR_STORE_UNAVAILABLE (the hub answers 503) and succeed again once it
 * is back, without a restart. Only store/index.ts imports this module (lazily).
 */
import pg from 'pg';
import { wrapError } from '../connection.ts';
import type { Driver, QueryResult, Transaction } from '../types.ts';

/** Kept here for existing importers; the definitions live in store/connection.ts. */
export { isConnectionError, wrapError } from '../connection.ts';

interface PgQueryable {
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
}

function queryable(c: PgQueryable, url: string): Transaction {
  return {
    async exec(sql: string): Promise<void> {
      try {
        await c.query(sql);
      } catch (err) {
        throw wrapError(err, url);
      }
    },
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      try {
        const r = await c.query(sql, params as unknown[] | undefined);
        return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
      } catch (err) {
        throw wrapError(err, url);
      }
    },
  };
}

export interface PostgresDriverOptions {
  url: string;
  maxConnections?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

export async function openPostgres(options: PostgresDriverOptions): Promise<Driver> {
  const { url } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    ...(options.statementTimeoutMs !== undefined && { statement_timeout: options.statementTimeoutMs }),
  });
  // An idle client losing its connection emits 'error' on the pool; without a listener that
  // would crash the process. The client is discarded and the next checkout reconnects.
  pool.on('error', () => {});
  const q = queryable(pool, url);
  return {
    kind: 'postgres',
    query: (sql, params) => q.query(sql, params),
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw wrapError(err, url);
      }
      let broken: unknown;
      // A connection dying while checked out emits 'error' on the client; without a listener
      // that is an uncaught exception. The failing query rejects anyway.
      const onError = (err: Error) => void (broken = err);
      client.on('error', onError);
      try {
        await client.query('begin');
        const result = await fn(queryable(client, url));
        await client.query('commit');
        return result;
      } catch (err) {
        try {
          await client.query('rollback');
        } catch (e) {
          broken = e;
        }
        throw wrapError(err, url);
      } finally {
        // a client whose connection failed must not go back to the pool
        client.off('error', onError);
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async exec(sql) {
      try {
        await pool.query(sql);
      } catch (err) {
        throw wrapError(err, url);
      }
    },
    async close() {
      await pool.end().catch(() => {});
    },
  };
}
