import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { LOCKFILES, NSWG_VULN, OWN, REPO, SCHEDULE, SCHEMAS } from '../helpers/paths.ts';
import { schemaValidator } from '../audit/helpers.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const now = () => new Date('2026-05-15T00:00:00Z');
const env = { NO_COLOR: '1', NODESEC_SCHEDULE: SCHEDULE };

describe('nodesec check', () => {
  test('the README quick start: audit fails the demo project, one combined report', async () => {
    const r = await runCli(['check', join(LOCKFILES, 'snyk-labs__nodejs-goof'), '--db', NSWG_VULN, '--offline', '--only', 'audit', '--only', 'node', '--only', 'runtime-config'], { env, now });
    assert.equal(r.exit, 1, r.stderr);
    assert.match(r.stdout, /✖ Dependency audit \[audit\]\s+\d+ packages, \d+ vulnerabilities/);
    assert.match(r.stdout, /- Node\.js version \[node\]\s+skipped: no Node\.js version declared/);
    assert.match(r.stdout, /Failed: audit\./);
  });

  test('JSON: every check listed with its status, valid against the schema; node and runtime-config findings located', async () => {
    const dir = join(OWN, 'audit', 'project-nvmrc-eol');
    const r = await runCli(['check', dir, '--db', NSWG_VULN, '--offline', '--skip', 'regex', '--format', 'json'], { env, now });
    const out = JSON.parse(r.stdout) as Json;
    const problem = (await schemaValidator(join(REPO, 'docs', 'schemas', 'check-report.v1.schema.json')))(out);
    assert.equal(problem, undefined, problem);
    const byCheck = Object.fromEntries((out.checks as Json[]).map((c) => [c.check, c]));
    assert.equal(byCheck.audit.status, 'skipped');
    assert.equal(byCheck.node.status, 'ok');
    const nodeIds = (byCheck.node.findings as Json[]).map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`);
    assert.ok(nodeIds.includes('node-end-of-life .nvmrc:1'), nodeIds.join());
    assert.ok(nodeIds.includes('node-end-of-life package.json:5'), 'engines.node admits EOL lines');
    assert.ok((byCheck.node.findings as Json[]).some((f) => f.ruleId.startsWith('NSWG-COR-')), 'the pinned 16.20.2 has known CVEs');
    assert.deepEqual((byCheck['runtime-config'].findings as Json[]).map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`), ['inspect-public-host package.json:8']);
    assert.equal(r.exit, 1);
    assert.deepEqual(out.summary.failedChecks.sort(), ['node', 'runtime-config']);
  });

  test('a release line in .nvmrc: end-of-life only; engines admitting only supported lines is clean', async () => {
    const r = await runCli(['check', join(OWN, 'audit', 'project-line'), '--only', 'node', '--format', 'json'], { env, now });
    const node = (JSON.parse(r.stdout).checks as Json[])[0]!;
    assert.deepEqual((node.findings as Json[]).map((f) => `${f.ruleId} ${f.location.file}`), ['node-end-of-life .nvmrc']);
    assert.match(node.summary, /v18 \(end-of-life\)/);
  });

  test('SARIF of all checks is valid 2.1.0; markdown has a table per check', async () => {
    const dir = join(OWN, 'audit', 'runtime-config-bad');
    const s = await runCli(['check', dir, '--only', 'runtime-config', '--format', 'sarif'], { env, now });
    const sarif = JSON.parse(s.stdout) as Json;
    const problem = (await schemaValidator(join(SCHEMAS, 'sarif-schema-2.1.0.json')))(sarif);
    assert.equal(problem, undefined, problem);
    assert.equal(sarif.runs[0].results.length, 13);
    const m = await runCli(['check', dir, '--only', 'runtime-config', '--format', 'markdown'], { env, now });
    assert.match(m.stdout, /### Node\.js runtime configuration/);
    assert.match(m.stdout, /\| high \| \[inspect-public-host\]/);
  });

  test('--fail-on overrides every check; ignore entries apply across checks', async () => {
    const dir = join(OWN, 'audit', 'runtime-config-bad');
    assert.equal((await runCli(['check', dir, '--only', 'runtime-config', '--fail-on', 'critical'], { env, now })).exit, 0);
    assert.equal((await runCli(['check', dir, '--only', 'runtime-config'], { env, now })).exit, 1);
  });

  test('usage errors: unknown check, not a directory', async () => {
    const u = await runCli(['check', REPO, '--only', 'nope'], { env });
    assert.equal(u.exit, 2);
    assert.match(u.stderr, /unknown check "nope"/);
    const d = await runCli(['check', join(REPO, 'package.json')], { env });
    assert.equal(d.exit, 3);
  });
});

test('a bad failOn in .nodesec.json is a config error (exit 2) naming the field', async () => {
  const r = await runCli(['check', join(OWN, 'audit', 'bad-failon'), '--only', 'runtime-config'], { env, now });
  assert.equal(r.exit, 2);
  assert.match(r.stderr, /ERR_CONFIG_INVALID.*\.nodesec\.json#\/runtime-config\/failOn: failOn must be one of/);
});

test('node check: Dockerfile images are checked for Linux, CI matrices that test end-of-life lines are low', async () => {
  const r = await runCli(['check', join(OWN, 'audit', 'project-docker'), '--only', 'node', '--db', NSWG_VULN, '--format', 'json'], { env, now });
  const f = (JSON.parse(r.stdout).checks[0].findings as Json[]);
  const eol = f.filter((x) => x.ruleId === 'node-end-of-life').map((x) => `${x.severity} ${x.location.file}:${x.location.line}`);
  assert.deepEqual(eol, ['high Dockerfile:1', 'low .github/workflows/ci.yml:12']);
  const cves = f.filter((x) => x.ruleId.startsWith('NSWG-COR-'));
  assert.ok(cves.length > 0 && cves.every((x) => x.location.line === 3));
  assert.ok(cves.every((x) => x.data.environments.includes('all') || x.data.environments.includes('linux')), 'no Windows-only record for a Linux image');
});
