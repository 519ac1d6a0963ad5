import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isLoopback, scanLine, scanRuntimeConfig, RUNTIME_RULES } from '../../src/audit/runtime-config.ts';
import { OWN } from '../helpers/paths.ts';

describe('scanLine', () => {
  const cases: { line: string; want: string[] }[] = [
    { line: 'node --inspect=0.0.0.0:9229 a.js', want: ['inspect-public-host'] },
    { line: 'node --inspect-brk=[::]:9229 a.js', want: ['inspect-public-host'] },
    { line: 'node --inspect-wait=example.com:9229 a.js', want: ['inspect-public-host'] },
    { line: 'node --inspect-port 0.0.0.0:9229 a.js', want: ['inspect-public-host'] },
    { line: 'node --inspect=0.0.0.0 a.js', want: ['inspect-public-host'] },
    { line: 'node --inspect a.js', want: [] },
    { line: 'node --inspect=9229 a.js', want: [] },
    { line: 'node --inspect=127.0.0.1:9229 a.js', want: [] },
    { line: 'node --inspect=localhost:9229 a.js', want: [] },
    { line: 'node --inspect=[::1]:9229 a.js', want: [] },
    { line: 'node --inspect=$HOST:9229 a.js', want: [] },
    { line: 'node --insecure-http-parser a.js', want: ['insecure-http-parser'] },
    { line: 'node --tls-min-v1.0 a.js', want: ['tls-min-legacy'] },
    { line: 'node --tls-min-v1.1 a.js', want: ['tls-min-legacy'] },
    { line: 'node --tls-min-v1.2 a.js', want: [] },
    { line: 'NODE_TLS_REJECT_UNAUTHORIZED=0 node a.js', want: ['tls-reject-unauthorized-0'] },
    { line: '  NODE_TLS_REJECT_UNAUTHORIZED: "0"', want: ['tls-reject-unauthorized-0'] },
    { line: 'ENV NODE_TLS_REJECT_UNAUTHORIZED 0', want: ['tls-reject-unauthorized-0'] },
    { line: 'NODE_TLS_REJECT_UNAUTHORIZED=1', want: [] },
    { line: 'NODE_TLS_REJECT_UNAUTHORIZED=0.5', want: [] },
    { line: 'NODE_TLS_REJECT_UNAUTHORIZED=01', want: [] },
    { line: '# NODE_TLS_REJECT_UNAUTHORIZED=0', want: [] },
    { line: 'NODE_OPTIONS="--inspect=0.0.0.0:9229 --tls-min-v1.0"', want: ['inspect-public-host', 'tls-min-legacy'] },
  ];
  for (const c of cases) {
    test(c.line, () => assert.deepEqual(scanLine(c.line).map((h) => h.rule), c.want));
  }
  test('columns are 1-based and point at the flag', () => {
    assert.equal(scanLine('node --insecure-http-parser')[0]!.column, 6);
  });
  test('a very long line is cut, not scanned forever', () => {
    const t = Date.now();
    scanLine(`${'--inspect='.repeat(200_000)}x`);
    assert.ok(Date.now() - t < 2000);
  });
  test('loopback hosts', () => {
    assert.deepEqual(['localhost', '127.0.0.1', '127.8.9.1', '[::1]', '::1', '0.0.0.0', '::', '10.0.0.1'].map(isLoopback), [true, true, true, true, true, false, false, false]);
  });
});

test('scans package.json scripts, Dockerfiles, Procfiles, compose, workflows, .env and .npmrc with file:line', async () => {
  const r = await scanRuntimeConfig(join(OWN, 'audit', 'runtime-config-bad'));
  const got = r.findings.map((f) => `${f.location!.file}:${f.location!.line} ${f.ruleId}`).sort();
  assert.deepEqual(got, [
    '.env:1 insecure-http-parser',
    '.github/workflows/ci.yml:5 tls-reject-unauthorized-0',
    '.npmrc:2 tls-min-legacy',
    'Dockerfile:3 tls-reject-unauthorized-0',
    'Dockerfile:4 inspect-public-host',
    'Procfile:1 inspect-public-host',
    'Procfile:1 tls-min-legacy',
    'docker-compose.yml:5 tls-reject-unauthorized-0',
    'package.json:6 inspect-public-host',
    'package.json:7 inspect-public-host',
    'package.json:9 insecure-http-parser',
    'package.json:9 tls-min-legacy',
    'services/api/Dockerfile.dev:1 inspect-public-host',
  ]);
  const start = r.findings.find((f) => f.location!.line === 6 && f.location!.file === 'package.json')!;
  assert.equal(start.severity, 'high');
  assert.match(start.message, /script "start"/);
  assert.equal(start.help, RUNTIME_RULES['inspect-public-host'].fix);
  assert.ok(!r.files.some((f) => f.includes('node_modules')));
});

test('a clean project has no findings', async () => {
  const r = await scanRuntimeConfig(join(OWN, 'audit', 'runtime-config-clean'));
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.files, ['Dockerfile', 'package.json']);
});

test('every runtime rule and node-end-of-life has a docs/findings page naming its fix', async () => {
  const { readFile } = await import('node:fs/promises');
  const { REPO } = await import('../helpers/paths.ts');
  for (const r of Object.values(RUNTIME_RULES)) {
    const page = await readFile(join(REPO, 'docs', 'findings', `${r.id}.md`), 'utf8');
    assert.match(page, new RegExp(`^# ${r.id}\\n`));
    assert.ok(page.includes(r.fix), `${r.id}: the page states the fix`);
  }
  assert.match(await readFile(join(REPO, 'docs', 'findings', 'node-end-of-life.md'), 'utf8'), /^# node-end-of-life\n/);
});
