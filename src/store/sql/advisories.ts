/**
 * Published advisories, written once in PostgreSQL SQL. The write path (`applySources`) is
 * shared by ingest, withdrawal and publication: it groups the changed source records with
 * the vulnerabilities their identifiers already answer for (union-find), recomputes each
 * touched vulnerability's served record (sql/merge.ts), and writes everything with a few
 * set-based statements per batch (jsonb_to_recordset), under the feed lock, in the caller's
 * transaction.
 */
import { AppError } from '../../core/errors.ts';
import type { OsvRecord } from '../../core/osv.ts';
import {
  packageKey,
  SYSTEM_ACTOR,
  type Actor,
  type AdvisoryInfo,
  type AdvisoryRepo,
  type Change,
  type ChangeKind,
  type ChangePage,
  type IngestOptions,
  type IngestResult,
  type PackageRef,
  type Queryable,
} from '../types.ts';
import { auditAppend, bulk, lockFeed, type SqlContext } from './context.ts';
import { contentHash, identifiers, mergeSources, stableStringify, UnionFind, type SourceRecord } from './merge.ts';

/** A validated source record ready to write. */
export interface PreparedSource {
  id: string;
  record: OsvRecord;
  idents: string[];
  modifiedMs: number;
  hash: string;
  source: string | null;
}

const MAX_ID = 255;
/** Bounds on one record (untrusted input through the hub's API): far above any real advisory. */
const MAX_ALIASES = 1000;
const MAX_AFFECTED = 10_000;
const DATE = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

function checkDate(v: unknown, field: string): number {
  if (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(v))) throw new Error(`${field} must be an RFC 3339 date, got ${JSON.stringify(v)}`);
  return Date.parse(v);
}

/** Validates the fields the store relies on; throws an Error with a readable message. */
export function prepareSource(value: unknown, source: string | null): PreparedSource {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('record must be a JSON object');
  const r = value as OsvRecord;
  if (typeof r.id !== 'string' || r.id.trim() === '' || r.id.length > MAX_ID || /\s/.test(r.id)) throw new Error(`id must be a non-empty string without spaces (at most ${MAX_ID} characters)`);
  const modifiedMs = checkDate(r.modified, 'modified');
  if (r.published !== undefined) checkDate(r.published, 'published');
  if (r.withdrawn !== undefined) checkDate(r.withdrawn, 'withdrawn');
  if (r.aliases !== undefined && (!Array.isArray(r.aliases) || r.aliases.some((a) => typeof a !== 'string' || a.length > MAX_ID))) throw new Error('aliases must be an array of strings');
  if ((r.aliases?.length ?? 0) > MAX_ALIASES) throw new Error(`at most ${MAX_ALIASES} aliases`);
  if (r.affected !== undefined) {
    if (!Array.isArray(r.affected)) throw new Error('affected must be an array');
    if (r.affected.length > MAX_AFFECTED) throw new Error(`at most ${MAX_AFFECTED} affected entries`);
    r.affected.forEach((a, i) => {
      if (typeof a !== 'object' || a === null) throw new Error(`affected[${i}] must be an object`);
      if (a.package !== undefined && (typeof a.package?.ecosystem !== 'string' || typeof a.package?.name !== 'string')) throw new Error(`affected[${i}].package needs ecosystem and name strings`);
    });
  }
  return { id: r.id, record: r, idents: identifiers(r), modifiedMs, hash: contentHash(r), source };
}

/** `pkg:type/namespace/name@version?q#s` → `pkg:type/namespace/name` (lower-case type). */
export function purlBase(purl: string): string | undefined {
  if (!purl.startsWith('pkg:')) return undefined;
  let rest = purl.slice(4).replace(/^\/+/, '').split('#')[0]!.split('?')[0]!;
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const type = rest.slice(0, slash).toLowerCase();
  rest = rest.slice(slash + 1);
  const at = rest.lastIndexOf('@');
  if (at > 0 && rest.lastIndexOf('/') < at) rest = rest.slice(0, at);
  return rest ? `pkg:${type}/${rest.replace(/\/+$/, '')}` : undefined;
}

const PURL_ECOSYSTEMS: Record<string, string> = {
  npm: 'npm', pypi: 'PyPI', maven: 'Maven', golang: 'Go', cargo: 'crates.io', gem: 'RubyGems',
  nuget: 'NuGet', composer: 'Packagist', hex: 'Hex', pub: 'Pub',
};

/** Ecosystem and name a purl designates, when its type maps to an OSV ecosystem. */
export function purlPackage(purl: string): PackageRef | undefined {
  const base = purlBase(purl);
  if (!base) return undefined;
  const [type, ...parts] = base.slice(4).split('/');
  const ecosystem = PURL_ECOSYSTEMS[type!];
  if (!ecosystem || parts.length === 0) return undefined;
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  if (type === 'github' || ecosystem === undefined) return undefined;
  return { ecosystem, name: ecosystem === 'Maven' ? decoded.join(':') : decoded.join('/') };
}

interface AffectedRow {
  ecosystem: string;
  name: string;
  purl: string | null;
}

function affectedRows(record: OsvRecord): AffectedRow[] {
  const seen = new Map<string, AffectedRow>();
  for (const a of record.affected ?? []) {
    const p = a.package;
    if (!p || typeof p.ecosystem !== 'string' || typeof p.name !== 'string') continue;
    const k = `${p.ecosystem.toLowerCase()}\u0000${p.name}`;
    const purl = typeof p.purl === 'string' ? (purlBase(p.purl) ?? null) : null;
    const prev = seen.get(k);
    if (!prev) seen.set(k, { ecosystem: p.ecosystem.toLowerCase(), name: p.name, purl });
    else if (!prev.purl && purl) prev.purl = purl;
  }
  return [...seen.values()];
}

/**
 * The served record of vulns row `v`. A vulnerability with one source serves it verbatim and
 * stores no copy (`vulns.record` is null): half the bytes on the bulk-ingest path.
 */
export const SERVED = '(coalesce(v.record, (select s.record from vuln_sources s where s.vuln_key = v.key limit 1)))';

export interface ApplyResult {
  inserted: number;
  updated: number;
  merged: number;
  /** Served records after the write, by each written source id. */
  served: Map<string, OsvRecord>;
  changes: { kind: ChangeKind; id: string; into?: string }[];
}

/**
 * Writes changed source records (already classified as new or newer) and everything that
 * follows from them. Must run inside a transaction; takes the feed lock itself.
 */
export async function applySources(tx: Queryable, changed: readonly PreparedSource[], at: Date): Promise<ApplyResult> {
  await lockFeed(tx);
  const result: ApplyResult = { inserted: 0, updated: 0, merged: 0, served: new Map(), changes: [] };
  if (changed.length === 0) return result;

  // 1. Which existing vulnerabilities do the identifiers answer for?
  const allIdents = [...new Set(changed.flatMap((p) => p.idents))];
  const identKey = new Map<string, string>();
  for (let i = 0; i < allIdents.length; i += 10_000) {
    const r = await tx.query<{ id: string; k: string }>('select id, vuln_key::text as k from vuln_ids where id = any($1::text[])', [allIdents.slice(i, i + 10_000)]);
    for (const row of r.rows) identKey.set(row.id, row.k);
  }

  // 2. Group: records sharing an identifier, and records with the vulnerabilities they hit.
  const uf = new UnionFind();
  const identOwner = new Map<string, string>();
  for (const p of changed) {
    const node = `r:${p.id}`;
    uf.find(node);
    for (const ident of p.idents) {
      const k = identKey.get(ident);
      if (k !== undefined) uf.union(node, `v:${k}`);
      const owner = identOwner.get(ident);
      if (owner !== undefined) uf.union(node, owner);
      else identOwner.set(ident, node);
    }
  }
  const groups = new Map<string, { records: PreparedSource[]; keys: Set<string> }>();
  for (const p of changed) {
    const root = uf.find(`r:${p.id}`);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { records: [], keys: new Set() }));
    g.records.push(p);
    for (const ident of p.idents) {
      const k = identKey.get(ident);
      if (k !== undefined) g.keys.add(k);
    }
  }

  // 3. Load the touched vulnerabilities' sources and served records.
  const touched = [...new Set([...groups.values()].flatMap((g) => [...g.keys]))];
  const sourcesByKey = new Map<string, SourceRecord[]>();
  const current = new Map<string, { id: string; record: OsvRecord; withdrawn: boolean }>();
  for (let i = 0; i < touched.length; i += 5000) {
    const keys = touched.slice(i, i + 5000);
    const s = await tx.query<{ id: string; k: string; ord: string; record: OsvRecord }>(
      'select id, vuln_key::text as k, ord::text as ord, record from vuln_sources where vuln_key = any($1::bigint[])', [keys]);
    for (const row of s.rows) {
      let list = sourcesByKey.get(row.k);
      if (!list) sourcesByKey.set(row.k, (list = []));
      list.push({ id: row.id, ord: Number(row.ord), record: row.record });
    }
    const v = await tx.query<{ k: string; id: string; record: OsvRecord; withdrawn: boolean }>(
      `select v.key::text as k, v.id, ${SERVED} as record, v.withdrawn from vulns v where v.key = any($1::bigint[])`, [keys]);
    for (const row of v.rows) current.set(row.k, row);
  }

  // 4. Plan.
  interface Planned { key?: string; tmp: number; served: OsvRecord; single: boolean; affected: AffectedRow[]; kind: ChangeKind; sourceIds: string[] }
  const inserts: Planned[] = [];
  const updates: Planned[] = [];
  const folds: { folded: string; into: string; foldedId: string }[] = [];
  const sourceRows: { id: string; tmp: number; key: string | null; record: OsvRecord; modified: string; hash: string; source: string | null; withdrawn: boolean }[] = [];
  const idRows: { id: string; tmp: number; key: string | null }[] = [];
  let tmp = 0;
  let nextOrd = Number.MAX_SAFE_INTEGER - changed.length - 1;
  for (const g of groups.values()) {
    const keys = [...g.keys].sort((a, b) => Number(a) - Number(b));
    const survivor = keys[0];
    const sources = new Map<string, SourceRecord>();
    for (const k of keys) for (const s of sourcesByKey.get(k) ?? []) sources.set(s.id, s);
    for (const p of g.records) {
      const prev = sources.get(p.id);
      sources.set(p.id, { id: p.id, ord: prev?.ord ?? nextOrd++, record: p.record });
    }
    const served = mergeSources([...sources.values()]);
    const t = tmp++;
    const plan: Planned = { tmp: t, served, single: sources.size === 1, affected: affectedRows(served), kind: 'insert', sourceIds: g.records.map((p) => p.id) };
    if (survivor === undefined) {
      inserts.push(plan);
      result.inserted++;
      result.changes.push({ kind: 'insert', id: served.id });
    } else {
      plan.key = survivor;
      const cur = current.get(survivor);
      const folded = keys.slice(1);
      for (const f of folded) {
        const fid = current.get(f)?.id ?? `#${f}`;
        folds.push({ folded: f, into: survivor, foldedId: fid });
        result.changes.push({ kind: 'merge', id: fid, into: served.id });
      }
      result.merged += folded.length;
      const same = cur !== undefined && folded.length === 0 && stableStringify(cur.record) === stableStringify(served);
      if (!same) {
        plan.kind = served.withdrawn !== undefined && !cur?.withdrawn ? 'withdraw' : 'update';
        updates.push(plan);
        result.updated++;
        result.changes.push({ kind: plan.kind, id: served.id });
      }
    }
    for (const p of g.records) {
      sourceRows.push({
        id: p.id, tmp: t, key: survivor ?? null, record: p.record, modified: new Date(p.modifiedMs).toISOString(),
        hash: p.hash, source: p.source, withdrawn: p.record.withdrawn !== undefined,
      });
      for (const ident of p.idents) if (identKey.get(ident) !== survivor || survivor === undefined) idRows.push({ id: ident, tmp: t, key: survivor ?? null });
      result.served.set(p.id, served);
    }
  }

  // 5. Write. Order matters: folds first (ids move to the survivor and the folded rows go),
  // then new rows (their keys resolve the `tmp` references), then updates and children.
  if (folds.length) {
    await bulk(tx, `update vuln_ids set vuln_key = m.into from jsonb_to_recordset($1::jsonb) as m(folded bigint, "into" bigint) where vuln_ids.vuln_key = m.folded`, folds);
    await bulk(tx, `update vuln_sources set vuln_key = m.into from jsonb_to_recordset($1::jsonb) as m(folded bigint, "into" bigint) where vuln_sources.vuln_key = m.folded`, folds);
    await tx.query('delete from vulns where key = any($1::bigint[])', [folds.map((f) => f.folded)]);
  }
  const keyOfTmp = new Map<number, string>();
  if (inserts.length) {
    const rows = await bulk<{ k: string; id: string }>(tx,
      `insert into vulns (id, record, modified, withdrawn, created_at, updated_at)
       select x.id, x.record, x.modified, x.withdrawn, $2::timestamptz, $2::timestamptz
         from jsonb_to_recordset($1::jsonb) as x(id text, record jsonb, modified timestamptz, withdrawn boolean)
       returning key::text as k, id`,
      inserts.map((p) => ({ id: p.served.id, record: p.single ? null : p.served, modified: isoOf(p.served.modified), withdrawn: p.served.withdrawn !== undefined })),
      [at], 1000);
    const byId = new Map(rows.map((r) => [r.id, r.k]));
    for (const p of inserts) {
      const k = byId.get(p.served.id);
      if (k === undefined) throw new Error(`insert of ${p.served.id} returned no key`);
      p.key = k;
      keyOfTmp.set(p.tmp, k);
    }
  }
  const resolve = (key: string | null, t: number): string => key ?? keyOfTmp.get(t)!;
  if (updates.length) {
    await bulk(tx,
      `update vulns set id = x.id, record = x.record, modified = x.modified, withdrawn = x.withdrawn, updated_at = $2::timestamptz
         from jsonb_to_recordset($1::jsonb) as x(key bigint, id text, record jsonb, modified timestamptz, withdrawn boolean)
        where vulns.key = x.key`,
      updates.map((p) => ({ key: p.key, id: p.served.id, record: p.single ? null : p.served, modified: isoOf(p.served.modified), withdrawn: p.served.withdrawn !== undefined })),
      [at], 1000);
  }
  await bulk(tx,
    `insert into vuln_sources (id, vuln_key, record, modified, hash, source, withdrawn)
     select x.id, x.key, x.record, x.modified, x.hash, x.source, x.withdrawn
       from jsonb_to_recordset($1::jsonb) as x(id text, key bigint, record jsonb, modified timestamptz, hash text, source text, withdrawn boolean)
     on conflict (id) do update set vuln_key = excluded.vuln_key, record = excluded.record, modified = excluded.modified,
       hash = excluded.hash, source = excluded.source, withdrawn = excluded.withdrawn`,
    sourceRows.map((s) => ({ id: s.id, key: resolve(s.key, s.tmp), record: s.record, modified: s.modified, hash: s.hash, source: s.source, withdrawn: s.withdrawn })),
    [], 1000);
  if (idRows.length) {
    const seen = new Set<string>();
    const rows = idRows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
    await bulk(tx,
      `insert into vuln_ids (id, vuln_key) select x.id, x.key from jsonb_to_recordset($1::jsonb) as x(id text, key bigint)
       on conflict (id) do update set vuln_key = excluded.vuln_key where vuln_ids.vuln_key <> excluded.vuln_key`,
      rows.map((r) => ({ id: r.id, key: resolve(r.key, r.tmp) })), [], 5000);
  }
  const rewritten = [...inserts, ...updates];
  if (updates.length) await tx.query('delete from vuln_affected where vuln_key = any($1::bigint[])', [updates.map((p) => p.key)]);
  const affected = rewritten.flatMap((p) => p.affected.map((a) => ({ key: p.key, ...a })));
  if (affected.length) {
    await bulk(tx,
      `insert into vuln_affected (vuln_key, ecosystem, name, purl)
       select x.key, x.ecosystem, x.name, x.purl from jsonb_to_recordset($1::jsonb) as x(key bigint, ecosystem text, name text, purl text)`,
      affected, [], 5000);
  }
  const changeRows = [
    ...folds.map((f) => ({ kind: 'merge', key: f.folded, id: f.foldedId, into_id: servedIdOfKey(rewritten, f.into), modified: isoOf(servedOfKey(rewritten, f.into)?.modified) })),
    ...rewritten.map((p) => ({ kind: p.kind, key: p.key, id: p.served.id, into_id: null, modified: isoOf(p.served.modified) })),
  ];
  if (changeRows.length) {
    await bulk(tx,
      `insert into changes (kind, vuln_key, id, into_id, modified, at)
       select x.kind, x.key, x.id, x.into_id, x.modified, $2::timestamptz
         from jsonb_to_recordset($1::jsonb) as x(kind text, key bigint, id text, into_id text, modified timestamptz)`,
      changeRows, [at], 5000);
  }
  return result;
}

function servedOfKey(planned: readonly { key?: string; served: OsvRecord }[], key: string): OsvRecord | undefined {
  return planned.find((p) => p.key === key)?.served;
}

function servedIdOfKey(planned: readonly { key?: string; served: OsvRecord }[], key: string): string | null {
  return servedOfKey(planned, key)?.id ?? null;
}

function isoOf(date: string | undefined): string {
  const t = date === undefined ? NaN : Date.parse(date);
  return Number.isNaN(t) ? new Date(0).toISOString() : new Date(t).toISOString();
}

const ROW_LIMIT = 10_000;

function clampLimit(limit: number | undefined, dflt: number, max: number): number {
  if (limit === undefined) return dflt;
  if (!Number.isInteger(limit) || limit < 1) throw new AppError('ERR_HUB_VALIDATION', `limit must be a positive integer, got ${limit}`);
  return Math.min(limit, max);
}

function parseCursor(cursor: number | string): string {
  const s = String(cursor);
  if (!/^\d{1,19}$/.test(s)) throw new AppError('ERR_HUB_VALIDATION', `invalid change cursor ${JSON.stringify(s)}`, { hint: 'use 0 or a seq from an earlier answer' });
  return s;
}

export function createAdvisoryRepo(ctx: SqlContext): AdvisoryRepo {
  const { driver } = ctx;

  async function ingest(records: readonly OsvRecord[], options: IngestOptions = {}): Promise<IngestResult> {
    const actor = options.actor ?? SYSTEM_ACTOR;
    const source = options.source ?? null;
    const rejected: IngestResult['rejected'] = [];
    let stale = 0;
    // Validate; within the batch the newest `modified` of an id wins (the later one on a tie).
    const byId = new Map<string, PreparedSource>();
    records.forEach((r, index) => {
      try {
        const p = prepareSource(r, source);
        const prev = byId.get(p.id);
        if (prev && prev.modifiedMs > p.modifiedMs) stale++;
        else {
          if (prev) stale++;
          byId.set(p.id, p);
        }
      } catch (err) {
        const id = typeof (r as { id?: unknown })?.id === 'string' ? (r as { id: string }).id : undefined;
        rejected.push({ index, ...(id !== undefined && { id }), message: (err as Error).message });
      }
    });
    const batch = [...byId.values()];
    return driver.transaction(async (tx) => {
      await lockFeed(tx);
      const existing = new Map<string, { hash: string; ms: number }>();
      for (let i = 0; i < batch.length; i += ROW_LIMIT) {
        const r = await tx.query<{ id: string; hash: string; ms: number }>(
          'select id, hash, floor(extract(epoch from modified) * 1000)::float8 as ms from vuln_sources where id = any($1::text[])',
          [batch.slice(i, i + ROW_LIMIT).map((p) => p.id)]);
        for (const row of r.rows) existing.set(row.id, { hash: row.hash, ms: Number(row.ms) });
      }
      let unchanged = 0;
      const changed: PreparedSource[] = [];
      for (const p of batch) {
        const ex = existing.get(p.id);
        if (!ex) changed.push(p);
        else if (ex.ms > p.modifiedMs) stale++;
        else if (ex.hash === p.hash) unchanged++;
        else changed.push(p);
      }
      const at = ctx.now();
      const applied = await applySources(tx, changed, at);
      if (applied.changes.length) {
        await auditAppend(tx, actor, 'advisory.ingest', source ? `advisories:${source}` : 'advisories', {
          inserted: applied.inserted, updated: applied.updated, merged: applied.merged, unchanged, stale, rejected: rejected.length,
          changes: applied.changes,
        }, at);
      }
      const cursor = await tx.query<{ c: string }>('select coalesce(max(seq), 0)::text as c from changes');
      return { inserted: applied.inserted, updated: applied.updated, unchanged, stale, merged: applied.merged, rejected, cursor: cursor.rows[0]!.c };
    });
  }

  async function get(idOrAlias: string): Promise<OsvRecord | undefined> {
    const r = await driver.query<{ record: OsvRecord }>(
      `select ${SERVED} as record from vuln_ids i join vulns v on v.key = i.vuln_key where i.id = $1`, [idOrAlias]);
    return r.rows[0]?.record;
  }

  async function byKeys(keys: readonly PackageRef[], includeWithdrawn: boolean): Promise<Map<string, OsvRecord[]>> {
    const out = new Map<string, OsvRecord[]>();
    for (const k of keys) out.set(packageKey(k.ecosystem, k.name), []);
    const uniq = [...new Map(keys.map((k) => [packageKey(k.ecosystem, k.name), k])).values()];
    for (let i = 0; i < uniq.length; i += 1000) {
      const part = uniq.slice(i, i + 1000);
      const r = await driver.query<{ e: string; n: string; record: OsvRecord }>(
        `select a.ecosystem as e, a.name as n, ${SERVED} as record
           from unnest($1::text[], $2::text[]) as k(e, n)
           join vuln_affected a on a.ecosystem = k.e and a.name = k.n
           join vulns v on v.key = a.vuln_key
          where $3::boolean or not v.withdrawn
          order by v.id`,
        [part.map((k) => k.ecosystem.toLowerCase()), part.map((k) => k.name), includeWithdrawn]);
      for (const row of r.rows) out.get(packageKey(row.e, row.n))?.push(row.record);
    }
    return out;
  }

  return {
    ingest,

    async upsert(record, options) {
      const r = await ingest([record], options);
      const bad = r.rejected[0];
      if (bad) throw new AppError('ERR_ADVISORY_INVALID', `advisory ${bad.id ?? ''} is invalid: ${bad.message}`.replace('  ', ' '));
      const served = await get(record.id);
      if (!served) throw new AppError('ERR_INTERNAL', `advisory ${record.id} vanished after upsert`);
      return served;
    },

    get,

    async getMany(ids) {
      const out = new Map<string, OsvRecord>();
      for (let i = 0; i < ids.length; i += ROW_LIMIT) {
        const r = await driver.query<{ asked: string; record: OsvRecord }>(
          `select i.id as asked, ${SERVED} as record from vuln_ids i join vulns v on v.key = i.vuln_key where i.id = any($1::text[])`,
          [ids.slice(i, i + ROW_LIMIT)]);
        for (const row of r.rows) out.set(row.asked, row.record);
      }
      return out;
    },

    async info(idOrAlias): Promise<AdvisoryInfo | undefined> {
      const v = await driver.query<{ k: string; id: string; withdrawn: boolean; created_at: Date; updated_at: Date }>(
        'select v.key::text as k, v.id, v.withdrawn, v.created_at, v.updated_at from vuln_ids i join vulns v on v.key = i.vuln_key where i.id = $1',
        [idOrAlias]);
      const row = v.rows[0];
      if (!row) return undefined;
      const [ids, sources, seq] = [
        await driver.query<{ id: string }>('select id from vuln_ids where vuln_key = $1::bigint order by id', [row.k]),
        await driver.query<{ id: string; modified: Date; source: string | null; withdrawn: boolean }>(
          'select id, modified, source, withdrawn from vuln_sources where vuln_key = $1::bigint order by ord', [row.k]),
        await driver.query<{ s: string }>('select coalesce(max(seq), 0)::text as s from changes where vuln_key = $1::bigint', [row.k]),
      ];
      return {
        id: row.id,
        ids: ids.rows.map((r) => r.id),
        sources: sources.rows.map((s) => ({ id: s.id, modified: new Date(s.modified).toISOString(), source: s.source, withdrawn: s.withdrawn })),
        withdrawn: row.withdrawn,
        lastSeq: seq.rows[0]!.s,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      };
    },

    async byPackage(ecosystem, name, options = {}) {
      const m = await byKeys([{ ecosystem, name }], options.includeWithdrawn ?? true);
      return m.get(packageKey(ecosystem, name)) ?? [];
    },

    byPackages(keys, options = {}) {
      return byKeys(keys, options.includeWithdrawn ?? true);
    },

    async byPurl(purl, options = {}) {
      const base = purlBase(purl);
      if (!base) throw new AppError('ERR_HUB_VALIDATION', `invalid purl ${JSON.stringify(purl)}`, { hint: 'use the form pkg:npm/name@version or pkg:npm/%40scope/name' });
      const pkg = purlPackage(purl);
      const r = await driver.query<{ record: OsvRecord }>(
        `select ${SERVED} as record from vulns v
          where ($4::boolean or not v.withdrawn)
            and v.key in (select a.vuln_key from vuln_affected a
                           where (a.ecosystem = $1 and a.name = $2) or a.purl = $3)
          order by v.id`,
        [pkg?.ecosystem.toLowerCase() ?? null, pkg?.name ?? null, base, options.includeWithdrawn ?? true]);
      return r.rows.map((x) => x.record);
    },

    async changesSince(cursor, limit): Promise<ChangePage> {
      const from = parseCursor(cursor);
      const n = clampLimit(limit, 1000, ROW_LIMIT);
      const r = await driver.query<{ seq: string; kind: ChangeKind; id: string; into_id: string | null; modified: Date; at: Date }>(
        'select seq::text as seq, kind, id, into_id, modified, at from changes where changes.seq > $1::bigint order by changes.seq limit $2',
        [from, n + 1]);
      const more = r.rows.length > n;
      const changes: Change[] = r.rows.slice(0, n).map((row) => ({
        seq: row.seq, kind: row.kind, id: row.id, ...(row.into_id !== null && { into: row.into_id }),
        modified: new Date(row.modified).toISOString(), at: row.at,
      }));
      return { changes, next: changes.at(-1)?.seq ?? from, more };
    },

    async cursor() {
      const r = await driver.query<{ c: string }>('select coalesce(max(seq), 0)::text as c from changes');
      return r.rows[0]!.c;
    },

    async withdraw(idOrAlias, reason, actor: Actor) {
      if (typeof reason !== 'string' || reason.trim() === '') throw new AppError('ERR_HUB_VALIDATION', 'a withdrawal needs a reason');
      return driver.transaction(async (tx) => {
        await lockFeed(tx);
        const v = await tx.query<{ k: string; id: string; withdrawn: boolean }>(
          'select v.key::text as k, v.id, v.withdrawn from vuln_ids i join vulns v on v.key = i.vuln_key where i.id = $1 for update of v', [idOrAlias]);
        const row = v.rows[0];
        if (!row) throw new AppError('ERR_HUB_NOT_FOUND', `no advisory ${idOrAlias}`);
        if (row.withdrawn) throw new AppError('ERR_HUB_CONFLICT', `advisory ${row.id} is already withdrawn`);
        const at = ctx.now();
        const iso = at.toISOString();
        const sources = await tx.query<{ record: OsvRecord; source: string | null }>('select record, source from vuln_sources where vuln_key = $1::bigint order by ord', [row.k]);
        const changed = sources.rows.map(({ record, source }) => {
          const ds = (record.database_specific ?? {}) as Record<string, unknown>;
          const ns = (typeof ds.nodesec === 'object' && ds.nodesec !== null ? ds.nodesec : {}) as Record<string, unknown>;
          const next: OsvRecord = { ...record, modified: iso, withdrawn: record.withdrawn ?? iso, database_specific: { ...ds, nodesec: { ...ns, withdrawn_reason: reason } } };
          return prepareSource(next, source);
        });
        const applied = await applySources(tx, changed, at);
        const served = applied.served.get(changed[0]!.id)!;
        await auditAppend(tx, actor, 'advisory.withdraw', `advisory:${row.id}`, { before: { withdrawn: null }, after: { withdrawn: served.withdrawn, reason } }, at);
        return served;
      });
    },

    async *exportAll(options = {}) {
      const size = clampLimit(options.pageSize, 500, ROW_LIMIT);
      const includeWithdrawn = options.includeWithdrawn ?? true;
      let after = '';
      for (;;) {
        const r = await driver.query<{ id: string; record: OsvRecord }>(
          `select v.id, ${SERVED} as record from vulns v where v.id > $1 and ($2::boolean or not v.withdrawn) order by v.id limit $3`, [after, includeWithdrawn, size]);
        for (const row of r.rows) yield row.record;
        if (r.rows.length < size) return;
        after = r.rows.at(-1)!.id;
      }
    },

    async count(options = {}) {
      const r = await driver.query<{ n: number }>('select count(*)::int as n from vulns where $1::boolean or not withdrawn', [options.includeWithdrawn ?? true]);
      return r.rows[0]!.n;
    },
  };
}
