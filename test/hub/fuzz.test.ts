/**
 * Every route, hostile input: malformed, oversized and type-confused bodies, odd content types
 * and encodings, hostile path parameters and query strings, broken Authorization headers. The
 * hub must never answer 5xx for a client mistake, and every error is a JSON problem body.
 * Bounded: a fixed corpus plus a seeded PRNG with a fixed number of mutations per route.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { memoryHub, problemOf } from './helpers.ts';

const MUTATIONS_PER_ROUTE = 40;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID_BODIES = [
  '{"package":{"name":"lodash","ecosystem":"npm"},"version":"4.17.4"}',
  '{"queries":[{"package":{"purl":"pkg:npm/lodash@1.0.0"}}]}',
  '{"lodash":["4.17.4"]}',
  '{"records":[{"id":"X-1","modified":"2024-01-01T00:00:00Z"}]}',
  '{"decision":"approve","comment":"ok"}',
  '{"reason":"duplicate of X"}',
];

const HOSTILE_BODIES: (string | Buffer)[] = [
  '', 'null', '[]', '{}', '"x"', '1e999', '-0', 'true', '{', '}', '{"a":}', '\u0000', '\ufeff{}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"queries":${'['.repeat(3000)}${']'.repeat(3000)}}`,
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"queries":[{"package":{"name":"lodash","ecosystem":"npm"},"version":{"$gt":""}}]}',
  '{"package":{"name":1,"ecosystem":[]},"version":null}',
  `{"package":{"name":"${'a'.repeat(100_000)}","ecosystem":"npm"}}`,
  `{"queries":[${Array(1001).fill('{"commit":"a"}').join(',')}]}`,
  `{"lodash":[${Array(1001).fill('"1.0.0"').join(',')}]}`,
  '{"records":[null,1,"x",[],{"id":"a"}]}',
  '{"record":{"id":"../../etc/passwd","modified":"yesterday"}}',
  '{"record":{"modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1"}]}]}]}}',
  Buffer.from([0xff, 0xfe, 0xfd, 0x7b, 0x7d]),
  Buffer.alloc(2 * 1024 * 1024, 0x61),
];

const HOSTILE_IDS = ['%00', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(300), '%E0%A4%A', '%F0%9F%98%80', '-1', '0', '1e10', '99999999999999999999', '%20', 'NSWG-ECO-1%0d%0aX-Injected:1'];
const HOSTILE_QUERIES = ['', '?full=__proto__', '?full=true&full=false', '?since=-1', '?since=99999999999999999999', '?limit=0', '?limit=99999999', '?status=drafty', '?before=abc', '?x=1', '?full[]=1', '?%zz=1'];
const HOSTILE_AUTH = [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Bearer ${'x'.repeat(600)}`, 'Bearer a b', 'bearer\u0000x'];
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', undefined];

function mutate(rand: () => number, s: string): string {
  const chars = s.split('');
  const n = 1 + Math.floor(rand() * 4);
  const alphabet = ['{', '}', '[', ']', '"', ',', ':', '\\', '0', '-', 'e', 'null', '\u0000', '\ud800', 'ÿ', ' '];
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * (chars.length + 1));
    const op = rand();
    if (op < 0.4) chars.splice(at, 1);
    else if (op < 0.8) chars.splice(at, 0, alphabet[Math.floor(rand() * alphabet.length)]!);
    else chars.splice(at, 1, alphabet[Math.floor(rand() * alphabet.length)]!);
  }
  return chars.join('');
}

function fill(url: string, id: string): string {
  return url.replace(/:[a-z]+/g, id).replace('*', id);
}

async function check(app: FastifyInstance, method: string, url: string, init: { body?: string | Buffer; contentType?: string; auth?: string; encoding?: string }): Promise<void> {
  const headers: Record<string, string> = {};
  if (init.contentType) headers['content-type'] = init.contentType;
  if (init.auth !== undefined) headers.authorization = init.auth;
  if (init.encoding) headers['content-encoding'] = init.encoding;
  const res = await app.inject({ method: method as 'GET', url, headers, ...(init.body !== undefined && method !== 'GET' && { payload: init.body }) });
  const what = `${method} ${url} ${JSON.stringify(headers)} body=${String(init.body ?? '').slice(0, 80)}`;
  assert.ok(res.statusCode < 500, `${res.statusCode} for ${what}: ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) {
    try {
      problemOf(res);
    } catch (err) {
      assert.fail(`not a problem body for ${what}: ${(err as Error).message}`);
    }
  }
}

test('fuzz: no route answers 5xx or a non-problem error for hostile input', { timeout: 60_000 }, async () => {
  const { app } = await memoryHub();
  await app.ready();
  const routes = app.hubRoutes.filter((r) => !r.url.startsWith('/v1/export') && !r.url.startsWith('/v1/changes'));
  assert.ok(routes.length >= 12, `only ${routes.length} routes`);
  const rand = prng(0x5eed);
  let requests = 0;
  for (const r of routes) {
    const urls = r.url.includes(':') ? HOSTILE_IDS.map((id) => fill(r.url, id)).concat(fill(r.url, 'GHSA-jf85-cpcp-j695'), fill(r.url, '1')) : [r.url];
    for (const url of urls) {
      await check(app, r.method, url, { body: '{}', contentType: 'application/json' });
      requests++;
    }
    const base = fill(r.url, '1');
    for (const q of HOSTILE_QUERIES) {
      await check(app, r.method, base + q, { body: '{}', contentType: 'application/json' });
      requests++;
    }
    for (const auth of HOSTILE_AUTH) {
      await check(app, r.method, base, { body: '{}', contentType: 'application/json', ...(auth !== undefined && { auth }) });
      requests++;
    }
    if (r.method === 'GET') continue;
    for (const body of HOSTILE_BODIES) {
      await check(app, r.method, base, { body, contentType: 'application/json' });
      requests++;
    }
    for (const ct of CONTENT_TYPES) {
      await check(app, r.method, base, { body: VALID_BODIES[0]!, ...(ct && { contentType: ct }) });
      requests++;
    }
    for (const encoding of ['gzip', 'deflate', 'br', 'zstd', 'gzip, gzip']) {
      await check(app, r.method, base, { body: Buffer.from('garbage'), contentType: 'application/json', encoding });
      requests++;
    }
    await check(app, r.method, base, { body: gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x5b)), contentType: 'application/json', encoding: 'gzip' });
    for (let i = 0; i < MUTATIONS_PER_ROUTE; i++) {
      const body = mutate(rand, VALID_BODIES[Math.floor(rand() * VALID_BODIES.length)]!);
      await check(app, r.method, base, { body, contentType: 'application/json' });
      requests++;
    }
  }
  assert.ok(requests > 500, `${requests} requests`);
  await app.close();
});

test('hardening: security headers, no CORS unless configured, rate limits per address and per token', async () => {
  const { app } = await memoryHub(undefined, { config: { rateLimit: { anonymous: 3, authenticated: 5, windowMs: 60_000 } } });
  const res = await app.inject({ url: '/healthz' });
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
  assert.equal(res.headers['access-control-allow-origin'], undefined);
  const q = { method: 'POST' as const, url: '/v1/query', payload: { package: { name: 'lodash', ecosystem: 'npm' } } };
  const codes: number[] = [];
  for (let i = 0; i < 5; i++) codes.push((await app.inject(q)).statusCode);
  assert.deepEqual(codes, [200, 200, 200, 429, 429]);
  const limited = await app.inject(q);
  assert.equal(problemOf(limited).code, 'ERR_HUB_RATE_LIMITED');
  assert.ok(limited.headers['retry-after']);
  // another address has its own budget
  assert.equal((await app.inject({ ...q, remoteAddress: '10.0.0.9' })).statusCode, 200);
  // an invented token does not buy a fresh budget: it counts against the address
  assert.equal((await app.inject({ ...q, headers: { authorization: 'Bearer nshub_invented_token' } })).statusCode, 429);
  // health checks are never limited
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  await app.close();
  const withCors = (await memoryHub(undefined, { config: { cors: ['https://osv.example'] } })).app;
  const pre = await withCors.inject({ method: 'OPTIONS', url: '/v1/query', headers: { origin: 'https://osv.example', 'access-control-request-method': 'POST' } });
  assert.equal(pre.headers['access-control-allow-origin'], 'https://osv.example');
  const other = await withCors.inject({ method: 'OPTIONS', url: '/v1/query', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.notEqual(other.headers['access-control-allow-origin'], 'https://evil.example');
  await withCors.close();
});
