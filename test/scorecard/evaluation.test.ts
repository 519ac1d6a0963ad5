/**
 * Probes and evaluations alone, as scorecard tests them: probes get hand-built raw data,
 * evaluations get hand-built findings (checks/evaluation/*_test.go style).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sast } from '../../src/scorecard/checks/sast.ts';
import { securityPolicy } from '../../src/scorecard/checks/security-policy.ts';
import { tokenPermissions } from '../../src/scorecard/checks/token-permissions.ts';
import { pinnedDependencies } from '../../src/scorecard/checks/pinned-dependencies.ts';
import { securityPolicyContainsText } from '../../src/scorecard/probes/securityPolicyContainsText.ts';
import { pinsDependencies } from '../../src/scorecard/probes/pinsDependencies.ts';
import { aggregate } from '../../src/scorecard/run.ts';
import { aggregateWithWeight, proportionalWeighted, type ProbeFinding } from '../../src/scorecard/types.ts';

const f = (probe: string, outcome: ProbeFinding['outcome'], values?: Record<string, string>, file = '.github/workflows/a.yml'): ProbeFinding => ({ probe, outcome, message: '', location: { file, line: 1 }, ...(values && { values }) });

describe('scorecard arithmetic (checker/check_result.go, pkg/scorecard)', () => {
  test('CreateProportionalScoreWeighted weighs counts, floors, and ignores empty groups', () => {
    assert.equal(proportionalWeighted([{ success: 1, total: 2, weight: 2 }, { success: 0, total: 1, weight: 8 }, { success: 1, total: 2, weight: 10 }]), 3);
    assert.equal(proportionalWeighted([{ success: 0, total: 0, weight: 10 }]), -1);
    assert.equal(proportionalWeighted([{ success: 3, total: 3, weight: 10 }, { success: 0, total: 0, weight: 10 }]), 10);
  });
  test('AggregateScoresWithWeight collapses equal scores as a Go map does', () => {
    assert.equal(aggregateWithWeight([[5, 3], [10, 7]]), 8); // (15 + 70) / 10 = 8.5 -> 8
    assert.equal(aggregateWithWeight([[10, 3], [10, 7]]), 10);
  });
  test('the aggregate weighs by risk and skips inconclusive checks', () => {
    const s = aggregate([
      { name: 'Dangerous-Workflow', risk: 'Critical', score: 10 },
      { name: 'License', risk: 'Low', score: 0 },
      { name: 'Packaging', risk: 'Medium', score: -1 },
    ]);
    assert.equal(s, (10 * 10 + 0 * 2.5) / 12.5);
    assert.equal(aggregate([{ name: 'x', risk: 'High', score: -1 }]), -1);
  });
});

describe('evaluations over hand-built findings', () => {
  test('SAST: with no PR history, a CodeQL finding is 10 and none is 0 (Go zero values)', () => {
    const na = { probe: 'sastToolRunsOnAllCommits', outcome: 'not-applicable' as const, message: '' };
    assert.equal(sast.evaluate([f('sastToolConfigured', 'true', { tool: 'CodeQL' }), na]).score, 10);
    assert.equal(sast.evaluate([{ probe: 'sastToolConfigured', outcome: 'false', message: '' }, na]).score, 0);
  });
  test('SAST: CodeQL configured and 1 of 3 PRs analysed: (3*3 + 10*7) / 10 = 7', () => {
    const runs = { probe: 'sastToolRunsOnAllCommits', outcome: 'false' as const, message: '', values: { totalPullRequestsAnalyzed: '1', totalPullRequestsMerged: '3' } };
    assert.equal(sast.evaluate([f('sastToolConfigured', 'true', { tool: 'CodeQL' }), runs]).score, 7);
  });
  test('Security-Policy: with private reporting known, links 5 + text 2 + disclosure 1 + reporting 2', () => {
    const all = ['securityPolicyPresent', 'securityPolicyContainsLinks', 'securityPolicyContainsVulnerabilityDisclosure', 'securityPolicyContainsText'].map((p) => f(p, 'true'));
    assert.equal(securityPolicy.evaluate([...all, { probe: 'securityPolicyEnablesPrivateReporting', outcome: 'true', message: '' }]).score, 10);
    assert.equal(securityPolicy.evaluate([...all, { probe: 'securityPolicyEnablesPrivateReporting', outcome: 'false', message: '' }]).score, 8);
    assert.equal(securityPolicy.evaluate([...all, { probe: 'securityPolicyEnablesPrivateReporting', outcome: 'not-applicable', message: '' }]).score, 10);
  });
  test('Token-Permissions: job-level facts are known when top-level findings are evaluated (probe order)', () => {
    const unknown = { probe: 'hasNoGitHubWorkflowPermissionUnknown', outcome: 'true' as const, message: '' };
    const topUndeclared = f('topLevelPermissions', 'false', { permissionLevel: 'undeclared' });
    const jobUndeclared = f('jobLevelPermissions', 'false', { permissionLevel: 'undeclared' });
    // Given in any order, the evaluation sorts by probe as scorecard runs them: 0.
    assert.equal(tokenPermissions.evaluate([unknown, topUndeclared, jobUndeclared]).score, 0);
    const jobRead = f('jobLevelPermissions', 'true', { permissionLevel: 'read' });
    assert.equal(tokenPermissions.evaluate([unknown, topUndeclared, jobRead]).score, 9);
  });
  test('an evaluation refuses findings of other probes (UniqueProbesEqual)', () => {
    assert.throws(() => pinnedDependencies.evaluate([f('fuzzed', 'true')]), /invalid probe results/);
  });
});

describe('probes over hand-built raw data', () => {
  test('securityPolicyContainsText: more bytes than the links plus two per link', () => {
    const raw = (size: number) => ({ files: [{ location: { file: 'SECURITY.md' }, size, info: [{ type: 'link' as const, match: 'https://x.y', line: 1 }] }] });
    assert.equal(securityPolicyContainsText.run(raw(13))[0]!.outcome, 'false'); // 11 + 2
    assert.equal(securityPolicyContainsText.run(raw(14))[0]!.outcome, 'true');
  });
  test('pinsDependencies: one finding per dependency with its type; none is not-applicable', () => {
    const out = pinsDependencies.run({ errors: [], dependencies: [
      { type: 'GitHubAction', pinned: false, location: { file: 'w.yml', line: 3, snippet: 'actions/checkout@v4' } },
      { type: 'npmCommand', pinned: true, location: { file: 'w.yml', line: 5, snippet: 'npm ci' } },
    ] });
    assert.deepEqual(out.map((x) => [x.outcome, x.message, x.values?.dependencyType]), [
      ['false', 'GitHub-owned GitHubAction not pinned by hash', 'GitHubAction'],
      ['true', 'npmCommand is pinned', 'npmCommand'],
    ]);
    assert.equal(pinsDependencies.run({ errors: [], dependencies: [] })[0]!.outcome, 'not-applicable');
  });
});
