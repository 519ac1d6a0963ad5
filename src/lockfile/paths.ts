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

  // enumerate up to cap, depth-first towards the importers, skipping unreachable parents;
  // an explicit stack, so a very deep graph cannot overflow the call stack
  const paths: string[][] = [];
  const onPath = new Uint8Array(graph.packages.length);
  const chain: number[] = [];
  const next: number[] = []; // per chain level: index of the next parent to try
  const emit = (id: number): void => {
    for (const r of roots[id]!) {
      if (paths.length >= cap) return;
      paths.push([importerLabel(r), ...chain.toReversed().map(label)]);
    }
  };
  if (cap > 0) {
    chain.push(packageId);
    next.push(0);
    onPath[packageId] = 1;
    emit(packageId);
    while (chain.length && paths.length < cap) {
      const top = chain.length - 1;
      const id = chain[top]!;
      const ps = parents[id]!;
      let k = next[top]!;
      while (k < ps.length && (onPath[ps[k]!] || depth[ps[k]!] === -1)) k++;
      if (k >= ps.length) {
        onPath[id] = 0;
        chain.pop();
        next.pop();
        continue;
      }
      next[top] = k + 1;
      const p = ps[k]!;
      onPath[p] = 1;
      chain.push(p);
      next.push(0);
      emit(p);
    }
  }

  // count: paths(id) = direct importer edges + sum over parents, cycles cut; iterative
  // post-order with memoisation, so linear in the graph size
  let total = paths.length;
  if (paths.length >= cap) {
    const memo = new Map<number, number>();
    const active = new Uint8Array(graph.packages.length);
    const stack: number[] = [packageId];
    while (stack.length) {
      const id = stack[stack.length - 1]!;
      if (memo.has(id)) {
        stack.pop();
        continue;
      }
      if (!active[id]) {
        active[id] = 1;
        for (const p of parents[id]!) if (!active[p] && !memo.has(p) && depth[p] !== -1) stack.push(p);
        continue;
      }
      let sum = roots[id]!.length;
      for (const p of parents[id]!) {
        const m = memo.get(p);
        if (m !== undefined) sum = Math.min(Number.MAX_SAFE_INTEGER, sum + m);
      }
      memo.set(id, sum);
      active[id] = 0;
      stack.pop();
    }
    total = Math.max(paths.length, memo.get(packageId) ?? 0);
  }
  return { paths, total };
}
