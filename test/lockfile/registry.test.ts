import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickReader, readers } from '../../src/lockfile/index.ts';

describe('reader registry', () => {
  it('is an explicit list sorted by id, each reader well-formed', () => {
    const ids = readers.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.deepEqual(ids, ['bun/bun-lock', 'npm/package-lock', 'pnpm/pnpm-lock', 'yarn/berry', 'yarn/classic']);
    for (const r of readers) {
      assert.ok(Number.isInteger(r.version) && r.version >= 1, r.id);
      assert.equal(typeof r.matches, 'function');
      assert.equal(typeof r.read, 'function');
    }
  });

  it('picks by file name, then by content', () => {
    const pick = (path: string, text: string) => pickReader(path, text)?.id;
    assert.equal(pick('a/package-lock.json', '{}'), 'npm/package-lock');
    assert.equal(pick('npm-shrinkwrap.json', '{}'), 'npm/package-lock');
    assert.equal(pick('yarn.lock', '# yarn lockfile v1\n'), 'yarn/classic');
    assert.equal(pick('yarn.lock', '# comment\n\n__metadata:\n  version: 8\n'), 'yarn/berry');
    assert.equal(pick('pnpm-lock.yaml', "lockfileVersion: '9.0'\n"), 'pnpm/pnpm-lock');
    assert.equal(pick('bun.lock', '{"lockfileVersion": 1}'), 'bun/bun-lock');
    // renamed files
    assert.equal(pick('lock.txt', '{\n  "name": "x",\n  "lockfileVersion": 3,\n  "packages": {}\n}'), 'npm/package-lock');
    assert.equal(pick('lock.txt', '{\n  "lockfileVersion": 1,\n  "workspaces": {\n    "": {}}}'), 'bun/bun-lock');
    assert.equal(pick('lock.txt', "lockfileVersion: '6.0'\n"), 'pnpm/pnpm-lock');
    assert.equal(pick('lock.txt', '__metadata:\n  version: 6\n'), 'yarn/berry');
    assert.equal(pick('lock.txt', 'hello'), undefined);
    // not a lockfile even by name: node_modules copies are the caller's business, names must match exactly at the end
    assert.equal(pick('package-lock.json.bak', 'x'), undefined);
  });
});
