/**
 * Background jobs on the hub's PostgreSQL, through pg-boss 12: org-wide scorecard sweeps,
 * registry-wide regex sweeps and similar work that outlives a request.
 *
 * pg-boss needs a real PostgreSQL server (LISTEN/NOTIFY, SKIP LOCKED, its own schema): it does
 * not run on the embedded PGlite store. Sweeps at scale therefore need `--database-url`.
 *
 * Dedupe: every queue uses pg-boss's `exclusive` policy keyed by `singletonKey`: while a job
 * with key K is queued or running, enqueueing another K returns null (it is already there).
 * Once it finished, K can be enqueued again. A job without a key gets a unique one, so such
 * jobs never dedupe.
 *
 * @example
 *   type Jobs = { 'scorecard.sweep': { org: string } };
 *   const q = await openQueue<Jobs>(process.env.DATABASE_URL!);
 *   await q.enqueue('scorecard.sweep', { org: 'nodejs' }, { singletonKey: 'nodejs' });
 *   await q.work('scorecard.sweep', async (data) => sweep(data.org), { concurrency: 2 });
 */
import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { AppError } from '../core/errors.ts';
import { isConnectionError } from './connection.ts';

/** Names of jobs and the type of their data. */
export type JobMap = Record<string, object>;

export interface EnqueueOptions {
  /** At most one queued-or-active job per key; a duplicate enqueue returns null. */
  singletonKey?: string;
  /** Not before this time (Date) or this many seconds from now. */
  startAfter?: Date | number;
  /** Retries after a failure (default 2), with exponential backoff. */
  retryLimit?: number;
  /** A run taking longer is failed (and retried) (default 15 minutes). */
  expireInSeconds?: number;
}

export interface WorkOptions {
  /** Jobs of this queue run at once in this process (default 1). */
  concurrency?: number;
  /** Idle poll interval (default 2 s; new jobs also wake workers through NOTIFY). */
  pollingIntervalSeconds?: number;
}

export interface JobInfo {
  id: string;
  name: string;
  /** Which attempt this is (0 first). */
  retryCount: number;
  signal: AbortSignal;
}

export interface JobQueue<J extends JobMap> {
  enqueue<N extends keyof J & string>(name: N, data: J[N], options?: EnqueueOptions): Promise<string | null>;
  /** Runs `handler` for each job; a throw fails the job (retried per retryLimit). Returns the worker id. */
  work<N extends keyof J & string>(name: N, handler: (data: J[N], job: JobInfo) => Promise<void>, options?: WorkOptions): Promise<string>;
  /** Jobs of a queue by state, for progress displays (as of pg-boss's last monitoring pass, refreshed every minute or so). */
  counts(name: keyof J & string): Promise<{ queued: number; active: number; failed: number; total: number }>;
  /** Stops workers (waiting up to `timeoutMs` for running jobs) and closes the connections. */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /** The pg-boss instance, for what this helper does not cover. */
  readonly boss: PgBoss;
}

export interface OpenQueueOptions {
  /** PostgreSQL schema for pg-boss's tables (default `nodesec_jobs`). */
  schema?: string;
  /** Connections (default 4). */
  maxConnections?: number;
  /** Errors pg-boss reports in the background (default: ignored; they also surface on calls). */
  onError?: (err: Error) => void;
}

const NAME = /^[A-Za-z0-9._-]{1,100}$/;

function unavailable(err: unknown, url: string): unknown {
  if (!isConnectionError(err)) return err;
  return new AppError('ERR_STORE_UNAVAILABLE', `the job queue's database cannot be reached: ${(err as Error)?.message ?? err}`, {
    cause: err,
    hint: `check --database-url (${url.replace(/\/\/[^@/]*@/, '//***@')}); background sweeps need a PostgreSQL server, not the embedded store`,
  });
}

export async function openQueue<J extends JobMap>(url: string, options: OpenQueueOptions = {}): Promise<JobQueue<J>> {
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//.test(url)) {
    throw new AppError('ERR_CONFIG_INVALID', 'the job queue needs a PostgreSQL URL (postgres://...); the embedded store cannot run pg-boss', {
      hint: 'pass --database-url or set DATABASE_URL',
    });
  }
  const { PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString: url, schema: options.schema ?? 'nodesec_jobs', max: options.maxConnections ?? 4, application_name: 'nodesec-jobs' });
  boss.on('error', options.onError ?? (() => {}));
  try {
    await boss.start();
  } catch (err) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw unavailable(err, url);
  }
  const created = new Map<string, Promise<void>>();
  const ensure = (name: string): Promise<void> => {
    if (!NAME.test(name)) throw new AppError('ERR_USAGE', `invalid queue name ${JSON.stringify(name)}`);
    let p = created.get(name);
    if (!p) {
      p = (async () => {
        if (!(await boss.getQueue(name))) await boss.createQueue(name, { policy: 'exclusive' });
      })();
      p.catch(() => created.delete(name));
      created.set(name, p);
    }
    return p;
  };

  return {
    boss,
    async enqueue(name, data, opts = {}) {
      try {
        await ensure(name);
        return await boss.send(name, data, {
          singletonKey: opts.singletonKey ?? `job:${randomUUID()}`,
          retryLimit: opts.retryLimit ?? 2,
          retryBackoff: true,
          expireInSeconds: opts.expireInSeconds ?? 15 * 60,
          ...(opts.startAfter !== undefined && { startAfter: opts.startAfter }),
        });
      } catch (err) {
        throw unavailable(err, url);
      }
    },
    async work(name, handler, opts = {}) {
      const concurrency = opts.concurrency ?? 1;
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new AppError('ERR_USAGE', `concurrency must be 1-64, got ${concurrency}`);
      try {
        await ensure(name);
        return await boss.work(name, { localConcurrency: concurrency, batchSize: 1, includeMetadata: true, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 }, async (jobs) => {
          for (const job of jobs) await handler(job.data as J[typeof name], { id: job.id, name: job.name, retryCount: job.retryCount, signal: job.signal });
        });
      } catch (err) {
        throw unavailable(err, url);
      }
    },
    async counts(name) {
      try {
        const q = await boss.getQueue(name);
        return { queued: q?.queuedCount ?? 0, active: q?.activeCount ?? 0, failed: q?.failedCount ?? 0, total: q?.totalCount ?? 0 };
      } catch (err) {
        throw unavailable(err, url);
      }
    },
    async close(opts = {}) {
      await boss.stop({ graceful: true, timeout: opts.timeoutMs ?? 10_000 }).catch(() => {});
    },
  };
}
