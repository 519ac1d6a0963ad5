/**
 * End-to-end: static analysis + V8 proof. Every vulnerable case must be reproduced in V8 (the
 * proof's samples show the slowdown); every safe case must come out safe with no proof run.
 * Real-world patterns name the package and advisory they come from.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRegex, analyzeRegexStatic, closeProofPool, DEFAULT_BUDGET } from '../../src/redos/analyze.ts';

after(() => closeProofPool());

interface VulnerableCase {
  name: string;
  pattern: string;
  flags?: string;
  type: 'exponential' | 'polynomial';
  /** Minimum polynomial degree expected from the fit. */
  degree?: number;
  severity?: ('low' | 'moderate' | 'high' | 'critical')[];
}

const vulnerable: VulnerableCase[] = [
  // classic shapes
  { name: 'nested quantifier (a+)+', pattern: '^(a+)+$', type: 'exponential', severity: ['critical'] },
  { name: 'nested star (a*)*', pattern: '^(a*)*$', type: 'exponential' },
  { name: 'overlapping alternation (a|a)*', pattern: '^(a|a)*$', type: 'exponential' },
  { name: 'multi-char pump (a|b|ab)*', pattern: '^(?:a|b|ab)*$', type: 'exponential' },
  { name: 'word-and-optional-dot (\\w+\\.?)*', pattern: '^(\\w+\\.?)*$', type: 'exponential' },
  { name: 'case folding makes a and A overlap', pattern: '^(a|A)+$', flags: 'i', type: 'exponential' },
  { name: 'dotAll makes . and \\n overlap', pattern: '^(?:.|\\n)*x$', flags: 's', type: 'exponential' },
  { name: 'multiline ^ after a line terminator', pattern: '^\\s+x', flags: 'm', type: 'polynomial', degree: 2 },
  { name: 'astral code points under u', pattern: '^(\\u{1F600}|\\p{Emoji_Presentation})+$', flags: 'u', type: 'exponential' },
  { name: 'unanchored trailing whitespace \\s+$', pattern: '\\s+$', type: 'polynomial', degree: 2 },
  { name: 'unanchored star before a failing literal (a|b)*c', pattern: '(a|b)*c', type: 'polynomial', degree: 2 },
  { name: 'multi-char polynomial pump (ab|a)*c', pattern: '(ab|a)*c', type: 'polynomial', degree: 2 },
  { name: 'multi-char pump (\\w+\\.)*\\w+@', pattern: '(\\w+\\.)*\\w+@', type: 'polynomial', degree: 2 },
  { name: 'two adjacent loops ^a+a+$', pattern: '^a+a+$', type: 'polynomial', degree: 2 },
  { name: 'cubic: search plus two loops a+a+$', pattern: 'a+a+$', type: 'polynomial', degree: 3 },
  { name: 'finite ambiguity of a counted repetition (no cycle)', pattern: '^(a?){30}a{30}$', type: 'exponential' },
  // real advisories
  { name: 'ms < 2.0.0 duration parser (CVE-2017-20162)', pattern: '^((?:\\d+)?\\.?\\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|years?|yrs?|y)?$', flags: 'i', type: 'polynomial', degree: 2 },
  { name: 'trim < 0.0.3 (CVE-2020-7753), g-flag continuation', pattern: '^\\s*|\\s*$', flags: 'g', type: 'polynomial', degree: 2 },
  { name: 'marked < 0.3.9 inline em (exponential)', pattern: '^\\b_((?:__|[\\s\\S])+?)_\\b|^\\*((?:\\*\\*|[\\s\\S])+?)\\*(?!\\*)', type: 'exponential', severity: ['critical'] },
  { name: 'moment < 2.29.4 RFC 2822 comment strip (CVE-2022-31129)', pattern: '\\([^)]*\\)|[\\n\\t]', flags: 'g', type: 'polynomial', degree: 2 },
  { name: 'fresh < 0.5.2 / forwarded header split (CVE-2017-16119)', pattern: ' *, *', type: 'polynomial', degree: 2 },
  { name: 'mime < 1.4.1 extension strip (CVE-2017-16138)', pattern: '.*[\\.\\/\\\\]', type: 'polynomial', degree: 2 },
  { name: 'tough-cookie < 2.3.3 cookie pair (CVE-2017-15010)', pattern: '^(([^=;]+))\\s*=\\s*([^\\n\\r\\0]*)', type: 'polynomial', degree: 2 },
  { name: 'ansi-regex < 5.0.1 (CVE-2021-3807)', pattern: '[\\u001B\\u009B][[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[-a-zA-Z\\d\\/#&.:=?%@~_]*)*)?\\u0007)|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PR-TZcf-ntqry=><~]))', flags: 'g', type: 'polynomial', degree: 2 },
  { name: 'glob-parent < 5.1.2 enclosure (CVE-2020-28469)', pattern: '[\\{\\[].*[\\/]*.*[\\}\\]]$', type: 'polynomial', degree: 3 },
  { name: 'path-parse < 1.0.7 splitTailRe (CVE-2021-23343), lazy prefix', pattern: '^([\\s\\S]*?)((?:\\.{1,2}|[^\\\\\\/]+?|)(\\.[^.\\/\\\\]*|))(?:[\\\\\\/]*)$', type: 'polynomial', degree: 2 },
  { name: 'color-string < 1.5.5 hwb (CVE-2021-29060)', pattern: '^hwb\\(\\s*([+-]?\\d*[\\.]?\\d+)(?:deg)?\\s*,\\s*([+-]?[\\d\\.]+)%\\s*,\\s*([+-]?[\\d\\.]+)%\\s*(?:,\\s*([+-]?[\\d\\.]+)\\s*)?\\)$', type: 'polynomial', degree: 2 },
  { name: 'nth-check < 2.0.1 (CVE-2021-3803)', pattern: '^([+\\-]?\\d*n)?\\s*(?:([+\\-]?)\\s*(\\d+))?$', type: 'polynomial', degree: 2 },
  { name: 'trim-newlines < 3.0.1 (CVE-2021-33623)', pattern: '[\\r\\n]+$', type: 'polynomial', degree: 2 },
  { name: 'ua-parser-js < 0.7.22 Redmi device regex, A*A+ shape (SNYK-JS-UAPARSERJS-610226)', pattern: '\\b(redmi[\\s_-]?(?:note)?(?:[\\s_]*[\\w\\s]+))(?:\\sbuild|\\))', flags: 'i', type: 'polynomial', degree: 2 },
  { name: 'marked < 0.6.2 inline.text email scan inside a lookahead', pattern: "^(`+|[^`])[\\s\\S]*?(?=[\\\\<!\\[`*~]|\\b_| {2,}\\n|https?://|ftp://|www\\.|[a-zA-Z0-9.!#$%&'*+/=?^_`{\\|}~-]+@|$)", type: 'polynomial', degree: 2 },
  { name: 'negotiator < 0.6.1 charset parser (WG-106): two-character failing suffix', pattern: '^\\s*(\\S+?)\\s*(?:;(.*))?$', type: 'polynomial', degree: 2 },
  { name: 'negotiator < 0.6.1 language parser (WG-106)', pattern: '^\\s*(\\S+?)(?:-(\\S+?))?\\s*(?:;(.*))?$', type: 'polynomial', degree: 2 },
  { name: 'tough-cookie style optional pair: slow branch tried before the match that skips it', pattern: '^((?:=)?([^=;]*)\\s*=\\s*)?([^\\n\\r\\0]*)', type: 'polynomial', degree: 2 },
  { name: 'content-type parameter with quoted string: exponential before the optional group is skipped', pattern: '([!#\\$%&\'\\*\\+\\-\\.\\^_`\\|~0-9A-Za-z]+)(?:=(?:([!#\\$%&\'\\*\\+\\-\\.\\^_`\\|~0-9A-Za-z]+)|"((?:\\\\[\\x00-\\x7f]|[^\\x00-\\x08\\x0a-\\x1f\\x7f"])*)"))?', type: 'exponential', severity: ['critical'] },
  { name: 'two-byte literal: the attack must be a two-byte string for V8 to try', pattern: '(元|\\d+)年', type: 'polynomial', degree: 2 },
  { name: 'prefix character chosen so no alternative matches early', pattern: '[a-z][A-Z]|[A-Z]{2,}[a-z]|[0-9][a-zA-Z]|[a-zA-Z][0-9]|[^a-zA-Z0-9 ]', type: 'polynomial', degree: 2 },
  { name: 'suffix character found among the label atoms', pattern: '(^|[^\\\\])([\\{\\[]|\\([^\\)]+$)', type: 'polynomial', degree: 2 },
  { name: 'lodash < 4.17.21 trimEnd (CVE-2020-28500)', pattern: '\\s+$', flags: 'u', type: 'polynomial', degree: 2 },
];

describe('vulnerable regexes are found and proven in V8', () => {
  for (const c of vulnerable) {
    test(c.name, async () => {
      // a generous budget: the proof stops as soon as the growth is established, and a loaded
      // CI machine must not turn a finding into a timeout
      const r = await analyzeRegex(c.pattern, c.flags ?? '', { timeoutMs: 10_000 });
      const v = r.verdict;
      assert.equal(v.kind, 'vulnerable', `${c.pattern}: ${JSON.stringify(v)}`);
      if (v.kind !== 'vulnerable') return;
      assert.equal(v.verified, true);
      assert.equal(v.complexity.type, c.type, JSON.stringify(v.proof?.fitted));
      if (c.degree !== undefined) assert.ok((v.complexity.degree ?? 0) >= c.degree, `degree ${v.complexity.degree} < ${c.degree}`);
      // the proof really measured the slowdown in V8
      assert.ok(v.proof && v.proof.method === 'v8-timing');
      const slowest = Math.max(...v.proof.samples.map((s) => s.ms));
      assert.ok(slowest >= 6, `slowest sample ${slowest} ms`);
      assert.ok(v.attackLength100ms !== undefined && v.attackLength1s !== undefined);
      assert.ok(v.attackLength100ms <= v.attackLength1s);
      assert.ok(v.safeInputLength !== undefined && v.safeInputLength < v.attackLength100ms);
      if (c.severity) assert.ok(c.severity.includes(v.severity), `severity ${v.severity}`);
      assert.ok(r.hint && r.hint.length > 40, 'a fix hint');
      assert.ok(v.attack.pump.length > 0);
    });
  }
});

const safe: { name: string; pattern: string; flags?: string }[] = [
  { name: 'disjoint alternation in a loop', pattern: '^(a|b)+$' },
  { name: 'slug', pattern: '^[a-z]+(?:-[a-z]+)*$' },
  { name: 'anchored decimal', pattern: '^\\d+\\.\\d+$' },
  { name: 'dotted name with mandatory separators', pattern: '^(\\w+\\.)*\\w+$' },
  { name: 'nested quantifier that always matches', pattern: '(a+)+' },
  { name: 'without s, . and \\n are disjoint', pattern: '^(?:.|\\n)*x$' },
  { name: 'with s, (.|\\n)* always matches', pattern: '^(.|\\n)*$', flags: 's' },
  { name: 'without i, a and A are disjoint', pattern: '^(a|A)+$' },
  { name: 'word boundaries', pattern: '\\bfoo\\b' },
  { name: 'semver core', pattern: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$' },
  { name: 'hex colour', pattern: '^#?([a-f0-9]{6}|[a-f0-9]{3})$', flags: 'i' },
  { name: 'uuid', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', flags: 'i' },
  { name: 'sticky tokenizer', pattern: '\\s+|[a-z]+|\\d+', flags: 'y' },
  { name: 'ms-style duration without the overlapping digits', pattern: '^(-?\\d+(?:\\.\\d+)?) *(milliseconds?|msecs?|ms|seconds?|secs?|s)?$', flags: 'i' },
  { name: 'multiline ^ cannot match inside a line', pattern: '^ +x', flags: 'm' },
  { name: 'line-anchored key value', pattern: '^([a-z]+)=(.*)$', flags: 'm' },
  { name: 'v-flag set subtraction', pattern: '^[\\p{L}--[a-z]]+$', flags: 'v' },
  { name: 'named groups and backreference', pattern: '^(?<q>["\'])[^"\']*\\k<q>$' },
  { name: 'lookbehind', pattern: '(?<=\\$)\\d+(?:\\.\\d{2})?' },
];

describe('safe regexes are not flagged', () => {
  for (const c of safe) {
    test(c.name, async () => {
      const s = analyzeRegexStatic(c.pattern, c.flags ?? '');
      assert.deepEqual(s.verdict, { kind: 'safe' }, `${c.pattern}: ${JSON.stringify(s.verdict)}`);
      const r = await analyzeRegex(c.pattern, c.flags ?? '');
      assert.deepEqual(r.verdict, { kind: 'safe' });
      assert.equal(r.hint, undefined);
    });
  }
});

describe('verdicts other than safe and vulnerable', () => {
  const invalid: [string, string][] = [
    ['(', ''],
    ['a**', ''],
    ['a', 'gg'],
    ['a', 'uv'],
    ['\\p{Nope}', 'u'],
    ['[z-a]', ''],
  ];
  for (const [pattern, flags] of invalid) {
    test(`/${pattern}/${flags} is invalid`, async () => {
      const r = await analyzeRegex(pattern, flags);
      assert.equal(r.verdict.kind, 'invalid');
      if (r.verdict.kind === 'invalid') assert.ok(r.verdict.message.length > 0);
    });
  }

  test('an ambiguity V8 does not exhibit is unknown (not-reproduced), never vulnerable or safe', async () => {
    // the atomic-group emulation: statically ambiguous through the backreference's
    // over-approximation, linear in V8
    const r = await analyzeRegex('^(?:(?=(a+))\\1)*$', '', { timeoutMs: 2_000 });
    assert.equal(r.verdict.kind, 'unknown');
    if (r.verdict.kind === 'unknown') {
      assert.equal(r.verdict.why, 'not-reproduced');
      assert.match(r.verdict.detail ?? '', /candidate/);
    }
    assert.ok(r.ms < 4_000, `${r.ms} ms`);
  });

  test('a proof cut short by the time budget is unknown (timeout), not not-reproduced', async () => {
    const r = await analyzeRegex('^(a+)+$', '', { timeoutMs: 30 });
    assert.equal(r.verdict.kind, 'unknown');
    if (r.verdict.kind === 'unknown') assert.equal(r.verdict.why, 'timeout');
  });

  test('without verify the verdict is vulnerable but unverified, with an estimated severity', () => {
    const r = analyzeRegexStatic('^(a+)+$', '');
    assert.equal(r.verdict.kind, 'vulnerable');
    if (r.verdict.kind !== 'vulnerable') return;
    assert.equal(r.verdict.verified, false);
    assert.equal(r.verdict.proof, undefined);
    assert.equal(r.verdict.severity, 'critical');
    assert.deepEqual(r.verdict.attack, { prefix: 'a', pump: 'a', suffix: r.verdict.attack.suffix });
  });

  test('concurrent analyses share the proof workers and each keeps its own budget', async () => {
    const patterns = ['^(a+)+$', '\\s+$', '^(b*)*$', '(ab|a)*c', ' *, *', '^(\\d+\\s?)*$'];
    const results = await Promise.all(patterns.map((p) => analyzeRegex(p, '')));
    for (const r of results) {
      assert.equal(r.verdict.kind, 'vulnerable', `${r.pattern}: ${JSON.stringify(r.verdict)}`);
      if (r.verdict.kind === 'vulnerable') assert.equal(r.verdict.verified, true);
    }
  });

  test('the result is plain JSON (for caches and reports)', async () => {
    const r = await analyzeRegex('^(a|a)*$', '');
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  });

  test('DEFAULT_BUDGET verifies by default and is frozen', () => {
    assert.equal(DEFAULT_BUDGET.verify, true);
    assert.ok(Object.isFrozen(DEFAULT_BUDGET));
  });
});
