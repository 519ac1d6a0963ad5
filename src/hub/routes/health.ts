/**
 * Liveness and readiness for orchestrators and load balancers:
 *   GET /healthz  200 while the process serves requests (no store access)
 *   GET /readyz   200 when the store answers, 503 (ERR_STORE_UNAVAILABLE) when it does not;
 *                 `cache` says whether every record is in memory yet (see HubConfig.prewarm)
 * Neither is rate limited.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../core/errors.ts';
import { storePing } from '../store-adapter.ts';

const Status = { type: 'object', properties: { status: { type: 'string' }, cache: { type: 'string' } } } as const;

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { config: { rateLimit: false }, schema: { response: { 200: Status } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { rateLimit: false }, schema: { response: { 200: Status, '5xx': { $ref: 'Problem#' } } } }, async () => {
    try {
      const { ping, store } = app.hubDeps;
      if (ping) await ping();
      else if (store) await storePing(store);
      else await app.vulns.cursor();
    } catch (cause) {
      throw new AppError('ERR_STORE_UNAVAILABLE', 'the store does not answer', { cause });
    }
    // `complete`: every published record is in memory (prewarm done); `partial`: loaded on demand
    return { status: 'ready', cache: app.vulns.complete ? 'complete' : 'partial' };
  });
}
