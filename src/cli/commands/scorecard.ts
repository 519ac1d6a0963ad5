/**
 * `nodesec scorecard`: OpenSSF Scorecard checks on a local checkout (`check`), the org-wide
 * monitor compatible with ossf/scorecard-monitor (`monitor`), and the OpenSSF Best Practices
 * criteria that repository evidence answers (`best-practices`). Cheap to import: the work is
 * loaded inside the actions.
 */
import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { EXIT } from '../../core/exit-codes.ts';
import type { CliCommand, CliContext } from '../context.ts';

interface CheckOptions {
  format: 'text' | 'json' | 'sarif' | 'markdown';
  githubApi: string;
  ref?: string;
  checks?: string[];
  db?: string;
  minScore?: string;
  ignoreFile?: string;
  verbose?: boolean;
  git: boolean;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').map((s) => s.trim()).filter(Boolean)];

async function checkAction(ctx: CliContext, dir: string | undefined, o: CheckOptions): Promise<void> {
  const { resolve } = await import('node:path');
  const [{ localSource }, { runScorecard }, { CHECKS }, report, { loadIgnorePolicy }, { VERSION }] = await Promise.all([
    import('../../scorecard/sources/local.ts'),
    import('../../scorecard/run.ts'),
    import('../../scorecard/registry.ts'),
    import('../../scorecard/report.ts'),
    import('../../core/ignore.ts'),
    import('../main.ts'),
  ]);
  const root = resolve(ctx.cwd, dir ?? '.');
  if (o.checks) {
    for (const c of o.checks) {
      if (!CHECKS.some((k) => k.name.toLowerCase() === c.toLowerCase())) {
        throw new AppError('ERR_USAGE', `unknown check "${c}"`, { hint: `one of ${CHECKS.map((k) => k.name).join(', ')}` });
      }
    }
  }
  let minScore: number | undefined;
  if (o.minScore !== undefined) {
    minScore = Number(o.minScore);
    if (!Number.isFinite(minScore) || minScore < 0 || minScore > 10) throw new AppError('ERR_USAGE', `--min-score must be a number from 0 to 10, got "${o.minScore}"`);
  }
  const { parseGithubTarget, githubSource } = await import('../../scorecard/sources/github.ts');
  const remote = dir ? parseGithubTarget(dir) : undefined;
  const token = ctx.env.GITHUB_TOKEN ?? ctx.env.GH_TOKEN;
  const source = remote
    ? await githubSource({
        apiBase: o.githubApi,
        ...remote,
        ...(o.ref && { ref: o.ref }),
        http: { fetch: ctx.fetch, signal: ctx.signal, ...(token && { headers: { authorization: `Bearer ${token}` } }) },
      })
    : await localSource(root, { git: o.git });
  // A remote repository has no project policy on this machine unless --ignore-file names one.
  const ignore = remote && !o.ignoreFile
    ? (await import('../../core/ignore.ts')).createIgnorePolicy([], { now: ctx.now() })
    : await loadIgnorePolicy(root, { now: ctx.now(), ...(o.ignoreFile && { explicitFile: resolve(ctx.cwd, o.ignoreFile) }) });
  // No flag: the project's `{ "scorecard": { "minScore": n } }` in .nodesec.json.
  const section = ignore.settings.scorecard;
  const configured = typeof section === 'object' && section !== null ? (section as Record<string, unknown>).minScore : undefined;
  if (minScore === undefined && configured !== undefined) {
    if (typeof configured !== 'number' || configured < 0 || configured > 10) {
      throw new AppError('ERR_CONFIG_INVALID', 'scorecard.minScore must be a number from 0 to 10', { ...(ignore.source && { file: ignore.source }), pointer: '/scorecard/minScore' });
    }
    minScore = configured;
  }
  let vulnerabilities;
  let scratch: string | undefined;
  if (o.db) {
    const { auditProvider, materializeLockfiles } = await import('../../scorecard/vulns.ts');
    const spec = /^https?:\/\//i.test(o.db) ? o.db : resolve(ctx.cwd, o.db);
    // A remote repository is audited from its lockfiles, written to a scratch directory.
    if (remote) scratch = await materializeLockfiles(source);
    vulnerabilities = auditProvider(scratch ?? root, async () => (await import('../../advisory/index.ts')).openAdvisorySource(spec, { env: ctx.env, fetch: ctx.fetch, signal: ctx.signal }));
  }
  const r = await runScorecard(source, {
    ignore,
    now: ctx.now(),
    signal: ctx.signal,
    progress: ctx.progress,
    ...(o.checks && { only: o.checks }),
    ...(vulnerabilities && { vulnerabilities }),
  }).finally(async () => {
    if (scratch) await (await import('node:fs/promises')).rm(scratch, { recursive: true, force: true });
  });
  if (o.format === 'json') ctx.stdout.write(`${JSON.stringify(report.toJson(r), null, 2)}\n`);
  else if (o.format === 'sarif') ctx.stdout.write(`${JSON.stringify(report.renderSarif(r, VERSION), null, 2)}\n`);
  else if (o.format === 'markdown') ctx.stdout.write(report.renderMarkdown(r));
  else ctx.stdout.write(report.renderText(r, { color: ctx.color, verbose: o.verbose === true }));
  for (const e of ignore.expired()) ctx.stderr.write(`warning: exception "${e.id}" expired on ${e.until} and no longer applies (${e.reason})\n`);
  const ours = new Set(CHECKS.map((c) => c.name.toLowerCase()));
  for (const e of ignore.unused()) if (ours.has(e.id.toLowerCase())) ctx.stderr.write(`note: exception "${e.id}" (${e.reason}) matched nothing\n`);
  ctx.exitCode = minScore !== undefined && r.effectiveScore >= 0 && r.effectiveScore < minScore ? EXIT.FINDINGS : EXIT.OK;
}

interface MonitorCliOptions {
  scope: string;
  database: string;
  report: string;
  html?: string;
  issue?: string;
  discover?: string[];
  githubApi: string;
  scorecardApi: string;
  concurrency: string;
  retries: string;
  local?: string;
  reportTags: boolean;
  renderBadge?: boolean;
  reportTool: 'scorecard-visualizer' | 'deps.dev';
  dryRun?: boolean;
  format: 'text' | 'json';
  offline?: boolean;
  githubChecks?: boolean;
  createIssue?: string;
  issueTitle: string;
  issueLabels?: string[];
  databaseUrl?: string;
  sweepId?: string;
  jobSchema: string;
  work: boolean;
  sweepTimeout: string;
}

/** How one repository's result is obtained: the Scorecard API, or nodesec's checks on a local checkout. */
type SourceHow = { scorecardApi?: string; localDir?: string; githubApi?: string };

/** A repository's score and per-check scores from nodesec's own checks. */
async function ownChecks(ctx: CliContext, src: import('../../scorecard/types.ts').RepoSource, commit: string) {
  const { runScorecard } = await import('../../scorecard/run.ts');
  const r = await runScorecard(src, { now: ctx.now(), signal: ctx.signal });
  return { score: Math.round(r.score * 10) / 10, date: ctx.now().toISOString(), commit, checks: Object.fromEntries(r.checks.map((c) => [c.name, c.score])) };
}

/** How one repository's result is obtained: the Scorecard API, or nodesec's checks on a checkout or through the GitHub API. */
async function makeSource(ctx: CliContext, how: SourceHow, http: import('../../scorecard/monitor/http.ts').HttpOptions): Promise<import('../../scorecard/monitor/run.ts').ResultSource> {
  const mon = await import('../../scorecard/monitor/run.ts');
  if (how.githubApi) {
    const { githubSource } = await import('../../scorecard/sources/github.ts');
    const token = ctx.env.GITHUB_TOKEN ?? ctx.env.GH_TOKEN;
    return async (org, repo) => {
      let src;
      try {
        src = await githubSource({ apiBase: how.githubApi, owner: org, repo, http: { ...http, ...(token && { headers: { authorization: `Bearer ${token}` } }) } });
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_INPUT_NOT_FOUND') return undefined;
        throw e;
      }
      return ownChecks(ctx, src, (await src.headCommit?.()) ?? '');
    };
  }
  if (!how.localDir) return mon.scorecardApiSource(how.scorecardApi ?? 'https://api.securityscorecards.dev', http);
  const root = how.localDir;
  const [{ join }, { existsSync }, { localSource }] = await Promise.all([import('node:path'), import('node:fs'), import('../../scorecard/sources/local.ts')]);
  return async (org: string, repo: string) => {
    const dir = [join(root, org, repo), join(root, repo)].find((p) => existsSync(p));
    if (!dir) return undefined;
    const src = await localSource(dir);
    const commit = await src.headCommit?.();
    if (!commit || !/^[a-f0-9]{40}$/.test(commit)) throw new AppError('ERR_INPUT_NOT_FOUND', `${dir} is not a git checkout (no HEAD commit)`, { file: dir });
    return ownChecks(ctx, src, commit);
  };
}

/** The result source a queued job asks for (API or local checkouts), built on first use. */
function jobSource(ctx: CliContext, http: import('../../scorecard/monitor/http.ts').HttpOptions) {
  return (job: import('../../scorecard/monitor/jobs.ts').RepoJob): import('../../scorecard/monitor/run.ts').ResultSource => {
    let s: Promise<import('../../scorecard/monitor/run.ts').ResultSource> | undefined;
    const how = { ...(job.scorecardApi && { scorecardApi: job.scorecardApi }), ...(job.localDir && { localDir: job.localDir }), ...(job.githubApi && { githubApi: job.githubApi }) };
    return async (org, repo) => (await (s ??= makeSource(ctx, how, http)))(org, repo);
  };
}

function httpOptions(ctx: CliContext, retries: number) {
  return {
    fetch: ctx.fetch,
    retries,
    signal: ctx.signal,
    ...(ctx.env.NODESEC_BACKOFF_MS !== undefined && { backoffMs: Number(ctx.env.NODESEC_BACKOFF_MS) }),
    onRetry: (url: string, attempt: number, why: string, wait: number) => ctx.progress(`retry ${attempt} of ${url} in ${Math.round(wait)} ms (${why})`),
  };
}

function positiveInt(v: string, flag: string, min = 0): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new AppError('ERR_USAGE', `${flag} must be an integer >= ${min}, got "${v}"`);
  return n;
}

async function monitorAction(ctx: CliContext, o: MonitorCliOptions): Promise<void> {
  const [{ readFile, writeFile, mkdir }, { resolve, dirname }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const db = await import('../../scorecard/monitor/database.ts');
  const mon = await import('../../scorecard/monitor/run.ts');
  const render = await import('../../scorecard/monitor/render.ts');
  const concurrency = positiveInt(o.concurrency, '--concurrency', 1);
  const retries = positiveInt(o.retries, '--retries');
  const scopePath = resolve(ctx.cwd, o.scope);
  const dbPath = resolve(ctx.cwd, o.database);
  const reportPath = resolve(ctx.cwd, o.report);
  const readOr = async (p: string, dflt: string | undefined) => {
    try {
      return await readFile(p, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && dflt !== undefined) return dflt;
      throw new AppError('ERR_INPUT_NOT_FOUND', `cannot read ${p}: ${(e as Error).message}`, { file: p, cause: e });
    }
  };
  let scope = db.parseScope(await readOr(scopePath, o.discover ? '{"github.com":{}}' : undefined), scopePath);
  const database = db.parseDatabase(await readOr(dbPath, ''), dbPath);
  const token = ctx.env.GITHUB_TOKEN ?? ctx.env.GH_TOKEN;
  const http = httpOptions(ctx, retries);
  let added: string[] = [];
  if (o.offline && (o.discover?.length || o.databaseUrl || o.createIssue)) {
    throw new AppError('ERR_USAGE', '--offline renders from the database alone: it cannot be combined with --discover, --database-url or --create-issue');
  }
  if (o.discover?.length) {
    const d = await mon.discoverScope(scope, o.discover, o.githubApi, { ...http, ...(token && { headers: { authorization: `Bearer ${token}` } }) });
    scope = d.scope;
    added = d.added;
  }
  if (o.local && o.githubChecks) throw new AppError('ERR_USAGE', '--local and --github-checks are two sources: give one');
  const how: SourceHow = o.local ? { localDir: resolve(ctx.cwd, o.local) } : o.githubChecks ? { githubApi: o.githubApi } : { scorecardApi: o.scorecardApi };
  let source = await makeSource(ctx, how, http);
  if (o.databaseUrl) {
    const jobs = await import('../../scorecard/monitor/jobs.ts');
    const sweep = o.sweepId ?? jobs.defaultSweepId(scope, ctx.now(), JSON.stringify(how));
    const timeout = positiveInt(o.sweepTimeout, '--sweep-timeout', 1) * 1000;
    const d = await jobs.distributedSource({
      url: o.databaseUrl,
      jobSchema: o.jobSchema,
      sweep,
      scope,
      job: how,
      timeoutMs: timeout,
      work: o.work,
      signal: ctx.signal,
      progress: ctx.progress,
      sourceFor: jobSource(ctx, http),
    });
    ctx.stderr.write(`sweep ${sweep}: ${d.enqueued} jobs enqueued, ${d.reused} results reused\n`);
    source = d.source;
  }
  const result = o.offline
    ? { scores: mon.rowsFromDatabase(scope, database), database, skipped: [], failed: [] }
    : await mon.runMonitor({ scope, database, source, concurrency, progress: ctx.progress, signal: ctx.signal });
  const ropts = { reportTagsEnabled: o.reportTags, renderBadge: o.renderBadge === true, reportTool: o.reportTool };
  const changed = db.serializeDatabase(database) !== db.serializeDatabase(result.database);
  const issue = render.renderIssue(result.scores, ropts);
  const write = async (p: string, content: string) => {
    if (o.dryRun) return;
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, content);
  };
  if (changed || o.offline) {
    if (changed) await write(dbPath, db.serializeDatabase(result.database));
    const segment = render.renderReport(result.scores, ropts);
    await write(reportPath, o.reportTags ? render.updateOrCreateSegment(await readOr(reportPath, ''), segment) : segment);
  }
  if (added.length) await write(scopePath, JSON.stringify(scope, null, 2));
  if (o.issue && issue) await write(resolve(ctx.cwd, o.issue), issue);
  let issueUrl: string | undefined;
  if (o.createIssue && issue && !o.dryRun) {
    if (!/^[\w.-]+\/[\w.-]+$/.test(o.createIssue)) throw new AppError('ERR_USAGE', `--create-issue wants owner/repo, got "${o.createIssue}"`);
    if (!token) throw new AppError('ERR_USAGE', '--create-issue needs GITHUB_TOKEN (a token that may create issues in that repository)');
    const { postJson } = await import('../../scorecard/monitor/http.ts');
    const created = await postJson<{ html_url?: string; number?: number }>(`${o.githubApi.replace(/\/+$/, '')}/repos/${o.createIssue}/issues`, { title: o.issueTitle, body: issue, ...(o.issueLabels?.length && { labels: o.issueLabels }) }, { fetch: ctx.fetch, signal: ctx.signal, headers: { authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28' } });
    issueUrl = created.html_url ?? `#${created.number ?? '?'}`;
  }
  if (o.html) {
    const { renderHtml } = await import('../../scorecard/monitor/html.ts');
    await write(resolve(ctx.cwd, o.html), renderHtml(result.database, { scope, now: ctx.now() }));
  }
  const failures = result.failed.map((f) => ({ repo: `${f.org}/${f.repo}`, error: mon.describeFailure(f.error) }));
  if (o.format === 'json') {
    ctx.stdout.write(`${JSON.stringify({ schemaVersion: 1, changed, dryRun: o.dryRun === true, discovered: added, scores: result.scores, skipped: result.skipped, failed: failures, issue: issue ?? null, issueUrl: issueUrl ?? null }, null, 2)}\n`);
  } else {
    const moved = result.scores.filter((s) => s.currentDiff || s.changes?.length);
    ctx.stdout.write(o.offline
      ? `${result.scores.length} repositories rendered from ${o.database}${o.dryRun ? ' (dry run: nothing written)' : `; wrote ${o.report}`}\n`
      : `${result.scores.length} repositories scored, ${moved.length} changed${o.dryRun ? ' (dry run: nothing written)' : changed ? `; wrote ${o.database} and ${o.report}` : '; database unchanged'}\n`);
    for (const s of moved) {
      ctx.stdout.write(`  ${s.org}/${s.repo}: ${s.prevScore ?? '—'} -> ${s.score}${s.changes?.length ? ` (${s.changes.map((c) => `${c.check} ${c.from ?? '—'}->${c.to ?? '—'}`).join(', ')})` : ''}\n`);
    }
    for (const a of added) ctx.stdout.write(`  discovered ${a}\n`);
    if (issueUrl) ctx.stdout.write(`  opened issue ${issueUrl}\n`);
  }
  for (const s of result.skipped) ctx.stderr.write(`warning: ${s.org}/${s.repo}: ${s.reason}\n`);
  for (const f of failures) ctx.stderr.write(`error: ${f.repo}: ${f.error}\n`);
  const attempted = result.scores.length + result.failed.length;
  ctx.exitCode = attempted > 0 && result.scores.length === 0 && result.failed.length > 0 ? EXIT.UPSTREAM : EXIT.OK;
}

function registerMonitor(parent: Command, ctx: CliContext): void {
  parent
    .command('monitor')
    .description('Update an ossf/scorecard-monitor database and report: scores of every repository in scope, history, deltas, per-check changes')
    .requiredOption('--scope <file>', 'scope.json (the monitor\'s format: { "github.com": { "<org>": { "included": [...], "excluded": [...] } } })')
    .requiredOption('--database <file>', 'database.json (created when missing)')
    .requiredOption('--report <file>', 'markdown report; the table goes between the monitor\'s markers')
    .option('--html <file>', 'also write an HTML report with score-history charts')
    .option('--issue <file>', 'write the body of an issue listing what changed (only when something did)')
    .option('--create-issue <owner/repo>', 'also open that issue in this repository (needs GITHUB_TOKEN)')
    .option('--issue-title <title>', 'title of the issue', 'OpenSSF Scorecard Report Updated!')
    .option('--issue-labels <labels>', 'labels of the issue (comma-separated)', collect)
    .option('--discover <orgs>', 'add the public repositories of these GitHub orgs to the scope (comma-separated)', collect)
    .option('--github-api <url>', 'GitHub REST API base URL', 'https://api.github.com')
    .option('--scorecard-api <url>', 'Scorecard API base URL', 'https://api.securityscorecards.dev')
    .option('--local <dir>', 'score local checkouts (<dir>/<org>/<repo> or <dir>/<repo>) with nodesec instead of asking the Scorecard API')
    .option('--github-checks', 'score each repository with nodesec, reading it through the GitHub API (zipball), instead of asking the Scorecard API')
    .option('--concurrency <n>', 'requests in parallel', '10')
    .option('--retries <n>', 'retries on 429, 5xx and network errors (exponential backoff, Retry-After honoured)', '4')
    .option('--no-report-tags', 'write the whole report file instead of the part between the markers')
    .option('--render-badge', 'show the Scorecard badge instead of the score')
    .addOption(new Option('--report-tool <tool>', 'where report links point').choices(['scorecard-visualizer', 'deps.dev']).default('scorecard-visualizer'))
    .option('--dry-run', 'compute and print, write nothing')
    .option('--offline', 'ask nothing: render the report, issue and HTML from the database (each repository\'s last recorded change)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--database-url <url>', 'run the sweep as pg-boss jobs on this PostgreSQL (workers: nodesec scorecard worker)')
    .option('--sweep-id <id>', 'with --database-url: the sweep to run or resume (default: the UTC day and a hash of the scope)')
    .option('--job-schema <name>', 'with --database-url: PostgreSQL schema of the job queue', 'nodesec_jobs')
    .option('--no-work', 'with --database-url: only enqueue and wait; leave the jobs to workers')
    .option('--sweep-timeout <seconds>', 'with --database-url: give up waiting after this long', '1800')
    .addHelpText('after', `
File-compatible with ossf/scorecard-monitor: the same scope.json, database.json and report
markers, so the two can take turns. nodesec adds per-check scores to each history entry
("checks"), which the monitor carries along untouched. GITHUB_TOKEN is used for the GitHub API.

Examples:
  $ nodesec scorecard monitor --scope scope.json --database database.json --report report.md
  $ nodesec scorecard monitor --scope scope.json --database database.json --report report.md \\
      --discover nodejs --issue issue.md --html scorecard.html
  $ nodesec scorecard monitor --scope scope.json --database db.json --report r.md --local ~/src`)
    .action((o: MonitorCliOptions) => monitorAction(ctx, o));
}

interface BpOptions {
  format: 'text' | 'json' | 'markdown';
  write?: boolean;
  db?: string;
  failOnUnmet?: boolean;
  git: boolean;
}

async function bestPracticesAction(ctx: CliContext, dir: string | undefined, o: BpOptions): Promise<void> {
  const [{ resolve, join }, { writeFile }, { execFile }, { promisify }] = await Promise.all([import('node:path'), import('node:fs/promises'), import('node:child_process'), import('node:util')]);
  const [{ localSource }, bp, { painter }] = await Promise.all([import('../../scorecard/sources/local.ts'), import('../../scorecard/best-practices.ts'), import('../../report/color.ts')]);
  const root = resolve(ctx.cwd, dir ?? '.');
  const source = await localSource(root, { git: o.git });
  let tags: string[] = [];
  if (o.git) {
    try {
      tags = (await promisify(execFile)('git', ['-C', root, 'tag', '--list', '--sort=creatordate'], { timeout: 10_000, maxBuffer: 8 * 1024 * 1024 })).stdout.split('\n').filter(Boolean);
    } catch {
      tags = [];
    }
  }
  let vulnerabilities: number | undefined;
  if (o.db) {
    const { auditProvider } = await import('../../scorecard/vulns.ts');
    const spec = /^https?:\/\//i.test(o.db) ? o.db : resolve(ctx.cwd, o.db);
    const r = await auditProvider(root, async () => (await import('../../advisory/index.ts')).openAdvisorySource(spec, { env: ctx.env, fetch: ctx.fetch, signal: ctx.signal }))(source, { signal: ctx.signal });
    if ('ids' in r) vulnerabilities = r.ids.length;
  }
  const { file, items } = await bp.assess(source, { tags, ...(vulnerabilities !== undefined && { vulnerabilities }) });
  const effective = (a: (typeof items)[number]) => (a.recorded && !a.recorded.byNodesec && a.recorded.status !== '?' ? a.recorded.status : a.evidence.status);
  const count = (s: string) => items.filter((a) => effective(a) === s).length;
  if (o.write) {
    const target = join(root, file?.path ?? '.bestpractices.json');
    await writeFile(target, `${JSON.stringify(bp.updatedFile(file?.data, items), null, 2)}\n`);
  }
  if (o.format === 'json') {
    ctx.stdout.write(`${JSON.stringify({
      schemaVersion: 1,
      level: 'passing',
      file: file?.path ?? null,
      summary: { met: count('Met'), unmet: count('Unmet'), na: count('N/A'), needsPerson: count('?') },
      criteria: items.map((a) => ({ id: a.criterion.id, category: a.criterion.category, level: a.criterion.level, status: effective(a), evidence: a.evidence, ...(a.recorded && { recorded: a.recorded }), ...(a.conflict && { conflict: a.conflict }) })),
    }, null, 2)}\n`);
  } else if (o.format === 'markdown') {
    let out = `## OpenSSF Best Practices (passing)\n\n${count('Met')} met, ${count('Unmet')} unmet, ${count('N/A')} N/A, ${count('?')} need a person.\n\n| Criterion | Level | Status | Evidence |\n| -- | -- | -- | -- |\n`;
    for (const a of items) out += `| \`${a.criterion.id}\` | ${a.criterion.level} | ${effective(a)} | ${(a.conflict ?? a.evidence.justification).replace(/\|/g, '\\|')} |\n`;
    ctx.stdout.write(out);
  } else {
    const c = painter(ctx.color);
    const style = { Met: 'green', Unmet: 'red', 'N/A': 'gray', '?': 'yellow' } as const;
    let out = `${c('bold', 'OpenSSF Best Practices, passing level')} ${root}\n${count('Met')} met, ${count('Unmet')} unmet, ${count('N/A')} N/A, ${count('?')} need a person${file ? ` (answers read from ${file.path})` : ''}\n`;
    let cat = '';
    for (const a of items) {
      if (a.criterion.category !== cat) out += `\n${c('bold', (cat = a.criterion.category))}\n`;
      const st = effective(a);
      const who = a.recorded && !a.recorded.byNodesec && a.recorded.status !== '?' ? ' (recorded)' : '';
      out += `  ${c(style[st], st.padEnd(5))} ${a.criterion.id.padEnd(38)} ${a.criterion.level.padEnd(9)} ${st === '?' && !who ? c('gray', a.evidence.justification) : `${a.evidence.justification}${who}`}\n`;
      for (const w of a.evidence.evidence.slice(0, 2)) if (w.file) out += `        ${c('cyan', `${w.file}${w.line && w.line > 1 ? `:${w.line}` : ''}`)}\n`;
      if (a.conflict) out += `        ${c('red', `conflict: ${a.conflict}`)}\n`;
    }
    if (o.write) out += `\nwrote ${file?.path ?? '.bestpractices.json'} (answers a person recorded were kept)\n`;
    ctx.stdout.write(out);
  }
  const unmetMust = items.some((a) => a.criterion.level === 'MUST' && effective(a) === 'Unmet');
  ctx.exitCode = o.failOnUnmet && unmetMust ? EXIT.FINDINGS : EXIT.OK;
}

function registerBestPractices(parent: Command, ctx: CliContext): void {
  parent
    .command('best-practices')
    .description('Answer the OpenSSF Best Practices passing criteria that repository evidence can answer; mark the rest for a person')
    .argument('[dir]', 'repository checkout (default: the current directory)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('-w, --write', 'write the answers to .bestpractices.json (the file the badge app imports); a person\'s answers are kept')
    .option('--db <source>', 'advisories, to answer the vulnerability criteria from nodesec\'s audit')
    .option('--fail-on-unmet', 'exit 1 when a MUST criterion is unmet')
    .option('--no-git', 'walk the directory instead of asking git for the tracked files and tags')
    .addHelpText('after', `
Evidence comes from the repository: README, CONTRIBUTING, LICENSE, SECURITY.md, package.json,
workflows (tests in CI, CodeQL), lint and TypeScript configuration, git tags, a credential scan,
and optionally the dependency audit. Everything else (response times, secure-design knowledge,
cryptography choices...) is marked "?" for a person. nodesec's justifications in
.bestpractices.json start with "[nodesec]"; answers without that prefix are a person's and are
never overwritten, and a person's answer the evidence contradicts is shown as a conflict.

Examples:
  $ nodesec scorecard best-practices
  $ nodesec scorecard best-practices ../undici --write
  $ nodesec scorecard best-practices -f markdown > BEST-PRACTICES.md`)
    .action((dir: string | undefined, o: BpOptions) => bestPracticesAction(ctx, dir, o));
}

interface WorkerCliOptions {
  databaseUrl?: string;
  concurrency: string;
  retries: string;
  jobSchema: string;
  idleExit?: string;
}

async function workerAction(ctx: CliContext, o: WorkerCliOptions): Promise<void> {
  const url = o.databaseUrl ?? ctx.env.DATABASE_URL;
  if (!url) throw new AppError('ERR_USAGE', 'the worker needs --database-url (or DATABASE_URL): the PostgreSQL server the sweeps are queued on');
  const jobs = await import('../../scorecard/monitor/jobs.ts');
  const http = httpOptions(ctx, positiveInt(o.retries, '--retries'));
  const ran = await jobs.runWorker({
    url,
    jobSchema: o.jobSchema,
    concurrency: positiveInt(o.concurrency, '--concurrency', 1),
    signal: ctx.signal,
    progress: (m) => ctx.progress(m),
    ...(o.idleExit !== undefined && { idleExitMs: positiveInt(o.idleExit, '--idle-exit') * 1000 }),
    sourceFor: jobSource(ctx, http),
  });
  ctx.stderr.write(`worker stopped after ${ran} job${ran === 1 ? '' : 's'}\n`);
  ctx.exitCode = EXIT.OK;
}

function registerWorker(parent: Command, ctx: CliContext): void {
  parent
    .command('worker')
    .description('Run monitor sweep jobs queued on PostgreSQL (pg-boss); start as many as you like')
    .option('--database-url <url>', 'the PostgreSQL server the sweeps are queued on (default: DATABASE_URL)')
    .option('--concurrency <n>', 'jobs at once in this worker', '4')
    .option('--retries <n>', 'HTTP retries per request', '4')
    .option('--job-schema <name>', 'PostgreSQL schema of the job queue', 'nodesec_jobs')
    .option('--idle-exit <seconds>', 'stop after this long without jobs (default: run until stopped)')
    .addHelpText('after', `
Each job scores one repository of a sweep (from the Scorecard API or a local checkout, as the
coordinator asked) and stores the result; the coordinator (monitor --database-url) waits for
them and writes the database and report. Jobs are idempotent: rerunning one overwrites the same
result row.

Examples:
  $ nodesec scorecard worker --database-url postgres://scorecard@db/nodesec
  $ nodesec scorecard monitor --scope scope.json --database database.json --report report.md \\
      --database-url postgres://scorecard@db/nodesec --no-work`)
    .action((o: WorkerCliOptions) => workerAction(ctx, o));
}

function registerCheck(parent: Command, ctx: CliContext): void {
  parent
    .command('check')
    .description('Run the OpenSSF Scorecard checks that a local checkout can answer, with the scores scorecard computes')
    .argument('[dir]', 'repository checkout (default: the current directory), or github.com/<owner>/<repo> to read it through the GitHub API')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'markdown']).default('text'))
    .option('--github-api <url>', 'GitHub REST API base URL, for github.com/<owner>/<repo> (GITHUB_TOKEN is sent when set)', 'https://api.github.com')
    .option('--ref <ref>', 'with github.com/<owner>/<repo>: branch, tag or commit (default: the default branch)')
    .option('-c, --checks <names>', 'only these checks (comma-separated, repeatable)', collect)
    .option('--db <source>', 'advisories for the Vulnerabilities check: a snapshot, a WG vuln/ directory, an OSV directory or a hub URL')
    .option('--min-score <n>', 'exit 1 when the aggregate score (after exceptions) is below n (default: scorecard.minScore in .nodesec.json)')
    .option('--ignore-file <file>', 'exceptions file (default: .nodesec.json, else the "nodesec" key of package.json)')
    .option('--no-git', 'walk the directory instead of asking git for the tracked files')
    .option('-v, --verbose', 'also print the info lines of each check')
    .addHelpText('after', `
Checks: Binary-Artifacts, Dangerous-Workflow, Dependency-Update-Tool, Fuzzing, License,
Packaging, Pinned-Dependencies, SAST, Security-Policy, Token-Permissions, Vulnerabilities.
Each score is 0-10, or ? (inconclusive, -1) with the reason. The aggregate weighs the checks
that ran by risk (Critical 10, High 7.5, Medium 5, Low 2.5), as scorecard does.

Exceptions live in .nodesec.json, one entry per check (the id is the check name):
  { "ignore": [ { "id": "Binary-Artifacts", "files": ["test/fixtures/**"],
                  "reason": "test inputs, never shipped", "until": "2027-01-31" } ] }
Without "files" the whole check is excepted. Scores as scorecard computes them are always
reported; exceptions change the "after exceptions" numbers only.

Examples:
  $ nodesec scorecard check                         this checkout, text report
  $ nodesec scorecard check ../undici -f json       scorecard-shaped JSON
  $ nodesec scorecard check github.com/nodejs/undici read through the GitHub API (zipball)
  $ nodesec scorecard check -c Token-Permissions,Pinned-Dependencies
  $ nodesec scorecard check --db ../shared/fixtures/nswg/vuln --min-score 7
  $ nodesec scorecard check -f sarif > scorecard.sarif   for GitHub code scanning`)
    .action((dir: string | undefined, o: CheckOptions) => checkAction(ctx, dir, o));
}

export const scorecardCommand: CliCommand = {
  name: 'scorecard',
  register(program, ctx) {
    const sc = program
      .command('scorecard')
      .description('OpenSSF Scorecard: checks on a local checkout, the org-wide monitor, Best Practices')
      .addHelpText('after', `
Examples:
  $ nodesec scorecard check                          score this checkout
  $ nodesec scorecard monitor --scope scope.json --database database.json --report report.md`);
    registerCheck(sc, ctx);
    registerMonitor(sc, ctx);
    registerBestPractices(sc, ctx);
    registerWorker(sc, ctx);
  },
};
