import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isAffected,
  nswgCoreToOsv,
  nswgDepsToVex,
  nswgNpmToOsv,
  osvToNswgCore,
  osvToNswgNpm,
  vexToNswgDeps,
} from '../../src/advisory/index.ts';
import { ECOSYSTEM_NODEJS } from '../../src/core/osv.ts';
import { NSWG_VULN } from '../helpers/paths.ts';

function records(kind: string): [string, Record<string, unknown>][] {
  const dir = join(NSWG_VULN, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(dir, f), 'utf8'))]);
}

const read = (kind: string, id: string) => JSON.parse(readFileSync(join(NSWG_VULN, kind, `${id}.json`), 'utf8'));
/** Through JSON, as a snapshot or an export would carry it. */
const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v));

test('WG → OSV → WG is lossless (deep-equal JSON) for every one of the 644 records', () => {
  let n = 0;
  for (const [id, rec] of records('npm')) {
    assert.deepStrictEqual(osvToNswgNpm(viaJson(nswgNpmToOsv(rec, id))), rec, `npm/${id}`);
    n++;
  }
  for (const [id, rec] of records('core')) {
    assert.deepStrictEqual(osvToNswgCore(viaJson(nswgCoreToOsv(rec, id))), rec, `core/${id}`);
    n++;
  }
  for (const [id, rec] of records('deps')) {
    assert.deepStrictEqual(vexToNswgDeps(viaJson(nswgDepsToVex(rec, id))), rec, `deps/${id}`);
    n++;
  }
  assert.equal(n, 644);
});

test('round trip keeps odd records too: unknown fields, wrong types, missing keys', () => {
  const odd = { id: 7, title: 42, module_name: 'x', vulnerable_versions: '<1.0.0', patched_versions: null, extra: { a: [1] }, cves: ['CVE-2020-1', 'NOT-A-CVE'] };
  assert.deepStrictEqual(osvToNswgNpm(viaJson(nswgNpmToOsv(odd, 7))), odd);
  const core = { cve: [], vulnerable: '20.x', affectedEnvironments: ['all'], severity: 'high', future_field: true };
  assert.deepStrictEqual(osvToNswgCore(viaJson(nswgCoreToOsv(core, 9))), core);
});

test('npm record → OSV: ecosystem npm, CVE aliases, WG ranges verbatim, best-effort SEMVER events', () => {
  const osv = nswgNpmToOsv(read('npm', '1'), '1');
  assert.equal(osv.id, 'NSWG-ECO-1');
  assert.deepEqual(osv.aliases, ['CVE-2014-7205']);
  assert.equal(osv.modified, '2016-04-28T00:00:00Z');
  assert.equal(osv.published, '2014-09-27T00:00:00Z');
  const a = osv.affected![0]!;
  assert.deepEqual(a.package, { ecosystem: 'npm', name: 'bassmaster', purl: 'pkg:npm/bassmaster' });
  assert.deepEqual(a.database_specific!.nswg, { vulnerable_versions: '<=1.5.1', patched_versions: '>=1.5.2' });
  assert.deepEqual(a.ranges, [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.5.2' }] }]);
  assert.deepEqual(osv.severity, [{ type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N' }]);
});

test('patched_versions null is kept as null, and the OSV range stays open', () => {
  const nulls = records('npm').filter(([, r]) => r.patched_versions === null);
  assert.equal(nulls.length, 55);
  for (const [id, rec] of nulls) {
    const a = nswgNpmToOsv(rec, id).affected![0]!;
    assert.equal((a.database_specific!.nswg as { patched_versions: unknown }).patched_versions, null);
    assert.ok(a.ranges!.every((r) => r.events.every((e) => !('fixed' in e))), `npm/${id} has no fixed event`);
  }
  const every = nswgNpmToOsv({ module_name: 'x', vulnerable_versions: '<=99.999.99999', patched_versions: null }, 1).affected![0]!;
  assert.deepEqual(every.ranges, [{ type: 'SEMVER', events: [{ introduced: '0' }] }]);
  assert.ok(isAffected(every, '5.0.0'));
});

test('overlapping WG ranges (electron, 495) match with vulnerable AND NOT patched, and OSV events agree', () => {
  const osv = nswgNpmToOsv(read('npm', '495'), '495');
  const a = osv.affected![0]!;
  for (const [v, want] of [['2.0.17', true], ['2.0.18', false], ['3.0.15', true], ['3.0.16', false], ['3.1.5', false], ['3.0.0', true], ['4.0.8', false], ['4.0.7', true]] as const) {
    assert.equal(isAffected(a, v), want, `WG rule at ${v}`);
    const { database_specific: _, ...osvOnly } = a;
    assert.equal(isAffected(osvOnly, v), want, `OSV events at ${v}`);
  }
});

test('core record → OSV: ecosystem Node.js, one SEMVER range per release line, no fixed for an unpatched line', () => {
  const osv = nswgCoreToOsv(read('core', '1'), '1');
  assert.equal(osv.id, 'NSWG-COR-1');
  const a = osv.affected![0]!;
  assert.equal(a.package!.ecosystem, ECOSYSTEM_NODEJS);
  assert.equal(a.package!.name, 'node');
  assert.equal(a.package!.purl, 'pkg:github/nodejs/node');
  assert.deepEqual(a.ecosystem_specific, { affectedEnvironments: ['all'] });
  assert.deepEqual(a.database_specific!.nswg, {
    vulnerable: '8.x || 7.x || 4.x || 6.x || 5.x',
    patched: '^8.1.4 || ^7.10.1 || ^4.8.4 || ^6.11.1',
    severity: 'high',
    affectedEnvironments: ['all'],
  });
  const lines = a.ranges!.map((r) => r.events);
  assert.equal(lines.length, 5);
  assert.deepEqual(lines[0], [{ introduced: '4.0.0' }, { fixed: '4.8.4' }]);
  assert.deepEqual(lines[1], [{ introduced: '5.0.0' }], '5.x has no patch: no fixed event');
  assert.equal(osv.database_specific!.severity, 'HIGH');
});

test('core 171: 20.x + ^20.20.2 → introduced 20.0.0, fixed 20.20.2; medium → MODERATE', () => {
  const osv = nswgCoreToOsv(read('core', '171'), '171');
  assert.deepEqual(osv.affected![0]!.ranges![0], { type: 'SEMVER', events: [{ introduced: '20.0.0' }, { fixed: '20.20.2' }] });
  assert.equal(osv.database_specific!.severity, 'MODERATE');
  assert.ok(isAffected(osv.affected![0]!, '20.20.1'));
  assert.ok(!isAffected(osv.affected![0]!, '20.20.2'));
  assert.ok(!isAffected(osv.affected![0]!, '21.0.0'));
});

test('deps record → VEX not_affected statement about Node.js with the WG reason as justification', () => {
  const st = nswgDepsToVex(read('deps', '3'), '3');
  assert.equal(st.status, 'not_affected');
  assert.deepEqual(st.vulnerabilities, ['CVE-2024-4761', 'CVE-2024-4947', 'CVE-2024-5274']);
  assert.equal(st.justification, 'vulnerable_code_not_in_execute_path');
  assert.equal(st.product.ecosystem, ECOSYSTEM_NODEJS);
});

test('OSV events agree with the WG rule for every record at every boundary version (below the 99.x placeholders)', async () => {
  const semver = (await import('semver')).default;
  const { wgAffects, osvRangesAffect } = await import('../../src/advisory/index.ts');
  let probes = 0;
  for (const kind of ['npm', 'core'] as const) {
    for (const [id, rec] of records(kind)) {
      const osv = kind === 'npm' ? nswgNpmToOsv(rec, id) : nswgCoreToOsv(rec, id);
      const a = osv.affected![0]!;
      const n = a.database_specific!.nswg as Record<string, string | null>;
      const vuln = (n.vulnerable_versions ?? n.vulnerable)!;
      const patched = 'patched_versions' in n ? n.patched_versions : n.patched;
      const versions = new Set(['0.0.1', '0.1.0', '1.0.0']);
      for (const range of [vuln, patched]) {
        if (typeof range !== 'string') continue;
        for (const set of new semver.Range(range).set) {
          for (const c of set) {
            if (c.value === '' || c.semver.prerelease.length || c.semver.major >= 99) continue;
            const v = c.semver;
            versions.add(v.version).add(semver.inc(v.version, 'patch')!).add(`${v.major}.${v.minor}.99`).add(`${v.major}.99.0`);
            if (v.patch > 0) versions.add(`${v.major}.${v.minor}.${v.patch - 1}`);
            if (v.major > 0) versions.add(`${v.major - 1}.0.0`);
          }
        }
      }
      for (const v of versions) {
        probes++;
        assert.equal(osvRangesAffect(a, v), wgAffects(vuln, patched ?? null, v), `${kind}/${id} at ${v}: ${vuln} / ${patched}`);
      }
    }
  }
  assert.ok(probes > 5000);
});

test('WG matching follows npm prerelease rules: "*" does not match a prerelease; a prerelease bound matches its own line', async () => {
  const { wgAffects } = await import('../../src/advisory/index.ts');
  assert.equal(wgAffects('*', null, '1.0.0'), true);
  assert.equal(wgAffects('*', null, '1.0.0-rc.1'), false);
  assert.equal(wgAffects('<=v2.0.0-alpha7', '>=v2.0.0-alpha8', '2.0.0-alpha6'), true);
  assert.equal(wgAffects('<=v2.0.0-alpha7', '>=v2.0.0-alpha8', '2.0.0-alpha8'), false);
  assert.equal(wgAffects('not a range', null, '1.0.0'), false);
  assert.equal(wgAffects('<2.0.0', 'not a range', '1.0.0'), true, 'an unusable patched range is ignored');
});
