import { collectPinnedDependencies } from '../raw/pinned-dependencies.ts';
import { isGitHubOwnedAction } from '../raw/fileparser.ts';
import { pinsDependencies } from '../probes/pinsDependencies.ts';
import { assertProbes, defineCheck, INCONCLUSIVE, MAX, proportionalWeighted, type Detail } from '../types.ts';

const GITHUB_OWNED_WEIGHT = 2;
const THIRD_PARTY_WEIGHT = 8;
const NORMAL_WEIGHT = GITHUB_OWNED_WEIGHT + THIRD_PARTY_WEIGHT;

/**
 * checks/evaluation/pinned_dependencies.go: pinned/total per ecosystem, every ecosystem weighted
 * 10, except GitHub Actions which split into GitHub-owned (2) and third-party (8) when both are
 * present; combined by checker.CreateProportionalScoreWeighted (counts times weights, floored).
 */
export const pinnedDependencies = defineCheck({
  name: 'Pinned-Dependencies',
  risk: 'Medium',
  short: 'Determines if the project has declared and pinned the dependencies of its build process.',
  probes: [pinsDependencies],
  collect: (source) => collectPinnedDependencies(source),
  evaluate(findings) {
    assertProbes(findings, [pinsDependencies.id]);
    const details: Detail[] = [];
    const gh = { pinned: 0, total: 0 };
    const third = { pinned: 0, total: 0 };
    const byType = new Map<string, { pinned: number; total: number }>();
    for (const f of findings) {
      if (f.outcome === 'not-applicable') return { score: INCONCLUSIVE, reason: 'no dependencies found', details };
      if (f.outcome === 'error' || f.outcome === 'not-supported') {
        details.push({ level: 'info', text: f.message, probe: f.probe, ...(f.location && { location: f.location }) });
        continue;
      }
      // A finding without a dependency type stands for "nothing left" (every finding excepted).
      if (!f.values?.dependencyType) continue;
      if (f.outcome === 'false') details.push({ level: 'warn', text: f.message, probe: f.probe, ...(f.location && { location: f.location }), remediation: pinsDependencies.remediation.text });
      const type = f.values?.dependencyType ?? '';
      const bucket = type === 'GitHubAction' ? (isGitHubOwnedAction(f.location?.snippet ?? '') ? gh : third) : byType.get(type) ?? byType.set(type, { pinned: 0, total: 0 }).get(type)!;
      bucket.total++;
      if (f.outcome === 'true') bucket.pinned++;
    }
    const groups: { success: number; total: number; weight: number }[] = [];
    const info = (p: { pinned: number; total: number }, name: string) =>
      details.push({ level: 'info', text: `${String(p.pinned).padStart(3)} out of ${String(p.total).padStart(3)} ${name} dependencies pinned` });
    if (gh.total > 0 && third.total > 0) {
      info(gh, 'GitHub-owned GitHubAction');
      info(third, 'third-party GitHubAction');
      groups.push({ success: gh.pinned, total: gh.total, weight: GITHUB_OWNED_WEIGHT }, { success: third.pinned, total: third.total, weight: THIRD_PARTY_WEIGHT });
    } else if (gh.total > 0) {
      info(gh, 'GitHub-owned GitHubAction');
      groups.push({ success: gh.pinned, total: gh.total, weight: NORMAL_WEIGHT });
    } else if (third.total > 0) {
      info(third, 'third-party GitHubAction');
      groups.push({ success: third.pinned, total: third.total, weight: NORMAL_WEIGHT });
    }
    for (const [t, p] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
      info(p, t);
      groups.push({ success: p.pinned, total: p.total, weight: NORMAL_WEIGHT });
    }
    if (groups.length === 0) return { score: INCONCLUSIVE, reason: 'no dependencies found', details };
    const score = proportionalWeighted(groups);
    if (score === MAX) return { score, reason: 'all dependencies are pinned', details };
    return { score, reason: `dependency not pinned by hash detected -- score normalized to ${score}`, details };
  },
});
