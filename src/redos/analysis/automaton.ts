/**
 * An epsilon-free NFA with transition multiplicities, the "position automaton" of the IR that keeps
 * how many distinct epsilon-paths a backtracking engine can take between two consumed characters
 * (capped at 2). `(a*)*` thus gets a self-loop of multiplicity 2 on `a`, the structural signature
 * of exponential backtracking that a plain Glushkov automaton would merge away.
 *
 * States: 0 is the initial state I (before any character). When the regex is not sticky, state 1
 * is the search state S: a self-looping any-character state modelling V8 retrying the match at
 * each later start position (`^` cannot match from it). Every other state is one character
 * position of the pattern; all transitions into a state read its label (Glushkov property).
 *
 * Zero-width assertions are positions during construction and are then eliminated: each path
 * through them becomes a direct transition if its guards (`^`, `$`, `\b`, `\B`) can hold between
 * the previous and next characters, and a path to the end of the pattern becomes an accept
 * condition on the next input character (`acceptNext`) or the end of input (`acceptEnd`).
 * ES semantics for empty loop iterations are kept: an epsilon-path may not go around the same
 * loop twice, nor around a loop it did not start inside (V8 rejects empty iterations).
 */
import * as cs from './charset.ts';
import type { CharSet } from './charset.ts';
import type { AssertKind, IR } from './ir.ts';

export const INITIAL = 0;
export const SEARCH = 1;
/** At most this many search states (atoms of the context partition); beyond, one state. */
const MAX_SEARCH_STATES = 8;
const MAXM = 2;

export interface Automaton {
  /** Number of states. */
  n: number;
  /** Label of each state (the characters read when entering it); empty for I. */
  label: CharSet[];
  /** Distinct-label id of each state, for caching intersections. */
  labelId: Int32Array;
  /**
   * Label of each transition in `succ`: the target's label, narrowed when the transition passed
   * guards that constrain the next character (`\b`, `(?=x)`, multiline `$`).
   */
  edgeLabel: CharSet[][];
  /** Distinct-label id of each transition's label (shared id space with `labelId`). */
  edgeLabelId: Int32Array[];
  succ: Int32Array[];
  /** Multiplicity (1 or 2) of each transition in `succ`. */
  mult: Uint8Array[];
  /** Characters that may follow for the match to end in this state. */
  acceptNext: CharSet[];
  /** Whether the match may end in this state at the end of input. */
  acceptEnd: boolean[];
  /** True when state 1 is the search state. */
  search: boolean;
  /**
   * The search states (ids 1..k, empty when sticky). The search state is split by the character
   * sets guards look back at (line terminators for a multiline `^`, word characters for `\b`,
   * single-character lookbehinds): each one follows the characters of one atom of that partition,
   * so a guard sees exactly which character preceded a retried start.
   */
  searchStates: number[];
  max: number;
  /** Source span [start, end) of the innermost repetition around each state, for hints. */
  loopSrc: ([number, number] | undefined)[];
  /** Source span of the outermost repetition around each state. */
  outerLoopSrc: ([number, number] | undefined)[];
  /** Budget steps consumed by construction. */
  steps: number;
}

export class BudgetExceeded extends Error {
  constructor(what: string) {
    super(`budget exceeded: ${what}`);
  }
}

/** A zero-width position: the assertion and what it tests. */
interface Guard {
  kind: AssertKind;
  multiline: boolean;
  /** For `ahead`: allowed next characters; for `behind`: allowed previous characters. */
  set: CharSet;
  /** For `ahead`: the end of input is allowed; for `behind`: the start of input is allowed. */
  edge: boolean;
}

/**
 * Atoms of the partition of the alphabet by `sets` (each atom is inside or outside every set),
 * at most MAX_SEARCH_STATES of them; a single atom (everything) when there is nothing to split by
 * or too much.
 */
function partition(sets: readonly CharSet[], max: number): CharSet[] {
  let atoms: CharSet[] = [[0, max]];
  for (const s of sets) {
    const next: CharSet[] = [];
    for (const a of atoms) {
      const inside = cs.intersect(a, s);
      const outside = cs.subtract(a, s, max);
      if (inside.length) next.push(inside);
      if (outside.length) next.push(outside);
    }
    if (next.length > MAX_SEARCH_STATES) return [[0, max]];
    atoms = next;
  }
  return atoms;
}

interface Frag {
  first: Map<number, number>;
  last: Map<number, number>;
  nullable: number;
}

interface Constraint {
  set: CharSet;
  eof: boolean;
  /** The path went through a lookaround, whose outcome the automaton does not know. */
  look?: boolean;
}

export interface BuildOptions {
  max: number;
  sticky: boolean;
  /** Character sets whose membership of the previous character some guard tests. */
  contextSets: CharSet[];
  maxStates: number;
  maxSteps: number;
  /** Counted repetitions whose expansion is cut record a note here. */
  notes: Set<string>;
}

/** Largest count expanded exactly in `{n,m}`. */
const COUNT_CAP = 24;
/** Counted repetitions whose expansion stays under this many positions are expanded exactly. */
const EXACT_LIMIT = 512;

function addM(map: Map<number, number>, k: number, m: number): void {
  map.set(k, Math.min(MAXM, (map.get(k) ?? 0) + m));
}

function leaves(ir: IR, cap: number): number {
  switch (ir.t) {
    case 'set':
    case 'assert':
      return 1;
    case 'empty':
      return 0;
    case 'seq':
    case 'alt': {
      let n = 0;
      for (const c of ir.t === 'seq' ? ir.items : ir.alts) {
        n += leaves(c, cap);
        if (n > cap) return cap + 1;
      }
      return n;
    }
    case 'rep': {
      const b = leaves(ir.body, cap);
      const copies = Math.min(cap + 1, ir.max === Infinity ? ir.min + 1 : ir.max);
      return Math.min(cap + 1, b * Math.max(1, copies));
    }
  }
}

export function buildAutomaton(ir: IR, opts: BuildOptions): Automaton {
  const { max } = opts;
  // positions (index = state id); 0 = I, 1..k = the search states (none when sticky)
  const atoms = opts.sticky ? [] : partition(opts.contextSets, max);
  const k = atoms.length;
  const searchIds = atoms.map((_, i) => i + 1);
  const isSearch = (p: number): boolean => p >= 1 && p <= k;
  const labels: CharSet[] = [cs.EMPTY, ...atoms];
  const zeroWidth: (Guard | null)[] = labels.map(() => null);
  const loopsOf: number[][] = labels.map(() => []);
  // raw edges, may go to zero-width positions; `loop` tags a loop's back-edge
  const eFrom: number[] = [];
  const eTo: number[] = [];
  const eMult: number[] = [];
  const eLoop: number[] = [];
  let steps = 0;
  let loopCount = 0;
  const loopStack: number[] = [];
  const loopSpans: [number, number][] = [];
  const spanOf: ([number, number] | undefined)[] = labels.map(() => undefined);
  const outerSpanOf: ([number, number] | undefined)[] = labels.map(() => undefined);

  const step = (n = 1): void => {
    steps += n;
    if (steps > opts.maxSteps) throw new BudgetExceeded('automaton construction steps');
  };

  const newPos = (label: CharSet, zw: Guard | null): number => {
    const id = labels.length;
    if (id > opts.maxStates) throw new BudgetExceeded(`more than ${opts.maxStates} automaton states`);
    labels.push(label);
    zeroWidth.push(zw);
    loopsOf.push(loopStack.slice());
    spanOf.push(loopSpans[loopSpans.length - 1]);
    outerSpanOf.push(loopSpans[0]);
    return id;
  };

  const link = (from: Map<number, number>, to: Map<number, number>, loop: number): void => {
    step(from.size * to.size);
    for (const [p, m] of from) {
      for (const [q, n] of to) {
        eFrom.push(p);
        eTo.push(q);
        eMult.push(Math.min(MAXM, m * n));
        eLoop.push(loop);
      }
    }
  };

  const scale = (map: Map<number, number>, k: number): Map<number, number> => {
    const out = new Map<number, number>();
    if (k === 0) return out;
    for (const [p, m] of map) out.set(p, Math.min(MAXM, m * k));
    return out;
  };

  const merge = (a: Map<number, number>, b: Map<number, number>): Map<number, number> => {
    const out = new Map(a);
    for (const [k, m] of b) addM(out, k, m);
    return out;
  };

  const emptyFrag = (): Frag => ({ first: new Map(), last: new Map(), nullable: 1 });

  const seq = (a: Frag, b: Frag): Frag => {
    link(a.last, b.first, -1);
    return {
      first: merge(a.first, scale(b.first, a.nullable)),
      last: merge(b.last, scale(a.last, b.nullable)),
      nullable: Math.min(MAXM, a.nullable * b.nullable),
    };
  };

  const loop = (body: IR, nullableAfter: (f: Frag) => number, src: [number, number]): Frag => {
    const id = loopCount++;
    loopStack.push(id);
    loopSpans.push(src);
    const f = build(body);
    loopStack.pop();
    loopSpans.pop();
    link(f.last, f.first, id);
    return { first: f.first, last: f.last, nullable: nullableAfter(f) };
  };

  const optional = (body: IR, rest: number): Frag => {
    // body (body (...)?)? with `rest` nested optionals; an empty iteration of an optional
    // repetition is rejected, so the skip path is the only empty way.
    if (rest <= 0) return emptyFrag();
    const inner = build(body);
    const f = rest > 1 ? seq(inner, optional(body, rest - 1)) : inner;
    return { first: f.first, last: f.last, nullable: 1 };
  };

  const build = (ir: IR): Frag => {
    step();
    switch (ir.t) {
      case 'empty':
        return emptyFrag();
      case 'set': {
        const p = newPos(ir.set, null);
        const one = new Map([[p, 1]]);
        return { first: one, last: new Map(one), nullable: 0 };
      }
      case 'assert': {
        const p = newPos(cs.EMPTY, { kind: ir.kind, multiline: ir.multiline, set: ir.set ?? cs.EMPTY, edge: ir.edge ?? false });
        const one = new Map([[p, 1]]);
        return { first: one, last: new Map(one), nullable: 0 };
      }
      case 'seq': {
        let f = build(ir.items[0]!);
        for (let i = 1; i < ir.items.length; i++) f = seq(f, build(ir.items[i]!));
        return f;
      }
      case 'alt': {
        const out: Frag = { first: new Map(), last: new Map(), nullable: 0 };
        for (const a of ir.alts) {
          const f = build(a);
          for (const [k, m] of f.first) addM(out.first, k, m);
          for (const [k, m] of f.last) addM(out.last, k, m);
          out.nullable = Math.min(MAXM, out.nullable + f.nullable);
        }
        return out;
      }
      case 'rep': {
        let { min, max: hi } = ir;
        const room = Math.max(1, opts.maxStates - labels.length);
        const size = Math.max(1, leaves(ir.body, room));
        const limit = Math.min(EXACT_LIMIT, room);
        const copies = hi === Infinity ? min + 1 : hi;
        let cap = COUNT_CAP;
        while (cap > 1 && size * (cap + 1) > limit) cap = Math.floor(cap / 2);
        if (size * copies > limit && (min > cap || (hi !== Infinity && hi > cap))) {
          opts.notes.add(`counted repetition {${ir.min},${ir.max === Infinity ? '' : ir.max}} shortened`);
          const fixed = hi === min;
          min = Math.min(min, cap);
          hi = fixed ? min : hi > cap ? Infinity : hi;
        }
        if (hi === 0) return emptyFrag();
        if (hi === Infinity) {
          if (min === 0) return loop(ir.body, () => 1, ir.src);
          let f: Frag | undefined;
          for (let i = 0; i < min - 1; i++) f = f ? seq(f, build(ir.body)) : build(ir.body);
          const plus = loop(ir.body, (g) => g.nullable, ir.src);
          return f ? seq(f, plus) : plus;
        }
        let f: Frag | undefined;
        for (let i = 0; i < min; i++) f = f ? seq(f, build(ir.body)) : build(ir.body);
        if (hi > min) {
          const opt = optional(ir.body, hi - min);
          f = f ? seq(f, opt) : opt;
        }
        return f ?? emptyFrag();
      }
    }
  };

  const root = build(ir);
  const startEdges = (from: number): void => {
    for (const [q, m] of root.first) {
      eFrom.push(from);
      eTo.push(q);
      eMult.push(m);
      eLoop.push(-1);
    }
  };
  startEdges(INITIAL);
  for (const sId of searchIds) startEdges(sId);
  const lastMap = root.last;
  const n = labels.length;

  // adjacency of raw edges
  const rawOut: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < eFrom.length; i++) rawOut[eFrom[i]!]!.push(i);
  const finalMult = (p: number): number => lastMap.get(p) ?? 0;

  // --- eliminate zero-width positions
  const succ: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  const succLabel: Map<number, CharSet>[] = Array.from({ length: n }, () => new Map());
  const acceptNext: CharSet[] = Array.from({ length: n }, () => cs.EMPTY);
  const acceptEnd: boolean[] = Array.from({ length: n }, () => false);
  const FULL: Constraint = { set: [0, max], eof: true };
  const isWordLabel = (p: number): boolean => p !== INITIAL && cs.intersects(labels[p]!, cs.WORD);
  const isNonWordLabel = (p: number): boolean => p === INITIAL || cs.intersects(labels[p]!, cs.complement(cs.WORD, max));

  const guard = (src: number, g: Guard, c: Constraint): Constraint | undefined => {
    switch (g.kind) {
      case 'look':
        return { ...c, look: true };
      case 'ahead':
        // a single-character (or end-of-input) lookahead: a constraint on the next character
        return { set: cs.intersect(c.set, g.set), eof: c.eof && g.edge, look: c.look };
      case 'behind':
        if (src === INITIAL) return g.edge ? c : undefined;
        return cs.intersects(labels[src]!, g.set) ? c : undefined;
      case 'start':
        if (src === INITIAL) return c;
        if (g.multiline && cs.intersects(labels[src]!, cs.LINE_TERMINATOR)) return c;
        return undefined;
      case 'end':
        return { set: g.multiline ? cs.intersect(c.set, cs.LINE_TERMINATOR) : cs.EMPTY, eof: c.eof, look: c.look };
      case 'word':
      case 'nonword': {
        const w = isWordLabel(src);
        const nw = isNonWordLabel(src);
        const word = cs.WORD;
        const nonWord = cs.complement(cs.WORD, max);
        let set: CharSet = cs.EMPTY;
        let eof = false;
        if (g.kind === 'word') {
          if (w) {
            set = cs.union(set, nonWord);
            eof = true;
          }
          if (nw) set = cs.union(set, word);
        } else {
          if (w) set = cs.union(set, word);
          if (nw) {
            set = cs.union(set, nonWord);
            eof = true;
          }
        }
        return { set: cs.intersect(c.set, set), eof: c.eof && eof, look: c.look };
      }
    }
  };

  const addAccept = (src: number, c: Constraint): void => {
    // A match that depends on a lookaround is not counted: the attack simulation would otherwise
    // give up on every pattern ending in a lookahead. The V8 proof settles those.
    if (c.look) return;
    acceptNext[src] = cs.union(acceptNext[src]!, c.set);
    if (c.eof) acceptEnd[src] = true;
  };

  const isReal = (p: number): boolean => zeroWidth[p] === null;

  for (let src = 0; src < n; src++) {
    if (!isReal(src)) continue;
    // direct accept
    const fm = src === INITIAL || isSearch(src) ? root.nullable : finalMult(src);
    if (fm > 0) addAccept(src, FULL);
    const out = succ[src]!;
    const outLabel = succLabel[src]!;
    // DFS through zero-width positions
    const stack: { node: number; mult: number; c: Constraint; used: number[]; depth: number }[] = [];
    for (const e of rawOut[src]!) stack.push({ node: -2 - e, mult: eMult[e]!, c: FULL, used: eLoop[e]! >= 0 ? [eLoop[e]!] : [], depth: 0 });
    while (stack.length) {
      const cur = stack.pop()!;
      step();
      const t = cur.node <= -2 ? eTo[-2 - cur.node]! : cur.node;
      if (isReal(t)) {
        if (!cs.intersects(labels[t]!, cur.c.set)) continue;
        out.set(t, Math.min(MAXM, (out.get(t) ?? 0) + cur.mult));
        const narrowed = cur.c.set === FULL.set ? labels[t]! : cs.intersect(labels[t]!, cur.c.set);
        const prev = outLabel.get(t);
        outLabel.set(t, prev ? cs.union(prev, narrowed) : narrowed);
        continue;
      }
      if (cur.depth > 64) continue;
      const g = guard(src, zeroWidth[t]!, cur.c);
      if (!g || (!g.set.length && !g.eof)) continue;
      if (finalMult(t) > 0) addAccept(src, g);
      for (const e of rawOut[t]!) {
        const lp = eLoop[e]!;
        let used = cur.used;
        if (lp >= 0) {
          // going around loop lp again without consuming: only once, and only if src is inside it
          if (used.includes(lp) || !loopsOf[src]!.includes(lp)) continue;
          used = [...used, lp];
        }
        const next = eTo[e]!;
        if (isReal(next) && g.set.length === 0) continue; // only end of input may follow
        stack.push({ node: next, mult: Math.min(MAXM, cur.mult * eMult[e]!), c: g, used, depth: cur.depth + 1 });
      }
    }
  }
  for (const to of searchIds) {
    succ[INITIAL]!.set(to, 1);
    succLabel[INITIAL]!.set(to, labels[to]!);
    for (const from of searchIds) {
      succ[from]!.set(to, 1);
      succLabel[from]!.set(to, labels[to]!);
    }
  }

  // --- keep states reachable from I, renumber
  const reach = new Int32Array(n).fill(-1);
  const order: number[] = [];
  const queue = [INITIAL];
  reach[INITIAL] = 0;
  order.push(INITIAL);
  for (const sId of searchIds) {
    reach[sId] = order.length;
    order.push(sId);
    queue.push(sId);
  }
  while (queue.length) {
    const s = queue.pop()!;
    for (const t of succ[s]!.keys()) {
      if (reach[t] === -1) {
        reach[t] = order.length;
        order.push(t);
        queue.push(t);
      }
    }
  }
  const m = order.length;
  const label: CharSet[] = [];
  const labelIds = new Map<string, number>();
  const idOf = (l: CharSet): number => {
    const k = cs.key(l);
    let id = labelIds.get(k);
    if (id === undefined) labelIds.set(k, (id = labelIds.size));
    return id;
  };
  const labelId = new Int32Array(m);
  const edgeLabel: CharSet[][] = [];
  const edgeLabelId: Int32Array[] = [];
  const outSucc: Int32Array[] = [];
  const outMult: Uint8Array[] = [];
  const aNext: CharSet[] = [];
  const aEnd: boolean[] = [];
  const loopSrc: ([number, number] | undefined)[] = [];
  const outerLoopSrc: ([number, number] | undefined)[] = [];
  for (let i = 0; i < m; i++) {
    const old = order[i]!;
    label.push(labels[old]!);
    const k = cs.key(labels[old]!);
    let id = labelIds.get(k);
    if (id === undefined) labelIds.set(k, (id = labelIds.size));
    labelId[i] = id;
    const entries = [...succ[old]!.entries()];
    outSucc.push(Int32Array.from(entries.map(([t]) => reach[t]!)));
    outMult.push(Uint8Array.from(entries.map(([, mm]) => mm)));
    const el = entries.map(([t]) => succLabel[old]!.get(t) ?? labels[t]!);
    edgeLabel.push(el);
    edgeLabelId.push(Int32Array.from(el.map(idOf)));
    aNext.push(acceptNext[old]!);
    aEnd.push(acceptEnd[old]!);
    loopSrc.push(spanOf[old]);
    outerLoopSrc.push(outerSpanOf[old]);
  }
  return { n: m, label, labelId, edgeLabel, edgeLabelId, succ: outSucc, mult: outMult, acceptNext: aNext, acceptEnd: aEnd, search: k > 0, searchStates: searchIds, max, loopSrc, outerLoopSrc, steps };
}
