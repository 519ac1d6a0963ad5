/**
 * Child process for the crash tests: ingests batches forever into the store given by argv
 * (`postgres <url>` or `embedded <dir>`), printing `BEGIN n` before and `ACK n <cursor>` after
 * each batch commits. The parent SIGKILLs it mid-batch.
 */
import { openStore } from '../../src/store/index.ts';
import { osv } from '../contract/store.ts';

const [kind, where, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg ?? 2000);
const store = await openStore(kind === 'embedded' ? { kind: 'embedded', dir: where! } : { kind: 'postgres', url: where!, maxConnections: 1 });
for (let n = 0; ; n++) {
  const batch = Array.from({ length: size }, (_, i) => osv(`GHSA-kill-${n}-${i}`, {
    aliases: [`CVE-2030-${n}${String(i).padStart(5, '0')}`, ...(i % 10 === 0 && n > 0 ? [`CVE-2030-${n - 1}${String(i).padStart(5, '0')}`] : [])],
  }));
  process.stdout.write(`BEGIN ${n}\n`);
  const r = await store.advisories.ingest(batch);
  process.stdout.write(`ACK ${n} ${r.cursor}\n`);
}
