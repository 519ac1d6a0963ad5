/**
 * The checks `nodesec scorecard check` runs, in scorecard's alphabetical order. Each is the
 * full raw -> probes -> evaluation pipeline of one scorecard check that repository content
 * can answer. Risk levels are scorecard's (docs/checks/internal/checks.yaml).
 */
import { binaryArtifacts } from './checks/binary-artifacts.ts';
import { dangerousWorkflow } from './checks/dangerous-workflow.ts';
import { dependencyUpdateTool } from './checks/dependency-update-tool.ts';
import { fuzzing } from './checks/fuzzing.ts';
import { license } from './checks/license.ts';
import { packaging } from './checks/packaging.ts';
import { pinnedDependencies } from './checks/pinned-dependencies.ts';
import { sast } from './checks/sast.ts';
import { securityPolicy } from './checks/security-policy.ts';
import { tokenPermissions } from './checks/token-permissions.ts';
import { vulnerabilities } from './checks/vulnerabilities.ts';
import type { Probe, Risk, ScorecardCheck } from './types.ts';

type AnyCheck = ScorecardCheck<unknown>;

/** Each check has its own raw type; the runner only passes a check's raw data to its own probes. */
const erase = <R>(c: ScorecardCheck<R>): AnyCheck => c as unknown as AnyCheck;

export const CHECKS: readonly AnyCheck[] = [
  erase(binaryArtifacts),
  erase(dangerousWorkflow),
  erase(dependencyUpdateTool),
  erase(fuzzing),
  erase(license),
  erase(packaging),
  erase(pinnedDependencies),
  erase(sast),
  erase(securityPolicy),
  erase(tokenPermissions),
  erase(vulnerabilities),
];

/** Risk of every scorecard check, including those that need the GitHub API (for monitor data). */
export const RISK: Record<string, Risk> = {
  'Binary-Artifacts': 'High',
  'Branch-Protection': 'High',
  'CI-Tests': 'Low',
  'CII-Best-Practices': 'Low',
  'Code-Review': 'High',
  Contributors: 'Low',
  'Dangerous-Workflow': 'Critical',
  'Dependency-Update-Tool': 'High',
  Fuzzing: 'Medium',
  License: 'Low',
  Maintained: 'High',
  Packaging: 'Medium',
  'Pinned-Dependencies': 'Medium',
  SAST: 'Medium',
  SBOM: 'Medium',
  'Security-Policy': 'Medium',
  'Signed-Releases': 'High',
  'Token-Permissions': 'High',
  Vulnerabilities: 'High',
  Webhooks: 'Critical',
};

export function checkUrl(name: string): string {
  return `https://github.com/ossf/scorecard/blob/main/docs/checks.md#${name.toLowerCase()}`;
}

export function allProbes(): Probe<unknown>[] {
  const seen = new Map<string, Probe<unknown>>();
  for (const c of CHECKS) for (const p of c.probes) seen.set(p.id, p);
  return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function findCheck(name: string): AnyCheck | undefined {
  return CHECKS.find((c) => c.name.toLowerCase() === name.toLowerCase());
}
