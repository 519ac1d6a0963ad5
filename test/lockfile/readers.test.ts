/** Each reader on small fixtures named for the case they cover. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLockfile } from '../../src/lockfile/index.ts';
import { describeGraph, fx, importerEdges } from './helpers.ts';

describe('yarn classic', () => {
  it('reads aliases, git/file/tarball sources, optional deps and lines (v1-sources.yarn.lock)', async () => {
    const g = await readLockfile(fx('yarn-v1-project/yarn.lock'));
    assert.equal(g.reader, 'yarn/classic@1');
    assert.deepEqual(g.importers, [{ path: '.', name: 'yarn-app', version: '2.0.0' }]);
    assert.deepEqual(describeGraph(g), [
      'app-dep@1.0.0',
      'dev-tool@3.1.0 dev',
      'fsevents@2.3.3 optional',
      'gitdep@1.2.0 !git',
      'localdep@0.1.0 !file',
      'only-dev@1.0.0 dev', // reachable only through dev-tool, a devDependency
      'shared@2.1.0', // a devDependency of the root, but also needed by app-dep
      'str-cjs=string-width@4.2.3',
      'tarball@1.0.0 !tarball',
    ]);
    assert.deepEqual(g.packages.map((p) => p.line), [5, 15, 22, 26, 30, 33, 37, 41, 45]);
    assert.deepEqual(g.warnings, []);
  });

  it('infers the direct dependencies without package.json, and says so', async () => {
    const g = await readLockfile(fx('v1-sources.yarn.lock'));
    assert.match(g.warnings[0]!.message, /no package\.json/);
    assert.deepEqual(importerEdges(g), [
      'prod:app-dep->app-dep@1.0.0', 'prod:dev-tool->dev-tool@3.1.0', 'prod:gitdep->gitdep@1.2.0',
      'prod:localdep->localdep@0.1.0', 'prod:tarball->tarball@1.0.0',
    ]);
  });
});

describe('yarn classic workspaces', () => {
  it('come from package.json globs (negations honoured); sibling workspaces are not packages', async () => {
    const g = await readLockfile(fx('yarn-v1-workspaces/yarn.lock'));
    assert.deepEqual(g.importers.map((i) => `${i.path}:${i.name}`), ['.:mono', 'packages/a:a', 'packages/b:b']);
    assert.deepEqual(describeGraph(g), ['left-pad@1.3.0', 'lint@1.2.0 dev']);
    assert.deepEqual(importerEdges(g, 1), ['prod:left-pad->left-pad@1.3.0']);
    assert.deepEqual(g.warnings, []);
  });
});

describe('yarn berry', () => {
  it('reads workspaces as importers, resolutions, portals, aliases and patched packages', async () => {
    const g = await readLockfile(fx('berry-workspaces/yarn.lock'));
    assert.equal(g.reader, 'yarn/berry@1');
    assert.equal(g.formatVersion, '8');
    assert.deepEqual(g.importers.map((i) => `${i.path}:${i.name}`), ['.:root', 'packages/lib:lib']);
    assert.deepEqual(describeGraph(g), [
      'debug@4.3.4',
      'left-pad@1.3.0',
      'local@0.0.0-use.local !link',
      'ms@2.1.3', // debug asks for 2.1.2; the root resolutions force 2.1.3
      'strip=strip-ansi@6.0.1',
      'typescript@5.4.5 extraneous', // the patch source: yarn installs the patched one
      'typescript@5.4.5 dev', // the builtin compat patch, audited as typescript@5.4.5
    ]);
    assert.deepEqual(importerEdges(g, 0), ['dev:typescript->typescript@5.4.5', 'prod:left-pad->left-pad@1.3.0']);
    assert.deepEqual(importerEdges(g, 1), ['prod:debug->debug@4.3.4', 'prod:local->local@0.0.0-use.local', 'prod:strip->strip-ansi@6.0.1']);
    assert.equal(g.packages.find((p) => p.name === 'ms')!.line, 40);
  });
});

describe('pnpm', () => {
  it('v9: importers, aliases, link:, git tarballs, computed dev/optional flags', async () => {
    const g = await readLockfile(fx('pnpm-v9-workspace/pnpm-lock.yaml'));
    assert.equal(g.reader, 'pnpm/pnpm-lock@1');
    assert.deepEqual(g.importers.map((i) => `${i.path}:${i.name}`), ['.:mono', 'packages/app:app']);
    assert.deepEqual(describeGraph(g), [
      'fsevents@2.3.3 optional',
      'gitpkg@2.0.0 !git',
      'preact@10.19.0',
      'tiny@1.0.0', // the root's vitest (dev) needs it too, but packages/app needs it in prod
      'vitest@1.6.0 dev',
      'shared@ !link',
    ]);
    assert.deepEqual(importerEdges(g, 1), [
      'optional:fsevents->fsevents@2.3.3', 'prod:gitpkg->gitpkg@2.0.0', 'prod:react->preact@10.19.0',
      'prod:shared->shared@', 'prod:tiny->tiny@1.0.0',
    ]);
    assert.deepEqual(g.packages.slice(0, 5).map((p) => p.line), [57, 60, 62, 64, 66]);
    // the snapshot lists the resolved peer among its dependencies; the metadata says it is a peer
    const vitest = g.packages.find((p) => p.name === 'vitest')!;
    assert.deepEqual(g.edges.filter((e) => 'package' in e.from && e.from.package === vitest.id).map((e) => `${e.kind}:${e.name}`), ['peer:tiny']);
  });
});

describe('pnpm 5 and 6', () => {
  it('v6: aliases (/real@version), git and directory packages, peers in the key', async () => {
    const g = await readLockfile(fx('v6-aliased-git.pnpm-lock.yaml'));
    assert.equal(g.formatVersion, '6.0');
    assert.deepEqual(describeGraph(g), ['preact@10.19.0', 'tiny@1.0.0', 'local@0.0.1 dev !file', 'repo@1.0.0 !git']);
    assert.deepEqual(importerEdges(g), ['dev:local->local@0.0.1', 'prod:gitdep->repo@1.0.0', 'prod:react->preact@10.19.0', 'prod:tiny->tiny@1.0.0']);
    assert.deepEqual(g.packages.map((p) => p.line), [21, 25, 33, 39]);
  });

  it('v5: a numeric lockfileVersion, /name/version keys, _peer suffixes, top-level importer', async () => {
    const g = await readLockfile(fx('v5-aliased-peers.pnpm-lock.yaml'));
    assert.equal(g.formatVersion, '5.4');
    assert.deepEqual(describeGraph(g), ['preact@10.19.0', 'tiny@1.0.0', 'repo@1.0.0 !git']);
    assert.deepEqual(importerEdges(g), ['prod:gitdep->repo@1.0.0', 'prod:react->preact@10.19.0', 'prod:tiny->tiny@1.0.0']);
    assert.ok(g.edges.some((e) => e.from && 'package' in e.from && g.packages[e.from.package]!.name === 'tiny' && g.packages[e.to]!.name === 'preact'));
  });
});

describe('bun', () => {
  it('reads workspaces as importers; a workspace\'s nested installs sit under its package name', async () => {
    const g = await readLockfile(fx('workspaces.bun.lock'));
    assert.deepEqual(g.importers.map((i) => `${i.path}:${i.name}`), ['.:mono', 'packages/app:@mono/app', 'packages/lib:@mono/lib']);
    assert.deepEqual(describeGraph(g), ['debug@3.2.7', 'debug@4.3.4', 'fsevents@2.3.3 optional', 'ms@2.1.2', 'typescript@5.4.5 dev']);
    assert.deepEqual(importerEdges(g, 1), ['optional:fsevents->fsevents@2.3.3', 'prod:debug->debug@4.3.4']);
    assert.deepEqual(importerEdges(g, 2), ['prod:debug->debug@3.2.7']);
    assert.deepEqual(g.warnings, []);
  });

  it('reads trailing commas, nested installs, aliases and git sources', async () => {
    const g = await readLockfile(fx('aliased.bun.lock'));
    assert.equal(g.reader, 'bun/bun-lock@1');
    assert.deepEqual(describeGraph(g), [
      'chalk@2.4.2',
      'gitpkg@github:user/gitpkg#abc !git',
      'highlight@7.24.7 dev',
      'chalk@4.1.2 dev', // highlight/chalk: nested under highlight
      'my-react=preact@10.19.0',
    ]);
    const nested = g.edges.find((e) => 'package' in e.from && e.name === 'chalk')!;
    assert.equal(g.packages[nested.to]!.version, '4.1.2');
    assert.deepEqual(g.packages.map((p) => p.line), [17, 19, 21, 23, 25]);
  });
});
