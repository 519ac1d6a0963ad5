/**
 * Version matching for hub queries, and the npm `vulnerable_versions` of a record.
 */
import semver from 'semver';
import type { OsvAffected, OsvRecord } from '../core/osv.ts';
import { compileAffected, parseVersion, wgRanges } from '../audit/match.ts';
import { osvToSemverRange } from '../advisory/index.ts';

export function samePackage(a: OsvAffected, ecosystem: string, name: string): boolean {
  const p = a.package;
  return !!p && p.name === name && p.ecosystem.toLowerCase() === ecosystem.toLowerCase();
}

/**
 * Is `version` of `ecosystem/name` affected by `record`? Without a version: does the record
 * name the package at all? Uses the audit's matcher (src/audit/match.ts), so the hub and
 * `nodesec audit` agree on every range, WG oddities included. A version that is not semver
 * matches only an exact entry of `versions`.
 */
export function affects(record: OsvRecord, ecosystem: string, name: string, version: string | undefined): boolean {
  const v = version === undefined ? undefined : parseVersion(version);
  for (const a of record.affected ?? []) {
    if (!samePackage(a, ecosystem, name)) continue;
    if (version === undefined) return true;
    if (v ? compileAffected(a)(v) : a.versions?.includes(version)) return true;
  }
  return false;
}

/**
 * The vulnerable range of `name` in `record` as one npm range (`vulnerable_versions`): per
 * affected entry, the WG's own `vulnerable_versions` when it alone says what is vulnerable (no
 * usable patched range, or no OSV events to say better), else the entry's OSV ranges
 * (osvToSemverRange: `>=1.0.0 <1.4.2 || =0.9.9-beta.1`); entries joined with ` || `.
 */
export function semverRange(record: OsvRecord, ecosystem: string, name: string): string {
  const parts: string[] = [];
  for (const a of record.affected ?? []) {
    if (!samePackage(a, ecosystem, name)) continue;
    const wg = wgRanges(a);
    if (wg && semver.validRange(wg.vulnerable) && (!wg.patched || !semver.validRange(wg.patched) || !a.ranges?.length)) {
      parts.push(wg.vulnerable.trim());
    } else {
      parts.push(osvToSemverRange(a));
    }
  }
  if (parts.length === 0 || parts.includes('*')) return '*';
  return parts.join(' || ');
}
