/**
 * `nodesec serve` as users run it: flags, a real process on a loopback socket with graceful
 * shutdown on SIGTERM, two processes on one PostgreSQL giving the same answers, and a hub that
 * answers 503 while PostgreSQL is away and recovers without a restart.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHub } from '../../src/hub/app.ts';
import { openStore } from '../../src/store/index.ts';
import { SYSTEM_ACTOR } from '../../src/store/types.ts';
import { runCli } from '../helpers/cli.ts';
import { freshSchema, postgresSkip, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { fixtureRecords, HUB_FIXTURES, problemOf } from './helpers.ts';
import { startServe } from './serve-process.ts';

async function query(url: string, name: string, version?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ package: { name, ecosystem: 'npm' }, ...(version && { version }) }) });
  return { status: res.status, body: await res.json() };
}

test('serve: bad flags are usage errors (exit 2) with a clear message', async () => {
  const port = await runCli(['serve', '--port', 'eighty']);
  assert.equal(port.exit, 2);
  assert.match(port.stderr, /ERR_USAGE.*--port/);
  const both = await runCli(['serve', '--data-dir', 'x', '--database-url', 'postgres://x@127.0.0.1/x']);
  assert.equal(both.exit, 2);
  assert.match(both.stderr, /not both/);
  const up = await runCli(['serve', '--upstream-registry', 'ftp://x']);
  assert.equal(up.exit, 2);
});

test('serve: an unreachable PostgreSQL is a store error (exit 5), not a crash', { timeout: 30_000 }, async () => {
  const r = await runCli(['serve', '--database-url', 'postgres://nobody@127.0.0.1:1/nothing', '--log-level', 'silent']);
  assert.equal(r.exit, 5, r.stderr);
  assert.match(r.stderr, /ERR_STORE_UNAVAILABLE/);
});

test('serve: a port in use is a usage error, and the store is closed again', { timeout: 60_000 }, async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'nodesec-serve-busy-'));
  try {
    const r = await runCli(['serve', '--port', String((busy.address() as { port: number }).port), '--data-dir', join(dir, 'db'), '--log-level', 'silent']);
    assert.equal(r.exit, 2, r.stderr);
    assert.match(r.stderr, /ERR_USAGE.*port is in use/);
  } finally {
    await new Promise((r) => busy.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve: embedded store, --import, answers on loopback, SIGTERM stops it cleanly (exit 0)', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nodesec-serve-'));
  try {
    const s = await startServe(['--data-dir', join(dir, 'db'), '--import', join(HUB_FIXTURES, 'osv')]);
    assert.match(s.stderr(), /4 records; vulnerabilities: 4 new/);
    const health = await fetch(`${s.url}/healthz`);
    assert.equal(health.status, 200);
    const r = await query(s.url, 'lodash', '4.17.4');
    assert.deepEqual((r.body as { vulns: { id: string }[] }).vulns.map((v) => v.id), ['GHSA-jf85-cpcp-j695']);
    assert.equal(await s.stop(), 0);
    assert.match(s.stderr(), /shutting down/);
    // importing again is idempotent, and the data survived the restart
    const again = await startServe(['--data-dir', join(dir, 'db'), '--import', join(HUB_FIXTURES, 'osv')]);
    assert.match(again.stderr(), /4 records; vulnerabilities: 0 new, 0 updated, 0 merged; records: 4 unchanged/);
    assert.equal(await again.stop(), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('on PostgreSQL', async () => {
  const skip = await postgresSkip();
  const schemas: { drop(): Promise<void> }[] = [];
  after(async () => {
    for (const s of schemas) await s.drop();
  });

  test('two hub processes on one PostgreSQL serve the same answers, and see each other\'s writes', { skip, timeout: 60_000 }, async () => {
    const schema = await freshSchema('hub_multi');
    schemas.push(schema);
    const store = await openStore({ kind: 'postgres', url: schema.url });
    await store.advisories.ingest(fixtureRecords(), { source: 'fixtures' });
    await store.accounts.createUser({ name: 'ada', roles: ['admin'] }, SYSTEM_ACTOR);
    const { token } = await store.accounts.createToken({ user: 'ada', scopes: ['read', 'admin'], expiresAt: new Date(Date.now() + 3_600_000) }, SYSTEM_ACTOR);
    await store.close();
    const [a, b] = await Promise.all([startServe(['--database-url', schema.url]), startServe(['--database-url', schema.url])]);
    try {
      for (const [name, version] of [['lodash', '4.17.4'], ['@acme/exec-helper', '2.0.0'], ['lodash', '4.17.21']] as const) {
        const [ra, rb] = await Promise.all([query(a.url, name, version), query(b.url, name, version)]);
        assert.deepEqual(ra, rb, `${name}@${version}`);
      }
      const vb = await (await fetch(`${b.url}/v1/vulns/CVE-2019-10744`)).json();
      const va = await (await fetch(`${a.url}/v1/vulns/CVE-2019-10744`)).json();
      assert.deepEqual(va, vb);
      // b has the package cached as "no advisories"; a write through a reaches b via the change feed
      assert.deepEqual((await query(b.url, 'multi-pkg', '1.0.0')).body, {});
      const imp = await fetch(`${a.url}/api/v1/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ records: [{ id: 'MULTI-1', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'multi-pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] }] }),
      });
      assert.equal(imp.status, 200, await imp.text());
      assert.deepEqual(((await query(a.url, 'multi-pkg', '1.0.0')).body as { vulns: { id: string }[] }).vulns.map((v) => v.id), ['MULTI-1']);
      let seen: unknown;
      for (let i = 0; i < 40; i++) {
        seen = (await query(b.url, 'multi-pkg', '1.0.0')).body;
        if ((seen as { vulns?: unknown[] }).vulns) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual((seen as { vulns: { id: string }[] }).vulns.map((v) => v.id), ['MULTI-1']);
    } finally {
      assert.equal(await a.stop(), 0);
      assert.equal(await b.stop(), 0);
    }
  });

  test('PostgreSQL away: 503 ERR_STORE_UNAVAILABLE, /readyz 503, then recovery without restart', { skip, timeout: 60_000 }, async () => {
    const schema = await freshSchema('hub_outage');
    schemas.push(schema);
    // a loopback TCP proxy in front of the shared server, which we cut and restore
    const target = new URL(TEST_DATABASE_URL);
    let up = true;
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      if (!up) return void client.destroy();
      const server = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, server]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const via = new URL(schema.url);
    via.host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const store = await openStore({ kind: 'postgres', url: via.toString(), connectTimeoutMs: 1000 });
    await store.advisories.ingest(fixtureRecords(), { source: 'fixtures' });
    const app = await buildHub({ store, config: { rateLimit: false, cachePollMs: 0 } });
    try {
      const q = (name: string) => app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name, ecosystem: 'npm' }, version: '4.17.4' } });
      assert.equal((await q('lodash')).statusCode, 200);
      up = false;
      for (const s of sockets) s.destroy();
      const down = await q('underscore');
      assert.equal(down.statusCode, 503, down.body);
      assert.equal(problemOf(down).code, 'ERR_STORE_UNAVAILABLE');
      assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
      // what is cached still answers
      assert.equal((await q('lodash')).statusCode, 200);
      up = true;
      let status = 0;
      for (let i = 0; i < 30 && status !== 200; i++) {
        status = (await q('underscore')).statusCode;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 200);
      assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
    } finally {
      await app.close();
      await store.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });
});
