/**
 * The ReDoS tools compared by bench/redos.ts, behind one shape: run(pattern, flags) → verdict,
 * time and, when the tool builds one, an attack that the V8 check (confirm.ts) can replay.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { analyzeRegex } from '../../src/redos/analyze.ts';

const require = createRequire(import.meta.url);

/** Builds the attack string for `n` pump repetitions. */
export type AttackGen = (n: number) => string;

export interface ToolRun {
  status: 'vulnerable' | 'safe' | 'unknown' | 'timeout' | 'error';
  ms: number;
  attacks?: AttackGen[];
  /** Ours only: the slowdown was reproduced in V8 by the engine's own proof. */
  verified?: boolean;
  detail?: string;
}

export interface Tool {
  name: string;
  run(pattern: string, flags: string): Promise<ToolRun>;
  close?(): Promise<void> | void;
}

const gen = (prefix: string, pump: string, suffix: string): AttackGen => (n) => prefix + pump.repeat(n) + suffix;

/** nodesec: static analysis, then the V8 proof of every candidate (`verify: false`: static only). */
export function nodesecTool(timeoutMs: number, verify = true): Tool {
  return {
    name: verify ? 'nodesec' : 'nodesec-static',
    async run(pattern, flags) {
      const t0 = performance.now();
      const a = await analyzeRegex(pattern, flags, { timeoutMs, verify });
      const ms = performance.now() - t0;
      const v = a.verdict;
      if (v.kind === 'vulnerable') return { status: 'vulnerable', ms, verified: v.verified, attacks: [gen(v.attack.prefix, v.attack.pump, v.attack.suffix)] };
      if (v.kind === 'safe') return { status: 'safe', ms };
      if (v.kind === 'invalid') return { status: 'error', ms, detail: v.message };
      return { status: v.why === 'timeout' ? 'timeout' : 'unknown', ms, detail: `${v.why}${v.detail ? `: ${v.detail}` : ''}` };
    },
  };
}

interface RecheckDiagnostics {
  status: 'vulnerable' | 'safe' | 'unknown';
  attack?: { pumps: { prefix: string; pump: string; bias: number }[]; suffix: string };
  error?: { kind: string; message?: string };
}

export async function recheckTool(timeoutMs: number): Promise<Tool> {
  // The native backend (recheck-linux-x64, a GraalVM binary) through its agent process.
  process.env.RECHECK_BACKEND = 'native';
  const { check } = require('recheck') as { check(source: string, flags: string, params: Record<string, unknown>): Promise<RecheckDiagnostics> };
  await check('a', '', { timeout: timeoutMs }); // start the agent outside the measurements
  return {
    name: 'recheck',
    async run(pattern, flags) {
      const t0 = performance.now();
      const d = await check(pattern, flags, { timeout: timeoutMs });
      const ms = performance.now() - t0;
      if (d.status === 'vulnerable') {
        const pumps = d.attack?.pumps ?? [];
        const suffix = d.attack?.suffix ?? '';
        return { status: 'vulnerable', ms, attacks: [(n) => pumps.map((p) => p.prefix + p.pump.repeat(n)).join('') + suffix] };
      }
      if (d.status === 'safe') return { status: 'safe', ms };
      return { status: d.error?.kind === 'timeout' ? 'timeout' : 'unknown', ms, detail: d.error?.kind };
    },
  };
}

/**
 * The synchronous JS tools run in a worker thread with a heap cap and a wall-clock limit: one of
 * them (redos-detector) exhausts a 4 GB heap on some real-world patterns and ignores its own
 * timeout. A crashed or stuck worker is replaced; the regex counts as a timeout (or error).
 */
const ISOLATED = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const req = createRequire(workerData.from);
const timeout = workerData.timeoutMs;
const run = {
  'scslre': (() => { const { analyse } = req('scslre'); return (p, f) => analyse({ source: p, flags: f }).reports.length > 0 ? 'vulnerable' : 'safe'; })(),
  'redos-detector': (() => { const { isSafePattern } = req('redos-detector'); return (p, f) => {
    const r = isSafePattern(p, { unicode: f.includes('u') || f.includes('v'), caseInsensitive: f.includes('i'), dotAll: f.includes('s'), multiLine: f.includes('m'), timeout });
    return r.safe ? 'safe' : r.error === 'timedOut' ? 'timeout' : r.error === 'hitMaxSteps' ? 'unknown' : 'vulnerable';
  }; })(),
  'safe-regex2': (() => { const safeRegex = req('safe-regex2'); return (p, f) => safeRegex(new RegExp(p, f)) ? 'safe' : 'vulnerable'; })(),
}[workerData.tool];
parentPort.on('message', ({ pattern, flags }) => {
  const t0 = performance.now();
  let status, detail;
  try { status = run(pattern, flags); } catch (err) { status = 'error'; detail = String(err && err.message); }
  parentPort.postMessage({ status, ms: performance.now() - t0, detail });
});
`;

function isolatedTool(tool: 'scslre' | 'redos-detector' | 'safe-regex2', timeoutMs: number): Tool {
  let worker: Worker | undefined;
  const spawn = () => new Worker(ISOLATED, { eval: true, workerData: { tool, from: fileURLToPath(import.meta.url), timeoutMs }, resourceLimits: { maxOldGenerationSizeMb: 768 } });
  return {
    name: tool,
    run(pattern, flags) {
      worker ??= spawn();
      const w = worker;
      return new Promise<ToolRun>((resolve) => {
        const t0 = performance.now();
        const done = (r: ToolRun, kill: boolean) => {
          clearTimeout(timer);
          w.removeAllListeners('message');
          w.removeAllListeners('error');
          w.removeAllListeners('exit');
          if (kill) {
            void w.terminate();
            worker = undefined;
          }
          resolve(r);
        };
        const timer = setTimeout(() => done({ status: 'timeout', ms: performance.now() - t0, detail: 'killed after the wall-clock limit' }, true), timeoutMs + 2_000);
        w.once('message', (m: ToolRun) => done(m, false));
        w.once('error', (err) => done({ status: 'error', ms: performance.now() - t0, detail: err.message }, true));
        w.once('exit', () => done({ status: 'error', ms: performance.now() - t0, detail: 'worker exited (out of memory?)' }, true));
        w.postMessage({ pattern, flags });
      });
    },
    close: async () => {
      await worker?.terminate();
    },
  };
}

export const scslreTool = (timeoutMs: number) => isolatedTool('scslre', timeoutMs);
export const redosDetectorTool = (timeoutMs: number) => isolatedTool('redos-detector', timeoutMs);
export const safeRegex2Tool = (timeoutMs: number) => isolatedTool('safe-regex2', timeoutMs);
