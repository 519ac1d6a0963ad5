import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findNodeTargets, linesAdmitted, parseVersionFile } from '../../src/audit/node-target.ts';
import type { Schedule } from '../../src/audit/node.ts';
import { OWN } from '../helpers/paths.ts';

const schedule: Schedule = {
  'v0.12': { start: '2015-02-06', end: '2016-12-31' },
  v16: { start: '2021-04-20', lts: '2021-10-26', end: '2023-09-11', codename: 'Gallium' },
  v18: { start: '2022-04-19', lts: '2022-10-25', end: '2025-04-30', codename: 'Hydrogen' },
  v20: { start: '2023-04-18', lts: '2023-10-24', end: '2026-04-30', codename: 'Iron' },
  v22: { start: '2024-04-24', lts: '2024-10-29', end: '2027-04-30', codename: 'Jod' },
};

describe('.nvmrc / .node-version values', () => {
  const cases: [string, ReturnType<typeof parseVersionFile>][] = [
    ['20.11.1\n', { kind: 'exact', version: 'v20.11.1' }],
    ['v18.20.4', { kind: 'exact', version: 'v18.20.4' }],
    ['node@22.1.0', { kind: 'exact', version: 'v22.1.0' }],
    ['20', { kind: 'line', line: 'v20' }],
    ['v18', { kind: 'line', line: 'v18' }],
    ['20.x', { kind: 'line', line: 'v20' }],
    ['20.11', { kind: 'line', line: 'v20' }],
    ['lts/iron', { kind: 'line', line: 'v20' }],
    ['lts/Hydrogen', { kind: 'line', line: 'v18' }],
    ['lts/argon', undefined],
    ['lts/*', undefined],
    ['node', undefined],
    ['latest', undefined],
    ['', undefined],
    ['banana', undefined],
  ];
  for (const [raw, want] of cases) test(JSON.stringify(raw), () => assert.deepEqual(parseVersionFile(raw, schedule), want));
});

test('engines ranges admit release lines', () => {
  assert.deepEqual(linesAdmitted('>=18', schedule), ['v18', 'v20', 'v22']);
  assert.deepEqual(linesAdmitted('^16.14 || ^18', schedule), ['v16', 'v18']);
  assert.deepEqual(linesAdmitted('>=0.12 <1', schedule), ['v0.12']);
  assert.deepEqual(linesAdmitted('20.x', schedule), ['v20']);
});

test('targets of a project, with file and line', async () => {
  const t = await findNodeTargets(join(OWN, 'audit', 'project-nvmrc-eol'), schedule);
  assert.deepEqual(t.map((x) => `${x.kind} ${x.source} ${x.location.file}:${x.location.line}`), [
    'exact .nvmrc .nvmrc:1',
    'range package.json engines.node package.json:5',
  ]);
  assert.deepEqual(await findNodeTargets(join(OWN, 'audit', 'small-npm'), schedule), []);
});

test('Dockerfile FROM node:<tag> and workflow node-version values are targets, with file and line', async () => {
  const t = await findNodeTargets(join(OWN, 'audit', 'project-docker'), schedule);
  assert.deepEqual(t.map((x) => `${x.kind === 'exact' ? x.version : x.kind === 'line' ? x.line : x.range} ${x.location.file}:${x.location.line}`), [
    'v16 Dockerfile:1',
    'v22.1.0 Dockerfile:3',
    'v14 .github/workflows/ci.yml:12',
  ]);
});
