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
 * section of the body is. The body is built for loading without parsing:
 *
 *   blocks        records' JSON texts, 16 per block, each block raw-deflated
 *   blockOffsets  u32[blocks + 1]: where each compressed block starts
 *   recordStarts  u32[records]: where each record starts in its inflated block
 *   pkgKeys       sorted keys `<ecosystem lowercased>\0<name>` (UTF-8, byte order), back to back
 *   pkgKeyOffsets u32[packages + 1]; pkgPostingOffsets u32[packages + 1]; pkgPostings u32[]
 *   idKeys        sorted uppercased ids and aliases; idKeyOffsets u32[ids + 1]; idRecords u32[ids]
 *   vex           JSON array of VEX statements
 *
 * Loading reads the file, checks the sha256 (a bad byte anywhere is ERR_SNAPSHOT_CORRUPT) and
 * parses the one-line header. A lookup is a binary search over the key tables in the buffer,
 * then one block inflated and the records it needs parsed; nothing else is decoded. So
 * opening 100,000 advisories costs a read and a hash of a compressed file (bench/snapshot.ts).
 * Written to a temporary file and renamed into place, so readers never see half a snapshot.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { AppError } from '../core/errors.ts';
import type { AdvisorySource, AdvisorySourceMeta, OsvRecord, VexStatement } from '../core/osv.ts';
import { newestModified, packageKey, packageKeysOf } from './memory.ts';

export const SNAPSHOT_MAGIC = 'NODESEC-ADVISORY-SNAPSHOT';
export const SNAPSHOT_VERSION = 1;
/** The file name of the default snapshot in the cache dir. */
export const SNAPSHOT_FILE = 'advisories.snapshot';
/** Records per compressed block: small enough that a lookup inflates little, big enough to compress well. */
const BLOCK = 16;

type Section = [offset: number, length: number];
const SECTIONS = [
  'blocks', 'blockOffsets', 'recordStarts', 'pkgKeys', 'pkgKeyOffsets', 'pkgPostingOffsets', 'pkgPostings',
  'idKeys', 'idKeyOffsets', 'idRecords', 'vex',
] as const;
type SectionName = (typeof SECTIONS)[number];

export interface SnapshotHeader {
  format: 'nodesec-advisory-snapshot';
  version: number;
  builtAt: string;
  newestModified?: string;
  records: number;
  packages: number;
  vexStatements: number;
  sources: NonNullable<AdvisorySourceMeta['sources']>;
  sha256: string;
  bodyLength: number;
  sections: Record<SectionName, Section>;
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

function u32(values: readonly number[]): Buffer {
  const b = Buffer.allocUnsafe(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v, i * 4));
  return b;
}

/** Sorted keys (byte order) as [keys blob, offsets]. */
function keyTable(keys: readonly Buffer[]): [Buffer, Buffer] {
  const offsets: number[] = [0];
  let at = 0;
  for (const k of keys) offsets.push((at += k.length));
  return [Buffer.concat(keys), u32(offsets)];
}

/** Serialises a snapshot. Records are de-duplicated by id (the last one wins) and sorted by id. */
export function encodeSnapshot(input: BuildSnapshotInput): Buffer {
  const byId = new Map<string, OsvRecord>();
  for (const r of input.records) byId.set(r.id, r);
  const records = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const blocks: Buffer[] = [];
  const blockOffsets: number[] = [0];
  const recordStarts: number[] = [];
  const packages = new Map<string, number[]>();
  const ids = new Map<string, number>();
  for (let b = 0, at = 0; b < records.length; b += BLOCK) {
    const texts: Buffer[] = [];
    let local = 0;
    for (let i = b; i < Math.min(b + BLOCK, records.length); i++) {
      const t = Buffer.from(JSON.stringify(records[i]));
      recordStarts.push(local);
      local += t.length;
      texts.push(t);
    }
    const z = deflateRawSync(Buffer.concat(texts), { level: 6 });
    blocks.push(z);
    blockOffsets.push((at += z.length));
  }
  records.forEach((r, i) => {
    for (const k of packageKeysOf(r)) {
      const list = packages.get(k);
      if (list) list.push(i);
      else packages.set(k, [i]);
    }
    if (!ids.has(r.id.toUpperCase())) ids.set(r.id.toUpperCase(), i);
  });
  // aliases after ids: an alias never shadows a record's own id
  records.forEach((r, i) => {
    for (const a of r.aliases ?? []) if (!ids.has(a.toUpperCase())) ids.set(a.toUpperCase(), i);
  });
  const pkgEntries = [...packages].map(([k, v]) => [Buffer.from(k), v] as const).sort((a, b) => Buffer.compare(a[0], b[0]));
  const [pkgKeys, pkgKeyOffsets] = keyTable(pkgEntries.map((e) => e[0]));
  const postingOffsets: number[] = [0];
  const postings: number[] = [];
  for (const [, list] of pkgEntries) {
    postings.push(...list);
    postingOffsets.push(postings.length);
  }
  const idEntries = [...ids].map(([k, v]) => [Buffer.from(k), v] as const).sort((a, b) => Buffer.compare(a[0], b[0]));
  const [idKeys, idKeyOffsets] = keyTable(idEntries.map((e) => e[0]));
  const parts: Record<SectionName, Buffer> = {
    blocks: Buffer.concat(blocks),
    blockOffsets: u32(blockOffsets),
    recordStarts: u32(recordStarts),
    pkgKeys,
    pkgKeyOffsets,
    pkgPostingOffsets: u32(postingOffsets),
    pkgPostings: u32(postings),
    idKeys,
    idKeyOffsets,
    idRecords: u32(idEntries.map((e) => e[1])),
    vex: Buffer.from(JSON.stringify(input.vex ?? [])),
  };
  const sections = {} as SnapshotHeader['sections'];
  let at = 0;
  for (const k of SECTIONS) {
    sections[k] = [at, parts[k].length];
    at += parts[k].length;
  }
  const body = Buffer.concat(SECTIONS.map((k) => parts[k]));
  const newest = newestModified(records);
  const header: SnapshotHeader = {
    format: 'nodesec-advisory-snapshot',
    version: SNAPSHOT_VERSION,
    builtAt: input.builtAt.toISOString(),
    ...(newest && { newestModified: newest }),
    records: records.length,
    packages: pkgEntries.length,
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

/** An AdvisorySource over a decoded snapshot: binary search in the buffer, blocks inflated on demand. */
export class SnapshotSource implements AdvisorySource {
  readonly meta: AdvisorySourceMeta;
  readonly header: SnapshotHeader;
  readonly #body: Buffer;
  readonly #file: string;
  readonly #at: Record<SectionName, number>;
  #vex: VexStatement[] | undefined;
  readonly #cache: (OsvRecord | undefined)[];
  #block = -1;
  #blockData: Buffer | undefined;

  constructor(header: SnapshotHeader, body: Buffer, file: string) {
    this.header = header;
    this.#body = body;
    this.#file = file;
    this.#cache = new Array(header.records);
    this.#at = Object.fromEntries(SECTIONS.map((k) => [k, header.sections[k]?.[0] ?? 0])) as Record<SectionName, number>;
    for (const k of SECTIONS) {
      const sec = header.sections[k];
      if (!Array.isArray(sec) || !Number.isInteger(sec[0]) || !Number.isInteger(sec[1]) || sec[0] < 0 || sec[1] < 0 || sec[0] + sec[1] > body.length) {
        throw this.#corrupt(`section "${k}" is missing or out of bounds`);
      }
    }
    // The sha256 proves the file is what its builder wrote, not that the builder was honest:
    // check that the tables agree with the counts, so a lookup never reads out of bounds.
    const len = (k: SectionName) => header.sections[k][1];
    const blocks = Math.ceil(header.records / BLOCK);
    const expect: [SectionName, number][] = [
      ['blockOffsets', (blocks + 1) * 4], ['recordStarts', header.records * 4], ['pkgKeyOffsets', (header.packages + 1) * 4],
      ['pkgPostingOffsets', (header.packages + 1) * 4], ['idKeyOffsets', (len('idRecords') / 4 + 1) * 4],
    ];
    for (const [k, n] of expect) if (len(k) !== n) throw this.#corrupt(`section "${k}" has ${len(k)} bytes, expected ${n}`);
    const last = (k: SectionName) => body.readUInt32LE(header.sections[k][0] + header.sections[k][1] - 4);
    if (last('blockOffsets') !== len('blocks') || last('pkgKeyOffsets') !== len('pkgKeys') || last('idKeyOffsets') !== len('idKeys') || last('pkgPostingOffsets') * 4 !== len('pkgPostings')) {
      throw this.#corrupt('an offset table does not end at the end of its section');
    }
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

  #corrupt(why: string, cause?: unknown): AppError {
    return new AppError('ERR_SNAPSHOT_CORRUPT', `snapshot is inconsistent: ${why}`, { file: this.#file, cause, hint: 'rebuild it with `nodesec db build` or `nodesec db sync`' });
  }

  #u32(section: SectionName, i: number): number {
    const at = i * 4;
    if (at < 0 || at + 4 > this.header.sections[section][1]) throw this.#corrupt(`index ${i} is outside section "${section}"`);
    return this.#body.readUInt32LE(this.#at[section] + at);
  }

  /** Binary search in a sorted key table; the entry index or -1. */
  #find(keys: SectionName, offsets: SectionName, count: number, key: string): number {
    const target = Buffer.from(key);
    const base = this.#at[keys];
    let lo = 0;
    let hi = count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = target.compare(this.#body, base + this.#u32(offsets, mid), base + this.#u32(offsets, mid + 1));
      if (c === 0) return mid;
      if (c > 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  #inflate(block: number): Buffer {
    if (block === this.#block && this.#blockData) return this.#blockData;
    const base = this.#at.blocks;
    try {
      this.#blockData = inflateRawSync(this.#body.subarray(base + this.#u32('blockOffsets', block), base + this.#u32('blockOffsets', block + 1)));
    } catch (cause) {
      throw this.#corrupt(`block ${block} does not inflate`, cause);
    }
    this.#block = block;
    return this.#blockData;
  }

  #record(i: number): OsvRecord {
    const hit = this.#cache[i];
    if (hit) return hit;
    if (!(i >= 0 && i < this.header.records)) throw this.#corrupt(`record index ${i} is out of range`);
    const block = Math.floor(i / BLOCK);
    const data = this.#inflate(block);
    const start = this.#u32('recordStarts', i);
    const last = Math.min((block + 1) * BLOCK, this.header.records) - 1;
    const end = i === last ? data.length : this.#u32('recordStarts', i + 1);
    let rec: OsvRecord;
    try {
      rec = JSON.parse(data.toString('utf8', start, end)) as OsvRecord;
    } catch (cause) {
      throw this.#corrupt(`record ${i} does not parse`, cause);
    }
    this.#cache[i] = rec;
    return rec;
  }

  byPackage(ecosystem: string, name: string): readonly OsvRecord[] {
    const e = this.#find('pkgKeys', 'pkgKeyOffsets', this.header.packages, packageKey(ecosystem, name));
    if (e < 0) return [];
    const out: OsvRecord[] = [];
    for (let p = this.#u32('pkgPostingOffsets', e), end = this.#u32('pkgPostingOffsets', e + 1); p < end; p++) out.push(this.#record(this.#u32('pkgPostings', p)));
    return out;
  }

  byId(id: string): OsvRecord | undefined {
    const count = this.header.sections.idRecords[1] / 4;
    const e = this.#find('idKeys', 'idKeyOffsets', count, id.toUpperCase());
    return e < 0 ? undefined : this.#record(this.#u32('idRecords', e));
  }

  *all(): Iterable<OsvRecord> {
    for (let i = 0; i < this.header.records; i++) yield this.#record(i);
  }

  vexStatements(): readonly VexStatement[] {
    if (!this.#vex) {
      const [off, len] = this.header.sections.vex;
      try {
        this.#vex = JSON.parse(this.#body.toString('utf8', off, off + len)) as VexStatement[];
      } catch (cause) {
        throw this.#corrupt('the VEX section does not parse', cause);
      }
    }
    return this.#vex;
  }
}
