/**
 * Store ingest and lookup speed on both backends: `npm run bench store [-- --n=100000 --batch=5000 --backend=pglite|postgres]`.
 * Records are synthetic OSV records shaped like the npm ecosystem's (a GHSA id, a CVE alias
 * on most, one to three affected packages with SEMVER ranges, references). Every 50th record
 * shares its CVE with another one, so the alias merge path is exercised too.
 * PostgreSQL: TEST_DATABASE_URL or 127.0.0.1:5432/test, in a throwaway schema.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { OsvRecord } from '../src/core/osv.ts';
import { openStore } from '../src/store/index.ts';
import type { Store } from '../src/store/types.ts';

function synthetic(n: number): OsvRecord[] {
  const out: OsvRecord[] = [];
  for (let i = 0; i < n; i++) {
    const hex = i.toString(36).padStart(4, '0');
    const cve = `CVE-2020-${(i % 50 === 49 ? i - 1 : i) + 10000}`;
    const pkgs = 1 + (i % 3);
    out.push({
      schema_version: '1.7.0',
      id: `GHSA-${hex}-${(i * 7919 % 46656).toString(36).padStart(4, '0')}-bench`,
      modified: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      published: new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString(),
      aliases: i % 10 === 0 ? [] : [cve],
      summary: `Synthetic vulnerability ${i} in package-${i % 20000}`,
      details: 'A long enough description of the issue to resemble real records. '.repeat(4),
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: Array.from({ length: pkgs }, (_, k) => ({
        package: { ecosystem: 'npm', name: `package-${(i + k * 7) % 20000}`, purl: `pkg:npm/package-${(i + k * 7) % 20000}` },
        ranges: [{ type: 'SEMVER' as const, events: [{ introduced: '0' }, { fixed: `${1 + (i % 5)}.${i % 10}.0` }] }],
      })),
      references: [{ type: 'ADVISORY', url: `https://example.test/advisories/${i}` }],
    });
  }
  return out;
}

function arg(args: string[], name: string, dflt: string): string {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
}

async function run(label: string, store: Store, records: OsvRecord[], batch: number): Promise<void> {
  const t0 = performance.now();
  let inserted = 0;
  let updated = 0;
  for (let i = 0; i < records.length; i += batch) {
    const r = await store.advisories.ingest(records.slice(i, i + batch));
    inserted += r.inserted;
    updated += r.updated;
  }
  const ingestS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const again = await store.advisories.ingest(records.slice(0, batch));
  const idemS = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  const lookups = 2000;
  for (let i = 0; i < lookups; i++) await store.advisories.byPackage('npm', `package-${(i * 37) % 20000}`);
  const lookupMs = (performance.now() - t2) / lookups;
  const t3 = performance.now();
  for (let i = 0; i < lookups; i++) await store.advisories.get(`CVE-2020-${10000 + ((i * 53) % records.length)}`);
  const getMs = (performance.now() - t3) / lookups;
  console.log(`| ${label} | ${records.length} | ${batch} | ${ingestS.toFixed(1)} s (${Math.round(records.length / ingestS)}/s) | ${inserted} vulnerabilities (${records.length - inserted} records merged by alias, ${updated} updates) | ${idemS.toFixed(2)} s (${again.unchanged} unchanged) | ${lookupMs.toFixed(2)} ms | ${getMs.toFixed(2)} ms |`);
}

export default async function bench(args: string[]): Promise<void> {
  const n = Number(arg(args, 'n', '100000'));
  const batch = Number(arg(args, 'batch', '5000'));
  const backends = arg(args, 'backend', 'pglite,postgres').split(',');
  const records = synthetic(n);
  console.log('| backend | records | batch | ingest | result | re-ingest one batch | byPackage | get by alias |');
  console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
  if (backends.includes('pglite')) {
    const dir = await mkdtemp(join(tmpdir(), 'nodesec-bench-'));
    const store = await openStore({ kind: 'embedded', dir });
    try {
      await run('pglite (dir)', store, records, batch);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (backends.includes('postgres')) {
    const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const u = new URL(base);
    u.searchParams.set('options', `-c search_path=${schema}`);
    const store = await openStore({ kind: 'postgres', url: u.toString() });
    try {
      await run('postgres', store, records, batch);
    } finally {
      await store.close();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  }
}
