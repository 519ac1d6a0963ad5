import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { memoryHub, problemOf } from './helpers.ts';

test('bulk advisories: only affected names, in the registry shape; gzip bodies accepted', async () => {
  const { app } = await memoryHub();
  const body = { lodash: ['4.17.4', '4.17.21'], '@acme/exec-helper': ['1.5.0'], express: ['4.0.0'] };
  for (const gz of [false, true]) {
    const res = await app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      headers: { 'content-type': 'application/json', ...(gz && { 'content-encoding': 'gzip' }) },
      payload: gz ? gzipSync(JSON.stringify(body)) : JSON.stringify(body),
    });
    assert.equal(res.statusCode, 200, res.body);
    const json = res.json() as Record<string, { id: number; title: string; severity: string; vulnerable_versions: string; cwe: string[]; cvss: { score: number } }[]>;
    assert.deepEqual(Object.keys(json), ['lodash']);
    const [adv] = json.lodash!;
    assert.equal(adv!.title, 'Prototype Pollution in lodash');
    assert.equal(adv!.severity, 'critical');
    assert.equal(adv!.vulnerable_versions, '<4.17.12');
    assert.deepEqual(adv!.cwe, ['CWE-1321']);
    assert.equal(adv!.cvss.score, 9.1);
    assert.ok(Number.isInteger(adv!.id) && adv!.id > 0);
  }
  await app.close();
});

test('bulk advisories: two-range records become one npm range, explicit versions included', async () => {
  const { app } = await memoryHub();
  const res = await app.inject({ method: 'POST', url: '/-/npm/v1/security/advisories/bulk', payload: { '@acme/exec-helper': ['2.0.5'] } });
  const json = res.json() as Record<string, { vulnerable_versions: string; severity: string }[]>;
  assert.equal(json['@acme/exec-helper']![0]!.vulnerable_versions, '>=1.0.0 <1.4.2 || >=2.0.0 <=2.1.0 || =0.9.9-beta.1');
  assert.equal(json['@acme/exec-helper']![0]!.severity, 'moderate');
  await app.close();
});

test('bulk advisories: corrupt gzip, unknown encodings, wrong types and gzip bombs are 4xx problems', async () => {
  const { app } = await memoryHub();
  const url = '/-/npm/v1/security/advisories/bulk';
  const corrupt = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: Buffer.from('not gzip at all') });
  assert.equal(corrupt.statusCode, 400);
  problemOf(corrupt);
  const enc = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' }, payload: '{}' });
  assert.equal(enc.statusCode, 415);
  assert.equal(problemOf(enc).code, 'ERR_HUB_UNSUPPORTED_MEDIA_TYPE');
  const types = await app.inject({ method: 'POST', url, payload: { lodash: '4.17.4' } });
  assert.equal(types.statusCode, 400);
  const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
  assert.ok(bomb.length < 64 * 1024);
  const big = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: bomb });
  assert.equal(big.statusCode, 413);
  assert.equal(problemOf(big).code, 'ERR_INPUT_TOO_LARGE');
  const ctype = await app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'lodash' });
  assert.equal(ctype.statusCode, 415);
  await app.close();
});

test('quick audit (npm 6 tree body) answers advisories keyed by id with metadata counts', async () => {
  const { app } = await memoryHub();
  const res = await app.inject({
    method: 'POST',
    url: '/-/npm/v1/security/audits/quick',
    payload: { name: 'demo', version: '1.0.0', requires: { lodash: '^4.17.0' }, dependencies: { lodash: { version: '4.17.4' }, tap: { version: '1.0.0', dev: true, dependencies: { lodash: { version: '4.17.21' } } } } },
  });
  assert.equal(res.statusCode, 200, res.body);
  const json = res.json() as { advisories: Record<string, { module_name: string; findings: { version: string }[]; cves: string[] }>; metadata: { vulnerabilities: Record<string, number>; totalDependencies: number; devDependencies: number } };
  const advs = Object.values(json.advisories);
  assert.equal(advs.length, 1);
  assert.equal(advs[0]!.module_name, 'lodash');
  assert.equal(advs[0]!.findings[0]!.version, '4.17.4');
  assert.deepEqual(advs[0]!.cves, ['CVE-2019-10744']);
  assert.equal(json.metadata.vulnerabilities.critical, 1);
  assert.equal(json.metadata.totalDependencies, 3);
  assert.equal(json.metadata.devDependencies, 1);
  await app.close();
});

test('registry pass-through: streams, revalidates by ETag, serves stale when the upstream is away, never forwards the hub token', async () => {
  const seen: { url: string; headers: Headers }[] = [];
  let up = true;
  const fakeFetch: typeof fetch = async (input, init) => {
    if (!up) throw new TypeError('fetch failed');
    const headers = new Headers(init?.headers);
    seen.push({ url: String(input), headers });
    if (headers.get('if-none-match') === '"v1"') return new Response(null, { status: 304, headers: { etag: '"v1"' } });
    if (String(input).endsWith('/missing')) return new Response('{"error":"Not found"}', { status: 404, headers: { 'content-type': 'application/json' } });
    return new Response('{"name":"lodash"}', { status: 200, headers: { 'content-type': 'application/json', etag: '"v1"' } });
  };
  const { app } = await memoryHub(undefined, { config: { upstreamRegistry: 'http://registry.invalid/npm/' }, fetch: fakeFetch });
  const first = await app.inject({ url: '/lodash', headers: { authorization: 'Bearer secret', accept: 'application/json' } });
  assert.equal(first.statusCode, 200);
  assert.equal(first.body, '{"name":"lodash"}');
  assert.equal(seen[0]!.url, 'http://registry.invalid/npm/lodash');
  assert.equal(seen[0]!.headers.get('authorization'), null);
  const second = await app.inject({ url: '/lodash', headers: { accept: 'application/json' } });
  assert.equal(second.body, '{"name":"lodash"}');
  assert.equal(second.headers['x-nodesec-upstream'], 'revalidated');
  assert.equal(seen[1]!.headers.get('if-none-match'), '"v1"');
  const notMod = await app.inject({ url: '/lodash', headers: { accept: 'application/json', 'if-none-match': '"v1"' } });
  assert.equal(notMod.statusCode, 304);
  const missing = await app.inject({ url: '/missing' });
  assert.equal(missing.statusCode, 404);
  up = false;
  const stale = await app.inject({ url: '/lodash', headers: { accept: 'application/json' } });
  assert.equal(stale.statusCode, 200);
  assert.equal(stale.headers['x-nodesec-upstream'], 'stale');
  const away = await app.inject({ url: '/express' });
  assert.equal(away.statusCode, 502);
  assert.equal(problemOf(away).code, 'ERR_UPSTREAM_UNREACHABLE');
  // the hub's own paths are never proxied
  const own = await app.inject({ url: '/v1/nothing-here' });
  assert.equal(own.statusCode, 404);
  assert.equal(problemOf(own).code, 'ERR_HUB_NOT_FOUND');
  await app.close();
});
