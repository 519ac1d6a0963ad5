/**
 * The proof: run the attack in V8 (worker threads, hard timeout) with growing pump counts, fit
 * the growth, and extrapolate the input length that blocks the event loop for 100 ms and 1 s.
 *
 * Exponential candidates grow by one or a few pumps per sample; polynomial ones double the input
 * length. Growing stops as soon as a sample passes STOP_MS (growth established), a sample times
 * out, or the input length cap is reached. The slowdown is "reproduced" when the slowest sample
 * is above SIGNIFICANT_MS and the fitted growth is super-linear (an exponential base above 1.15
 * per pump, or a polynomial degree of at least 1.5).
 */
import type { Attack, Proof } from '../types.ts';
import { type MatchTask, type ProofPool, proofPool } from './pool.ts';

export interface ProofOptions {
  pattern: string;
  flags: string;
  attack: Attack;
  expected: 'exponential' | 'polynomial';
  /** Expected polynomial degree (sets the starting length). */
  degree?: number;
  /** Use replace (g flag full search). */
  replaceAll: boolean;
  /** Wall-clock budget for the whole proof. */
  budgetMs: number;
  pool?: ProofPool;
}

export interface ProofResult {
  reproduced: boolean;
  proof: Proof;
  /** Why it was not reproduced. */
  detail?: string;
  /** The time budget ran out before the growth was settled (not reproduced for lack of time). */
  outOfTime?: boolean;
  attackLength100ms?: number;
  attackLength1s?: number;
  /** Fitted type and value (degree or base). */
  complexity?: { type: 'exponential' | 'polynomial'; degree?: number };
}

const STOP_MS = 10;
const SIGNIFICANT_MS = 6;
/** A real polynomial blow-up is unmistakable long before this length (2^18: ~3e10 steps for a quadratic). */
const MAX_LENGTH = 1 << 18;
const SAMPLE_TIMEOUT_MS = 500;
const MAX_SAMPLES = 40;
const EXP_PUMPS = 48;

interface Fit {
  a: number;
  b: number;
  r2: number;
}

function linearFit(xs: number[], ys: number[]): Fit {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const b = sxx === 0 ? 0 : sxy / sxx;
  const a = my - b * mx;
  const r2 = syy === 0 || sxx === 0 ? 0 : (sxy * sxy) / (sxx * syy);
  return { a, b, r2 };
}

export async function prove(opts: ProofOptions): Promise<ProofResult> {
  const pool = opts.pool ?? proofPool();
  const { attack } = opts;
  const started = performance.now();
  const samples: Proof['samples'] = [];
  const lengthOf = (pumps: number): number => attack.prefix.length + pumps * attack.pump.length + attack.suffix.length;
  let exp = opts.expected === 'exponential';
  // polynomial: start where a degree-d blow-up costs ~1e6 steps (about a millisecond)
  const d = Math.max(2, opts.degree ?? 2);
  let fact = 1;
  for (let i = 2; i <= d; i++) fact *= i;
  const startLength = Math.max(32, Math.ceil((1e6 * fact) ** (1 / d)));
  let pumps = exp ? 1 : Math.max(1, Math.ceil(startLength / attack.pump.length));
  let timedOut = false;
  let extended = false;
  let outOfTime = false;
  while (samples.length < MAX_SAMPLES) {
    const left = opts.budgetMs - (performance.now() - started);
    if (left < 20) {
      outOfTime = true;
      break;
    }
    const task: MatchTask = {
      pattern: opts.pattern,
      flags: opts.flags,
      prefix: attack.prefix,
      pump: attack.pump,
      suffix: attack.suffix,
      pumps,
      replaceAll: opts.replaceAll,
      repeat: 1,
    };
    let r = await pool.run(task, Math.min(SAMPLE_TIMEOUT_MS, left));
    if (!r.timedOut && r.ms < 10) {
      // a run can be slowed by other work on the machine: keep the best of several (cheap while
      // runs are short)
      const again = await pool.run({ ...task, repeat: r.ms < 3 ? 3 : 1 }, Math.min(SAMPLE_TIMEOUT_MS, Math.max(20, left)));
      if (again.ms < r.ms) r = again;
    }
    samples.push({ pumps, length: lengthOf(pumps), ms: Math.round(r.ms * 1000) / 1000 });
    if (r.timedOut) {
      timedOut = true;
      break;
    }
    if (r.ms >= STOP_MS) {
      // Polynomial growth must show between the end points; if a sample slowed by other work on
      // the machine hides it, one more doubling gives two long (CPU-timed) samples to compare.
      if (exp || extended || endDegree(samples) >= 1.5) break;
      extended = true;
    }
    if (!exp && samples.length >= 3 && looksLinear(samples.slice(-3))) break;
    // An exponential that has not shown up after EXP_PUMPS pumps is not one (even a base of 1.15
    // would have multiplied the time by 800): look for polynomial growth instead.
    if (exp && pumps >= EXP_PUMPS && r.ms < 5) {
      exp = false;
      samples.length = 0;
    }
    let next: number;
    if (exp) next = r.ms < 0.05 ? Math.ceil(pumps * 1.5) + 1 : r.ms < 2 ? pumps + 2 : pumps + 1;
    else next = r.ms < 0.05 ? pumps * 4 : pumps * 2;
    if (lengthOf(next) > MAX_LENGTH) {
      if (lengthOf(pumps) >= MAX_LENGTH) break;
      next = Math.floor((MAX_LENGTH - attack.prefix.length - attack.suffix.length) / attack.pump.length);
      if (next <= pumps) break;
    }
    pumps = next;
  }
  if (!samples.length) {
    return {
      reproduced: false,
      proof: { method: 'v8-timing', samples, fitted: { type: opts.expected, value: 0 } },
      detail: 'no time left for the proof',
      outOfTime: true,
    };
  }

  const slowest = samples.reduce((m, s) => Math.max(m, s.ms), 0);
  // Fit on the samples above the noise floor. The end points are the best-measured samples (the
  // smallest is the best of three runs, the largest is timed on the thread's CPU clock), so the
  // growth between them is the estimate; the least-squares fit over all of them only decides
  // between exponential and polynomial shapes. A long baseline keeps one sample slowed by other
  // work on the machine from bending the estimate.
  let usable = samples.filter((s) => s.ms >= 0.2);
  if (usable.length < 2) usable = samples.slice(-3);
  const xsN = usable.map((s) => s.pumps);
  const xsL = usable.map((s) => Math.log(s.length));
  const ys = usable.map((s) => Math.log(Math.max(s.ms, 0.001)));
  const fe = linearFit(xsN, ys);
  const fp = linearFit(xsL, ys);
  const first = usable[0]!;
  const last = usable[usable.length - 1]!;
  const ends = (x0: number, x1: number): Fit | undefined => {
    if (x1 === x0 || first.ms <= 0 || last.ms <= 0) return undefined;
    const b = (Math.log(last.ms) - Math.log(first.ms)) / (x1 - x0);
    return { a: Math.log(last.ms) - b * x1, b, r2: 1 };
  };
  const ee = ends(first.pumps, last.pumps) ?? fe;
  let ep = ends(Math.log(first.length), Math.log(last.length)) ?? fp;
  const base = Math.exp(ee.b);
  const degree = ep.b;
  let type: 'exponential' | 'polynomial';
  if (exp) type = base >= 1.15 && (fe.r2 >= fp.r2 || degree > 6) ? 'exponential' : 'polynomial';
  else type = degree > 6 && base >= 1.15 ? 'exponential' : 'polynomial';
  if (usable.length < 2) type = opts.expected;
  const fitted = type === 'exponential' ? { type, value: round(base, 3) } : { type, value: round(degree, 2) };
  const proof: Proof = { method: 'v8-timing', samples, fitted };
  const tail = tailDegree(samples);
  // A linear match costs nanoseconds per character; microseconds per character with a clearly
  // growing cost is super-linear even when noise flattens the fitted degree.
  const perChar = last.ms / last.length;
  const superLinear = type === 'exponential' ? base >= 1.15 : degree >= 1.5 || tail >= 1.5 || (Math.max(degree, tail) >= 1.1 && perChar >= 0.005);
  if (type === 'polynomial' && degree < 1.5 && tail >= 1.5) {
    fitted.value = round(tail, 2);
    const x1 = Math.log(last.length);
    ep = { a: Math.log(last.ms) - tail * x1, b: tail, r2: 1 };
  }
  const reproduced = (timedOut || slowest >= SIGNIFICANT_MS) && (superLinear || (timedOut && samples.length === 1));
  if (!reproduced) {
    const last = samples[samples.length - 1];
    return {
      reproduced: false,
      proof,
      ...(outOfTime && { outOfTime }),
      detail: last
        ? `attack of ${last.length} characters ran in ${last.ms} ms (fitted ${fitted.type} ${fitted.value})`
        : 'no time left for the proof',
    };
  }
  // extrapolate lengths from the fit (time in ms = exp(a + b x))
  const lengthFor = (ms: number): number => {
    if (type === 'exponential') {
      const n = ee.b > 0 ? (Math.log(ms) - ee.a) / ee.b : Infinity;
      return Math.max(1, Math.ceil(lengthOf(Math.max(0, n))));
    }
    const l = ep.b > 0 ? Math.exp((Math.log(ms) - ep.a) / ep.b) : Infinity;
    return Math.max(1, Math.ceil(l));
  };
  let l100 = lengthFor(100);
  let l1s = lengthFor(1000);
  // a timed-out or measured sample bounds the extrapolation
  for (const s of samples) {
    if (s.ms >= 1000) l1s = Math.min(l1s, s.length);
    if (s.ms >= 100) l100 = Math.min(l100, s.length);
  }
  if (l100 > l1s) l100 = l1s;
  return {
    reproduced: true,
    proof,
    attackLength100ms: Number.isFinite(l100) ? l100 : undefined,
    attackLength1s: Number.isFinite(l1s) ? l1s : undefined,
    // one sample that hit its deadline proves the slowdown but not its shape: keep the static one
    ...(samples.length > 1 && { complexity: type === 'exponential' ? { type } : { type, degree: Math.max(2, Math.round(ep.b)) } }),
  };
}

/** Growth degree between the first sample above the noise floor and the last one. */
function endDegree(samples: Proof['samples']): number {
  const usable = samples.filter((s) => s.ms >= 0.2);
  const a = usable[0];
  const b = usable[usable.length - 1];
  if (!a || !b || a === b) return 0;
  return Math.log(b.ms / a.ms) / Math.log(b.length / a.length);
}

/** Growth degree between the last two samples when both are long enough to be CPU-timed. */
function tailDegree(samples: Proof['samples']): number {
  const a = samples[samples.length - 2];
  const b = samples[samples.length - 1];
  if (!a || !b || a.ms < 8 || b.ms < 8 || a.length === b.length) return 0;
  return Math.log(b.ms / a.ms) / Math.log(b.length / a.length);
}

/** Two successive doublings that each cost less than 2^1.25 times more: linear, stop looking. */
function looksLinear(last: Proof['samples']): boolean {
  const [a, b, c] = last;
  if (!a || !b || !c || a.ms < 0.3) return false;
  const local = (x: { length: number; ms: number }, y: { length: number; ms: number }): number =>
    Math.log(y.ms / x.ms) / Math.log(y.length / x.length);
  return local(a, b) < 1.25 && local(b, c) < 1.25;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
