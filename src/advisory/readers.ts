/**
 * Readers: every kind of advisory input → OSV records (+ VEX statements), with the inputs that
 * could not be used reported as warnings (file, pointer or line:column, message) instead of
 * stopping the load. One reader per input kind:
 *
 *   nswg-dir    the WG's vuln/ directory (core/ npm/ deps/), or the WG repository root
 *   nswg-index  the WG's three index.json files (local dir or GitHub raw base URL)
 *   osv-dir     a directory of OSV JSON files (recursively)
 *   osv-zip     an OSV export zip (osv.dev's per-ecosystem all.zip)
 *   osv-json    one OSV record, or a JSON array of records
 *   snapshot    a nodesec advisory snapshot (snapshot.ts)
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import { AppError, isAppError, parseJson } from '../core/errors.ts';
import type { AdvisorySourceMeta, OsvRecord, VexStatement } from '../core/osv.ts';
import { nswgCoreToOsv, nswgDepsToVex, nswgNpmToOsv, type NswgKind } from './nswg.ts';
import { fromExportOsv } from './export.ts';

export type Warning = NonNullable<AdvisorySourceMeta['warnings']>[number];

export interface Loaded {
  kind: string;
  location: string;
  records: OsvRecord[];
  vex: VexStatement[];
  warnings: Warning[];
}

/** Largest JSON file we parse (a WG record is a few KB; osv.dev's biggest records are < 5 MB). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** Largest zip / snapshot / download we accept. */
export const MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024;

export const NSWG_KINDS: readonly NswgKind[] = ['core', 'npm', 'deps'];

export function warningOf(err: unknown, file: string): Warning {
  if (isAppError(err)) {
    return {
      file: err.file ?? file,
      ...(err.pointer !== undefined && { pointer: err.pointer }),
      ...(err.line !== undefined && { line: err.line }),
      ...(err.column !== undefined && { column: err.column }),
      message: err.message,
    };
  }
  return { file, message: err instanceof Error ? err.message : String(err) };
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

/** The WG vuln dir for a path that is either the vuln dir or the repository root holding vuln/. */
export async function nswgVulnDir(path: string): Promise<string | undefined> {
  // a kind dir of the WG holds `<n>.json` files or an index.json (osv.dev's per-ecosystem
  // `npm/` folders hold `GHSA-….json`, and are not mistaken for it)
  const wgKindDir = async (d: string) => (await isDir(d)) && (await readdir(d).catch(() => [] as string[])).some((n) => n === 'index.json' || /^\d+\.json$/.test(n));
  const has = async (d: string) => (await Promise.all(NSWG_KINDS.map((k) => wgKindDir(join(d, k))))).some(Boolean);
  if (await has(path)) return path;
  if (await has(join(path, 'vuln'))) return join(path, 'vuln');
  return undefined;
}

/** What a WG record's shape says it is (for files outside a core/ npm/ deps/ folder). */
export function guessNswgKind(value: unknown): NswgKind | 'osv' | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if ('module_name' in v || 'vulnerable_versions' in v || 'cves' in v) return 'npm';
  if ('reason' in v && !('vulnerable' in v)) return 'deps';
  if ('vulnerable' in v || 'affectedEnvironments' in v) return 'core';
  if ('id' in v && 'modified' in v) return 'osv';
  return undefined;
}

/** Converts one WG record, after the minimum checks that make the conversion meaningful. */
export function convertNswg(kind: NswgKind, value: unknown, id: string, file: string): OsvRecord | VexStatement {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('ERR_ADVISORY_INVALID', `a WG ${kind} record must be a JSON object`, { file, pointer: '', hint: 'see docs/advisory-model.md for the WG record fields' });
  }
  const v = value as Record<string, unknown>;
  const need = kind === 'npm' ? ['module_name', 'vulnerable_versions'] : kind === 'core' ? ['vulnerable'] : ['reason'];
  for (const k of need) {
    if (typeof v[k] !== 'string') {
      throw new AppError('ERR_ADVISORY_INVALID', `"${k}" must be a string`, { file, pointer: `/${k}`, hint: 'run `nodesec db validate` on the file for every problem' });
    }
  }
  if (kind === 'deps' && !Array.isArray(v.cve)) {
    throw new AppError('ERR_ADVISORY_INVALID', '"cve" must be an array of CVE ids', { file, pointer: '/cve' });
  }
  return kind === 'npm' ? nswgNpmToOsv(v, id) : kind === 'core' ? nswgCoreToOsv(v, id) : nswgDepsToVex(v, id);
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    const s = await stat(file);
    if (s.size > MAX_RECORD_BYTES) {
      throw new AppError('ERR_INPUT_TOO_LARGE', `file is ${s.size} bytes, over the ${MAX_RECORD_BYTES}-byte limit for one record`, { file });
    }
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (isAppError(cause)) throw cause;
    throw new AppError('ERR_INPUT_NOT_FOUND', `cannot read: ${(cause as Error).message}`, { file, cause });
  }
  return parseJson(text, file);
}

/** Record files of one WG kind dir: `<id>.json`, not index.json, sorted by numeric id. */
export async function nswgRecordFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith('.json') && n !== 'index.json')
    .sort((a, b) => {
      const x = Number.parseInt(a, 10), y = Number.parseInt(b, 10);
      return Number.isNaN(x) || Number.isNaN(y) || x === y ? (a < b ? -1 : a > b ? 1 : 0) : x - y;
    });
}

/** The WG's vuln dir (or repository root): every core/npm/deps record. */
export async function readNswgDir(path: string, display = path): Promise<Loaded> {
  const vuln = (await nswgVulnDir(path)) ?? path;
  const out: Loaded = { kind: 'nswg-dir', location: display, records: [], vex: [], warnings: [] };
  for (const kind of NSWG_KINDS) {
    const dir = join(vuln, kind);
    for (const name of await nswgRecordFiles(dir)) {
      const file = join(dir, name);
      try {
        const rec = convertNswg(kind, await readJsonFile(file), basename(name, '.json'), file);
        if (kind === 'deps') out.vex.push(rec as VexStatement);
        else out.records.push(rec as OsvRecord);
      } catch (err) {
        out.warnings.push(warningOf(err, file));
      }
    }
  }
  return out;
}

/** The WG's three index.json maps ({ "<id>": record }), already parsed. */
export function fromNswgIndexes(indexes: Partial<Record<NswgKind, unknown>>, location: string): Loaded {
  const out: Loaded = { kind: 'nswg-index', location, records: [], vex: [], warnings: [] };
  for (const kind of NSWG_KINDS) {
    const index = indexes[kind];
    if (index === undefined) continue;
    const file = `${location.replace(/\/$/, '')}/${kind}/index.json`;
    if (!index || typeof index !== 'object' || Array.isArray(index)) {
      out.warnings.push({ file, pointer: '', message: 'an index.json must be a JSON object keyed by record id' });
      continue;
    }
    for (const [id, value] of Object.entries(index)) {
      try {
        const rec = convertNswg(kind, value, id, file);
        if (kind === 'deps') out.vex.push(rec as VexStatement);
        else out.records.push(rec as OsvRecord);
      } catch (err) {
        const w = warningOf(err, file);
        out.warnings.push({ ...w, pointer: `/${id}${w.pointer ?? ''}` });
      }
    }
  }
  return out;
}

/** Checks the minimum an OSV record needs to be usable (full schema validation is `db validate`). */
export function asOsvRecord(value: unknown, file: string, pointer = ''): OsvRecord {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('ERR_ADVISORY_INVALID', 'an OSV record must be a JSON object', { file, pointer, hint: 'see https://ossf.github.io/osv-schema/' });
  }
  const v = value as Record<string, unknown>;
  for (const k of ['id', 'modified']) {
    if (typeof v[k] !== 'string' || !v[k]) {
      throw new AppError('ERR_ADVISORY_INVALID', `"${k}" is required and must be a non-empty string`, { file, pointer: `${pointer}/${k}`, hint: 'is this an OSV record? `nodesec db validate` reports every problem' });
    }
  }
  if (v.affected !== undefined && v.affected !== null && !Array.isArray(v.affected)) {
    throw new AppError('ERR_ADVISORY_INVALID', '"affected" must be an array', { file, pointer: `${pointer}/affected` });
  }
  return fromExportOsv(v as unknown as OsvRecord);
}

/** One OSV JSON document: a record, or an array of records (an OSV API `vulns` list too). */
export function osvRecordsOf(value: unknown, file: string, out: Loaded): void {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { vulns?: unknown }).vulns)
      ? (value as { vulns: unknown[] }).vulns
      : undefined;
  if (!list) {
    try {
      out.records.push(asOsvRecord(value, file));
    } catch (err) {
      out.warnings.push(warningOf(err, file));
    }
    return;
  }
  const base = Array.isArray(value) ? '' : '/vulns';
  list.forEach((v, i) => {
    try {
      out.records.push(asOsvRecord(v, file, `${base}/${i}`));
    } catch (err) {
      out.warnings.push(warningOf(err, file));
    }
  });
}

async function walkJson(dir: string, out: string[], depth = 0): Promise<void> {
  if (depth > 32) return;
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walkJson(p, out, depth + 1);
    else if (e.isFile() && e.name.endsWith('.json')) out.push(p);
  }
}

/** A directory of OSV JSON files, walked recursively (hidden dirs and node_modules skipped). */
export async function readOsvDir(dir: string, display = dir): Promise<Loaded> {
  const out: Loaded = { kind: 'osv-dir', location: display, records: [], vex: [], warnings: [] };
  const files: string[] = [];
  await walkJson(dir, files);
  for (const file of files) {
    try {
      osvRecordsOf(await readJsonFile(file), file, out);
    } catch (err) {
      out.warnings.push(warningOf(err, file));
    }
  }
  return out;
}

/** Entries inflated at a time: the archive's records are parsed batch by batch, never all inflated at once. */
const ZIP_BATCH = 2000;

function unzipSafe(bytes: Uint8Array, location: string, filter: (f: { name: string; originalSize: number }) => boolean): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes, { filter });
  } catch (cause) {
    if (isAppError(cause)) throw cause;
    throw new AppError('ERR_ADVISORY_SOURCE', `not a readable zip archive: ${(cause as Error).message}`, { file: location, cause });
  }
}

/**
 * Calls `each` for every .json entry of a zip, in name order, inflating ZIP_BATCH entries at a
 * time; entries over the record limit go to `tooLarge`. Throws ERR_INPUT_TOO_LARGE past the
 * archive limit and ERR_ADVISORY_SOURCE when the bytes are not a zip.
 */
export function forEachZipEntry(bytes: Uint8Array, location: string, each: (name: string, data: Uint8Array) => void, tooLarge: (name: string, size: number) => void): void {
  let total = 0;
  const names: string[] = [];
  unzipSafe(bytes, location, (f) => {
    if (!f.name.endsWith('.json')) return false;
    if (f.originalSize > MAX_RECORD_BYTES) {
      tooLarge(f.name, f.originalSize);
      return false;
    }
    total += f.originalSize;
    if (total > MAX_ARCHIVE_BYTES) throw new AppError('ERR_INPUT_TOO_LARGE', `zip expands to more than ${MAX_ARCHIVE_BYTES} bytes`, { file: location });
    names.push(f.name);
    return false;
  });
  names.sort();
  for (let b = 0; b < names.length; b += ZIP_BATCH) {
    const batch = new Set(names.slice(b, b + ZIP_BATCH));
    const entries = unzipSafe(bytes, location, (f) => batch.has(f.name));
    for (const name of batch) {
      const data = entries[name];
      if (data) each(name, data);
    }
  }
}

/** An OSV export zip (one record per .json entry), bounded in size, inflated in batches. */
export function readOsvZip(bytes: Uint8Array, location: string): Loaded {
  const out: Loaded = { kind: 'osv-zip', location, records: [], vex: [], warnings: [] };
  const decoder = new TextDecoder();
  forEachZipEntry(bytes, location, (name, data) => {
    const file = `${location}!${name}`;
    try {
      osvRecordsOf(parseJson(decoder.decode(data), file), file, out);
    } catch (err) {
      out.warnings.push(warningOf(err, file));
    }
  }, (name, size) => out.warnings.push({ file: `${location}!${name}`, message: `entry is ${size} bytes, over the ${MAX_RECORD_BYTES}-byte limit` }));
  return out;
}

/** Relative display path for messages (keeps absolute paths outside cwd). */
export function displayPath(p: string, cwd: string): string {
  const r = relative(cwd, p);
  return r && !r.startsWith('..') ? r : p;
}
