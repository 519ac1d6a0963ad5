/** The store contract on the embedded backend (PGlite, in memory and in a data directory). */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/index.ts';
import { osv, storeContract } from '../contract/store.ts';
import { wgDatabaseThroughStore } from './wg-data.ts';

storeContract('pglite', (options = {}) => openStore({ kind: 'embedded', ...options }));

test('pglite: the WG database ingests, re-ingests as a no-op, answers lookups, and serves valid OSV', { timeout: 60_000 }, () =>
  wgDatabaseThroughStore(() => openStore({ kind: 'embedded' })));

test('pglite: data in a directory survives a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-store-'));
  try {
    const a = await openStore({ kind: 'embedded', dir: join(dir, 'hub') });
    await a.advisories.ingest([osv('GHSA-keep-0001', { aliases: ['CVE-2025-0101'] })]);
    await a.close();
    const b = await openStore({ kind: 'embedded', dir: join(dir, 'hub') });
    try {
      assert.equal((await b.advisories.get('CVE-2025-0101'))?.id, 'GHSA-keep-0001');
      assert.deepEqual(await b.migrate(), []);
      // one process at a time: a second open of the same directory is refused, not corrupting it
      await assert.rejects(openStore({ kind: 'embedded', dir: join(dir, 'hub') }), (e: { code: string; message: string }) =>
        e.code === 'ERR_STORE_UNAVAILABLE' && /already open|in use/.test(e.message));
    } finally {
      await b.close();
    }
    // a live process holding the lock (here: our parent) keeps it
    await writeFile(join(dir, 'hub', 'nodesec-store.lock'), `${process.ppid}\n`);
    await assert.rejects(openStore({ kind: 'embedded', dir: join(dir, 'hub') }), (e: { code: string; message: string }) =>
      e.code === 'ERR_STORE_UNAVAILABLE' && e.message.includes(`in use by process ${process.ppid}`));
    // a lock left by a dead process (kill -9) is taken over
    await writeFile(join(dir, 'hub', 'nodesec-store.lock'), '2147483646\n');
    const c = await openStore({ kind: 'embedded', dir: join(dir, 'hub') });
    try {
      assert.equal((await c.advisories.get('GHSA-keep-0001'))?.id, 'GHSA-keep-0001');
    } finally {
      await c.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pglite: a closed store fails with ERR_STORE_UNAVAILABLE', async () => {
  const s = await openStore({ kind: 'embedded' });
  await s.close();
  await assert.rejects(s.advisories.get('x'), { code: 'ERR_STORE_UNAVAILABLE' });
  assert.equal((await s.health()).ok, false);
});
