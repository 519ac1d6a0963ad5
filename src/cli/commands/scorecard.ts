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
  const source = await localSource(root, { git: o.git });
  const ignore = await loadIgnorePolicy(root, { now: ctx.now(), ...(o.ignoreFile && { explicitFile: resolve(ctx.cwd, o.ignoreFile) }) });
  let vulnerabilities;
  if (o.db) {
    const { auditProvider } = await import('../../scorecard/vulns.ts');
    const spec = /^https?:\/\//i.test(o.db) ? o.db : resolve(ctx.cwd, o.db);
    vulnerabilities = auditProvider(root, async () => (await import('../../advisory/index.ts')).openAdvisorySource(spec, { env: ctx.env, fetch: ctx.fetch, signal: ctx.signal }));
  }
  const r = await runScorecard(source, {
    ignore,
    now: ctx.now(),
    signal: ctx.signal,
    progress: ctx.progress,
    ...(o.checks && { only: o.checks }),
    ...(vulnerabilities && { vulnerabilities }),
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

function registerCheck(parent: Command, ctx: CliContext): void {
  parent
    .command('check')
    .description('Run the OpenSSF Scorecard checks that a local checkout can answer, with the scores scorecard computes')
    .argument('[dir]', 'repository checkout (default: the current directory)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'markdown']).default('text'))
    .option('-c, --checks <names>', 'only these checks (comma-separated, repeatable)', collect)
    .option('--db <source>', 'advisories for the Vulnerabilities check: a snapshot, a WG vuln/ directory, an OSV directory or a hub URL')
    .option('--min-score <n>', 'exit 1 when the aggregate score (after exceptions) is below n')
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
  },
};
