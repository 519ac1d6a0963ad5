/**
 * The advisory snapshot: one versioned, integrity-checked file that loads fast.
 *
 * Layout (all offsets are bytes from the start of the body):
 *
 *   NODESEC-ADVISORY-SNAPSHOT <version>\n
 *   <header JSON, one line>\n
 *   <body>
 *
 * The header carries the source metadata, freshness, the sha256 of the body and where each
 * section of the body is. The body holds, in this order: `records` (the OSV records' JSON
 * texts, concatenated), `offsets` (JSON array: record i is records[offsets[i]..offsets[i+1]]),
 * `packages` (JSON array of [ecosystem, name, [record indexes]]), `ids` (JSON array of
 * [id-or-alias uppercased, record index]) and `vex` (JSON array of VEX statements).
 *
 * Loading reads the file, checks the sha256 (a bad byte anywhere is ERR_SNAPSHOT_CORRUPT) and
 * parses only the header. The package index, the id index and each record are parsed on first
 * use, so answering one lookup among 100,000 advisories costs a hash and a small JSON parse.
 * Written to a temporary file and renamed into place, so readers never see half a snapshot.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { AppError } from '../core/errors.ts';
import type { AdvisorySource, AdvisorySourceMeta, OsvRecord, VexStatement } from '../core/osv.ts';
import { newestModified, packageKey } from './memory.ts';

export const SNAPSHOT_MAGIC = 'NODESEC-ADVISORY-SNAPSHOT';
export const SNAPSHOT_VERSION = 1;
/** The file name of the default snapshot in the cache dir. */
export const SNAPSHOT_FILE = 'advisories.snapshot';

type Section = [offset: number, length: number];

export interface SnapshotHeader {
  format: 'nodesec-advisory-snapshot';
  version: number;
  builtAt: string;
  newestModified?: string;
  records: number;
  vexStatements: number;
  sources: NonNullable<AdvisorySourceMeta['sources']>;
  sha256: string;
  bodyLength: number;
  sections: { records: Section; offsets: Section; packages: Section; ids: Section; vex: Section };
}

/** True when the bytes start like a snapshot. */
export function isSnapshot(bytes: Uint8Array): boolean {
  const magic = Buffer.from(`${SNAPSHOT_MAGIC} `);
  return bytes.length >= magic.length && Buffer.from(bytes.subarray(0, magic.length)).equals(magic);
}

export interface BuildSnapshotInput {
  records: Iterable<OsvRecord>;
  vex?: readonly VexStatement[];
  sources: SnapshotHeader['sources'];
  builtAt: Date;
}

/** Serialises a snapshot. Records are de-duplicated by id (the last one wins) and sorted by id. */
export function encodeSnapshot(input: BuildSnapshotInput): Buffer {
  const byId = new Map<string, OsvRecord>();
  for (const r of input.records) byId.set(r.id, r);
  const records = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const texts: Buffer[] = [];
  const offsets: number[] = [0];
  const packages = new Map<string, [string, string, number[]]>();
  const ids: [string, number][] = [];
  let pos = 0;
  records.forEach((r, i) => {
    const t = Buffer.from(JSON.stringify(r));
    texts.push(t);
    pos += t.length;
    offsets.push(pos);
    const seen = new Set<string>();
    for (const a of r.affected ?? []) {
      if (!a.package) continue;
      const k = packageKey(a.package.ecosystem, a.package.name);
      if (seen.has(k)) continue;
      seen.add(k);
      const entry = packages.get(k) ?? [a.package.ecosystem, a.package.name, []];
      entry[2].push(i);
      packages.set(k, entry);
    }
    ids.push([r.id.toUpperCase(), i]);
  });
  // aliases after ids: an alias never shadows a record's own id
  const own = new Set(ids.map(([id]) => id));
  records.forEach((r, i) => {
    for (const a of r.aliases ?? []) if (!own.has(a.toUpperCase())) ids.push([a.toUpperCase(), i]);
  });
  const parts = {
    records: Buffer.concat(texts),
    offsets: Buffer.from(JSON.stringify(offsets)),
    packages: Buffer.from(JSON.stringify([...packages.values()])),
    ids: Buffer.from(JSON.stringify(ids)),
    vex: Buffer.from(JSON.stringify(input.vex ?? [])),
  };
  const sections = {} as SnapshotHeader['sections'];
  let at = 0;
  for (const k of ['records', 'offsets', 'packages', 'ids', 'vex'] as const) {
    sections[k] = [at, parts[k].length];
    at += parts[k].length;
  }
  const body = Buffer.concat([parts.records, parts.offsets, parts.packages, parts.ids, parts.vex]);
  const header: SnapshotHeader = {
    format: 'nodesec-advisory-snapshot',
    version: SNAPSHOT_VERSION,
    builtAt: input.builtAt.toISOString(),
    ...(newestModified(records) && { newestModified: newestModified(records) }),
    records: records.length,
    vexStatements: input.vex?.length ?? 0,
    sources: input.sources,
    sha256: createHash('sha256').update(body).digest('hex'),
    bodyLength: body.length,
    sections,
  };
  return Buffer.concat([Buffer.from(`${SNAPSHOT_MAGIC} ${SNAPSHOT_VERSION}\n${JSON.stringify(header)}\n`), body]);
}

/** Writes a file atomically: a temporary file in the same directory, then rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Reads the header only (for `db info`-style reports). Throws ERR_SNAPSHOT_* like `decodeSnapshot`. */
export function readSnapshotHeader(bytes: Buffer, file: string): { header: SnapshotHeader; bodyStart: number } {
  if (!isSnapshot(bytes)) {
    throw new AppError('ERR_SNAPSHOT_CORRUPT', 'not a nodesec advisory snapshot (bad magic)', {
      file,
      hint: 'rebuild it with `nodesec db build` or fetch it again with `nodesec db sync`',
    });
  }
  const nl1 = bytes.indexOf(10);
  const nl2 = nl1 < 0 ? -1 : bytes.indexOf(10, nl1 + 1);
  const version = Number(bytes.subarray(SNAPSHOT_MAGIC.length + 1, nl1).toString('latin1'));
  if (version !== SNAPSHOT_VERSION) {
    throw new AppError('ERR_SNAPSHOT_VERSION', `snapshot format version ${version} is not supported (this nodesec reads version ${SNAPSHOT_VERSION})`, {
      file,
      hint: 'run `nodesec db sync` to fetch a snapshot in the current format, or upgrade nodesec',
    });
  }
  let header: SnapshotHeader;
  try {
    header = JSON.parse(bytes.subarray(nl1 + 1, nl2).toString('utf8')) as SnapshotHeader;
  } catch (cause) {
    throw new AppError('ERR_SNAPSHOT_CORRUPT', 'snapshot header is not valid JSON', { file, line: 2, cause, hint: 'rebuild the snapshot with `nodesec db build` or `nodesec db sync`' });
  }
  if (nl2 < 0 || typeof header?.sha256 !== 'string' || typeof header.bodyLength !== 'number' || !header.sections) {
    throw new AppError('ERR_SNAPSHOT_CORRUPT', 'snapshot header is incomplete', { file, hint: 'rebuild the snapshot with `nodesec db build` or `nodesec db sync`' });
  }
  return { header, bodyStart: nl2 + 1 };
}

/** Decodes and verifies a snapshot (sha256 of the body). */
export function decodeSnapshot(bytes: Buffer, file: string): SnapshotSource {
  const { header, bodyStart } = readSnapshotHeader(bytes, file);
  const body = bytes.subarray(bodyStart);
  if (body.length !== header.bodyLength || createHash('sha256').update(body).digest('hex') !== header.sha256) {
    throw new AppError('ERR_SNAPSHOT_CORRUPT', `snapshot failed its integrity check (sha256 or length mismatch: ${body.length} bytes, header says ${header.bodyLength})`, {
      file,
      hint: 'the file is truncated or was modified; run `nodesec db sync` (or `nodesec db build`) to replace it',
    });
  }
  return new SnapshotSource(header, body, file);
}

export async function loadSnapshot(file: string): Promise<SnapshotSource> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AppError('ERR_SNAPSHOT_MISSING', `no advisory snapshot at ${file}`, {
        file,
        cause,
        hint: 'run `nodesec db sync` to download one, `nodesec db build --from <dir> --out <file>` to build one, or pass --db <path>',
      });
    }
    throw new AppError('ERR_ADVISORY_SOURCE', `cannot read the snapshot: ${(cause as Error).message}`, { file, cause });
  }
  return decodeSnapshot(bytes, file);
}

/** An AdvisorySource over a decoded snapshot: indexes and records parsed on first use. */
export class SnapshotSource implements AdvisorySource {
  readonly meta: AdvisorySourceMeta;
  readonly header: SnapshotHeader;
  readonly #body: Buffer;
  readonly #file: string;
  #offsets: number[] | undefined;
  #packages: Map<string, number[]> | undefined;
  #ids: Map<string, number> | undefined;
  #vex: VexStatement[] | undefined;
  readonly #cache: (OsvRecord | undefined)[];

  constructor(header: SnapshotHeader, body: Buffer, file: string) {
    this.header = header;
    this.#body = body;
    this.#file = file;
    this.#cache = new Array(header.records);
    this.meta = {
      kind: 'snapshot',
      location: file,
      builtAt: header.builtAt,
      ...(header.newestModified && { newestModified: header.newestModified }),
      sources: header.sources,
    };
  }

  get size(): number {
    return this.header.records;
  }

  #section<T>(name: keyof SnapshotHeader['sections']): T {
    const [off, len] = this.header.sections[name];
    try {
      return JSON.parse(this.#body.toString('utf8', off, off + len)) as T;
    } catch (cause) {
      throw new AppError('ERR_SNAPSHOT_CORRUPT', `snapshot section "${name}" does not parse`, { file: this.#file, cause, hint: 'rebuild the snapshot' });
    }
  }

  #record(i: number): OsvRecord {
    const hit = this.#cache[i];
    if (hit) return hit;
    this.#offsets ??= this.#section<number[]>('offsets');
    const base = this.header.sections.records[0];
    const start = base + this.#offsets[i]!;
    const end = base + this.#offsets[i + 1]!;
    const rec = JSON.parse(this.#body.toString('utf8', start, end)) as OsvRecord;
    this.#cache[i] = rec;
    return rec;
  }

  byPackage(ecosystem: string, name: string): readonly OsvRecord[] {
    if (!this.#packages) {
      this.#packages = new Map();
      for (const [eco, n, list] of this.#section<[string, string, number[]][]>('packages')) this.#packages.set(packageKey(eco, n), list);
    }
    return (this.#packages.get(packageKey(ecosystem, name)) ?? []).map((i) => this.#record(i));
  }

  byId(id: string): OsvRecord | undefined {
    if (!this.#ids) {
      this.#ids = new Map();
      for (const [k, i] of this.#section<[string, number][]>('ids')) if (!this.#ids.has(k)) this.#ids.set(k, i);
    }
    const i = this.#ids.get(id.toUpperCase());
    return i === undefined ? undefined : this.#record(i);
  }

  *all(): Iterable<OsvRecord> {
    for (let i = 0; i < this.header.records; i++) yield this.#record(i);
  }

  vexStatements(): readonly VexStatement[] {
    this.#vex ??= this.#section<VexStatement[]>('vex');
    return this.#vex;
  }
}
