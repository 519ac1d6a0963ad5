/** `nodesec db push` against a hub on an embedded store (requests go through app.inject). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildHub } from '../../src/hub/app.ts';
import { openStore } from '../../src/store/index.ts';
import { SYSTEM_ACTOR, type Store } from '../../src/store/types.ts';
import { runCli } from '../helpers/cli.ts';
import { NSWG_VULN } from '../helpers/paths.ts';

function injectFetch(app: FastifyInstance): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'POST',
      url: url.pathname + url.search,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(init?.body && { payload: Buffer.from(init.body as Uint8Array) }),
    });
    return new Response(new Uint8Array(res.rawPayload), { status: res.statusCode, headers: res.headers as Record<string, string> });
  };
}

describe('db push', () => {
  let store: Store;
  let app: FastifyInstance;
  let admin: string;
  let triager: string;
  before(async () => {
    store = await openStore({ kind: 'embedded' });
    await store.accounts.createUser({ name: 'ada', roles: ['admin'] }, SYSTEM_ACTOR);
    await store.accounts.createUser({ name: 'tess', roles: ['triager'] }, SYSTEM_ACTOR);
    admin = (await store.accounts.createToken({ user: 'ada', scopes: ['read', 'admin'], expiresAt: new Date(Date.now() + 3_600_000) }, SYSTEM_ACTOR)).token;
    triager = (await store.accounts.createToken({ user: 'tess', scopes: ['read', 'review'], expiresAt: new Date(Date.now() + 3_600_000) }, SYSTEM_ACTOR)).token;
    app = await buildHub({ store, config: { rateLimit: false, cachePollMs: 0 } });
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  test('pushes the WG database, idempotently, and the hub serves it', { timeout: 120_000 }, async () => {
    const fetch = injectFetch(app);
    const first = await runCli(['db', 'push', NSWG_VULN, '--to', 'http://hub.test/', '--format', 'json'], { env: { NO_COLOR: '1', NODESEC_HUB_TOKEN: admin }, fetch });
    assert.equal(first.exit, 0, first.stderr);
    const s1 = JSON.parse(first.stdout) as { records: number; inserted: number; unchanged: number; rejected: unknown[] };
    assert.ok(s1.records > 600, String(s1.records));
    assert.equal(s1.rejected.length, 0);
    assert.ok(s1.inserted > 0 && s1.inserted <= s1.records);
    const second = await runCli(['db', 'push', NSWG_VULN, '--to', 'http://hub.test/'], { env: { NO_COLOR: '1', NODESEC_HUB_TOKEN: admin }, fetch });
    assert.equal(second.exit, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`${s1.records} records; vulnerabilities: 0 new, 0 updated, 0 merged; records: ${s1.records} unchanged`));
    // NSWG-ECO-1: bassmaster <=1.5.1
    const q = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'bassmaster', ecosystem: 'npm' }, version: '1.5.1' } });
    assert.ok((q.json() as { vulns: { id: string }[] }).vulns.some((v) => v.id === 'NSWG-ECO-1'), q.body);
  });

  test('refused pushes: no token (usage), a token without the admin scope (403), an unreachable hub', async () => {
    const fetch = injectFetch(app);
    const none = await runCli(['db', 'push', NSWG_VULN, '--to', 'http://hub.test/'], { fetch });
    assert.equal(none.exit, 2);
    assert.match(none.stderr, /token/);
    const weak = await runCli(['db', 'push', NSWG_VULN, '--to', 'http://hub.test/', '--token', triager], { fetch });
    assert.equal(weak.exit, 2);
    assert.match(weak.stderr, /ERR_HUB_FORBIDDEN.*403/);
    const away = await runCli(['db', 'push', NSWG_VULN, '--to', 'http://hub.test/', '--token', admin], { fetch: async () => { throw new TypeError('fetch failed'); } });
    assert.equal(away.exit, 4);
    assert.match(away.stderr, /ERR_UPSTREAM_UNREACHABLE/);
  });
});
