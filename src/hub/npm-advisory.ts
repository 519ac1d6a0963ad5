/**
 * OSV record → the advisory objects npm's registry returns from
 * `POST /-/npm/v1/security/advisories/bulk` (read by @npmcli/arborist's audit-report.js and
 * @npmcli/metavuln-calculator): `{ id, url, title, severity, vulnerable_versions, cwe, cvss }`.
 * npm treats `id` as a number: the WG number for `NSWG-ECO-<n>`, else a stable hash of the id.
 */
import type { OsvRecord } from '../core/osv.ts';
import type { Severity } from '../core/finding.ts';
import { advisorySeverity } from '../advisory/index.ts';
import { semverRange } from './match.ts';

/** npm's severity words are ours (core/finding.ts). */
export type NpmSeverity = Severity;

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

/**
 * Severity and CVSS the way `nodesec audit` sees them (advisorySeverity: the best CVSS score,
 * else the GHSA-style label); npm's own default `high` when the record says nothing.
 */
export function severityOf(record: OsvRecord): { severity: NpmSeverity; cvss: { score: number; vectorString: string | null } } {
  const s = advisorySeverity(record);
  return { severity: s?.severity ?? 'high', cvss: { score: s?.score ?? 0, vectorString: s?.vector ?? null } };
}

function urlOf(record: OsvRecord, base: string): string {
  const adv = record.references?.find((r) => r.type === 'ADVISORY')?.url;
  return adv ?? `${base.replace(/\/$/, '')}/v1/vulns/${encodeURIComponent(record.id)}`;
}

export function toNpmAdvisory(record: OsvRecord, name: string, baseUrl: string, ecosystem = 'npm'): NpmAdvisory {
  const { severity, cvss } = severityOf(record);
  const cweRaw = record.database_specific?.cwe_ids;
  return {
    id: numericId(record.id),
    url: urlOf(record, baseUrl),
    title: record.summary ?? record.id,
    severity,
    vulnerable_versions: semverRange(record, ecosystem, name),
    cwe: Array.isArray(cweRaw) ? cweRaw.filter((x): x is string => typeof x === 'string') : [],
    cvss,
  };
}
