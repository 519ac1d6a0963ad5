/**
 * `nodesec check [dir]`: every ProjectCheck of cli/checks.ts that applies, one combined report,
 * one exit code.
 */
import { Option, type Command } from 'commander';
import { AppError, isAppError } from '../../core/errors.ts';
import { EXIT } from '../../core/exit-codes.ts';
import type { ProjectCheckResult } from '../../core/check.ts';
import { parseSeverity, type Severity } from '../../core/finding.ts';
import type { CliCommand, CliContext } from '../context.ts';
import { projectChecks } from '../checks.ts';
import { cliMain, collect, configuredFailOn, dbOption, formatOpt, failing, failOnOption, ignoreFileOption, finish, type Format } from './audit.ts';

export const CHECK_JSON_VERSION = '1.0';

interface CheckFlags {
  db?: string;
  offline?: boolean;
  failOn?: string;
  ignoreFile?: string;
  only?: string[];
  skip?: string[];
  format: Format;
}

async function action(ctx: CliContext, target: string | undefined, flags: CheckFlags): Promise<void> {
  const [{ loadIgnorePolicy }, report, { toSarif }, { resolve }, { stat }] = await Promise.all([
    import('../../core/ignore.ts'),
    import('../../report/findings.ts'),
    import('../../report/sarif.ts'),
    import('node:path'),
    import('node:fs/promises'),
  ]);
  const { auditSarifRules } = await import('../../audit/report.ts');
  const { formatError, VERSION } = await cliMain();
  const dir = resolve(ctx.cwd, target ?? '.');
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new AppError('ERR_INPUT_NOT_FOUND', `${target ?? '.'} is not a directory`, { file: target ?? '.', hint: 'nodesec check takes a project directory' });
  const known = projectChecks.map((c) => c.id);
  for (const id of [...(flags.only ?? []), ...(flags.skip ?? [])]) {
    if (!known.includes(id)) throw new AppError('ERR_USAGE', `unknown check "${id}"`, { hint: `checks: ${known.join(', ')}` });
  }
  const now = ctx.now();
  const policy = await loadIgnorePolicy(dir, { now, ...(flags.ignoreFile && { explicitFile: resolve(ctx.cwd, flags.ignoreFile) }) });
  const db = flags.db && !/^https?:\/\//i.test(flags.db) ? resolve(ctx.cwd, flags.db) : flags.db;
  const flag = flags.failOn ? parseSeverity(flags.failOn) : undefined;
  const fileDefault = configuredFailOn(policy);
  for (const c of projectChecks) configuredFailOn(policy, c.id); // a bad value fails before any check runs
  const configured = (id: string) => configuredFailOn(policy, id);

  const entries: import('../../report/findings.ts').CheckReportEntry[] = [];
  let exit: number = EXIT.OK;
  for (const check of projectChecks) {
    if (flags.only && !flags.only.includes(check.id)) continue;
    if (flags.skip?.includes(check.id)) continue;
    ctx.progress(`check ${check.id}`);
    let result: ProjectCheckResult;
    try {
      result = await check.run({
        dir,
        env: ctx.env,
        ...(db && { db }),
        offline: flags.offline ?? false,
        ignore: policy,
        now,
        progress: ctx.progress,
        signal: ctx.signal,
      });
    } catch (err) {
      if (!isAppError(err) && !(err instanceof Error)) throw err;
      const reason = isAppError(err) ? `${err.where ? `${err.where}: ` : ''}${err.message}${err.hint ? ` (${err.hint})` : ''}` : `internal error: ${err.message}`;
      result = { check: check.id, status: 'error', reason, findings: [] };
      const code = isAppError(err) ? err.exit : EXIT.INTERNAL;
      if (code > exit) exit = code;
    }
    // flag > the check's own key in the config file > the file's global failOn > the check's default
    const failOn = flag ?? configured(check.id) ?? fileDefault ?? check.defaultFailOn ?? 'low';
    const failed = result.status === 'error' || failing(result.findings, failOn);
    if (failed && exit === EXIT.OK) exit = EXIT.FINDINGS;
    entries.push({ result, title: check.title, failOn, failed });
  }
  const expired = policy.expired();
  if (expired.length && exit === EXIT.OK) exit = EXIT.FINDINGS;
  // entries scoped only to checks that did not run (--only/--skip) are not stale
  const ran = new Set(entries.map((e) => e.result.check));
  const unused = policy.unused().filter((e) => !e.checks || e.checks.some((c) => ran.has(c)));
  const all = entries.flatMap((e) => e.result.findings);
  finish(ctx, {
    format: flags.format,
    policy,
    formatError,
    exit,
    render: {
      json: () => ({
        schemaVersion: CHECK_JSON_VERSION,
        command: 'check',
        tool: { name: 'nodesec', version: VERSION },
        generatedAt: now.toISOString(),
        directory: dir,
        checks: entries.map((e) => ({
          check: e.result.check,
          title: e.title,
          status: e.result.status,
          reason: e.result.reason ?? null,
          summary: e.result.summary ?? null,
          failOn: e.failOn,
          failed: e.failed,
          findings: e.result.findings,
          suppressed: (e.result.suppressed ?? []).map((s) => ({ ...s.finding, ignoredBy: { id: s.ignoreId, reason: s.reason } })),
          data: e.result.data ?? null,
        })),
        summary: { findings: all.length, bySeverity: report.countBySeverity(all), failedChecks: entries.filter((e) => e.failed).map((e) => e.result.check) },
        ignores: { source: policy.source ?? null, expired, unused },
        exitCode: exit,
      }),
      sarif: () => toSarif(all, { toolVersion: VERSION, rules: auditSarifRules(all) }),
      markdown: () => report.checkMarkdown(entries, { dir: target ?? '.' }),
      text: () => report.checkText(entries, { dir: target ?? '.', color: ctx.color, unused: unused.map((e) => e.id) }),
    },
  });
}

export const check: CliCommand = {
  name: 'check',
  register(program: Command, ctx: CliContext) {
    program
      .command('check')
      .summary('run every check on a project: one report, one exit code')
      .description(
        'Run every project check that applies: the dependency audit (lockfiles), the Node.js version the ' +
          'project targets (.nvmrc, .node-version, engines.node), dangerous runtime flags (--inspect on a ' +
          'public host, NODE_TLS_REJECT_UNAUTHORIZED=0...), ReDoS and OpenSSF Scorecard checks. Checks that do ' +
          'not apply are listed as skipped. Each check fails at its own default severity unless --fail-on is given.',
      )
      .argument('[dir]', 'project directory', '.')
      .addOption(dbOption())
      .addOption(formatOpt())
      .addOption(failOnOption())
      .addOption(ignoreFileOption())
      .option('--offline', 'no network: upgrade advice from the advisory ranges only')
      .addOption(new Option('--only <check>', 'run only these checks (repeatable)').argParser(collect))
      .addOption(new Option('--skip <check>', 'skip these checks (repeatable)').argParser(collect))
      .addHelpText('after', `
Checks (in report order): ${projectChecks.map((c) => `${c.id}${c.defaultFailOn ? ` (fails on ${c.defaultFailOn}+)` : ''}`).join(', ')}

Examples:
  $ nodesec check                                   the project in this directory
  $ nodesec check ../app --db ../security-wg/vuln   against the Node.js Security WG data
  $ nodesec check --format sarif > nodesec.sarif    one SARIF file for GitHub code scanning
  $ nodesec check --only audit --only node --fail-on high

Exit codes: 0 passed, 1 a check failed (findings at or above its threshold, expired ignores),
2 usage or config error, 3 unreadable input, 4 upstream unavailable.`)
      .action(async (target: string | undefined, flags: CheckFlags) => action(ctx, target, flags));
  },
};
