/**
 * Monitor sweeps at scale: each repository of a sweep is one pg-boss job (queue
 * `scorecard.repo`, through src/store/queue.ts), run by any number of workers
 * (`nodesec scorecard worker`), and its result lands in `scorecard_sweep_results`. The
 * coordinator (`monitor --database-url`) enqueues the sweep, waits for every result, then updates
 * database.json and the report exactly as an inline run does.
 *
 * Idempotent: a job's singleton key is `<sweep>:<org>/<repo>`, so enqueueing a sweep twice adds
 * nothing while its jobs are queued or running; results are upserted by (sweep, org, repo), so a
 * retried or duplicated job overwrites the same row; and a coordinator re-run with the same
 * sweep id reuses the results already stored instead of asking again.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { AppError } from '../../core/errors.ts';
import { wrapError } from '../../store/backends/postgres.ts';
import { openQueue, type JobQueue } from '../../store/queue.ts';
import type { Scope } from './database.ts';
import type { RepoResult, ResultSource } from './run.ts';

export const REPO_QUEUE = 'scorecard.repo';

export interface RepoJob {
  sweep: string;
  org: string;
  repo: string;
  /** Where workers get the result: the Scorecard API base URL, or local checkouts. */
  scorecardApi?: string;
  localDir?: string;
  /** nodesec's checks on the repository read through this GitHub API. */
  githubApi?: string;
}

type Jobs = { [REPO_QUEUE]: RepoJob };

const DDL = `create table if not exists scorecard_sweep_results (
  sweep text not null,
  org text not null,
  repo text not null,
  result jsonb,
  error text,
  attempts integer not null default 1,
  updated_at timestamptz not null default now(),
  primary key (sweep, org, repo)
)`;

export interface ResultStore {
  save(job: RepoJob, result: RepoResult | undefined, error?: string): Promise<void>;
  /** Drops a stored outcome (before a failed repository is asked again). */
  forget(sweep: string, org: string, repo: string): Promise<void>;
  /** Stored outcomes of a sweep: result (null = no Scorecard result) or error. */
  load(sweep: string): Promise<Map<string, { result: RepoResult | null; error: string | null }>>;
  close(): Promise<void>;
}

export async function openResultStore(url: string): Promise<ResultStore> {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'nodesec-scorecard' });
  try {
    // Workers and coordinators start together: serialise the DDL (concurrent CREATE TABLE IF
    // NOT EXISTS races on the catalog).
    const c = await pool.connect();
    try {
      await c.query('begin');
      await c.query("select pg_advisory_xact_lock(hashtext('nodesec.scorecard_sweep_results'))");
      await c.query(DDL);
      await c.query('commit');
    } catch (err) {
      await c.query('rollback').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw wrapError(err, url);
  }
  return {
    async save(job, result, error) {
      try {
        await pool.query(
          `insert into scorecard_sweep_results (sweep, org, repo, result, error) values ($1, $2, $3, $4, $5)
           on conflict (sweep, org, repo) do update set result = excluded.result, error = excluded.error,
             attempts = scorecard_sweep_results.attempts + 1, updated_at = now()`,
          [job.sweep, job.org, job.repo, result === undefined ? null : JSON.stringify(result), error ?? null],
        );
      } catch (err) {
        throw wrapError(err, url);
      }
    },
    async forget(sweep, org, repo) {
      try {
        await pool.query('delete from scorecard_sweep_results where sweep = $1 and org = $2 and repo = $3', [sweep, org, repo]);
      } catch (err) {
        throw wrapError(err, url);
      }
    },
    async load(sweep) {
      try {
        const r = await pool.query<{ org: string; repo: string; result: RepoResult | null; error: string | null }>('select org, repo, result, error from scorecard_sweep_results where sweep = $1', [sweep]);
        return new Map(r.rows.map((x) => [`${x.org}/${x.repo}`, { result: x.result, error: x.error }]));
      } catch (err) {
        throw wrapError(err, url);
      }
    },
    close: () => pool.end(),
  };
}

/** Default sweep id: the UTC day and the scope, so that a re-run the same day resumes. */
export function defaultSweepId(scope: Scope, now: Date, source: string): string {
  const h = createHash('sha256').update(JSON.stringify(scope)).update(source).digest('hex').slice(0, 12);
  return `${now.toISOString().slice(0, 10)}-${h}`;
}

export interface WorkerOptions {
  url: string;
  jobSchema?: string;
  concurrency?: number;
  /** How a worker answers one job (API or local checks), built from the job's fields. */
  sourceFor: (job: RepoJob) => ResultSource;
  signal?: AbortSignal;
  progress?: (m: string) => void;
  /** Stop after this many ms without work (for tests and one-shot runs); default: run until aborted. */
  idleExitMs?: number;
}

/** A worker: takes `scorecard.repo` jobs until stopped. Returns how many jobs it ran. */
export async function runWorker(o: WorkerOptions): Promise<number> {
  const store = await openResultStore(o.url);
  const queue: JobQueue<Jobs> = await openQueue<Jobs>(o.url, { schema: o.jobSchema ?? 'nodesec_jobs' });
  let ran = 0;
  let last = Date.now();
  let active = 0;
  try {
    await queue.work(
      REPO_QUEUE,
      async (job, info) => {
        active++;
        try {
          const r = await o.sourceFor(job)(job.org, job.repo);
          await store.save(job, r);
          o.progress?.(`worker: ${job.org}/${job.repo} ${r ? r.score : 'no result'} (sweep ${job.sweep}, attempt ${info.retryCount + 1})`);
        } catch (e) {
          await store.save(job, undefined, (e as Error).message);
          o.progress?.(`worker: ${job.org}/${job.repo} failed: ${(e as Error).message}`);
        } finally {
          ran++;
          active--;
          last = Date.now();
        }
      },
      { concurrency: o.concurrency ?? 4, pollingIntervalSeconds: 0.5 },
    );
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        if (o.signal?.aborted || (o.idleExitMs !== undefined && active === 0 && Date.now() - last > o.idleExitMs)) {
          clearInterval(tick);
          resolve();
        }
      }, 100);
    });
  } finally {
    await queue.close({ timeoutMs: 5000 });
    await store.close();
  }
  return ran;
}

export interface SweepOptions {
  url: string;
  jobSchema?: string;
  sweep: string;
  scope: Scope;
  job: Omit<RepoJob, 'sweep' | 'org' | 'repo'>;
  /** Give up waiting after this long (default 30 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  progress?: (m: string) => void;
  /** Also work on the jobs in this process (default true). */
  work?: boolean;
  sourceFor: (job: RepoJob) => ResultSource;
}

/** Enqueues the sweep, waits for every repository's result, and returns them as a ResultSource. */
export async function distributedSource(o: SweepOptions): Promise<{ source: ResultSource; enqueued: number; reused: number }> {
  const store = await openResultStore(o.url);
  const projects = Object.entries(o.scope['github.com']).flatMap(([org, s]) => s.included.map((repo) => ({ org, repo })));
  let enqueued = 0;
  let reused = 0;
  let stopLocal: AbortController | undefined;
  let localWorker: Promise<number> | undefined;
  try {
    const done = await store.load(o.sweep);
    const queue = await openQueue<Jobs>(o.url, { schema: o.jobSchema ?? 'nodesec_jobs' });
    try {
      for (const { org, repo } of projects) {
        const prev = done.get(`${org}/${repo}`);
        if (prev && prev.error === null) {
          reused++;
          continue;
        }
        if (prev) await store.forget(o.sweep, org, repo);
        const id = await queue.enqueue(REPO_QUEUE, { sweep: o.sweep, org, repo, ...o.job }, { singletonKey: `${o.sweep}:${org}/${repo}`, retryLimit: 2 });
        if (id) enqueued++;
      }
    } finally {
      await queue.close();
    }
    o.progress?.(`sweep ${o.sweep}: ${enqueued} jobs enqueued, ${reused} results reused`);
    if (o.work !== false) {
      stopLocal = new AbortController();
      localWorker = runWorker({ url: o.url, ...(o.jobSchema && { jobSchema: o.jobSchema }), sourceFor: o.sourceFor, signal: stopLocal.signal, ...(o.progress && { progress: o.progress }) });
    }
    const deadline = Date.now() + (o.timeoutMs ?? 30 * 60_000);
    let results = await store.load(o.sweep);
    const pending = () => projects.filter(({ org, repo }) => !results.has(`${org}/${repo}`));
    while (pending().length > 0) {
      o.signal?.throwIfAborted();
      if (Date.now() > deadline) throw new AppError('ERR_UPSTREAM_UNREACHABLE', `sweep ${o.sweep}: ${pending().length} repositories still without a result after ${Math.round((o.timeoutMs ?? 1_800_000) / 1000)} s`, { hint: 'start more workers (nodesec scorecard worker --database-url ...) or raise --sweep-timeout' });
      await new Promise((r) => setTimeout(r, 250));
      results = await store.load(o.sweep);
    }
    const final = results;
    return {
      enqueued,
      reused,
      source: async (org, repo) => {
        const x = final.get(`${org}/${repo}`);
        if (!x) return undefined;
        if (x.error !== null) throw new AppError('ERR_UPSTREAM_HTTP', x.error);
        return x.result ?? undefined;
      },
    };
  } finally {
    stopLocal?.abort();
    await localWorker?.catch(() => 0);
    await store.close();
  }
}
