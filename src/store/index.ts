/**
 * Opens the hub's store. The only module that imports a backend, and lazily, so that the
 * embedded default never loads `pg` and a PostgreSQL hub never loads the PGlite WASM.
 *
 * @example
 *   const store = await openStore({ kind: 'embedded', dir: '.nodesec/hub' });
 *   const store = await openStore({ kind: 'postgres', url: process.env.DATABASE_URL });
 */
import { AppError } from '../core/errors.ts';
import { createSqlStore } from './sql/store.ts';
import type { Store, StoreConfig } from './types.ts';

export type * from './types.ts';
export { packageKey, ROLES, SCOPES, SYSTEM_ACTOR } from './types.ts';
export { DEFAULT_POLICY, resolvePolicy } from './sql/store.ts';

/** Opens (and by default migrates) a store. Throws ERR_STORE_UNAVAILABLE or ERR_STORE_MIGRATION. */
export async function openStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case 'embedded': {
      const { openPglite } = await import('./backends/pglite.ts');
      return createSqlStore(await openPglite(config.dir), config);
    }
    case 'postgres': {
      if (typeof config.url !== 'string' || !/^postgres(ql)?:\/\//.test(config.url)) {
        throw new AppError('ERR_CONFIG_INVALID', 'the database URL must start with postgres:// or postgresql://', { hint: 'e.g. postgres://user:password@127.0.0.1:5432/nodesec' });
      }
      const { openPostgres } = await import('./backends/postgres.ts');
      return createSqlStore(await openPostgres({
        url: config.url,
        ...(config.maxConnections !== undefined && { maxConnections: config.maxConnections }),
        ...(config.connectTimeoutMs !== undefined && { connectTimeoutMs: config.connectTimeoutMs }),
        ...(config.statementTimeoutMs !== undefined && { statementTimeoutMs: config.statementTimeoutMs }),
      }), config);
    }
    default:
      throw new AppError('ERR_CONFIG_INVALID', `unknown store kind ${JSON.stringify((config as { kind?: unknown }).kind)}`);
  }
}
