/**
 * Ground truth of the ReDoS bench: does V8 itself blow up? Replays attack strings of growing
 * length (n pumps, doubling, up to 200,000 characters) on the regex in a worker thread (`test`,
 * or a whole-input `replace` for a global regex, the way those are used), and calls it confirmed
 * when a match takes ≥ 100 ms AND took at least 3x longer than at half the length (super-linear
 * growth: quadratic gives 4x, linear 2x, so that a linear regex with a large constant such as
 * `a{1,100}b` is not confirmed), or when the worker stops answering for 3 s (then it is
 * terminated).
 */
import { Worker } from 'node:worker_threads';
import type { AttackGen } from './tools.ts';

const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ pattern, flags, inputs }) => {
  // A global regex is used to scan the whole input (replace, matchAll): replay it that way.
  const global = flags.includes('g');
  let last = 0;
  for (let i = 0; i < inputs.length; i++) {
    const re = new RegExp(pattern, flags);
    const t0 = performance.now();
    if (global) inputs[i].replace(re, '');
    else re.test(inputs[i]);
    const ms = performance.now() - t0;
    parentPort.postMessage({ i, ms });
    if (ms >= 100 && (i === 0 || ms >= 3 * Math.max(last, 0.05))) break;
    last = ms;
  }
  parentPort.postMessage({ done: true });
});
`;

export interface Confirmation {
  confirmed: boolean;
  /** Attack length that took ≥ 100 ms (or hung). */
  length?: number;
  ms?: number;
}

const MAX_LEN = 200_000;

export async function confirmInV8(pattern: string, flags: string, attacks: AttackGen[]): Promise<Confirmation> {
  for (const gen of attacks) {
    const inputs: string[] = [];
    for (let n = 8; ; n *= 2) {
      const s = gen(n);
      if (s.length > MAX_LEN) {
        inputs.push(gen(Math.max(1, Math.floor((n / 2) * (MAX_LEN / Math.max(1, gen(n / 2).length))))).slice(0, MAX_LEN));
        break;
      }
      inputs.push(s);
      if (n > 1 << 20) break;
    }
    const r = await replay(pattern, flags.replace(/y/g, ''), inputs);
    if (r.confirmed) return r;
  }
  return { confirmed: false };
}

function replay(pattern: string, flags: string, inputs: string[]): Promise<Confirmation> {
  return new Promise((resolve) => {
    const w = new Worker(WORKER, { eval: true });
    let timer: NodeJS.Timeout;
    let last = -1;
    const finish = (c: Confirmation) => {
      clearTimeout(timer);
      void w.terminate();
      resolve(c);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ confirmed: true, length: inputs[last + 1]?.length, ms: 3000 }), 3000);
    };
    let prevMs = 0;
    w.on('message', (m: { i?: number; ms?: number; done?: boolean }) => {
      if (m.done) return finish({ confirmed: false });
      last = m.i!;
      if (m.ms! >= 100 && (m.i === 0 || m.ms! >= 3 * Math.max(prevMs, 0.05))) return finish({ confirmed: true, length: inputs[m.i!]!.length, ms: m.ms! });
      prevMs = m.ms!;
      arm();
    });
    w.on('error', () => finish({ confirmed: false }));
    arm();
    w.postMessage({ pattern, flags, inputs });
  });
}
