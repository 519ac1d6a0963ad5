/**
 * The real WG database (../shared/fixtures/nswg) through a store: every record ingested,
 * idempotent on a second pass, lookups agree with the in-memory source, and every served
 * record (merged ones included) is valid OSV per the standard schema.
 */
import assert from 'node:assert/strict';
import { readNswgDir } from '../../src/advisory/readers.ts';
import { validateOsv } from '../../src/advisory/validate.ts';
import type { Store } from '../../src/store/types.ts';
import { NSWG_VULN } from '../helpers/paths.ts';

export async function wgDatabaseThroughStore(open: () => Promise<Store>): Promise<void> {
  const loaded = await readNswgDir(NSWG_VULN);
  assert.ok(loaded.records.length > 300, `expected the WG records, got ${loaded.records.length}`);
  const store = await open();
  try {
    const first = await store.advisories.ingest(loaded.records, { source: 'nswg' });
    assert.deepEqual(first.rejected, []);
    // records sharing an id or alias (e.g. a CVE in core and deps) become one vulnerability
    const ids = new Set(loaded.records.map((r) => r.id));
    assert.ok(first.inserted <= ids.size && first.inserted > 0);
    assert.equal(await store.advisories.count(), first.inserted);

    const cursor = await store.advisories.cursor();
    const again = await store.advisories.ingest(loaded.records, { source: 'nswg' });
    assert.equal(again.unchanged, ids.size);
    assert.equal(again.inserted + again.updated + again.merged, 0);
    assert.equal(await store.advisories.cursor(), cursor);

    // every id and alias of the source answers, and npm packages find their records
    const byId = await store.advisories.getMany([...ids]);
    assert.equal(byId.size, ids.size);
    const npm = loaded.records.find((r) => r.affected?.some((a) => a.package?.ecosystem === 'npm'))!;
    const pkg = npm.affected!.find((a) => a.package?.ecosystem === 'npm')!.package!;
    assert.ok((await store.advisories.byPackage('npm', pkg.name)).some((r) => r.id === npm.id || r.aliases?.includes(npm.id)));

    // the WG's own ids and the Node.js ecosystem are not OSV-registered: the source records
    // carry those findings already; the store must add none
    const known = new Set(loaded.records.flatMap((r) => validateOsv(r, r.id).map((p) => `${r.id}${p.pointer ?? ''}: ${p.message}`)));
    const added: string[] = [];
    let served = 0;
    for await (const r of store.advisories.exportAll()) {
      served++;
      for (const p of validateOsv(r, r.id)) {
        const line = `${r.id}${p.pointer ?? ''}: ${p.message}`;
        if (!known.has(line)) added.push(line);
      }
    }
    assert.equal(served, first.inserted);
    assert.deepEqual(added.slice(0, 10), []);
  } finally {
    await store.close();
  }
}
