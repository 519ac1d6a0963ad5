/**
 * Raw data of Vulnerabilities (checks/raw/vulnerabilities.go): the known vulnerabilities of the
 * repository's dependencies, one per alias group. Scorecard runs osv-scanner against OSV.dev;
 * nodesec answers offline with its own audit through a `VulnerabilityProvider`. Without one the
 * check is inconclusive and says why.
 */
import type { CollectContext, RepoSource, Where } from '../types.ts';

export interface VulnerabilitiesRaw {
  ids: string[];
  locations: Record<string, Where>;
  unavailable?: string;
}

export async function collectVulnerabilities(source: RepoSource, ctx: CollectContext): Promise<VulnerabilitiesRaw> {
  if (!ctx.vulnerabilities) {
    return { ids: [], locations: {}, unavailable: 'no advisory database given (use --db <snapshot|dir|url>) so dependencies were not audited' };
  }
  const r = await ctx.vulnerabilities(source, ctx.signal ? { signal: ctx.signal } : {});
  if ('unavailable' in r) return { ids: [], locations: {}, unavailable: r.unavailable };
  return { ids: [...new Set(r.ids)].sort(), locations: r.locations ?? {} };
}
