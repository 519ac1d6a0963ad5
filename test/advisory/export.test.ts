import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { unzipSync } from 'fflate';
import { runCli } from '../helpers/cli.ts';
import { NSWG, NSWG_VULN, SCHEMAS } from '../helpers/paths.ts';
import { openAdvisorySource } from '../../src/advisory/index.ts';

const addFormats = addFormatsModule as unknown as (a: Ajv) => void;
const schema = async (name: string) => JSON.parse(await readFile(join(SCHEMAS, name), 'utf8'));
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodesec-export-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('osv: one file per advisory, every one valid against the OSV schema, all.zip holds the same files', async () => {
  const r = await runCli(['db', 'export', '--from', NSWG_VULN, '--format', 'osv', '--out', join(dir, 'osv')]);
  assert.equal(r.exit, 0, r.stderr);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv as unknown as Ajv);
  const validate = ajv.compile(await schema('osv-schema.json'));
  const files = (await readdir(join(dir, 'osv'))).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 638);
  for (const f of files) {
    const rec = JSON.parse(await readFile(join(dir, 'osv', f), 'utf8'));
    assert.ok(validate(rec as unknown), `${f}: ${JSON.stringify(validate.errors)}`);
    assert.equal(`${rec.id}.json`, f);
  }
  const core = JSON.parse(await readFile(join(dir, 'osv', 'x_NSWG-COR-171.json'), 'utf8'));
  assert.deepEqual(core.aliases, ['NSWG-COR-171', 'CVE-2026-21717'], 'the WG id stays as an alias');
  assert.deepEqual(core.affected[0].package, { ecosystem: 'GIT', name: 'https://github.com/nodejs/node', purl: 'pkg:github/nodejs/node' });
  const zip = unzipSync(await readFile(join(dir, 'osv', 'all.zip')));
  assert.deepEqual(Object.keys(zip).sort(), files.sort());
  // read back: Node.js ecosystem restored, WG ids findable
  const back = await openAdvisorySource(join(dir, 'osv', 'all.zip'), { env: {} });
  assert.equal(back.byId('NSWG-COR-171')?.affected?.[0]?.package?.ecosystem, 'Node.js');
  assert.equal(back.byPackage('Node.js', 'node').length, 171);
});

test('osv --id-prefix chooses the local prefix', async () => {
  const r = await runCli(['db', 'export', '--from', join(NSWG_VULN, 'core', '1.json'), '--format', 'osv', '--out', join(dir, 'osv-prefix'), '--id-prefix', 'x_nodesec-']);
  assert.equal(r.exit, 0, r.stderr);
  assert.deepEqual((await readdir(join(dir, 'osv-prefix'))).sort(), ['all.zip', 'x_nodesec-NSWG-COR-1.json']);
});

test('nswg: WG → snapshot → WG gives back every file deep-equal, and core/deps index.json byte-identical', async () => {
  const snap = join(dir, 'wg.snapshot');
  assert.equal((await runCli(['db', 'build', '--from', NSWG, '--out', snap])).exit, 0);
  const r = await runCli(['db', 'export', '--from', snap, '--format', 'nswg', '--out', join(dir, 'nswg')]);
  assert.equal(r.exit, 0, r.stderr);
  assert.match(r.stdout, /644 WG records/);
  let n = 0;
  for (const kind of ['core', 'npm', 'deps']) {
    for (const f of await readdir(join(NSWG_VULN, kind))) {
      const a = JSON.parse(await readFile(join(NSWG_VULN, kind, f), 'utf8'));
      const b = JSON.parse(await readFile(join(dir, 'nswg', kind, f), 'utf8'));
      assert.ok(isDeepStrictEqual(a, b), `${kind}/${f}`);
      n++;
    }
  }
  assert.equal(n, 647);
  for (const kind of ['core', 'deps']) {
    assert.equal(await readFile(join(dir, 'nswg', kind, 'index.json'), 'utf8'), await readFile(join(NSWG_VULN, kind, 'index.json'), 'utf8'));
  }
});

test('openvex: valid OpenVEX 0.2.0, unique statements, and every CVE of the WG document with a consistent status', async () => {
  const out = join(dir, 'node.openvex.json');
  const r = await runCli(['db', 'export', '--from', NSWG_VULN, '--format', 'openvex', '--out', out], { now: () => new Date('2026-04-08T00:00:00Z') });
  assert.equal(r.exit, 0, r.stderr);
  const doc = JSON.parse(await readFile(out, 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv as unknown as Ajv);
  ajv.addFormat('iri', true);
  const validate = ajv.compile(await schema('openvex-schema.json'));
  assert.ok(validate(doc as unknown), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(doc.timestamp, '2026-04-08T00:00:00.000Z');
  // the WG's own document is NOT valid (it repeats a statement): ours must not be like it
  const wg = JSON.parse(await readFile(join(NSWG, 'vex', 'node.openvex.json'), 'utf8'));
  assert.equal(validate(wg), false);
  for (const s of wg.statements) {
    const ours = doc.statements.filter((x: { vulnerability: { name: string }; status: string }) => x.vulnerability.name === s.vulnerability.name && x.status === s.status);
    assert.equal(ours.length, 1, `${s.vulnerability.name} ${s.status}`);
    const products = new Set(ours[0].products.map((p: { '@id': string }) => p['@id']));
    for (const p of s.products) {
      // the WG uses the unregistered purl type pkg:nodejs; its generator also writes "v>= 10.9.0" for a ">= 10.9.0" range
      const want = (p['@id'] as string).replace('pkg:nodejs/node', 'pkg:github/nodejs/node').replace('@v>= ', '@v');
      assert.ok(products.has(want), `${s.vulnerability.name}: ${want}`);
    }
    if (s.status === 'not_affected') assert.equal(ours[0].justification, s.justification);
  }
  // affected statements per release line carry the required action statement
  const affected = doc.statements.find((s: { vulnerability: { name: string }; status: string }) => s.vulnerability.name === 'CVE-2026-21717' && s.status === 'affected');
  assert.deepEqual(affected.products.map((p: { '@id': string }) => p['@id']), ['pkg:github/nodejs/node@v20.x', 'pkg:github/nodejs/node@v22.x', 'pkg:github/nodejs/node@v24.x', 'pkg:github/nodejs/node@v25.x']);
  assert.match(affected.action_statement, /20\.x: upgrade to v20\.20\.2 or later/);
  // records without a CVE are kept under their WG id
  assert.ok(doc.statements.some((s: { vulnerability: { name: string } }) => s.vulnerability.name === 'NSWG-COR-2'));
  // npm advisories are about other products
  assert.ok(!doc.statements.some((s: { vulnerability: { name: string } }) => s.vulnerability.name === 'CVE-2014-7205'));
});

test('cve5: one CVE JSON 5 record per CVE, each valid against the bundled CVE schema', async () => {
  const r = await runCli(['db', 'export', '--from', NSWG_VULN, '--format', 'cve5', '--out', join(dir, 'cve'), '--cna-org-id', '1e3f6c3f-2b4c-4d5e-8f9a-0b1c2d3e4f50']);
  assert.equal(r.exit, 0, r.stderr);
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(await schema('cve-record-format-5-bundled.json'));
  const files = await readdir(join(dir, 'cve'));
  assert.ok(files.length > 300);
  for (const f of files) {
    const rec = JSON.parse(await readFile(join(dir, 'cve', f), 'utf8'));
    assert.ok(validate(rec as unknown), `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  // CVE-2024-27980 is in two core records (141, 150): one CVE record, affected and references united
  const shared = JSON.parse(await readFile(join(dir, 'cve', 'CVE-2024-27980.json'), 'utf8'));
  assert.equal(shared.containers.cna.x_generator.source, 'NSWG-COR-141');
  const wgRefs = shared.containers.cna.references.map((r: { url: string }) => r.url).filter((u: string) => u.includes('security-wg'));
  assert.deepEqual(wgRefs.sort(), ['141', '150'].map((n) => `https://github.com/nodejs/security-wg/blob/main/vuln/core/${n}.json`));
  const rec = JSON.parse(await readFile(join(dir, 'cve', 'CVE-2026-21717.json'), 'utf8'));
  assert.equal(rec.cveMetadata.assignerOrgId, '1e3f6c3f-2b4c-4d5e-8f9a-0b1c2d3e4f50');
  assert.deepEqual(rec.containers.cna.affected[0].versions[0], { version: '20.0.0', status: 'affected', lessThan: '20.20.2', versionType: 'semver' });
});

test('export: a missing --format, an id prefix that makes invalid OSV ids, or a missing source is refused', async () => {
  const prefix = await runCli(['db', 'export', '--from', NSWG_VULN, '--format', 'osv', '--out', join(dir, 'p'), '--id-prefix', 'nswg-']);
  assert.equal(prefix.exit, 2);
  assert.match(prefix.stderr, /--id-prefix "nswg-" does not make valid OSV ids/);
  assert.equal((await runCli(['db', 'export', '--from', NSWG_VULN, '--out', dir])).exit, 2);
  const missing = await runCli(['db', 'export', '--from', join(dir, 'nope'), '--format', 'osv', '--out', join(dir, 'x')]);
  assert.equal(missing.exit, 3);
  assert.match(missing.stderr, /ERR_INPUT_NOT_FOUND/);
});
