/**
 * The PostgreSQL server for store tests: TEST_DATABASE_URL, else the machine's server on
 * 127.0.0.1:5432 (trust auth, database `test`). Each test suite gets its own schema, so suites
 * run in parallel without seeing each other's rows. A missing server fails loudly under CI
 * (CI=true) and skips with a visible reason elsewhere.
 */
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;

export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => {});
    }
  })();
  return reachable;
}

/** `{ skip }` option for `describe`/`test`: never skips under CI, where a missing server is a failure. */
export async function postgresSkip(): Promise<false | string> {
  if (await postgresReachable()) return false;
  if (process.env.CI) throw new Error(`PostgreSQL is not reachable at ${TEST_DATABASE_URL} (CI requires it)`);
  return `PostgreSQL not reachable at ${TEST_DATABASE_URL}`;
}

/** A fresh schema and a URL whose connections use it (search_path via `options`). Drop it with the returned function. */
export async function freshSchema(prefix = 't'): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const u = new URL(TEST_DATABASE_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    },
  };
}
