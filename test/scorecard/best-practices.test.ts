import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { cleanup, repo } from './helpers.ts';

after(cleanup);

const MIT = 'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software';
const project = (extra: Record<string, string> = {}) =>
  repo({
    'README.md': `# widget\n\n${'Widget parses widget files and renders them as HTML, for Node.js 22 and later. '.repeat(4)}\n`,
    LICENSE: MIT,
    'CONTRIBUTING.md': '# Contributing\n\nOpen a pull request. Every change needs tests; run `npm test` and `npm run lint`.\n',
    'SECURITY.md': '# Security\n\nReport vulnerabilities privately through https://github.com/acme/widget/security/advisories/new.\n',
    'CHANGELOG.md': '# 1.2.0\n- things\n',
    'package.json': JSON.stringify({ name: 'widget', version: '1.2.0', license: 'MIT', homepage: 'https://acme.dev/widget', bugs: { url: 'https://github.com/acme/widget/issues' }, scripts: { test: 'node --test', lint: 'eslint .' } }, null, 2),
    'eslint.config.js': 'export default [];\n',
    '.github/workflows/ci.yml': 'on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npm test\n',
    '.github/workflows/codeql.yml': 'on: [push]\njobs:\n  analyze:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: github/codeql-action/init@v3\n      - uses: github/codeql-action/analyze@v3\n',
    'index.js': 'module.exports = 1;\n',
    ...extra,
  });

describe('nodesec scorecard best-practices', () => {
  test('answers what the repository shows, with evidence, and leaves the rest to a person', async () => {
    const r = await runCli(['scorecard', 'best-practices', project(), '--no-git', '-f', 'json']);
    assert.equal(r.exit, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const st = Object.fromEntries(j.criteria.map((c: { id: string; status: string }) => [c.id, c.status]));
    for (const id of ['description_good', 'contribution', 'contribution_requirements', 'floss_license', 'floss_license_osi', 'license_location', 'sites_https', 'version_unique', 'version_semver', 'release_notes', 'report_process', 'vulnerability_report_process', 'vulnerability_report_private', 'test', 'test_invocation', 'test_continuous_integration', 'test_policy', 'warnings', 'static_analysis', 'static_analysis_often', 'no_leaked_credentials']) {
      assert.equal(st[id], 'Met', id);
    }
    assert.equal(st.dynamic_analysis_unsafe, 'N/A');
    for (const id of ['know_secure_design', 'report_responses', 'maintained']) assert.equal(st[id], '?', id);
    assert.equal(st.crypto_working, 'N/A'); // no cryptography anywhere in this project
    const ci = j.criteria.find((c: { id: string }) => c.id === 'test_continuous_integration');
    assert.deepEqual(ci.evidence.evidence[0], { file: '.github/workflows/ci.yml', line: 8 });
  });

  test('code that uses cryptography leaves the crypto criteria to a person, pointing at the call', async () => {
    const r = await runCli(['scorecard', 'best-practices', project({ 'lib/sign.js': "'use strict';\nconst { createHash } = require('node:crypto');\nmodule.exports = (s) => createHash('sha256').update(s).digest('hex');\n" }), '--no-git', '-f', 'json']);
    const c = JSON.parse(r.stdout).criteria.find((x: { id: string }) => x.id === 'crypto_working');
    assert.equal(c.status, '?');
    assert.match(c.evidence.justification, /cryptography used at lib\/sign\.js:2/);
  });

  test('problems are Unmet with the reason: http site, leaked key, no security policy', async () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'w', version: '1.0.0', homepage: 'http://acme.dev' }, null, 2),
      'deploy/key.pem': '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n',
      'SECURITY.md': '',
    });
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'SECURITY.md'));
    const r = await runCli(['scorecard', 'best-practices', dir, '--no-git', '-f', 'json', '--fail-on-unmet']);
    assert.equal(r.exit, 1);
    const j = JSON.parse(r.stdout);
    const by = (id: string) => j.criteria.find((c: { id: string }) => c.id === id);
    assert.equal(by('sites_https').status, 'Unmet');
    assert.equal(by('no_leaked_credentials').status, 'Unmet');
    assert.deepEqual(by('no_leaked_credentials').evidence.evidence[0], { file: 'deploy/key.pem', line: 1, snippet: 'private key' });
    assert.equal(by('vulnerability_report_process').status, 'Unmet');
  });

  test('--write fills .bestpractices.json, keeps a person\'s answers, and reports conflicts', async () => {
    const dir = project();
    writeFileSync(join(dir, '.bestpractices.json'), JSON.stringify({
      test_status: 'Unmet', test_justification: 'we do not trust our tests',
      know_secure_design_status: 'Met', know_secure_design_justification: 'Jane teaches secure design',
    }));
    const r = await runCli(['scorecard', 'best-practices', dir, '--no-git', '--write']);
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /conflict: recorded Unmet, but the repository shows Met/);
    const f = JSON.parse(readFileSync(join(dir, '.bestpractices.json'), 'utf8'));
    assert.equal(f.test_status, 'Unmet');
    assert.equal(f.know_secure_design_justification, 'Jane teaches secure design');
    assert.equal(f.license_location_status, 'Met');
    assert.match(f.license_location_justification, /^\[nodesec\] license file at LICENSE/);
    assert.equal(f.maintained_status, undefined);
    // A second run changes nothing.
    const before = readFileSync(join(dir, '.bestpractices.json'), 'utf8');
    await runCli(['scorecard', 'best-practices', dir, '--no-git', '--write']);
    assert.equal(readFileSync(join(dir, '.bestpractices.json'), 'utf8'), before);
  });

  test('a malformed .bestpractices.json is an input error, not a crash', async () => {
    const r = await runCli(['scorecard', 'best-practices', project({ '.bestpractices.json': '{ nope' }), '--no-git']);
    assert.equal(r.exit, 3);
    assert.match(r.stderr, /ERR_JSON_PARSE/);
  });
});
