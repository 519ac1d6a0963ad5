/** Monitor sweeps as pg-boss jobs on the real PostgreSQL (test/helpers/postgres.ts). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from '../helpers/cli.ts';
import { freshSchema, postgresSkip, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { runWorker } from '../../src/scorecard/monitor/jobs.ts';
import { scorecardApiSource } from '../../src/scorecard/monitor/run.ts';

const skip = await postgresSkip();

describe('scorecard monitor sweeps on pg-boss', { skip, timeout: 60_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nodesec-jobs-'));
  const hits: Record<string, number> = {};
  let api: { url: string; close: () => Promise<void> };
  let db: Awaited<ReturnType<typeof freshSchema>>;
  const jobSchema = `jobs_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const repos = ['a', 'b', 'c', 'd', 'gone'];

  before(async () => {
    db = await freshSchema('sc');
    const server = createServer((req, res) => {
      const u = req.url ?? '';
      hits[u] = (hits[u] ?? 0) + 1;
      const m = /\/projects\/github\.com\/acme\/([a-z]+)$/.exec(u);
      if (!m || m[1] === 'gone') return res.writeHead(404).end('{}');
      const n = repos.indexOf(m[1]!);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        date: '2026-04-01', repo: { name: `github.com/acme/${m[1]}`, commit: String(n + 1).repeat(40) }, score: 4 + n,
        checks: [{ name: 'Token-Permissions', score: n * 2 }, { name: 'License', score: 10 }],
      }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    api = { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((ok) => server.close(() => ok())) };
    writeFileSync(join(tmp, 'scope.json'), JSON.stringify({ 'github.com': { acme: { included: repos, excluded: [] } } }));
  });
  after(async () => {
    await api?.close();
    await db?.drop();
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${jobSchema}" cascade`);
    await c.end();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('two workers share a sweep; the report equals an inline run; a re-run reuses the results', async () => {
    const base = ['scorecard', 'monitor', '--scope', join(tmp, 'scope.json'), '--scorecard-api', api.url];
    const inline = await runCli([...base, '--database', join(tmp, 'inline.json'), '--report', join(tmp, 'inline.md')], { env: { NO_COLOR: '1' } });
    assert.equal(inline.exit, 0, inline.stderr);
    for (const k of Object.keys(hits)) delete hits[k];

    const sourceFor = () => scorecardApiSource(api.url, { fetch, retries: 1, backoffMs: 1 });
    const ran: number[] = [];
    const workers = [0, 1].map(() => runWorker({ url: db.url, jobSchema, concurrency: 2, sourceFor, idleExitMs: 2500 }).then((n) => ran.push(n)));
    const dist = await runCli([...base, '--database', join(tmp, 'dist.json'), '--report', join(tmp, 'dist.md'), '--database-url', db.url, '--job-schema', jobSchema, '--sweep-id', 'test-sweep', '--no-work'], { env: { NO_COLOR: '1' } });
    await Promise.all(workers);
    assert.equal(dist.exit, 0, dist.stderr);
    assert.match(dist.stderr, /sweep test-sweep: 5 jobs enqueued, 0 results reused/);
    assert.equal(readFileSync(join(tmp, 'dist.md'), 'utf8'), readFileSync(join(tmp, 'inline.md'), 'utf8'));
    assert.deepEqual(JSON.parse(readFileSync(join(tmp, 'dist.json'), 'utf8')), JSON.parse(readFileSync(join(tmp, 'inline.json'), 'utf8')));
    assert.equal(ran.reduce((a, b) => a + b, 0), 5, `jobs run per worker: ${ran}`);
    for (const r of repos) assert.equal(hits[`/projects/github.com/acme/${r}`], 1, r);
    assert.match(dist.stderr, /warning: acme\/gone: no Scorecard result/);

    // Same sweep again (the coordinator works itself this time): every result is reused, nothing is asked.
    const again = await runCli([...base, '--database', join(tmp, 'dist2.json'), '--report', join(tmp, 'dist2.md'), '--database-url', db.url, '--job-schema', jobSchema, '--sweep-id', 'test-sweep'], { env: { NO_COLOR: '1' } });
    assert.equal(again.exit, 0, again.stderr);
    assert.match(again.stderr, /sweep test-sweep: 0 jobs enqueued, 5 results reused/);
    for (const r of repos) assert.equal(hits[`/projects/github.com/acme/${r}`], 1, r);
  });

  test('the worker command runs a sweep queued by a coordinator that does not work itself', async () => {
    for (const k of Object.keys(hits)) delete hits[k];
    const worker = runCli(['scorecard', 'worker', '--database-url', db.url, '--job-schema', jobSchema, '--idle-exit', '2', '--concurrency', '2'], { env: { NO_COLOR: '1', NODESEC_PROGRESS: '1' } });
    const coord = await runCli(['scorecard', 'monitor', '--scope', join(tmp, 'scope.json'), '--scorecard-api', api.url, '--database', join(tmp, 'w.json'), '--report', join(tmp, 'w.md'), '--database-url', db.url, '--job-schema', jobSchema, '--sweep-id', 'cli-sweep', '--no-work'], { env: { NO_COLOR: '1' } });
    const w = await worker;
    assert.equal(coord.exit, 0, coord.stderr);
    assert.equal(w.exit, 0, w.stderr);
    assert.match(w.stderr, /worker stopped after 5 jobs/);
    assert.equal(readFileSync(join(tmp, 'w.md'), 'utf8'), readFileSync(join(tmp, 'inline.md'), 'utf8'));
    const bad = await runCli(['scorecard', 'worker'], { env: { NO_COLOR: '1' } });
    assert.equal(bad.exit, 2);
    assert.match(bad.stderr, /needs --database-url/);
  });

  test('a bad database URL is a store error (exit 5), not a crash', async () => {
    const r = await runCli(['scorecard', 'monitor', '--scope', join(tmp, 'scope.json'), '--database', join(tmp, 'x.json'), '--report', join(tmp, 'x.md'), '--database-url', 'postgres://postgres@127.0.0.1:1/none', '--scorecard-api', api.url]);
    assert.equal(r.exit, 5, r.stderr);
    assert.match(r.stderr, /ERR_STORE_UNAVAILABLE/);
  });
});
