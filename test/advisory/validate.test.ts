import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateOsv } from '../../src/advisory/validate.ts';
import { runCli } from '../helpers/cli.ts';
import { NSWG, NSWG_VULN, OWN, REPO, SCHEMAS } from '../helpers/paths.ts';

interface Report {
  files: { file: string; kind: string; problems: { level: string; rule: string; file: string; pointer?: string; line?: number; column?: number; message: string }[] }[];
  summary: { files: number; records: number; errors: number; warnings: number; valid: boolean };
}

test('the whole WG database validates clean (exit 0), all 644 records and the three index.json', async () => {
  const r = await runCli(['db', 'validate', '--format', 'json', NSWG_VULN]);
  assert.equal(r.exit, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  assert.equal(rep.summary.errors, 0);
  assert.equal(rep.summary.files, 647);
  assert.equal(rep.summary.records, 644 * 2, 'each record is checked in its file and in its index');
  assert.ok(rep.summary.warnings > 0, 'the suspicious bits are flagged as warnings');
  // cvss score disagreements are reported as warnings with the computed score
  const w = rep.files.flatMap((f) => f.problems).find((p) => p.file.endsWith('npm/363.json') && p.rule === 'cvss/score-mismatch');
  assert.ok(w);
  assert.equal(w.pointer, '/cvss_score');
  assert.match(w.message, /9\.3 but the vector scores 7\.5/);
});

test('the bundled OSV schema is the standard one, unchanged', async () => {
  assert.deepEqual(JSON.parse(await readFile(join(OWN, '..', '..', 'src', 'advisory', 'schemas', 'osv-schema.json'), 'utf8')), JSON.parse(await readFile(join(SCHEMAS, 'osv-schema.json'), 'utf8')));
});

const corruptions: { name: string; file: string; edit: (v: any) => unknown; pointer: string; rule: string }[] = [
  { name: 'impossible date', file: 'npm/1.json', edit: (v) => ({ ...v, created_at: '2015-13-45' }), pointer: '/created_at', rule: 'nswg/date' },
  { name: 'date in another format', file: 'npm/2.json', edit: (v) => ({ ...v, publish_date: '07/07/2013' }), pointer: '/publish_date', rule: 'nswg/date' },
  { name: 'two-line title', file: 'npm/3.json', edit: (v) => ({ ...v, title: 'a\nb' }), pointer: '/title', rule: 'nswg/title' },
  { name: 'title over 150 characters', file: 'npm/4.json', edit: (v) => ({ ...v, title: 'x'.repeat(151) }), pointer: '/title', rule: 'nswg/title' },
  { name: 'missing module_name', file: 'npm/5.json', edit: ({ module_name: _, ...v }) => v, pointer: '/module_name', rule: 'nswg/required' },
  { name: 'cvss_score of the wrong type', file: 'npm/11.json', edit: (v) => ({ ...v, cvss_score: 'high' }), pointer: '/cvss_score', rule: 'nswg/type' },
  { name: 'range that does not parse', file: 'npm/7.json', edit: (v) => ({ ...v, vulnerable_versions: '<=1.0.0 ||| >2' }), pointer: '/vulnerable_versions', rule: 'nswg/range' },
  { name: 'unknown author field', file: 'npm/8.json', edit: (v) => ({ ...v, author: { ...v.author, twitter: '@x' } }), pointer: '/author/twitter', rule: 'nswg/unknown-field' },
  { name: 'bad CVE id', file: 'core/1.json', edit: (v) => ({ ...v, cve: ['CVE-17-1'] }), pointer: '/cve/0', rule: 'nswg/cve' },
  { name: 'unknown environment', file: 'core/2.json', edit: (v) => ({ ...v, affectedEnvironments: ['all', 'windows'] }), pointer: '/affectedEnvironments/1', rule: 'nswg/environment' },
  { name: 'unknown severity label', file: 'core/3.json', edit: (v) => ({ ...v, severity: 'severe' }), pointer: '/severity', rule: 'nswg/severity' },
  { name: 'unknown field', file: 'core/4.json', edit: (v) => ({ ...v, fixed_in: '1.0.0' }), pointer: '/fixed_in', rule: 'nswg/unknown-field' },
  { name: 'ref that is not a URI', file: 'core/5.json', edit: (v) => ({ ...v, ref: 'see the blog' }), pointer: '/ref', rule: 'nswg/uri' },
  { name: 'deps reason that is not a justification', file: 'deps/1.json', edit: (v) => ({ ...v, reason: 'not_our_problem' }), pointer: '/reason', rule: 'nswg/justification' },
  { name: 'deps without CVE', file: 'deps/2.json', edit: (v) => ({ ...v, cve: [] }), pointer: '/cve', rule: 'nswg/cve' },
  { name: 'index entry with a bad severity', file: 'core/index.json', edit: (v) => ({ ...v, 7: { ...v[7], severity: 'HIGH!' } }), pointer: '/7/severity', rule: 'nswg/severity' },
  { name: 'record that is an array', file: 'npm/9.json', edit: () => [1, 2], pointer: '', rule: 'nswg/type' },
];

test('injected corruptions are each caught with the right file and pointer; the run goes on past bad files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-validate-'));
  try {
    await cp(NSWG_VULN, join(dir, 'vuln'), { recursive: true });
    for (const c of corruptions) {
      const p = join(dir, 'vuln', c.file);
      await writeFile(p, JSON.stringify(c.edit(JSON.parse(await readFile(p, 'utf8'))), null, 2));
    }
    await writeFile(join(dir, 'vuln', 'npm', '10.json'), '{\n  "id": 10,\n  "title": "x",\n  oops\n}\n');
    await writeFile(join(dir, 'vuln', 'npm', 'package.json'), '{ "name": "not-an-advisory" }');
    const r = await runCli(['db', 'validate', '--format', 'json', join(dir, 'vuln')], { cwd: dir });
    assert.equal(r.exit, 1);
    const rep = JSON.parse(r.stdout) as Report;
    const errors = rep.files.flatMap((f) => f.problems).filter((p) => p.level === 'error');
    for (const c of corruptions) {
      const hit = errors.find((e) => e.file === join('vuln', c.file) && e.pointer === c.pointer && e.rule === c.rule);
      assert.ok(hit, `${c.name}: expected ${c.rule} at ${c.file}#${c.pointer}; got ${JSON.stringify(errors.filter((e) => e.file === join('vuln', c.file)))}`);
    }
    const malformed = errors.find((e) => e.file === join('vuln', 'npm', '10.json'))!;
    assert.equal(malformed.rule, 'json/syntax');
    assert.equal(malformed.line, 4);
    assert.ok(malformed.column! >= 1);
    assert.ok(!malformed.message.includes('\n'));
    // package.json inside npm/ is judged as an npm record: it misses every required field
    assert.ok(errors.some((e) => e.file === join('vuln', 'npm', 'package.json') && e.pointer === '/id'));
    // nothing else is wrong: every error belongs to a corrupted file
    const corrupted = new Set([...corruptions.map((c) => join('vuln', c.file)), join('vuln', 'npm', '10.json'), join('vuln', 'npm', 'package.json')]);
    assert.deepEqual(errors.filter((e) => !corrupted.has(e.file)), []);
    // text output: file#pointer, message, rule and a hint
    const t = await runCli(['db', 'validate', join(dir, 'vuln', 'core', '3.json')], { cwd: dir });
    assert.equal(t.exit, 1);
    assert.match(t.stdout, /vuln\/core\/3\.json#\/severity: error: "severe" is not a WG severity label \[nswg\/severity\]\n  hint: one of: critical, high, medium, low, unknown/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing path is reported and the other paths are still checked; no path at all is a usage error', async () => {
  const r = await runCli(['db', 'validate', '/no/such/file.json', join(NSWG_VULN, 'core', '1.json')]);
  assert.equal(r.exit, 1);
  assert.match(r.stdout, /no\/such\/file\.json: error: no such file or directory/);
  assert.match(r.stdout, /2 files, 1 record: 1 error/);
  const u = await runCli(['db', 'validate']);
  assert.equal(u.exit, 2);
});

test('OSV records: schema errors with pointers (unregistered id prefix and ecosystem, bad event, extra field)', () => {
  const rec = {
    id: 'NSWG-ECO-1',
    modified: '2024-01-01T00:00:00Z',
    affected: [{ package: { ecosystem: 'Node.js', name: 'node' }, ranges: [{ type: 'SEMVER', events: [{ introduced: 'v1.0' }, { fixed: '2.0.0', introduced: '1' }] }] }],
    extra: 1,
  };
  const problems = validateOsv(rec, 'x.json');
  const at = (p: string) => problems.filter((x) => x.pointer === p).map((x) => x.message);
  assert.match(at('/id')[0]!, /registered OSV prefix/);
  assert.match(at('/affected/0/package/ecosystem')[0]!, /not an OSV ecosystem/);
  assert.match(at('/affected/0/ranges/0/events/1')[0]!, /exactly one of/);
  assert.match(at('/affected/0/ranges/0/events/0/introduced')[0]!, /not a semantic version/);
  assert.match(at('/extra')[0]!, /not an OSV field/);
  assert.deepEqual(validateOsv(JSON.parse(JSON.stringify({ ...rec, id: 'GHSA-1', affected: [], extra: undefined })), 'y.json'), []);
});

test('db index --check: the committed indexes are current; a changed record makes it stale (exit 1); db index rewrites it byte-identically', async () => {
  const ok = await runCli(['db', 'index', '--check', NSWG_VULN]);
  assert.equal(ok.exit, 0, ok.stdout);
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-index-'));
  try {
    await cp(NSWG_VULN, join(dir, 'vuln'), { recursive: true });
    const original = await readFile(join(dir, 'vuln', 'core', 'index.json'), 'utf8');
    const rec = JSON.parse(await readFile(join(dir, 'vuln', 'core', '5.json'), 'utf8'));
    await writeFile(join(dir, 'vuln', 'core', '5.json'), JSON.stringify({ ...rec, severity: 'low' }, null, 2));
    const stale = await runCli(['db', 'index', '--check', '--format', 'json', join(dir, 'vuln')]);
    assert.equal(stale.exit, 1);
    assert.deepEqual((JSON.parse(stale.stdout).indexes as { kind: string; status: string }[]).map((i) => [i.kind, i.status]), [['core', 'stale'], ['npm', 'up to date'], ['deps', 'up to date']]);
    await writeFile(join(dir, 'vuln', 'core', '5.json'), JSON.stringify(rec, null, 2));
    await rm(join(dir, 'vuln', 'deps', 'index.json'));
    await writeFile(join(dir, 'vuln', 'core', 'index.json'), '{}');
    const w = await runCli(['db', 'index', dir]);
    assert.equal(w.exit, 0, w.stdout);
    assert.equal(await readFile(join(dir, 'vuln', 'core', 'index.json'), 'utf8'), original);
    assert.equal(await readFile(join(dir, 'vuln', 'deps', 'index.json'), 'utf8'), await readFile(join(NSWG_VULN, 'deps', 'index.json'), 'utf8'));
    assert.equal((await runCli(['db', 'index', '--check', dir])).exit, 0);
    await writeFile(join(dir, 'vuln', 'npm', '1.json'), '{ broken');
    const bad = await runCli(['db', 'index', dir]);
    assert.equal(bad.exit, 1);
    assert.match(bad.stdout, /npm\/1\.json:1:\d+: error: malformed JSON/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const notWg = await runCli(['db', 'index', join(OWN, 'advisory', 'osv-dir')]);
  assert.equal(notWg.exit, 3);
  assert.match(notWg.stderr, /not a WG vuln directory/);
});

test('every reported problem carries a hint', async () => {
  const r = await runCli(['db', 'validate', '--format', 'json', join(OWN, 'advisory', 'osv-dir-with-bad'), join(NSWG_VULN, 'npm', '363.json')]);
  const problems = (JSON.parse(r.stdout) as Report).files.flatMap((f) => f.problems) as { hint?: string }[];
  assert.ok(problems.length >= 4);
  for (const p of problems) assert.ok(p.hint, JSON.stringify(p));
});

test('an OSV zip is validated entry by entry, problems named zip!entry', async () => {
  const { zipSync, strToU8 } = await import('fflate');
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-validate-zip-'));
  try {
    const good = await readFile(join(OWN, 'advisory', 'osv-dir', 'GHSA-aaaa-bbbb-cccc.json'));
    await writeFile(join(dir, 'all.zip'), zipSync({ 'GHSA-aaaa-bbbb-cccc.json': good, 'bad.json': strToU8('{"id":"GHSA-x","modified":"yesterday"}'), 'broken.json': strToU8('{') }));
    const r = await runCli(['db', 'validate', '--format', 'json', 'all.zip'], { cwd: dir });
    assert.equal(r.exit, 1);
    const rep = JSON.parse(r.stdout) as Report;
    assert.deepEqual(rep.files.map((f) => [f.file, f.problems.length > 0]), [['all.zip!GHSA-aaaa-bbbb-cccc.json', false], ['all.zip!bad.json', true], ['all.zip!broken.json', true]]);
    assert.ok(rep.files[1]!.problems.some((p) => p.pointer === '/modified'));
    assert.equal(rep.files[2]!.problems[0]!.rule, 'json/syntax');
    await writeFile(join(dir, 'fake.zip'), 'not a zip');
    const fake = await runCli(['db', 'validate', 'fake.zip'], { cwd: dir });
    assert.equal(fake.exit, 1);
    assert.match(fake.stdout, /fake\.zip: error: not a readable zip archive/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a snapshot is checked for integrity and for records that export to valid OSV', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-validate-snap-'));
  try {
    assert.equal((await runCli(['db', 'build', '--from', NSWG_VULN, '--out', join(dir, 'wg.snapshot')])).exit, 0);
    const ok = await runCli(['db', 'validate', join(dir, 'wg.snapshot')]);
    assert.equal(ok.exit, 0, ok.stdout);
    assert.match(ok.stdout, /valid: 1 file, 638 records: 0 errors/);
    const bytes = await readFile(join(dir, 'wg.snapshot'));
    await writeFile(join(dir, 'cut.snapshot'), bytes.subarray(0, bytes.length - 100));
    const bad = await runCli(['db', 'validate', join(dir, 'cut.snapshot')]);
    assert.equal(bad.exit, 1);
    assert.match(bad.stdout, /cut\.snapshot: error: snapshot failed its integrity check .*\[snapshot\/integrity\]/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("OpenVEX documents: the WG's own node.openvex.json is invalid (repeated statement, a range where a purl version goes); our export is valid", async () => {
  assert.deepEqual(JSON.parse(await readFile(join(REPO, 'src', 'advisory', 'schemas', 'openvex-schema.json'), 'utf8')), JSON.parse(await readFile(join(SCHEMAS, 'openvex-schema.json'), 'utf8')));
  const r = await runCli(['db', 'validate', '--format', 'json', join(NSWG, 'vex', 'node.openvex.json')]);
  assert.equal(r.exit, 1);
  const rep = JSON.parse(r.stdout) as Report;
  assert.equal(rep.files[0]!.kind, 'openvex');
  const errors = rep.files[0]!.problems;
  assert.ok(errors.some((p) => p.rule === 'openvex/duplicate' && p.pointer === '/statements' && /144 and 143/.test(p.message)));
  assert.ok(errors.some((p) => p.rule === 'openvex/schema' && p.pointer === '/statements/46/products/0/@id'));
  const dir = await mkdtemp(join(tmpdir(), 'nodesec-vex-'));
  try {
    assert.equal((await runCli(['db', 'export', '--from', NSWG_VULN, '--format', 'openvex', '--out', join(dir, 'vex.json')])).exit, 0);
    const ours = await runCli(['db', 'validate', join(dir, 'vex.json')]);
    assert.equal(ours.exit, 0, ours.stdout);
    assert.match(ours.stdout, /valid: 1 file, \d+ records: 0 errors, 0 warnings/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an OSV id defined twice is an error at the second place, naming the first', async () => {
  const r = await runCli(['db', 'validate', '--format', 'json', join(OWN, 'advisory', 'osv-dir'), join(OWN, 'advisory', 'osv-ecosystem-layout')], { cwd: join(OWN, 'advisory') });
  assert.equal(r.exit, 1);
  const dups = (JSON.parse(r.stdout) as Report).files.flatMap((f) => f.problems).filter((p) => p.rule === 'osv/duplicate-id');
  assert.equal(dups.length, 1);
  assert.equal(dups[0]!.file, join('osv-ecosystem-layout', 'npm', 'GHSA-aaaa-bbbb-cccc.json'));
  assert.equal(dups[0]!.pointer, '/id');
  assert.match(dups[0]!.message, /already defined in osv-dir\/GHSA-aaaa-bbbb-cccc\.json#\/id/);
});
