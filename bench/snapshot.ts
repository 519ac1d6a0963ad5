/**
 * Snapshot load and lookup: N synthetic OSV advisories (default 100,000, about 1 KB each, over
 * N/2 package names), written as a snapshot, then loaded in a fresh process (cold: read,
 * sha256 of the whole body, header) and asked for packages by name.
 *
 *   npm run bench snapshot            100,000 advisories
 *   npm run bench snapshot -- --n=20000
 *
 * Target: load + first lookup by package name < 300 ms for 100,000 advisories.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeSnapshot } from '../src/advisory/snapshot.ts';
import type { OsvRecord } from '../src/core/osv.ts';

function synthetic(i: number, packages: number): OsvRecord {
  const name = i % 7 === 0 ? `@scope${i % 97}/pkg-${i % packages}` : `pkg-${i % packages}`;
  return {
    schema_version: '1.7.0',
    id: `GHSA-${(i * 7919).toString(36).padStart(4, '0').slice(-4)}-${i.toString(36).padStart(4, '0')}-bench`,
    modified: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString().replace('.000', ''),
    published: '2020-01-01T00:00:00Z',
    aliases: [`CVE-2020-${100000 + i}`],
    summary: `Synthetic advisory ${i}: prototype pollution in ${name}`,
    details: `A crafted payload passed to ${name} can modify Object.prototype. This synthetic advisory exists to measure snapshot loading; it says nothing about a real package. `.repeat(3),
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [{
      package: { ecosystem: 'npm', name, purl: `pkg:npm/${name.replace('@', '%40')}` },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `${1 + (i % 9)}.${i % 13}.${i % 5}` }] }],
      database_specific: { nswg: { vulnerable_versions: `<${1 + (i % 9)}.${i % 13}.${i % 5}`, patched_versions: `>=${1 + (i % 9)}.${i % 13}.${i % 5}` } },
    }],
    references: [{ type: 'ADVISORY', url: `https://example.invalid/advisories/${i}` }],
    database_specific: { severity: 'CRITICAL' },
  };
}

const CHILD = `
const { loadSnapshot } = await import(process.argv[1]);
const file = process.argv[2];
const names = JSON.parse(process.argv[3]);
const t0 = performance.now();
const s = await loadSnapshot(file);
const t1 = performance.now();
const first = s.byPackage('npm', names[0]).length;
const t2 = performance.now();
let hits = 0;
for (const n of names) hits += s.byPackage('npm', n).length;
const t3 = performance.now();
const byId = s.byId('CVE-2020-100042');
const t4 = performance.now();
console.log(JSON.stringify({ load: t1 - t0, firstLookup: t2 - t1, lookups: t3 - t2, n: names.length, hits, first, byId: t4 - t3, found: !!byId, rss: process.memoryUsage().rss }));
`;

export default async function bench(args: string[]): Promise<void> {
  const n = Number(args.find((a) => a.startsWith('--n='))?.slice(4) ?? 100_000);
  const packages = Math.max(1, Math.floor(n / 2));
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-bench-snapshot-'));
  try {
    let t = performance.now();
    const records: OsvRecord[] = [];
    for (let i = 0; i < n; i++) records.push(synthetic(i, packages));
    const bytes = encodeSnapshot({ records, sources: [{ kind: 'synthetic', location: 'bench', records: n }], builtAt: new Date() });
    const encodeMs = performance.now() - t;
    const file = join(dir, 'bench.snapshot');
    await writeFile(file, bytes);
    const size = (await stat(file)).size;
    const names = Array.from({ length: 1000 }, (_, k) => `pkg-${(k * 7907) % packages}`);
    const module = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'src', 'advisory', 'snapshot.ts');
    const runs: { load: number; firstLookup: number; lookups: number; n: number; hits: number; byId: number; found: boolean; rss: number }[] = [];
    for (let k = 0; k < 5; k++) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, module, file, JSON.stringify(names)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      runs.push(JSON.parse(r.stdout));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const load = median(runs.map((r) => r.load));
    const first = median(runs.map((r) => r.firstLookup));
    const rest = median(runs.map((r) => r.lookups));
    const byId = median(runs.map((r) => r.byId));
    console.log(`advisories: ${n} (${packages} package names), snapshot ${(size / 1048576).toFixed(1)} MiB, built in ${encodeMs.toFixed(0)} ms`);
    console.log('| step (median of 5 fresh processes) | ms |');
    console.log('| --- | ---: |');
    console.log(`| load (read + sha256 + header) | ${load.toFixed(1)} |`);
    console.log(`| first lookup by package name (binary search, inflate one block) | ${first.toFixed(1)} |`);
    console.log(`| **load + first lookup** | **${(load + first).toFixed(1)}** (target < 300) |`);
    console.log(`| 1000 more lookups by package name | ${rest.toFixed(1)} (${runs[0]!.hits} records) |`);
    console.log(`| first lookup by id/alias | ${byId.toFixed(1)} |`);
    console.log(`| rss after lookups | ${(runs[0]!.rss / 1048576).toFixed(0)} MiB |`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
