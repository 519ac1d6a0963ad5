import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import semver from 'semver';
import {
  advisoryFixVersions, compileAffected, compileOsvRange, matchVersion, minimalUpgrade, parseRange, parseVersion,
} from '../../src/audit/match.ts';
import type { OsvRange } from '../../src/core/osv.ts';
import { memorySource, osvNpm, wgNpm } from './helpers.ts';

const v = (s: string) => parseVersion(s)!;

describe('WG vulnerable_versions / patched_versions', () => {
  // Every oddity listed in ../shared/fixtures/nswg/README.md, plus the ordinary cases.
  const cases: { name: string; vulnerable: string; patched: string | null; yes: string[]; no: string[] }[] = [
    { name: 'plain upper bound', vulnerable: '<1.2.3', patched: '>=1.2.3', yes: ['0.0.1', '1.2.2'], no: ['1.2.3', '2.0.0'] },
    { name: 'null patched never means "nothing vulnerable"', vulnerable: '<=2.0.0', patched: null, yes: ['1.0.0', '2.0.0'], no: ['2.0.1'] },
    { name: 'every version, no fix (<=99.999.99999)', vulnerable: '<=99.999.99999', patched: null, yes: ['0.0.0', '1.0.0', '99.999.99999'], no: ['1.0.0-beta.1'] },
    { name: '<99.999.9999', vulnerable: '<99.999.9999', patched: null, yes: ['5.5.5'], no: ['100.0.0'] },
    { name: '"*" matches every release, no prerelease', vulnerable: '*', patched: null, yes: ['0.0.1', '12.3.4'], no: ['1.0.0-rc.1'] },
    { name: 'v prefix and prerelease bounds (<=v2.0.0-alpha7 / >=v2.0.0-alpha8)', vulnerable: '<=v2.0.0-alpha7', patched: '>=v2.0.0-alpha8',
      yes: ['1.9.9', '2.0.0-alpha6', '2.0.0-alpha7'], no: ['2.0.0-alpha8', '2.0.0', '1.5.0-beta'] },
    { name: 'space inside a comparator (<= 1.7.0-alpha2)', vulnerable: '<= 1.7.0-alpha2', patched: '>= 1.7.0-alpha3', yes: ['1.6.0', '1.7.0-alpha1', '1.7.0-alpha2'], no: ['1.7.0-alpha3', '1.7.0'] },
    { name: 'exact prerelease (=3.0.0-rc.1)', vulnerable: '=3.0.0-rc.1', patched: null, yes: ['3.0.0-rc.1'], no: ['3.0.0-rc.2', '3.0.0', '2.9.9'] },
    { name: 'prerelease alternatives (2.1.0-M1 || 2.1.0-M2)', vulnerable: '2.1.0-M1 || 2.1.0-M2', patched: null, yes: ['2.1.0-M1', '2.1.0-M2'], no: ['2.1.0-M3', '2.1.0'] },
    { name: 'double spaces around || (< 3.1.3  || >= 4.0.0 <4.1.1)', vulnerable: '< 3.1.3  || >= 4.0.0 <4.1.1', patched: '>=3.1.3 <4.0.0 || >=4.1.1',
      yes: ['3.1.2', '4.0.0', '4.1.0'], no: ['3.1.3', '3.9.9', '4.1.1'] },
    { name: 'odd ordering (<5.0.3 >=5.0.0 || < 4.2.1)', vulnerable: '<5.0.3 >=5.0.0 || < 4.2.1', patched: '>=5.0.3 || >=4.2.1 <5.0.0',
      yes: ['5.0.0', '5.0.2', '4.2.0'], no: ['5.0.3', '4.2.1', '4.9.0'] },
    { name: 'overlap: mqtt 357 (vulnerable >=2.0.0, patched >=2.15.0)', vulnerable: '>=2.0.0', patched: '>=2.15.0', yes: ['2.0.0', '2.14.9'], no: ['2.15.0', '3.0.0', '1.9.9'] },
    { name: 'overlap: 495 (branches of < with ^ patches)', vulnerable: '<2.0.18 || <3.0.16 || <3.1.6 || <4.0.8 || <5.0.0-beta.5',
      patched: '^2.0.18 || ^3.0.16 || ^3.1.6 || ^4.0.8 || ^5.0.0-beta.5', yes: ['2.0.17', '3.0.15', '4.0.7', '1.0.0'], no: ['3.1.5', '2.0.18', '2.5.0', '3.0.16', '3.1.6', '4.0.8', '4.3.0', '5.0.0'] },
    { name: 'empty patched is ignored, not "*"', vulnerable: '<1.0.0', patched: '', yes: ['0.5.0'], no: ['1.0.0'] },
    { name: 'unparseable patched is ignored', vulnerable: '<1.0.0', patched: 'not a range', yes: ['0.5.0'], no: ['1.0.0'] },
    { name: 'prerelease of a release named in the range', vulnerable: '<2.0.0-rc8', patched: '>=2.0.0-rc8', yes: ['2.0.0-rc7', '1.0.0'], no: ['2.0.0-rc8', '2.0.0'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const t = compileAffected(wgNpm(1, 'x', c.vulnerable, c.patched).affected![0]!);
      for (const y of c.yes) assert.equal(t(v(y)), true, `${y} should be vulnerable to ${c.vulnerable}`);
      for (const n of c.no) assert.equal(t(v(n)), false, `${n} should not be vulnerable to ${c.vulnerable}`);
    });
  }

  test('core records use the vulnerable/patched keys', () => {
    const t = compileAffected({
      package: { ecosystem: 'Node.js', name: 'node' },
      database_specific: { nswg: { vulnerable: '20.x || 22.x', patched: '^20.20.2 || ^22.22.2', severity: 'low', affectedEnvironments: ['all'] } },
    });
    assert.equal(t(v('20.20.1')), true);
    assert.equal(t(v('20.20.2')), false);
    assert.equal(t(v('22.1.0')), true);
    assert.equal(t(v('24.0.0')), false);
  });
});

describe('OSV ranges', () => {
  const r = (events: Record<string, string>[], type: OsvRange['type'] = 'SEMVER') => compileOsvRange({ type, events: events as never });
  const cases: { name: string; events: Record<string, string>[]; yes: string[]; no: string[] }[] = [
    { name: 'introduced 0, fixed', events: [{ introduced: '0' }, { fixed: '1.2.3' }], yes: ['0.0.0', '1.2.2', '1.2.3-beta'], no: ['1.2.3', '2.0.0'] },
    { name: 'last_affected is inclusive', events: [{ introduced: '1.0.0' }, { last_affected: '1.4.0' }], yes: ['1.0.0', '1.4.0'], no: ['0.9.9', '1.4.1'] },
    { name: 'no fix: open ended', events: [{ introduced: '2.0.0' }], yes: ['2.0.0', '9.9.9'], no: ['1.9.9'] },
    { name: 'several intervals, unsorted events', events: [{ fixed: '3.0.5' }, { introduced: '3.0.0' }, { introduced: '1.0.0' }, { fixed: '1.1.0' }], yes: ['1.0.5', '3.0.4'], no: ['1.1.0', '2.0.0', '3.0.5'] },
    { name: 'limit caps an open range', events: [{ introduced: '0' }, { limit: '2.0.0' }], yes: ['1.9.9'], no: ['2.0.0', '3.0.0'] },
    { name: 'prerelease ordering by precedence', events: [{ introduced: '2.0.0-alpha.1' }, { fixed: '2.0.0-beta.2' }], yes: ['2.0.0-alpha.1', '2.0.0-beta.1'], no: ['2.0.0-beta.2', '2.0.0', '1.9.9'] },
    { name: 'introduced and fixed at the same version is empty', events: [{ introduced: '1.0.0' }, { fixed: '1.0.0' }], yes: [], no: ['1.0.0', '0.1.0', '2.0.0'] },
    { name: 'ECOSYSTEM ranges are evaluated like SEMVER for npm', events: [{ introduced: '0' }, { fixed: '4.17.21' }], yes: ['4.17.20'], no: ['4.17.21'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const t = r(c.events, c.name.startsWith('ECOSYSTEM') ? 'ECOSYSTEM' : 'SEMVER')!;
      for (const y of c.yes) assert.equal(t(v(y)), true, `${y} should be affected`);
      for (const n of c.no) assert.equal(t(v(n)), false, `${n} should not be affected`);
    });
  }

  test('GIT ranges cannot be evaluated on versions and match nothing', () => {
    assert.equal(r([{ introduced: '0' }], 'GIT'), undefined);
    const t = compileAffected({ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'GIT', repo: 'r', events: [{ introduced: '0' }] }] });
    assert.equal(t(v('1.0.0')), false);
  });

  test('explicit versions list', () => {
    const t = compileAffected({ package: { ecosystem: 'npm', name: 'x' }, versions: ['1.0.0', 'v1.0.2', '2.0.0-rc.1'] });
    assert.equal(t(v('1.0.0')), true);
    assert.equal(t(v('1.0.2')), true);
    assert.equal(t(v('2.0.0-rc.1')), true);
    assert.equal(t(v('1.0.1')), false);
  });

  test('versions list and ranges combine', () => {
    const t = compileAffected({ package: { ecosystem: 'npm', name: 'x' }, versions: ['0.1.0'], ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.1.0' }] }] });
    assert.deepEqual(['0.1.0', '0.2.0', '1.0.5', '1.1.0'].map((s) => t(v(s))), [true, false, true, false]);
  });
});

describe('matchVersion', () => {
  test('withdrawn records are excluded', () => {
    const src = memorySource([osvNpm('GHSA-aaaa', 'x', [{ introduced: '0' }], { withdrawn: '2024-02-02T00:00:00Z' })]);
    assert.deepEqual(matchVersion(src, 'npm', 'x', v('1.0.0')), []);
  });

  test('the same vulnerability from two sources is reported once, aliases united', () => {
    const src = memorySource([
      wgNpm(100, 'x', '<1.0.1', '>=1.0.1', { aliases: ['CVE-2020-1'] }),
      osvNpm('GHSA-1111-2222-3333', 'x', [{ introduced: '0' }, { fixed: '1.0.1' }], { aliases: ['CVE-2020-1'] }),
      osvNpm('GHSA-other', 'x', [{ introduced: '0' }], { aliases: ['CVE-2020-2'] }),
    ]);
    const m = matchVersion(src, 'npm', 'x', v('1.0.0'));
    assert.equal(m.length, 2);
    assert.equal(m[0]!.id, 'NSWG-ECO-100');
    assert.deepEqual(m[0]!.aliases, ['CVE-2020-1', 'GHSA-1111-2222-3333']);
    assert.equal(m[0]!.records.length, 2);
    assert.equal(m[1]!.id, 'GHSA-other');
  });

  test('alias chains are transitive (A~B via CVE, B~C via GHSA)', () => {
    const src = memorySource([
      osvNpm('A', 'x', [{ introduced: '0' }], { aliases: ['CVE-1'] }),
      osvNpm('C', 'x', [{ introduced: '0' }], { aliases: ['GHSA-9'] }),
      osvNpm('B', 'x', [{ introduced: '0' }], { aliases: ['CVE-1', 'GHSA-9'] }),
    ]);
    const m = matchVersion(src, 'npm', 'x', v('1.0.0'));
    assert.equal(m.length, 1);
    assert.deepEqual(m[0]!.aliases, ['B', 'C', 'CVE-1', 'GHSA-9']);
  });

  test('other packages and ecosystems in a record do not match', () => {
    const rec = osvNpm('X', 'y', [{ introduced: '0' }]);
    rec.affected!.push({ package: { ecosystem: 'PyPI', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] });
    const src = memorySource([rec]);
    assert.deepEqual(matchVersion(src, 'npm', 'x', v('1.0.0')), []);
    assert.equal(matchVersion(src, 'NPM', 'y', v('1.0.0')).length, 1);
  });
});

describe('fix versions and the minimal upgrade', () => {
  test('advisory fix versions come from fixed events and the lowest version of each patched branch', () => {
    const src = memorySource([
      wgNpm(495, 'x', '<2.0.18 || <3.0.16', '^2.0.18 || ^3.0.16 || >=4.0.0'),
      osvNpm('GHSA-x', 'x', [{ introduced: '0' }, { fixed: '2.0.18' }, { introduced: '3.0.0' }, { fixed: '3.0.17' }], { aliases: ['NSWG-ECO-495'] }),
    ]);
    const [m] = matchVersion(src, 'npm', 'x', v('2.0.1'));
    assert.deepEqual(advisoryFixVersions(m!, 'npm', 'x').map(String), ['2.0.18', '3.0.16', '3.0.17', '4.0.0']);
  });

  test('prefers the smallest fixed version in the same major, else the next major', () => {
    const rec = wgNpm(1, 'x', '<1.5.0 || >=2.0.0 <2.3.0', '>=1.5.0 <2.0.0 || >=2.3.0');
    const [m] = matchVersion(memorySource([rec]), 'npm', 'x', v('1.2.0'));
    const cands = ['1.2.1', '1.4.9', '1.5.0', '1.6.0', '2.0.0', '2.3.0', '3.0.0', '1.5.1-beta.1'].map(v);
    const affected = (x: semver.SemVer) => compileAffected(rec.affected![0]!)(x);
    assert.deepEqual(minimalUpgrade(v('1.2.0'), cands, affected), { version: '1.5.0', sameMajor: true });
    const rec2 = wgNpm(2, 'x', '<2.3.0', '>=2.3.0');
    const aff2 = (x: semver.SemVer) => compileAffected(rec2.affected![0]!)(x);
    assert.deepEqual(minimalUpgrade(v('1.2.0'), cands, aff2), { version: '2.3.0', sameMajor: false });
    assert.equal(minimalUpgrade(v('1.2.0'), cands, () => true), undefined);
    assert.ok(m);
  });
});

test('ranges and versions are cached: the same string yields the same parsed object', () => {
  assert.equal(parseRange('>=1.0.0 <2.0.0'), parseRange('>=1.0.0 <2.0.0'));
  assert.equal(parseVersion('1.2.3'), parseVersion('1.2.3'));
  assert.equal(parseVersion('v1.2.3')!.version, '1.2.3');
  assert.equal(parseVersion('not-a-version'), undefined);
});

test('every WG npm range in the shared data parses (non-loose)', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const { NSWG_VULN } = await import('../helpers/paths.ts');
  const dir = `${NSWG_VULN}/npm`;
  let n = 0;
  for (const f of await readdir(dir)) {
    if (f === 'index.json') continue;
    const j = JSON.parse(await readFile(`${dir}/${f}`, 'utf8')) as { vulnerable_versions: string };
    assert.ok(parseRange(j.vulnerable_versions), `${f}: ${j.vulnerable_versions}`);
    n++;
  }
  assert.ok(n > 400);
});
