/**
 * The hub on a real store (embedded PGlite in memory): ingest, auth, the submission workflow,
 * visibility of drafts and embargoes, withdrawal, audit log, change feed and export.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { unzipSync } from 'fflate';
import { SCHEMAS } from '../helpers/paths.ts';
import type { FastifyInstance } from 'fastify';
import type { OsvRecord } from '../../src/core/osv.ts';
import { buildHub } from '../../src/hub/app.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { SYSTEM_ACTOR } from '../../src/store/types.ts';
import { fixtureRecords, problemOf } from './helpers.ts';

describe('hub on an embedded store', () => {
  let store: Store;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  before(async () => {
    store = await openStore({ kind: 'embedded' });
    await store.advisories.ingest(fixtureRecords(), { source: 'fixtures' });
    const users = [
      { name: 'alice', roles: ['contributor'], scopes: ['read', 'submit'] },
      { name: 'mallory', roles: ['contributor'], scopes: ['read', 'submit'] },
      { name: 'tess', roles: ['triager'], scopes: ['read', 'submit', 'review'] },
      { name: 'trent', roles: ['triager'], scopes: ['read', 'submit', 'review'] },
      { name: 'ada', roles: ['admin'], scopes: ['read', 'submit', 'review', 'admin'] },
      { name: 'max', roles: ['maintainer'], scopes: ['read'] },
    ] as const;
    for (const u of users) {
      await store.accounts.createUser({ name: u.name, roles: [...u.roles] }, SYSTEM_ACTOR);
      tokens[u.name] = (await store.accounts.createToken({ user: u.name, scopes: [...u.scopes], expiresAt: new Date(Date.now() + 86_400_000) }, SYSTEM_ACTOR)).token;
    }
    await store.accounts.addMaintainedPackage('max', { ecosystem: 'npm', name: 'secret-pkg' }, SYSTEM_ACTOR);
    app = await buildHub({ store, config: { rateLimit: false, cachePollMs: 0, prewarm: true } });
    await app.ready();
    for (let i = 0; i < 100 && !app.vulns.complete; i++) await new Promise((r) => setTimeout(r, 50));
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });

  test('OSV queries read the store; ids and aliases resolve; the cache was prewarmed', async () => {
    assert.equal(app.vulns.complete, true);
    const res = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((res.json() as { vulns: OsvRecord[] }).vulns.map((v) => v.id), ['GHSA-jf85-cpcp-j695']);
    const alias = await app.inject({ url: '/v1/vulns/CVE-2019-10744' });
    assert.equal((alias.json() as OsvRecord).id, 'GHSA-jf85-cpcp-j695');
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  });

  test('auth: no token 401 with WWW-Authenticate, a bad token 401, a missing scope 403', async () => {
    const none = await app.inject({ method: 'POST', url: '/api/v1/submissions', payload: { record: {} } });
    assert.equal(none.statusCode, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    assert.equal(problemOf(none).code, 'ERR_HUB_UNAUTHENTICATED');
    const bad = await app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer nshub_nope_nope' } });
    assert.equal(bad.statusCode, 401);
    const me = await app.inject({ url: '/api/v1/me', headers: as('alice') });
    assert.equal(me.statusCode, 200, me.body);
    assert.deepEqual((me.json() as { user: { name: string } }).user.name, 'alice');
    const forbidden = await app.inject({ method: 'POST', url: '/api/v1/vulns/GHSA-jf85-cpcp-j695/withdraw', headers: as('alice'), payload: { reason: 'nope' } });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(problemOf(forbidden).code, 'ERR_HUB_FORBIDDEN');
  });

  test('submit → review → publish; drafts invisible to others (404), two-person rule, published records served', async () => {
    const record = {
      summary: 'ReDoS in left-pad',
      affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.1' }] }] }],
    };
    const created = await app.inject({ method: 'POST', url: '/api/v1/submissions', headers: as('alice'), payload: { record, note: 'found while fuzzing' } });
    assert.equal(created.statusCode, 201, created.body);
    const sub = created.json() as { id: number; status: string };
    assert.equal(sub.status, 'draft');
    assert.equal(created.headers.location, `/api/v1/submissions/${sub.id}`);
    // another contributor cannot see it, nor act on it: 404, not 403
    assert.equal((await app.inject({ url: `/api/v1/submissions/${sub.id}`, headers: as('mallory') })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/submissions/${sub.id}/submit`, headers: as('mallory') })).statusCode, 404);
    const listed = await app.inject({ url: '/api/v1/submissions', headers: as('mallory') });
    assert.deepEqual((listed.json() as { submissions: unknown[] }).submissions, []);
    // not yet public
    assert.deepEqual((await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'left-pad', ecosystem: 'npm' } } })).json(), {});
    const submitted = await app.inject({ method: 'POST', url: `/api/v1/submissions/${sub.id}/submit`, headers: as('alice') });
    assert.equal((submitted.json() as { status: string }).status, 'in-review', submitted.body);
    // contributors cannot review
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/submissions/${sub.id}/reviews`, headers: as('alice'), payload: { decision: 'approve' } })).statusCode, 403);
    const early = await app.inject({ method: 'POST', url: `/api/v1/submissions/${sub.id}/publish`, headers: as('tess') });
    assert.equal(early.statusCode, 409, early.body);
    assert.equal(problemOf(early).code, 'ERR_HUB_CONFLICT');
    const approved = await app.inject({ method: 'POST', url: `/api/v1/submissions/${sub.id}/reviews`, headers: as('tess'), payload: { decision: 'approve', comment: 'confirmed' } });
    assert.equal(approved.statusCode, 200, approved.body);
    const published = await app.inject({ method: 'POST', url: `/api/v1/submissions/${sub.id}/publish`, headers: as('tess') });
    assert.equal(published.statusCode, 200, published.body);
    const ids = (published.json() as { published_ids: string[] }).published_ids;
    assert.equal(ids.length, 1);
    assert.match(ids[0]!, /^NSWG-ECO-\d+$/);
    const q = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'left-pad', ecosystem: 'npm' }, version: '1.0.0' } });
    assert.deepEqual((q.json() as { vulns: OsvRecord[] }).vulns.map((v) => v.id), ids);
  });

  test('embargoed submissions: visible to triagers and the package maintainer, not to other contributors', async () => {
    const record = { summary: 'embargoed', affected: [{ package: { ecosystem: 'npm', name: 'secret-pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] };
    const created = await app.inject({ method: 'POST', url: '/api/v1/submissions', headers: as('alice'), payload: { records: [record], embargo_until: '2099-01-01T00:00:00Z' } });
    assert.equal(created.statusCode, 201, created.body);
    const id = (created.json() as { id: number }).id;
    assert.equal((await app.inject({ url: `/api/v1/submissions/${id}`, headers: as('tess') })).statusCode, 200);
    assert.equal((await app.inject({ url: `/api/v1/submissions/${id}`, headers: as('max') })).statusCode, 200, 'maintainer of secret-pkg');
    assert.equal((await app.inject({ url: `/api/v1/submissions/${id}`, headers: as('mallory') })).statusCode, 404);
    assert.equal((await app.inject({ url: `/api/v1/submissions/${id}` })).statusCode, 401);
  });

  test('invalid submissions are 400 problems naming the field', async () => {
    const extra = await app.inject({ method: 'POST', url: '/api/v1/submissions', headers: as('alice'), payload: { record: { summary: 'x', colour: 'red' } } });
    assert.equal(extra.statusCode, 400);
    assert.match(String(problemOf(extra).detail), /colour/);
    const neither = await app.inject({ method: 'POST', url: '/api/v1/submissions', headers: as('alice'), payload: { note: 'no records' } });
    assert.equal(neither.statusCode, 400);
  });

  test('withdraw with a reason: leaves queries, stays readable, shows in the change feed', async () => {
    const before = await app.inject({ url: '/v1/changes?since=0&limit=10000' });
    const cursor = (before.json() as { next: string }).next;
    const w = await app.inject({ method: 'POST', url: '/api/v1/vulns/CVE-2019-10744/withdraw', headers: as('tess'), payload: { reason: 'duplicate of another advisory' } });
    assert.equal(w.statusCode, 200, w.body);
    assert.ok((w.json() as OsvRecord).withdrawn);
    assert.deepEqual((await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' } })).json(), {});
    assert.ok(((await app.inject({ url: '/v1/vulns/GHSA-jf85-cpcp-j695' })).json() as OsvRecord).withdrawn);
    const feed = await app.inject({ url: `/v1/changes?since=${cursor}` });
    const changes = (feed.json() as { changes: { kind: string; id: string }[] }).changes;
    assert.ok(changes.some((c) => c.kind === 'withdraw' && c.id === 'GHSA-jf85-cpcp-j695'), JSON.stringify(changes));
    const again = await app.inject({ method: 'POST', url: '/api/v1/vulns/GHSA-jf85-cpcp-j695/withdraw', headers: as('tess'), payload: { reason: 'again' } });
    assert.equal(again.statusCode, 409);
    assert.equal((await app.inject({ url: '/v1/changes?since=abc' })).statusCode, 400);
    // paging: limit=1 walks the feed one change at a time, in seq order
    const seqs: string[] = [];
    let since = '0';
    for (let i = 0; i < 100; i++) {
      const p = (await app.inject({ url: `/v1/changes?since=${since}&limit=1` })).json() as { changes: { seq: string }[]; next: string; more: boolean };
      seqs.push(...p.changes.map((c) => c.seq));
      since = p.next;
      if (!p.more) break;
    }
    const all = ((await app.inject({ url: '/v1/changes?since=0&limit=10000' })).json() as { changes: { seq: string }[] }).changes.map((c) => c.seq);
    assert.deepEqual(seqs, all);
    assert.ok(all.length >= 5);
  });

  test('audit log: admins only', async () => {
    for (const who of ['alice', 'tess']) {
      const r = await app.inject({ url: '/api/v1/audit', headers: as(who) });
      assert.equal(r.statusCode, 403, who);
    }
    assert.equal((await app.inject({ url: '/api/v1/audit' })).statusCode, 401);
    const r = await app.inject({ url: '/api/v1/audit?limit=50', headers: as('ada') });
    assert.equal(r.statusCode, 200, r.body);
    const actions = (r.json() as { entries: { action: string }[] }).entries.map((e) => e.action);
    assert.ok(actions.some((a) => /withdraw/.test(a)), actions.join(','));
    assert.ok(actions.some((a) => /publish/.test(a)), actions.join(','));
  });

  test('batch import: admin only, idempotent, a bad record reported and the rest committed', async () => {
    const records = [
      { id: 'OSV-IMP-1', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'imp-pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] },
      { id: 'OSV-IMP-2', modified: 'not a date' },
    ];
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/import', headers: as('tess'), payload: { records } })).statusCode, 403);
    const first = await app.inject({ method: 'POST', url: '/api/v1/import', headers: as('ada'), payload: { records } });
    assert.equal(first.statusCode, 200, first.body);
    const r1 = first.json() as { inserted: number; unchanged: number; rejected: { index: number }[] };
    assert.equal(r1.inserted, 1);
    assert.deepEqual(r1.rejected.map((r) => r.index), [1]);
    const second = (await app.inject({ method: 'POST', url: '/api/v1/import', headers: as('ada'), payload: { records: records.slice(0, 1) } })).json() as { inserted: number; unchanged: number };
    assert.equal(second.inserted, 0);
    assert.equal(second.unchanged, 1);
    const q = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'imp-pkg', ecosystem: 'npm' }, version: '1.0.0' } });
    assert.deepEqual((q.json() as { vulns: OsvRecord[] }).vulns.map((v) => v.id), ['OSV-IMP-1']);
  });

  test('export: a zip of every published record, per ecosystem too, each valid against the OSV schema', async () => {
    const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv as unknown as Ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, 'osv-schema.json'), 'utf8')) as object);
    const all = await app.inject({ url: '/v1/export/all.zip' });
    assert.equal(all.statusCode, 200);
    assert.equal(all.headers['content-type'], 'application/zip');
    const files = unzipSync(new Uint8Array(all.rawPayload));
    assert.ok(files['GHSA-jf85-cpcp-j695.json'], Object.keys(files).join(','));
    assert.ok(files['OSV-2021-0003.json']);
    const core = JSON.parse(Buffer.from(files['OSV-2021-0003.json']!).toString()) as OsvRecord;
    assert.equal(core.affected?.[0]?.package?.ecosystem, 'GIT', 'Node.js core as the OSV GIT package');
    for (const [name, bytes] of Object.entries(files)) {
      assert.ok(validate(JSON.parse(Buffer.from(bytes).toString())), `${name}: ${JSON.stringify(validate.errors)}`);
    }
    // hub ids have no registered OSV prefix: exported as x_<id>, the id kept as an alias
    const published = Object.keys(files).find((f) => f.startsWith('x_NSWG-ECO-'));
    assert.ok(published, Object.keys(files).join(','));
    const pub = JSON.parse(Buffer.from(files[published]!).toString()) as OsvRecord;
    assert.equal(pub.aliases?.[0], pub.id.slice(2));
    const rec = JSON.parse(Buffer.from(files['GHSA-jf85-cpcp-j695.json']!).toString()) as OsvRecord;
    assert.ok(rec.withdrawn, 'withdrawn records are exported with withdrawn set');
    const node = unzipSync(new Uint8Array((await app.inject({ url: '/v1/export/Node.js/all.zip' })).rawPayload));
    assert.deepEqual(Object.keys(node), ['OSV-2021-0003.json']);
  });

  test('rate limits: a valid token has its own budget, invented tokens share the address budget', async () => {
    const limited = await buildHub({ store, config: { rateLimit: { anonymous: 2, authenticated: 4, windowMs: 60_000 }, cachePollMs: 0 } });
    try {
      const q = { method: 'POST' as const, url: '/v1/query', payload: { package: { name: 'lodash', ecosystem: 'npm' } } };
      const codes = async (headers: Record<string, string>, n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await limited.inject({ ...q, headers })).statusCode);
        return out;
      };
      assert.deepEqual(await codes({}, 2), [200, 200]);
      assert.deepEqual(await codes({ authorization: `Bearer nshub_made_up${Math.random()}` }, 1), [429]);
      assert.deepEqual(await codes(as('alice'), 5), [200, 200, 200, 200, 429]);
      assert.deepEqual(await codes(as('tess'), 1), [200]);
    } finally {
      await limited.close();
    }
  });

  test('fuzz with valid tokens: hostile bodies on authenticated routes are 4xx problems, never 5xx', { timeout: 60_000 }, async () => {
    const bodies: unknown[] = [
      {}, { record: null }, { records: [] }, { records: [{}] }, { record: { id: '' } }, { record: { id: 'NSWG-ECO-1' } },
      { record: { modified: 'yesterday' } }, { record: { affected: [{ package: { ecosystem: 'npm' } }] } },
      { record: { affected: [{ ranges: [{ type: 'SEMVER', events: [] }] }] } },
      { record: { affected: [{ ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] }] }] } },
      { record: { severity: [{ type: 'CVSS_V3', score: 'not a vector' }] } },
      { record: { summary: 'x' }, embargo_until: 'soon' }, { record: { summary: 'x' }, embargo_until: '1970-01-01T00:00:00Z' },
      { records: Array(1001).fill({ summary: 'x' }) }, { decision: 'maybe' }, { reason: '' }, { reason: 'x'.repeat(20_000) },
      { records: [{ id: 'A', modified: '2024-01-01T00:00:00Z', aliases: ['A'] }] }, { records: [{ id: 'B', modified: '2024-13-45T99:00:00Z' }] },
    ];
    const routes: [string, string][] = [
      ['POST', '/api/v1/submissions'], ['PUT', '/api/v1/submissions/1'], ['POST', '/api/v1/submissions/1/submit'],
      ['POST', '/api/v1/submissions/1/reviews'], ['POST', '/api/v1/submissions/1/publish'], ['POST', '/api/v1/submissions/1/reject'],
      ['POST', '/api/v1/submissions/999999/reviews'], ['POST', '/api/v1/vulns/NSWG-NOPE-1/withdraw'], ['POST', '/api/v1/import'],
      ['GET', '/api/v1/audit?before=99999999999999999'], ['GET', '/api/v1/submissions?before=9999999999&limit=999'],
      ['GET', '/v1/changes?since=999999999999999999&limit=10000'], ['GET', '/v1/changes?since=-1'], ['GET', '/v1/changes?limit=0'],
      ['GET', '/v1/export/%00/all.zip'], ['GET', '/v1/export/..%2F..%2Fetc/all.zip'], ['GET', '/v1/export/npm/all.zip?x=1'],
    ];
    for (const who of ['alice', 'tess', 'ada']) {
      for (const [method, url] of routes) {
        for (const body of method === 'GET' ? [undefined] : bodies) {
          const res = await app.inject({ method: method as 'POST', url, headers: as(who), ...(body !== undefined && { payload: body as object }) });
          assert.ok(res.statusCode < 500, `${who} ${method} ${url} ${JSON.stringify(body)?.slice(0, 100)} → ${res.statusCode} ${res.body.slice(0, 300)}`);
          if (res.statusCode >= 400) problemOf(res);
        }
      }
    }
  });
});
