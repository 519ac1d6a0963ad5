/**
 * One monitor sweep, ossf/scorecard-monitor's generateScores with nodesec's additions:
 * for every repository in scope (scope order), get its result (the Scorecard API's
 * `GET /projects/github.com/<org>/<repo>`, or nodesec's local checks on a checkout), compare it
 * with the database's current entry, record a new entry when the score changed (or, with
 * per-check data, when a check changed), and produce the report rows and the issue body.
 * Requests run `concurrency` at a time with retries; one failing repository is reported and
 * the others go on.
 */
import { AppError, isAppError } from '../../core/errors.ts';
import { checkChanges, getCurrent, saveEntry, type Database, type Scope, type ScoreEntry } from './database.ts';
import { getJson, pool, type HttpOptions, type JsonResponse } from './http.ts';
import type { ScoreRow } from './render.ts';

/** What a result source returns for one repository. */
export interface RepoResult {
  score: number;
  date: string;
  commit: string;
  checks?: Record<string, number>;
}

export type ResultSource = (org: string, repo: string) => Promise<RepoResult | undefined>;

/** The Scorecard API's result shape (api.securityscorecards.dev / api.scorecard.dev). */
export interface ApiResult {
  date: string;
  repo: { name: string; commit: string };
  scorecard?: { version: string; commit: string };
  score: number;
  checks?: { name: string; score: number; reason?: string }[];
}

export function scorecardApiSource(baseUrl: string, http: HttpOptions): ResultSource {
  const base = baseUrl.replace(/\/+$/, '');
  return async (org, repo) => {
    const r = await getJson<ApiResult>(`${base}/projects/github.com/${encodeURIComponent(org)}/${encodeURIComponent(repo)}`, http);
    if (r.status === 404 || !r.body) return undefined;
    const b = r.body;
    if (typeof b.score !== 'number' || typeof b.date !== 'string' || typeof b.repo?.commit !== 'string') {
      throw new AppError('ERR_UPSTREAM_HTTP', `unexpected Scorecard API answer for ${org}/${repo}: needs score, date and repo.commit`);
    }
    const checks = b.checks ? Object.fromEntries(b.checks.filter((c) => typeof c.name === 'string' && typeof c.score === 'number').map((c) => [c.name, c.score])) : undefined;
    return { score: b.score, date: b.date, commit: b.repo.commit, ...(checks && { checks }) };
  };
}

export interface MonitorOptions {
  scope: Scope;
  database: Database;
  source: ResultSource;
  concurrency?: number;
  progress?: (m: string) => void;
  signal?: AbortSignal;
  /** Record a new entry when only a check changed (default true). */
  trackChecks?: boolean;
}

export interface MonitorResult {
  scores: ScoreRow[];
  database: Database;
  /** Repositories without a result (404) or whose request failed. */
  skipped: { org: string; repo: string; reason: string }[];
  failed: { org: string; repo: string; error: AppError | Error }[];
}

/** The monitor's previous-score fields of a row (currentDiff only when the score moved), and the check changes. */
function compareWith(row: ScoreRow, before: ScoreEntry, after: ScoreEntry): void {
  row.prevScore = before.score;
  row.prevDate = before.date;
  row.prevCommit = before.commit;
  if (before.score !== after.score) row.currentDiff = Number.parseFloat((after.score - before.score).toFixed(1));
  const changes = checkChanges(before, after);
  if (changes.length) row.changes = changes;
}

const sameChecks = (a: Record<string, number> | undefined, b: Record<string, number> | undefined) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

export async function runMonitor(o: MonitorOptions): Promise<MonitorResult> {
  const db = structuredClone(o.database);
  db['github.com'] ??= {};
  const projects = Object.entries(o.scope['github.com']).flatMap(([org, s]) => s.included.map((repo) => ({ org, repo })));
  const skipped: MonitorResult['skipped'] = [];
  const failed: MonitorResult['failed'] = [];
  let done = 0;
  const results = await pool(projects, o.concurrency ?? 10, async ({ org, repo }) => {
    try {
      o.signal?.throwIfAborted();
      const r = await o.source(org, repo);
      o.progress?.(`scorecard monitor: ${++done}/${projects.length} ${org}/${repo}${r ? ` ${r.score}` : ' (no result)'}`);
      if (!r) skipped.push({ org, repo, reason: 'no Scorecard result for this repository' });
      return r;
    } catch (e) {
      if (o.signal?.aborted) throw e;
      failed.push({ org, repo, error: e as Error });
      o.progress?.(`scorecard monitor: ${++done}/${projects.length} ${org}/${repo} failed: ${(e as Error).message}`);
      return undefined;
    }
  });
  // Database updates in scope order, after all requests: deterministic whatever the timing.
  const scores: ScoreRow[] = [];
  projects.forEach(({ org, repo }, i) => {
    const r = results[i];
    if (!r) return;
    const stored = getCurrent(db, org, repo);
    const entry: ScoreEntry = { score: r.score, date: r.date, commit: r.commit, ...(r.checks && { checks: r.checks }) };
    const row: ScoreRow = { platform: 'github.com', org, repo, score: r.score, date: r.date, commit: r.commit, ...(r.checks && { checks: r.checks }) };
    const checksChanged = o.trackChecks !== false && stored?.checks !== undefined && r.checks !== undefined && !sameChecks(stored.checks, r.checks);
    if (!stored || stored.score !== r.score || checksChanged) {
      saveEntry(db, org, repo, entry);
    } else if (r.checks && !stored.checks) {
      // First per-check data for an unchanged score: keep it on the current entry.
      stored.checks = r.checks;
    }
    if (stored) compareWith(row, stored, entry);
    scores.push(row);
  });
  return { scores, database: db, skipped, failed };
}

/** Org discovery (the monitor's discovery-orgs): public, non-archived, non-fork repositories. */
export async function discoverScope(scope: Scope, orgs: readonly string[], githubApi: string, http: HttpOptions): Promise<{ scope: Scope; added: string[] }> {
  const out: Scope = structuredClone(scope);
  const added: string[] = [];
  const base = githubApi.replace(/\/+$/, '');
  for (const org of orgs) {
    const names: string[] = [];
    // Pages follow the Link header (rel="next"), as GitHub paginates; without one, a full page means more.
    let url: string | undefined = `${base}/orgs/${encodeURIComponent(org)}/repos?type=public&per_page=100`;
    for (let page = 1; url && page <= 100; page++) {
      const r: JsonResponse<{ name: string; archived?: boolean; fork?: boolean; private?: boolean }[]> = await getJson(url, http);
      if (r.status === 404) throw new AppError('ERR_UPSTREAM_HTTP', `GitHub has no organisation "${org}"`, { hint: 'org names are case-sensitive for the Scorecard API: use the spelling of the GitHub URL' });
      const list = Array.isArray(r.body) ? r.body : [];
      for (const x of list) if (typeof x?.name === 'string' && !x.archived && !x.fork && !x.private) names.push(x.name);
      const next = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('link') ?? '')?.[1];
      url = next ?? (r.headers.get('link') === null && list.length === 100 ? `${base}/orgs/${encodeURIComponent(org)}/repos?type=public&per_page=100&page=${page + 1}` : undefined);
    }
    const s = (out['github.com'][org] ??= { included: [], excluded: [] });
    for (const n of names.sort((a, b) => a.localeCompare(b))) {
      if (!s.included.includes(n) && !s.excluded.includes(n)) {
        s.included.push(n);
        added.push(`${org}/${n}`);
      }
    }
  }
  return { scope: out, added };
}

export function describeFailure(e: AppError | Error): string {
  return isAppError(e) ? `[${e.code}] ${e.message}` : e.message;
}

/**
 * The rows the database alone can give, for offline rendering: each repository's current
 * entry, with the delta and compare link of its last recorded change. (A live run shows the
 * latest result, whose date and commit may be newer than the stored entry when the score did
 * not move.)
 */
export function rowsFromDatabase(scope: Scope, db: Database): ScoreRow[] {
  const rows: ScoreRow[] = [];
  for (const [org, s] of Object.entries(scope['github.com'])) {
    for (const repo of s.included) {
      const h = db['github.com'][org]?.[repo];
      const cur = h?.current;
      if (!cur) continue;
      const prev = h.previous.at(-1);
      const row: ScoreRow = { platform: 'github.com', org, repo, score: cur.score, date: cur.date, commit: cur.commit, ...(cur.checks && { checks: cur.checks }) };
      if (prev) compareWith(row, prev, cur);
      rows.push(row);
    }
  }
  return rows;
}
