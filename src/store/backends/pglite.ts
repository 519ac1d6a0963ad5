/**
 * Embedded backend: PGlite (PostgreSQL compiled to WASM) in a data directory, or in memory.
 * One connection, queries queued by PGlite itself; a transaction holds it until it ends.
 * Only store/index.ts imports this module (lazily).
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * PGlite has no multi-process protection: two processes on one directory corrupt it. A lock
 * file with our pid guards it; a lock left by a dead process (kill -9) is taken over.
 */
async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'nodesec-store.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const f = await open(path, 'wx');
      await f.writeFile(`${process.pid}\n`);
      await f.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new AppError('ERR_STORE_UNAVAILABLE', `the embedded store in ${dir} is in use by process ${pid}`, {
          file: dir,
          hint: 'an embedded store serves one process at a time: stop the other one (e.g. `nodesec serve`), or run the hub on PostgreSQL with --database-url',
        });
      }
      if (pid === process.pid) {
        throw new AppError('ERR_STORE_UNAVAILABLE', `the embedded store in ${dir} is already open in this process`, { file: dir, hint: 'close the other store first' });
      }
      await rm(path, { force: true });
    }
  }
  throw new AppError('ERR_STORE_UNAVAILABLE', `cannot lock the embedded store in ${dir}`, { file: dir });
}

/**
 * In-memory databases start from a snapshot of a freshly initialised cluster, taken once per
 * process: initdb costs seconds, loading the snapshot well under one (tests open many stores).
 */
let template: Promise<Blob | File> | undefined;

async function createInMemory(): Promise<PGlite> {
  if (template) {
    const t = await template.catch(() => undefined);
    if (t) return PGlite.create({ loadDataDir: t });
  }
  const db = await PGlite.create();
  template ??= db.dumpDataDir('none');
  await template.catch(() => {
    template = undefined;
  });
  return db;
}

export async function openPglite(dir: string | undefined): Promise<Driver> {
  let unlock: () => Promise<void> = async () => {};
  if (dir !== undefined) {
    await mkdir(dir, { recursive: true });
    unlock = await lockDir(dir);
  }
  let db: PGlite;
  try {
    db = dir === undefined ? await createInMemory() : await PGlite.create(dir);
  } catch (cause) {
    await unlock();
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
      try {
        await db.close();
      } finally {
        await unlock();
      }
    },
  };
}
