/**
 * Bearer tokens: `Authorization: Bearer <token>`, verified by the store (tokens are stored
 * hashed; see AccountRepo.verifyToken). Routes declare what they need with
 * `preHandler: app.requireScope('review')`; the principal is then on `req.principal`.
 *
 * 401 (with `WWW-Authenticate: Bearer`) when no valid token is given, 403 when the token's
 * effective scopes (already intersected with the user's roles by the store) lack the scope.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { Actor, Principal, Scope, Viewer } from '../../store/types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    requireScope(scope: Scope): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,512})$/i;

export function actorOf(p: Principal): Actor {
  return { userId: p.user.id, name: p.user.name };
}

export function viewerOf(p: Principal): Viewer {
  return { userId: p.user.id, roles: p.user.roles };
}

export function installAuth(app: FastifyInstance): void {
  app.decorateRequest('principal', null);

  async function authenticate(req: FastifyRequest): Promise<Principal> {
    if (req.principal) return req.principal;
    const header = req.headers.authorization;
    if (!header) throw new AppError('ERR_HUB_UNAUTHENTICATED', 'this route needs "Authorization: Bearer <token>"', { hint: 'an admin creates tokens with `nodesec hub token create`' });
    const m = BEARER.exec(header);
    if (!m) throw new AppError('ERR_HUB_UNAUTHENTICATED', 'the Authorization header is not "Bearer <token>"');
    const store = app.hubDeps.store;
    if (!store) throw new AppError('ERR_STORE_UNAVAILABLE', 'this hub has no account store');
    const principal = await store.accounts.verifyToken(m[1]!);
    if (!principal) throw new AppError('ERR_HUB_UNAUTHENTICATED', 'the token is unknown, revoked or expired, or its user is disabled');
    req.principal = principal;
    return principal;
  }

  app.decorate('requireScope', (scope: Scope) => async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const p = await authenticate(req);
      if (!p.scopes.includes(scope)) {
        throw new AppError('ERR_HUB_FORBIDDEN', `this action needs the "${scope}" scope (the token has: ${p.scopes.join(', ') || 'none'})`);
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_HUB_UNAUTHENTICATED') void reply.header('www-authenticate', 'Bearer realm="nodesec-hub"');
      throw err;
    }
  });
}
