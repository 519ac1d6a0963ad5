/**
 * Ambiguity search on the multiplicity automaton (after Weideman et al., "Analyzing matching time
 * behavior of backtracking regular expression matchers by using ambiguity of NFA", and recheck's
 * automaton checker):
 *
 * - EDA (exponential): inside one strongly connected component, either a transition of
 *   multiplicity 2, or two different paths from a state q back to q reading the same word. Found
 *   as a component of the product automaton C x C holding both a diagonal pair (q,q) and an
 *   off-diagonal pair (p,p'). The word read around that component is the pump.
 * - IDA (polynomial): two distinct components A -> B and a word w with p -w-> p in A, p -w-> q and
 *   q -w-> q in B: found in the triple product from (p,p,q) to (p,q,q). The degree is the number
 *   of components on the longest chain of such pairs. The search state (V8 retrying at each start
 *   position) is a component like any other, which is how `/\s+$/` is found quadratic.
 *
 * Every search spends from one step budget and throws BudgetExceeded when it runs out.
 */
import * as cs from './charset.ts';
import type { CharSet } from './charset.ts';
import { type Automaton, BudgetExceeded, INITIAL } from './automaton.ts';

export interface Witness {
  kind: 'exponential' | 'polynomial';
  degree: number;
  /** The state the pump starts and ends in (for prefix construction). */
  state: number;
  /** For IDA: the state of the second loop. */
  other?: number;
  /** Pump as a sequence of character sets (one per character). */
  pump: CharSet[];
  /** Components involved, for hints. */
  why: 'multi-transition' | 'product-cycle' | 'ida' | 'finite';
  /** For IDA: whether the first component is the search state (unanchored pattern). */
  fromSearch?: boolean;
}

export class Budget {
  steps = 0;
  readonly max: number;
  readonly deadline: number;
  constructor(max: number, deadline: number) {
    this.max = max;
    this.deadline = deadline;
  }
  spend(n = 1): void {
    this.steps += n;
    if (this.steps > this.max) throw new BudgetExceeded('analysis steps');
    if ((this.steps & 0x3fff) === 0 && performance.now() > this.deadline) throw new BudgetExceeded('analysis time');
  }
}

/** Iterative Tarjan: component id of each state and the components in reverse topological order. */
export function scc(n: number, succ: (v: number) => ArrayLike<number>, budget: Budget): { comp: Int32Array; comps: number[][] } {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const comps: number[][] = [];
  const stack: number[] = [];
  let counter = 0;
  const callStack: { v: number; i: number }[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    callStack.push({ v: root, i: 0 });
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (callStack.length) {
      const frame = callStack[callStack.length - 1]!;
      const out = succ(frame.v);
      if (frame.i < out.length) {
        budget.spend();
        const w = out[frame.i++]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callStack.push({ v: w, i: 0 });
        } else if (onStack[w]) low[frame.v] = Math.min(low[frame.v]!, index[w]!);
        continue;
      }
      callStack.pop();
      const parent = callStack[callStack.length - 1];
      if (parent) low[parent.v] = Math.min(low[parent.v]!, low[frame.v]!);
      if (low[frame.v] === index[frame.v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = comps.length;
          members.push(w);
        } while (w !== frame.v);
        comps.push(members);
      }
    }
  }
  return { comp, comps };
}

export class Analyzer {
  private readonly interCache = new Map<number, CharSet>();
  readonly comp: Int32Array;
  readonly comps: number[][];
  private readonly nLabels: number;
  readonly a: Automaton;
  readonly budget: Budget;

  constructor(a: Automaton, budget: Budget) {
    this.a = a;
    this.budget = budget;
    const s = scc(a.n, (v) => a.succ[v]!, budget);
    this.comp = s.comp;
    this.comps = s.comps;
    let maxId = 0;
    for (const id of a.labelId) maxId = Math.max(maxId, id);
    for (const ids of a.edgeLabelId) for (const id of ids) maxId = Math.max(maxId, id);
    this.nLabels = maxId + 1;
  }

  /** Intersection of the labels of transitions u->succ[u][i] and v->succ[v][j] (cached by label id). */
  interE(u: number, i: number, v: number, j: number): CharSet {
    const a = this.a.edgeLabelId[u]![i]!;
    const b = this.a.edgeLabelId[v]![j]!;
    const k = a < b ? a * this.nLabels + b : b * this.nLabels + a;
    let r = this.interCache.get(k);
    if (r === undefined) {
      this.budget.spend();
      r = cs.intersect(this.a.edgeLabel[u]![i]!, this.a.edgeLabel[v]![j]!);
      this.interCache.set(k, r);
    }
    return r;
  }

  /** Label of the transition u -> v (empty when there is none). */
  edge(u: number, v: number): CharSet {
    const succ = this.a.succ[u]!;
    for (let i = 0; i < succ.length; i++) if (succ[i] === v) return this.a.edgeLabel[u]![i]!;
    return cs.EMPTY;
  }

  /** Labels read along a path of states starting after `from`. */
  labelsAlong(from: number, states: readonly number[]): CharSet[] {
    const out: CharSet[] = [];
    let prev = from;
    for (const v of states) {
      out.push(this.edge(prev, v));
      prev = v;
    }
    return out;
  }

  /** A component is a loop when it has an internal transition. */
  isLoop(c: number): boolean {
    const members = this.comps[c]!;
    if (members.length > 1) return true;
    const v = members[0]!;
    return Array.from(this.a.succ[v]!).includes(v);
  }

  /** Shortest path of states (excluding `from`, including `to`) inside a state filter. */
  path(from: number, to: number, allowed: (v: number) => boolean): number[] | undefined {
    const prev = new Map<number, number>();
    const queue = [from];
    const seen = new Set([from]);
    let found = false;
    for (let qi = 0; qi < queue.length && !found; qi++) {
      const v = queue[qi]!;
      for (const w of this.a.succ[v]!) {
        this.budget.spend();
        if (!allowed(w)) continue;
        if (w === to) {
          prev.set(w, v);
          found = true;
          break;
        }
        if (seen.has(w)) continue;
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
    if (!found) return undefined;
    const out: number[] = [to];
    let cur = prev.get(to)!;
    while (cur !== from) {
      out.push(cur);
      cur = prev.get(cur)!;
    }
    return out.reverse();
  }

  /** The character sets read on the shortest path from I to `state` (the attack prefix). */
  prefixTo(state: number, from = INITIAL): CharSet[] | undefined {
    if (state === from) return [];
    const p = this.path(from, state, () => true);
    return p && this.labelsAlong(from, p);
  }

  /** EDA witnesses, at most one per component. */
  *exponential(): Generator<Witness> {
    const { a } = this;
    // Inner repetitions first: the states of one innermost loop, on their own, give the shortest
    // pump (an enclosing loop's cycle may pass through a part that lets the match succeed).
    const groups = new Map<string, number[]>();
    for (let v = 0; v < a.n; v++) {
      const span = a.loopSrc[v];
      if (!span) continue;
      const k = `${span[0]}:${span[1]}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(v);
    }
    for (const g of groups.values()) {
      const inG = new Set(g);
      const local = new Map(g.map((v, i) => [v, i]));
      const sub = scc(g.length, (i) => Array.from(a.succ[g[i]!]!).filter((t) => inG.has(t)).map((t) => local.get(t)!), this.budget);
      for (const members of sub.comps) {
        const states = members.map((i) => g[i]!);
        const inSub = new Set(states);
        const single = states.length === 1 && Array.from(a.succ[states[0]!]!).includes(states[0]!);
        if (states.length < 2 && !single) continue;
        const w = this.edaIn(states, (v) => inSub.has(v));
        if (w) yield w;
      }
    }
    for (let c = 0; c < this.comps.length; c++) {
      if (!this.isLoop(c)) continue;
      const w = this.edaIn(this.comps[c]!, (v) => this.comp[v] === c);
      if (w) yield w;
    }
  }

  /** An EDA witness inside a strongly connected set of states. */
  private edaIn(members: number[], inC: (v: number) => boolean): Witness | undefined {
    const { a } = this;
    // 1. a transition of multiplicity 2 inside the component
    for (const p of members) {
      const succ = a.succ[p]!;
      for (let i = 0; i < succ.length; i++) {
        const q = succ[i]!;
        if (a.mult[p]![i]! < 2 || !inC(q)) continue;
        const back = q === p ? [] : this.path(q, p, inC);
        if (!back) continue;
        return { kind: 'exponential', degree: 0, state: p, pump: this.labelsAlong(p, [q, ...back]), why: 'multi-transition' };
      }
    }
    // 2. a product component with a diagonal and an off-diagonal pair
    return this.productCycle(members, inC);
  }

  private productCycle(members: number[], inC: (v: number) => boolean): Witness | undefined {
    const { a } = this;
    const k = members.length;
    const local = new Map<number, number>();
    members.forEach((v, i) => local.set(v, i));
    // product nodes are ids a*k+b, generated lazily from the diagonal
    const succOf = (id: number): number[] => {
      const x = members[Math.floor(id / k)]!;
      const y = members[id % k]!;
      const out: number[] = [];
      const sx = a.succ[x]!;
      const sy = a.succ[y]!;
      for (let i = 0; i < sx.length; i++) {
        const x2 = sx[i]!;
        if (!inC(x2)) continue;
        for (let j = 0; j < sy.length; j++) {
          const y2 = sy[j]!;
          this.budget.spend();
          if (!inC(y2)) continue;
          if (this.interE(x, i, y, j).length === 0) continue;
          out.push(local.get(x2)! * k + local.get(y2)!);
        }
      }
      return out;
    };
    // Explore from the diagonal: collect reachable product nodes, then Tarjan on them.
    const ids = new Map<number, number>();
    const nodes: number[] = [];
    const adj: number[][] = [];
    const queue: number[] = [];
    for (let i = 0; i < k; i++) {
      const d = i * k + i;
      ids.set(d, nodes.length);
      nodes.push(d);
      queue.push(d);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const id = queue[qi]!;
      const out: number[] = [];
      for (const t of succOf(id)) {
        let j = ids.get(t);
        if (j === undefined) {
          ids.set(t, (j = nodes.length));
          nodes.push(t);
          queue.push(t);
        }
        out.push(j);
      }
      adj[ids.get(id)!] = out;
    }
    const { comp } = scc(nodes.length, (v) => adj[v]!, this.budget);
    // a component containing a diagonal node and an off-diagonal node
    const diagOf = new Map<number, number>();
    for (let j = 0; j < nodes.length; j++) {
      const id = nodes[j]!;
      if (Math.floor(id / k) === id % k) diagOf.set(comp[j]!, j);
    }
    for (let j = 0; j < nodes.length; j++) {
      const id = nodes[j]!;
      if (Math.floor(id / k) === id % k) continue;
      const d = diagOf.get(comp[j]!);
      if (d === undefined) continue;
      const c = comp[j]!;
      const bfs = (from: number, to: number): number[] | undefined => {
        const prev = new Map<number, number>();
        const q = [from];
        const seen = new Set([from]);
        for (let qi = 0; qi < q.length; qi++) {
          const v = q[qi]!;
          for (const w of adj[v]!) {
            if (comp[w] !== c || seen.has(w)) continue;
            seen.add(w);
            prev.set(w, v);
            if (w === to) {
              const out = [to];
              let cur = v;
              while (cur !== from) {
                out.push(cur);
                cur = prev.get(cur)!;
              }
              return out.reverse();
            }
            q.push(w);
          }
        }
        return undefined;
      };
      const there = bfs(d, j);
      const back = bfs(j, d);
      if (!there || !back) continue;
      const walk = [d, ...there, ...back];
      const pump: CharSet[] = [];
      for (let t = 1; t < walk.length; t++) {
        const from = nodes[walk[t - 1]!]!;
        const to = nodes[walk[t]!]!;
        pump.push(cs.intersect(
          this.edge(members[Math.floor(from / k)]!, members[Math.floor(to / k)]!),
          this.edge(members[from % k]!, members[to % k]!),
        ));
      }
      const state = members[Math.floor(nodes[d]! / k)]!;
      return { kind: 'exponential', degree: 0, state, pump, why: 'product-cycle' };
    }
    return undefined;
  }

  /**
   * IDA: for components A before B, a word w with p -w-> p (in A), p -w-> q, q -w-> q (in B).
   * Returns the pump of the pair (A,B) or undefined.
   */
  private idaPair(A: number, B: number, canReachB: Uint8Array): Witness | undefined {
    const { a } = this;
    const inA = (v: number): boolean => this.comp[v] === A;
    const inB = (v: number): boolean => this.comp[v] === B;
    const ma = this.comps[A]!;
    const mb = this.comps[B]!;
    // prefilter: some character must be readable inside both loops
    let shared = false;
    outer: for (const p of ma) for (let i = 0; i < a.succ[p]!.length; i++) {
      if (!inA(a.succ[p]![i]!)) continue;
      for (const q of mb) for (let j = 0; j < a.succ[q]!.length; j++) {
        this.budget.spend();
        if (inB(a.succ[q]![j]!) && this.interE(p, i, q, j).length) {
          shared = true;
          break outer;
        }
      }
    }
    if (!shared) return undefined;
    const n = a.n;
    for (const p of ma) {
      for (const q of mb) {
        // BFS over triples (x, y, z): x in A, y anywhere that can still reach B, z in B
        const key = (x: number, y: number, z: number): number => (x * n + y) * n + z;
        const start = key(p, p, q);
        const goal = key(p, q, q);
        const prev = new Map<number, number>();
        const chars = new Map<number, CharSet>();
        const queue: [number, number, number][] = [[p, p, q]];
        const seen = new Set([start]);
        let hit = false;
        for (let qi = 0; qi < queue.length && !hit; qi++) {
          const [x, y, z] = queue[qi]!;
          const from = key(x, y, z);
          const sx = a.succ[x]!;
          const sy = a.succ[y]!;
          const sz = a.succ[z]!;
          for (let i = 0; i < sx.length; i++) {
            const x2 = sx[i]!;
            if (!inA(x2)) continue;
            for (let l = 0; l < sz.length; l++) {
              const z2 = sz[l]!;
              if (!inB(z2)) continue;
              const xz = this.interE(x, i, z, l);
              if (!xz.length) continue;
              for (let j = 0; j < sy.length; j++) {
                const y2 = sy[j]!;
                this.budget.spend();
                if (!canReachB[y2]) continue;
                const id = key(x2, y2, z2);
                if (seen.has(id) && id !== goal) continue;
                const c = cs.intersect(xz, a.edgeLabel[y]![j]!);
                if (!c.length) continue;
                seen.add(id);
                prev.set(id, from);
                chars.set(id, c);
                if (id === goal) {
                  hit = true;
                  break;
                }
                queue.push([x2, y2, z2]);
              }
              if (hit) break;
            }
            if (hit) break;
          }
        }
        if (!hit) continue;
        const pump: CharSet[] = [];
        let cur = goal;
        do {
          pump.push(chars.get(cur)!);
          cur = prev.get(cur)!;
        } while (cur !== start);
        pump.reverse();
        return { kind: 'polynomial', degree: 2, state: p, other: q, pump, why: 'ida', fromSearch: p >= 1 && p <= a.searchStates.length };
      }
    }
    return undefined;
  }

  /**
   * Finite ambiguity of counted repetitions, which has no cycle to find: `^(a?){30}a{30}$` reads
   * `a` x 30 along 2^30 paths. For each state, pump one character of its label and count the
   * paths the automaton has on `prefix + c x k` (what a backtracking engine walks before it fails):
   * a count that passes 2^20 while still growing geometrically is a candidate, proven (or not) in V8.
   */
  *finite(): Generator<Witness> {
    const { a } = this;
    const tried = new Set<string>();
    for (let q = 1; q < a.n; q++) {
      if (q <= a.searchStates.length) continue;
      const label = a.label[q]!;
      const c = cs.pick(label);
      if (c === undefined) continue;
      const key = `${c}`;
      if (tried.has(key)) continue;
      tried.add(key);
      // paths from I, counted per state (floating point: only the order of magnitude matters)
      let counts = new Float64Array(a.n);
      counts[INITIAL] = 1;
      let prevTotal = 0;
      for (let k = 1; k <= 64; k++) {
        const next = new Float64Array(a.n);
        let total = 0;
        for (let s2 = 0; s2 < a.n; s2++) {
          const cnt = counts[s2]!;
          if (!cnt) continue;
          const succ = a.succ[s2]!;
          this.budget.spend(succ.length + 1);
          for (let i = 0; i < succ.length; i++) {
            const t = succ[i]!;
            if (t <= a.searchStates.length && a.search) continue;
            if (!cs.has(a.edgeLabel[s2]![i]!, c)) continue;
            const add = cnt * a.mult[s2]![i]!;
            next[t] = next[t]! + add;
            total += add;
          }
        }
        if (!total) break;
        if (total >= 2 ** 20 && total >= prevTotal * 1.3) {
          yield { kind: 'exponential', degree: 0, state: INITIAL, pump: [[c, c]], why: 'finite' };
          break;
        }
        prevTotal = total;
        counts = next;
      }
    }
  }

  /**
   * IDA witnesses ordered by degree (highest first). The degree of a pair's chain is the number
   * of loop components on the longest chain of IDA pairs it starts.
   */
  polynomial(): Witness[] {
    const { a } = this;
    const loops: number[] = [];
    for (let c = this.comps.length - 1; c >= 0; c--) if (this.isLoop(c)) loops.push(c); // topological order
    if (loops.length < 2) return [];
    // reachability between components
    const reachFrom = (c: number): Uint8Array => {
      const seen = new Uint8Array(this.comps.length);
      const stack = [c];
      seen[c] = 1;
      while (stack.length) {
        const x = stack.pop()!;
        for (const v of this.comps[x]!) for (const w of a.succ[v]!) {
          this.budget.spend();
          const cw = this.comp[w]!;
          if (!seen[cw]) {
            seen[cw] = 1;
            stack.push(cw);
          }
        }
      }
      return seen;
    };
    const reach = new Map<number, Uint8Array>();
    for (const c of loops) reach.set(c, reachFrom(c));
    // states that can reach component B (reverse reachability), computed per B lazily
    const pred: number[][] = Array.from({ length: a.n }, () => []);
    for (let v = 0; v < a.n; v++) for (const w of a.succ[v]!) pred[w]!.push(v);
    const canReach = (B: number): Uint8Array => {
      const seen = new Uint8Array(a.n);
      const stack = [...this.comps[B]!];
      for (const v of stack) seen[v] = 1;
      while (stack.length) {
        const v = stack.pop()!;
        for (const u of pred[v]!) {
          this.budget.spend();
          if (!seen[u]) {
            seen[u] = 1;
            stack.push(u);
          }
        }
      }
      return seen;
    };
    const pairs = new Map<number, { to: number; w: Witness }[]>();
    for (let j = 0; j < loops.length; j++) {
      const B = loops[j]!;
      let cr: Uint8Array | undefined;
      for (let i = 0; i < j; i++) {
        const A = loops[i]!;
        if (!reach.get(A)![B]) continue;
        cr ??= canReach(B);
        const w = this.idaPair(A, B, cr);
        if (!w) continue;
        let list = pairs.get(A);
        if (!list) pairs.set(A, (list = []));
        list.push({ to: B, w });
      }
    }
    // longest chain (in components) from each A, memoised; loops are in topological order
    const longest = new Map<number, number>();
    for (let i = loops.length - 1; i >= 0; i--) {
      const A = loops[i]!;
      let best = 1;
      for (const { to } of pairs.get(A) ?? []) best = Math.max(best, 1 + (longest.get(to) ?? 1));
      longest.set(A, best);
    }
    const out: Witness[] = [];
    for (const list of pairs.values()) {
      for (const { to, w } of list) out.push({ ...w, degree: 1 + (longest.get(to) ?? 1) });
    }
    out.sort((x, y) => y.degree - x.degree);
    return out;
  }
}
