import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { encodeSnapshot, openAdvisorySource, defaultSnapshotPath, cacheDir } from '../../src/advisory/index.ts';
import { isAppError } from '../../src/core/errors.ts';
import { NSWG, NSWG_VULN, OWN } from '../helpers/paths.ts';
import { serve } from './loopback.ts';

const env = { HOME: '/nonexistent-home' };

test('the WG vuln dir opens: 638 advisories, 6 VEX statements, lookups by package and by WG id or CVE', async () => {
  const src = await openAdvisorySource(NSWG_VULN, { env });
  assert.equal(src.size, 467 + 171);
  assert.equal(src.vexStatements!().length, 6);
  assert.equal(src.meta.kind, 'nswg-dir');
  assert.equal(src.meta.warnings, undefined);
  assert.equal(src.byId('NSWG-ECO-1')?.affected?.[0]?.package?.name, 'bassmaster');
  assert.equal(src.byId('nswg-cor-171')?.id, 'NSWG-COR-171', 'ids are case-insensitive');
  assert.equal(src.byId('CVE-2026-21717')?.id, 'NSWG-COR-171');
  assert.ok(src.byPackage('npm', 'bassmaster').some((r) => r.id === 'NSWG-ECO-1'));
  assert.equal(src.byPackage('node.js', 'node').length, 171, 'ecosystem compared case-insensitively');
  assert.equal(src.meta.newestModified! >= '2026-01-01', true);
});

test('the WG repository root (holding vuln/) opens the same way', async () => {
  const src = await openAdvisorySource(NSWG, { env });
  assert.equal(src.size, 638);
});

test('an OSV dir is read recursively, arrays of records included', async () => {
  const src = await openAdvisorySource(join(OWN, 'advisory', 'osv-dir'), { env });
  assert.equal(src.size, 3);
  assert.equal(src.byPackage('npm', '@scope/pkg').length, 2);
  assert.equal(src.byId('CVE-2024-0001')?.id, 'GHSA-aaaa-bbbb-cccc');
});

test('bad files in an OSV dir are skipped with file and line:column or pointer, the rest loads', async () => {
  const src = await openAdvisorySource(join(OWN, 'advisory', 'osv-dir-with-bad'), { env });
  assert.equal(src.size, 1);
  const w = src.meta.warnings ?? [];
  assert.equal(w.length, 3);
  const malformed = w.find((x) => x.file.endsWith('malformed-json.json'))!;
  assert.equal(malformed.line, 2);
  assert.ok(malformed.column! > 0);
  assert.equal(w.find((x) => x.file.endsWith('id-wrong-type.json'))!.pointer, '/id');
  assert.ok(w.find((x) => x.file.endsWith('package-json-not-advisory.json')));
});

test('an OSV zip (like osv.dev all.zip) opens', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-src-'));
  try {
    const rec = await readFile(join(OWN, 'advisory', 'osv-dir', 'GHSA-aaaa-bbbb-cccc.json'));
    await writeFile(join(dir, 'all.zip'), zipSync({ 'GHSA-aaaa-bbbb-cccc.json': rec, 'README.txt': strToU8('not json') }));
    const src = await openAdvisorySource(join(dir, 'all.zip'), { env });
    assert.equal(src.meta.kind, 'osv-zip');
    assert.equal(src.size, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('undefined opens the default snapshot in the cache dir; missing → ERR_SNAPSHOT_MISSING with a hint', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-cache-'));
  try {
    await assert.rejects(openAdvisorySource(undefined, { env: { NODESEC_CACHE_DIR: dir } }), (err) => {
      assert.ok(isAppError(err));
      assert.equal(err.code, 'ERR_SNAPSHOT_MISSING');
      assert.match(err.hint ?? '', /nodesec db sync/);
      return true;
    });
    const wg = await openAdvisorySource(NSWG_VULN, { env });
    await writeFile(defaultSnapshotPath({ env: { NODESEC_CACHE_DIR: dir } }), encodeSnapshot({ records: wg.all(), vex: wg.vexStatements!(), sources: [], builtAt: new Date('2026-01-01T00:00:00Z') }));
    const snap = await openAdvisorySource(undefined, { env: { NODESEC_CACHE_DIR: dir } });
    assert.equal(snap.meta.kind, 'snapshot');
    assert.equal(snap.size, 638);
    assert.equal(snap.byId('CVE-2014-7205')?.id, 'NSWG-ECO-1');
    assert.equal(snap.vexStatements!().length, 6);
    assert.deepEqual(snap.byPackage('npm', 'bassmaster').map((r) => r.id), wg.byPackage('npm', 'bassmaster').map((r) => r.id).sort());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cache dir: NODESEC_CACHE_DIR, then XDG_CACHE_HOME/nodesec, then ~/.cache/nodesec', () => {
  assert.equal(cacheDir({ NODESEC_CACHE_DIR: '/a', XDG_CACHE_HOME: '/b', HOME: '/h' }), '/a');
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/b', HOME: '/h' }), '/b/nodesec');
  assert.equal(cacheDir({ HOME: '/h' }), '/h/.cache/nodesec');
});

test('a missing path is ERR_INPUT_NOT_FOUND naming it', async () => {
  await assert.rejects(openAdvisorySource('/no/such/dir', { env }), (err) => isAppError(err) && err.code === 'ERR_INPUT_NOT_FOUND' && err.file === '/no/such/dir');
});

test('URLs: the WG raw vuln/ base (three index.json files), OSV JSON, and HTTP errors with codes', async () => {
  const idx = async (k: string) => readFile(join(NSWG_VULN, k, 'index.json'));
  const srv = await serve({
    '/nodejs/security-wg/main/vuln/core/index.json': await idx('core'),
    '/nodejs/security-wg/main/vuln/npm/index.json': await idx('npm'),
    '/nodejs/security-wg/main/vuln/deps/index.json': await idx('deps'),
    '/one.json': await readFile(join(OWN, 'advisory', 'osv-dir', 'GHSA-aaaa-bbbb-cccc.json')),
    '/down': { status: 503 },
  });
  try {
    const wg = await openAdvisorySource(`${srv.url}/nodejs/security-wg/main/vuln/`, { env });
    assert.equal(wg.size, 638);
    assert.equal(wg.vexStatements!().length, 6);
    assert.equal(wg.byId('NSWG-COR-171')?.affected?.[0]?.package?.name, 'node');
    const one = await openAdvisorySource(`${srv.url}/one.json`, { env });
    assert.equal(one.size, 1);
    await assert.rejects(openAdvisorySource(`${srv.url}/down`, { env }), (err) => isAppError(err) && err.code === 'ERR_UPSTREAM_HTTP');
  } finally {
    await srv.close();
  }
  await assert.rejects(openAdvisorySource(srv.url, { env }), (err) => isAppError(err) && err.code === 'ERR_UPSTREAM_UNREACHABLE');
});

test('an OSV zip larger than one inflate batch loads every record', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-zip-'));
  try {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 4500; i++) {
      files[`GHSA-${i}.json`] = strToU8(JSON.stringify({ id: `GHSA-${i}`, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: `p${i % 10}` } }] }));
    }
    files['bad.json'] = strToU8('{');
    await writeFile(join(dir, 'all.zip'), zipSync(files));
    const src = await openAdvisorySource(join(dir, 'all.zip'), { env });
    assert.equal(src.size, 4500);
    assert.equal(src.byPackage('npm', 'p3').length, 450);
    assert.deepEqual(src.meta.warnings?.map((w) => w.file), [`${join(dir, 'all.zip')}!bad.json`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("an OSV dir laid out by ecosystem (npm/GHSA-….json, like osv.dev) is not mistaken for the WG's vuln/npm", async () => {
  const src = await openAdvisorySource(join(OWN, 'advisory', 'osv-ecosystem-layout'), { env });
  assert.equal(src.meta.kind, 'osv-dir');
  assert.equal(src.size, 1);
  assert.equal(src.byId('GHSA-aaaa-bbbb-cccc')?.id, 'GHSA-aaaa-bbbb-cccc');
});
