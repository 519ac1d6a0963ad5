import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanRegexes } from '../../src/redos/scan.ts';
import { createIgnorePolicy } from '../../src/core/ignore.ts';
import { fakeAnalyzer, writeTree } from './helpers.ts';

const project = writeTree({
  'package.json': '{"name":"app","version":"1.0.0"}',
  '.gitignore': 'dist/\n/generated.js\n',
  'src/a.js': [
    "const email = /^(a+)+$/;",
    "const safe = /^[a-z]+$/;",
    '// nodesec-ignore-regex: only ever sees our own 10-char ids',
    "const reviewed = new RegExp('^(b+)+$', 'u');",
    "const again = /^(a+)+$/; // same pattern: analysed once",
    '/* nodesec-ignore-regex */',
    "const noReason = new RegExp('(a+)+x');",
  ].join('\n'),
  'src/b.ts': "const W: string = '\\\\s*x\\\\s*';\nexport const trim = new RegExp(W, 'g');\nexport const u = /UNKNOWN/;\n",
  'src/broken.js': 'const a = /(a+)+y/;\nfunction (',
  'src/nested/.gitignore': 'skip-me.js\n',
  'src/nested/skip-me.js': 'const x = /(a+)+z/;',
  'src/nested/keep.mjs': 'export default /(b+)+$/m;',
  'dist/bundle.js': 'var z=/(a+)+$/;',
  'generated.js': 'var z=/(a+)+q/;',
  'node_modules/dep/package.json': '{"name":"dep","version":"2.0.0"}',
  'node_modules/dep/index.js': 'module.exports = /(a+)+w/;',
  'README.md': 'not /(a+)+/ code',
});
after(() => project.cleanup());

describe('scanRegexes: project sources', () => {
  it('finds, dedupes, honours .gitignore (nested too), skips node_modules and reports parse errors', async () => {
    const fake = fakeAnalyzer();
    const r = await scanRegexes({ root: project.dir, analyzer: fake.analyze, workers: 0 });
    const got = r.findings.map((f) => `${f.rule} ${f.file}:${f.line}:${f.column} ${f.pattern ?? ''}`);
    assert.deepEqual(got, [
      'unsafe-regex src/a.js:1:15 ^(a+)+$',
      'unsafe-regex src/a.js:5:15 ^(a+)+$',
      'unsafe-regex src/a.js:7:18 (a+)+x',
      'unsafe-regex src/nested/keep.mjs:1:16 (b+)+$',
      'unsafe-regex src/b.ts:2:21 \\s*x\\s*',
      'regex-unknown src/b.ts:3:18 UNKNOWN',
      'parse-error src/broken.js:2:10 ',
    ]);
    assert.equal(r.findings.find((f) => f.rule === 'unsafe-regex')!.package, undefined);
    // Each distinct (pattern, flags) analysed once.
    assert.equal(new Set(fake.calls).size, fake.calls.length);
    assert.ok(fake.calls.includes('/^(a+)+$'));
    assert.ok(!fake.calls.some((c) => c.includes('(a+)+$') && c !== '/^(a+)+$' && !c.startsWith('m/')));
    // Suppression comment with a reason suppresses; without a reason it does not, and says so.
    assert.deepEqual(r.suppressed.map((f) => [f.line, f.suppressed]), [[4, { by: 'comment', reason: 'only ever sees our own 10-char ids' }]]);
    assert.ok(r.diagnostics.some((d) => d.kind === 'bad-suppression' && d.file === 'src/a.js' && d.line === 6));
    assert.equal(r.stats.files, 4);
  });

  it('applies the shared ignore policy (id unsafe-regex, file globs)', async () => {
    const ignore = createIgnorePolicy([{ id: 'unsafe-regex', reason: 'vendored, fixed upstream', files: ['src/nested/**'] }]);
    const r = await scanRegexes({ root: project.dir, analyzer: fakeAnalyzer().analyze, workers: 0, ignore });
    assert.ok(!r.findings.some((f) => f.file.startsWith('src/nested/')));
    const s = r.suppressed.find((f) => f.file === 'src/nested/keep.mjs');
    assert.deepEqual(s?.suppressed, { by: 'ignore-file', reason: 'vendored, fixed upstream', id: 'unsafe-regex' });
    assert.deepEqual(ignore.unused(), []);
  });

  it('scans only the given targets, with the .gitignore files above them', async () => {
    const r = await scanRegexes({ root: project.dir, targets: ['src/nested'], analyzer: fakeAnalyzer().analyze, workers: 0 });
    assert.deepEqual(r.findings.map((f) => f.file), ['src/nested/keep.mjs']);
    // dist/ is ignored by the root .gitignore: scanning it as a target finds nothing.
    const d = await scanRegexes({ root: project.dir, targets: ['dist'], analyzer: fakeAnalyzer().analyze, workers: 0 });
    assert.deepEqual(d.findings, []);
    assert.equal(d.stats.files, 0);
  });

  it('skips files over the size cap with a diagnostic', async () => {
    const r = await scanRegexes({ root: project.dir, analyzer: fakeAnalyzer().analyze, workers: 0, maxFileBytes: 60 });
    assert.ok(r.diagnostics.some((d) => d.kind === 'too-large' && d.file === 'src/a.js'));
    assert.ok(!r.findings.some((f) => f.file === 'src/a.js'));
  });

  it('gives the same result through the worker pool', async () => {
    const a = await scanRegexes({ root: project.dir, analyzer: fakeAnalyzer().analyze, workers: 0 });
    const b = await scanRegexes({ root: project.dir, analyzer: fakeAnalyzer().analyze, workers: 2 });
    assert.deepEqual(b.findings, a.findings);
    assert.deepEqual(b.suppressed, a.suppressed);
  });

  it('a minified one-line file with 20,000 regexes is extracted once per distinct pattern, fast', async () => {
    const line = Array.from({ length: 20_000 }, (_, i) => `a${i}=/^(a+)+$/,b${i}=new RegExp("x"+${i % 7})`).join(',');
    const tree = writeTree({ 'bundle.min.js': `var ${line};` });
    try {
      const fake = fakeAnalyzer();
      const t0 = performance.now();
      const r = await scanRegexes({ root: tree.dir, analyzer: fake.analyze, workers: 0 });
      assert.ok(performance.now() - t0 < 20_000);
      assert.equal(r.stats.sites, 40_000);
      assert.equal(r.stats.unique, 8);
      assert.equal(fake.calls.length, 8);
      assert.equal(r.findings.length, 20_000);
      assert.equal(r.findings[19_999]!.line, 1);
    } finally {
      tree.cleanup();
    }
  });

  it('turns an engine failure or hang into an unknown verdict, never a crash or a hang', async () => {
    const tree = writeTree({ 'x.js': 'const a = /boom/;\nconst b = /hang/;' });
    try {
      const analyzer = async (pattern: string) => {
        if (pattern === 'boom') throw new Error('engine bug');
        return new Promise<never>(() => {});
      };
      const r = await scanRegexes({ root: tree.dir, analyzer, workers: 0, budget: { timeoutMs: 50 } });
      assert.deepEqual(r.findings.map((f) => [f.pattern, f.rule, f.analysis?.verdict.kind === 'unknown' && f.analysis.verdict.why]), [
        ['boom', 'regex-unknown', 'unsupported-syntax'],
        ['hang', 'regex-unknown', 'timeout'],
      ]);
    } finally {
      tree.cleanup();
    }
  });
});

describe('scanRegexes: node_modules', () => {
  const deps = writeTree({
    'package.json': '{"name":"app","version":"1.0.0"}',
    'index.js': 'module.exports = 1;',
    'node_modules/.package-lock.json': JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      packages: {
        'node_modules/left': { version: '1.2.3', integrity: 'sha512-left' },
        'node_modules/@scope/right': { version: '0.1.0', integrity: 'sha512-right' },
        'node_modules/@scope/right/node_modules/left': { version: '0.9.0', integrity: 'sha512-left-old' },
      },
    }),
    'node_modules/left/package.json': '{"name":"left","version":"1.2.3"}',
    'node_modules/left/lib/index.js': 'exports.re = /^(a+)+$/;\nexports.ok = /x/;',
    'node_modules/left/test/index.js': 'exports.re = /^(a+)+test$/;',
    'node_modules/left/lib/index.spec.js': 'exports.re = /^(a+)+spec$/;',
    'node_modules/@scope/right/package.json': '{"name":"@scope/right","version":"0.1.0"}',
    'node_modules/@scope/right/index.cjs': "module.exports = new RegExp('(b+)+$');",
    'node_modules/@scope/right/node_modules/left/package.json': '{"name":"left","version":"0.9.0"}',
    'node_modules/@scope/right/node_modules/left/index.js': 'exports.re = /^(a+)+$/;',
    'node_modules/nolock/package.json': '{"name":"nolock","version":"3.0.0"}',
    'node_modules/nolock/index.js': 'exports.re = /(a+)+nolock/;',
  });
  const cacheDir = mkdtempSync(join(tmpdir(), 'nodesec-regex-cache-'));
  after(() => {
    deps.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('attributes findings to name@version, nested and scoped packages included; package tests are not scanned', async () => {
    const r = await scanRegexes({ root: deps.dir, nodeModules: true, analyzer: fakeAnalyzer().analyze, workers: 0 });
    assert.deepEqual(r.findings.map((f) => `${f.package} ${f.file}:${f.line}`).sort(), [
      '@scope/right@0.1.0 node_modules/@scope/right/index.cjs:1',
      'left@0.9.0 node_modules/@scope/right/node_modules/left/index.js:1',
      'left@1.2.3 node_modules/left/lib/index.js:1',
      'nolock@3.0.0 node_modules/nolock/index.js:1',
    ]);
    assert.equal(r.stats.packages, 4);
  });

  it('serves unchanged packages from the cache on a re-scan, and re-reads changed ones', async () => {
    const first = fakeAnalyzer();
    const r1 = await scanRegexes({ root: deps.dir, nodeModules: true, sources: false, cacheDir, analyzer: first.analyze, workers: 0 });
    assert.equal(r1.stats.packagesCached, 0);
    assert.ok(first.calls.length >= 3);

    const second = fakeAnalyzer();
    const r2 = await scanRegexes({ root: deps.dir, nodeModules: true, sources: false, cacheDir, analyzer: second.analyze, workers: 0 });
    assert.equal(r2.stats.packagesCached, 4);
    assert.deepEqual(second.calls, []);
    assert.deepEqual(r2.findings, r1.findings);

    // A package without integrity is fingerprinted by its files: a change is seen, and only
    // the new pattern is analysed (the others come from the per-pattern cache).
    appendFileSync(join(deps.dir, 'node_modules/nolock/index.js'), '\nexports.b = /(b+)+changed/;');
    const third = fakeAnalyzer();
    const r3 = await scanRegexes({ root: deps.dir, nodeModules: true, sources: false, cacheDir, analyzer: third.analyze, workers: 0 });
    assert.equal(r3.stats.packagesCached, 3);
    assert.deepEqual(third.calls, ['/(b+)+changed']);
    assert.ok(r3.findings.some((f) => f.pattern === '(b+)+changed' && f.package === 'nolock@3.0.0'));
  });
});
