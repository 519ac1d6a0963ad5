import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockGraph } from '../../src/core/lockgraph.ts';
import { computeFlags } from '../../src/lockfile/graph.ts';
import { dependencyPaths } from '../../src/lockfile/index.ts';

/** A graph from `a>b` edge strings; `.>x` (or `.dev>x`) are importer edges. */
function graph(spec: string[]): LockGraph {
  const ids = new Map<string, number>();
  const g: LockGraph = { manager: 'npm', reader: 'test', path: 'x', formatVersion: '3', importers: [{ path: '.', name: 'root' }], packages: [], edges: [], warnings: [] };
  const id = (n: string): number => {
    let i = ids.get(n);
    if (i === undefined) {
      i = g.packages.length;
      ids.set(n, i);
      g.packages.push({ id: i, name: n, version: '1.0.0', dev: false, optional: false, peer: false, key: n });
    }
    return i;
  };
  for (const s of spec) {
    const [from, to] = s.split('>') as [string, string];
    const kind = from.endsWith('?') ? 'optional' : from.endsWith('+') ? 'dev' : from.endsWith('~') ? 'peer' : 'prod';
    const f = from.replace(/[?+~]$/, '');
    g.edges.push({ from: f === '.' ? { importer: 0 } : { package: id(f) }, to: id(to), kind, name: to });
  }
  return g;
}

describe('dependencyPaths', () => {
  it('survives cycles and lists the shortest paths first', () => {
    const g = graph(['.>a', 'a>b', 'b>a', 'b>c', '.>c']);
    const c = g.packages.find((p) => p.name === 'c')!;
    assert.deepEqual(dependencyPaths(g, c.id), { paths: [['root', 'c@1.0.0'], ['root', 'a@1.0.0', 'b@1.0.0', 'c@1.0.0']], total: 2 });
  });

  it('counts 2^40 paths without enumerating them', () => {
    // 40 diamonds in a row: n_i -> l_i, r_i -> n_{i+1}
    const spec = ['.>n0'];
    for (let i = 0; i < 40; i++) spec.push(`n${i}>l${i}`, `n${i}>r${i}`, `l${i}>n${i + 1}`, `r${i}>n${i + 1}`);
    const g = graph(spec);
    const end = g.packages.find((p) => p.name === 'n40')!;
    const t = performance.now();
    const { paths, total } = dependencyPaths(g, end.id, 3);
    assert.ok(performance.now() - t < 200);
    assert.equal(total, 2 ** 40);
    assert.equal(paths.length, 3);
    assert.equal(paths[0]!.length, 82); // root + 81 packages
  });

  it('an unreachable package has no path', () => {
    const g = graph(['.>a', 'x>y']);
    assert.deepEqual(dependencyPaths(g, g.packages.find((p) => p.name === 'y')!.id), { paths: [], total: 0 });
  });
});

describe('computed flags', () => {
  it('dev, optional and peer mean "only reachable that way"', () => {
    const g = graph(['.+>devtool', 'devtool>shared', '.>app', 'app>shared', 'devtool>devonly', '.?>opt', 'opt>optdep', 'app~>peerdep', 'x>stale']);
    computeFlags(g);
    const f = Object.fromEntries(g.packages.map((p) => [p.name, [p.dev && 'dev', p.optional && 'optional', p.peer && 'peer', p.extraneous && 'extraneous'].filter(Boolean).join(',')]));
    assert.deepEqual(f, { devtool: 'dev', shared: '', app: '', devonly: 'dev', opt: 'optional', optdep: 'optional', peerdep: 'peer', x: 'extraneous', stale: 'extraneous' });
  });
});
