import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNode, lineInfo, scheduleProblem, type NodeFindingData, type Schedule } from '../../src/audit/node.ts';
import type { AdvisorySource, OsvRecord, VexStatement } from '../../src/core/osv.ts';
import { memorySource } from './helpers.ts';

const schedule: Schedule = {
  v18: { start: '2022-04-19', lts: '2022-10-25', maintenance: '2023-10-18', end: '2025-04-30', codename: 'Hydrogen' },
  v20: { start: '2023-04-18', lts: '2023-10-24', maintenance: '2024-10-22', end: '2026-04-30', codename: 'Iron' },
  v22: { start: '2024-04-24', lts: '2024-10-29', maintenance: '2025-10-21', end: '2027-04-30', codename: 'Jod' },
  v23: { start: '2024-10-16', maintenance: '2025-04-01', end: '2025-06-01' },
  v24: { start: '2025-05-06', lts: '2025-10-28', maintenance: '2026-10-20', end: '2028-04-30', codename: 'Krypton' },
  v26: { start: '2026-04-22', lts: '2026-10-28', maintenance: '2027-10-20', end: '2029-04-30' },
};

function core(id: number, vulnerable: string, patched: string, severity: string, envs: string[], cve: string): OsvRecord {
  return {
    id: `NSWG-COR-${id}`,
    modified: '2026-01-01T00:00:00Z',
    aliases: [cve],
    summary: `core ${id}`,
    affected: [{ package: { ecosystem: 'Node.js', name: 'node' }, database_specific: { nswg: { vulnerable, patched, severity, affectedEnvironments: envs } } }],
  };
}

const records = [
  core(1, '20.x || 22.x', '^20.20.2 || ^22.22.2', 'high', ['all'], 'CVE-2026-1'),
  core(2, '20.x', '^20.19.0', 'medium', ['win32'], 'CVE-2026-2'),
  core(3, '20.x || 22.x', '^20.21.0 || ^22.22.0', 'low', ['linux'], 'CVE-2026-3'),
  core(4, '20.x', '^20.20.5', 'unknown', ['all'], 'CVE-2026-4'),
];
const vex: VexStatement[] = [{ id: 'NSWG-DEP-1', vulnerabilities: ['CVE-2026-4'], product: { ecosystem: 'Node.js', name: 'node' }, status: 'not_affected', justification: 'vulnerable_code_not_present', impactStatement: 'not used' }];
const source: AdvisorySource = { ...memorySource(records), vexStatements: () => vex };
const now = new Date('2026-03-01T00:00:00Z');

describe('checkNode', () => {
  test('per-CVE findings for the version and platform; VEX not_affected honoured', () => {
    const r = checkNode({ version: 'v20.18.0', platform: 'linux', source, schedule, now });
    assert.deepEqual(r.findings.map((f) => f.ruleId).sort(), ['NSWG-COR-1', 'NSWG-COR-3']);
    assert.deepEqual(r.notAffected.map((n) => `${n.record} ${n.statement} ${n.justification}`), ['NSWG-COR-4 NSWG-DEP-1 vulnerable_code_not_present']);
    const f1 = r.findings.find((f) => f.ruleId === 'NSWG-COR-1')!;
    assert.equal(f1.severity, 'high');
    assert.deepEqual((f1.data as NodeFindingData).upgrade, { version: 'v20.20.2', sameMajor: true });
    assert.equal(r.findings.find((f) => f.ruleId === 'NSWG-COR-3')!.severity, 'low');
    assert.deepEqual(r.recommended, { version: 'v20.21.0', sameMajor: true });
    assert.equal(r.line.status, 'maintenance');
  });

  test('win32 sees the win32-only record, not the linux one; "any" sees all', () => {
    assert.deepEqual(checkNode({ version: '20.18.0', platform: 'win32', source, schedule, now }).findings.map((f) => f.ruleId).sort(), ['NSWG-COR-1', 'NSWG-COR-2']);
    assert.deepEqual(checkNode({ version: '20.18.0', platform: 'any', source, schedule, now }).findings.map((f) => f.ruleId).sort(), ['NSWG-COR-1', 'NSWG-COR-2', 'NSWG-COR-3']);
  });

  test('a patched version is clean', () => {
    const r = checkNode({ version: 'v22.22.2', platform: 'linux', source, schedule, now });
    assert.deepEqual(r.findings, []);
    assert.equal(r.line.status, 'maintenance');
    assert.equal(r.line.codename, 'Jod');
  });

  test('an end-of-life line is a finding, with the supported LTS lines as the fix', () => {
    const r = checkNode({ version: 'v18.20.4', platform: 'linux', source, schedule, now });
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['node-end-of-life']);
    assert.match(r.findings[0]!.help!, /v24, v22, v20/);
    assert.equal(r.findings[0]!.severity, 'high');
    const odd = checkNode({ version: 'v23.1.0', platform: 'linux', source, schedule, now });
    assert.equal(odd.line.status, 'end-of-life');
  });

  test('ignore entries suppress by CVE alias', async () => {
    const { createIgnorePolicy } = await import('../../src/core/ignore.ts');
    const ignore = createIgnorePolicy([{ id: 'CVE-2026-1', reason: 'we do not use it' }], { now });
    const r = checkNode({ version: 'v20.18.0', platform: 'linux', source, schedule, now, ignore });
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['NSWG-COR-3']);
    assert.equal(r.suppressed[0]!.ignoreId, 'CVE-2026-1');
  });
});

describe('release schedule', () => {
  test('line status by date', () => {
    assert.equal(lineInfo(schedule, 'v24', now).status, 'active-lts');
    assert.equal(lineInfo(schedule, 'v26', now).status, 'pending');
    assert.equal(lineInfo(schedule, 'v26', new Date('2026-05-01')).status, 'current');
    assert.equal(lineInfo(schedule, 'v20', new Date('2026-04-30')).status, 'end-of-life');
    assert.equal(lineInfo(schedule, 'v99', now).status, 'unknown');
  });
  test('schedule validation names the bad field', () => {
    assert.equal(scheduleProblem(schedule), undefined);
    assert.match(scheduleProblem({ v20: { start: '2023-04-18' } })!, /v20\.end/);
    assert.match(scheduleProblem([])!, /object/);
    assert.match(scheduleProblem({ twenty: {} })!, /twenty/);
  });
  test('the shared schedule fixture is valid', async () => {
    const { readFile } = await import('node:fs/promises');
    const { SCHEDULE } = await import('../helpers/paths.ts');
    assert.equal(scheduleProblem(JSON.parse(await readFile(SCHEDULE, 'utf8'))), undefined);
  });
});
