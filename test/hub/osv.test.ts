import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OsvRecord } from '../../src/core/osv.ts';
import { memoryHub, problemOf } from './helpers.ts';

test('POST /v1/query by name+ecosystem+version returns the affecting records, not withdrawn ones', async () => {
  const { app } = await memoryHub();
  const res = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' } });
  assert.equal(res.statusCode, 200);
  const body = res.json() as { vulns: OsvRecord[] };
  assert.deepEqual(body.vulns.map((v) => v.id), ['GHSA-jf85-cpcp-j695']);
  assert.deepEqual(body.vulns[0]!.aliases, ['CVE-2019-10744']);
  assert.equal(body.vulns[0]!.affected![0]!.ranges![0]!.events.length, 2);
  const fixed = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.12' } });
  assert.deepEqual(fixed.json(), {}, 'like OSV, no match is {}');
  await app.close();
});

test('POST /v1/query by purl, with the version in the purl or beside it; scoped names decode', async () => {
  const { app } = await memoryHub();
  for (const payload of [
    { package: { purl: 'pkg:npm/%40acme/exec-helper@1.4.1' } },
    { package: { purl: 'pkg:npm/%40acme/exec-helper' }, version: '2.1.0' },
    { package: { purl: 'pkg:npm/@acme/exec-helper@0.9.9-beta.1' } },
  ]) {
    const res = await app.inject({ method: 'POST', url: '/v1/query', payload });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((res.json() as { vulns: OsvRecord[] }).vulns.map((v) => v.id), ['OSV-2020-0001'], JSON.stringify(payload));
  }
  for (const version of ['1.4.2', '2.1.1', '0.9.9']) {
    const res = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { purl: 'pkg:npm/%40acme/exec-helper' }, version } });
    assert.deepEqual(res.json(), {}, version);
  }
  await app.close();
});

test('POST /v1/query without a version lists every record of the package; ecosystems are separate', async () => {
  const { app } = await memoryHub();
  const res = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'node', ecosystem: 'Node.js' } } });
  assert.deepEqual((res.json() as { vulns: OsvRecord[] }).vulns.map((v) => v.id), ['OSV-2021-0003']);
  const purl = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { purl: 'pkg:github/nodejs/node@v14.15.4' } } });
  assert.deepEqual((purl.json() as { vulns: OsvRecord[] }).vulns.map((v) => v.id), ['OSV-2021-0003'], 'the runtime by purl');
  const npm = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'node', ecosystem: 'npm' } } });
  assert.deepEqual(npm.json(), {});
  await app.close();
});

test('POST /v1/query rejects contradictory or incomplete queries with a 400 problem naming the field', async () => {
  const { app } = await memoryHub();
  const cases: [unknown, RegExp][] = [
    [{}, /needs "package"/],
    [{ package: { name: 'lodash' } }, /both "name" and "ecosystem"/],
    [{ package: { purl: 'pkg:npm/lodash@1.0.0' }, version: '1.0.0' }, /version is given twice/],
    [{ package: { purl: 'pkg:npm/lodash', name: 'lodash' } }, /purl.*not both/],
    [{ package: { purl: 'npm/lodash' } }, /must start with "pkg:"/],
    [{ package: { name: 'lodash', ecosystem: 'npm' }, colour: 'red' }, /unknown field "colour"/],
    [{ package: { name: 'lodash', ecosystem: 'npm', vendor: 'x' } }, /unknown field "vendor"/],
    [{ package: { name: 'lodash', ecosystem: 'npm' }, version: 4 }, /must be string/],
    [{ package: { name: 'lodash', ecosystem: 'npm' }, page_token: 'garbage' }, /page_token/],
  ];
  for (const [payload, detail] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/query', payload: payload as object });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    const p = problemOf(res);
    assert.match(String(p.detail), detail, JSON.stringify(payload));
    assert.ok(p.code === 'ERR_HUB_VALIDATION', String(p.code));
  }
  await app.close();
});

test('POST /v1/query pages large answers with next_page_token', async () => {
  const many: OsvRecord[] = Array.from({ length: 2500 }, (_, i) => ({
    id: `SYN-${String(i).padStart(5, '0')}`,
    modified: '2024-01-01T00:00:00Z',
    affected: [{ package: { ecosystem: 'npm', name: 'big' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
  }));
  const { app } = await memoryHub(many);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'big', ecosystem: 'npm' }, version: '1.0.0', ...(token && { page_token: token }) } });
    const body = res.json() as { vulns: OsvRecord[]; next_page_token?: string };
    seen.push(...body.vulns.map((v) => v.id));
    token = body.next_page_token;
    pages++;
  } while (token && pages < 10);
  assert.equal(pages, 3);
  assert.equal(new Set(seen).size, 2500);
  await app.close();
});

test('POST /v1/querybatch answers each query in order with { id, modified }, full records on ?full=true', async () => {
  const { app } = await memoryHub();
  const queries = [
    { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' },
    { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.21' },
    { package: { purl: 'pkg:npm/%40acme/exec-helper@1.0.0' } },
    { commit: 'a'.repeat(40) },
  ];
  const res = await app.inject({ method: 'POST', url: '/v1/querybatch', payload: { queries } });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {
    results: [
      { vulns: [{ id: 'GHSA-jf85-cpcp-j695', modified: '2024-03-01T00:00:00Z' }] },
      {},
      { vulns: [{ id: 'OSV-2020-0001', modified: '2020-05-01T00:00:00Z' }] },
      {},
    ],
  });
  const full = await app.inject({ method: 'POST', url: '/v1/querybatch?full=true', payload: { queries: queries.slice(0, 1) } });
  const r = full.json() as { results: { vulns: OsvRecord[] }[] };
  assert.equal(r.results[0]!.vulns[0]!.summary, 'Prototype Pollution in lodash');
  await app.close();
});

test('POST /v1/querybatch refuses more than 1000 queries and names the bad query', async () => {
  const { app } = await memoryHub();
  const q = { package: { name: 'lodash', ecosystem: 'npm' }, version: '1.0.0' };
  const over = await app.inject({ method: 'POST', url: '/v1/querybatch', payload: { queries: Array(1001).fill(q) } });
  assert.equal(over.statusCode, 400);
  assert.match(String(problemOf(over).detail), /1000/);
  const bad = await app.inject({ method: 'POST', url: '/v1/querybatch', payload: { queries: [q, { package: { name: 'x' } }] } });
  assert.equal(bad.statusCode, 400);
  assert.equal(problemOf(bad).pointer, '/queries/1/package');
  const flag = await app.inject({ method: 'POST', url: '/v1/querybatch?full=yes', payload: { queries: [q] } });
  assert.equal(flag.statusCode, 400);
  await app.close();
});

test('GET /v1/vulns/:id finds a record by id or alias, withdrawn ones included; 404 problem otherwise', async () => {
  const { app } = await memoryHub();
  const byAlias = await app.inject({ url: '/v1/vulns/CVE-2019-10744' });
  assert.equal(byAlias.statusCode, 200);
  assert.equal((byAlias.json() as OsvRecord).id, 'GHSA-jf85-cpcp-j695');
  const etag = byAlias.headers.etag as string;
  assert.equal(etag, 'W/"GHSA-jf85-cpcp-j695@2024-03-01T00:00:00Z"');
  const again = await app.inject({ url: '/v1/vulns/GHSA-jf85-cpcp-j695', headers: { 'if-none-match': etag } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  const withdrawn = await app.inject({ url: '/v1/vulns/OSV-2020-0002' });
  assert.equal((withdrawn.json() as OsvRecord).withdrawn, '2020-06-01T00:00:00Z');
  const missing = await app.inject({ url: '/v1/vulns/GHSA-nope' });
  assert.equal(missing.statusCode, 404);
  assert.equal(problemOf(missing).code, 'ERR_HUB_NOT_FOUND');
  await app.close();
});

test('the cache answers repeated queries without the store and drops everything when the change cursor moves', async () => {
  const { app, reader } = await memoryHub();
  const q = { method: 'POST' as const, url: '/v1/query', payload: { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' } };
  await app.inject(q);
  const before = reader.calls;
  await app.inject(q);
  assert.equal(reader.calls, before, 'second query served from the cache');
  reader.records = reader.records.filter((r) => r.id !== 'GHSA-jf85-cpcp-j695');
  await app.vulns.sync();
  reader.version++;
  await app.vulns.sync();
  assert.deepEqual((await app.inject(q)).json(), {});
  await app.close();
});

test('the store being away answers 503 ERR_STORE_UNAVAILABLE, and the hub recovers when it is back', async () => {
  const { app, reader } = await memoryHub();
  reader.down = true;
  const q = { method: 'POST' as const, url: '/v1/query', payload: { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' } };
  const down = await app.inject(q);
  assert.equal(down.statusCode, 503);
  assert.equal(problemOf(down).code, 'ERR_STORE_UNAVAILABLE');
  const ready = await app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 503);
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  reader.down = false;
  assert.equal((await app.inject(q)).statusCode, 200);
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  await app.close();
});

test('prewarm: a complete cache answers unknown packages without the store, until the next change', async () => {
  const { app, reader } = await memoryHub();
  async function* all() {
    yield* reader.records;
  }
  assert.equal(await app.vulns.prewarm(all()), true);
  assert.equal(app.vulns.complete, true);
  const before = reader.calls;
  const res = await app.inject({ method: 'POST', url: '/v1/querybatch', payload: { queries: [
    { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' },
    { package: { name: 'never-heard-of-it', ecosystem: 'npm' }, version: '1.0.0' },
  ] } });
  assert.deepEqual((res.json() as { results: unknown[] }).results, [{ vulns: [{ id: 'GHSA-jf85-cpcp-j695', modified: '2024-03-01T00:00:00Z' }] }, {}]);
  assert.equal(reader.calls, before, 'no store query');
  let invalidated = 0;
  app.vulns.onInvalidate = () => void invalidated++;
  app.vulns.invalidate();
  assert.equal(app.vulns.complete, false);
  assert.equal(invalidated, 1);
  await app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'never-heard-of-it', ecosystem: 'npm' } } });
  assert.ok(reader.calls > before, 'after a change the store is asked again');
  await app.close();
});

test('request ids: a well-formed X-Request-Id is kept and echoed, anything else replaced', async () => {
  const { app } = await memoryHub();
  const kept = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-42' } });
  assert.equal(kept.headers['x-request-id'], 'trace-42');
  const replaced = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\u0001' } });
  assert.match(String(replaced.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  await app.close();
});
