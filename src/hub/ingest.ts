/**
 * Loading advisory sources into a hub: `nodesec serve --import <source>` writes into the store
 * directly; `nodesec db push --to <hub>` (push.ts) sends the same chunks over HTTP. Both are
 * idempotent: the store skips unchanged and older records and merges aliases.
 */
import type { AdvisorySource, OsvRecord } from '../core/osv.ts';
import type { Actor, IngestResult, Store } from '../store/types.ts';

/** Records per store transaction or HTTP request. */
export const CHUNK = 2000;

/** What an import or push did: the store's counts summed over chunks, indexes into the whole source. */
export interface ImportSummary extends Omit<IngestResult, 'cursor'> {
  source: string;
  records: number;
}

export function emptySummary(source: string): ImportSummary {
  return { source, records: 0, inserted: 0, updated: 0, unchanged: 0, stale: 0, merged: 0, rejected: [] };
}

/** Adds one chunk's result; `offset` turns chunk indexes into source indexes. */
export function addResult(sum: ImportSummary, r: Omit<IngestResult, 'cursor'>, offset: number, count: number): void {
  sum.records += count;
  sum.inserted += r.inserted;
  sum.updated += r.updated;
  sum.unchanged += r.unchanged;
  sum.stale += r.stale;
  sum.merged += r.merged;
  for (const x of r.rejected) sum.rejected.push({ ...x, index: x.index + offset });
}

/** Splits a source into chunks of at most `size` records, in its stable order. */
export function* chunks(source: Iterable<OsvRecord>, size = CHUNK): Generator<OsvRecord[]> {
  let buf: OsvRecord[] = [];
  for (const r of source) {
    buf.push(r);
    if (buf.length >= size) {
      yield buf;
      buf = [];
    }
  }
  if (buf.length) yield buf;
}

export async function importIntoStore(store: Store, source: AdvisorySource, options: { actor?: Actor; label?: string; progress?: (m: string) => void; signal?: AbortSignal } = {}): Promise<ImportSummary> {
  const label = options.label ?? source.meta.location;
  const sum = emptySummary(label);
  for (const chunk of chunks(source.all())) {
    options.signal?.throwIfAborted();
    const r = await store.advisories.ingest(chunk, { source: source.meta.kind, ...(options.actor && { actor: options.actor }) });
    addResult(sum, r, sum.records, chunk.length);
    options.progress?.(`imported ${sum.records}/${source.size} records from ${label}`);
  }
  return sum;
}

export function formatSummary(s: ImportSummary): string {
  // inserted/updated/merged count vulnerabilities (records sharing an alias are one); the rest count records
  return `${s.source}: ${s.records} records; vulnerabilities: ${s.inserted} new, ${s.updated} updated, ${s.merged} merged; records: ${s.unchanged} unchanged, ${s.stale} older than stored, ${s.rejected.length} rejected`;
}
