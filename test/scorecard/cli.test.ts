import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { runCli } from '../helpers/cli.ts';
import { REPO, SCHEMAS } from '../helpers/paths.ts';
import { allProbes } from '../../src/scorecard/registry.ts';
import { cleanup, repo, SHA } from './helpers.ts';

after(cleanup);

const sample = () =>
  repo({
    '.github/workflows/ci.yml': `on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@${SHA}\n      - run: npm ci\n`,
    'tools/helper.exe': Buffer.concat([Buffer.from('MZ'), Buffer.alloc(16, 0)]),
    'vendor/old.exe': Buffer.concat([Buffer.from('MZ'), Buffer.alloc(16, 0)]),
    LICENSE: 'Permission is hereby granted, free of charge, to any person obtaining a copy of this software',
  });

describe('nodesec scorecard check', () => {
  test('text report: scores, warnings with file:line and the fix', async () => {
    const r = await runCli(['scorecard', 'check', sample(), '--no-git']);
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /^\s+8\s+Binary-Artifacts\s+binaries present in source code$/m);
    assert.match(r.stdout, /^\s+0\s+Token-Permissions\s+detected GitHub workflow tokens with excessive permissions$/m);
    assert.match(r.stdout, /GitHub-owned GitHubAction not pinned by hash\s+\.github\/workflows\/ci\.yml:6/);
    assert.match(r.stdout, /fix\s+Declare `permissions: read-all`/);
    assert.match(r.stdout, /Biggest gains: Dependency-Update-Tool \+1\.36, Token-Permissions \+1\.36, /);
  });

  test('JSON has scorecard\'s result shape and the aggregate over the checks that ran', async () => {
    const r = await runCli(['scorecard', 'check', sample(), '--no-git', '-f', 'json']);
    const j = JSON.parse(r.stdout);
    assert.equal(j.schemaVersion, 1);
    const byName = Object.fromEntries(j.checks.map((c: { name: string; score: number }) => [c.name, c.score]));
    assert.deepEqual(byName, {
      'Binary-Artifacts': 8, 'Dangerous-Workflow': 10, 'Dependency-Update-Tool': 0, Fuzzing: 0, License: 10, Packaging: -1,
      // GitHub-owned 1/2 (weight 10 alone) and npm ci 1/1: 10 * (10 + 10) / (20 + 10) = 6.67 -> 6
      'Pinned-Dependencies': 6, SAST: 0, 'Security-Policy': 0, 'Token-Permissions': 0, Vulnerabilities: -1,
    });
    // (8*7.5 + 10*10 + 0*7.5 + 0*5 + 10*2.5 + 6*5 + 0*5 + 0*5 + 0*7.5) / (7.5+10+7.5+5+2.5+5+5+5+7.5) = 215/55
    assert.equal(j.score, Math.round((215 / 55) * 10) / 10);
    // Fixing a High check at 0 adds 7.5 * 10 / 55 = 1.36 (ties by name); Binary-Artifacts at 8 only 0.27.
    assert.deepEqual(j.improvements.slice(0, 2), [{ check: 'Dependency-Update-Tool', score: 0, gain: 1.36 }, { check: 'Token-Permissions', score: 0, gain: 1.36 }]);
    assert.deepEqual(j.improvements.at(-1), { check: 'Binary-Artifacts', score: 8, gain: 0.27 });
    assert.ok(j.checks[0].details.every((d: string) => /^(Warn|Info|Debug): /.test(d)));
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'docs', 'schemas', 'scorecard-check.v1.schema.json'), 'utf8')));
    assert.ok(validate(JSON.parse(r.stdout)), ajv.errorsText(validate.errors));
    assert.equal(j.checks[0].documentation.url, 'https://github.com/ossf/scorecard/blob/main/docs/checks.md#binary-artifacts');
  });

  test('exceptions: file-scoped and whole-check, with the exact score kept', async () => {
    const dir = sample();
    writeFileSync(join(dir, '.nodesec.json'), JSON.stringify({
      ignore: [
        { id: 'Binary-Artifacts', files: ['vendor/**'], reason: 'vendored installer, tracked in #12', until: '2099-01-01' },
        { id: 'Token-Permissions', reason: 'org-level default is read-only' },
        { id: 'Fuzzing', reason: 'expired', until: '2001-01-01' },
      ],
    }));
    const r = await runCli(['scorecard', 'check', dir, '--no-git', '-f', 'json']);
    const j = JSON.parse(r.stdout);
    const ba = j.checks.find((c: { name: string }) => c.name === 'Binary-Artifacts');
    assert.equal(ba.score, 8);
    assert.equal(ba.effectiveScore, 9);
    assert.equal(ba.excepted.length, 1);
    const tp = j.checks.find((c: { name: string }) => c.name === 'Token-Permissions');
    assert.equal(tp.score, 0);
    assert.equal(tp.effectiveScore, -1);
    assert.deepEqual(tp.exception, { reason: 'org-level default is read-only' });
    assert.equal(j.checks.find((c: { name: string }) => c.name === 'Fuzzing').effectiveScore, 0);
    assert.match(r.stderr, /exception "Fuzzing" expired on 2001-01-01/);
    assert.ok(j.effectiveScore > j.score);
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'docs', 'schemas', 'scorecard-check.v1.schema.json'), 'utf8')));
    assert.ok(validate(JSON.parse(r.stdout)), ajv.errorsText(validate.errors));
  });

  test('SARIF validates against the 2.1.0 schema and locates each warning', async () => {
    const r = await runCli(['scorecard', 'check', sample(), '--no-git', '-f', 'sarif']);
    const sarif = JSON.parse(r.stdout);
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    const schema = JSON.parse(readFileSync(join(SCHEMAS, 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    // Ajv 8 speaks draft-07: map draft-04's `id` and drop the meta-schema reference.
    if (typeof schema.id === 'string') ((schema.$id = schema.id), delete schema.id);
    delete schema.$schema;
    const validate = ajv.compile(schema);
    assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors?.slice(0, 3)));
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    const bin = results.filter((x) => x.ruleId === 'Binary-Artifacts').map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri).sort();
    assert.deepEqual(bin, ['tools/helper.exe', 'vendor/old.exe']);
    assert.ok(sarif.runs[0].tool.driver.rules.some((x: { id: string; properties: Record<string, string> }) => x.id === 'Dangerous-Workflow' && x.properties['security-severity'] === '9.5'));
  });

  test('markdown table and --min-score exit code', async () => {
    const dir = sample();
    const md = await runCli(['scorecard', 'check', dir, '--no-git', '-f', 'markdown']);
    assert.match(md.stdout, /\| \[Binary-Artifacts\]\(https:\/\/github\.com\/ossf\/scorecard\/blob\/main\/docs\/checks\.md#binary-artifacts\) \| High \| 8 \|/);
    assert.equal((await runCli(['scorecard', 'check', dir, '--no-git', '--min-score', '9'])).exit, 1);
    assert.equal((await runCli(['scorecard', 'check', dir, '--no-git', '--min-score', '1'])).exit, 0);
    writeFileSync(join(dir, '.nodesec.json'), JSON.stringify({ scorecard: { minScore: 9.5 } }));
    assert.equal((await runCli(['scorecard', 'check', dir, '--no-git'])).exit, 1);
    writeFileSync(join(dir, '.nodesec.json'), JSON.stringify({ scorecard: { minScore: 'high' } }));
    const bad = await runCli(['scorecard', 'check', dir, '--no-git']);
    assert.equal(bad.exit, 2);
    assert.match(bad.stderr, /ERR_CONFIG_INVALID.*#\/scorecard\/minScore/);
  });

  test('bad input: unknown check, bad --min-score, missing directory', async () => {
    const a = await runCli(['scorecard', 'check', sample(), '-c', 'Nope']);
    assert.equal(a.exit, 2);
    assert.match(a.stderr, /error\[ERR_USAGE\] unknown check "Nope"/);
    assert.equal((await runCli(['scorecard', 'check', sample(), '--min-score', 'x'])).exit, 2);
    const m = await runCli(['scorecard', 'check', '/nonexistent/dir']);
    assert.equal(m.exit, 3);
    assert.match(m.stderr, /ERR_INPUT_NOT_FOUND/);
  });
});

test('every probe has its page in docs/findings, in sync with its metadata', async () => {
  const { allPages } = await import('../../src/scorecard/docs.ts');
  const pages = allPages();
  for (const p of allProbes()) {
    const file = join(REPO, 'docs', 'findings', `${p.id}.md`);
    assert.ok(existsSync(file), `docs/findings/${p.id}.md`);
    assert.equal(readFileSync(file, 'utf8'), pages.get(`${p.id}.md`), `docs/findings/${p.id}.md is stale: run node src/scorecard/docs.ts --write`);
  }
});

describe('scorecard in nodesec check, and monitor --local', () => {
  test('nodesec check runs the scorecard check: warnings become findings at their risk', async () => {
    const dir = sample();
    const r = await runCli(['check', dir, '--format', 'json'], { env: { NO_COLOR: '1', NODESEC_OFFLINE: '1' } });
    const j = JSON.parse(r.stdout);
    const checks = (j.checks ?? j.results ?? []) as { check: string; summary?: string; findings: { ruleId: string; severity: string; location?: { file: string } }[] }[];
    const sc = checks.find((c) => c.check === 'scorecard');
    assert.ok(sc, `no scorecard check in ${r.stdout.slice(0, 300)}`);
    assert.match(sc.summary ?? '', /^aggregate \d+\.\d\/10 over \d+ checks/);
    const tp = sc.findings.filter((f) => f.ruleId === 'Token-Permissions');
    assert.ok(tp.length > 0);
    assert.ok(tp.every((f) => f.severity === 'high'));
    assert.ok(sc.findings.some((f) => f.ruleId === 'Binary-Artifacts' && f.location?.file === 'tools/helper.exe'));
  });

  test('monitor --local scores git checkouts with nodesec and stores per-check scores', async () => {
    const { execFileSync } = await import('node:child_process');
    const root = repo({});
    const app = join(root, 'acme', 'app');
    const { mkdirSync, writeFileSync: wf } = await import('node:fs');
    mkdirSync(app, { recursive: true });
    wf(join(app, 'LICENSE'), 'Permission is hereby granted, free of charge, to any person obtaining a copy');
    const git = (...a: string[]) => execFileSync('git', ['-C', app, ...a], { stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    const head = git('rev-parse', 'HEAD').toString().trim();
    wf(join(root, 'scope.json'), JSON.stringify({ 'github.com': { acme: { included: ['app'], excluded: [] } } }));
    const r = await runCli(['scorecard', 'monitor', '--scope', join(root, 'scope.json'), '--database', join(root, 'db.json'), '--report', join(root, 'r.md'), '--local', root], { now: () => new Date('2026-05-01T00:00:00Z') });
    assert.equal(r.exit, 0, r.stderr);
    const db = JSON.parse(readFileSync(join(root, 'db.json'), 'utf8'));
    const cur = db['github.com'].acme.app.current;
    assert.equal(cur.commit, head);
    assert.equal(cur.checks.License, 10);
    assert.equal(cur.checks['Token-Permissions'], -1);
    assert.equal(cur.date, '2026-05-01T00:00:00.000Z');
  });
});
