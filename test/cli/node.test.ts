import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { NSWG_VULN, REPO, SCHEDULE, SCHEMAS } from '../helpers/paths.ts';
import { loopback, schemaValidator } from '../audit/helpers.ts';
import { run } from '../../src/cli/main.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const now = () => new Date('2026-05-15T00:00:00Z');
const base = ['--db', NSWG_VULN, '--schedule', SCHEDULE];

describe('nodesec node', () => {
  test('per-CVE findings for a version and platform, JSON valid against the schema', async () => {
    const r = await runCli(['node', '--version', '20.11.0', '--platform', 'linux', ...base, '--format', 'json'], { now });
    assert.equal(r.exit, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Json;
    const problem = (await schemaValidator(join(REPO, 'docs', 'schemas', 'node-report.v1.schema.json')))(out);
    assert.equal(problem, undefined, problem);
    const ids = (out.findings as Json[]).map((f) => f.id);
    assert.ok(ids.includes('NSWG-COR-170'), 'CVE-2026-21716 (20.x, patched 20.20.2) applies');
    assert.ok(ids.includes('node-end-of-life'), 'v20 ends 2026-04-30');
    assert.equal(out.node.line.status, 'end-of-life');
    const f170 = (out.findings as Json[]).find((f) => f.id === 'NSWG-COR-170')!;
    assert.deepEqual(f170.upgrade, { version: 'v20.20.2', sameMajor: true });
    assert.deepEqual(f170.aliases, ['CVE-2026-21716']);
    // the WG's vuln/deps statements (6 files) are listed with their reasons
    assert.ok((out.statements as Json[]).some((s) => s.vulnerabilities.includes('CVE-2023-45853') && s.justification === 'vulnerable_code_not_present'));
    // win32-only records do not apply on linux
    assert.ok(!(out.findings as Json[]).some((f) => f.kind === 'vulnerability' && !f.environments.includes('all') && !f.environments.includes('linux')));
  });

  test('the platform decides which records apply', async () => {
    const count = async (platform: string) => {
      const r = await runCli(['node', '--version', '18.0.0', '--platform', platform, ...base, '--format', 'json'], { now });
      return (JSON.parse(r.stdout).findings as Json[]).filter((f) => f.kind === 'vulnerability').map((f) => f.id as string);
    };
    const linux = await count('linux');
    const win = await count('win32');
    const any = await count('any');
    assert.ok(win.some((id) => !linux.includes(id)), 'some records are win32-only');
    assert.ok(any.length > linux.length && any.length > win.length);
  });

  test('a patched, supported release is clean: exit 0', async () => {
    const r = await runCli(['node', '--version', '24.14.1', '--platform', 'linux', ...base], { now });
    assert.equal(r.exit, 0, r.stdout);
    assert.match(r.stdout, /No known vulnerability affects Node\.js v24\.14\.1 on linux/);
    assert.match(r.stdout, /v24 \(Krypton\) is in active LTS/);
  });

  test('defaults to the running Node.js (injected runtime)', async () => {
    let out = '';
    const exit = await run(['node', ...base, '--format', 'json'], {
      stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, env: {}, cwd: REPO, now,
      runtime: { version: 'v22.22.2', platform: 'darwin' },
    });
    const j = JSON.parse(out) as Json;
    assert.equal(j.node.version, 'v22.22.2');
    assert.equal(j.node.platform, 'darwin');
    assert.equal(exit, j.exitCode);
  });

  test('SARIF and markdown', async () => {
    const s = await runCli(['node', '--version', '20.11.0', '--platform', 'linux', ...base, '--format', 'sarif'], { now });
    const problem = (await schemaValidator(join(SCHEMAS, 'sarif-schema-2.1.0.json')))(JSON.parse(s.stdout));
    assert.equal(problem, undefined, problem);
    const m = await runCli(['node', '--version', '20.11.0', '--platform', 'linux', ...base, '--format', 'markdown'], { now });
    assert.match(m.stdout, /^## nodesec node: Node\.js v20\.11\.0 \(linux\)/);
    assert.match(m.stdout, /\| high \| \[node-end-of-life\]/);
  });

  test('the schedule can come from a URL (loopback)', async () => {
    const server = await loopback({ '/schedule.json': [200, { v20: { start: '2023-04-18', end: '2030-01-01', lts: '2023-10-24' } }] });
    try {
      const r = await runCli(['node', '--version', '20.20.2', '--platform', 'linux', '--db', NSWG_VULN, '--schedule', `${server.url}schedule.json`, '--format', 'json'], { now });
      assert.equal(JSON.parse(r.stdout).node.line.status, 'active-lts');
    } finally {
      await server.close();
    }
  });

  test('bad input: usage 2, unreadable schedule 3', async () => {
    const v = await runCli(['node', '--version', 'twenty', ...base]);
    assert.equal(v.exit, 2);
    assert.match(v.stderr, /not a Node\.js version/);
    const p = await runCli(['node', '--version', '20.1.0', '--platform', 'linx', ...base]);
    assert.equal(p.exit, 2);
    assert.match(p.stderr, /--platform "linx" is not a Node\.js platform/);
    const s = await runCli(['node', '--version', '20.1.0', '--db', NSWG_VULN, '--schedule', join(REPO, 'nope.json')]);
    assert.equal(s.exit, 3);
    const bad = await runCli(['node', '--version', '20.1.0', '--db', NSWG_VULN, '--schedule', join(REPO, 'package.json')]);
    assert.equal(bad.exit, 2);
    assert.match(bad.stderr, /not a Node\.js release schedule/);
  });
});

test('one ignore file serves every command: each reports only its own stale entries', async () => {
  const file = join(REPO, 'test', 'fixtures', 'audit', 'ignore', 'mixed.json');
  const n = await runCli(['node', '--version', '20.11.0', '--platform', 'linux', ...base, '--format', 'json', '--ignore-file', file], { now });
  const nj = JSON.parse(n.stdout) as Json;
  assert.deepEqual((nj.suppressed as Json[]).map((s) => s.id), ['NSWG-COR-170']);
  assert.deepEqual((nj.ignores.unused as Json[]).map((e) => e.id), ['NSWG-COR-1']);
  const a = await runCli(['audit', join(REPO, 'test', 'fixtures', 'audit', 'small-npm'), '--db', NSWG_VULN, '--offline', '--format', 'json', '--ignore-file', file], { now });
  assert.deepEqual((JSON.parse(a.stdout).ignores.unused as Json[]).map((e) => e.id), ['GHSA-none-none-none']);
});
