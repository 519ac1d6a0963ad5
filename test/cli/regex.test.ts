import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { REPO, SCHEMAS } from '../helpers/paths.ts';
import { validator, writeTree } from '../redos/helpers.ts';

const project = writeTree({
  'package.json': '{"name":"app","version":"1.0.0"}',
  'src/ok.js': "export const word = /^[a-z]+$/;\nexport const re = new RegExp('^' + 'x' + '$', 'u');\n",
  'src/broken.ts': 'const x: = ;\n',
});
const clean = writeTree({ 'package.json': '{}', 'a.js': 'const a = /^abc$/;' });
const env = { NO_COLOR: '1', NODESEC_CACHE_DIR: join(project.dir, '.cache') };
after(() => {
  project.cleanup();
  clean.cleanup();
});

describe('nodesec regex (CLI)', () => {
  it('is listed with teaching help', async () => {
    const r = await runCli(['regex', '--help'], { env });
    assert.equal(r.exit, 0);
    assert.match(r.stdout, /--node-modules/);
    assert.match(r.stdout, /nodesec-ignore-regex/);
    assert.match(r.stdout, /Examples:/);
  });

  it('exits 0 on a clean project and prints a summary', async () => {
    const r = await runCli(['regex', clean.dir], { env });
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /1 files, 1 regexes \(1 distinct\), 0 vulnerable/);
  });

  it('reports unparsable files as info findings; --fail-on info makes them fail', async () => {
    const r = await runCli(['regex', project.dir], { env });
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /INFO\s+parse-error\s+src\/broken\.ts:1:\d+/);
    const strict = await runCli(['regex', project.dir, '--fail-on', 'info'], { env });
    assert.equal(strict.exit, 1);
  });

  it('--format json matches docs/schemas/regex-report.schema.json', async () => {
    const r = await runCli(['regex', project.dir, '--format', 'json'], { env });
    assert.equal(r.exit, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { stats: { sites: number }; findings: { rule: string; file: string }[] };
    const validate = validator(join(REPO, 'docs', 'schemas', 'regex-report.schema.json'));
    assert.ok(validate(out), JSON.stringify(validate.errors));
    assert.equal(out.stats.sites, 2);
    assert.equal(out.findings.find((f) => f.rule === 'parse-error')?.file, 'src/broken.ts');
  });

  it('--format sarif is valid SARIF 2.1.0', async () => {
    const r = await runCli(['regex', project.dir, '--format', 'sarif'], { env });
    const sarif = JSON.parse(r.stdout) as { runs: { results: unknown[]; tool: { driver: { rules: { id: string }[] } } }[] };
    const validate = validator(join(SCHEMAS, 'sarif-schema-2.1.0.json'));
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
    const results = sarif.runs[0]!.results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    assert.ok(results.some((x) => x.ruleId === 'parse-error' && x.locations[0]!.physicalLocation.artifactLocation.uri === 'src/broken.ts'));
    assert.ok(sarif.runs[0]!.tool.driver.rules.some((x) => x.id === 'unsafe-regex'));
  });

  it('--format markdown gives a table', async () => {
    const r = await runCli(['regex', project.dir, '--format', 'markdown'], { env });
    assert.match(r.stdout, /^## nodesec regex/);
    assert.match(r.stdout, /\| info \| parse-error \| src\/broken\.ts:1:/);
  });

  it('--pattern: a vulnerable pattern exits 1 with a V8-verified attack; a safe one exits 0', async () => {
    const bad = await runCli(['regex', '--pattern', '^(a+)+$', '--format', 'json'], { env });
    assert.equal(bad.exit, 1, bad.stderr);
    const out = JSON.parse(bad.stdout) as { findings: { rule: string; verified: boolean; attack: { pump: string } | null; origin: string }[] };
    const validate = validator(join(REPO, 'docs', 'schemas', 'regex-report.schema.json'));
    assert.ok(validate(out), JSON.stringify(validate.errors));
    assert.equal(out.findings[0]?.rule, 'unsafe-regex');
    assert.equal(out.findings[0]?.origin, 'pattern');
    assert.equal(out.findings[0]?.verified, true);
    assert.ok(out.findings[0]?.attack?.pump);
    const ok = await runCli(['regex', '--pattern', '^[a-z]+$'], { env });
    assert.equal(ok.exit, 0);
    assert.match(ok.stdout, /safe/);
  });

  it('a vulnerable source regex fails the run; the suppression comment and --fail-on critical do not', async () => {
    const t = writeTree({
      'package.json': '{}',
      'a.js': 'export const re = /^(\\w+\\s?)*$/;\n',
      'b.js': '// nodesec-ignore-regex: ids are 8 chars\nexport const re2 = /^(x+x+)+y$/;\n',
    });
    try {
      const r = await runCli(['regex', t.dir], { env });
      assert.equal(r.exit, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /unsafe-regex  a\.js:1:19/);
      assert.match(r.stdout, /attack: /);
      assert.match(r.stdout, /1 suppressed/);
      assert.doesNotMatch(r.stdout, /b\.js:2/);
      const lenient = await runCli(['regex', t.dir, '--fail-on', 'critical', '--format', 'json'], { env });
      const sev = (JSON.parse(lenient.stdout) as { findings: { severity: string }[] }).findings[0]?.severity;
      assert.equal(lenient.exit, sev === 'critical' ? 1 : 0);
    } finally {
      t.cleanup();
    }
  });

  it('--node-modules attributes findings to packages and serves the re-scan from the user cache', async () => {
    const t = writeTree({
      'package.json': '{"name":"app"}',
      'node_modules/vuln/package.json': '{"name":"vuln","version":"1.0.1"}',
      'node_modules/vuln/index.js': 'module.exports = /^(\\d+\\s?)*$/;\n',
    });
    const cacheEnv = { NO_COLOR: '1', NODESEC_CACHE_DIR: join(t.dir, '.user-cache') };
    try {
      const first = await runCli(['regex', t.dir, '--node-modules', '--no-sources', '--format', 'json'], { env: cacheEnv });
      assert.equal(first.exit, 1, first.stderr);
      const a = JSON.parse(first.stdout) as { stats: { packages: number; packagesCached: number }; findings: { package: string; file: string }[] };
      assert.deepEqual(a.findings.map((f) => [f.package, f.file]), [['vuln@1.0.1', 'node_modules/vuln/index.js']]);
      assert.equal(a.stats.packagesCached, 0);
      const second = await runCli(['regex', t.dir, '--node-modules', '--no-sources', '--format', 'json'], { env: cacheEnv });
      const b = JSON.parse(second.stdout) as typeof a & { stats: { analysed: number } };
      assert.equal(b.stats.packagesCached, 1);
      assert.equal(b.stats.analysed, 0);
      assert.deepEqual(b.findings, a.findings);
    } finally {
      t.cleanup();
    }
  });

  it('--pattern with an invalid regex exits 2 with ERR_REGEX_SYNTAX', async () => {
    const r = await runCli(['regex', '--pattern', '(a'], { env });
    assert.equal(r.exit, 2);
    assert.match(r.stderr, /error\[ERR_REGEX_SYNTAX\]/);
    const flags = await runCli(['regex', '--pattern', 'a', '--flags', 'q'], { env });
    assert.equal(flags.exit, 2);
  });

  it('usage errors exit 2, missing input exits 3', async () => {
    assert.equal((await runCli(['regex', clean.dir, '--fail-on', 'severe'], { env })).exit, 2);
    assert.equal((await runCli(['regex', clean.dir, '--max-file-size', 'huge'], { env })).exit, 2);
    assert.equal((await runCli(['regex', '--pattern', 'a', clean.dir], { env })).exit, 2);
    const missing = await runCli(['regex', join(clean.dir, 'nope')], { env });
    assert.equal(missing.exit, 3);
    assert.match(missing.stderr, /ERR_INPUT_NOT_FOUND/);
    const noNm = await runCli(['regex', clean.dir, '--node-modules'], { env });
    assert.equal(noNm.exit, 3);
  });

  it('a malformed ignore file is a usage error, not a crash', async () => {
    const t = writeTree({ 'package.json': '{}', '.nodesec.json': '{"ignore":[{"id":"unsafe-regex"}]}', 'a.js': '/x/' });
    try {
      const r = await runCli(['regex', t.dir], { env });
      assert.equal(r.exit, 2);
      assert.match(r.stderr, /ERR_CONFIG_INVALID/);
    } finally {
      t.cleanup();
    }
  });
});
