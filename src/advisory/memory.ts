/**
 * An in-memory AdvisorySource over a list of OSV records (WG dir, OSV dir, zip, URL): indexes
 * by package (ecosystem compared case-insensitively, name exactly) and by id and alias.
 */
import type { AdvisorySource, AdvisorySourceMeta, OsvRecord, VexStatement } from '../core/osv.ts';

export function packageKey(ecosystem: string, name: string): string {
  return `${ecosystem.toLowerCase()}\u0000${name}`;
}

/** The distinct package keys a record affects, in order. */
export function packageKeysOf(r: OsvRecord): string[] {
  const keys: string[] = [];
  for (const a of r.affected ?? []) {
    if (!a.package) continue;
    const k = packageKey(a.package.ecosystem, a.package.name);
    if (!keys.includes(k)) keys.push(k);
  }
  return keys;
}

/** Newest `modified` among records (ISO strings compare in time order). */
export function newestModified(records: Iterable<OsvRecord>): string | undefined {
  let newest: string | undefined;
  for (const r of records) if (typeof r.modified === 'string' && (!newest || r.modified > newest)) newest = r.modified;
  return newest;
}

export class MemorySource implements AdvisorySource {
  readonly meta: AdvisorySourceMeta;
  readonly #records: OsvRecord[];
  readonly #byPackage = new Map<string, OsvRecord[]>();
  readonly #byId = new Map<string, OsvRecord>();
  readonly #vex: VexStatement[];

  constructor(records: OsvRecord[], meta: AdvisorySourceMeta, vex: VexStatement[] = []) {
    this.#records = records;
    this.#vex = vex;
    for (const r of records) {
      for (const k of packageKeysOf(r)) {
        let list = this.#byPackage.get(k);
        if (!list) this.#byPackage.set(k, (list = []));
        list.push(r);
      }
    }
    // ids first, so an alias never shadows a record's own id
    for (const r of records) this.#byId.set(r.id.toUpperCase(), r);
    for (const r of records) for (const a of r.aliases ?? []) if (!this.#byId.has(a.toUpperCase())) this.#byId.set(a.toUpperCase(), r);
    this.meta = { ...meta, newestModified: meta.newestModified ?? newestModified(records) };
  }

  get size(): number {
    return this.#records.length;
  }

  byPackage(ecosystem: string, name: string): readonly OsvRecord[] {
    return this.#byPackage.get(packageKey(ecosystem, name)) ?? [];
  }

  byId(id: string): OsvRecord | undefined {
    return this.#byId.get(id.toUpperCase());
  }

  all(): Iterable<OsvRecord> {
    return this.#records;
  }

  vexStatements(): readonly VexStatement[] {
    return this.#vex;
  }
}
