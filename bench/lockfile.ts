/**
 * Lockfile reading speed on the 20 real lockfiles of ../shared/fixtures/lockfiles.
 *
 * Columns (median CPU ms): `syntax` is the bare parse of the same text (JSON.parse, js-yaml load
 * with the FAILSAFE schema we use, @yarnpkg/lockfile's parser for yarn classic, jsonc-parser
 * for bun.lock); `read` our reader (parse + graph + flags + lines) on the text in memory,
 * `x` the ratio; `readLockfile` the whole call (file I/O, package.json files, mismatch check);
 * `loadVirtual` @npmcli/arborist's loadVirtual() (the tree npm audit builds) on npm lockfiles,
 * `faster` how many times our full readLockfile beats it.
 *
 * Run: `npm run bench lockfile` (or `node bench/run.ts lockfile`); `--quick` for fewer rounds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAILSAFE_SCHEMA, load as loadYaml } from 'js-yaml';
import { parse as parseJsonc } from 'jsonc-parser';
import { findLockfiles, pickReader, projectFiles, readLockfile } from '../src/lockfile/index.ts';

const require = createRequire(import.meta.url);
const yarnLockfile = require('@yarnpkg/lockfile') as { parse(text: string): unknown };

const LOCKFILES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'fixtures', 'lockfiles');

/**
 * Median CPU ms (user + system, this process) of each function, measured interleaved (one
 * call of each per round): on a busy shared machine wall time mostly measures the other
 * processes, CPU time much less so.
 */
async function medians(fns: (() => unknown)[], minMs: number, minRuns: number): Promise<number[]> {
  for (let i = 0; i < 2; i++) for (const fn of fns) await fn();
  const times: number[][] = fns.map(() => []);
  const start = performance.now();
  let rounds = 0;
  while (rounds < minRuns || performance.now() - start < minMs) {
    for (let k = 0; k < fns.length; k++) {
      const t = process.cpuUsage();
      await fns[k]!();
      const d = process.cpuUsage(t);
      times[k]!.push((d.user + d.system) / 1000);
    }
    if (++rounds >= 200) break;
  }
  return times.map((ts) => ts.sort((x, y) => x - y)[ts.length >> 1]!);
}

function bareParse(path: string, text: string): () => unknown {
  const name = basename(path);
  if (name.endsWith('.json')) return () => JSON.parse(text);
  if (name.endsWith('.yaml') || /^__metadata:/m.test(text.slice(0, 4096))) return () => loadYaml(text, { schema: FAILSAFE_SCHEMA });
  if (name === 'yarn.lock') return () => yarnLockfile.parse(text);
  return () => parseJsonc(text, [], { allowTrailingComma: true });
}

export default async function bench(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const minMs = quick ? 100 : 400;
  const minRuns = quick ? 3 : 7;
  const Arborist = require('@npmcli/arborist') as new (o: { path: string }) => { loadVirtual(): Promise<unknown> };
  const rows: string[][] = [['lockfile', 'format', 'KB', 'syntax', 'read', 'x', 'readLockfile', 'x', 'loadVirtual', 'faster']];
  let sumBare = 0;
  let sumRead = 0;
  let sumFull = 0;
  for (const file of await findLockfiles(LOCKFILES, { recursive: true })) {
    const text = readFileSync(file, 'utf8');
    const reader = pickReader(file, text)!;
    const project = projectFiles(dirname(file));
    const graph = await readLockfile(file, { mismatch: 'warn' });
    const fns: (() => unknown)[] = [
      bareParse(file, text),
      () => reader.read({ path: file, text, project }),
      () => readLockfile(file, { mismatch: 'warn' }),
    ];
    if (graph.manager === 'npm') fns.push(() => new Arborist({ path: dirname(file) }).loadVirtual());
    const [bare, read, full, arbMs] = await medians(fns, minMs, minRuns) as [number, number, number, number | undefined];
    const arb = arbMs === undefined ? '' : arbMs.toFixed(1);
    const faster = arbMs === undefined ? '' : `${(arbMs / full).toFixed(1)}x`;
    sumBare += bare;
    sumRead += read;
    sumFull += full;
    rows.push([basename(dirname(file)), `${graph.manager} ${graph.formatVersion}`, (text.length / 1024).toFixed(0), bare.toFixed(2), read.toFixed(2),
      (read / bare).toFixed(2), full.toFixed(2), (full / bare).toFixed(2), arb, faster]);
  }
  rows.push(['total', '', '', sumBare.toFixed(1), sumRead.toFixed(1), (sumRead / sumBare).toFixed(2), sumFull.toFixed(1), (sumFull / sumBare).toFixed(2), '', '']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));

}
