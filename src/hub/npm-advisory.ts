/**
 * OSV record → the advisory objects npm's registry returns from
 * `POST /-/npm/v1/security/advisories/bulk` (read by @npmcli/arborist's audit-report.js and
 * @npmcli/metavuln-calculator): `{ id, url, title, severity, vulnerable_versions, cwe, cvss }`.
 * npm treats `id` as a number; we derive a stable one from the record id unless the record
 * carries an npm advisory id of its own.
 */
import cvss from 'ae-cvss-calculator';
import type { OsvRecord } from '../core/osv.ts';
import { semverRange } from './match.ts';

export type NpmSeverity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

export interface NpmAdvisory {
  id: number;
  url: string;
  title: string;
  severity: NpmSeverity;
  vulnerable_versions: string;
  cwe: string[];
  cvss: { score: number; vectorString: string | null };
}

/** FNV-1a 32-bit, folded into 1..2^31-1: a stable numeric id for a string id. */
export function numericId(id: string): number {
  const m = /^NSWG-ECO-(\d+)$/.exec(id);
  if (m) return Number(m[1]);
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % 2_147_483_646) + 1;
}

export function severityOfScore(score: number): NpmSeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'moderate';
  if (score > 0) return 'low';
  return 'info';
}

const WORDS: Record<string, NpmSeverity> = { critical: 'critical', high: 'high', moderate: 'moderate', medium: 'moderate', low: 'low', info: 'info', none: 'info' };

/** Best CVSS vector and score of a record (v4 over v3 over v2), computed from the vector. */
export function cvssOf(record: OsvRecord): { score: number; vectorString: string | null } {
  const all = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  const order = ['CVSS_V4', 'CVSS_V3', 'CVSS_V2'];
  all.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  for (const s of all) {
    if (!order.includes(s.type)) continue;
    try {
      const scores = (cvss.fromVector(s.score) as { calculateScores(): { base?: number; overall?: number } }).calculateScores();
      const score = scores.base ?? scores.overall;
      if (typeof score === 'number' && Number.isFinite(score)) return { score, vectorString: s.score };
    } catch {
      // an unparsable vector: try the next one
    }
  }
  const ds = record.database_specific;
  const raw = ds?.cvss_score;
  if (typeof raw === 'number' && Number.isFinite(raw)) return { score: raw, vectorString: typeof ds?.cvss_vector === 'string' ? ds.cvss_vector : null };
  return { score: 0, vectorString: null };
}

export function severityOf(record: OsvRecord, c = cvssOf(record)): NpmSeverity {
  const word = record.database_specific?.severity;
  if (typeof word === 'string' && WORDS[word.toLowerCase()]) return WORDS[word.toLowerCase()]!;
  if (c.score > 0) return severityOfScore(c.score);
  // npm's own default when an advisory has no severity
  return 'high';
}

function urlOf(record: OsvRecord, base: string): string {
  const adv = record.references?.find((r) => r.type === 'ADVISORY')?.url;
  return adv ?? `${base.replace(/\/$/, '')}/v1/vulns/${encodeURIComponent(record.id)}`;
}

export function toNpmAdvisory(record: OsvRecord, name: string, baseUrl: string, ecosystem = 'npm'): NpmAdvisory {
  const c = cvssOf(record);
  const cweRaw = record.database_specific?.cwe_ids;
  return {
    id: numericId(record.id),
    url: urlOf(record, baseUrl),
    title: record.summary ?? record.id,
    severity: severityOf(record, c),
    vulnerable_versions: semverRange(record, ecosystem, name),
    cwe: Array.isArray(cweRaw) ? cweRaw.filter((x): x is string => typeof x === 'string') : [],
    cvss: c,
  };
}
