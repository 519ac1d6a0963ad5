/**
 * Users, roles, maintained packages and API tokens. Tokens are `nshub_<id>_<secret>` with 32
 * random bytes of secret; only sha256(token) is stored, so a database leak yields no usable
 * token. Lookup is by hash (an index probe), so verification time does not depend on how
 * much of a guessed secret is right.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import {
  ROLES,
  SCOPES,
  type AccountRepo,
  type Actor,
  type CreatedToken,
  type PackageRef,
  type Principal,
  type Queryable,
  type Role,
  type Scope,
  type TokenInfo,
  type User,
} from '../types.ts';
import { auditAppend, type SqlContext } from './context.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TOKEN = /^nshub_[A-Za-z0-9_-]{20,200}$/;

/** Scopes each role may hold; a token's effective scopes are its scopes ∩ those of the user's roles. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = Object.freeze({
  admin: SCOPES,
  triager: ['read', 'submit', 'review'],
  maintainer: ['read', 'submit'],
  contributor: ['read', 'submit'],
} satisfies Record<Role, readonly Scope[]>);

export function allowedScopes(roles: readonly Role[]): Set<Scope> {
  return new Set(roles.flatMap((r) => ROLE_SCOPES[r] ?? []));
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function checkRoles(roles: readonly string[]): Role[] {
  if (!Array.isArray(roles) || roles.length === 0) throw new AppError('ERR_HUB_VALIDATION', `a user needs at least one role (${ROLES.join(', ')})`);
  for (const r of roles) {
    if (!(ROLES as readonly string[]).includes(r)) throw new AppError('ERR_HUB_VALIDATION', `unknown role ${JSON.stringify(r)}`, { hint: `roles: ${ROLES.join(', ')}` });
  }
  return [...new Set(roles as Role[])];
}

export function checkScopes(scopes: readonly string[]): Scope[] {
  if (!Array.isArray(scopes) || scopes.length === 0) throw new AppError('ERR_HUB_VALIDATION', `a token needs at least one scope (${SCOPES.join(', ')})`);
  for (const s of scopes) {
    if (!(SCOPES as readonly string[]).includes(s)) throw new AppError('ERR_HUB_VALIDATION', `unknown scope ${JSON.stringify(s)}`, { hint: `scopes: ${SCOPES.join(', ')}` });
  }
  return [...new Set(scopes as Scope[])];
}

interface UserRow {
  id: number;
  name: string;
  roles: Role[];
  email: string | null;
  disabled: boolean;
  created_at: Date;
  packages: PackageRef[] | null;
}

const USER_SELECT = `select u.id, u.name, u.roles, u.email, u.disabled, u.created_at,
  (select coalesce(jsonb_agg(jsonb_build_object('ecosystem', m.ecosystem, 'name', m.name) order by m.ecosystem, m.name), '[]'::jsonb)
     from maintained_packages m where m.user_id = u.id) as packages
  from users u`;

function toUser(r: UserRow): User {
  return { id: r.id, name: r.name, roles: r.roles, email: r.email, disabled: r.disabled, createdAt: r.created_at, packages: r.packages ?? [] };
}

interface TokenRow {
  id: string;
  user_id: number;
  user_name: string;
  label: string | null;
  scopes: Scope[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_SELECT = `select t.id, t.user_id, u.name as user_name, t.label, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
  from tokens t join users u on u.id = t.user_id`;

function toToken(r: TokenRow): TokenInfo {
  return {
    id: r.id, userId: r.user_id, userName: r.user_name, label: r.label, scopes: r.scopes,
    createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown })?.code === '23505';
}

export function createAccountRepo(ctx: SqlContext): AccountRepo {
  const { driver } = ctx;

  async function findUser(q: Queryable, idOrName: number | string, lock = false): Promise<User | undefined> {
    const byId = typeof idOrName === 'number' || /^\d+$/.test(idOrName);
    const r = await q.query<UserRow>(
      `${USER_SELECT} where ${byId ? 'u.id = $1::int' : 'lower(u.name) = lower($1)'}${lock ? ' for update of u' : ''}`,
      [byId ? Number(idOrName) : idOrName]);
    return r.rows[0] && toUser(r.rows[0]);
  }

  async function mustUser(q: Queryable, idOrName: number | string, lock = false): Promise<User> {
    const u = await findUser(q, idOrName, lock);
    if (!u) throw new AppError('ERR_HUB_NOT_FOUND', `no user ${JSON.stringify(String(idOrName))}`, { hint: 'list users with `nodesec hub user list`' });
    return u;
  }

  async function changeUser(idOrName: number | string, actor: Actor, action: string, fn: (tx: Queryable, u: User) => Promise<unknown>): Promise<User> {
    return driver.transaction(async (tx) => {
      const before = await mustUser(tx, idOrName, true);
      await fn(tx, before);
      const after = await mustUser(tx, before.id);
      await auditAppend(tx, actor, action, `user:${before.id}`, { before: pick(before), after: pick(after) }, ctx.now());
      return after;
    });
  }

  function pick(u: User) {
    return { name: u.name, roles: u.roles, email: u.email, disabled: u.disabled, packages: u.packages };
  }

  function checkPackage(pkg: PackageRef): PackageRef {
    if (typeof pkg?.ecosystem !== 'string' || !pkg.ecosystem || typeof pkg.name !== 'string' || !pkg.name) {
      throw new AppError('ERR_HUB_VALIDATION', 'a package needs an ecosystem and a name');
    }
    return { ecosystem: pkg.ecosystem.toLowerCase(), name: pkg.name };
  }

  return {
    async createUser(input, actor) {
      if (typeof input.name !== 'string' || !NAME.test(input.name)) {
        throw new AppError('ERR_HUB_VALIDATION', `invalid user name ${JSON.stringify(input.name)}`, { hint: '1-64 characters: letters, digits, . _ -, starting with a letter or digit' });
      }
      const roles = checkRoles(input.roles);
      try {
        return await driver.transaction(async (tx) => {
          const r = await tx.query<{ id: number }>('insert into users (name, roles, email, created_at) values ($1, $2::text[], $3, $4) returning id',
            [input.name, roles, input.email ?? null, ctx.now()]);
          const u = await mustUser(tx, r.rows[0]!.id);
          await auditAppend(tx, actor, 'user.create', `user:${u.id}`, { before: null, after: pick(u) }, ctx.now());
          return u;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('ERR_HUB_CONFLICT', `a user named ${JSON.stringify(input.name)} exists already`, { cause: err });
        throw err;
      }
    },

    getUser: (idOrName) => findUser(driver, idOrName),

    async listUsers() {
      const r = await driver.query<UserRow>(`${USER_SELECT} order by u.id`);
      return r.rows.map(toUser);
    },

    setRoles(idOrName, roles, actor) {
      const checked = checkRoles(roles);
      return changeUser(idOrName, actor, 'user.roles', (tx, u) => tx.query('update users set roles = $2::text[] where id = $1', [u.id, checked]));
    },

    setDisabled(idOrName, disabled, actor) {
      return changeUser(idOrName, actor, disabled ? 'user.disable' : 'user.enable', (tx, u) => tx.query('update users set disabled = $2 where id = $1', [u.id, disabled]));
    },

    addMaintainedPackage(idOrName, pkg, actor) {
      const p = checkPackage(pkg);
      return changeUser(idOrName, actor, 'user.package.add', (tx, u) =>
        tx.query('insert into maintained_packages (user_id, ecosystem, name) values ($1, $2, $3) on conflict do nothing', [u.id, p.ecosystem, p.name]));
    },

    removeMaintainedPackage(idOrName, pkg, actor) {
      const p = checkPackage(pkg);
      return changeUser(idOrName, actor, 'user.package.remove', (tx, u) =>
        tx.query('delete from maintained_packages where user_id = $1 and ecosystem = $2 and name = $3', [u.id, p.ecosystem, p.name]));
    },

    async createToken(input, actor): Promise<CreatedToken> {
      const scopes = checkScopes(input.scopes);
      if (input.expiresAt !== null && (!(input.expiresAt instanceof Date) || Number.isNaN(input.expiresAt.getTime()))) {
        throw new AppError('ERR_HUB_VALIDATION', 'expiresAt must be a date or null');
      }
      if (input.expiresAt && input.expiresAt.getTime() <= ctx.now().getTime()) throw new AppError('ERR_HUB_VALIDATION', 'the expiry date is in the past');
      return driver.transaction(async (tx) => {
        const user = await mustUser(tx, input.user);
        if (user.disabled) throw new AppError('ERR_HUB_CONFLICT', `user ${user.name} is disabled`);
        const allowed = allowedScopes(user.roles);
        const excess = scopes.filter((s) => !allowed.has(s));
        if (excess.length) {
          throw new AppError('ERR_HUB_VALIDATION', `user ${user.name} (${user.roles.join(', ')}) cannot hold scope ${excess.join(', ')}`, {
            hint: 'review needs role triager or admin; admin needs role admin',
          });
        }
        const id = `tok_${randomBytes(9).toString('base64url')}`;
        const token = `nshub_${id.slice(4)}_${randomBytes(32).toString('base64url')}`;
        const now = ctx.now();
        await tx.query('insert into tokens (id, user_id, hash, label, scopes, created_at, expires_at) values ($1, $2, $3, $4, $5::text[], $6, $7)',
          [id, user.id, hashToken(token), input.label ?? null, scopes, now, input.expiresAt]);
        const r = await tx.query<TokenRow>(`${TOKEN_SELECT} where t.id = $1`, [id]);
        const info = toToken(r.rows[0]!);
        await auditAppend(tx, actor, 'token.create', `token:${id}`, { before: null, after: { user: user.name, scopes, label: info.label, expiresAt: info.expiresAt } }, now);
        return { token, info };
      });
    },

    async verifyToken(token): Promise<Principal | undefined> {
      if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
      const r = await driver.query<TokenRow & { disabled: boolean }>(
        `select t.id, t.user_id, u.name as user_name, t.label, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, u.disabled
           from tokens t join users u on u.id = t.user_id where t.hash = $1`, [hashToken(token)]);
      const row = r.rows[0];
      if (!row || row.revoked_at || row.disabled) return undefined;
      const now = ctx.now();
      if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return undefined;
      const user = await findUser(driver, row.user_id);
      if (!user || user.disabled) return undefined;
      if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= 60_000) {
        await driver.query('update tokens set last_used_at = $2 where id = $1 and (last_used_at is null or last_used_at < $2)', [row.id, now]);
        row.last_used_at = now;
      }
      const allowed = allowedScopes(user.roles);
      return { user, token: toToken(row), scopes: row.scopes.filter((s) => allowed.has(s)) };
    },

    async listTokens(options = {}) {
      const params: unknown[] = [options.includeRevoked ?? false];
      let where = 'where ($1::boolean or t.revoked_at is null)';
      if (options.user !== undefined) {
        const u = await mustUser(driver, options.user);
        params.push(u.id);
        where += ' and t.user_id = $2';
      }
      const r = await driver.query<TokenRow>(`${TOKEN_SELECT} ${where} order by t.created_at, t.id`, params);
      return r.rows.map(toToken);
    },

    async revokeToken(id, actor) {
      return driver.transaction(async (tx) => {
        const r = await tx.query<TokenRow>(`${TOKEN_SELECT} where t.id = $1 for update of t`, [id]);
        const row = r.rows[0];
        if (!row) throw new AppError('ERR_HUB_NOT_FOUND', `no token ${JSON.stringify(id)}`, { hint: 'token ids look like tok_...; list them with `nodesec hub token list`' });
        if (row.revoked_at) return toToken(row);
        const now = ctx.now();
        await tx.query('update tokens set revoked_at = $2 where id = $1', [id, now]);
        await auditAppend(tx, actor, 'token.revoke', `token:${id}`, { before: { revokedAt: null }, after: { revokedAt: now.toISOString() } }, now);
        return toToken({ ...row, revoked_at: now });
      });
    },
  };
}
