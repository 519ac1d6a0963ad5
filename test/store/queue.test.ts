/** The pg-boss helper on the real PostgreSQL, in a throwaway schema. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { openQueue } from '../../src/store/queue.ts';
import { postgresSkip, TEST_DATABASE_URL } from '../helpers/postgres.ts';

const skip = await postgresSkip();
const schema = `jobs_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
after(async () => {
  if (skip) return;
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
});

type Jobs = { 'scorecard.sweep': { org: string }; 'regex.sweep': { pkg: string; fail?: boolean } };

test('enqueue dedupes by singletonKey; work runs jobs with the given concurrency; failures retry', { skip, timeout: 60_000 }, async () => {
  const q = await openQueue<Jobs>(TEST_DATABASE_URL, { schema });
  try {
    const a = await q.enqueue('scorecard.sweep', { org: 'nodejs' }, { singletonKey: 'nodejs' });
    assert.ok(a);
    assert.equal(await q.enqueue('scorecard.sweep', { org: 'nodejs' }, { singletonKey: 'nodejs' }), null, 'a queued sweep of the same org is not queued twice');
    assert.ok(await q.enqueue('scorecard.sweep', { org: 'expressjs' }, { singletonKey: 'expressjs' }));
    // jobs without a key never dedupe
    for (const pkg of ['a', 'b', 'c', 'd']) assert.ok(await q.enqueue('regex.sweep', { pkg }));
    assert.ok(await q.enqueue('regex.sweep', { pkg: 'flaky', fail: true }, { retryLimit: 1 }));

    const orgs: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const pkgs: string[] = [];
    let flakyAttempts = 0;
    const done = new Promise<void>((resolve) => {
      const check = () => orgs.length === 2 && pkgs.length === 5 && resolve();
      void q.work('scorecard.sweep', async (data) => {
        orgs.push(data.org);
        check();
      });
      void q.work('regex.sweep', async (data, job) => {
        if (data.fail && job.retryCount === 0) {
          flakyAttempts++;
          throw new Error('transient');
        }
        if (data.fail) flakyAttempts++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 300));
        running--;
        pkgs.push(data.pkg);
        check();
      }, { concurrency: 2, pollingIntervalSeconds: 0.5 });
    });
    await done;
    assert.deepEqual(orgs.sort(), ['expressjs', 'nodejs']);
    assert.deepEqual(pkgs.sort(), ['a', 'b', 'c', 'd', 'flaky']);
    assert.equal(maxRunning, 2);
    assert.equal(flakyAttempts, 2, 'failed once, retried once');
    // the key is free again once the job finished
    assert.ok(await q.enqueue('scorecard.sweep', { org: 'nodejs' }, { singletonKey: 'nodejs' }));
  } finally {
    await q.close({ timeoutMs: 2000 });
  }
});

test('the queue refuses the embedded store and reports an unreachable server', { skip, timeout: 30_000 }, async () => {
  await assert.rejects(openQueue('/tmp/hub-data'), { code: 'ERR_CONFIG_INVALID' });
  await assert.rejects(openQueue('postgres://postgres@127.0.0.1:1/test', { schema }), { code: 'ERR_STORE_UNAVAILABLE' });
});
