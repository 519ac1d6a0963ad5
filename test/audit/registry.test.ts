import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packumentUrl, registryClient } from '../../src/audit/registry.ts';

test('scoped names are encoded as npm does', () => {
  assert.equal(packumentUrl('https://r.example/', '@scope/pkg'), 'https://r.example/@scope%2Fpkg');
  assert.equal(packumentUrl('https://r.example', 'lodash'), 'https://r.example/lodash');
});

test('requests are cached per name, bounded in flight, and failures give undefined', async () => {
  let inFlight = 0;
  let peak = 0;
  const calls: string[] = [];
  const fakeFetch = (async (url: string) => {
    calls.push(url);
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    if (url.endsWith('/bad')) return new Response('nope', { status: 500 });
    if (url.endsWith('/garbage')) return new Response('not json', { status: 200 });
    return Response.json({ versions: { '1.0.0': {}, '1.0.1': { deprecated: 'use 2' }, '2.0.0': {} } });
  }) as typeof fetch;
  const get = registryClient({ registry: 'https://r.example/', fetch: fakeFetch, concurrency: 3 });
  const names = Array.from({ length: 12 }, (_, i) => `p${i}`);
  const all = await Promise.all([...names, 'p0', 'bad', 'garbage'].map(get));
  assert.ok(peak <= 3, `peak ${peak}`);
  assert.equal(calls.filter((c) => c.endsWith('/p0')).length, 1);
  assert.deepEqual(all[0]!.versions, ['1.0.0', '1.0.1', '2.0.0']);
  assert.ok(all[0]!.deprecated.has('1.0.1'));
  assert.equal(all[13], undefined);
  assert.equal(all[14], undefined);
});
