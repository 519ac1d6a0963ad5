/**
 * The store contract on PostgreSQL (127.0.0.1:5432 or TEST_DATABASE_URL), each store in its
 * own schema; plus what only a server shows: two processes migrating at once. A missing
 * server fails under CI=true and skips visibly elsewhere (test/helpers/postgres.ts).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openStore } from '../../src/store/index.ts';
import { SYSTEM_ACTOR, type Store } from '../../src/store/types.ts';
import { osv, storeContract } from '../contract/store.ts';
import { freshSchema, postgresSkip } from '../helpers/postgres.ts';

const skip = await postgresSkip();
const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const d of drops) await d().catch(() => {});
});

async function schemaUrl(): Promise<string> {
  const s = await freshSchema('store');
  drops.push(s.drop);
  return s.url;
}

storeContract('postgres', async (options = {}) => openStore({ kind: 'postgres', url: await schemaUrl(), maxConnections: 4, ...options }), { skip });

describe('postgres only', { skip }, () => {
  test('two hub processes opening an empty schema at once both succeed (migration advisory lock)', async () => {
    const url = await schemaUrl();
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ kind: 'postgres', url, maxConnections: 2 })));
    try {
      const r = await stores[0]!.driver.query<{ n: number }>('select count(*)::int as n from schema_version');
      assert.equal(r.rows[0]?.n, 1);
      // and they share data
      await stores[1]!.advisories.ingest([osv('GHSA-shared-0001')]);
      assert.equal((await stores[2]!.advisories.get('GHSA-shared-0001'))?.id, 'GHSA-shared-0001');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('concurrent ingests from several connections keep the change feed in commit order', async () => {
    const url = await schemaUrl();
    const stores: Store[] = await Promise.all([1, 2].map(() => openStore({ kind: 'postgres', url, maxConnections: 3 })));
    try {
      await Promise.all(Array.from({ length: 8 }, (_, i) =>
        stores[i % 2]!.advisories.ingest(Array.from({ length: 25 }, (_, j) => osv(`GHSA-conc-${i}-${j}`, { aliases: [`CVE-2025-${9000 + j}`] })))));
      // every batch shares aliases with the others: all of it is one vulnerability per j
      assert.equal(await stores[0]!.advisories.count(), 25);
      const page = await stores[0]!.advisories.changesSince(0, 10_000);
      const seqs = page.changes.map((c) => BigInt(c.seq));
      for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `${seqs[i - 1]} then ${seqs[i]}`);
      for (let j = 0; j < 25; j++) {
        const ids = (await stores[1]!.advisories.info(`CVE-2025-${9000 + j}`))!.ids;
        assert.equal(ids.length, 9, `CVE-2025-${9000 + j}: ${ids.join(',')}`);
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('concurrent publications from two hub processes get distinct, consecutive hub ids', async () => {
    const url = await schemaUrl();
    const [a, b] = await Promise.all([1, 2].map(() => openStore({ kind: 'postgres', url, maxConnections: 3 })));
    try {
      const sub = await a!.accounts.createUser({ name: 'c', roles: ['contributor'] }, SYSTEM_ACTOR);
      const tri = await a!.accounts.createUser({ name: 't', roles: ['triager'] }, SYSTEM_ACTOR);
      const submitter = { userId: sub.id, name: sub.name, roles: sub.roles };
      const triager = { userId: tri.id, name: tri.name, roles: tri.roles };
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) {
        const s = await a!.submissions.create({ records: [{ id: `CVE-2027-${i}`, modified: '2027-01-01T00:00:00Z', summary: 's', affected: [{ package: { ecosystem: 'npm', name: `p${i}` } }] }] }, submitter);
        await a!.submissions.submit(s.id, submitter, submitter);
        await a!.submissions.review(s.id, 'approve', null, triager, triager);
        ids.push(s.id);
      }
      const published = await Promise.all(ids.map((id, i) => (i % 2 ? b! : a!).submissions.publish(id, triager, triager)));
      const hubIds = published.map((p) => p.publishedIds[0]!);
      assert.deepEqual([...hubIds].sort(), ['NSWG-ECO-1', 'NSWG-ECO-2', 'NSWG-ECO-3', 'NSWG-ECO-4', 'NSWG-ECO-5', 'NSWG-ECO-6']);
      for (const [i, id] of hubIds.entries()) assert.deepEqual((await b!.advisories.get(`CVE-2027-${i}`))?.id, id);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  test('migrations: pending ones refused with migrate:false; a database newer than the code refused', async () => {
    const url = await schemaUrl();
    await assert.rejects(openStore({ kind: 'postgres', url, migrate: false }), (e: { code: string; message: string }) =>
      e.code === 'ERR_STORE_MIGRATION' && /pending \(0001_init\)/.test(e.message));
    const s = await openStore({ kind: 'postgres', url });
    await s.driver.query(`insert into schema_version (version, name) values (99, 'future')`);
    assert.equal((await s.health()).ok, false);
    await s.close();
    await assert.rejects(openStore({ kind: 'postgres', url }), (e: { code: string; message: string }) =>
      e.code === 'ERR_STORE_MIGRATION' && /newer than this nodesec knows/.test(e.message));
  });

  test('an unreachable server fails with ERR_STORE_UNAVAILABLE, not a stack trace', async () => {
    await assert.rejects(openStore({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/test', connectTimeoutMs: 1000 }), { code: 'ERR_STORE_UNAVAILABLE' });
    await assert.rejects(openStore({ kind: 'postgres', url: 'mysql://x' }), { code: 'ERR_CONFIG_INVALID' });
  });
});
