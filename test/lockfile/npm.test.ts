import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dependencyPaths, readLockfile } from '../../src/lockfile/index.ts';
import { OWN } from '../helpers/paths.ts';

const fx = (name: string): string => join(OWN, 'lockfile', name);

describe('npm package-lock v3', () => {
  it('reads aliases, nested installs, stored flags and lines', async () => {
    const g = await readLockfile(fx('v3-aliased.package-lock.json'));
    assert.equal(g.reader, 'npm/package-lock@1');
    const by = (key: string) => g.packages.find((p) => p.key === key)!;
    assert.deepEqual([by('node_modules/strip').name, by('node_modules/strip').alias, by('node_modules/strip').version], ['strip-ansi', 'strip', '6.0.1']);
    assert.equal(by('node_modules/b').dev, true);
    assert.equal(by('node_modules/a').dev, false);
    assert.equal(by('node_modules/a').line, 18);
    assert.equal(by('node_modules/b/node_modules/c').line, 34);
    // b's c resolves to its nested copy, a's c to the hoisted one
    const edge = (from: string, name: string) => g.edges.find((e) => 'package' in e.from && g.packages[e.from.package]!.key === from && e.name === name)!;
    assert.equal(g.packages[edge('node_modules/b', 'c').to]!.version, '2.0.0');
    assert.equal(g.packages[edge('node_modules/a', 'c').to]!.version, '1.0.0');
  });

  it('finds lines in files npm did not format (4-space indent, minified)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nodesec-fmt-'));
    try {
      const raw = JSON.parse(await readFile(fx('v3-aliased.package-lock.json'), 'utf8'));
      const wide = join(dir, 'wide.package-lock.json');
      await writeFile(wide, JSON.stringify(raw, null, 4));
      const g = await readLockfile(wide, { noManifests: true });
      const text = (await readFile(wide, 'utf8')).split('\n');
      for (const p of g.packages) assert.ok(text[p.line! - 1]!.includes(`"${p.key}"`), p.key);
      const min = join(dir, 'min.package-lock.json');
      await writeFile(min, JSON.stringify(raw));
      assert.deepEqual((await readLockfile(min, { noManifests: true })).packages.map((p) => p.line), [1, 1, 1, 1, 1]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('v1: nested entries, requires resolved up the tree, aliases, lines in any layout', async () => {
    const raw = {
      name: 'app', version: '1.0.0', lockfileVersion: 1, requires: true,
      dependencies: {
        a: { version: '1.0.0', requires: { b: '^1.0.0', c: '^2.0.0' }, dependencies: { c: { version: '2.0.0' } } },
        b: { version: '1.1.0', dev: true },
        c: { version: '1.0.0' },
        s: { version: 'npm:strip-ansi@6.0.1' },
        g: { version: 'github:user/g#abc', from: 'github:user/g' },
      },
    };
    const dir = await mkdtemp(join(tmpdir(), 'nodesec-v1-'));
    try {
      for (const [name, text] of [['pretty', JSON.stringify(raw, null, 2)], ['min', JSON.stringify(raw)]] as const) {
        const file = join(dir, `${name}.package-lock.json`);
        await writeFile(file, text);
        const g = await readLockfile(file, { noManifests: true });
        assert.deepEqual(g.packages.map((p) => `${p.key} ${p.alias ?? ''}=${p.name}@${p.version}${p.notAuditable ? ` !${p.notAuditable.reason}` : ''}`), [
          'node_modules/a =a@1.0.0', 'node_modules/a/node_modules/c =c@2.0.0', 'node_modules/b =b@1.1.0', 'node_modules/c =c@1.0.0',
          'node_modules/s s=strip-ansi@6.0.1', 'node_modules/g =g@github:user/g#abc !git',
        ]);
        const lines = text.split('\n');
        for (const p of g.packages) assert.ok(lines[p.line! - 1]!.includes(`"${p.key.slice(p.key.lastIndexOf('/') + 1)}":`), `${name} ${p.key}`);
        const a = g.packages[0]!;
        const deps = g.edges.filter((e) => 'package' in e.from && e.from.package === a.id).map((e) => g.packages[e.to]!.key);
        assert.deepEqual(deps, ['node_modules/b', 'node_modules/a/node_modules/c']);
        // direct dependencies without package.json: the top-level entries nothing requires
        assert.deepEqual(g.edges.filter((e) => 'importer' in e.from).map((e) => e.name), ['a', 'c', 's', 'g']);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists every dependency path, shortest first, with the total', async () => {
    const g = await readLockfile(fx('v3-aliased.package-lock.json'));
    const c1 = g.packages.find((p) => p.key === 'node_modules/c')!;
    const { paths, total } = dependencyPaths(g, c1.id);
    assert.deepEqual(paths, [
      ['app@1.0.0', 'a@1.0.0', 'c@1.0.0'],
      ['app@1.0.0', 'b@2.0.0', 'a@1.0.0', 'c@1.0.0'],
    ]);
    assert.equal(total, 2);
    const capped = dependencyPaths(g, c1.id, 1);
    assert.equal(capped.paths.length, 1);
    assert.equal(capped.total, 2);
  });
});
