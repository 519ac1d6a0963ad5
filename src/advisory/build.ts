/**
 * Building the advisory snapshot from one or more sources (`db build`, `db sync`).
 *
 * Records with the same id from several sources: the newest `modified` wins (a tie goes to the
 * later source). A source that cannot be read at all fails the build and nothing is written,
 * so a good snapshot is never replaced by a partial one; unusable files inside a source are
 * warnings and the build goes on.
 */
import { AppError } from '../core/errors.ts';
import type { AdvisorySource, OsvRecord, VexStatement } from '../core/osv.ts';
import { loadAdvisories, type OpenSourceOptions } from './source.ts';
import { encodeSnapshot, writeFileAtomic, type SnapshotHeader, readSnapshotHeader } from './snapshot.ts';
import type { Warning } from './readers.ts';

/** Where `db sync` gets advisories when no --from is given (each overridable by env). */
export const DEFAULT_SYNC_SOURCES = {
  nswg: 'https://raw.githubusercontent.com/nodejs/security-wg/main/vuln/',
  osv: 'https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip',
} as const;

/**
 * The sources of `db sync`: NODESEC_SYNC_FROM (whitespace or comma separated, e.g. a hub's
 * `https://hub.example/v1/export/all.zip`) replaces the defaults; else the WG (NODESEC_NSWG_URL)
 * and, unless `osv: false`, OSV's npm export (NODESEC_OSV_URL).
 */
export function syncSources(env: Readonly<Record<string, string | undefined>>, opts: { osv?: boolean } = {}): string[] {
  const from = (env.NODESEC_SYNC_FROM ?? '').split(/[\s,]+/).filter(Boolean);
  if (from.length) return from;
  const list = [env.NODESEC_NSWG_URL || DEFAULT_SYNC_SOURCES.nswg];
  if (opts.osv !== false) list.push(env.NODESEC_OSV_URL || DEFAULT_SYNC_SOURCES.osv);
  return list;
}

export interface BuildResult {
  header: SnapshotHeader;
  bytes: number;
  warnings: Warning[];
}

export interface BuildOptions extends OpenSourceOptions {
  now: Date;
  progress?: (message: string) => void;
}

/** Loads every source, merges, encodes and writes the snapshot atomically to `out`. */
export async function buildSnapshotFile(sources: readonly string[], out: string, opts: BuildOptions): Promise<BuildResult> {
  if (sources.length === 0) throw new AppError('ERR_USAGE', 'no advisory source given', { hint: 'pass --from <source> (repeatable)' });
  const byId = new Map<string, OsvRecord>();
  const vex = new Map<string, VexStatement>();
  const meta: SnapshotHeader['sources'] = [];
  const warnings: Warning[] = [];
  for (const spec of sources) {
    opts.progress?.(`loading ${spec}`);
    const loaded = await loadAdvisories(spec, opts);
    const fetchedAt = opts.now.toISOString();
    let records: Iterable<OsvRecord>;
    let statements: readonly VexStatement[];
    let kind: string;
    if ('byId' in loaded) {
      const src = loaded as AdvisorySource;
      records = src.all();
      statements = src.vexStatements?.() ?? [];
      kind = src.meta.kind;
    } else {
      records = loaded.records;
      statements = loaded.vex;
      kind = loaded.kind;
      warnings.push(...loaded.warnings);
    }
    let n = 0;
    for (const r of records) {
      n++;
      const prev = byId.get(r.id);
      if (!prev || !(prev.modified > r.modified)) byId.set(r.id, r);
    }
    for (const st of statements) vex.set(st.id, st);
    meta.push({ kind, location: spec, records: n, fetchedAt });
  }
  opts.progress?.(`writing ${byId.size} advisories`);
  const bytes = encodeSnapshot({ records: byId.values(), vex: [...vex.values()], sources: meta, builtAt: opts.now });
  await writeFileAtomic(out, bytes);
  return { header: readSnapshotHeader(bytes, out).header, bytes: bytes.length, warnings };
}
