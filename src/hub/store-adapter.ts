/** The store (src/store) as the hub's read side and readiness probe. */
import { AppError } from '../core/errors.ts';
import type { Store } from '../store/types.ts';
import type { FastifyInstance } from 'fastify';
import type { VulnReader } from './vulns.ts';

/** The store's published advisories as the hub's reader. */
export function storeReader(store: Store): VulnReader {
  return {
    byPackage: (ecosystem, name) => store.advisories.byPackage(ecosystem, name),
    byPackages: (keys) => store.advisories.byPackages(keys),
    byId: (id) => store.advisories.get(id),
    cursor: () => store.advisories.cursor(),
  };
}

/** Throws unless the store answers (for /readyz). */
export async function storePing(store: Store): Promise<void> {
  const h = await store.health();
  if (!h.ok) throw new AppError('ERR_STORE_UNAVAILABLE', h.error ?? 'the store is not healthy');
}

/** The hub's store, for routes that need more than published records (a reader-only hub answers 503). */
export function requireStore(app: FastifyInstance): Store {
  const s = app.hubDeps.store;
  if (!s) throw new AppError('ERR_STORE_UNAVAILABLE', 'this hub runs without a store (read-only reader)');
  return s;
}
