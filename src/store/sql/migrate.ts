/**
 * Numbered, forward-only migrations (store/migrations/NNNN_name.sql), recorded in
 * `schema_version`. All pending ones run in ONE transaction that first takes an advisory
 * lock keyed by the schema, so two hub processes starting at once do not race: the second
 * waits, then finds nothing pending.
 */
import { readdir, readFile } from 'node:fs/promises';
import { AppError } from '../../core/errors.ts';
import type { AppliedMigration, Driver, Queryable } from '../types.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const DIR = new URL('../migrations/', import.meta.url);
const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

let cache: Promise<Migration[]> | undefined;

/** The migrations this code knows, in order. */
export function knownMigrations(): Promise<Migration[]> {
  cache ??= (async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.sql')).sort();
    const out: Migration[] = [];
    for (const f of files) {
      const m = FILE.exec(f);
      if (!m) throw new AppError('ERR_STORE_MIGRATION', `migration file ${f} is not named NNNN_name.sql`);
      const version = Number(m[1]);
      if (version !== out.length + 1) throw new AppError('ERR_STORE_MIGRATION', `migration ${f} breaks the numbering (expected ${String(out.length + 1).padStart(4, '0')})`);
      out.push({ version, name: m[2]!, sql: await readFile(new URL(f, DIR), 'utf8') });
    }
    return out;
  })();
  return cache;
}

const CREATE_VERSION_TABLE = `create table if not exists schema_version (
  version    integer primary key,
  name       text not null,
  applied_at timestamptz not null default now()
)`;

async function appliedVersions(q: Queryable): Promise<number[]> {
  const t = await q.query<{ t: string | null }>(`select to_regclass('schema_version')::text as t`);
  if (!t.rows[0]?.t) return [];
  const r = await q.query<{ version: number }>('select version from schema_version order by version');
  return r.rows.map((x) => x.version);
}

/** Newest applied version (0 when none) without changing anything. */
export async function currentVersion(q: Queryable): Promise<number> {
  const v = await appliedVersions(q);
  return v.at(-1) ?? 0;
}

export async function pendingMigrations(q: Queryable): Promise<Migration[]> {
  const applied = new Set(await appliedVersions(q));
  return (await knownMigrations()).filter((m) => !applied.has(m.version));
}

export async function runMigrations(driver: Driver): Promise<AppliedMigration[]> {
  const known = await knownMigrations();
  try {
    return await driver.transaction(async (tx) => {
      await tx.query(`select pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ':nodesec:migrate'))`);
      await tx.query(CREATE_VERSION_TABLE);
      const applied = new Set(await appliedVersions(tx));
      const newest = Math.max(0, ...applied);
      if (newest > known.length) {
        throw new AppError('ERR_STORE_MIGRATION', `the database is at schema version ${newest}, newer than this nodesec knows (${known.length})`, {
          hint: 'upgrade nodesec; migrations are forward-only',
        });
      }
      const done: AppliedMigration[] = [];
      for (const m of known) {
        if (applied.has(m.version)) continue;
        try {
          await tx.exec(m.sql);
        } catch (cause) {
          throw new AppError('ERR_STORE_MIGRATION', `migration ${String(m.version).padStart(4, '0')}_${m.name} failed: ${(cause as Error)?.message ?? cause}`, { cause });
        }
        const r = await tx.query<{ applied_at: Date }>('insert into schema_version (version, name) values ($1, $2) returning applied_at', [m.version, m.name]);
        done.push({ version: m.version, name: m.name, appliedAt: r.rows[0]!.applied_at });
      }
      return done;
    });
  } catch (err) {
    if ((err as { code?: unknown })?.code === 'ERR_STORE_UNAVAILABLE' || (err as { code?: unknown })?.code === 'ERR_STORE_MIGRATION') throw err;
    throw new AppError('ERR_STORE_MIGRATION', `migrating the database failed: ${(err as Error)?.message ?? err}`, { cause: err });
  }
}
