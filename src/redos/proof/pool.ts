/**
 * A small pool of worker threads that time one regex match each, in V8 itself. A match that
 * runs past its deadline is killed with `worker.terminate()` (V8 interrupts regexp code at
 * backtracking points) and the worker is replaced. Workers are unref'd and spawned lazily
 * (a spawn costs ~30 ms), so an idle pool never keeps the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface MatchTask {
  pattern: string;
  flags: string;
  prefix: string;
  pump: string;
  suffix: string;
  pumps: number;
  /** Use String.prototype.replace (the g flag's full search) instead of one exec. */
  replaceAll: boolean;
  /** Repeat the timing and keep the minimum (for short runs, to tame noise). */
  repeat: number;
}

export type MatchResult = { ms: number; timedOut: false } | { ms: number; timedOut: true };

// The worker builds the input itself (only prefix/pump/suffix cross the thread boundary), warms
// the regex up on a short input so V8 tiers it up to native code, then times the match.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const cpu = typeof process.threadCpuUsage === 'function' ? (prev) => process.threadCpuUsage(prev) : null;
let cacheKey = '';
let re = null;
parentPort.on('message', (t) => {
  try {
    const key = t.flags + '/' + t.pattern;
    if (key !== cacheKey) {
      re = new RegExp(t.pattern, t.flags);
      cacheKey = key;
      const warm = t.prefix + t.pump + t.suffix;
      for (let i = 0; i < 3; i++) { re.lastIndex = 0; t.replaceAll ? warm.replace(re, '') : re.exec(warm); }
    }
    const input = t.prefix + t.pump.repeat(t.pumps) + t.suffix;
    let best = Infinity;
    for (let r = 0; r < t.repeat; r++) {
      re.lastIndex = 0;
      const c0 = cpu ? cpu() : null;
      const t0 = performance.now();
      if (t.replaceAll) input.replace(re, ''); else re.exec(input);
      let ms = performance.now() - t0;
      // On a busy machine a long run is also descheduled: waiting for a core is not the regex's
      // cost. The thread CPU clock ticks every few ms, so it is trusted only for long runs.
      if (c0 && ms >= 10) { const d = cpu(c0); ms = Math.min(ms, (d.user + d.system) / 1000 + 2); }
      if (ms < best) best = ms;
    }
    parentPort.postMessage({ ok: true, ms: best });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err && err.message || err) });
  }
});
`;

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class ProofPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];

  private readonly size: number;

  constructor(size = 2) {
    this.size = size;
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    worker.unref();
    const slot = { worker, busy: false };
    worker.on('error', () => this.discard(slot));
    this.slots.push(slot);
    return slot;
  }

  private discard(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (this.slots.length < this.size) {
      const s = this.spawn();
      s.busy = true;
      return Promise.resolve(s);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot, dead: boolean): void {
    if (dead) {
      this.discard(slot);
      const next = this.waiting.shift();
      if (next) {
        const s = this.spawn();
        s.busy = true;
        next(s);
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Times one match; resolves `timedOut` (and kills the worker) after `timeoutMs`. */
  async run(task: MatchTask, timeoutMs: number): Promise<MatchResult> {
    const slot = await this.acquire();
    return new Promise<MatchResult>((resolve, reject) => {
      let done = false;
      const finish = (dead: boolean): void => {
        done = true;
        clearTimeout(timer);
        slot.worker.off('message', onMessage);
        slot.worker.off('exit', onExit);
        this.release(slot, dead);
      };
      const onMessage = (m: { ok: boolean; ms?: number; error?: string }): void => {
        if (done) return;
        finish(false);
        if (m.ok) resolve({ ms: m.ms!, timedOut: false });
        else reject(new Error(m.error));
      };
      const onExit = (): void => {
        if (done) return;
        finish(true);
        // a worker that ran out of memory or died counts as a kill at the deadline
        resolve({ ms: timeoutMs, timedOut: true });
      };
      const timer = setTimeout(() => {
        if (done) return;
        finish(true);
        resolve({ ms: timeoutMs, timedOut: true });
      }, timeoutMs);
      slot.worker.on('message', onMessage);
      slot.worker.on('exit', onExit);
      slot.worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    const all = this.slots.splice(0);
    await Promise.all(all.map((s) => s.worker.terminate()));
  }
}

let shared: ProofPool | undefined;

/** Workers in the shared pool: one per core (callers run that many analyses at once), 2 to 8. */
export const POOL_SIZE = Math.max(2, Math.min(8, availableParallelism()));

/** The process-wide pool used by analyzeRegex. */
export function proofPool(): ProofPool {
  shared ??= new ProofPool(POOL_SIZE);
  return shared;
}

let slotsFree = POOL_SIZE;
const slotWaiters: (() => void)[] = [];

/**
 * Runs `fn` once one of the pool's workers can be dedicated to it, so a proof's time budget
 * starts when it can actually run, not while it waits behind other proofs.
 */
export async function withProofSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (slotsFree > 0) slotsFree--;
  else await new Promise<void>((resolve) => slotWaiters.push(resolve));
  try {
    return await fn();
  } finally {
    const next = slotWaiters.shift();
    if (next) next();
    else slotsFree++;
  }
}

/** Terminates the shared pool's workers (tests and CLI shutdown). */
export async function closeProofPool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.close();
}
