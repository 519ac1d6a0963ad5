/**
 * Dependency paths: how an importer reaches a package (`npm explain`), for findings.
 */
import type { LockGraph } from '../core/lockgraph.ts';

/** Predecessor lists per package: unique parents (package ids) and whether an importer depends on it directly. */
interface Reverse {
  parents: number[][];
  /** Importer indexes with a direct edge to the package. */
  roots: number[][];
}

const reverseCache = new WeakMap<LockGraph, Reverse & { depth: Int32Array }>();

function reverse(graph: LockGraph): Reverse & { depth: Int32Array } {
  const cached = reverseCache.get(graph);
  if (cached) return cached;
  const n = graph.packages.length;
  const parents: number[][] = Array.from({ length: n }, () => []);
  const roots: number[][] = Array.from({ length: n }, () => []);
  const children: number[][] = Array.from({ length: n }, () => []);
  for (const e of graph.edges) {
    if ('importer' in e.from) {
      const r = roots[e.to]!;
      if (!r.includes(e.from.importer)) r.push(e.from.importer);
    } else if (e.from.package !== e.to) {
      const p = parents[e.to]!;
      if (!p.includes(e.from.package)) p.push(e.from.package);
      children[e.from.package]!.push(e.to);
    }
  }
  // BFS depth from the importers, so the shortest paths come first
  const depth = new Int32Array(n).fill(-1);
  let frontier: number[] = [];
  for (let i = 0; i < n; i++) if (roots[i]!.length) { depth[i] = 1; frontier.push(i); }
  while (frontier.length) {
    const next: number[] = [];
    for (const p of frontier) for (const c of children[p]!) if (depth[c] === -1) { depth[c] = depth[p]! + 1; next.push(c); }
    frontier = next;
  }
  for (const list of parents) list.sort((a, b) => depth[a]! - depth[b]!);
  const rev = { parents, roots, depth };
  reverseCache.set(graph, rev);
  return rev;
}

/**
 * Paths from an importer to `packageId`, each a list of labels from the importer (its name,
 * or its path when unnamed) to the package (`name@version`), shortest first, at most `cap`
 * of them. `total` counts every simple path; on a graph with cycles the count ignores paths
 * that revisit a package, and it saturates at Number.MAX_SAFE_INTEGER. Counting memoises per
 * package, so it stays linear in the graph size however many paths there are.
 */
export function dependencyPaths(graph: LockGraph, packageId: number, cap = 10): { paths: string[][]; total: number } {
  const pkg = graph.packages[packageId];
  if (!pkg) return { paths: [], total: 0 };
  const { parents, roots, depth } = reverse(graph);
  if (depth[packageId] === -1) return { paths: [], total: 0 };
  const label = (id: number): string => {
    const p = graph.packages[id]!;
    return `${p.name}@${p.version}`;
  };
  const importerLabel = (i: number): string => {
    const imp = graph.importers[i]!;
    return imp.name ? (imp.version ? `${imp.name}@${imp.version}` : imp.name) : imp.path;
  };

  // enumerate up to cap, depth-first towards the importers, skipping unreachable parents
  const paths: string[][] = [];
  const onPath = new Uint8Array(graph.packages.length);
  const chain: number[] = [];
  const enumerate = (id: number): void => {
    if (paths.length >= cap) return;
    onPath[id] = 1;
    chain.push(id);
    for (const r of roots[id]!) {
      if (paths.length >= cap) break;
      paths.push([importerLabel(r), ...chain.toReversed().map(label)]);
    }
    for (const p of parents[id]!) {
      if (paths.length >= cap) break;
      if (!onPath[p] && depth[p] !== -1) enumerate(p);
    }
    chain.pop();
    onPath[id] = 0;
  };
  if (cap > 0) enumerate(packageId);

  // count: paths(id) = direct importer edges + sum over parents, cycles cut
  const memo = new Map<number, number>();
  const active = new Uint8Array(graph.packages.length);
  const count = (id: number): number => {
    const m = memo.get(id);
    if (m !== undefined) return m;
    active[id] = 1;
    let total = roots[id]!.length;
    for (const p of parents[id]!) {
      if (active[p] || depth[p] === -1) continue;
      total = Math.min(Number.MAX_SAFE_INTEGER, total + count(p));
    }
    active[id] = 0;
    memo.set(id, total);
    return total;
  };
  const total = paths.length < cap ? paths.length : Math.max(paths.length, count(packageId));
  return { paths, total };
}
