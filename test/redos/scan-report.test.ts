import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scanRegexes } from '../../src/redos/scan.ts';
import { toFinding, toJson, toMarkdown, toRegexSarif, toText } from '../../src/redos/report.ts';
import { regexCheck } from '../../src/redos/check.ts';
import { createIgnorePolicy } from '../../src/core/ignore.ts';
import { REPO, SCHEMAS } from '../helpers/paths.ts';
import { fakeAnalyzer, validator, writeTree } from './helpers.ts';

const tree = writeTree({
  'package.json': '{"name":"app"}',
  'lib/parse.js': "// nodesec-ignore-regex: trusted input\nconst a = /(b+)+$/;\nconst b = /^(a+)+$/u;\nconst c = new RegExp('\\\\s*x\\\\s*');\nconst d = /UNKNOWN|x/;\n",
  'node_modules/dep/package.json': '{"name":"dep","version":"1.0.0"}',
  'node_modules/dep/i.js': 'module.exports = /(a+)+dep/;',
});
after(() => tree.cleanup());

describe('regex reporters', async () => {
  const r = await scanRegexes({ root: tree.dir, nodeModules: true, analyzer: fakeAnalyzer().analyze, workers: 0 });

  it('JSON output carries every documented field and matches the schema', () => {
    const json = toJson(r, '0.1.0') as { findings: Record<string, unknown>[]; suppressed: Record<string, unknown>[] };
    const validate = validator(join(REPO, 'docs', 'schemas', 'regex-report.schema.json'));
    assert.ok(validate(json), JSON.stringify(validate.errors));
    const exp = json.findings.find((f) => f.pattern === '^(a+)+$')!;
    assert.deepEqual(
      { file: exp.file, line: exp.line, column: exp.column, flags: exp.flags, verdict: exp.verdict, complexity: exp.complexity, attack: exp.attack, verified: exp.verified, l100: exp.attackLength100ms, l1s: exp.attackLength1s, package: exp.package },
      { file: 'lib/parse.js', line: 3, column: 11, flags: 'u', verdict: 'vulnerable', complexity: { type: 'exponential', degree: null }, attack: { prefix: '', pump: 'a', suffix: '!' }, verified: true, l100: 20, l1s: 23, package: null },
    );
    assert.equal(json.findings.find((f) => f.pattern === '(a+)+dep')!.package, 'dep@1.0.0');
    assert.deepEqual(json.findings.find((f) => f.pattern === '\\s*x\\s*')!.complexity, { type: 'polynomial', degree: 2 });
    assert.equal(json.findings.find((f) => f.verdict === 'unknown')!.why, 'budget');
    assert.deepEqual(json.suppressed.map((f) => f.suppressed), [{ by: 'comment', reason: 'trusted input' }]);
  });

  it('SARIF with vulnerable findings is valid and located', () => {
    const sarif = toRegexSarif(r, '0.1.0') as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[] }[] };
    const validate = validator(join(SCHEMAS, 'sarif-schema-2.1.0.json'));
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
    const high = sarif.runs[0]!.results.find((x) => x.ruleId === 'unsafe-regex' && x.level === 'error')!;
    assert.deepEqual(high.locations[0]!.physicalLocation.region, { startLine: 3, startColumn: 11 });
  });

  it('text shows location, pattern, complexity, attack, proof and fix', () => {
    const text = toText(r, { color: false });
    assert.match(text, /HIGH\s+unsafe-regex  lib\/parse\.js:3:11/);
    assert.match(text, /\/\^\(a\+\)\+\$\/u  \[literal\]  exponential/);
    assert.match(text, /attack: "" \+ "a" × n \+ "!"/);
    assert.match(text, /blocks the event loop: 100 ms at 20 chars, 1 s at 23 chars/);
    assert.match(text, /proof: reproduced in V8/);
    assert.match(text, /fix: make the inner quantifier/);
    assert.match(text, /\(dep@1\.0\.0\)/);
    assert.match(text, /quadratic/);
  });

  it('markdown escapes pipes in patterns', () => {
    const md = toMarkdown(r);
    assert.match(md, /UNKNOWN\\\|x/);
  });

  it('shared findings carry check, rule and location for nodesec check', () => {
    const f = toFinding(r.findings[0]!);
    assert.equal(f.check, 'regex');
    assert.equal(f.ruleId, 'unsafe-regex');
    assert.equal(f.severity, 'high');
    assert.ok(f.location?.file);
  });
});

describe('regex ProjectCheck', () => {
  it('runs on the project sources through the ignore policy', async () => {
    const t = writeTree({ 'package.json': '{}', 'a.js': 'const x = ;' });
    try {
      const ignore = createIgnorePolicy([]);
      const res = await regexCheck.run({ dir: t.dir, env: {}, offline: true, ignore, now: new Date(), progress: () => {} });
      assert.equal(res.status, 'ok');
      assert.deepEqual(res.findings.map((f) => [f.check, f.ruleId, f.location?.file]), [['regex', 'parse-error', 'a.js']]);
      const none = writeTree({ 'package.json': '{}' });
      const skipped = await regexCheck.run({ dir: none.dir, env: {}, offline: true, ignore, now: new Date(), progress: () => {} });
      none.cleanup();
      assert.equal(skipped.status, 'skipped');
    } finally {
      t.cleanup();
    }
  });
});
