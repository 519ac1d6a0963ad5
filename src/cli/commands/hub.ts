/**
 * `nodesec hub`: administers the hub's store directly (no server needed): users and roles,
 * API tokens, migrations, the audit log. Works on the embedded store (`--data-dir`, the same
 * default as `nodesec serve`) or PostgreSQL (`--database-url` / DATABASE_URL). Actions are
 * recorded in the audit log as `cli:<login>`.
 */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import type { Actor, Store, TokenInfo, User } from '../../store/types.ts';
import { ROLES, SCOPES } from '../../store/types.ts';
import type { CliCommand, CliContext } from '../context.ts';
import { defaultDataDir } from './serve.ts';

interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

function collect(value: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

async function withStore<T>(ctx: CliContext, flags: StoreFlags, fn: (store: Store) => Promise<T>): Promise<T> {
  const url = flags.databaseUrl ?? ctx.env.DATABASE_URL;
  if (flags.dataDir && flags.databaseUrl) throw new AppError('ERR_USAGE', 'pass --data-dir (embedded PGlite) or --database-url (PostgreSQL), not both');
  const { openStore } = await import('../../store/index.ts');
  const store = await openStore(url && !flags.dataDir
    ? { kind: 'postgres', url, maxConnections: 2, now: ctx.now }
    : { kind: 'embedded', dir: resolve(ctx.cwd, flags.dataDir ?? defaultDataDir(ctx.env)), now: ctx.now });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Checks `--role`/`--scope` values against the closed set (ERR_USAGE naming the unknown ones). */
function known<T extends string>(values: readonly string[], allowed: readonly T[], what: string): T[] {
  const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
  if (bad.length) throw new AppError('ERR_USAGE', `unknown ${what} ${bad.join(', ')}`, { hint: `${what}s: ${allowed.join(', ')}` });
  return values as T[];
}

function cliActor(ctx: CliContext): Actor {
  return { userId: null, name: `cli:${ctx.env.USER ?? ctx.env.LOGNAME ?? ctx.env.USERNAME ?? 'unknown'}` };
}

/** `90d`, `12h`, `30m`, `2w`, `1y`, an ISO date, or `never`. */
export function parseExpiry(s: string, now: Date): Date | null {
  if (s === 'never') return null;
  const m = /^(\d{1,5})([mhdwy])$/.exec(s);
  if (m) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 }[m[2] as 'm' | 'h' | 'd' | 'w' | 'y'];
    const n = Number(m[1]);
    if (n === 0) throw new AppError('ERR_USAGE', '--expires must be in the future');
    return new Date(now.getTime() + n * unit);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s))) return new Date(s);
  throw new AppError('ERR_USAGE', `--expires takes a duration (30m, 12h, 90d, 2w, 1y), a date (2027-01-31) or "never", not ${JSON.stringify(s)}`);
}

function date(d: Date | null): string {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function userJson(u: User) {
  return { id: u.id, name: u.name, roles: u.roles, email: u.email, disabled: u.disabled, createdAt: u.createdAt.toISOString(), packages: u.packages };
}

function tokenJson(t: TokenInfo) {
  return {
    id: t.id, user: t.userName, label: t.label, scopes: t.scopes, createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null, lastUsedAt: t.lastUsedAt?.toISOString() ?? null, revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

function parsePackage(s: string): { ecosystem: string; name: string } {
  const i = s.indexOf(':');
  if (i <= 0 || i === s.length - 1) throw new AppError('ERR_USAGE', `--package takes ecosystem:name (npm:left-pad, npm:@scope/pkg), not ${JSON.stringify(s)}`);
  return { ecosystem: s.slice(0, i), name: s.slice(i + 1) };
}

/** `--format text|json` (main.ts's formatOption; command modules never import main.ts: a cycle). */
function formatOption(choices: string[]): Option {
  return new Option('-f, --format <format>', 'output format').choices(choices).default('text');
}

function storeOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'embedded database directory (default $NODESEC_DATA_DIR or ~/.local/share/nodesec/hub)')
    .option('--database-url <url>', 'PostgreSQL URL instead of the embedded database (default $DATABASE_URL)');
}

function register(program: Command, ctx: CliContext): void {
  const hub = program
    .command('hub')
    .description('Administer the vulnerability hub\'s store: users, roles, API tokens, migrations, audit log.')
    .addHelpText('after', `
Roles: admin (everything), triager (review, publish, withdraw), maintainer (sees embargoed
reports about the packages they maintain), contributor (submits reports).
Token scopes: read, submit, review (triager/admin), admin (admin). A token never grants more
than its user's roles.

Examples:
  $ nodesec hub user add alice --role triager
  $ nodesec hub user add bob --role maintainer --package npm:left-pad
  $ nodesec hub token create --user alice --scope read,review --expires 90d
  $ nodesec hub token revoke tok_3hQk9sPz
  $ DATABASE_URL=postgres://hub@db/nodesec nodesec hub user list --format json`);

  const user = hub.command('user').description('Manage hub users and their roles');

  storeOptions(user.command('add')
    .description('Create a user with one or more roles')
    .argument('<name>', 'user name (letters, digits, . _ -)')
    .addOption(new Option('-r, --role <role>', `role, repeatable or comma-separated (${ROLES.join(', ')})`).argParser(collect).makeOptionMandatory())
    .option('--email <email>', 'contact address')
    .option('--package <ecosystem:name>', 'package the user maintains (embargo visibility), repeatable', (v: string, p: string[] | undefined) => [...(p ?? []), v])
    .addHelpText('after', '\nExample:\n  $ nodesec hub user add alice --role triager,contributor'))
    .action(async (name: string, flags: StoreFlags & { role: string[]; email?: string; package?: string[] }) => {
      const roles = known(flags.role, ROLES, 'role');
      const pkgs = (flags.package ?? []).map(parsePackage);
      await withStore(ctx, flags, async (store) => {
        const actor = cliActor(ctx);
        let u = await store.accounts.createUser({ name, roles, ...(flags.email && { email: flags.email }) }, actor);
        for (const p of pkgs) u = await store.accounts.addMaintainedPackage(u.id, p, actor);
        ctx.stdout.write(`created user ${u.name} (id ${u.id}, roles ${u.roles.join(', ')})\n`);
      });
    });

  storeOptions(user.command('list')
    .description('List users, their roles and maintained packages')
    .addOption(formatOption(['text', 'json'])))
    .action(async (flags: StoreFlags & { format: string }) => {
      await withStore(ctx, flags, async (store) => {
        const users = await store.accounts.listUsers();
        if (flags.format === 'json') {
          ctx.stdout.write(`${JSON.stringify(users.map(userJson), null, 2)}\n`);
          return;
        }
        if (!users.length) {
          ctx.stdout.write('no users yet; add one with `nodesec hub user add <name> --role admin`\n');
          return;
        }
        ctx.stdout.write(table([
          ['ID', 'NAME', 'ROLES', 'STATUS', 'PACKAGES'],
          ...users.map((u) => [String(u.id), u.name, u.roles.join(','), u.disabled ? 'disabled' : 'active', u.packages.map((p) => `${p.ecosystem}:${p.name}`).join(',') || '-']),
        ]));
      });
    });

  storeOptions(user.command('roles')
    .description('Replace a user\'s roles (their tokens narrow or widen at once)')
    .argument('<name>', 'user name or id')
    .addOption(new Option('-r, --role <role>', `role, repeatable or comma-separated (${ROLES.join(', ')})`).argParser(collect).makeOptionMandatory())
    .addHelpText('after', '\nExample:\n  $ nodesec hub user roles alice --role contributor'))
    .action(async (name: string, flags: StoreFlags & { role: string[] }) => {
      const roles = known(flags.role, ROLES, 'role');
      await withStore(ctx, flags, async (store) => {
        const u = await store.accounts.setRoles(name, roles, cliActor(ctx));
        ctx.stdout.write(`user ${u.name} now has roles ${u.roles.join(', ')}\n`);
      });
    });

  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    storeOptions(user.command(verb)
      .description(disabled ? 'Disable a user: their tokens stop working at once' : 'Enable a disabled user again')
      .argument('<name>', 'user name or id'))
      .action(async (name: string, flags: StoreFlags) => {
        await withStore(ctx, flags, async (store) => {
          const u = await store.accounts.setDisabled(name, disabled, cliActor(ctx));
          ctx.stdout.write(`user ${u.name} ${disabled ? 'disabled' : 'enabled'}\n`);
        });
      });
  }

  const token = hub.command('token').description('Manage API tokens (stored hashed; the plaintext is shown once)');

  storeOptions(token.command('create')
    .description('Create an API token and print it once')
    .requiredOption('-u, --user <name>', 'the user the token acts as')
    .addOption(new Option('-s, --scope <scope>', `scope, repeatable or comma-separated (${SCOPES.join(', ')})`).argParser(collect).makeOptionMandatory())
    .option('-e, --expires <when>', 'lifetime (30m, 12h, 90d, 2w, 1y), a date, or "never"', '90d')
    .option('-l, --label <label>', 'what the token is for (shown in lists)')
    .addOption(formatOption(['text', 'json']))
    .addHelpText('after', '\nExample:\n  $ nodesec hub token create --user alice --scope read,submit --expires 30d --label laptop'))
    .action(async (flags: StoreFlags & { user: string; scope: string[]; expires: string; label?: string; format: string }) => {
      const scopes = known(flags.scope, SCOPES, 'scope');
      const expiresAt = parseExpiry(flags.expires, ctx.now());
      await withStore(ctx, flags, async (store) => {
        const { token: plain, info } = await store.accounts.createToken({ user: flags.user, scopes, expiresAt, ...(flags.label && { label: flags.label }) }, cliActor(ctx));
        if (flags.format === 'json') ctx.stdout.write(`${JSON.stringify({ token: plain, ...tokenJson(info) }, null, 2)}\n`);
        else {
          ctx.stdout.write(`${plain}\n`);
          ctx.stderr.write(`token ${info.id} for ${info.userName} (scopes ${info.scopes.join(', ')}, expires ${date(info.expiresAt)}).\nStore it now: it is not shown again. Revoke with \`nodesec hub token revoke ${info.id}\`.\n`);
        }
      });
    });

  storeOptions(token.command('revoke')
    .description('Revoke a token at once (idempotent)')
    .argument('<id>', 'token id (tok_...), from `nodesec hub token list`'))
    .action(async (id: string, flags: StoreFlags) => {
      await withStore(ctx, flags, async (store) => {
        const t = await store.accounts.revokeToken(id, cliActor(ctx));
        ctx.stdout.write(`token ${t.id} of ${t.userName} revoked at ${date(t.revokedAt)}\n`);
      });
    });

  storeOptions(token.command('list')
    .description('List tokens (never their secrets)')
    .option('-u, --user <name>', 'only this user\'s tokens')
    .option('--all', 'include revoked tokens')
    .addOption(formatOption(['text', 'json'])))
    .action(async (flags: StoreFlags & { user?: string; all?: boolean; format: string }) => {
      await withStore(ctx, flags, async (store) => {
        const tokens = await store.accounts.listTokens({ ...(flags.user && { user: flags.user }), includeRevoked: flags.all ?? false });
        if (flags.format === 'json') {
          ctx.stdout.write(`${JSON.stringify(tokens.map(tokenJson), null, 2)}\n`);
          return;
        }
        const now = ctx.now().getTime();
        ctx.stdout.write(table([
          ['ID', 'USER', 'SCOPES', 'EXPIRES', 'LAST USED', 'STATUS', 'LABEL'],
          ...tokens.map((t) => [t.id, t.userName, t.scopes.join(','), date(t.expiresAt), date(t.lastUsedAt),
            t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt.getTime() <= now ? 'expired' : 'active', t.label ?? '']),
        ]));
      });
    });

  storeOptions(hub.command('migrate')
    .description('Apply pending schema migrations (opening the store does it too) and print the schema version'))
    .action(async (flags: StoreFlags) => {
      await withStore(ctx, flags, async (store) => {
        const applied = await store.migrate();
        const h = await store.health();
        ctx.stdout.write(`${store.kind} store at schema version ${h.schemaVersion ?? '?'}${applied.length ? ` (applied ${applied.map((m) => m.name).join(', ')})` : ''}\n`);
      });
    });

  storeOptions(hub.command('audit')
    .description('Print the audit log, newest first')
    .option('--target <prefix>', 'only entries about this target (user:3, token:tok_x, submission:12, advisory:)')
    .option('--limit <n>', 'number of entries', '50')
    .addOption(formatOption(['text', 'json'])))
    .action(async (flags: StoreFlags & { target?: string; limit: string; format: string }) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new AppError('ERR_USAGE', `--limit must be a positive whole number, not ${flags.limit}`);
      await withStore(ctx, flags, async (store) => {
        const entries = await store.audit.list({ limit, ...(flags.target && { target: flags.target }) });
        if (flags.format === 'json') {
          ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
          return;
        }
        for (const e of entries) ctx.stdout.write(`${e.id}\t${date(e.at)}\t${e.actor.name}\t${e.action}\t${e.target}\n`);
      });
    });
}

export const hubCommand: CliCommand = { name: 'hub', register };
