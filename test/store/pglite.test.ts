/** The store contract on the embedded backend (PGlite, in memory and in a data directory). */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/index.ts';
import { osv, storeContract } from '../contract/store.ts';

storeContract('pglite', (options = {}) => openStore({ kind: 'embedded', ...options }));

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
    } finally {
      await b.close();
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
