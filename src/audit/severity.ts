/**
 * Severity, CVSS and URL of an advisory record, whatever database it came from.
 *
 * Severity, first found wins: the WG core label (`database_specific.nswg.severity` on an affected
 * entry), a GHSA-style label (`database_specific.severity`), the CVSS base score bucketed as NVD
 * does (a CVSS vector in `severity[]` of the record or an affected entry, else a numeric
 * `database_specific.cvss_score`). With none of these (or the WG's "unknown"), the severity is
 * `moderate` and `severityKnown` is false: an unrated vulnerability is never silently `low`.
 */
import { scoreCvss } from '../advisory/cvss.ts';
import { parseSeverity, severityFromScore, type Severity } from '../core/finding.ts';
import type { OsvRecord, OsvSeverity } from '../core/osv.ts';

export interface Cvss {
  version: string;
  vector: string;
  score: number;
}

/** What every vulnerability finding says about its advisory (audit and node findings extend it). */
export interface AdvisoryFacts {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  /** False when no database rates it (reported as moderate). */
  severityKnown: boolean;
  cvss: Cvss | null;
  url: string | null;
}

export interface RatedSeverity {
  severity: Severity;
  severityKnown: boolean;
  cvss?: Cvss;
}

const cvssCache = new Map<string, Cvss | null>();

/** Base score of a CVSS vector (v2, v3.0, v3.1, v4.0), or undefined when it is not valid. Cached. */
export function cvssFromVector(vector: string): Cvss | undefined {
  let c = cvssCache.get(vector);
  if (c === undefined) {
    const s = scoreCvss(vector.trim());
    c = s ? { version: s.version, vector: s.vector, score: s.score } : null;
    cvssCache.set(vector, c);
  }
  return c ?? undefined;
}

function fromSeverityList(list: readonly OsvSeverity[] | undefined): Cvss | undefined {
  if (!list) return undefined;
  // Prefer the newest CVSS version given.
  const order = ['CVSS_V4', 'CVSS_V3', 'CVSS_V2'];
  const sorted = [...list].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  for (const s of sorted) {
    if (!s.type.startsWith('CVSS')) continue;
    const c = cvssFromVector(s.score);
    if (c) return c;
  }
  return undefined;
}

const rated = new WeakMap<OsvRecord, RatedSeverity>();

/** The severity of a record (cached per record object). */
export function rateRecord(r: OsvRecord): RatedSeverity {
  let x = rated.get(r);
  if (!x) rated.set(r, (x = rate(r)));
  return x;
}

function rate(r: OsvRecord): RatedSeverity {
  let label: Severity | undefined;
  for (const a of r.affected ?? []) {
    const n = a.database_specific?.nswg as { severity?: unknown } | undefined;
    if (n && typeof n.severity === 'string') label ??= parseSeverity(n.severity);
  }
  const ds = r.database_specific ?? {};
  if (!label && typeof ds.severity === 'string') label = parseSeverity(ds.severity);
  let cvss = fromSeverityList(r.severity);
  for (const a of r.affected ?? []) cvss ??= fromSeverityList(a.severity);
  if (!cvss && typeof ds.cvss_vector === 'string') cvss = cvssFromVector(ds.cvss_vector);
  const nswg = ds.nswg as Record<string, unknown> | undefined;
  if (!cvss && nswg && typeof nswg.cvss_vector === 'string') cvss = cvssFromVector(nswg.cvss_vector);
  let score = cvss?.score;
  if (score === undefined) {
    const s = ds.cvss_score ?? nswg?.cvss_score;
    if (typeof s === 'number' && Number.isFinite(s)) score = s;
  }
  if (label) return { severity: label, severityKnown: true, ...(cvss && { cvss }) };
  if (score !== undefined && score > 0) return { severity: severityFromScore(score), severityKnown: true, ...(cvss ? { cvss } : {}) };
  return { severity: 'moderate', severityKnown: false, ...(cvss && { cvss }) };
}

/** The most useful link: an ADVISORY reference, else the first reference, else the OSV page of GHSA ids. */
export function recordUrl(r: OsvRecord): string | undefined {
  const refs = r.references ?? [];
  const adv = refs.find((x) => x.type === 'ADVISORY') ?? refs.find((x) => x.type === 'WEB') ?? refs[0];
  if (adv) return adv.url;
  if (/^GHSA-/i.test(r.id)) return `https://github.com/advisories/${r.id}`;
  return undefined;
}
