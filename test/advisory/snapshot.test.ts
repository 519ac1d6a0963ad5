import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { decodeSnapshot, encodeSnapshot, loadSnapshot, openAdvisorySource } from '../../src/advisory/index.ts';
import { isAppError } from '../../src/core/errors.ts';
import type { OsvRecord } from '../../src/core/osv.ts';
import { runCli } from '../helpers/cli.ts';
import { NSWG_VULN, OWN } from '../helpers/paths.ts';
import { serve } from './loopback.ts';

const rec = (id: string, name: string, modified = '2024-01-01T00:00:00Z', aliases: string[] = []): OsvRecord => ({
  id, modified, aliases, affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }],
});

test('a snapshot answers by package, id and alias, carries VEX and source metadata, and parses records lazily', () => {
  const bytes = encodeSnapshot({
    records: [rec('B-2', 'left'), rec('A-1', 'left', '2024-02-01T00:00:00Z', ['CVE-2024-1']), rec('C-3', '@scope/right')],
    vex: [{ id: 'NSWG-DEP-1', vulnerabilities: ['CVE-1'], product: { ecosystem: 'Node.js', name: 'node' }, status: 'not_affected' }],
    sources: [{ kind: 'osv-dir', location: '/x', records: 3 }],
    builtAt: new Date('2024-03-01T00:00:00Z'),
  });
  const s = decodeSnapshot(bytes, 'mem');
  assert.equal(s.size, 3);
  assert.deepEqual([...s.all()].map((r) => r.id), ['A-1', 'B-2', 'C-3'], 'sorted by id');
  assert.deepEqual(s.byPackage('NPM', 'left').map((r) => r.id), ['A-1', 'B-2']);
  assert.equal(s.byPackage('npm', 'nope').length, 0);
  assert.equal(s.byId('cve-2024-1')?.id, 'A-1');
  assert.equal(s.byPackage('npm', 'left')[0], s.byId('A-1'), 'a record is parsed once');
  assert.equal(s.vexStatements().length, 1);
  assert.equal(s.meta.builtAt, '2024-03-01T00:00:00.000Z');
  assert.equal(s.meta.newestModified, '2024-02-01T00:00:00Z');
  assert.deepEqual(s.meta.sources, [{ kind: 'osv-dir', location: '/x', records: 3 }]);
});

test('integrity: a flipped byte, a truncated file, another format version and a foreign file are refused with codes', () => {
  const bytes = encodeSnapshot({ records: [rec('A-1', 'x')], sources: [], builtAt: new Date() });
  const flipped = Buffer.from(bytes);
  flipped.writeUInt8(flipped.readUInt8(flipped.length - 5) ^ 1, flipped.length - 5);
  const cases: [Buffer, string][] = [
    [flipped, 'ERR_SNAPSHOT_CORRUPT'],
    [bytes.subarray(0, bytes.length - 10), 'ERR_SNAPSHOT_CORRUPT'],
    [Buffer.from(bytes.toString('latin1').replace('SNAPSHOT 1\n', 'SNAPSHOT 9\n'), 'latin1'), 'ERR_SNAPSHOT_VERSION'],
    [Buffer.from('{"not":"a snapshot"}'), 'ERR_SNAPSHOT_CORRUPT'],
  ];
  for (const [b, code] of cases) {
    assert.throws(() => decodeSnapshot(b, 'f.snapshot'), (err) => isAppError(err) && err.code === code && err.file === 'f.snapshot' && !!err.hint, code);
  }
});

test('db build: merges sources (newest modified wins), writes atomically (no temporary file left), db info reports it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-build-'));
  try {
    await writeFile(join(dir, 'a.json'), JSON.stringify([rec('A-1', 'x', '2024-01-01T00:00:00Z'), rec('B-1', 'y')]));
    await writeFile(join(dir, 'b.json'), JSON.stringify([rec('A-1', 'z', '2024-05-01T00:00:00Z')]));
    const out = join(dir, 'out', 'db.snapshot');
    const r = await runCli(['db', 'build', '--from', join(dir, 'a.json'), '--from', join(dir, 'b.json'), '--from', NSWG_VULN, '--out', out, '--format', 'json']);
    assert.equal(r.exit, 0, r.stderr);
    const built = JSON.parse(r.stdout);
    assert.equal(built.status, 'written');
    assert.equal(built.records, 640);
    assert.equal(built.vexStatements, 6);
    assert.match(built.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(built.warnings, []);
    assert.deepEqual(await readdir(join(dir, 'out')), ['db.snapshot']);
    const s = await loadSnapshot(out);
    assert.equal(s.byId('A-1')?.affected?.[0]?.package?.name, 'z');
    assert.equal(s.header.sources.length, 3);
    const info = await runCli(['db', 'info', '--format', 'json', out], { now: () => new Date(Date.parse(s.header.builtAt) + 7_200_000) });
    assert.equal(info.exit, 0);
    const j = JSON.parse(info.stdout);
    assert.equal(j.records, 640);
    assert.equal(j.ageHours, 2);
    assert.equal(j.integrity, 'ok');
    const gate = await runCli(['db', 'info', '--max-age', '1', out], { now: () => new Date(Date.parse(s.header.builtAt) + 7_200_000) });
    assert.equal(gate.exit, 1);
    assert.match(gate.stderr, /older than --max-age 1/);
    assert.equal((await runCli(['db', 'info', '--max-age', '3', out], { now: () => new Date(Date.parse(s.header.builtAt) + 7_200_000) })).exit, 0);
    const broken = await runCli(['db', 'build', '--from', join(dir, 'nope'), '--out', out]);
    assert.equal(broken.exit, 3);
    assert.equal((await loadSnapshot(out)).size, 640, 'a failed build leaves the snapshot as it was');
    await writeFile(out, (await readFile(out)).subarray(0, 200));
    const bad = await runCli(['db', 'info', out]);
    assert.equal(bad.exit, 3);
    assert.match(bad.stderr, /ERR_SNAPSHOT_CORRUPT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('db sync from a loopback "GitHub raw" and "OSV all.zip": default sources overridable by env, cached in NODESEC_CACHE_DIR, --max-age', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-sync-'));
  const idx = async (k: string) => readFile(join(NSWG_VULN, k, 'index.json'));
  const zip = zipSync({ 'GHSA-aaaa-bbbb-cccc.json': await readFile(join(OWN, 'advisory', 'osv-dir', 'GHSA-aaaa-bbbb-cccc.json')) });
  const srv = await serve({
    '/wg/vuln/core/index.json': await idx('core'),
    '/wg/vuln/npm/index.json': await idx('npm'),
    '/wg/vuln/deps/index.json': await idx('deps'),
    '/osv/npm/all.zip': zip,
  });
  try {
    const env = { NO_COLOR: '1', NODESEC_CACHE_DIR: join(dir, 'cache'), NODESEC_NSWG_URL: `${srv.url}/wg/vuln/`, NODESEC_OSV_URL: `${srv.url}/osv/npm/all.zip` };
    const r = await runCli(['db', 'sync'], { env });
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /639 advisories, 6 VEX statements/);
    const src = await openAdvisorySource(undefined, { env });
    assert.equal(src.meta.kind, 'snapshot');
    assert.equal(src.byId('CVE-2024-0001')?.id, 'GHSA-aaaa-bbbb-cccc');
    assert.equal(src.meta.sources?.map((s) => s.kind).join(','), 'nswg-url,osv-zip');
    const before = srv.requests.length;
    const fresh = await runCli(['db', 'sync', '--max-age', '24'], { env });
    assert.equal(fresh.exit, 0);
    assert.match(fresh.stdout, /up to date/);
    const freshJson = JSON.parse((await runCli(['db', 'sync', '--max-age', '24', '--format', 'json'], { env })).stdout);
    assert.equal(freshJson.status, 'fresh');
    assert.equal(freshJson.records, 639);
    assert.equal(srv.requests.length, before, 'a fresh snapshot is not fetched again');
    const down = await runCli(['db', 'sync', '--no-osv'], { env: { ...env, NODESEC_NSWG_URL: `${srv.url}/missing/vuln/` } });
    assert.equal(down.exit, 4);
    assert.match(down.stderr, /ERR_UPSTREAM_HTTP/);
    assert.equal((await openAdvisorySource(undefined, { env })).size, 639, 'the cached snapshot survives a failed sync');
  } finally {
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('db build from a directory with bad files: writes the good records, names each skipped file on stderr, exit 0', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-build-bad-'));
  try {
    const out = join(dir, 'x.snapshot');
    const r = await runCli(['db', 'build', '--from', join(OWN, 'advisory', 'osv-dir-with-bad'), '--out', out]);
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /1 advisories/);
    assert.match(r.stderr, /warning: .*malformed-json\.json:2:\d+: skipped: malformed JSON/);
    assert.match(r.stderr, /id-wrong-type\.json#\/id: skipped: "id" is required and must be a non-empty string/);
    assert.match(r.stderr, /package-json-not-advisory\.json#\/id: skipped/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('db --help lists every subcommand; each subcommand help teaches with examples', async () => {
  const r = await runCli(['db', '--help']);
  assert.equal(r.exit, 0);
  for (const sub of ['validate', 'index', 'export', 'build', 'sync', 'info']) assert.match(r.stdout, new RegExp(`\\n  ${sub}\\b`));
  for (const sub of ['validate', 'index', 'export', 'build', 'sync', 'info']) {
    const h = await runCli(['db', sub, '--help']);
    assert.equal(h.exit, 0, sub);
    assert.match(h.stdout, /Examples:/, sub);
    assert.match(h.stdout, /Exit codes:/, sub);
  }
});

test('sync sources: defaults, env overrides, NODESEC_SYNC_FROM replaces them, --no-osv', async () => {
  const { syncSources, DEFAULT_SYNC_SOURCES } = await import('../../src/advisory/index.ts');
  assert.deepEqual(syncSources({}), [DEFAULT_SYNC_SOURCES.nswg, DEFAULT_SYNC_SOURCES.osv]);
  assert.deepEqual(syncSources({}, { osv: false }), [DEFAULT_SYNC_SOURCES.nswg]);
  assert.deepEqual(syncSources({ NODESEC_NSWG_URL: 'http://a/vuln/', NODESEC_OSV_URL: 'http://b/all.zip' }), ['http://a/vuln/', 'http://b/all.zip']);
  assert.deepEqual(syncSources({ NODESEC_SYNC_FROM: 'http://hub/v1/export/all.zip, /srv/wg/vuln' }), ['http://hub/v1/export/all.zip', '/srv/wg/vuln']);
});

test('a snapshot whose header lies about its tables (sha256 still valid) is refused, never read out of bounds; an empty one works', () => {
  const bytes = encodeSnapshot({ records: [rec('A-1', 'x'), rec('B-1', 'y')], sources: [], builtAt: new Date() });
  const text = bytes.toString('latin1');
  for (const lie of [['"records":2', '"records":3'], ['"packages":2', '"packages":1']]) {
    const forged = Buffer.from(text.replace(lie[0]!, lie[1]!), 'latin1');
    assert.throws(() => decodeSnapshot(forged, 'forged.snapshot'), (err) => isAppError(err) && err.code === 'ERR_SNAPSHOT_CORRUPT', lie[1]);
  }
  const empty = decodeSnapshot(encodeSnapshot({ records: [], sources: [], builtAt: new Date() }), 'empty');
  assert.equal(empty.size, 0);
  assert.deepEqual(empty.byPackage('npm', 'x'), []);
  assert.equal(empty.byId('A-1'), undefined);
});
