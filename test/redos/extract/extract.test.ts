import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFromSource, lineIndex, suppressionReason } from '../../../src/redos/extract/extract.ts';
import { extractFile } from '../../../src/redos/extract/file.ts';
import { REPO, OWN } from '../../helpers/paths.ts';

const pats = (src: string, file = 'x.js') => extractFromSource(src, file).sites.map((s) => `${s.origin} /${s.pattern}/${s.flags}`);

describe('extractFromSource: origins and folding', () => {
  const cases: { name: string; src: string; file?: string; want: string[] }[] = [
    { name: 'regex literal', src: 'const r = /a+b/gi;', want: ['literal /a+b/gi'] },
    { name: 'RegExp() with string literal', src: "RegExp('x*', 'm')", want: ['RegExp() /x*/m'] },
    { name: 'new RegExp() without flags', src: "new RegExp('x*')", want: ['new RegExp() /x*/'] },
    { name: 'template without substitutions', src: 'new RegExp(`^\\\\d+$`)', want: ['new RegExp() /^\\d+$/'] },
    { name: 'String.raw template', src: 'new RegExp(String.raw`^\\d+$`)', want: ['new RegExp() /^\\d+$/'] },
    { name: '+ concatenation of literals', src: "new RegExp('^(' + 'a|b' + ')+$', 'u')", want: ['new RegExp() /^(a|b)+$/u'] },
    { name: 'const bindings and template substitutions', src: "const A = '[a-z]'; const B = `${A}+`; const re = new RegExp('^' + B + '@' + A + '$');", want: ['new RegExp() /^[a-z]+@[a-z]$/'] },
    { name: 'const inside a function that never runs', src: "function f(x) { const W = '\\\\w+'; return new RegExp(W + x); }\nfunction g() { const W = '\\\\s+'; return RegExp(W, 'g'); }", want: ['RegExp() /\\s+/g'] },
    { name: 'parameter shadows a module const', src: "const P = 'a+'; function f(P) { return new RegExp(P); }", want: [] },
    { name: 'reassigned let is not trusted inside functions', src: "let P = 'a+'; function set(x) { P = x; } function f() { return new RegExp(P); }", want: [] },
    { name: 'regex .source reuse', src: "const A = /\\d+/; const B = new RegExp(A.source + '\\\\.' + A.source, 'g');", want: ['literal /\\d+/', 'new RegExp() /\\d+\\.\\d+/g'] },
    { name: 'array join', src: "const parts = ['a+', 'b+']; new RegExp(parts.join('|'));", want: ['new RegExp() /a+|b+/'] },
    { name: 'object table written at module scope', src: "const T = {}; T.word = '\\\\w+'; T['num'] = '\\\\d+'; const re = new RegExp(T.word + T.num);", want: ['new RegExp() /\\w+\\d+/'] },
    { name: 'dynamic pattern is not reported', src: 'function f(s) { return new RegExp(s); }', want: [] },
    { name: 'unknown flags are not guessed', src: "function f(fl) { return new RegExp('a', fl); }", want: [] },
    { name: 'flags chosen by an unknown condition give both variants (ansi-regex)', src: "module.exports = ({ onlyFirst = false } = {}) => { const pattern = ['[\\u001B]', 'x+'].join('|'); return new RegExp(pattern, onlyFirst ? undefined : 'g'); };", want: ['new RegExp() /[\u001B]|x+/', 'new RegExp() /[\u001B]|x+/g'] },
    { name: 'conditional on a known constant', src: "const G = true; new RegExp('a', G ? 'g' : '');", want: ['new RegExp() /a/g'] },
    { name: 'TypeScript with type assertions', file: 'x.ts', src: "const A = 'x+' as const; enum E { A } const r: RegExp = new RegExp(A satisfies string, 'y'); const s = <RegExp>/t/;", want: ['new RegExp() /x+/y', 'literal /t/'] },
    { name: 'TSX', file: 'x.tsx', src: "export const C = (p: { s: string }) => <div title={String(/a|b/.test(p.s))}>{p.s.replace(/\\s+$/u, '')}</div>;", want: ['literal /a|b/', 'literal /\\s+$/u'] },
    { name: 'JSX in a .js file', src: 'export const C = () => <a href="x">{/y+/.source}</a>;', want: ['literal /y+/'] },
    { name: 'CommonJS top-level return in .js', src: "if (x) return;\nmodule.exports = /z+/;", want: ['literal /z+/'] },
    { name: '.cjs and .mjs', file: 'a.cjs', src: "return RegExp('q+');", want: ['RegExp() /q+/'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = extractFromSource(c.src, c.file ?? 'x.js');
      assert.equal(r.parseError, undefined, JSON.stringify(r.parseError));
      assert.deepEqual(r.sites.map((s) => `${s.origin} /${s.pattern}/${s.flags}`), c.want);
    });
  }

  it('reports line and column (1-based, UTF-16) of each site', () => {
    const r = extractFromSource("const é = 'x';\n  const r = /a/;\nnew RegExp('b')", 'x.js');
    assert.deepEqual(r.sites.map((s) => [s.line, s.column]), [[2, 13], [3, 1]]);
  });

  it('counts dynamic RegExp calls', () => {
    assert.equal(extractFromSource('function f(s) { return [new RegExp(s), RegExp(s + "x")]; }', 'x.js').dynamic, 2);
  });
});

describe('extractFromSource: module-scope tables', () => {
  it('folds semver 7 internal/re.js createToken tables (installed copy)', () => {
    const file = join(REPO, 'node_modules', 'semver', 'internal', 're.js');
    const r = extractFromSource(readFileSync(file, 'utf8'), file);
    const table = r.sites.filter((s) => s.origin === 'table');
    assert.ok(table.length >= 30, `only ${table.length} table sites`);
    // MAINVERSION is built from src[t.NUMERICIDENTIFIER] three times.
    assert.ok(table.some((s) => s.pattern === '(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)'));
    // The 'g' flag passed through createToken's third argument.
    assert.ok(table.some((s) => s.flags === 'g' && s.pattern.startsWith('(\\s*)')));
    // Located at the createToken(...) call, not inside createToken.
    const lines = new Set(table.map((s) => s.line));
    assert.ok(lines.size >= 30);
  });

  it('folds semver 5 style src[NAME] = ... tables and the RegExp loop (an entry compiled explicitly is not compiled again)', () => {
    const file = join(OWN, 'redos', 'tables', 'semver5-style.js');
    const r = extractFromSource(readFileSync(file, 'utf8'), file);
    const got = r.sites.map((s) => `${s.line} ${s.origin} /${s.pattern}/${s.flags}`);
    assert.deepEqual(got, [
      '6 table /0|[1-9]\\d*/',
      '9 table /(0|[1-9]\\d*)\\.(0|[1-9]\\d*)/',
      '11 table /^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$/',
      '16 new RegExp() /(\\s*)~>?\\s+/g',
    ]);
  });

  it('follows relative requires for constants: semver 7 safeRe with MAX_LENGTH from ./constants', () => {
    const r = extractFile(join(REPO, 'node_modules', 'semver', 'internal', 're.js'));
    assert.equal(r.status, 'ok');
    const pats = r.status === 'ok' ? r.sites.map((s) => s.pattern) : [];
    // safeRe: `\d*` bounded to MAX_LENGTH (256), the build class to MAX_SAFE_BUILD_LENGTH (250).
    assert.ok(pats.some((p) => p.includes('\\d{0,256}')), 'no safeRe pattern');
    assert.ok(pats.some((p) => p.includes('[a-zA-Z0-9-]{1,250}')));
  });

  it('follows ES imports (named, renamed, default; .js specifiers to .ts files) and JSON', () => {
    const dir = join(OWN, 'redos', 'modules');
    const main = extractFile(join(dir, 'main.ts'));
    assert.deepEqual(main.status === 'ok' && main.sites.map((s) => `${s.line} /${s.pattern}/${s.flags}`), ['3 /^[a-z]+(?:,[a-z]+)*$/', '4 /^\\d+$/u']);
    const table = extractFile(join(dir, 'table.cjs'));
    // lib.cjs's own RegExp is not a site of table.cjs.
    assert.deepEqual(table.status === 'ok' && table.sites.map((s) => `/${s.pattern}/${s.flags}`), ['/^v?(\\d+)\\.(\\d+)/i']);
  });

  it('require cycles end', () => {
    const r = extractFile(join(OWN, 'redos', 'modules', 'cycle-a.cjs'));
    assert.deepEqual(r.status === 'ok' && r.sites.map((s) => s.pattern), ['b+x']);
  });

  it('object and array element writes through a helper', () => {
    const src = [
      "const re = {}; const src = [];",
      "function def(name, value, flags) { src.push(value); re[name] = new RegExp(value, flags); }",
      "def('A', '[a-z]+');",
      "def('B', `(${src[0]})*$`, 'i');",
    ].join('\n');
    assert.deepEqual(pats(src), ['table /[a-z]+/', 'table /([a-z]+)*$/i']);
  });
});

describe('extractFromSource: bad and hostile input', () => {
  it('an unparsable file gives a parse error with a position, not an exception', () => {
    const r = extractFromSource('const a = /x/;\nfunction (', 'bad.js');
    assert.ok(r.parseError);
    assert.equal(r.parseError.line, 2);
    assert.match(r.parseError.message, /function name|Expected/i);
  });

  it('deeply nested expressions do not overflow the stack', () => {
    const src = `const x = ${'['.repeat(3000)}/a/${']'.repeat(3000)};`;
    const r = extractFromSource(src, 'deep.js');
    assert.ok(r.parseError || r.sites.length === 1);
  });

  it('a long + chain folds or gives up, fast', () => {
    const src = `new RegExp(${Array.from({ length: 5000 }, () => "'a'").join(' + ')});`;
    const t0 = performance.now();
    const r = extractFromSource(src, 'long.js');
    assert.ok(performance.now() - t0 < 5000);
    assert.ok(r.sites.length <= 1);
  });

  it('an endless loop at module scope is bounded', () => {
    const t0 = performance.now();
    const r = extractFromSource("let s = 'a'; for (;;) { s = s + 'a'; }\nfor (let i = 0; i < 1e9; i++) {}\nnew RegExp('ok');", 'loop.js');
    assert.ok(performance.now() - t0 < 5000);
    assert.deepEqual(r.sites.map((s) => s.pattern), ['ok']);
  });

  it('runaway recursion in a helper is bounded', () => {
    const r = extractFromSource("function f(n) { return f(n + 1) + 'x'; } const A = f(0); new RegExp('b+');", 'rec.js');
    assert.deepEqual(r.sites.map((s) => s.pattern), ['b+']);
  });
});

describe('suppression comments', () => {
  it('on the line or the line before, with a reason', () => {
    const src = [
      '// nodesec-ignore-regex: input is capped at 64 bytes',
      'const a = /(a+)+$/;',
      'const b = /(b+)+$/; // nodesec-ignore-regex: trusted config only',
      'const c = /(c+)+$/;',
      '/* nodesec-ignore-regex */',
      'const d = /(d+)+$/;',
    ].join('\n');
    const r = extractFromSource(src, 'x.js');
    assert.deepEqual(r.sites.map((s) => s.suppressed?.reason), ['input is capped at 64 bytes', 'trusted config only', undefined, undefined]);
    assert.deepEqual(r.badSuppressions, [{ line: 5, column: 1 }]);
  });
});

describe('suppressionReason', () => {
  it('reads the reason, and stays linear on hostile comments', () => {
    assert.equal(suppressionReason(' nodesec-ignore-regex: capped at 64 chars '), 'capped at 64 chars');
    assert.equal(suppressionReason('* nodesec-ignore-regex:x'), 'x');
    assert.equal(suppressionReason(' nodesec-ignore-regex'), '');
    assert.equal(suppressionReason(' nodesec-ignore-regex-other: x'), undefined);
    assert.equal(suppressionReason(' eslint-disable-line'), undefined);
    const t0 = performance.now();
    suppressionReason(`nodesec-ignore-regex:a${' '.repeat(200_000)}\nn`);
    suppressionReason(`${' '.repeat(200_000)}x`);
    assert.ok(performance.now() - t0 < 200);
  });
});

describe('lineIndex', () => {
  it('maps offsets', () => {
    const f = lineIndex('ab\ncd\n');
    assert.deepEqual([f(0), f(2), f(3), f(5)], [{ line: 1, column: 1 }, { line: 1, column: 3 }, { line: 2, column: 1 }, { line: 2, column: 3 }]);
  });
});
