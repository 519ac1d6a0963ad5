/**
 * Crash safety: a child process ingesting batches is SIGKILLed in the middle of one, on
 * PostgreSQL and on the embedded store. Afterwards every acknowledged batch is complete, the
 * interrupted one is entirely there or entirely absent, and the derived tables agree.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { freshSchema, postgresSkip } from '../helpers/postgres.ts';

const skip = await postgresSkip();
const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const d of drops) await d().catch(() => {});
});

async function killMidIngest(t: TestContext, target: ['postgres' | 'embedded', string], open: () => Promise<Store>): Promise<void> {
  const size = 2000;
  const child = spawn(process.execPath, [fileURLToPath(new URL('./ingest-child.ts', import.meta.url)), ...target, String(size)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const acked: number[] = [];
  let begun = -1;
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const [what, n] = line.split(' ');
    if (what === 'ACK') acked.push(Number(n));
    if (what === 'BEGIN') {
      begun = Number(n);
      if (acked.length >= 2) {
        // well inside the next transaction: a 2000-record batch takes several hundred ms
        await new Promise((r) => setTimeout(r, 150));
        child.kill('SIGKILL');
        break;
      }
    }
  }
  lines.close();
  assert.equal(await exited, 'SIGKILL', `child did not die by SIGKILL: ${stderr}`);
  assert.ok(acked.length >= 2, stderr);
  t.diagnostic(`killed during batch ${begun} after ${acked.length} acknowledged batches`);

  const store = await open();
  try {
    // the server rolls back the killed session's transaction once it notices the socket closed
    for (let i = 0; store.kind === 'postgres' && i < 50; i++) {
      const busy = await store.driver.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where state like 'idle in transaction%' and query like '%vuln%' and pid <> pg_backend_pid()`);
      if (busy.rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const n of acked) {
      const got = await store.advisories.getMany([`GHSA-kill-${n}-0`, `GHSA-kill-${n}-${size - 1}`, `CVE-2030-${n}${String(size - 1).padStart(5, '0')}`]);
      assert.equal(got.size, 3, `acknowledged batch ${n} is complete`);
    }
    const inFlight = await store.driver.query<{ n: number }>('select count(*)::int as n from vuln_sources where id like $1', [`GHSA-kill-${begun}-%`]);
    const partial = inFlight;
    t.diagnostic(`interrupted batch: ${partial.rows[0]!.n} of ${size} sources committed`);
    assert.ok(partial.rows[0]!.n === 0 || partial.rows[0]!.n === size, `interrupted batch ${begun}: ${partial.rows[0]!.n} of ${size} sources`);
    const total = await store.driver.query<{ n: number }>('select count(*)::int as n from vuln_sources');
    const committed = acked.length + (partial.rows[0]!.n === size ? 1 : 0);
    assert.equal(total.rows[0]!.n, committed * size);
    // derived tables agree
    const checks = await store.driver.query<{ vulns_without_source: number; sources_without_id: number; vulns_without_package: number; vulns: number; inserts: number; merges: number }>(`select
      (select count(*)::int from vulns v where not exists (select 1 from vuln_sources s where s.vuln_key = v.key)) as vulns_without_source,
      (select count(*)::int from vuln_sources s where not exists (select 1 from vuln_ids i where i.id = s.id and i.vuln_key = s.vuln_key)) as sources_without_id,
      (select count(*)::int from vulns v where not exists (select 1 from vuln_affected a where a.vuln_key = v.key)) as vulns_without_package,
      (select count(*)::int from vulns) as vulns,
      (select count(*)::int from changes where kind = 'insert') as inserts,
      (select count(*)::int from changes where kind = 'merge') as merges`);
    const c = checks.rows[0]!;
    assert.equal(c.vulns_without_source, 0);
    assert.equal(c.sources_without_id, 0);
    assert.equal(c.vulns_without_package, 0);
    assert.equal(c.inserts - c.merges, c.vulns, 'every live vulnerability has exactly one insert not folded away');
    // and the store keeps working
    assert.equal((await store.advisories.ingest([{ id: 'GHSA-after-crash', modified: '2026-01-01T00:00:00Z' }])).inserted, 1);
  } finally {
    await store.close();
  }
}

test('kill -9 mid-ingest on PostgreSQL loses no acknowledged record and leaves no half-written batch', { skip, timeout: 60_000 }, async (t) => {
  const schema = await freshSchema('crash');
  drops.push(schema.drop);
  await killMidIngest(t, ['postgres', schema.url], () => openStore({ kind: 'postgres', url: schema.url, maxConnections: 2 }));
});

test('kill -9 mid-ingest on the embedded store: the same, and the dead process\'s lock is taken over', { timeout: 90_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-crash-'));
  try {
    await killMidIngest(t, ['embedded', join(dir, 'hub')], () => openStore({ kind: 'embedded', dir: join(dir, 'hub') }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
