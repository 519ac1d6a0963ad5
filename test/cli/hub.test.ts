/** `nodesec hub` in-process against an embedded store in a temporary directory. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseExpiry } from '../../src/cli/commands/hub.ts';
import { openStore } from '../../src/store/index.ts';
import type { StoreConfig } from '../../src/store/types.ts';
import { runCli } from '../helpers/cli.ts';
import { freshSchema, postgresReachable } from '../helpers/postgres.ts';

// Most cases run on PostgreSQL when it answers (opening it is cheap; an embedded store costs
// a WASM start per command); the embedded default has its own case below, and everything
// falls back to it without a server.
const pg = (await postgresReachable()) ? await freshSchema('hubcli') : undefined;

describe('nodesec hub', () => {
  let dir: string;
  let dataDir: string;
  /** Where the main cases run: `--database-url` of a fresh schema, else an embedded directory. */
  let where: string[];
  let direct: StoreConfig;
  const env = () => ({ NO_COLOR: '1', USER: 'ops' });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nodesec-hub-cli-'));
    dataDir = join(dir, 'hub');
    where = pg ? ['--database-url', pg.url] : ['--data-dir', join(dir, 'main')];
    direct = pg ? { kind: 'postgres', url: pg.url } : { kind: 'embedded', dir: join(dir, 'main') };
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await pg?.drop();
  });

  test('the embedded store (the default backend): user add, token create, list', async () => {
    const add = await runCli(['hub', 'user', 'add', 'erin', '--role', 'contributor', '--data-dir', dataDir], { env: env() });
    assert.equal(add.exit, 0, add.stderr);
    const tok = await runCli(['hub', 'token', 'create', '--user', 'erin', '--scope', 'read,submit', '--format', 'json', '--data-dir', dataDir], { env: env() });
    assert.equal(tok.exit, 0, tok.stderr);
    const created = JSON.parse(tok.stdout) as { token: string; id: string; scopes: string[]; expiresAt: string };
    assert.match(created.token, /^nshub_/);
    assert.deepEqual(created.scopes, ['read', 'submit']);
    const users = await runCli(['hub', 'user', 'list', '--data-dir', dataDir], { env: env() });
    assert.match(users.stdout, /^1\s+erin\s+contributor\s+active\s+-$/m);
  });

  test('user add, token create (printed once), verify, list, revoke; all audited', async () => {
    const add = await runCli(['hub', 'user', 'add', 'alice', '--role', 'triager,contributor', '--package', 'npm:left-pad', ...where], { env: env() });
    assert.equal(add.exit, 0, add.stderr);
    assert.match(add.stdout, /created user alice \(id 1, roles triager, contributor\)/);

    const dup = await runCli(['hub', 'user', 'add', 'Alice', '--role', 'admin', ...where], { env: env() });
    assert.equal(dup.exit, 2);
    assert.match(dup.stderr, /error\[ERR_HUB_CONFLICT\]/);

    const badRole = await runCli(['hub', 'user', 'add', 'bob', '--role', 'root', ...where], { env: env() });
    assert.equal(badRole.exit, 2);
    assert.match(badRole.stderr, /unknown role root/);

    const created = await runCli(['hub', 'token', 'create', '--user', 'alice', '--scope', 'read', '--scope', 'review', '--expires', '90d', '--label', 'ci', ...where], { env: env(), now: () => new Date('2026-03-01T00:00:00Z') });
    assert.equal(created.exit, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^nshub_\S+$/);
    assert.match(created.stderr, /not shown again/);
    assert.match(created.stderr, /expires 2026-05-30T00:00:00Z/);
    const id = /token (tok_\S+) for alice/.exec(created.stderr)![1]!;

    const tooMuch = await runCli(['hub', 'token', 'create', '--user', 'alice', '--scope', 'admin', ...where], { env: env() });
    assert.equal(tooMuch.exit, 2);
    assert.match(tooMuch.stderr, /cannot hold scope admin/);

    const list = await runCli(['hub', 'token', 'list', '--format', 'json', ...where], { env: env() });
    const tokens = JSON.parse(list.stdout) as { id: string; scopes: string[]; label: string }[];
    assert.deepEqual(tokens.map((t) => [t.id, t.scopes, t.label]), [[id, ['read', 'review'], 'ci']]);
    assert.ok(!list.stdout.includes(token.slice(10)), 'the secret is never listed');

    // the token verifies against the same store
    const now = () => new Date('2026-03-02T00:00:00Z');
    let store = await openStore({ ...direct, now });
    try {
      assert.equal((await store.accounts.verifyToken(token))?.user.name, 'alice');
    } finally {
      await store.close();
    }

    const revoke = await runCli(['hub', 'token', 'revoke', id, ...where], { env: env() });
    assert.equal(revoke.exit, 0, revoke.stderr);
    assert.match(revoke.stdout, new RegExp(`token ${id} of alice revoked`));
    const unknown = await runCli(['hub', 'token', 'revoke', 'tok_nope', ...where], { env: env() });
    assert.equal(unknown.exit, 3);
    assert.match(unknown.stderr, /ERR_HUB_NOT_FOUND/);

    const users = await runCli(['hub', 'user', 'list', ...where], { env: env() });
    assert.match(users.stdout, /^ID\s+NAME\s+ROLES\s+STATUS\s+PACKAGES$/m);
    assert.match(users.stdout, /^1\s+alice\s+triager,contributor\s+active\s+npm:left-pad$/m);

    store = await openStore({ ...direct, now });
    try {
      assert.equal(await store.accounts.verifyToken(token), undefined);
    } finally {
      await store.close();
    }
    const audit = await runCli(['hub', 'audit', '--format', 'json', ...where], { env: env() });
    const entries = JSON.parse(audit.stdout) as { action: string; actor: { name: string } }[];
    assert.deepEqual(entries.map((e) => e.action), ['token.revoke', 'token.create', 'user.package.add', 'user.create']);
    assert.ok(entries.every((e) => e.actor.name === 'cli:ops'));
  });

  test('user roles and disable', async () => {
    await runCli(['hub', 'user', 'add', 'carol', '--role', 'contributor', ...where], { env: env() });
    const r = await runCli(['hub', 'user', 'roles', 'carol', '--role', 'maintainer', '--role', 'contributor', ...where], { env: env() });
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /carol now has roles maintainer, contributor/);
    const d = await runCli(['hub', 'user', 'disable', 'carol', ...where], { env: env() });
    assert.match(d.stdout, /user carol disabled/);
    const list = JSON.parse((await runCli(['hub', 'user', 'list', '--format', 'json', ...where], { env: env() })).stdout) as { name: string; disabled: boolean; roles: string[] }[];
    assert.deepEqual(list.find((u) => u.name === 'carol'), { ...list.find((u) => u.name === 'carol'), disabled: true, roles: ['maintainer', 'contributor'] });
  });

  test('usage errors: both backends at once, bad --expires', async () => {
    const both = await runCli(['hub', 'user', 'list', '--data-dir', dataDir, '--database-url', 'postgres://x@127.0.0.1/y'], { env: env() });
    assert.equal(both.exit, 2);
    assert.match(both.stderr, /not both/);
    const r = await runCli(['hub', 'token', 'create', '--user', 'alice', '--scope', 'read', '--expires', 'soon', '--data-dir', dataDir], { env: env() });
    assert.equal(r.exit, 2);
    assert.match(r.stderr, /--expires takes a duration/);
  });

  test('an unreachable --database-url exits 5 with ERR_STORE_UNAVAILABLE', async () => {
    const r = await runCli(['hub', 'user', 'list'], { env: { ...env(), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' } });
    assert.equal(r.exit, 5);
    assert.match(r.stderr, /error\[ERR_STORE_UNAVAILABLE\]/);
  });

  test('parseExpiry', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    assert.equal(parseExpiry('90d', now)?.toISOString(), '2026-04-01T00:00:00.000Z');
    assert.equal(parseExpiry('12h', now)?.toISOString(), '2026-01-01T12:00:00.000Z');
    assert.equal(parseExpiry('never', now), null);
    assert.equal(parseExpiry('2027-01-31', now)?.toISOString(), '2027-01-31T00:00:00.000Z');
    assert.throws(() => parseExpiry('0d', now), { code: 'ERR_USAGE' });
  });
});
