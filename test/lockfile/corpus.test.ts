/**
 * The 20 real lockfiles of ../shared/fixtures/lockfiles: our graph must agree with the counts in
 * that README (which agree with @npmcli/arborist loadVirtual for npm and
 * snyk-nodejs-lockfile-parser otherwise).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FAILSAFE_SCHEMA, load as loadYaml } from 'js-yaml';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LockGraph } from '../../src/core/lockgraph.ts';
import { computeFlags } from '../../src/lockfile/graph.ts';
import { readLockfile } from '../../src/lockfile/index.ts';
import { LOCKFILES } from '../helpers/paths.ts';

/** README definition: distinct name@version, every entry (npm) or every entry reachable from an importer; workspace and link packages not counted. */
function pairs(g: LockGraph): number {
  const set = new Set<string>();
  for (const p of g.packages) {
    if (g.manager !== 'npm' && p.extraneous) continue;
    if (p.notAuditable?.reason === 'workspace' || p.notAuditable?.reason === 'link') continue;
    set.add(`${p.name}@${p.version}`);
  }
  return set.size;
}

const cases: { dir: string; file: string; manager: LockGraph['manager']; format: string; pairs: number; importers: number; entries?: number }[] = [
  { dir: 'OWASP__NodeGoat', file: 'package-lock.json', manager: 'npm', format: '2', pairs: 1091, importers: 1, entries: 1479 },
  { dir: 'adobe-photoshop__spaces-design', file: 'npm-shrinkwrap.json', manager: 'npm', format: 'shrinkwrap (pre-npm-5)', pairs: 40, importers: 1, entries: 43 },
  { dir: 'documenso__documenso', file: 'package-lock.json', manager: 'npm', format: '3', pairs: 1981, importers: 17 },
  { dir: 'firebase__firebase-tools', file: 'npm-shrinkwrap.json', manager: 'npm', format: '2', pairs: 1508, importers: 1, entries: 1858 },
  { dir: 'keystonejs__keystone-classic', file: 'package-lock.json', manager: 'npm', format: '1', pairs: 1189, importers: 1, entries: 1353 },
  { dir: 'mochajs__mocha', file: 'package-lock.json', manager: 'npm', format: '3', pairs: 680, importers: 1, entries: 707 },
  { dir: 'react-boilerplate__react-boilerplate', file: 'package-lock.json', manager: 'npm', format: '1', pairs: 1533, importers: 1, entries: 1891 },
  { dir: 'snyk-labs__nodejs-goof', file: 'package-lock.json', manager: 'npm', format: '2', pairs: 980, importers: 1, entries: 1274 },
  { dir: 'socketio__socket.io', file: 'package-lock.json', manager: 'npm', format: '3', pairs: 1129, importers: 13, entries: 1272 },
  { dir: 'shadcn-ui__taxonomy', file: 'pnpm-lock.yaml', manager: 'pnpm', format: '6.0', pairs: 987, importers: 1, entries: 987 },
  { dir: 'steven-tey__precedent', file: 'pnpm-lock.yaml', manager: 'pnpm', format: '9.0', pairs: 542, importers: 1, entries: 542 },
  { dir: 'vitejs__vite', file: 'pnpm-lock.yaml', manager: 'pnpm', format: '9.0', pairs: 1405, importers: 279, entries: 1406 },
  { dir: 'vuejs__core', file: 'pnpm-lock.yaml', manager: 'pnpm', format: '9.0', pairs: 620, importers: 18, entries: 621 },
  { dir: 'windicss__windicss', file: 'pnpm-lock.yaml', manager: 'pnpm', format: '5.4', pairs: 345, importers: 2, entries: 345 },
  { dir: 'excalidraw__excalidraw', file: 'yarn.lock', manager: 'yarn', format: 'v1', pairs: 1441, importers: 11, entries: 1444 },
  { dir: 'vuejs__vue-hackernews-2.0', file: 'yarn.lock', manager: 'yarn', format: 'v1', pairs: 818, importers: 1, entries: 818 },
  { dir: 'withspectrum__spectrum', file: 'yarn.lock', manager: 'yarn', format: 'v1', pairs: 2099, importers: 1, entries: 2099 },
  { dir: 'jestjs__jest', file: 'yarn.lock', manager: 'yarn', format: '10', pairs: 2150, importers: 71, entries: 2156 },
  { dir: 'pmndrs__react-spring', file: 'yarn.lock', manager: 'yarn', format: '6', pairs: 2015, importers: 16, entries: 2019 },
  { dir: 'honojs__hono', file: 'bun.lock', manager: 'bun', format: '1', pairs: 1012, importers: 1, entries: 1152 },
];

describe('lockfile corpus: counts agree with the README', () => {
  it('covers all 20 lockfiles', () => assert.equal(new Set(cases.map((c) => c.dir)).size, 20));
  for (const c of cases) {
    it(`${c.dir} (${c.manager} ${c.format}): ${c.pairs} pairs, ${c.importers} importers`, async () => {
      const g = await readLockfile(join(LOCKFILES, c.dir, c.file));
      assert.equal(g.manager, c.manager);
      assert.equal(g.formatVersion, c.format);
      assert.equal(pairs(g), c.pairs, 'distinct name@version pairs');
      assert.equal(g.importers.length, c.importers, 'importers');
      if (c.entries !== undefined) assert.equal(g.packages.length, c.entries, 'entries');
      // every package has its line, and that line is its entry
      assert.deepEqual(g.packages.filter((p) => !p.line && p.notAuditable?.reason !== 'link').map((p) => p.key), []);
      const lines = readFileSync(g.path, 'utf8').split('\n');
      for (const p of g.packages) {
        if (!p.line) continue;
        const nm = p.key.lastIndexOf('node_modules/');
        const v1 = g.formatVersion === '1' || g.formatVersion.startsWith('shrinkwrap');
        const fragment = g.manager === 'bun' ? `"${p.key}": [` : g.manager !== 'npm' ? p.key.split(', ')[0]! : v1 ? `"${p.key.slice(nm + 13)}": {` : `"${p.key}": {`;
        assert.ok(lines[p.line - 1]!.includes(fragment), `${p.key} at line ${p.line}: ${lines[p.line - 1]}`);
      }
      for (const e of g.edges) assert.ok(g.packages[e.to], `edge to ${e.to}`);
    });
  }
});

describe('lockfile corpus: the quirks the README lists', () => {
  const read = (dir: string, file: string) => readLockfile(join(LOCKFILES, dir, file));

  it('NodeGoat and nodejs-goof: bundled entries are kept and flagged', async () => {
    // the README's distinct pairs are those found only inside bundles
    const onlyBundled = (g: LockGraph) => {
      const outside = new Set(g.packages.filter((p) => !p.bundled).map((p) => `${p.name}@${p.version}`));
      return new Set(g.packages.filter((p) => p.bundled).map((p) => `${p.name}@${p.version}`).filter((k) => !outside.has(k))).size;
    };
    const goat = await read('OWASP__NodeGoat', 'package-lock.json');
    assert.equal(goat.packages.filter((p) => p.bundled).length, 515);
    assert.equal(onlyBundled(goat), 270);
    const goof = await read('snyk-labs__nodejs-goof', 'package-lock.json');
    assert.equal(goof.packages.filter((p) => p.bundled).length, 326);
    assert.equal(onlyBundled(goof), 179);
  });

  it('socket.io: the git dependency is not auditable despite its semver version; the gone local package is extraneous', async () => {
    const g = await read('socketio__socket.io', 'package-lock.json');
    const uws = g.packages.find((p) => p.name === 'uWebSockets.js')!;
    assert.equal(uws.version, '20.56.0');
    assert.equal(uws.notAuditable?.reason, 'git');
    const gone = g.packages.find((p) => p.key === 'packages/socket.io-clustered-engine')!;
    assert.equal(gone.extraneous, true);
    // workspace folder entries have no name: the link names them
    assert.ok(g.importers.some((i) => i.path === 'packages/engine.io-parser' && i.name === 'engine.io-parser'));
  });

  it('documenso: extraneous workspaces are not importers, and are reported', async () => {
    const g = await read('documenso__documenso', 'package-lock.json');
    assert.ok(!g.importers.some((i) => i.path === 'apps/documentation'));
    assert.equal(g.warnings.filter((w) => /extraneous/.test(w.message)).length, 3);
    assert.ok(g.warnings.some((w) => /apps\/docs\/package\.json: typescript@\^5\.9\.3 is locked at 5\.6\.2/.test(w.message)));
  });

  it('mocha: the file: dependency without a version is listed as not auditable', async () => {
    const g = await read('mochajs__mocha', 'package-lock.json');
    assert.deepEqual(g.packages.filter((p) => p.notAuditable).map((p) => [p.key, p.notAuditable!.reason]), [['test/compiler-fixtures/esm-only-loader', 'file']]);
  });

  it('spaces-design: the two git dependencies of a pre-npm-5 shrinkwrap', async () => {
    const g = await read('adobe-photoshop__spaces-design', 'npm-shrinkwrap.json');
    assert.equal(g.packages.filter((p) => p.notAuditable?.reason === 'git').length, 2);
  });

  it('spectrum: an aliased resolution takes the real name from the resolved URL', async () => {
    const g = await read('withspectrum__spectrum', 'yarn.lock');
    const draft = g.packages.find((p) => p.alias === 'draft-js')!;
    assert.equal(`${draft.name}@${draft.version}`, 'draft-js-fork-mxstbr@0.10.4');
    assert.equal(g.packages.find((p) => p.alias === 'react-dom')!.name, '@hot-loader/react-dom');
  });

  it('jest: @types/node@npm:* reaches 18.x through the root resolutions; patched packages are what is installed', async () => {
    const g = await read('jestjs__jest', 'yarn.lock');
    const node18 = g.packages.find((p) => p.key === '@types/node@npm:18.x')!;
    assert.ok(g.edges.filter((e) => e.to === node18.id && e.spec === 'npm:*').length > 0);
    // resolutions send lru-cache@^10.2.0 to the patched 10.4.3; ^10.4.3 (no resolution) gets the plain one
    const patched = g.packages.find((p) => p.key.startsWith('lru-cache@patch:lru-cache@npm:10.4.3'))!;
    assert.equal(patched.version, '10.4.3');
    assert.ok(g.edges.some((e) => e.to === patched.id && e.spec === 'npm:^10.2.0'));
    const plain = g.packages.find((p) => p.key === 'lru-cache@npm:10.4.3, lru-cache@npm:^10.4.3')!;
    assert.ok(g.edges.some((e) => e.to === plain.id && e.spec === 'npm:^10.4.3'));
  });

  it('hono: every package is dev, as every dependency is a devDependency', async () => {
    const g = await read('honojs__hono', 'bun.lock');
    assert.equal(g.packages.filter((p) => !p.dev).length, 0);
  });

  it('vite: file: packages are not auditable, link: importers are not packages', async () => {
    const g = await read('vitejs__vite', 'pnpm-lock.yaml');
    assert.equal(g.packages.filter((p) => p.notAuditable?.reason === 'file').length, 109);
    assert.equal(g.packages.filter((p) => p.notAuditable?.reason === 'link').length, 0);
  });
});

describe('computed flags agree with the flags npm stored', () => {
  // The npm readers use npm's stored flags; recomputing them from the graph with the rule
  // the yarn, pnpm and bun readers use must give npm's answer.
  const cases: [dir: string, file: string, exceptions: string[]][] = [
    ['OWASP__NodeGoat', 'package-lock.json', []],
    ['mochajs__mocha', 'package-lock.json', []],
    ['snyk-labs__nodejs-goof', 'package-lock.json', []],
    ['socketio__socket.io', 'package-lock.json', []],
    ['react-boilerplate__react-boilerplate', 'package-lock.json', []],
    ['firebase__firebase-tools', 'npm-shrinkwrap.json', []],
    // react-day-picker's peer on date-fns makes it prod; npm stored dev, as with legacy-peer-deps
    ['documenso__documenso', 'package-lock.json', ['node_modules/date-fns dev']],
  ];
  for (const [dir, file, exceptions] of cases) {
    it(dir, async () => {
      const g = await readLockfile(join(LOCKFILES, dir, file), { mismatch: 'warn' });
      const copy: LockGraph = { ...g, packages: g.packages.map((p) => ({ ...p, dev: false, optional: false, peer: false })) };
      computeFlags(copy);
      const diff: string[] = [];
      copy.packages.forEach((p, i) => {
        const s = g.packages[i]!;
        if (p.extraneous) return;
        for (const k of ['dev', 'optional', 'peer'] as const) if (p[k] !== s[k]) diff.push(`${p.key} ${k}`);
      });
      assert.deepEqual(diff, exceptions);
    });
  }
});

describe('computed flags agree with the flags pnpm 5 and 6 stored', () => {
  for (const dir of ['windicss__windicss', 'shadcn-ui__taxonomy']) {
    it(dir, async () => {
      const file = join(LOCKFILES, dir, 'pnpm-lock.yaml');
      const raw = loadYaml(readFileSync(file, 'utf8'), { schema: FAILSAFE_SCHEMA }) as { packages: Record<string, { dev?: string; optional?: string }> };
      const g = await readLockfile(file, { mismatch: 'warn' });
      const diff: string[] = [];
      for (const p of g.packages) {
        const stored = raw.packages[p.key];
        if (!stored) continue;
        // pnpm: dev true/false, or absent when both prod and dev need it
        if ((stored.dev === 'true') !== p.dev) diff.push(`${p.key} dev`);
        if ((stored.optional === 'true') !== p.optional) diff.push(`${p.key} optional`);
      }
      assert.deepEqual(diff, []);
      assert.ok(g.packages.some((p) => p.dev) && g.packages.some((p) => raw.packages[p.key]), 'the comparison is not vacuous');
    });
  }
});
