/** `scorecard check github.com/<owner>/<repo>` through a loopback GitHub REST API (zipball). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { zipSync, strToU8 } from 'fflate';
import { runCli } from '../helpers/cli.ts';
import { parseGithubTarget } from '../../src/scorecard/sources/github.ts';

const SHA = 'c'.repeat(40);
const top = `acme-widget-${SHA.slice(0, 7)}/`;

describe('scorecard check on a GitHub repository', () => {
  let url = '';
  const hits: string[] = [];
  let pvr = true;
  let close: () => Promise<void>;
  before(async () => {
    const zip = zipSync({
      [`${top}LICENSE`]: strToU8('Permission is hereby granted, free of charge, to any person obtaining a copy'),
      [`${top}.github/workflows/ci.yml`]: strToU8('on: push\npermissions: read-all\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n'),
      [`${top}bin/tool.exe`]: new Uint8Array([0x4d, 0x5a, 0, 0, 0]),
    });
    const server = createServer((req, res) => {
      hits.push(`${req.url} ${req.headers.authorization ?? ''}`);
      const send = (status: number, body: unknown, type = 'application/json') => res.writeHead(status, { 'content-type': type }).end(body instanceof Uint8Array ? body : JSON.stringify(body));
      switch (req.url) {
        case '/repos/acme/widget': return send(200, { full_name: 'acme/widget', default_branch: 'main' });
        case '/repos/acme/widget/commits/main': return send(200, { sha: SHA });
        case `/repos/acme/widget/zipball/${SHA}`: return send(200, zip, 'application/zip');
        case '/repos/acme/widget/private-vulnerability-reporting': return send(200, { enabled: pvr });
        case '/repos/acme/.github/git/trees/HEAD?recursive=1': return send(200, { tree: [{ path: 'SECURITY.md', type: 'blob' }, { path: 'profile/README.md', type: 'blob' }] });
        case '/repos/acme/.github/contents/SECURITY.md': return send(200, { encoding: 'base64', content: Buffer.from('Report vulnerabilities to security@acme.dev. We disclose within 90 days.\n').toString('base64') });
        default: return send(404, { message: 'Not Found' });
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    close = () => new Promise((ok) => server.close(() => ok()));
  });
  after(() => close());

  test('reads the head commit through the API, with the org policy and private reporting only the API knows', async () => {
    const r = await runCli(['scorecard', 'check', 'github.com/acme/widget', '--github-api', url, '-f', 'json'], { env: { NO_COLOR: '1', GITHUB_TOKEN: 'ghs_x' } });
    assert.equal(r.exit, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.repo, { name: 'github.com/acme/widget', commit: SHA });
    const by = Object.fromEntries(j.checks.map((c: { name: string; score: number }) => [c.name, c.score]));
    assert.equal(by['Binary-Artifacts'], 9);
    assert.equal(by.License, 10);
    assert.equal(by['Token-Permissions'], 10);
    // org policy: links 5 (private reporting known) + text 2 + disclosure 1 + private reporting 2
    assert.equal(by['Security-Policy'], 10);
    const sp = j.checks.find((c: { name: string }) => c.name === 'Security-Policy');
    assert.ok(sp.evidence.some((e: { location?: { file: string } }) => e.location?.file === 'github.com/acme/.github/SECURITY.md'));
    assert.ok(hits.every((h) => h.endsWith('Bearer ghs_x')));
  });

  test('private reporting disabled costs its 2 points (and links weigh 5): 8', async () => {
    pvr = false;
    const r = await runCli(['scorecard', 'check', 'github.com/acme/widget', '--github-api', url, '-c', 'Security-Policy', '-f', 'json'], { env: { NO_COLOR: '1' } });
    pvr = true;
    assert.equal(JSON.parse(r.stdout).checks[0].score, 8);
  });

  test('monitor --github-checks scores the org with nodesec through the API and keeps per-check history', async () => {
    const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'nodesec-ghc-'));
    writeFileSync(join(dir, 'scope.json'), JSON.stringify({ 'github.com': { acme: { included: ['widget', 'nope'], excluded: [] } } }));
    const r = await runCli(['scorecard', 'monitor', '--scope', join(dir, 'scope.json'), '--database', join(dir, 'db.json'), '--report', join(dir, 'r.md'), '--github-checks', '--github-api', url], { env: { NO_COLOR: '1' }, now: () => new Date('2026-06-01T00:00:00Z') });
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stderr, /warning: acme\/nope: no Scorecard result/);
    const cur = JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8'))['github.com'].acme.widget.current;
    assert.equal(cur.commit, SHA);
    assert.equal(cur.checks['Binary-Artifacts'], 9);
    assert.equal(cur.checks['Security-Policy'], 10);
    rmSync(dir, { recursive: true, force: true });
  });

  test('an unknown repository is an input error; targets parse strictly', async () => {
    const r = await runCli(['scorecard', 'check', 'github.com/acme/nope', '--github-api', url], { env: { NO_COLOR: '1' } });
    assert.equal(r.exit, 3);
    assert.match(r.stderr, /GitHub has no repository acme\/nope/);
    assert.deepEqual(parseGithubTarget('https://github.com/nodejs/undici.git'), { owner: 'nodejs', repo: 'undici' });
    assert.equal(parseGithubTarget('github.com/nodejs'), undefined);
    assert.equal(parseGithubTarget('./github.com/a/b'), undefined);
  });
});
