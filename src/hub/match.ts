/**
 * Version matching for hub queries, and the npm `vulnerable_versions` of a record.
 */
import semver from 'semver';
import type { OsvAffected, OsvRecord } from '../core/osv.ts';
import { compileAffected, parseVersion, wgRanges } from '../audit/match.ts';

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
 * The vulnerable range of `name` in `record` as one semver range string (npm's
 * `vulnerable_versions`): each range becomes `>=introduced <fixed` (or `<=last_affected`),
 * explicit versions are listed, and the parts are joined with ` || `. `*` when unbounded.
 */
export function semverRange(record: OsvRecord, ecosystem: string, name: string): string {
  const parts: string[] = [];
  for (const a of record.affected ?? []) {
    if (!samePackage(a, ecosystem, name)) continue;
    // The WG's own range, when it alone says what is vulnerable (no usable patched range, or
    // no OSV events to say better).
    const wg = wgRanges(a);
    if (wg && semver.validRange(wg.vulnerable) && (!wg.patched || !semver.validRange(wg.patched) || !a.ranges?.length)) {
      parts.push(wg.vulnerable.trim());
      continue;
    }
    for (const r of a.ranges ?? []) {
      if (r.type === 'GIT') continue;
      let lower: string | undefined;
      const flush = (upper?: string) => {
        const lo = lower === undefined || lower === '0' ? '' : `>=${lower}`;
        const s = [lo, upper ?? ''].filter(Boolean).join(' ');
        parts.push(s || '*');
        lower = undefined;
      };
      let open = false;
      for (const e of r.events) {
        if ('introduced' in e) {
          if (open) flush();
          lower = e.introduced;
          open = true;
        } else if ('fixed' in e) {
          flush(`<${e.fixed}`);
          open = false;
        } else if ('last_affected' in e) {
          flush(`<=${e.last_affected}`);
          open = false;
        } else if ('limit' in e) {
          flush(`<${e.limit}`);
          open = false;
        }
      }
      if (open) flush();
    }
    for (const v of a.versions ?? []) if (!parts.includes(v)) parts.push(v);
  }
  if (parts.length === 0 || parts.includes('*')) return '*';
  return parts.join(' || ');
}
