/**
 * The Vulnerabilities check's data through nodesec's own audit: every lockfile of the
 * repository (recursively, as osv-scanner walks it) against the advisory source, one entry per
 * alias group (an advisory and its CVE/GHSA aliases count once, as in scorecard).
 */
import type { AdvisorySource } from '../core/osv.ts';
import type { RepoSource, VulnerabilityProvider, Where } from './types.ts';

const LOCKFILES = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lock|package\.json)$/;

/** Writes a source's lockfiles (and package.json files) to a scratch directory, for the audit. */
export async function materializeLockfiles(source: RepoSource): Promise<string> {
  const [{ mkdtemp, mkdir, writeFile }, { tmpdir }, { join, dirname }] = await Promise.all([import('node:fs/promises'), import('node:os'), import('node:path')]);
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-scorecard-'));
  for (const f of await source.listFiles()) {
    if (!LOCKFILES.test(f) || /(^|\/)node_modules\//.test(f)) continue;
    const b = await source.readFile(f);
    if (!b) continue;
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await writeFile(join(dir, f), b);
  }
  return dir;
}

export function auditProvider(dir: string, openSource: () => Promise<AdvisorySource>): VulnerabilityProvider {
  return async () => {
    const [{ findLockfiles }, { auditProject }] = await Promise.all([import('../lockfile/index.ts'), import('../audit/project.ts')]);
    const files = await findLockfiles(dir, { recursive: true });
    if (files.length === 0) return { ids: [] };
    let source: AdvisorySource;
    try {
      source = await openSource();
    } catch (e) {
      return { unavailable: `advisory database unavailable: ${(e as Error).message}` };
    }
    const { result } = await auditProject({ target: dir, cwd: dir, source, recursive: true });
    return groupIds(result.findings.map((f) => {
      const d = f.data as { id?: string; aliases?: string[]; lockfile?: string; line?: number | null } | undefined;
      return { id: d?.id ?? f.ruleId, aliases: d?.aliases ?? [], ...(d?.lockfile && { location: { file: d.lockfile, ...(d.line ? { line: d.line } : {}) } }) };
    }));
  };
}

/** One id per alias group (the first id seen), with where it was found. */
export function groupIds(vulns: readonly { id: string; aliases: readonly string[]; location?: Where }[]): { ids: string[]; locations: Record<string, Where> } {
  const groupOf = new Map<string, string>();
  const ids: string[] = [];
  const locations: Record<string, Where> = {};
  for (const v of vulns) {
    const names = [v.id, ...v.aliases].map((s) => s.toUpperCase());
    const known = names.map((n) => groupOf.get(n)).find(Boolean);
    const id = known ?? v.id;
    if (!known) {
      ids.push(id);
      if (v.location) locations[id] = v.location;
    }
    for (const n of names) groupOf.set(n, id);
  }
  return { ids, locations };
}
