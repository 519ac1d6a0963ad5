/**
 * Each case builds a repository with a known problem and asserts the score ossf/scorecard
 * computes for that content; the comment above each derives it from scorecard's Go code.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, DIGEST, SHA, score } from './helpers.ts';

after(cleanup);

const wf = (body: string) => ({ '.github/workflows/ci.yml': body });

/** A workflow that checks out the pull request's head and runs its code. */
const checkoutHead = (trigger: string) => `on: ${trigger}
permissions: read-all
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm test
`;

describe('Dangerous-Workflow (checks/evaluation/dangerous_workflow.go)', () => {
  test('pull_request_target that checks out the PR head and runs it scores 0', async () => {
    // raw/dangerous_workflow.go: checkout with ref github.event.pull_request.* under pull_request_target = untrusted checkout -> MinResultScore.
    const r = await score(wf(checkoutHead('pull_request_target')), 'Dangerous-Workflow');
    assert.equal(r.score, 0);
    const d = r.report.checks[0]!.details.find((x) => x.level === 'warn')!;
    assert.equal(d.location?.file, '.github/workflows/ci.yml');
    assert.equal(d.location?.line, 7);
    assert.match(d.text, /untrusted code checkout/);
  });
  test('the same checkout under pull_request is not dangerous: 10', async () => {
    const r = await score(wf(checkoutHead('pull_request')), 'Dangerous-Workflow');
    assert.equal(r.score, 10);
  });
  test('script injection of an issue title scores 0, at the line of the expansion', async () => {
    const r = await score(wf(`on: issues
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo hello
          echo "\${{ github.event.issue.title }}"
`), 'Dangerous-Workflow');
    assert.equal(r.score, 0);
    assert.equal(r.report.checks[0]!.details[0]!.location?.line, 8);
  });
  test('github.head_ref in run is injection; via env it is not', async () => {
    assert.equal((await score(wf(`on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: git checkout \${{ github.head_ref }}\n`), 'Dangerous-Workflow')).score, 0);
    assert.equal((await score(wf(`on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      REF: \${{ github.head_ref }}\n    steps:\n      - run: git checkout "$REF"\n`), 'Dangerous-Workflow')).score, 10);
  });
  test('no workflows is inconclusive (-1)', async () => {
    const r = await score({ 'README.md': 'hi' }, 'Dangerous-Workflow');
    assert.equal(r.score, -1);
    assert.equal(r.reason, 'no workflows found');
  });
});

describe('Pinned-Dependencies (checks/evaluation/pinned_dependencies.go, checker.CreateProportionalScoreWeighted)', () => {
  test('actions and npm in a workflow: weighted counts give 3', async () => {
    // GitHub-owned 1/2 (weight 2), third-party 0/1 (weight 8), npmCommand 1/2 (weight 10):
    // 10 * (1*2 + 0*8 + 1*10) / (2*2 + 1*8 + 2*10) = 120 / 32 = 3.75 -> 3 (integer division).
    const r = await score(wf(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@${SHA}
      - uses: docker/login-action@v3
      - run: npm install
      - run: npm ci
`), 'Pinned-Dependencies');
    assert.equal(r.score, 3);
    const warns = r.report.checks[0]!.details.filter((d) => d.level === 'warn').map((d) => `${d.text}@${d.location?.line}`);
    assert.deepEqual(warns, ['GitHub-owned GitHubAction not pinned by hash@6', 'third-party GitHubAction not pinned by hash@8', 'npmCommand not pinned by hash@9']);
  });
  test('Dockerfile images, RUN npm install and curl | bash: 4', async () => {
    // containerImage 2/3 (node@sha256 pinned, "FROM build" names a pinned stage), npmCommand 0/1,
    // downloadThenRun 0/1, all weight 10: 10 * 20 / 50 = 4.
    const r = await score({
      Dockerfile: `FROM node@${DIGEST} AS build
RUN npm install -g typescript
FROM node:20
RUN curl -sSL https://example.com/install.sh | bash
FROM build
`,
    }, 'Pinned-Dependencies');
    assert.equal(r.score, 4);
  });
  test('commands inside if/while/do are found', async () => {
    // npm 1/2 (npm install unpinned, npm ci pinned), pip 0/1: 10 * (10 + 0) / (20 + 10) = 3
    assert.equal((await score({ 'ci.sh': '#!/bin/bash\nif npm install; then\n  echo ok\nelse pip install x\nfi\nwhile true; do npm ci; done\n' }, 'Pinned-Dependencies')).score, 3);
  });
  test('here-document bodies are data, not commands', async () => {
    // Only the `npm ci` after the here-document is a dependency: pinned, 10.
    const r = await score({ 'setup.sh': '#!/bin/sh\ncat > install.sh <<EOF\nnpm install left-pad\ncurl -s https://x | bash\nEOF\nnpm ci\n' }, 'Pinned-Dependencies');
    assert.equal(r.score, 10);
    assert.deepEqual(r.report.checks[0]!.details.map((d) => d.text), ['  1 out of   1 npmCommand dependencies pinned']);
  });
  test('a downloaded script run later in a shell script is download-then-run: 0', async () => {
    const r = await score({ 'scripts/setup.sh': '#!/bin/bash\ncurl -o install.sh https://example.com/i.sh\nbash install.sh\n' }, 'Pinned-Dependencies');
    assert.equal(r.score, 0);
  });
  test('every action pinned by hash: 10; local actions are not dependencies', async () => {
    const r = await score(wf(`on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${SHA} # v4\n      - uses: ./.github/actions/local\n`), 'Pinned-Dependencies');
    assert.equal(r.score, 10);
  });
  test('the OS decides the shell as in fileparser.GetShellForStep: matrix.os, step if:, job defaults', async () => {
    const job = (head: string, step = '      - run: npm install\n') => wf(`on: push\njobs:\n  a:\n${head}    steps:\n      - uses: actions/checkout@${SHA}\n${step}`);
    // matrix of Windows only: pwsh, not scanned -> only the pinned action: 10
    assert.equal((await score(job('    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n        os: [windows-2022, windows-latest]\n'), 'Pinned-Dependencies')).score, 10);
    // matrix with a Linux entry: bash, npm install counted: 10 * (10 + 0) / (10 + 10) = 5
    assert.equal((await score(job('    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n'), 'Pinned-Dependencies')).score, 5);
    // a step guarded by `if: runner.os == 'Windows'` runs in pwsh
    assert.equal((await score(job('    runs-on: ubuntu-latest\n', "      - if: runner.os == 'Windows'\n        run: npm install\n"), 'Pinned-Dependencies')).score, 10);
    // job defaults.run.shell: pwsh wins over the Linux runner
    assert.equal((await score(job('    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: pwsh\n'), 'Pinned-Dependencies')).score, 10);
  });
  test('no dependencies at all is inconclusive', async () => {
    assert.equal((await score({ 'index.js': '' }, 'Pinned-Dependencies')).score, -1);
  });
  test('windows runners use pwsh by default: their run steps are not scanned', async () => {
    const r = await score(wf(`on: push\njobs:\n  a:\n    runs-on: windows-latest\n    steps:\n      - uses: actions/checkout@${SHA}\n      - run: npm install\n`), 'Pinned-Dependencies');
    assert.equal(r.score, 10);
  });
});

describe('Token-Permissions (checks/evaluation/permissions.go)', () => {
  const job = (perms = '') => `  build:\n    runs-on: ubuntu-latest\n${perms}    steps:\n      - run: echo hi\n`;
  test('no top-level and no job permissions: 0', async () => {
    // undeclared top + undeclared job in the same file -> MinResultScore.
    assert.equal((await score(wf(`on: push\njobs:\n${job()}`), 'Token-Permissions')).score, 0);
  });
  test('no top-level permissions, jobs declare theirs: 9 (10 - 0.5, truncated)', async () => {
    assert.equal((await score(wf(`on: push\njobs:\n${job('    permissions:\n      contents: read\n')}`), 'Token-Permissions')).score, 9);
  });
  test('permissions: write-all with an undeclared job: 0', async () => {
    assert.equal((await score(wf(`on: push\npermissions: write-all\njobs:\n${job()}`), 'Token-Permissions')).score, 0);
  });
  test('permissions: write-all with every job declared read: 9', async () => {
    assert.equal((await score(wf(`on: push\npermissions: write-all\njobs:\n${job('    permissions: read-all\n')}`), 'Token-Permissions')).score, 9);
  });
  test('top-level contents: write costs 10: 0', async () => {
    assert.equal((await score(wf(`on: push\npermissions:\n  contents: write\njobs:\n${job()}`), 'Token-Permissions')).score, 0);
  });
  test('top-level checks and statuses writes cost 0.5 each: 9', async () => {
    assert.equal((await score(wf(`on: push\npermissions:\n  checks: write\n  statuses: write\njobs:\n${job()}`), 'Token-Permissions')).score, 9);
  });
  test('read-all at the top and a job writing contents: 10 (job writes are fine under a read-only top)', async () => {
    const r = await score(wf(`on: push\npermissions: read-all\njobs:\n${job('    permissions:\n      contents: write\n')}`), 'Token-Permissions');
    assert.equal(r.score, 10);
    assert.ok(r.report.checks[0]!.details.some((d) => d.level === 'warn' && /jobLevel 'contents' permission set to 'write'/.test(d.text)));
  });
  test('top-level contents: read and undeclared jobs: 10', async () => {
    assert.equal((await score(wf(`on: push\npermissions:\n  contents: read\njobs:\n${job()}`), 'Token-Permissions')).score, 10);
  });
  // Cases of scorecard's own table (checks/permissions_test.go, TestGithubTokenPermissions), restated.
  const golden: [string, Record<string, string>, number][] = [
    ['sec-events/deployments write', { '.github/workflows/a.yml': 'on: [push]\npermissions:\n  security-events: write\n  pull-requests: read\n  deployments: write\n  packages: none\n  actions: none\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n' }, 8],
    ['run writes under read top level', { '.github/workflows/a.yml': 'on: [push]\npermissions:\n  packages: read\n  pull-requests: read\njobs:\n  x:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n      packages: write\n      actions: write\n    steps:\n      - run: echo\n' }, 10],
    ['two files: top-level only + run-level only', {
      '.github/workflows/top.yml': 'on: [push]\npermissions: read-all\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n',
      '.github/workflows/run.yml': 'on: [push]\njobs:\n  x:\n    runs-on: ubuntu-latest\n    permissions: read-all\n    steps:\n      - run: echo\n',
    }, 9],
    ['two files: run-level only + absent', {
      '.github/workflows/run.yml': 'on: [push]\njobs:\n  x:\n    runs-on: ubuntu-latest\n    permissions: read-all\n    steps:\n      - run: echo\n',
      '.github/workflows/absent.yml': 'on: [push]\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n',
    }, 0],
    ['permissions: {} (none) everywhere', { '.github/workflows/a.yml': 'on: [push]\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n      - run: echo\n' }, 10],
  ];
  for (const [name, files, want] of golden) {
    test(`scorecard's table: ${name} = ${want}`, async () => assert.equal((await score(files, 'Token-Permissions')).score, want));
  }
  test('no workflows: inconclusive "No tokens found"', async () => {
    const r = await score({ 'a.txt': 'x' }, 'Token-Permissions');
    assert.equal(r.score, -1);
    assert.equal(r.reason, 'No tokens found');
  });
  test('a workflow that is not YAML makes the check a runtime error, as in scorecard', async () => {
    const r = await score(wf('on: [push\njobs: {'), 'Token-Permissions');
    assert.equal(r.score, -1);
    assert.ok(r.report.checks[0]!.error);
  });
});

describe('Security-Policy (checks/evaluation/security_policy.go)', () => {
  test('no SECURITY.md: 0', async () => {
    const r = await score({ 'README.md': 'x' }, 'Security-Policy');
    assert.equal(r.score, 0);
    assert.equal(r.reason, 'security policy file not detected');
  });
  test('links, text and disclosure hints: 6 + 3 + 1 = 10', async () => {
    const r = await score({ 'SECURITY.md': '# Security\n\nReport vulnerabilities to security@example.com or https://example.com/security.\nWe disclose within 90 days.\n' }, 'Security-Policy');
    assert.equal(r.score, 10);
  });
  test('a bare link: 6 (no text beyond the link, no disclosure hints)', async () => {
    // size 29 is not > 28 (link) + 2 -> no text; no digits or disclos/vuln -> no disclosure.
    assert.equal((await score({ '.github/SECURITY.md': 'https://example.com/security\n' }, 'Security-Policy')).score, 6);
  });
  test('text without any contact: 3 + 1 = 4', async () => {
    assert.equal((await score({ 'docs/security.md': 'Please report a vulnerability privately; we respond in 7 days.\n' }, 'Security-Policy')).score, 4);
  });
});

describe('License (checks/evaluation/license.go)', () => {
  const mit = 'MIT License\n\nCopyright (c) 2024 x\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software...';
  test('MIT LICENSE: 9 + 1 = 10', async () => assert.equal((await score({ LICENSE: mit }, 'License')).score, 10));
  test('an unrecognised license text: 9', async () => assert.equal((await score({ 'LICENSE.txt': 'All rights reserved. Ask us.' }, 'License')).score, 9));
  test('no license: 0', async () => assert.equal((await score({ 'README.md': 'x' }, 'License')).score, 0));
  test('a license only in a subdirectory does not count: 0', async () => assert.equal((await score({ 'lib/LICENSE': mit }, 'License')).score, 0));
  test('file names as raw/license.go checkLicense reads them', async () => {
    assert.equal((await score({ 'LICENSE-MIT': mit }, 'License')).score, 10);
    assert.equal((await score({ 'LICENSES/Apache-2.0.txt': 'Apache License, Version 2.0' }, 'License')).score, 10);
    assert.equal((await score({ LICENSEE: mit }, 'License')).score, 0);
    assert.equal((await score({ 'GPL-2.0-LICENSE': mit }, 'License')).score, 0);
  });
});

describe('Binary-Artifacts (checks/evaluation/binary_artifacts.go)', () => {
  test('a committed .exe and .jar cost one point each: 8', async () => {
    const r = await score({
      'tools/setup.exe': Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0)]),
      'lib/helper.jar': Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(32, 1)]),
      'notes.exe': 'just text, not a binary\n',
      'README.md': 'x',
    }, 'Binary-Artifacts');
    assert.equal(r.score, 8);
    assert.deepEqual(r.report.checks[0]!.details.map((d) => d.location?.file).sort(), ['lib/helper.jar', 'tools/setup.exe']);
  });
  test('an ELF binary with no extension is found by its magic bytes', async () => {
    assert.equal((await score({ 'bin/tool': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]) }, 'Binary-Artifacts')).score, 9);
  });
  test('eleven binaries floor at 0', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 11; i++) files[`b${i}.dll`] = Buffer.from([0, 1, 2, 3]);
    assert.equal((await score(files, 'Binary-Artifacts')).score, 0);
  });
  test('no binaries: 10', async () => assert.equal((await score({ 'a.js': 'x' }, 'Binary-Artifacts')).score, 10));
});

describe('Dependency-Update-Tool, Fuzzing, SAST, Packaging', () => {
  test('dependabot or renovate config: 10; none: 0', async () => {
    assert.equal((await score({ '.github/dependabot.yml': 'version: 2\n' }, 'Dependency-Update-Tool')).score, 10);
    assert.equal((await score({ 'renovate.json': '{}' }, 'Dependency-Update-Tool')).score, 10);
    assert.equal((await score({ 'package.json': '{}' }, 'Dependency-Update-Tool')).score, 0);
  });
  test('ClusterFuzzLite: 10', async () => {
    assert.equal((await score({ '.clusterfuzzlite/Dockerfile': 'FROM gcr.io/oss-fuzz-base/base-builder-javascript\n', 'index.js': 'x' }, 'Fuzzing')).score, 10);
  });
  test('fast-check property tests in a JavaScript project: 10', async () => {
    const r = await score({ 'test/prop.test.js': "const fc = require('fast-check');\n", 'index.js': 'module.exports = 1;\n' }, 'Fuzzing');
    assert.equal(r.score, 10);
  });
  test('a jazzer.js dependency alone: 0 (scorecard does not count it), with a note', async () => {
    const r = await score({ 'package.json': '{\n  "devDependencies": {\n    "@jazzer.js/core": "^2.1.0"\n  }\n}\n', 'index.js': 'x' }, 'Fuzzing');
    assert.equal(r.score, 0);
    const note = r.report.checks[0]!.details.find((d) => d.level === 'info')!;
    assert.match(note.text, /@jazzer\.js\/core is a fuzzer, but scorecard's Fuzzing check does not recognise it/);
    assert.deepEqual([note.location?.file, note.location?.line], ['package.json', 3]);
  });
  test('CodeQL workflow: 10; no SAST tool: 0', async () => {
    assert.equal((await score(wf(`on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: github/codeql-action/init@v3\n      - uses: github/codeql-action/analyze@v3\n`), 'SAST')).score, 10);
    assert.equal((await score({ 'a.js': 'x' }, 'SAST')).score, 0);
  });
  test('packaging matchers are exact: a registry-url with a trailing slash is not the npm matcher', async () => {
    const wfp = (url: string) => wf(`on: release\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          registry-url: ${url}\n      - run: |\n          npm \\\n            publish\n`);
    assert.equal((await score(wfp('https://registry.npmjs.org'), 'Packaging')).score, 10);
    assert.equal((await score(wfp('https://registry.npmjs.org/'), 'Packaging')).score, -1);
  });
  test('npm publishing workflow: 10; none: inconclusive', async () => {
    const publish = `on: release\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.npmjs.org\n      - run: npm publish --provenance\n`;
    assert.equal((await score(wf(publish), 'Packaging')).score, 10);
    assert.equal((await score({ 'a.js': 'x' }, 'Packaging')).score, -1);
  });
});

describe('Vulnerabilities (checks/evaluation/vulnerabilities.go)', () => {
  test('without an advisory database: inconclusive with the reason', async () => {
    const r = await score({ 'a.js': 'x' }, 'Vulnerabilities');
    assert.equal(r.score, -1);
    assert.match(r.reason, /--db/);
  });
  test('an ignore entry for an advisory id (as for nodesec audit) excepts that vulnerability here too', async () => {
    const { createIgnorePolicy } = await import('../../src/core/ignore.ts');
    const ignore = createIgnorePolicy([{ id: 'CVE-2024-1', reason: 'not reachable' }]);
    const vulnerabilities = async () => ({ ids: ['GHSA-a', 'CVE-2024-1', 'GHSA-c'] });
    const r = await score({ 'a.js': 'x' }, 'Vulnerabilities', { vulnerabilities, ignore });
    assert.equal(r.score, 7);
    assert.equal(r.report.checks[0]!.effectiveScore, 8);
    assert.deepEqual(ignore.unused(), []);
  });
  test('three vulnerabilities: 7; twelve: 0', async () => {
    const ids = (n: number) => async () => ({ ids: Array.from({ length: n }, (_, i) => `GHSA-${i}`) });
    assert.equal((await score({ 'a.js': 'x' }, 'Vulnerabilities', { vulnerabilities: ids(3) })).score, 7);
    assert.equal((await score({ 'a.js': 'x' }, 'Vulnerabilities', { vulnerabilities: ids(12) })).score, 0);
  });
});

describe('bounded on hostile input', () => {
  // Not a timing test: the timeout only turns a hang into a failure.
  test('a 2 MB one-line SECURITY.md, a huge ${{ }} expression and deeply nested $( ) are scored', { timeout: 60_000 }, async () => {
    const big = 'github.event.' + 'commits'.repeat(100_000);
    assert.equal((await score({ 'SECURITY.md': 'a'.repeat(2_000_000) }, 'Security-Policy')).score, 3);
    await score({ '.github/workflows/x.yml': `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "\${{ ${big} }}"\n` }, 'Dangerous-Workflow');
    assert.equal((await score({ 'x.sh': '#!/bin/sh\n' + '$('.repeat(20_000) + 'curl x | sh' + ')'.repeat(20_000) }, 'Pinned-Dependencies')).score, -1);
  });
});
