/**
 * The alias merge rule (docs/store.md "Alias merge rule"), as pure functions: which source
 * records form one vulnerability, and what record the hub serves for it.
 */
import { createHash } from 'node:crypto';
import type { OsvAffected, OsvRecord, OsvReference } from '../../core/osv.ts';

/** JSON with object keys sorted, so equal values give equal text whatever the key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableStringify(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(',')}}`;
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

/** {id} ∪ aliases: the identifiers a source record answers to. */
export function identifiers(record: OsvRecord): string[] {
  const out = new Set<string>([record.id]);
  for (const a of record.aliases ?? []) if (typeof a === 'string' && a !== '') out.add(a);
  return [...out];
}

export interface SourceRecord {
  id: string;
  /** Ingest order: the smaller, the older. */
  ord: number;
  record: OsvRecord;
}

function time(s: string | undefined): number {
  const t = s === undefined ? NaN : Date.parse(s);
  return Number.isNaN(t) ? -Infinity : t;
}

/** The primary source: the first-ingested one that is not withdrawn, else the first-ingested. */
export function primarySource(sources: readonly SourceRecord[]): SourceRecord {
  const sorted = [...sources].sort((a, b) => a.ord - b.ord);
  const first = sorted.find((s) => !s.record.withdrawn) ?? sorted[0];
  if (!first) throw new Error('primarySource: no sources');
  return first;
}

function packageKeyOf(a: OsvAffected): string | undefined {
  return a.package ? `${a.package.ecosystem.toLowerCase()}\u0000${a.package.name}` : undefined;
}

/**
 * The served record of a vulnerability. One source: that record verbatim. Several: the
 * primary's content, with aliases = every other identifier (sorted), modified = newest,
 * published = oldest, affected = primary's plus other sources' entries for packages the
 * primary does not cover, references/related = unions, withdrawn only when all are.
 */
export function mergeSources(sources: readonly SourceRecord[]): OsvRecord {
  const primary = primarySource(sources);
  if (sources.length === 1) return primary.record;
  const ordered = [...sources].sort((a, b) => a.ord - b.ord);
  const out: OsvRecord = structuredClone(primary.record);
  const ids = new Set<string>();
  for (const s of ordered) for (const i of identifiers(s.record)) ids.add(i);
  ids.delete(out.id);
  out.aliases = [...ids].sort();

  let modified = out.modified;
  let published = out.published;
  for (const s of ordered) {
    if (time(s.record.modified) > time(modified)) modified = s.record.modified;
    if (s.record.published !== undefined && (published === undefined || time(s.record.published) < time(published))) published = s.record.published;
  }
  out.modified = modified;
  if (published !== undefined) out.published = published;

  const covered = new Set<string>();
  for (const a of out.affected ?? []) {
    const k = packageKeyOf(a);
    if (k) covered.add(k);
  }
  const affected = [...(out.affected ?? [])];
  for (const s of ordered) {
    if (s === primary) continue;
    const added = new Set<string>();
    for (const a of s.record.affected ?? []) {
      const k = packageKeyOf(a);
      if (!k || covered.has(k)) continue;
      affected.push(structuredClone(a));
      added.add(k);
    }
    for (const k of added) covered.add(k);
  }
  if (affected.length) out.affected = affected;

  const refs: OsvReference[] = [];
  const urls = new Set<string>();
  for (const s of [primary, ...ordered.filter((x) => x !== primary)]) {
    for (const r of s.record.references ?? []) {
      if (!urls.has(r.url)) {
        urls.add(r.url);
        refs.push(r);
      }
    }
  }
  if (refs.length) out.references = refs;

  const related = new Set<string>();
  for (const s of ordered) for (const r of s.record.related ?? []) if (!ids.has(r) && r !== out.id) related.add(r);
  if (related.size) out.related = [...related].sort();
  else delete out.related;

  const withdrawn = ordered.every((s) => s.record.withdrawn !== undefined);
  if (withdrawn) {
    let w = ordered[0]!.record.withdrawn!;
    for (const s of ordered) if (time(s.record.withdrawn) > time(w)) w = s.record.withdrawn!;
    out.withdrawn = w;
  } else delete out.withdrawn;

  const ds = (out.database_specific ?? {}) as Record<string, unknown>;
  const nodesec = (typeof ds.nodesec === 'object' && ds.nodesec !== null ? ds.nodesec : {}) as Record<string, unknown>;
  out.database_specific = { ...ds, nodesec: { ...nodesec, sources: ordered.map((s) => s.id) } };
  return out;
}

/** Minimal union-find over string nodes (path compression). */
export class UnionFind {
  readonly #parent = new Map<string, string>();
  find(x: string): string {
    if (!this.#parent.has(x)) this.#parent.set(x, x);
    let root = x;
    while (this.#parent.get(root) !== root) root = this.#parent.get(root)!;
    while (x !== root) {
      const next = this.#parent.get(x)!;
      this.#parent.set(x, root);
      x = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.#parent.set(ra, rb);
  }
}
