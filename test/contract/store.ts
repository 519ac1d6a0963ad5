/**
 * The behaviour every store backend must have. Each backend's test file calls
 * `storeContract(name, open)` once; `open(options)` returns a store on FRESH, empty storage.
 * Most tests share one store (each uses its own ids); policy variants open another.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OsvRecord } from '../../src/core/osv.ts';
import type { Actor, Store, StoreOptions, Viewer } from '../../src/store/types.ts';
import { SYSTEM_ACTOR } from '../../src/store/types.ts';

export type OpenStore = (options?: StoreOptions) => Promise<Store>;

/** A mutable clock for the stores under test. */
export interface Clock {
  now(): Date;
  advance(ms: number): void;
}

export function makeClock(start = Date.parse('2026-01-01T00:00:00Z')): Clock {
  let t = start;
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

export function osv(id: string, patch: Partial<OsvRecord> = {}): OsvRecord {
  return {
    schema_version: '1.7.0',
    id,
    modified: '2025-01-01T00:00:00Z',
    summary: `summary of ${id}`,
    affected: [{ package: { ecosystem: 'npm', name: `pkg-${id.toLowerCase()}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }],
    ...patch,
  };
}

function npmAffected(name: string, purl?: string): OsvRecord['affected'] {
  return [{ package: { ecosystem: 'npm', name, ...(purl && { purl }) }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }];
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string; message?: string }) => {
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return true;
  });
}

export function storeContract(name: string, open: OpenStore, options: { skip?: string | false } = {}): void {
  describe(`store contract: ${name}`, { skip: options.skip ?? false }, () => {
    const clock = makeClock();
    let store: Store;
    before(async () => {
      store = await open({ now: clock.now });
    });
    after(async () => {
      await store?.close();
    });

    describe('schema and health', () => {
      test('migrations are recorded and applying them again does nothing', async () => {
        assert.deepEqual(await store.migrate(), []);
        const [a, b] = await Promise.all([store.migrate(), store.migrate()]);
        assert.deepEqual([a, b], [[], []]);
        const r = await store.driver.query<{ version: number; name: string }>('select version, name from schema_version order by version');
        assert.equal(r.rows[0]?.version, 1);
        assert.equal(r.rows[0]?.name, 'init');
      });

      test('health reports ok with the schema version', async () => {
        const h = await store.health();
        assert.equal(h.ok, true);
        assert.equal(h.kind, store.kind);
        assert.equal(h.schemaVersion, h.expectedSchemaVersion);
        assert.ok(typeof h.latencyMs === 'number');
      });

      test('the driver escape hatch runs queries and transactions, rolling back on a throw', async () => {
        await store.driver.exec('create table contract_scratch (a int)');
        await assert.rejects(store.driver.transaction(async (tx) => {
          await tx.query('insert into contract_scratch values ($1)', [1]);
          throw new Error('boom');
        }), /boom/);
        await store.driver.transaction(async (tx) => void (await tx.query('insert into contract_scratch values ($1)', [2])));
        const r = await store.driver.query<{ a: number }>('select a from contract_scratch');
        assert.deepEqual(r.rows, [{ a: 2 }]);
      });
    });

    describe('advisories', () => {
      test('ingests a record and answers by id and by alias, verbatim when it has one source', async () => {
        const rec = osv('GHSA-aaaa-0001', { aliases: ['CVE-2025-0001'] });
        const r = await store.advisories.ingest([rec], { source: 'test' });
        assert.equal(r.inserted, 1);
        assert.deepEqual(await store.advisories.get('GHSA-aaaa-0001'), rec);
        assert.deepEqual(await store.advisories.get('CVE-2025-0001'), rec);
        assert.equal(await store.advisories.get('CVE-2025-9999'), undefined);
      });

      test('ingesting the same record twice changes nothing and emits no change', async () => {
        const rec = osv('GHSA-aaaa-0002');
        await store.advisories.ingest([rec]);
        const cursor = await store.advisories.cursor();
        const again = await store.advisories.ingest([structuredClone(rec)]);
        assert.equal(again.unchanged, 1);
        assert.equal(again.inserted + again.updated, 0);
        assert.equal(again.cursor, cursor);
        assert.equal(await store.advisories.cursor(), cursor);
        // key order does not matter
        const reordered = Object.fromEntries(Object.entries(rec).reverse()) as unknown as OsvRecord;
        assert.equal((await store.advisories.ingest([reordered])).unchanged, 1);
      });

      test('an older modified never overwrites a newer one; a newer one replaces it', async () => {
        await store.advisories.ingest([osv('GHSA-aaaa-0003', { modified: '2025-03-01T00:00:00Z', summary: 'new' })]);
        const old = await store.advisories.ingest([osv('GHSA-aaaa-0003', { modified: '2025-01-01T00:00:00Z', summary: 'old' })]);
        assert.equal(old.stale, 1);
        assert.equal((await store.advisories.get('GHSA-aaaa-0003'))?.summary, 'new');
        const newer = await store.advisories.ingest([osv('GHSA-aaaa-0003', { modified: '2025-04-01T00:00:00Z', summary: 'newer' })]);
        assert.equal(newer.updated, 1);
        assert.equal((await store.advisories.get('GHSA-aaaa-0003'))?.summary, 'newer');
        // within one batch the newest wins whatever the order
        await store.advisories.ingest([
          osv('GHSA-aaaa-0004', { modified: '2025-05-02T00:00:00Z', summary: 'newest' }),
          osv('GHSA-aaaa-0004', { modified: '2025-05-01T00:00:00Z', summary: 'older' }),
        ]);
        assert.equal((await store.advisories.get('GHSA-aaaa-0004'))?.summary, 'newest');
      });

      test('one vulnerability known under a CVE and two source ids is ONE record answering to all three', async () => {
        const countBefore = await store.advisories.count();
        const ghsa = osv('GHSA-mmmm-0001', { aliases: ['CVE-2025-1000'], modified: '2025-01-01T00:00:00Z', published: '2024-12-01T00:00:00Z', affected: npmAffected('merge-a'), references: [{ type: 'WEB', url: 'https://a' }] });
        const nswg = osv('NSWG-ECO-9001', { aliases: ['CVE-2025-1000'], modified: '2025-02-01T00:00:00Z', published: '2024-11-01T00:00:00Z', summary: 'wg', affected: npmAffected('merge-b'), references: [{ type: 'WEB', url: 'https://a' }, { type: 'ADVISORY', url: 'https://b' }] });
        await store.advisories.ingest([ghsa]);
        const r = await store.advisories.ingest([nswg]);
        assert.equal(r.inserted, 0);
        assert.equal(r.updated, 1);
        assert.equal(await store.advisories.count(), countBefore + 1);
        const byCve = await store.advisories.get('CVE-2025-1000');
        const byGhsa = await store.advisories.get('GHSA-mmmm-0001');
        const byWg = await store.advisories.get('NSWG-ECO-9001');
        assert.deepEqual(byCve, byGhsa);
        assert.deepEqual(byCve, byWg);
        // primary = first ingested; the rest per the documented rule
        assert.equal(byCve?.id, 'GHSA-mmmm-0001');
        assert.equal(byCve?.summary, ghsa.summary);
        assert.deepEqual(byCve?.aliases, ['CVE-2025-1000', 'NSWG-ECO-9001']);
        assert.equal(byCve?.modified, '2025-02-01T00:00:00Z');
        assert.equal(byCve?.published, '2024-11-01T00:00:00Z');
        assert.deepEqual(byCve?.affected?.map((a) => a.package?.name), ['merge-a', 'merge-b']);
        assert.deepEqual(byCve?.references?.map((x) => x.url), ['https://a', 'https://b']);
        assert.deepEqual((byCve?.database_specific as { nodesec: { sources: string[] } }).nodesec.sources, ['GHSA-mmmm-0001', 'NSWG-ECO-9001']);
        // both packages find the one record
        assert.deepEqual((await store.advisories.byPackage('npm', 'merge-b')).map((x) => x.id), ['GHSA-mmmm-0001']);
        const info = await store.advisories.info('NSWG-ECO-9001');
        assert.deepEqual(info?.ids, ['CVE-2025-1000', 'GHSA-mmmm-0001', 'NSWG-ECO-9001']);
        assert.deepEqual(info?.sources.map((s) => s.id), ['GHSA-mmmm-0001', 'NSWG-ECO-9001']);
      });

      test('a record bridging two vulnerabilities merges them (the older survives, a merge change is emitted)', async () => {
        await store.advisories.ingest([osv('GHSA-bbbb-0001', { aliases: ['CVE-2025-2001'] })]);
        await store.advisories.ingest([osv('GHSA-bbbb-0002', { aliases: ['CVE-2025-2002'] })]);
        const cursor = await store.advisories.cursor();
        const r = await store.advisories.ingest([osv('OSV-bbbb-0003', { aliases: ['CVE-2025-2001', 'CVE-2025-2002'] })]);
        assert.equal(r.merged, 1);
        const a = await store.advisories.get('CVE-2025-2002');
        assert.equal(a?.id, 'GHSA-bbbb-0001');
        for (const id of ['GHSA-bbbb-0001', 'GHSA-bbbb-0002', 'OSV-bbbb-0003', 'CVE-2025-2001']) assert.equal((await store.advisories.get(id))?.id, 'GHSA-bbbb-0001', id);
        const page = await store.advisories.changesSince(cursor);
        assert.deepEqual(page.changes.map((c) => [c.kind, c.id, c.into]), [['merge', 'GHSA-bbbb-0002', 'GHSA-bbbb-0001'], ['update', 'GHSA-bbbb-0001', undefined]]);
      });

      test('records sharing an alias within one batch become one vulnerability', async () => {
        const r = await store.advisories.ingest([
          osv('GHSA-cccc-0001', { aliases: ['CVE-2025-3001'] }),
          osv('PYSEC-cccc-0002', { aliases: ['CVE-2025-3001'] }),
        ]);
        assert.equal(r.inserted, 1);
        assert.deepEqual((await store.advisories.get('PYSEC-cccc-0002'))?.aliases, ['CVE-2025-3001', 'PYSEC-cccc-0002']);
      });

      test('looks up by package (ecosystem case-insensitive), many packages, and purl', async () => {
        await store.advisories.ingest([
          osv('GHSA-pppp-0001', { affected: npmAffected('@scope/lib', 'pkg:npm/%40scope/lib') }),
          osv('GHSA-pppp-0002', { affected: [...npmAffected('@scope/lib')!, ...npmAffected('other-lib')!] }),
          osv('GHSA-pppp-0003', { affected: [{ package: { ecosystem: 'PyPI', name: '@scope/lib' } }] }),
        ]);
        assert.deepEqual((await store.advisories.byPackage('NPM', '@scope/lib')).map((r) => r.id), ['GHSA-pppp-0001', 'GHSA-pppp-0002']);
        assert.deepEqual(await store.advisories.byPackage('npm', '@Scope/lib'), []);
        const many = await store.advisories.byPackages([{ ecosystem: 'npm', name: 'other-lib' }, { ecosystem: 'npm', name: 'nope' }, { ecosystem: 'npm', name: '@scope/lib' }]);
        assert.deepEqual(many.get('npm\u0000other-lib')?.map((r) => r.id), ['GHSA-pppp-0002']);
        assert.deepEqual(many.get('npm\u0000nope'), []);
        assert.equal(many.get('npm\u0000@scope/lib')?.length, 2);
        assert.deepEqual((await store.advisories.byPurl('pkg:npm/%40scope/lib@1.2.3?x=1')).map((r) => r.id), ['GHSA-pppp-0001', 'GHSA-pppp-0002']);
        await rejects(store.advisories.byPurl('npm/x'), 'ERR_HUB_VALIDATION');
      });

      test('the change feed is strictly increasing and pages with a cursor', async () => {
        const start = await store.advisories.cursor();
        await store.advisories.ingest([osv('GHSA-feed-0001'), osv('GHSA-feed-0002'), osv('GHSA-feed-0003')]);
        await store.advisories.ingest([osv('GHSA-feed-0001', { modified: '2025-06-01T00:00:00Z' })]);
        const p1 = await store.advisories.changesSince(start, 2);
        assert.equal(p1.changes.length, 2);
        assert.equal(p1.more, true);
        const p2 = await store.advisories.changesSince(p1.next, 10);
        assert.equal(p2.more, false);
        const all = [...p1.changes, ...p2.changes];
        assert.deepEqual(all.map((c) => c.kind), ['insert', 'insert', 'insert', 'update']);
        assert.deepEqual(all.map((c) => c.id).sort(), ['GHSA-feed-0001', 'GHSA-feed-0001', 'GHSA-feed-0002', 'GHSA-feed-0003']);
        for (let i = 1; i < all.length; i++) assert.ok(BigInt(all[i]!.seq) > BigInt(all[i - 1]!.seq));
        assert.equal(all.at(-1)?.modified, '2025-06-01T00:00:00.000Z');
        const empty = await store.advisories.changesSince(p2.next);
        assert.deepEqual(empty, { changes: [], next: p2.next, more: false });
        await rejects(store.advisories.changesSince('1; drop table changes'), 'ERR_HUB_VALIDATION');
      });

      test('withdrawal marks the record, emits a withdraw change, and can be filtered out', async () => {
        await store.advisories.ingest([osv('GHSA-wdrw-0001', { aliases: ['CVE-2025-4001'], affected: npmAffected('wd-pkg') })]);
        const cursor = await store.advisories.cursor();
        clock.advance(1000);
        const w = await store.advisories.withdraw('CVE-2025-4001', 'duplicate of GHSA-xxxx', { userId: null, name: 'tester' });
        assert.equal(w.id, 'GHSA-wdrw-0001');
        assert.equal(w.withdrawn, clock.now().toISOString());
        assert.equal((w.database_specific as { nodesec: { withdrawn_reason: string } }).nodesec.withdrawn_reason, 'duplicate of GHSA-xxxx');
        assert.deepEqual((await store.advisories.changesSince(cursor)).changes.map((c) => [c.kind, c.id]), [['withdraw', 'GHSA-wdrw-0001']]);
        assert.equal((await store.advisories.byPackage('npm', 'wd-pkg')).length, 1);
        assert.equal((await store.advisories.byPackage('npm', 'wd-pkg', { includeWithdrawn: false })).length, 0);
        await rejects(store.advisories.withdraw('GHSA-wdrw-0001', 'again', SYSTEM_ACTOR), 'ERR_HUB_CONFLICT');
        await rejects(store.advisories.withdraw('GHSA-none', 'x', SYSTEM_ACTOR), 'ERR_HUB_NOT_FOUND');
        await rejects(store.advisories.withdraw('GHSA-wdrw-0001', ' ', SYSTEM_ACTOR), 'ERR_HUB_VALIDATION');
        // an upstream copy older than the withdrawal does not resurrect it
        const r = await store.advisories.ingest([osv('GHSA-wdrw-0001', { aliases: ['CVE-2025-4001'], affected: npmAffected('wd-pkg') })]);
        assert.equal(r.stale, 1);
        assert.ok((await store.advisories.get('GHSA-wdrw-0001'))?.withdrawn);
      });

      test('an upstream withdrawal (a newer record with withdrawn) is a withdraw change', async () => {
        await store.advisories.ingest([osv('GHSA-upwd-0001')]);
        const cursor = await store.advisories.cursor();
        await store.advisories.ingest([osv('GHSA-upwd-0001', { modified: '2025-07-01T00:00:00Z', withdrawn: '2025-07-01T00:00:00Z' })]);
        assert.deepEqual((await store.advisories.changesSince(cursor)).changes.map((c) => c.kind), ['withdraw']);
      });

      test('Node.js core records are found by their purl (pkg:github/nodejs/node)', async () => {
        await store.advisories.ingest([osv('NSWG-COR-TEST-1', { affected: [{ package: { ecosystem: 'Node.js', name: 'node', purl: 'pkg:github/nodejs/node' } }] })]);
        assert.deepEqual((await store.advisories.byPurl('pkg:github/nodejs/node@20.1.0')).map((r) => r.id), ['NSWG-COR-TEST-1']);
        assert.deepEqual((await store.advisories.byPackage('node.js', 'node')).map((r) => r.id), ['NSWG-COR-TEST-1']);
      });

      test('invalid records are reported and skipped; the rest of the batch commits', async () => {
        const r = await store.advisories.ingest([
          osv('GHSA-good-0001'),
          { id: '', modified: '2025-01-01T00:00:00Z' } as OsvRecord,
          { id: 'GHSA-bad-0002', modified: 'yesterday' } as OsvRecord,
          null as unknown as OsvRecord,
          { id: 'GHSA-bad-0003', modified: '2025-01-01T00:00:00Z', aliases: 'CVE-1' } as unknown as OsvRecord,
          osv('GHSA-bad-0004', { aliases: Array.from({ length: 1001 }, (_, i) => `CVE-2099-${i}`) }),
        ]);
        assert.equal(r.inserted, 1);
        assert.deepEqual(r.rejected.map((x) => x.index), [1, 2, 3, 4, 5]);
        assert.match(r.rejected[4]!.message, /at most 1000 aliases/);
        assert.equal(r.rejected[1]?.id, 'GHSA-bad-0002');
        assert.match(r.rejected[1]!.message, /modified/);
        await rejects(store.advisories.upsert({ id: 'x y', modified: '2025-01-01T00:00:00Z' }), 'ERR_ADVISORY_INVALID');
      });

      test('a batch is all or nothing: a failure in the middle leaves no record and no change', async () => {
        await store.driver.exec(`create function contract_boom() returns trigger language plpgsql as $$
          begin if new.id = 'GHSA-boom-0002' then raise exception 'boom'; end if; return new; end $$;
          create trigger contract_boom before insert on vuln_sources for each row execute function contract_boom();`);
        try {
          const cursor = await store.advisories.cursor();
          const count = await store.advisories.count();
          await assert.rejects(store.advisories.ingest([osv('GHSA-boom-0001'), osv('GHSA-boom-0002'), osv('GHSA-boom-0003')]), /boom/);
          assert.equal(await store.advisories.get('GHSA-boom-0001'), undefined);
          assert.equal(await store.advisories.cursor(), cursor);
          assert.equal(await store.advisories.count(), count);
        } finally {
          await store.driver.exec('drop trigger contract_boom on vuln_sources; drop function contract_boom();');
        }
        assert.equal((await store.advisories.ingest([osv('GHSA-boom-0001')])).inserted, 1);
      });

      test('upsert returns the served record; getMany answers many ids', async () => {
        const served = await store.advisories.upsert(osv('GHSA-ups-0001', { aliases: ['CVE-2025-5001'] }));
        assert.equal(served.id, 'GHSA-ups-0001');
        const m = await store.advisories.getMany(['CVE-2025-5001', 'GHSA-ups-0001', 'nope']);
        assert.deepEqual([...m.keys()].sort(), ['CVE-2025-5001', 'GHSA-ups-0001']);
      });

      test('exportAll streams every record in id order; count agrees', async () => {
        const ids: string[] = [];
        for await (const r of store.advisories.exportAll({ pageSize: 3 })) ids.push(r.id);
        assert.deepEqual(ids, [...ids].sort());
        assert.equal(new Set(ids).size, ids.length);
        assert.equal(ids.length, await store.advisories.count());
        const live: string[] = [];
        for await (const r of store.advisories.exportAll({ includeWithdrawn: false })) live.push(r.id);
        assert.equal(live.length, await store.advisories.count({ includeWithdrawn: false }));
        assert.ok(!live.includes('GHSA-wdrw-0001'));
      });
    });

    describe('accounts and tokens', () => {
      const admin: Actor = { userId: null, name: 'cli' };

      test('creates users with roles; names are unique case-insensitively', async () => {
        const u = await store.accounts.createUser({ name: 'alice', roles: ['contributor'] }, admin);
        assert.equal(u.name, 'alice');
        assert.deepEqual(u.roles, ['contributor']);
        assert.equal(u.disabled, false);
        await rejects(store.accounts.createUser({ name: 'ALICE', roles: ['admin'] }, admin), 'ERR_HUB_CONFLICT');
        await rejects(store.accounts.createUser({ name: 'bob', roles: ['root' as 'admin'] }, admin), 'ERR_HUB_VALIDATION');
        await rejects(store.accounts.createUser({ name: 'bad name', roles: ['admin'] }, admin), 'ERR_HUB_VALIDATION');
        assert.equal((await store.accounts.getUser('Alice'))?.id, u.id);
        assert.equal((await store.accounts.getUser(u.id))?.name, 'alice');
        assert.ok((await store.accounts.listUsers()).some((x) => x.name === 'alice'));
        const r = await store.accounts.setRoles('alice', ['contributor', 'maintainer'], admin);
        assert.deepEqual(r.roles, ['contributor', 'maintainer']);
        const p = await store.accounts.addMaintainedPackage('alice', { ecosystem: 'npm', name: 'left-pad' }, admin);
        assert.deepEqual(p.packages, [{ ecosystem: 'npm', name: 'left-pad' }]);
      });

      test('tokens: shown once, stored as sha256 only, scoped by role, expiring, revocable, last-used', async () => {
        const u = await store.accounts.createUser({ name: 'tok-user', roles: ['triager'] }, admin);
        const expires = new Date(clock.now().getTime() + 90 * 86_400_000);
        const { token, info } = await store.accounts.createToken({ user: 'tok-user', scopes: ['read', 'review'], expiresAt: expires, label: 'ci' }, admin);
        assert.match(token, /^nshub_[A-Za-z0-9_-]+$/);
        assert.ok(token.length >= 50);
        assert.match(info.id, /^tok_/);
        const rows = await store.driver.query<{ hash: string }>('select hash from tokens where id = $1', [info.id]);
        const { createHash } = await import('node:crypto');
        assert.equal(rows.rows[0]?.hash, createHash('sha256').update(token).digest('hex'));
        const leaked = await store.driver.query(`select 1 from tokens t where t::text like '%' || $1 || '%'`, [token.slice(-20)]);
        assert.equal(leaked.rows.length, 0, 'the plaintext secret is not stored');

        const p = await store.accounts.verifyToken(token);
        assert.equal(p?.user.id, u.id);
        assert.deepEqual(p?.scopes, ['read', 'review']);
        assert.deepEqual(p?.token.lastUsedAt, clock.now());
        assert.equal(await store.accounts.verifyToken(`${token}x`), undefined);
        assert.equal(await store.accounts.verifyToken('garbage'), undefined);

        await rejects(store.accounts.createToken({ user: 'tok-user', scopes: ['admin'], expiresAt: expires }, admin), 'ERR_HUB_VALIDATION');
        await rejects(store.accounts.createToken({ user: 'tok-user', scopes: ['read'], expiresAt: new Date(clock.now().getTime() - 1) }, admin), 'ERR_HUB_VALIDATION');
        await rejects(store.accounts.createToken({ user: 'nobody', scopes: ['read'], expiresAt: expires }, admin), 'ERR_HUB_NOT_FOUND');

        // a role removed later narrows the effective scopes of existing tokens
        await store.accounts.setRoles('tok-user', ['contributor'], admin);
        assert.deepEqual((await store.accounts.verifyToken(token))?.scopes, ['read']);
        await store.accounts.setRoles('tok-user', ['triager'], admin);

        // disabled user
        await store.accounts.setDisabled('tok-user', true, admin);
        assert.equal(await store.accounts.verifyToken(token), undefined);
        await store.accounts.setDisabled('tok-user', false, admin);
        assert.ok(await store.accounts.verifyToken(token));

        // expiry
        const short = await store.accounts.createToken({ user: u.id, scopes: ['read'], expiresAt: new Date(clock.now().getTime() + 60_000) }, admin);
        assert.ok(await store.accounts.verifyToken(short.token));
        clock.advance(61_000);
        assert.equal(await store.accounts.verifyToken(short.token), undefined);

        // revocation
        const revoked = await store.accounts.revokeToken(info.id, admin);
        assert.ok(revoked.revokedAt);
        assert.equal(await store.accounts.verifyToken(token), undefined);
        assert.ok((await store.accounts.revokeToken(info.id, admin)).revokedAt, 'revoking twice is a no-op');
        await rejects(store.accounts.revokeToken('tok_nope', admin), 'ERR_HUB_NOT_FOUND');
        assert.ok(!(await store.accounts.listTokens({ user: 'tok-user' })).some((t) => t.id === info.id));
        assert.ok((await store.accounts.listTokens({ user: 'tok-user', includeRevoked: true })).some((t) => t.id === info.id));
      });
    });

    describe('submissions', () => {
      let contributor: Actor & Viewer;
      let other: Actor & Viewer;
      let maintainer: Actor & Viewer;
      let triager: Actor & Viewer;
      let triager2: Actor & Viewer;
      const as = (u: { id: number; name: string; roles: Viewer['roles'] }) => ({ userId: u.id, name: u.name, roles: u.roles });
      before(async () => {
        const mk = async (name: string, roles: Viewer['roles']) => as(await store.accounts.createUser({ name, roles: [...roles] }, SYSTEM_ACTOR));
        contributor = await mk('sub-contrib', ['contributor']);
        other = await mk('sub-other', ['contributor']);
        maintainer = await mk('sub-maint', ['maintainer']);
        triager = await mk('sub-triager', ['triager']);
        triager2 = await mk('sub-triager2', ['triager']);
        await store.accounts.addMaintainedPackage(maintainer.userId!, { ecosystem: 'npm', name: 'sub-pkg' }, SYSTEM_ACTOR);
      });
      const draftRecord = (patch: Partial<OsvRecord> = {}): OsvRecord => ({
        id: 'CVE-2026-7001', modified: '2026-01-01T00:00:00Z', summary: 'prototype pollution in sub-pkg', affected: npmAffected('sub-pkg'), ...patch,
      });

      test('draft → in-review → approved by a triager → published under a hub id; drafts never reach the advisories', async () => {
        const s = await store.submissions.create({ records: [draftRecord()] }, contributor);
        assert.equal(s.status, 'draft');
        assert.deepEqual(s.packages, [{ ecosystem: 'npm', name: 'sub-pkg' }]);
        assert.equal(await store.advisories.get('CVE-2026-7001'), undefined);
        await rejects(store.submissions.publish(s.id, triager, triager), 'ERR_HUB_CONFLICT');
        const inReview = await store.submissions.submit(s.id, contributor, contributor);
        assert.equal(inReview.status, 'in-review');
        await rejects(store.submissions.publish(s.id, triager, triager), 'ERR_HUB_CONFLICT');
        await rejects(store.submissions.review(s.id, 'approve', null, contributor, contributor), 'ERR_HUB_FORBIDDEN');
        const approved = await store.submissions.review(s.id, 'approve', 'lgtm', triager, triager);
        assert.equal(approved.approvals, 1);
        await rejects(store.submissions.publish(s.id, contributor, contributor), 'ERR_HUB_FORBIDDEN');
        const published = await store.submissions.publish(s.id, triager, triager);
        assert.equal(published.status, 'published');
        assert.equal(published.publishedIds.length, 1);
        const hubId = published.publishedIds[0]!;
        assert.match(hubId, /^NSWG-ECO-\d+$/);
        const adv = await store.advisories.get('CVE-2026-7001');
        assert.equal(adv?.id, hubId);
        assert.deepEqual(adv?.aliases, ['CVE-2026-7001']);
        assert.equal(adv?.modified, clock.now().toISOString());
        await rejects(store.submissions.reject(s.id, 'late', triager, triager), 'ERR_HUB_CONFLICT');
      });

      test('hub ids come from a per-prefix counter that skips ids already present and never goes back', async () => {
        await store.advisories.ingest([osv('NSWG-ECO-500'), osv('NSWG-COR-40', { affected: [{ package: { ecosystem: 'Node.js', name: 'node' } }] })]);
        const publishOne = async (rec: OsvRecord) => {
          const s = await store.submissions.create({ records: [rec] }, contributor);
          await store.submissions.submit(s.id, contributor, contributor);
          await store.submissions.review(s.id, 'approve', null, triager, triager);
          return (await store.submissions.publish(s.id, triager, triager)).publishedIds;
        };
        // NSWG-ECO-9001 was ingested above: numbering continues after the highest present id
        const a = await publishOne(draftRecord({ id: 'CVE-2026-7002' }));
        const n = Number(/^NSWG-ECO-(\d+)$/.exec(a[0]!)?.[1]);
        assert.ok(n > 9001, a[0]);
        const b = await publishOne(draftRecord({ id: undefined as unknown as string }));
        assert.deepEqual(b, [`NSWG-ECO-${n + 1}`]);
        const c = await publishOne(draftRecord({ id: 'CVE-2026-7003', affected: [{ package: { ecosystem: 'Node.js', name: 'node' } }] }));
        assert.deepEqual(c, ['NSWG-COR-41']);
        // a record naming an existing hub id updates that advisory
        const d = await publishOne(draftRecord({ id: a[0]!, summary: 'updated summary' }));
        assert.deepEqual(d, a);
        assert.equal((await store.advisories.get(a[0]!))?.summary, 'updated summary');
        // a withdrawn id is never handed out again
        await store.advisories.withdraw(b[0]!, 'mistake', triager);
        assert.deepEqual(await publishOne(draftRecord({ id: 'CVE-2026-7004' })), [`NSWG-ECO-${n + 2}`]);
        // a hub-looking id that does not exist is not honoured
        assert.deepEqual(await publishOne(draftRecord({ id: 'NSWG-ECO-999999' })), [`NSWG-ECO-${n + 3}`]);
      });

      test('drafts and embargoed submissions are visible only to the submitter, maintainers of the package, triagers and admins', async () => {
        const s = await store.submissions.create({ records: [draftRecord({ id: 'CVE-2026-7100' })], embargoUntil: new Date(clock.now().getTime() + 86_400_000) }, contributor);
        assert.ok(await store.submissions.get(s.id, contributor));
        assert.ok(await store.submissions.get(s.id, maintainer));
        assert.ok(await store.submissions.get(s.id, triager));
        assert.ok(await store.submissions.get(s.id, { userId: 999_999, roles: ['admin'] }));
        assert.equal(await store.submissions.get(s.id, other), undefined);
        assert.equal(await store.submissions.get(s.id, { userId: maintainer.userId!, roles: ['contributor'] }), undefined, 'a package grant without the maintainer role does not count');
        assert.ok((await store.submissions.list(maintainer)).some((x) => x.id === s.id));
        assert.ok(!(await store.submissions.list(other)).some((x) => x.id === s.id));
        await rejects(store.submissions.submit(s.id, other, other), 'ERR_HUB_NOT_FOUND');
        await rejects(store.submissions.update(s.id, { note: 'x' }, maintainer, maintainer), 'ERR_HUB_FORBIDDEN');
        const loaded = (await store.submissions.get(s.id, triager))!;
        assert.equal(store.submissions.canView(loaded, other), false);
        assert.equal(store.submissions.canView(loaded, maintainer, [{ ecosystem: 'npm', name: 'sub-pkg' }]), true);

        // embargo: approved but not publishable before the date
        await store.submissions.submit(s.id, contributor, contributor);
        await store.submissions.review(s.id, 'approve', null, triager, triager);
        await rejects(store.submissions.publish(s.id, triager, triager), 'ERR_HUB_CONFLICT');
        assert.equal(await store.advisories.get('CVE-2026-7100'), undefined);
        clock.advance(86_400_001);
        const p = await store.submissions.publish(s.id, triager, triager);
        assert.equal(p.status, 'published');
        assert.ok(await store.submissions.get(s.id, other), 'published submissions are visible to everyone');
      });

      test('request-changes and edits restart the review; rejection needs a reason', async () => {
        const s = await store.submissions.create({ records: [draftRecord({ id: 'CVE-2026-7200' })] }, contributor);
        await store.submissions.submit(s.id, contributor, contributor);
        await store.submissions.review(s.id, 'approve', null, triager, triager);
        const back = await store.submissions.review(s.id, 'request-changes', 'add a fixed version', triager2, triager2);
        assert.equal(back.status, 'draft');
        assert.equal(back.approvals, 0);
        assert.equal(back.reviews.length, 2);
        const edited = await store.submissions.update(s.id, { records: [draftRecord({ id: 'CVE-2026-7200', summary: 'better' })] }, contributor, contributor);
        assert.equal(edited.records[0]?.summary, 'better');
        await store.submissions.submit(s.id, contributor, contributor);
        await rejects(store.submissions.reject(s.id, '', triager, triager), 'ERR_HUB_VALIDATION');
        await rejects(store.submissions.reject(s.id, 'spam', contributor, contributor), 'ERR_HUB_FORBIDDEN');
        const rejected = await store.submissions.reject(s.id, 'not a vulnerability', triager, triager);
        assert.equal(rejected.status, 'rejected');
        assert.equal(rejected.rejectionReason, 'not a vulnerability');
        await rejects(store.submissions.submit(s.id, contributor, contributor), 'ERR_HUB_CONFLICT');
      });

      test('list filters by status and pages by id, newest first', async () => {
        const ids: number[] = [];
        for (let i = 0; i < 3; i++) ids.push((await store.submissions.create({ records: [draftRecord({ id: `CVE-2026-73${i}0` })] }, other)).id);
        const mine = await store.submissions.list(other, { status: 'draft' });
        assert.deepEqual(mine.map((s) => s.id).slice(0, 3), [...ids].reverse());
        assert.ok(mine.every((s) => s.status === 'draft'));
        const page = await store.submissions.list(other, { status: 'draft', before: ids[2], limit: 1 });
        assert.deepEqual(page.map((s) => s.id), [ids[1]]);
        assert.ok((await store.submissions.list(other, { status: 'published' })).every((s) => s.status === 'published'));
      });

      test('invalid submissions are refused with a pointer', async () => {
        await assert.rejects(store.submissions.create({ records: [] }, contributor), (e: { code: string; pointer?: string }) => e.code === 'ERR_ADVISORY_INVALID' && e.pointer === '/records');
        await assert.rejects(store.submissions.create({ records: [draftRecord(), { ...draftRecord(), affected: [] }] }, contributor),
          (e: { code: string; pointer?: string }) => e.code === 'ERR_ADVISORY_INVALID' && e.pointer === '/records/1/affected');
      });

      test('N approvals and the two-person rule are configurable', async () => {
        const strict = await open({ now: clock.now, policy: { requiredApprovals: 2, twoPersonRule: true } });
        try {
          const mk = async (name: string, roles: Viewer['roles']) => as(await strict.accounts.createUser({ name, roles: [...roles] }, SYSTEM_ACTOR));
          const t1 = await mk('t1', ['triager']);
          const t2 = await mk('t2', ['triager']);
          const t3 = await mk('t3', ['admin']);
          const s = await strict.submissions.create({ records: [draftRecord()] }, t1);
          await strict.submissions.submit(s.id, t1, t1);
          await rejects(strict.submissions.review(s.id, 'approve', null, t1, t1), 'ERR_HUB_FORBIDDEN');
          await strict.submissions.review(s.id, 'approve', null, t2, t2);
          const twice = await strict.submissions.review(s.id, 'approve', null, t2, t2);
          assert.equal(twice.approvals, 1, 'one reviewer counts once');
          await rejects(strict.submissions.publish(s.id, t2, t2), 'ERR_HUB_CONFLICT');
          await strict.submissions.review(s.id, 'approve', null, t3, t3);
          assert.equal((await strict.submissions.publish(s.id, t2, t2)).status, 'published');
        } finally {
          await strict.close();
        }
        const lax = await open({ now: clock.now, policy: { twoPersonRule: false, idPrefixes: { npm: 'ACME-NPM' } } });
        try {
          const t = { ...(await lax.accounts.createUser({ name: 'solo', roles: ['triager'] }, SYSTEM_ACTOR)), userId: 0, roles: ['triager'] as Viewer['roles'] };
          const me = { userId: t.id, name: 'solo', roles: t.roles };
          const s = await lax.submissions.create({ records: [draftRecord()] }, me);
          await lax.submissions.submit(s.id, me, me);
          await lax.submissions.review(s.id, 'approve', null, me, me);
          assert.deepEqual((await lax.submissions.publish(s.id, me, me)).publishedIds, ['ACME-NPM-1']);
        } finally {
          await lax.close();
        }
      });
    });

    describe('audit log', () => {
      test('records who did what with the diff, newest first, filterable', async () => {
        const u = await store.accounts.createUser({ name: 'audited', roles: ['contributor'] }, { userId: null, name: 'root-cli' });
        await store.accounts.setRoles('audited', ['contributor', 'maintainer'], { userId: null, name: 'root-cli' });
        const entries = await store.audit.list({ target: `user:${u.id}` });
        assert.deepEqual(entries.map((e) => e.action), ['user.roles', 'user.create']);
        assert.equal(entries[0]?.actor.name, 'root-cli');
        assert.deepEqual((entries[0]?.diff as { before: { roles: string[] }; after: { roles: string[] } }).after.roles, ['contributor', 'maintainer']);
        assert.ok(BigInt(entries[0]!.id) > BigInt(entries[1]!.id));
        const page = await store.audit.list({ limit: 1, before: entries[0]!.id, target: `user:${u.id}` });
        assert.deepEqual(page.map((e) => e.id), [entries[1]!.id]);
        assert.ok((await store.audit.list({ action: 'advisory.ingest', limit: 5 })).length > 0);
        assert.ok((await store.audit.list({ action: 'token.create' })).every((e) => !JSON.stringify(e.diff).includes('nshub_')), 'no token in the log');
      });

      test('the database refuses UPDATE, DELETE and TRUNCATE on the audit log', async () => {
        const e = await store.audit.append({ actor: SYSTEM_ACTOR, action: 'test.append', target: 'test:1', diff: { a: 1 } });
        await assert.rejects(store.driver.query('update audit_log set actor_name = $1 where id = $2', ['mallory', e.id]), /append-only/);
        await assert.rejects(store.driver.query('delete from audit_log where id = $1', [e.id]), /append-only/);
        await assert.rejects(store.driver.query('truncate audit_log'), /append-only/);
        const [again] = await store.audit.list({ target: 'test:1' });
        assert.equal(again?.actor.name, 'system');
      });
    });
  });
}
