/**
 * `npm run bench hub [-- --backend=pglite,postgres --duration=10 --synthetic=100000]`
 *
 * Loads the WG database plus N synthetic advisories into a fresh store (PGlite in a temp dir,
 * and/or a fresh schema on the PostgreSQL server), starts `nodesec serve` on it in a child
 * process (rate limits off, logs at warn), and drives it with autocannon on loopback:
 *   - POST /v1/query, one package version per request, rotating over 2000 bodies: req/s, p50, p99
 *   - POST /v1/querybatch with 1000 package versions per request: p50, p99
 * Cold numbers come from a hub started with --no-prewarm, asked about packages nobody asked for
 * before (one store query per batch). Warm numbers come from the default hub once /readyz
 * says its cache is complete (the whole database in memory, kept current by the change feed);
 * "first asked after prewarm" are those same never-asked batches on that hub.
 * Targets (issue 5): querybatch p99 < 100 ms; query >= 3,000 req/s. Bounded: each run lasts
 * --duration seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OsvRecord } from '../src/core/osv.ts';
import { openAdvisorySource } from '../src/advisory/index.ts';
import { openStore } from '../src/store/index.ts';
import type { StoreConfig } from '../src/store/types.ts';
import { chunks } from '../src/hub/ingest.ts';
import { freshSchema } from '../test/helpers/postgres.ts';
import { NSWG_VULN } from '../test/helpers/paths.ts';
import { startServe } from '../test/hub/serve-process.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function flag(args: string[], name: string, dflt: string): string {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
}

const PACKAGES = 20_000;

function synthetic(n: number): OsvRecord[] {
  const out: OsvRecord[] = [];
  for (let i = 0; i < n; i++) {
    const major = i % 7;
    out.push({
      id: `SYN-${String(i).padStart(6, '0')}`,
      modified: '2025-01-01T00:00:00Z',
      summary: `synthetic advisory ${i}`,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
      affected: [{ package: { ecosystem: 'npm', name: `syn-pkg-${i % PACKAGES}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: `${major}.0.0` }, { fixed: `${major}.5.0` }] }] }],
    });
  }
  return out;
}

function queryBodies(wg: OsvRecord[], count: number): object[] {
  const wgPkgs = [...new Set(wg.flatMap((r) => (r.affected ?? []).filter((a) => a.package?.ecosystem === 'npm').map((a) => a.package!.name)))];
  const bodies: object[] = [];
  for (let i = 0; i < count; i++) {
    const name = i % 4 === 0 && wgPkgs.length ? wgPkgs[i % wgPkgs.length]! : `syn-pkg-${(i * 7919) % PACKAGES}`;
    bodies.push({ package: { name, ecosystem: 'npm' }, version: `${i % 7}.${i % 9}.0` });
  }
  return bodies;
}

async function load(cfg: StoreConfig, records: OsvRecord[]): Promise<number> {
  const store = await openStore(cfg);
  const t0 = performance.now();
  try {
    for (const c of chunks(records, 2000)) await store.advisories.ingest(c, { source: 'bench' });
    return performance.now() - t0;
  } finally {
    await store.close();
  }
}

async function drive(url: string, path: string, bodies: string[], connections: number, duration: number, amount?: number): Promise<AutocannonResult> {
  let i = 0;
  return autocannon({
    url: url + path,
    method: 'POST',
    connections,
    ...(amount ? { amount } : { duration }),
    headers: { 'content-type': 'application/json' },
    requests: [{ method: 'POST', path, setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
}

export default async function bench(args: string[]): Promise<void> {
  const backends = flag(args, 'backend', 'pglite,postgres').split(',');
  const duration = Number(flag(args, 'duration', '10'));
  const n = Number(flag(args, 'synthetic', '100000'));
  const wg = [...(await openAdvisorySource(NSWG_VULN, { env: process.env })).all()];
  const records = [...wg, ...synthetic(n)];
  const single = queryBodies(wg, 2000).map((b) => JSON.stringify(b));
  const batches = Array.from({ length: 8 }, (_, k) => JSON.stringify({ queries: queryBodies(wg, 1000 + k).slice(k, k + 1000) }));
  // Cold batches: 1000 packages each that no other request asks for (every lookup misses the cache).
  const used = new Set(single.map((b) => (JSON.parse(b) as { package: { name: string } }).package.name));
  const unused = Array.from({ length: PACKAGES }, (_, i) => `syn-pkg-${i}`).filter((n) => !used.has(n));
  const coldBatches = Array.from({ length: Math.min(12, Math.floor(unused.length / 1000)) }, (_, k) =>
    JSON.stringify({ queries: unused.slice(k * 1000, k * 1000 + 1000).map((name, j) => ({ package: { name, ecosystem: 'npm' }, version: `${j % 7}.1.0` })) }));
  const rows: string[] = [];
  for (const backend of backends) {
    let cfg: StoreConfig;
    let serveArgs: string[];
    let cleanup: () => Promise<void>;
    if (backend === 'pglite') {
      const dir = mkdtempSync(join(tmpdir(), 'nodesec-bench-hub-'));
      cfg = { kind: 'embedded', dir };
      serveArgs = ['--data-dir', dir];
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const s = await freshSchema('bench_hub');
      cfg = { kind: 'postgres', url: s.url };
      serveArgs = ['--database-url', s.url];
      cleanup = s.drop;
    }
    try {
      const loadMs = await load(cfg, records);
      console.log(`${backend}: loaded ${records.length} records (${wg.length} WG + ${n} synthetic) in ${(loadMs / 1000).toFixed(1)} s`);
      // Cold: no prewarm, batches of packages nobody asked for yet (one store query each).
      const coldServe = await startServe(['--rate-limit', '0', '--no-prewarm', ...serveArgs]);
      let cold: AutocannonResult;
      try {
        cold = await drive(coldServe.url, '/v1/querybatch', coldBatches, 1, 0, coldBatches.length);
      } finally {
        await coldServe.stop();
      }
      rows.push(`| ${backend} | POST /v1/querybatch (1000, cold cache) | ${cold.requests.total} requests | ${cold.latency.p50} ms | ${cold.latency.p99} ms | ${cold.errors + cold.non2xx} |`);
      // Warm: the default (prewarmed) hub, measured once the whole database is in memory.
      const served = await startServe(['--rate-limit', '0', ...serveArgs]);
      try {
        const t0 = performance.now();
        for (let i = 0; i < 600; i++) {
          const r = (await (await fetch(`${served.url}/readyz`)).json()) as { cache?: string };
          if (r.cache === 'complete') break;
          await new Promise((res) => setTimeout(res, 200));
        }
        console.log(`${backend}: prewarm complete ${((performance.now() - t0) / 1000).toFixed(1)} s after listening`);
        await drive(served.url, '/v1/query', single, 8, 2);
        const q = await drive(served.url, '/v1/query', single, 16, duration);
        await drive(served.url, '/v1/querybatch', batches, 1, 2);
        const b = await drive(served.url, '/v1/querybatch', batches, 2, duration);
        const mixed = await drive(served.url, '/v1/querybatch', coldBatches, 1, 0, coldBatches.length * 2);
        rows.push(`| ${backend} | POST /v1/query | ${q.requests.average.toFixed(0)} req/s | ${q.latency.p50} ms | ${q.latency.p99} ms | ${q.errors + q.non2xx} |`);
        rows.push(`| ${backend} | POST /v1/querybatch (1000) | ${b.requests.average.toFixed(1)} req/s | ${b.latency.p50} ms | ${b.latency.p99} ms | ${b.errors + b.non2xx} |`);
        rows.push(`| ${backend} | POST /v1/querybatch (1000, first asked after prewarm) | ${mixed.requests.total} requests | ${mixed.latency.p50} ms | ${mixed.latency.p99} ms | ${mixed.errors + mixed.non2xx} |`);
      } finally {
        await served.stop();
      }
    } finally {
      await cleanup();
    }
  }
  console.log('\n| backend | route | throughput | p50 | p99 | errors |\n| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  console.log('\ntargets: querybatch p99 < 100 ms; query >= 3000 req/s');
}
