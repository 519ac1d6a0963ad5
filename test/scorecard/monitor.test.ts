import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { NSWG, OWN } from '../helpers/paths.ts';

const WG = join(NSWG, 'ossf_scorecard');
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((ok) => server.close(() => ok())) };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const tmp = mkdtempSync(join(tmpdir(), 'nodesec-monitor-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const ENV = { NO_COLOR: '1', NODESEC_BACKOFF_MS: '1' };

const sha = (c: string) => c.repeat(40).slice(0, 40);
const api = (repo: string, score: number, commit: string, date: string, checks?: Record<string, number>) => ({
  date,
  repo: { name: `github.com/acme/${repo}`, commit },
  scorecard: { version: 'v5.3.0', commit: sha('c') },
  score,
  ...(checks && { checks: Object.entries(checks).map(([name, s]) => ({ name, score: s, reason: '', details: null, documentation: { short: '', url: '' } })) }),
});

describe('nodesec scorecard monitor: the WG files', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  const fixtures = join(OWN, 'scorecard', 'api', 'nodejs');
  before(async () => {
    server = await serve((req, res) => {
      const m = /^\/projects\/github\.com\/nodejs\/([^/?]+)$/.exec(req.url ?? '');
      const file = m && readdirSync(fixtures).includes(`${decodeURIComponent(m[1]!)}.json`) ? join(fixtures, `${decodeURIComponent(m[1]!)}.json`) : undefined;
      if (!file) return json(res, 404, { code: 404, message: 'not found' });
      json(res, 200, JSON.parse(readFileSync(file, 'utf8')));
    });
  });
  after(() => server.close());

  test('replaying the last run reproduces report.md and database.json byte for byte', async () => {
    // The database as it was before that run: rows whose score changed had `current` pushed by it.
    const wgDb = readFileSync(join(WG, 'database.json'), 'utf8');
    const wgReport = readFileSync(join(WG, 'report.md'), 'utf8');
    const before = JSON.parse(wgDb);
    const changed = wgReport.split('\n').filter((l) => /^\| \[nodejs\//.test(l) && !/\| 0 \/ \[Details\]/.test(l)).map((l) => /nodejs\/([^\]]+)\]/.exec(l)![1]!);
    assert.equal(changed.length, 19);
    for (const r of changed) before['github.com'].nodejs[r].current = before['github.com'].nodejs[r].previous.pop();
    const db = join(tmp, 'wg-db.json');
    const report = join(tmp, 'wg-report.md');
    writeFileSync(db, JSON.stringify(before, null, 2));
    writeFileSync(report, wgReport.replace(/\| \[nodejs[^\n]*\n/g, '')); // the previous table, emptied
    const issue = join(tmp, 'wg-issue.md');
    const r = await runCli(['scorecard', 'monitor', '--scope', join(WG, 'scope.json'), '--database', db, '--report', report, '--issue', issue, '--scorecard-api', server.url, '--concurrency', '4'], { env: ENV });
    assert.equal(r.exit, 0, r.stderr);
    assert.equal(readFileSync(report, 'utf8'), wgReport);
    assert.equal(readFileSync(db, 'utf8'), wgDb);
    assert.equal(server.hits.length, 38);
    const body = readFileSync(issue, 'utf8');
    assert.match(body, /\| \[nodejs\/nan\]\(https:\/\/github\.com\/nodejs\/nan\) \| \[675cefe\]\([^)]+\) \| 5\.4 \| -0\.6 \|/);
    assert.equal(body.split('\n').filter((l) => l.startsWith('| [nodejs/')).length, 19);
    assert.match(r.stdout, /38 repositories scored, 19 changed/);
  });

  test('--offline renders from database.json alone: the rows of the repositories that changed in the last run are the WG\'s rows', async () => {
    const db = join(tmp, 'wg-db-off.json');
    copyFileSync(join(WG, 'database.json'), db);
    const report = join(tmp, 'wg-report-off.md');
    const html = join(tmp, 'wg-off.html');
    const r = await runCli(['scorecard', 'monitor', '--scope', join(WG, 'scope.json'), '--database', db, '--report', report, '--html', html, '--offline', '--scorecard-api', 'http://127.0.0.1:1'], { env: ENV });
    assert.equal(r.exit, 0, r.stderr);
    assert.equal(readFileSync(db, 'utf8'), readFileSync(join(WG, 'database.json'), 'utf8'));
    const rows = (t: string) => new Map(t.split('\n').filter((l) => l.startsWith('| [nodejs/')).map((l) => [/nodejs\/([^\]]+)\]/.exec(l)![1]!, l]));
    const wg = rows(readFileSync(join(WG, 'report.md'), 'utf8'));
    const ours = rows(readFileSync(report, 'utf8'));
    assert.equal(ours.size, 38);
    let same = 0;
    for (const [repo, line] of wg) {
      if (/\| 0 \/ \[Details\]/.test(line)) continue; // unchanged in that run: its date and commit came from the API
      assert.equal(ours.get(repo), line, repo);
      same++;
    }
    assert.equal(same, 19);
    assert.match(readFileSync(html, 'utf8'), /38 repositories/);
  });

  test('a second run with the same answers changes nothing and writes nothing', async () => {
    const db = join(tmp, 'wg-db2.json');
    const report = join(tmp, 'wg-report2.md');
    copyFileSync(join(WG, 'database.json'), db);
    writeFileSync(report, 'kept\n');
    const r = await runCli(['scorecard', 'monitor', '--scope', join(WG, 'scope.json'), '--database', db, '--report', report, '--scorecard-api', server.url], { env: ENV });
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /database unchanged/);
    assert.equal(readFileSync(report, 'utf8'), 'kept\n');
  });
});

describe('nodesec scorecard monitor: history, retries, failures', () => {
  test('per-check history: which check changed, at which commit, even when the aggregate did not', async () => {
    let round = 1;
    const server = await serve((req, res) => {
      if (req.url === '/projects/github.com/acme/app') {
        return json(res, 200, round === 1
          ? api('app', 6.5, sha('a'), '2026-01-05', { 'Token-Permissions': 0, 'Pinned-Dependencies': 5, License: 10 })
          : api('app', 6.5, sha('b'), '2026-02-02', { 'Token-Permissions': 10, 'Pinned-Dependencies': 2, License: 10 }));
      }
      json(res, 404, {});
    });
    const scope = join(tmp, 'acme-scope.json');
    writeFileSync(scope, JSON.stringify({ 'github.com': { acme: { included: ['app'], excluded: [] } } }));
    const db = join(tmp, 'acme-db.json');
    const report = join(tmp, 'acme-report.md');
    writeFileSync(report, '# Our security\n\nIntro text.\n');
    const args = ['scorecard', 'monitor', '--scope', scope, '--database', db, '--report', report, '--scorecard-api', server.url, '--issue', join(tmp, 'acme-issue.md'), '--html', join(tmp, 'acme.html')];
    assert.equal((await runCli(args, { env: ENV })).exit, 0);
    round = 2;
    const r = await runCli([...args, '-f', 'json'], { env: ENV });
    await server.close();
    assert.equal(r.exit, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.scores[0].changes.map((c: { check: string; from: number; to: number; commit: string }) => [c.check, c.from, c.to, c.commit]), [
      ['Pinned-Dependencies', 5, 2, sha('b')],
      ['Token-Permissions', 0, 10, sha('b')],
    ]);
    const saved = JSON.parse(readFileSync(db, 'utf8'));
    const h = saved['github.com'].acme.app;
    // Readable by the monitor: previous[] and current with score/date/commit; checks ride along.
    assert.deepEqual(h.previous.map((e: { commit: string }) => e.commit), [sha('a')]);
    assert.deepEqual(Object.keys(h.current), ['score', 'date', 'commit', 'checks']);
    assert.equal(h.current.checks['Token-Permissions'], 10);
    // The monitor validates database.json with its JSON schema (schemas/database.json, restated
    // here) before it reads it: the per-check additions must pass.
    const { Ajv } = await import('ajv');
    const entry = { type: 'object', required: ['score', 'date', 'commit'], properties: { score: { type: 'number', minimum: 0, maximum: 10 }, date: { type: 'string' }, commit: { type: 'string', pattern: '^[a-f0-9]{40}$' } } };
    const monitorSchema = {
      type: 'object', required: ['github.com'], additionalProperties: false,
      properties: { 'github.com': { type: 'object', patternProperties: { '^[a-zA-Z0-9-_.]+/[a-zA-Z0-9-_.]+$': { type: 'object' } } } },
    };
    assert.ok(new Ajv({ strict: false }).validate(monitorSchema, saved));
    // and what the monitor's code reads is there, of the types it expects
    for (const e of [...h.previous, h.current]) assert.ok(new Ajv({ strict: false }).validate(entry, e));
    const md = readFileSync(report, 'utf8');
    assert.ok(md.startsWith('# Our security\n\nIntro text.\n\n<!-- OPENSSF-SCORECARD-MONITOR:START -->\n'), md);
    assert.match(md, /\| \[acme\/app\]\(https:\/\/github\.com\/acme\/app\) \| \[bbbbbbb\]\([^)]+\) \| 6\.5 \| 2026-02-02 \| 0 \/ \[Details\]\(https:\/\/ossf\.github\.io\/scorecard-visualizer\/#\/projects\/github\.com\/acme\/app\/compare\/a{40}\/b{40}\) \|/);
    const issue = readFileSync(join(tmp, 'acme-issue.md'), 'utf8');
    assert.match(issue, /\| acme\/app \| \[Token-Permissions\]\([^)]+\) \| 0 \| 10 \| \[bbbbbbb\]/);
    const html = readFileSync(join(tmp, 'acme.html'), 'utf8');
    assert.match(html, /<svg /);
    assert.match(html, /id="acme-app"/);
    assert.match(html, /Token-Permissions<\/td><td>0<\/td><td class="up">10<\/td>/);
  });

  test('--create-issue opens the issue through the GitHub API with the token, only when something changed', async () => {
    const posts: { auth: string | undefined; body: { title: string; body: string; labels: string[] } }[] = [];
    let score = 5;
    const server = await serve((req, res) => {
      if (req.method === 'POST' && req.url === '/repos/acme/security/issues') {
        let data = '';
        req.on('data', (c) => (data += c));
        req.on('end', () => {
          posts.push({ auth: req.headers.authorization, body: JSON.parse(data) });
          json(res, 201, { number: 7, html_url: 'https://github.com/acme/security/issues/7' });
        });
        return;
      }
      json(res, 200, api('lib', score, sha(String(score)), '2026-03-0' + score));
    });
    const scope = join(tmp, 'i-scope.json');
    writeFileSync(scope, JSON.stringify({ 'github.com': { acme: { included: ['lib'], excluded: [] } } }));
    const args = ['scorecard', 'monitor', '--scope', scope, '--database', join(tmp, 'i-db.json'), '--report', join(tmp, 'i.md'), '--scorecard-api', server.url, '--github-api', server.url, '--create-issue', 'acme/security', '--issue-labels', 'security,scorecard'];
    const env = { ...ENV, GITHUB_TOKEN: 'ghs_test' };
    const first = await runCli(args, { env });
    assert.equal(first.exit, 0, first.stderr); // first run: nothing to compare with, no issue
    assert.equal(posts.length, 0);
    score = 6;
    const r = await runCli(args, { env });
    assert.equal(r.exit, 0, r.stderr);
    assert.match(r.stdout, /opened issue https:\/\/github\.com\/acme\/security\/issues\/7/);
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.auth, 'Bearer ghs_test');
    assert.equal(posts[0]!.body.title, 'OpenSSF Scorecard Report Updated!');
    assert.deepEqual(posts[0]!.body.labels, ['security', 'scorecard']);
    assert.match(posts[0]!.body.body, /\| \[acme\/lib\]\(https:\/\/github\.com\/acme\/lib\) \| \[6666666\]\([^)]+\) \| 6 \| 1 \|/);
    const noToken = await runCli(args, { env: ENV });
    await server.close();
    assert.equal(noToken.exit, 0, noToken.stderr); // unchanged now: no issue needed, so no token needed
    assert.equal(posts.length, 1);
  });

  test('429 and 503 are retried with backoff (Retry-After honoured); 404 is skipped; a persistent 500 fails that repository only', async () => {
    const counts: Record<string, number> = {};
    const server = await serve((req, res) => {
      const u = req.url ?? '';
      counts[u] = (counts[u] ?? 0) + 1;
      if (u.endsWith('/flaky')) return counts[u]! < 3 ? json(res, counts[u] === 1 ? 429 : 503, {}, { 'retry-after': '0' }) : json(res, 200, api('flaky', 7, sha('1'), '2026-03-01'));
      if (u.endsWith('/gone')) return json(res, 404, {});
      if (u.endsWith('/broken')) return json(res, 500, {});
      json(res, 200, api('ok', 5, sha('2'), '2026-03-01'));
    });
    const scope = join(tmp, 'r-scope.json');
    writeFileSync(scope, JSON.stringify({ 'github.com': { acme: { included: ['flaky', 'gone', 'broken', 'ok'], excluded: [] } } }));
    const r = await runCli(['scorecard', 'monitor', '--scope', scope, '--database', join(tmp, 'r-db.json'), '--report', join(tmp, 'r.md'), '--scorecard-api', server.url, '--retries', '2', '-f', 'json'], { env: ENV });
    await server.close();
    assert.equal(r.exit, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.scores.map((s: { repo: string }) => s.repo), ['flaky', 'ok']);
    assert.equal(counts['/projects/github.com/acme/flaky'], 3);
    assert.equal(counts['/projects/github.com/acme/broken'], 3); // first try + 2 retries
    assert.deepEqual(out.skipped.map((s: { repo: string }) => s.repo), ['gone']);
    assert.match(out.failed[0].error, /ERR_UPSTREAM_HTTP.*HTTP 500/);
    assert.match(r.stderr, /error: acme\/broken: \[ERR_UPSTREAM_HTTP\]/);
  });

  test('every repository failing exits 4; a malformed scope exits 2 with the pointer', async () => {
    const server = await serve((_req, res) => json(res, 502, {}));
    const scope = join(tmp, 'f-scope.json');
    writeFileSync(scope, JSON.stringify({ 'github.com': { acme: { included: ['a'], excluded: [] } } }));
    const r = await runCli(['scorecard', 'monitor', '--scope', scope, '--database', join(tmp, 'f-db.json'), '--report', join(tmp, 'f.md'), '--scorecard-api', server.url, '--retries', '0'], { env: ENV });
    await server.close();
    assert.equal(r.exit, 4);
    writeFileSync(scope, JSON.stringify({ 'github.com': { acme: { included: 'a' } } }));
    const bad = await runCli(['scorecard', 'monitor', '--scope', scope, '--database', join(tmp, 'f-db.json'), '--report', join(tmp, 'f.md')], { env: ENV });
    assert.equal(bad.exit, 2);
    assert.match(bad.stderr, /ERR_SCORECARD_SCOPE\] .*#\/github\.com\/acme\/included/);
  });

  test('discovery over the WG scope follows GitHub\'s Link pagination and adds only the new, active, non-fork repository', async () => {
    const pages = join(OWN, 'scorecard', 'github');
    const server = await serve((req, res) => {
      const next = `<http://${req.headers.host}/orgs/nodejs/repos?type=public&per_page=100&page=2>`;
      if (req.url === '/orgs/nodejs/repos?type=public&per_page=100') {
        return json(res, 200, JSON.parse(readFileSync(join(pages, 'orgs-nodejs-repos-page1.json'), 'utf8')), { link: `${next}; rel="next", ${next}; rel="last"` });
      }
      if (req.url === '/orgs/nodejs/repos?type=public&per_page=100&page=2') return json(res, 200, JSON.parse(readFileSync(join(pages, 'orgs-nodejs-repos-page2.json'), 'utf8')));
      json(res, 404, {});
    });
    const scope = join(tmp, 'wg-scope.json');
    copyFileSync(join(WG, 'scope.json'), scope);
    const r = await runCli(['scorecard', 'monitor', '--scope', scope, '--database', join(tmp, 'wgd.json'), '--report', join(tmp, 'wgd.md'), '--discover', 'nodejs', '--github-api', server.url, '--scorecard-api', server.url, '--dry-run', '-f', 'json'], { env: ENV });
    await server.close();
    assert.equal(r.exit, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).discovered, ['nodejs/new-tool']);
  });

  test('discovery adds the org\'s public, active, non-fork repositories and keeps exclusions', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/orgs/acme/repos?type=public&per_page=100') {
        return json(res, 200, [{ name: 'app' }, { name: 'old', archived: true }, { name: 'fork', fork: true }, { name: 'zeta' }, { name: 'skip-me' }]);
      }
      if (req.url?.startsWith('/projects/')) return json(res, 200, api('x', 5, sha('3'), '2026-03-01'));
      json(res, 404, {});
    });
    const scope = join(tmp, 'd-scope.json');
    writeFileSync(scope, JSON.stringify({ 'github.com': { acme: { included: ['app'], excluded: ['skip-me'] } } }));
    const r = await runCli(['scorecard', 'monitor', '--scope', scope, '--database', join(tmp, 'd-db.json'), '--report', join(tmp, 'd.md'), '--discover', 'acme', '--github-api', server.url, '--scorecard-api', server.url], { env: ENV });
    await server.close();
    assert.equal(r.exit, 0, r.stderr);
    assert.deepEqual(JSON.parse(readFileSync(scope, 'utf8')), { 'github.com': { acme: { included: ['app', 'zeta'], excluded: ['skip-me'] } } });
    assert.match(r.stdout, /discovered acme\/zeta/);
  });
});
