/** Bad input: every failure is an AppError with a code, the file and, where it applies, the line. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findLockfiles, readLockfile } from '../../src/lockfile/index.ts';
import { fx } from './helpers.ts';

async function rejects(path: string, code: string, line?: number, opts?: Parameters<typeof readLockfile>[1]): Promise<Error & Record<string, unknown>> {
  let caught: (Error & Record<string, unknown>) | undefined;
  try {
    await readLockfile(path, opts);
  } catch (err) {
    caught = err as Error & Record<string, unknown>;
  }
  assert.ok(caught, `${path} should be rejected`);
  assert.equal(caught.name, 'AppError', String(caught.stack));
  assert.equal(caught.code, code, caught.message);
  assert.ok(caught.file, 'names the file');
  if (line !== undefined) assert.equal(caught.line, line, caught.message);
  assert.ok(caught.hint, 'has a hint');
  return caught;
}

describe('corrupt and unsupported lockfiles', () => {
  const cases: [file: string, code: string, line?: number][] = [
    ['truncated.package-lock.json', 'ERR_LOCKFILE_PARSE', 15],
    ['v4-unknown.package-lock.json', 'ERR_LOCKFILE_UNSUPPORTED', 4],
    ['unterminated-string.yarn.lock', 'ERR_LOCKFILE_PARSE', 6],
    ['missing-version.yarn.lock', 'ERR_LOCKFILE_PARSE', 7],
    ['truncated.pnpm-lock.yaml', 'ERR_LOCKFILE_PARSE', 15],
    ['v4-unknown.pnpm-lock.yaml', 'ERR_LOCKFILE_UNSUPPORTED', 1],
    ['metadata-3.yarn.lock', 'ERR_LOCKFILE_UNSUPPORTED', 1],
    ['trailing-garbage.bun.lock', 'ERR_LOCKFILE_PARSE', 10],
    ['binary.bun.lockb', 'ERR_LOCKFILE_UNSUPPORTED'],
  ];
  for (const [file, code, line] of cases) {
    it(`${file}: ${code}${line ? ` at line ${line}` : ''}`, async () => {
      await rejects(fx(file), code, line);
    });
  }

  it('a missing path is ERR_INPUT_NOT_FOUND', async () => {
    await assert.rejects(readLockfile(fx('nope/package-lock.json')), { code: 'ERR_INPUT_NOT_FOUND' });
  });
});

describe('size cap', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nodesec-lock-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('refuses a 50 MB lockfile before reading it, and the cap can be raised', async () => {
    const big = join(dir, 'package-lock.json');
    await writeFile(big, '');
    await truncate(big, 50 * 1024 * 1024); // sparse: costs no disk, no memory
    const err = await rejects(big, 'ERR_INPUT_TOO_LARGE');
    assert.match(err.message, /50\.0 MiB, over the 32\.0 MiB limit/);
    // a small file over a small cap
    await rejects(fx('v3-aliased.package-lock.json'), 'ERR_INPUT_TOO_LARGE', undefined, { maxBytes: 100 });
    // raised: read (and found corrupt: it is all NUL bytes)
    await rejects(big, 'ERR_LOCKFILE_UNSUPPORTED', undefined, { maxBytes: 64 * 1024 * 1024 });
  });
});

describe('hostile shapes stay bounded', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nodesec-deep-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a v1 lockfile nested 2000 deep is ERR_LOCKFILE_PARSE, not a stack overflow', async () => {
    let deps = '{}';
    for (let i = 0; i < 2000; i++) deps = `{"p${i}": {"version": "1.0.0", "dependencies": ${deps}}}`;
    const file = join(dir, 'deep.package-lock.json');
    await writeFile(file, `{"name": "x", "lockfileVersion": 1, "dependencies": ${deps}}`);
    await rejects(file, 'ERR_LOCKFILE_PARSE', undefined, { noManifests: true });
  });

  it('a v3 install path 1200 levels deep is read', async () => {
    const packages: Record<string, unknown> = { '': { name: 'x', dependencies: { p0: '1' } } };
    let key = '';
    for (let i = 0; i < 1200; i++) {
      key = `${key ? `${key}/` : ''}node_modules/p${i}`;
      packages[key] = { version: '1.0.0', dependencies: { [`p${i + 1}`]: '1' } };
    }
    const file = join(dir, 'long.package-lock.json');
    await writeFile(file, JSON.stringify({ name: 'x', lockfileVersion: 3, packages }));
    const g = await readLockfile(file, { noManifests: true });
    assert.equal(g.packages.length, 1200);
    const { dependencyPaths } = await import('../../src/lockfile/index.ts');
    const { paths, total } = dependencyPaths(g, 1199, 1);
    assert.equal(total, 1);
    assert.equal(paths[0]!.length, 1201);
  });
});

describe('lockfile vs package.json', () => {
  it('a declared dependency missing from the lockfile is ERR_LOCKFILE_MISMATCH, pointing into package.json', async () => {
    const err = await rejects(fx('mismatch-missing-dep/package-lock.json'), 'ERR_LOCKFILE_MISMATCH');
    assert.match(String(err.file), /mismatch-missing-dep\/package\.json$/);
    assert.equal(err.pointer, '/dependencies/lodash');
    assert.match(err.message, /lodash@\^4\.17\.21/);
  });

  it('mismatch: warn reads the lockfile and warns', async () => {
    const g = await readLockfile(fx('mismatch-missing-dep/package-lock.json'), { mismatch: 'warn' });
    assert.equal(g.packages.length, 1);
    assert.match(g.warnings[0]!.message, /lodash@\^4\.17\.21 is not in the lockfile/);
  });

  it('a locked version outside the declared range is a warning', async () => {
    const g = await readLockfile(fx('mismatch-stale-range/package-lock.json'));
    assert.deepEqual(g.warnings.map((w) => w.message), ['package.json: a@^2.0.0 is locked at 1.0.0, outside the declared range (the lockfile is stale)']);
  });
});

describe('findLockfiles', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nodesec-find-'));
    for (const f of ['package-lock.json', 'a/yarn.lock', 'a/package-lock.json', 'b/c/pnpm-lock.yaml', 'node_modules/x/package-lock.json',
      '.git/yarn.lock', 'd/bun.lock', 'd/bun.lockb', 'e/bun.lockb', 'f/notes.txt']) {
      await mkdir(join(dir, f, '..'), { recursive: true });
      await writeFile(join(dir, f), '{}');
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('lists the lockfiles of one directory', async () => {
    assert.deepEqual(await findLockfiles(join(dir, 'a')), [join(dir, 'a/package-lock.json'), join(dir, 'a/yarn.lock')]);
  });

  it('walks a tree, skipping node_modules and .git, and a bun.lockb shadowed by bun.lock', async () => {
    const rel = (await findLockfiles(dir, { recursive: true })).map((f) => f.slice(dir.length + 1));
    assert.deepEqual(rel, ['package-lock.json', 'a/package-lock.json', 'a/yarn.lock', 'b/c/pnpm-lock.yaml', 'd/bun.lock', 'e/bun.lockb']);
  });

  it('readLockfile on a directory reads its one lockfile', async () => {
    const g = await readLockfile(fx('mismatch-stale-range'));
    assert.match(g.path, /mismatch-stale-range\/package-lock\.json$/);
  });

  it('readLockfile on a directory with several lockfiles asks for one', async () => {
    await assert.rejects(readLockfile(join(dir, 'a')), { code: 'ERR_USAGE' });
    await assert.rejects(readLockfile(join(dir, 'f')), { code: 'ERR_LOCKFILE_NOT_FOUND' });
  });
});
