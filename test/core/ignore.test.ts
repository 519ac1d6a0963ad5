import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIgnorePolicy, loadIgnorePolicy } from '../../src/core/ignore.ts';
import type { Finding } from '../../src/core/finding.ts';

const finding = (over: Partial<Finding> = {}): Finding => ({
  check: 'audit', ruleId: 'NSWG-ECO-100', severity: 'high', title: 't', message: '', ...over,
});
const now = new Date('2026-11-22T12:00:00Z');

test('matches by id or alias, case-insensitively, and tracks used entries', () => {
  const p = createIgnorePolicy([
    { id: 'cve-2017-16021', reason: 'not reachable' },
    { id: 'NSWG-ECO-1', reason: 'stale' },
  ], { now });
  assert.equal(p.match({ finding: finding(), aliases: ['CVE-2017-16021'] })?.reason, 'not reachable');
  assert.equal(p.match({ finding: finding({ ruleId: 'NSWG-ECO-2' }) }), undefined);
  assert.deepEqual(p.unused().map((e) => e.id), ['NSWG-ECO-1']);
});

test('an expired entry suppresses nothing and is reported; until is inclusive', () => {
  const p = createIgnorePolicy([
    { id: 'A', reason: 'r', until: '2026-11-21' },
    { id: 'B', reason: 'r', until: '2026-11-22' },
  ], { now });
  assert.equal(p.match({ finding: finding({ ruleId: 'A' }) }), undefined);
  assert.equal(p.match({ finding: finding({ ruleId: 'B' }) })?.id, 'B');
  assert.deepEqual(p.expired().map((e) => e.id), ['A']);
  assert.deepEqual(p.unused(), []);
});

test('paths scope needs every dependency path covered', () => {
  const p = createIgnorePolicy([{ id: 'X', reason: 'r', paths: ['express>qs', 'body-parser@1.0.0'] }], { now });
  const f = finding({ ruleId: 'X' });
  assert.ok(p.match({ finding: f, dependencyPaths: [['express@4.0.0', 'qs@1.0.0']] }));
  assert.ok(p.match({ finding: f, dependencyPaths: [['body-parser@1.0.0', 'qs@1.0.0']] }));
  assert.equal(p.match({ finding: f, dependencyPaths: [['body-parser@1.1.0', 'qs@1.0.0']] }), undefined);
  assert.equal(p.match({ finding: f, dependencyPaths: [['express@4.0.0', 'qs@1.0.0'], ['koa@2.0.0', 'qs@1.0.0']] }), undefined);
  assert.equal(p.match({ finding: f }), undefined);
});

test('files and checks scope', () => {
  const p = createIgnorePolicy([{ id: 'unsafe-regex', reason: 'input bounded', files: ['vendor/**'], checks: ['regex'] }], { now });
  const f = (file: string, check = 'regex') => finding({ ruleId: 'unsafe-regex', check, location: { file, line: 1 } });
  assert.ok(p.match({ finding: f('vendor/a/b.js') }));
  assert.equal(p.match({ finding: f('src/b.js') }), undefined);
  assert.equal(p.match({ finding: f('vendor/a/b.js', 'audit') }), undefined);
});

test('loads .nodesec.json, else package.json#nodesec, and rejects bad entries with a pointer', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-ignore-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'x', nodesec: { ignore: [{ id: 'A', reason: 'r' }], failOn: 'high' } }));
  let p = await loadIgnorePolicy(dir, { now });
  assert.equal(p.entries.length, 1);
  assert.equal(p.settings.failOn, 'high');
  assert.match(p.source!, /package\.json#\/nodesec$/);
  await writeFile(join(dir, '.nodesec.json'), JSON.stringify({ ignore: [{ id: 'B', reason: 'r' }, { id: 'C' }] }));
  await assert.rejects(loadIgnorePolicy(dir, { now }), (err: any) => {
    assert.equal(err.code, 'ERR_CONFIG_INVALID');
    assert.equal(err.pointer, '/ignore/1/reason');
    assert.match(err.file, /\.nodesec\.json$/);
    return true;
  });
  await writeFile(join(dir, '.nodesec.json'), JSON.stringify({ ignore: [{ id: 'B', reason: 'r', until: '2026-13-01' }] }));
  await assert.rejects(loadIgnorePolicy(dir, { now }), (err: any) => err.pointer === '/ignore/0/until');
  await writeFile(join(dir, '.nodesec.json'), JSON.stringify({ ignore: [{ id: 'B', reason: 'r', extra: 1 }] }));
  await assert.rejects(loadIgnorePolicy(dir, { now }), (err: any) => err.pointer === '/ignore/0/extra');
  await writeFile(join(dir, '.nodesec.json'), '{"ignore": [');
  await assert.rejects(loadIgnorePolicy(dir, { now }), (err: any) => err.code === 'ERR_JSON_PARSE' && err.line === 1);
});
