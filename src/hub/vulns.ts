/**
 * The read side of the hub: published OSV records by package and by id, behind an
 * in-process cache. The cache is invalidated by the change feed: `sync()` compares the
 * store's change cursor with the one the cache was filled at and drops everything when it
 * moved (writes are rare next to reads, and dropping is always correct). Each hub process
 * polls the cursor, so two processes on one PostgreSQL converge within one poll interval;
 * a process that writes invalidates its own cache at once.
 */
import type { OsvRecord } from '../core/osv.ts';
import { packageKey } from '../store/types.ts';
import { compileAffected } from '../audit/match.ts';
import { affects } from './match.ts';

export interface VulnReader {
  /** Published records (withdrawn ones included) with an `affected` entry for ecosystem/name. */
  byPackage(ecosystem: string, name: string): Promise<OsvRecord[]>;
  /** Many packages at once (querybatch, npm bulk); the key is `ecosystem\0name` as given. */
  byPackages(keys: readonly { ecosystem: string; name: string }[]): Promise<Map<string, OsvRecord[]>>;
  /** A published record by id or by any alias. */
  byId(idOrAlias: string): Promise<OsvRecord | undefined>;
  /** Opaque marker of the newest change; it changes whenever published data changes. */
  cursor(): Promise<string>;
}

/** The store's package key (`ecosystem` lower-cased, NUL, name), shared by every map here. */
export { packageKey };

export interface VulnCacheOptions {
  /** Entries kept (packages + ids); least recently used dropped first. */
  maxEntries?: number;
}

export class VulnCache implements VulnReader {
  readonly #reader: VulnReader;
  readonly #max: number;
  #packages = new Map<string, Promise<OsvRecord[]>>();
  #ids = new Map<string, Promise<OsvRecord | undefined>>();
  /** Matching records by package and version: most queries repeat (the same lodash@4.17.21 from many projects). */
  #matches = new Map<string, OsvRecord[]>();
  /** Bumped by every invalidation, so that a computation started before one is not remembered after it. */
  #generation = 0;
  #cursor: string | undefined;
  #syncing: Promise<void> | undefined;
  /** Set by a prewarm that loaded every package: a package not in the cache has no records. */
  #complete = false;
  /** Called after every invalidation (the hub schedules a new prewarm). */
  onInvalidate: (() => void) | undefined;

  constructor(reader: VulnReader, options: VulnCacheOptions = {}) {
    this.#reader = reader;
    this.#max = options.maxEntries ?? 50_000;
  }

  invalidate(): void {
    this.#generation++;
    this.#packages = new Map();
    this.#ids = new Map();
    this.#matches = new Map();
    this.#complete = false;
    this.onInvalidate?.();
  }

  /** True when the last prewarm loaded every published record and nothing changed since. */
  get complete(): boolean {
    return this.#complete;
  }

  /**
   * Fills the package cache from a full export (ordered by id), so that first-time queries
   * do not wait for the store. When every package fits (`maxEntries`), the cache becomes
   * complete: a package it does not hold has no advisories, and is answered without a store
   * query. Gives up (returns false) if an invalidation happens meanwhile.
   */
  async prewarm(all: AsyncIterable<OsvRecord>): Promise<boolean> {
    const generation = this.#generation;
    const byKey = new Map<string, OsvRecord[]>();
    for await (const r of all) {
      if (generation !== this.#generation) return false;
      for (const a of r.affected ?? []) {
        if (!a.package) continue;
        // compile the version test now, not on the first query that needs it
        compileAffected(a);
        const k = packageKey(a.package.ecosystem, a.package.name);
        let list = byKey.get(k);
        if (!list) byKey.set(k, (list = []));
        if (list.at(-1) !== r) list.push(r);
      }
    }
    if (generation !== this.#generation) return false;
    for (const [k, list] of byKey) {
      if (this.#packages.size >= this.#max) break;
      this.#packages.set(k, Promise.resolve(list));
    }
    this.#complete = byKey.size <= this.#max && this.#packages.size <= this.#max;
    return true;
  }
  /**
   * For each query, the published (not withdrawn) records affecting that version of the
   * package (every record naming the package when `version` is undefined), sorted by id.
   * One store round trip for all the packages not cached.
   */
  async matching(queries: readonly { ecosystem: string; name: string; version: string | undefined }[]): Promise<OsvRecord[][]> {
    const generation = this.#generation;
    const out: OsvRecord[][] = new Array(queries.length);
    const missing: number[] = [];
    const keys: string[] = new Array(queries.length);
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i]!;
      const k = `${packageKey(q.ecosystem, q.name)}\u0000${q.version === undefined ? '*' : `=${q.version}`}`;
      keys[i] = k;
      const hit = this.#matches.get(k);
      if (hit) out[i] = hit;
      else missing.push(i);
    }
    if (missing.length === 0) return out;
    const byKey = await this.byPackages(missing.map((i) => queries[i]!));
    for (const i of missing) {
      const q = queries[i]!;
      const hits = (byKey.get(packageKey(q.ecosystem, q.name)) ?? []).filter((r) => !r.withdrawn && affects(r, q.ecosystem, q.name, q.version));
      out[i] = hits;
      if (generation === this.#generation) {
        this.#matches.set(keys[i]!, hits);
        if (this.#matches.size > this.#max * 4) this.#matches.delete(this.#matches.keys().next().value as string);
      }
    }
    return out;
  }

  /** Polls the change cursor; drops the cache when it moved. Never throws (the next poll retries). */
  sync(): Promise<void> {
    this.#syncing ??= (async () => {
      try {
        const c = await this.#reader.cursor();
        if (c !== this.#cursor) {
          if (this.#cursor !== undefined) this.invalidate();
          this.#cursor = c;
        }
      } catch {
        // store away: keep serving the cache; requests that miss it answer 503
      } finally {
        this.#syncing = undefined;
      }
    })();
    return this.#syncing;
  }

  cursor(): Promise<string> {
    return this.#reader.cursor();
  }

  #remember<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit) {
      // refresh recency
      map.delete(key);
      map.set(key, hit);
      return hit;
    }
    const p = load();
    map.set(key, p);
    // a failure (store away) must not stay cached
    p.catch(() => {
      if (map.get(key) === p) map.delete(key);
    });
    if (map.size > this.#max) map.delete(map.keys().next().value as string);
    return p;
  }

  byPackage(ecosystem: string, name: string): Promise<OsvRecord[]> {
    if (this.#complete && !this.#packages.has(packageKey(ecosystem, name))) return Promise.resolve([]);
    return this.#remember(this.#packages, packageKey(ecosystem, name), () => this.#reader.byPackage(ecosystem, name));
  }

  async byPackages(keys: readonly { ecosystem: string; name: string }[]): Promise<Map<string, OsvRecord[]>> {
    const out = new Map<string, OsvRecord[]>();
    const missing: { ecosystem: string; name: string }[] = [];
    const waits: Promise<void>[] = [];
    for (const k of keys) {
      const key = packageKey(k.ecosystem, k.name);
      if (out.has(key)) continue;
      const hit = this.#packages.get(key);
      if (hit) waits.push(hit.then((r) => void out.set(key, r)));
      else if (this.#complete) out.set(key, []);
      else {
        out.set(key, []);
        missing.push(k);
      }
    }
    if (missing.length) {
      const loading = this.#reader.byPackages(missing);
      for (const k of missing) {
        const key = packageKey(k.ecosystem, k.name);
        this.#remember(this.#packages, key, () => loading.then((m) => m.get(key) ?? []));
      }
      const got = await loading;
      for (const k of missing) {
        const key = packageKey(k.ecosystem, k.name);
        out.set(key, got.get(key) ?? []);
      }
    }
    await Promise.all(waits);
    return out;
  }

  byId(idOrAlias: string): Promise<OsvRecord | undefined> {
    return this.#remember(this.#ids, idOrAlias, () => this.#reader.byId(idOrAlias));
  }
}
