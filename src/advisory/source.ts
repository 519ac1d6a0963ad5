/**
 * `openAdvisorySource(spec)`: the one way the rest of nodesec gets advisories.
 *
 * spec                                   what it opens
 * undefined                              the default snapshot in the cache dir
 * path to a snapshot file                that snapshot (sha256-checked)
 * WG vuln dir, or the WG repo root       every core/npm/deps record, converted
 * directory of OSV JSON files            those records
 * .zip file                              an OSV export zip
 * .json file                             one OSV record, an array of them, or a WG index.json
 * http(s) URL                            a snapshot, an OSV zip, OSV JSON, or the WG's vuln/ base
 *                                        URL (its three index.json files)
 */
import { homedir } from 'node:os';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError, isAppError, parseJson } from '../core/errors.ts';
import type { AdvisorySource, OsvRecord, VexStatement } from '../core/osv.ts';
import { MemorySource } from './memory.ts';
import {
  MAX_ARCHIVE_BYTES,
  NSWG_KINDS,
  convertNswg,
  fromNswgIndexes,
  guessNswgKind,
  warningOf,
  nswgVulnDir,
  osvRecordsOf,
  readNswgDir,
  readOsvDir,
  readOsvZip,
  type Loaded,
} from './readers.ts';
import { SNAPSHOT_FILE, decodeSnapshot, isSnapshot, loadSnapshot } from './snapshot.ts';
import type { NswgKind } from './nswg.ts';

export interface OpenSourceOptions {
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
  /** Overrides the cache dir (else NODESEC_CACHE_DIR, $XDG_CACHE_HOME/nodesec, ~/.cache/nodesec). */
  cacheDir?: string;
  /** Base for relative paths (default: process cwd as resolved by `path.resolve`). */
  cwd?: string;
  /** Aborts downloads. */
  signal?: AbortSignal;
}

/** The user cache dir: NODESEC_CACHE_DIR, else $XDG_CACHE_HOME/nodesec, else ~/.cache/nodesec. */
export function cacheDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.NODESEC_CACHE_DIR) return resolve(env.NODESEC_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return join(resolve(env.XDG_CACHE_HOME), 'nodesec');
  return join(env.HOME || homedir(), '.cache', 'nodesec');
}

/** Where the default snapshot lives. */
export function defaultSnapshotPath(opts: Pick<OpenSourceOptions, 'env' | 'cacheDir'>): string {
  return join(opts.cacheDir ?? cacheDir(opts.env), SNAPSHOT_FILE);
}

export function isUrlSpec(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

/** GET with bounded size and a clear error code for every failure. */
export async function fetchBytes(url: string, opts: Pick<OpenSourceOptions, 'fetch' | 'signal'> & { env?: OpenSourceOptions['env'] }, maxBytes = MAX_ARCHIVE_BYTES): Promise<Uint8Array> {
  const f = opts.fetch ?? globalThis.fetch;
  // bounded in time: NODESEC_HTTP_TIMEOUT seconds (default 300, OSV's npm export is large)
  const seconds = Number(opts.env?.NODESEC_HTTP_TIMEOUT ?? 300);
  const timeout = AbortSignal.timeout((Number.isFinite(seconds) && seconds > 0 ? seconds : 300) * 1000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  let buf: Uint8Array;
  try {
    res = await f(url, { signal, headers: { 'user-agent': 'nodesec' } });
    if (res.ok) {
      const len = Number(res.headers.get('content-length') ?? 0);
      if (len > maxBytes) throw new AppError('ERR_INPUT_TOO_LARGE', `${url} is ${len} bytes, over the ${maxBytes}-byte limit`, { file: url });
      buf = new Uint8Array(await res.arrayBuffer());
    } else buf = new Uint8Array();
  } catch (cause) {
    if (isAppError(cause)) throw cause;
    throw new AppError('ERR_UPSTREAM_UNREACHABLE', `cannot reach ${url}: ${(cause as Error).message}`, {
      file: url,
      cause,
      hint: 'check the network, or use a local source (--from <dir>) or the cached snapshot',
    });
  }
  if (!res.ok) {
    throw new AppError('ERR_UPSTREAM_HTTP', `GET ${url} answered ${res.status} ${res.statusText}`.trim(), {
      file: url,
      details: { status: res.status },
      hint: res.status === 404 ? 'check the URL' : 'try again later, or use a local source',
    });
  }
  if (buf.length > maxBytes) throw new AppError('ERR_INPUT_TOO_LARGE', `${url} is over the ${maxBytes}-byte limit`, { file: url });
  return buf;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05);
}

/** A JSON document that may be OSV, a WG index.json or a single WG record. */
function loadJsonDocument(value: unknown, location: string, kindHint?: NswgKind): Loaded {
  if (value && typeof value === 'object' && !Array.isArray(value) && !('id' in value && 'modified' in value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
      // a WG index.json: { "<id>": record }
      const kind = kindHint ?? guessNswgKind(Object.values(value)[0]);
      if (kind && kind !== 'osv') return { ...fromNswgIndexes({ [kind]: value }, location.replace(/\/(core|npm|deps)\/index\.json$/, '')), location };
    }
    // one WG record file: its name is its id
    const kind = kindHint ?? guessNswgKind(value);
    if (kind && kind !== 'osv') {
      const out: Loaded = { kind: 'nswg-file', location, records: [], vex: [], warnings: [] };
      try {
        const rec = convertNswg(kind, value, basename(location, '.json'), location);
        if (kind === 'deps') out.vex.push(rec as VexStatement);
        else out.records.push(rec as OsvRecord);
      } catch (err) {
        out.warnings.push(warningOf(err, location));
      }
      return out;
    }
  }
  const out: Loaded = { kind: 'osv-json', location, records: [], vex: [], warnings: [] };
  osvRecordsOf(value, location, out);
  return out;
}

/** Loads any local path or URL into records (not snapshots). Throws only when nothing can be read at all. */
export async function loadAdvisories(spec: string, opts: OpenSourceOptions): Promise<Loaded | AdvisorySource> {
  if (isUrlSpec(spec)) return loadUrl(spec, opts);
  const path = resolve(opts.cwd ?? '.', spec);
  let s;
  try {
    s = await stat(path);
  } catch (cause) {
    throw new AppError('ERR_INPUT_NOT_FOUND', `advisory source ${spec} does not exist or cannot be read`, {
      file: spec,
      cause,
      hint: 'pass a snapshot file, the WG vuln/ dir, an OSV dir or zip, or an http(s) URL',
    });
  }
  if (s.isDirectory()) {
    if (await nswgVulnDir(path)) return readNswgDir(path, spec);
    return readOsvDir(path, spec);
  }
  if (s.size > MAX_ARCHIVE_BYTES) {
    throw new AppError('ERR_INPUT_TOO_LARGE', `${spec} is ${s.size} bytes, over the ${MAX_ARCHIVE_BYTES}-byte limit`, { file: spec });
  }
  const bytes = await readFile(path).catch((cause) => {
    throw new AppError('ERR_INPUT_NOT_FOUND', `cannot read ${spec}: ${(cause as Error).message}`, { file: spec, cause });
  });
  if (isSnapshot(bytes)) return decodeSnapshot(bytes, spec);
  if (isZip(bytes)) return readOsvZip(bytes, spec);
  if (/\.json$/i.test(path) || bytes[0] === 0x7b || bytes[0] === 0x5b) {
    const kindHint = (NSWG_KINDS as readonly string[]).includes(basename(dirname(path))) ? (basename(dirname(path)) as NswgKind) : undefined;
    return loadJsonDocument(parseJson(bytes.toString('utf8'), spec), spec, kindHint);
  }
  throw new AppError('ERR_ADVISORY_SOURCE', `${spec} is not an advisory source nodesec knows`, {
    file: spec,
    hint: 'expected a snapshot, an OSV .zip, a .json file, the WG vuln/ dir or an OSV directory',
  });
}

async function loadUrl(url: string, opts: OpenSourceOptions): Promise<Loaded | AdvisorySource> {
  // The WG repository's raw files: fetch the three index.json files.
  if (/\/vuln\/?$/.test(url)) {
    const base = url.replace(/\/?$/, '/');
    const indexes: Partial<Record<NswgKind, unknown>> = {};
    for (const kind of NSWG_KINDS) {
      const u = `${base}${kind}/index.json`;
      try {
        indexes[kind] = parseJson(new TextDecoder().decode(await fetchBytes(u, opts)), u);
      } catch (err) {
        // deps/ is newer than the other two: its absence is not an error
        if (kind === 'deps' && isAppError(err) && err.code === 'ERR_UPSTREAM_HTTP' && err.details?.status === 404) continue;
        throw err;
      }
    }
    return { ...fromNswgIndexes(indexes, url), kind: 'nswg-url' };
  }
  const bytes = await fetchBytes(url, opts);
  if (isSnapshot(bytes)) return decodeSnapshot(Buffer.from(bytes), url);
  if (isZip(bytes)) return readOsvZip(bytes, url);
  return loadJsonDocument(parseJson(new TextDecoder().decode(bytes), url), url);
}

function toSource(loaded: Loaded | AdvisorySource): AdvisorySource {
  if ('byId' in loaded) return loaded;
  const l = loaded;
  return new MemorySource(l.records, {
    kind: l.kind,
    location: l.location,
    sources: [{ kind: l.kind, location: l.location, records: l.records.length }],
    ...(l.warnings.length > 0 && { warnings: l.warnings }),
  }, l.vex);
}

/**
 * Opens an advisory source. `undefined` = the default snapshot in the user cache dir; when it is
 * missing: ERR_SNAPSHOT_MISSING with a hint. Invalid files inside a directory or archive do not
 * fail the open: they are listed in `meta.warnings`.
 */
export async function openAdvisorySource(spec: string | undefined, opts: OpenSourceOptions): Promise<AdvisorySource> {
  if (spec === undefined || spec === '') return loadSnapshot(defaultSnapshotPath(opts));
  return toSource(await loadAdvisories(spec, opts));
}
