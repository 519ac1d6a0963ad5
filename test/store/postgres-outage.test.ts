/**
 * A PostgreSQL that goes away: the store answers ERR_STORE_UNAVAILABLE (the hub's 503) and
 * recovers by itself when the server is back. The outage is simulated by a TCP proxy on
 * loopback that we cut and restore; the real server is never touched.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { openStore } from '../../src/store/index.ts';
import { freshSchema, postgresSkip, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { osv } from '../contract/store.ts';

const skip = await postgresSkip();
const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const d of drops) await d().catch(() => {});
});

/** A loopback TCP proxy to the test server that can be cut (refuse + reset) and restored. */
class Proxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;
  readonly target: { host: string; port: number };
  constructor(target: { host: string; port: number }) {
    this.target = target;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(this.port, '127.0.0.1', () => res());
    });
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async cut(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    for (const sock of this.#sockets) sock.resetAndDestroy();
    if (s) await new Promise<void>((res) => s.close(() => res()));
  }
}

test('PostgreSQL away → ERR_STORE_UNAVAILABLE; back → the same store works again', { skip, timeout: 60_000 }, async () => {
  const schema = await freshSchema('outage');
  drops.push(schema.drop);
  const target = new URL(TEST_DATABASE_URL);
  const proxy = new Proxy({ host: target.hostname, port: Number(target.port || 5432) });
  await proxy.start();
  const url = new URL(schema.url);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  const store = await openStore({ kind: 'postgres', url: url.toString(), maxConnections: 3, connectTimeoutMs: 2000 });
  try {
    await store.advisories.ingest([osv('GHSA-out-0001')]);
    assert.equal((await store.advisories.get('GHSA-out-0001'))?.id, 'GHSA-out-0001');

    await proxy.cut();
    await assert.rejects(store.advisories.get('GHSA-out-0001'), { code: 'ERR_STORE_UNAVAILABLE' });
    await assert.rejects(store.advisories.ingest([osv('GHSA-out-0002')]), { code: 'ERR_STORE_UNAVAILABLE' });
    await assert.rejects(store.accounts.verifyToken(`nshub_${'x'.repeat(40)}`), { code: 'ERR_STORE_UNAVAILABLE' });
    const h = await store.health();
    assert.equal(h.ok, false);
    assert.match(h.error ?? '', /cannot be reached/);

    await proxy.start(); // same port
    assert.equal((await store.advisories.get('GHSA-out-0001'))?.id, 'GHSA-out-0001', 'recovers on the first call after the server is back');
    assert.equal((await store.advisories.ingest([osv('GHSA-out-0002')])).inserted, 1);
    assert.equal((await store.health()).ok, true);

    // a cut in the middle of a transaction: the batch is rolled back, nothing half-written
    const slow = store.driver.transaction(async (tx) => {
      await tx.query(`insert into audit_log (actor_name, action, target) values ('t', 'outage.test', 'x')`);
      await tx.query('select pg_sleep(0.5)');
    });
    await new Promise((r) => setTimeout(r, 150));
    await proxy.cut();
    await assert.rejects(slow, { code: 'ERR_STORE_UNAVAILABLE' });
    await proxy.start();
    assert.equal((await store.audit.list({ action: 'outage.test' })).length, 0);
  } finally {
    await proxy.cut();
    await store.close();
  }
});
