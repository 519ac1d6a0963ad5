/**
 * Static analysis alone: the verdict, the shape of the attack, ES semantics of flags and
 * assertions, and the budgets on hostile patterns. The attack must make the whole search fail
 * (checked here with V8 on a few pumps, which is cheap for small inputs).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeStatic, type StaticResult } from '../../../src/redos/analysis/static.ts';

const run = (pattern: string, flags = '', maxSteps = 200_000, ms = 2_000): StaticResult =>
  analyzeStatic(pattern, flags, { maxSteps, deadline: performance.now() + ms });

function failsInV8(pattern: string, flags: string, a: { prefix: string; pump: string; suffix: string }, pumps: number, continuation: boolean): boolean {
  const re = new RegExp(pattern, flags.replace('g', ''));
  const input = a.prefix + a.pump.repeat(pumps) + a.suffix;
  if (!continuation) return !re.test(input);
  // g-flag continuation: after the first search, no match may start inside prefix+pumps
  const g = new RegExp(pattern, flags.includes('g') ? flags : `${flags}g`);
  const starts = [...input.matchAll(g)].map((m) => m.index);
  return starts.every((i) => i === 0 || i >= a.prefix.length + a.pump.length * pumps);
}

describe('attack shapes', () => {
  const cases: { name: string; pattern: string; flags?: string; type?: 'exponential' | 'polynomial'; pump?: RegExp; degree?: number }[] = [
    { name: 'single-char exponential pump', pattern: '^(a+)+$', type: 'exponential', pump: /^a+$/ },
    { name: 'two-char exponential pump from overlapping alternatives', pattern: '^(?:ab|a|b)*$', type: 'exponential', pump: /^[ab]{2,}$/ },
    { name: 'multi-char polynomial pump', pattern: '(ab|a)*c', type: 'polynomial', pump: /^ab$/ },
    { name: 'pump of the separated loop (\\w+\\.)*', pattern: '(\\w+\\.)*\\w+@', type: 'polynomial', pump: /^\w+\.$/ },
    { name: 'pump through a long literal', pattern: '^(?:foo|foobar|bar)*!$', type: 'exponential', pump: /^[fobar]{3,}$/ },
    { name: 'unanchored quadratic search', pattern: '\\s+$', type: 'polynomial', degree: 2, pump: /^\s$/ },
    { name: 'cubic from two loops and the search', pattern: '\\d+\\d+x', type: 'polynomial', degree: 3 },
    { name: 'quartic from three loops and the search', pattern: 'a*a*a*b', type: 'polynomial', degree: 4 },
    { name: 'trim with the g flag', pattern: '^\\s*|\\s*$', flags: 'g', type: 'polynomial', degree: 2 },
    { name: 'counted repetition inside a loop', pattern: '^(a{1,3})+$', type: 'exponential' },
    { name: 'case-insensitive overlap', pattern: '^(?:[a-z]|K)+$', flags: 'i', type: 'exponential' },
    { name: 'unicode case folding of the Kelvin sign', pattern: '^(?:k|\\u212A)+$', flags: 'iu', type: 'exponential' },
    { name: 'v-flag string disjunction', pattern: '^[\\q{ab}ab]+$', flags: 'v', type: 'exponential' },
    { name: 'inline modifier turns on case folding', pattern: '^(?i:a|A)+$', type: 'exponential' },
    { name: 'loop inside a lookahead', pattern: '^(?=(\\w+\\s?)*$)', type: 'exponential' },
    // over-approximated as a copy of the group: static says exponential, the proof fits the real growth
    { name: 'backreference over-approximated', pattern: '^(a+)\\1+$' },
    { name: 'tempered dot that can run to the end', pattern: '\\{(?:(?!\\}).)*\\}', type: 'polynomial', degree: 2 },
    { name: 'multiline ^ pumped with line terminators', pattern: '^\\s+x', flags: 'm', type: 'polynomial', pump: /\n/ },
    { name: 'positive lookbehind that matches inside the run', pattern: '(?<=\\/)\\/+$', type: 'polynomial' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = run(c.pattern, c.flags);
      assert.equal(r.status, 'vulnerable', `/${c.pattern}/${c.flags ?? ''}: ${JSON.stringify(r)}`);
      if (r.status !== 'vulnerable') return;
      if (c.type) assert.equal(r.complexity.type, c.type);
      if (c.degree) assert.equal(r.complexity.degree, c.degree);
      if (c.pump) assert.match(r.attack.pump, c.pump);
      for (const n of [1, 2, 4]) {
        assert.ok(failsInV8(c.pattern, c.flags ?? '', r.attack, n, r.attack.continuation), `attack with ${n} pumps must not match: ${JSON.stringify(r.attack)}`);
      }
    });
  }
});

describe('semantics that make a regex safe', () => {
  const cases: { name: string; pattern: string; flags?: string }[] = [
    { name: 'a match is found at once: no failing suffix exists', pattern: '(a+)+' },
    { name: 'sticky: no retry at later positions', pattern: '\\s+$', flags: 'y' },
    { name: 'anchored start: no retry', pattern: '^\\s+$' },
    { name: 'empty iterations are rejected: (a?)* is linear', pattern: '^(a?)*$' },
    { name: 'disjoint loops a*b*', pattern: '^a*b*$' },
    { name: '$ cannot be followed by a character', pattern: '^(?:a$|a)*b$' },
    { name: 'word boundary separates the loops', pattern: '^(?:\\w+\\b\\s*)*$' },
    { name: 'bounded repetition expanded exactly', pattern: 'a{1,100}b' },
    { name: 'fixed count is not a loop', pattern: '^(?:ab|a){3}$' },
    { name: 'large unambiguous counts', pattern: '^\\d{1,3}(,\\d{3}){0,20}$' },
    { name: 'fixed-length hex', pattern: '^[a-f0-9]{32}$' },
    { name: 'multiline ^ only after a line terminator', pattern: '^ +x', flags: 'm' },
    { name: 'a negative lookbehind stops retries inside the run', pattern: '(?<!\\/)\\/+$' },
    { name: 'a word boundary stops retries inside a word', pattern: '\\b\\w+\\s*$' },
    { name: 'tempered dot cannot cross the opening brace', pattern: '\\{(?:(?!\\{).)*\\}' },
    { name: '(?!$) needs a character after the run', pattern: '(^|[^\\\\])(?:\\\\\\*)+(?!$)', flags: 'g' },
    { name: 'a match needs 4 pumps: exact pump validation sees it', pattern: '(\\d+)(\\d{3})' },
    { name: '\\b between the words of a loop: no exponential split', pattern: '^(?:\\w+\\b\\s?)*$' },
    { name: 'a later alternative matches at the first start: no quadratic retry', pattern: '(?:\\d*[a-zA-Z-][a-zA-Z0-9-]*|\\d+)' },
    { name: 'the empty alternative matches before the first loop backtracks', pattern: '^([^: \\t]+):[ \\t]*((?:.*[^ \\t])|)' },
    { name: 'empty pattern', pattern: '' },
    { name: 'only assertions', pattern: '^$' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = run(c.pattern, c.flags);
      assert.equal(r.status, 'safe', `/${c.pattern}/${c.flags ?? ''}: ${JSON.stringify(r)}`);
    });
  }
});

describe('hostile patterns stay within budget', () => {
  const cases: { name: string; pattern: () => string; flags?: string }[] = [
    { name: 'nested counted repetitions (a{1000}){1000}', pattern: () => '(a{1000}){1000}' },
    { name: 'nested counted ranges ((a{1,1000}){1,1000}){1,1000}', pattern: () => '((a{1,1000}){1,1000}){1,1000}$' },
    { name: '10,000-character literal', pattern: () => 'ab'.repeat(5_000) },
    { name: 'huge alternation of 3,000 words', pattern: () => `^(?:${Array.from({ length: 3_000 }, (_, i) => `w${i}`).join('|')})+$` },
    { name: 'alternation of overlapping words in a loop', pattern: () => `^(?:${Array.from({ length: 400 }, (_, i) => 'a'.repeat(1 + (i % 7)) + 'b'.repeat(i % 3)).join('|')})*$` },
    { name: 'deep nesting (2,000 groups)', pattern: () => `${'('.repeat(2_000)}a${')'.repeat(2_000)}` },
    { name: 'deep nesting of quantified groups', pattern: () => `${'(?:'.repeat(300)}a${')*'.repeat(300)}$` },
    { name: 'many sequential loops', pattern: () => `^${'\\s*a?'.repeat(400)}$` },
    { name: 'every flag at once', pattern: () => '^(?:[\\p{L}\\d]+|\\S)+$', flags: 'dgimsuy' },
    { name: 'unicode property classes in a loop', pattern: () => '^(?:\\p{Lu}|\\p{Ll}|\\p{L})+$', flags: 'u' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const pattern = c.pattern();
      const t0 = performance.now();
      const r = run(pattern, c.flags, 200_000, 1_500);
      const ms = performance.now() - t0;
      assert.ok(ms < 4_000, `took ${ms} ms`);
      assert.ok(['safe', 'vulnerable', 'unknown'].includes(r.status), r.status);
      if (r.status === 'unknown') assert.ok(['budget', 'timeout'].includes(r.why), JSON.stringify(r));
    });
  }

  test('a tiny step budget yields unknown (budget), never safe', () => {
    const r = run('^(?:a|b|c|d|e|f|g|h|ab|cd|ef)*(?:x|y)*\\s*\\w+$', '', 50);
    assert.equal(r.status, 'unknown');
    if (r.status === 'unknown') assert.equal(r.why, 'budget');
  });

  test('an expired deadline yields unknown (timeout)', () => {
    const many = `^(?:${Array.from({ length: 300 }, (_, i) => `[a-z]{${1 + (i % 4)}}`).join('|')})*$`;
    const r = analyzeStatic(many, '', { maxSteps: 1e9, deadline: performance.now() - 1 });
    assert.ok(r.status === 'unknown' || r.status === 'vulnerable', JSON.stringify(r).slice(0, 200));
  });
});

describe('parse outcomes', () => {
  test('V8 syntax errors are invalid with V8 message', () => {
    const r = run('a(');
    assert.equal(r.status, 'invalid');
    if (r.status === 'invalid') assert.match(r.message, /Invalid regular expression/);
  });
  test('bad flags are invalid', () => {
    assert.equal(run('a', 'x').status, 'invalid');
  });
  test('Annex B syntax (legacy octal escapes, braces) parses', () => {
    assert.equal(run('\\1a{', '').status, 'safe');
    assert.equal(run(']', '').status, 'safe');
  });
});
