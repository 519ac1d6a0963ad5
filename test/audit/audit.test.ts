import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runAudit, type AuditFindingData } from '../../src/audit/audit.ts';
import { createIgnorePolicy } from '../../src/core/ignore.ts';
import { graph, memorySource, osvNpm, wgNpm } from './helpers.ts';

const source = memorySource([
  wgNpm(1, 'qs', '<6.0.4', '>=6.0.4', { aliases: ['CVE-2017-1000048'], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }] }),
  osvNpm('GHSA-gqgv-6jq5-jjj9', 'qs', [{ introduced: '0' }, { fixed: '6.0.4' }], { aliases: ['CVE-2017-1000048'], database_specific: { severity: 'HIGH' } }),
  wgNpm(2, 'ms', '<0.7.1', '>=0.7.1', { database_specific: { cvss_score: 5.3 } }),
  wgNpm(3, 'left-pad', '<=99.999.99999', null),
]);

// root -> express -> qs ; root -> body -> qs (same install); dev: mocha -> ms ; a git dependency
const g = graph(
  {
    'node_modules/express': { name: 'express', version: '4.0.0', line: 10 },
    'node_modules/body': { name: 'body', version: '1.0.0', line: 20 },
    'node_modules/qs': { name: 'qs', version: '6.0.2', line: 30 },
    'node_modules/mocha': { name: 'mocha', version: '1.0.0', dev: true, line: 40 },
    'node_modules/ms': { name: 'ms', version: '0.7.0', dev: true, line: 50 },
    'node_modules/mine': { name: 'mine', version: '1.0.0', notAuditable: { reason: 'git', spec: 'git+https://example.com/mine.git' }, line: 60 },
    'node_modules/left-pad': { name: 'left-pad', version: '1.3.0', optional: true, line: 70 },
  },
  [
    ['.', 'node_modules/express'], ['.', 'node_modules/body'], ['node_modules/express', 'node_modules/qs'], ['node_modules/body', 'node_modules/qs'],
    ['.', 'node_modules/mocha', 'dev'], ['node_modules/mocha', 'node_modules/ms', 'dev'], ['.', 'node_modules/mine'], ['.', 'node_modules/left-pad', 'optional'],
  ],
);

const data = (r: Awaited<ReturnType<typeof runAudit>>) => r.findings.map((f) => f.data as AuditFindingData);

describe('runAudit', () => {
  test('finds each vulnerable package once per vulnerability, with paths, flags, location and CVSS', async () => {
    const r = await runAudit([g], { source, root: '/p', relative: () => 'package-lock.json' });
    const d = data(r);
    assert.deepEqual(d.map((x) => `${x.package.name}@${x.package.version} ${x.id}`).sort(), ['left-pad@1.3.0 NSWG-ECO-3', 'ms@0.7.0 NSWG-ECO-2', 'qs@6.0.2 NSWG-ECO-1']);
    const qs = d.find((x) => x.package.name === 'qs')!;
    assert.deepEqual(qs.aliases, ['CVE-2017-1000048', 'GHSA-gqgv-6jq5-jjj9']);
    assert.equal(qs.severity, 'high'); // the GHSA label wins over no label
    assert.equal(qs.cvss?.score, 7.5);
    assert.equal(qs.pathCount, 2);
    assert.deepEqual(qs.paths.map((p) => p.packages.join('>')).sort(), ['body@1.0.0>qs@6.0.2', 'express@4.0.0>qs@6.0.2']);
    assert.equal(qs.line, 30);
    assert.equal(qs.lockfile, 'package-lock.json');
    assert.deepEqual(qs.fixedVersions, ['6.0.4']);
    assert.deepEqual(qs.upgrade, { version: '6.0.4', sameMajor: true, source: 'advisory' });
    const ms = d.find((x) => x.package.name === 'ms')!;
    assert.equal(ms.package.dev, true);
    assert.equal(ms.severity, 'moderate'); // cvss_score 5.3
    const lp = d.find((x) => x.package.name === 'left-pad')!;
    assert.equal(lp.package.optional, true);
    assert.equal(lp.upgrade, null);
    assert.equal(lp.severityKnown, false);
    assert.match(r.findings.find((f) => f.ruleId === 'NSWG-ECO-3')!.help!, /No fixed version/);
    assert.deepEqual(r.notAuditable.map((n) => `${n.name} ${n.reason} ${n.line}`), ['mine git 60']);
    assert.equal(r.stats.audited, 6);
    assert.equal(r.stats.vulnerablePackages, 3);
    // highest severity first
    assert.equal(r.findings[0]!.ruleId, 'NSWG-ECO-1');
  });

  test('--omit dev and --omit optional drop those packages', async () => {
    const r = await runAudit([g], { source, root: '/p', omit: ['dev', 'optional'] });
    assert.deepEqual(data(r).map((x) => x.package.name), ['qs']);
    assert.equal(r.stats.omitted, 3);
  });

  test('nested copies of the same version are one finding with united paths', async () => {
    const g2 = graph(
      {
        'node_modules/a': { name: 'a', version: '1.0.0' },
        'node_modules/a/node_modules/ms': { name: 'ms', version: '0.7.0', line: 5 },
        'node_modules/b': { name: 'b', version: '1.0.0' },
        'node_modules/b/node_modules/ms': { name: 'ms', version: '0.7.0', line: 9 },
      },
      [['.', 'node_modules/a'], ['.', 'node_modules/b'], ['node_modules/a', 'node_modules/a/node_modules/ms'], ['node_modules/b', 'node_modules/b/node_modules/ms']],
    );
    const r = await runAudit([g2], { source, root: '/p' });
    const d = data(r);
    assert.equal(d.length, 1);
    assert.equal(d[0]!.pathCount, 2);
    assert.deepEqual(d[0]!.installs, ['node_modules/a/node_modules/ms', 'node_modules/b/node_modules/ms']);
    assert.equal(d[0]!.line, 5);
  });

  test('paths are capped and the total still counted', async () => {
    const pkgs: Record<string, { name: string; version: string }> = { 'node_modules/qs': { name: 'qs', version: '6.0.0' } };
    const edges: [string, string][] = [];
    for (let i = 0; i < 25; i++) {
      pkgs[`node_modules/p${i}`] = { name: `p${i}`, version: '1.0.0' };
      edges.push(['.', `node_modules/p${i}`], [`node_modules/p${i}`, 'node_modules/qs']);
    }
    const r = await runAudit([graph(pkgs, edges)], { source, root: '/p', maxPaths: 3 });
    const d = data(r)[0]!;
    assert.equal(d.paths.length, 3);
    assert.equal(d.pathCount, 25);
  });

  test('registry versions give the minimal upgrade: same major first, else the next major', async () => {
    const versionsOf = async (name: string) => name === 'qs'
      ? { versions: ['6.0.2', '6.0.3', '6.0.4', '6.0.5', '6.1.0', '7.0.0', '6.0.9-beta.1'], deprecated: new Set(['6.0.4']) }
      : name === 'ms' ? { versions: ['0.7.0', '1.0.0', '2.0.0'], deprecated: new Set<string>() } : undefined;
    const r = await runAudit([g], { source, root: '/p', versionsOf });
    const d = data(r);
    assert.deepEqual(d.find((x) => x.package.name === 'qs')!.upgrade, { version: '6.0.5', sameMajor: true, source: 'registry' }); // 6.0.4 is deprecated
    assert.deepEqual(d.find((x) => x.package.name === 'ms')!.upgrade, { version: '1.0.0', sameMajor: false, source: 'registry' });
  });

  test('ignore entries suppress by id or alias; path scope must cover every path', async () => {
    const now = new Date('2026-01-01');
    const byAlias = createIgnorePolicy([{ id: 'cve-2017-1000048', reason: 'not reachable' }], { now });
    let r = await runAudit([g], { source, root: '/p', ignore: byAlias });
    assert.deepEqual(r.suppressed.map((s) => s.ignoreId), ['cve-2017-1000048']);
    assert.ok(!data(r).some((x) => x.package.name === 'qs'));

    const partial = createIgnorePolicy([{ id: 'NSWG-ECO-1', reason: 'only via express', paths: ['express'] }], { now });
    r = await runAudit([g], { source, root: '/p', ignore: partial });
    assert.equal(r.suppressed.length, 0, 'the body > qs path is not covered');
    assert.deepEqual(partial.unused().map((e) => e.id), ['NSWG-ECO-1']);

    const both = createIgnorePolicy([{ id: 'NSWG-ECO-1', reason: 'reviewed', paths: ['express>qs', 'body'] }], { now });
    r = await runAudit([g], { source, root: '/p', ignore: both });
    assert.equal(r.suppressed.length, 1);
    assert.deepEqual(both.unused(), []);

    const expired = createIgnorePolicy([{ id: 'NSWG-ECO-1', reason: 'old', until: '2025-12-31' }], { now });
    r = await runAudit([g], { source, root: '/p', ignore: expired });
    assert.equal(r.suppressed.length, 0);
    assert.equal(expired.expired().length, 1);
  });

  test('a version that is not semver is listed as not auditable, not dropped', async () => {
    const r = await runAudit([graph({ 'node_modules/x': { name: 'qs', version: 'latest' } }, [['.', 'node_modules/x']])], { source, root: '/p' });
    assert.deepEqual(r.notAuditable.map((n) => n.reason), ['invalid-version']);
    assert.equal(r.findings.length, 0);
  });
});

test('text output warns when the snapshot is more than a week old', async () => {
  const { auditText } = await import('../../src/audit/report.ts');
  const r = await runAudit([g], { source, root: '/p' });
  const meta = (builtAt: string) => ({
    toolVersion: '0', generatedAt: '2026-05-15T00:00:00Z', database: { kind: 'snapshot', location: 'x', records: 4, builtAt },
    failOn: 'low' as const, omit: [], ignoreSource: null, expiredIgnores: [], unusedIgnores: [], registry: null, exitCode: 1,
  });
  assert.match(auditText(r, meta('2026-05-01T00:00:00Z'), false), /snapshot is 14 days old/);
  assert.doesNotMatch(auditText(r, meta('2026-05-14T00:00:00Z'), false), /days old/);
});
