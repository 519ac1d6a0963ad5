import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, ERRORS, isAppError, lineColumn, parseJson } from '../../src/core/errors.ts';
import { EXIT } from '../../src/core/exit-codes.ts';
import { REPO } from '../helpers/paths.ts';

const errorsDoc = readFileSync(join(REPO, 'docs', 'errors.md'), 'utf8');

test('every error code in the table has a row and a section in docs/errors.md', () => {
  for (const [code, meta] of Object.entries(ERRORS)) {
    assert.match(errorsDoc, new RegExp(`^\\| \\[\`${code}\`\\]\\(#${code.toLowerCase()}\\) \\| ${meta.exit} \\| ${meta.http} \\|`, 'm'), `table row for ${code}`);
    assert.match(errorsDoc, new RegExp(`^## ${code}$`, 'm'), `section for ${code}`);
  }
});

test('every code documented in docs/errors.md exists in the table', () => {
  const documented = [...errorsDoc.matchAll(/^## (ERR_[A-Z0-9_]+)$/gm)].map((m) => m[1]!);
  assert.ok(documented.length > 0);
  for (const code of documented) assert.ok(code in ERRORS, `${code} is documented but not in src/core/errors.ts`);
});

test('every exit code is documented in docs/exit-codes.md and nothing else is', () => {
  const doc = readFileSync(join(REPO, 'docs', 'exit-codes.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| (\d+) \| ([A-Z]+) \|/gm)].map((m) => [m[2], Number(m[1])]);
  assert.deepEqual(Object.fromEntries(rows), EXIT);
  for (const code of Object.values(EXIT)) assert.ok(code < 126 || code > 165, `${code} collides with shell codes`);
});

test('AppError carries exit, http and a location', () => {
  const e = new AppError('ERR_LOCKFILE_PARSE', 'bad indent', { file: 'yarn.lock', line: 12, column: 3, hint: 'regenerate' });
  assert.equal(e.exit, 3);
  assert.equal(e.http, 400);
  assert.equal(e.where, 'yarn.lock:12:3');
  assert.ok(isAppError(e));
  assert.ok(!isAppError(Object.assign(new Error('x'), { code: 'ENOENT' })));
  assert.deepEqual(e.toJSON(), { code: 'ERR_LOCKFILE_PARSE', message: 'bad indent', hint: 'regenerate', file: 'yarn.lock', line: 12, column: 3 });
});

test('lineColumn is 1-based', () => {
  assert.deepEqual(lineColumn('ab\ncd\nef', 0), { line: 1, column: 1 });
  assert.deepEqual(lineColumn('ab\ncd\nef', 4), { line: 2, column: 2 });
  assert.deepEqual(lineColumn('ab\ncd\nef', 6), { line: 3, column: 1 });
});

test('parseJson names the file, line and column of a syntax error', () => {
  const cases = [
    { text: '{\n  "a": 1,\n  "b": ,\n}', line: 3 },
    { text: '{"a": [1, 2', line: 1 },
    { text: '\n\n{"x": tru}', line: 3 },
  ];
  for (const c of cases) {
    assert.throws(() => parseJson(c.text, 'f.json'), (err: unknown) => {
      assert.ok(isAppError(err));
      assert.equal(err.code, 'ERR_JSON_PARSE');
      assert.equal(err.file, 'f.json');
      assert.equal(err.line, c.line, `${JSON.stringify(c.text)} -> ${err.line}:${err.column}`);
      assert.ok(typeof err.column === 'number' && err.column >= 1);
      return true;
    });
  }
  assert.deepEqual(parseJson('{"a":1}', 'ok.json'), { a: 1 });
});
