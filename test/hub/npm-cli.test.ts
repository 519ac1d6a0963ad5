/**
 * The real npm CLI (npm 11 on this machine) against the hub on a loopback socket:
 * `npm audit --registry <hub>` must report the hub's advisories. Packuments come from a fake
 * upstream registry on loopback (recorded JSON), through the hub's pass-through, so the test
 * never needs the internet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openAdvisorySource } from '../../src/advisory/index.ts';
import { NSWG_VULN } from '../helpers/paths.ts';
import { HUB_FIXTURES, memoryHub } from './helpers.ts';

const NPM = '/usr/bin/npm';
const run = promisify(execFile);

interface FakeRegistry {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

async function fakeRegistry(): Promise<FakeRegistry> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers['if-none-match'] ?? ''}`.trim());
    const name = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]!);
    const file = join(HUB_FIXTURES, 'registry', `${name.replace('/', '__')}.json`);
    if (!/^[@a-z0-9._/-]+$/.test(name) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    const etag = `"${name}-v1"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

interface NpmAuditJson {
  vulnerabilities: Record<string, { severity: string; fixAvailable: unknown; via: { title: string; url: string; source: number; range: string }[] }>;
  metadata: { vulnerabilities: Record<string, number> };
}

/** Runs the real `npm audit --json` in a copy of a fixture project against the hub. */
async function npmAudit(project: string, registry: string): Promise<NpmAuditJson> {
  const dir = mkdtempSync(join(tmpdir(), 'nodesec-npm-'));
  try {
    cpSync(join(HUB_FIXTURES, project), join(dir, 'project'), { recursive: true });
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      npm_config_cache: join(dir, 'cache'),
      npm_config_userconfig: join(dir, 'npmrc'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit_level: 'none',
    };
    const r = await run(NPM, ['audit', '--json', '--registry', registry], { cwd: join(dir, 'project'), env, timeout: 50_000 }).catch((e: { stdout?: string }) => e);
    return JSON.parse(String(r.stdout)) as NpmAuditJson;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const skip = !existsSync(NPM) && 'npm not installed';

test('npm audit --registry <hub> reports the hub advisory for lodash@4.17.4', { skip, timeout: 60_000 }, async () => {
  const upstream = await fakeRegistry();
  const { app } = await memoryHub(undefined, { config: { upstreamRegistry: upstream.url } });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const report = await npmAudit('npm-project', `${address}/`);
    const lodash = report.vulnerabilities.lodash;
    assert.ok(lodash, `npm reported: ${JSON.stringify(report)}`);
    assert.equal(lodash.severity, 'critical');
    assert.equal(lodash.via[0]!.title, 'Prototype Pollution in lodash');
    assert.equal(lodash.via[0]!.range, '<4.17.12');
    assert.equal(lodash.via[0]!.url, 'https://nvd.nist.gov/vuln/detail/CVE-2019-10744');
    assert.equal(report.metadata.vulnerabilities.critical, 1);
    // npm computed the fix from the packument it fetched through the hub
    assert.ok(lodash.fixAvailable, JSON.stringify(lodash.fixAvailable));
    assert.ok(upstream.hits.some((h) => h.startsWith('GET /lodash')), upstream.hits.join('\n'));
  } finally {
    await app.close();
    await upstream.close();
  }
});

test('npm audit against a hub loaded with the WG database reports NSWG-ECO-1 for bassmaster@1.5.1', { skip, timeout: 60_000 }, async () => {
  const wg = await openAdvisorySource(NSWG_VULN, { env: {} });
  const upstream = await fakeRegistry();
  const { app } = await memoryHub([...wg.all()], { config: { upstreamRegistry: upstream.url } });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const report = await npmAudit('npm-project-wg', `${address}/`);
    const b = report.vulnerabilities.bassmaster;
    assert.ok(b, `npm reported: ${JSON.stringify(report)}`);
    assert.equal(b.via[0]!.title, 'Arbitrary JavaScript Execution');
    assert.equal(b.via[0]!.source, 1, 'the WG number is the npm advisory id');
    assert.equal(b.severity, 'moderate', 'CVSS 6.5');
    assert.equal(b.fixAvailable, true, 'bassmaster 1.5.2 is within ^1.5.0');
  } finally {
    await app.close();
    await upstream.close();
  }
});
