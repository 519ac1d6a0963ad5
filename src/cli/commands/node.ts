/**
 * `nodesec node`: is this Node.js vulnerable (WG core advisories, by version and platform) or
 * end-of-life (the release schedule)? Defaults to the running Node.js (ctx.runtime).
 */
import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { EXIT } from '../../core/exit-codes.ts';
import type { CliCommand, CliContext } from '../context.ts';
import { cliMain, dbOption, formatOpt, failing, failOnOption, ignoreFileOption, openSource, resolveFailOn, finish, unusedFor, type Format } from './audit.ts';

/** `process.platform` values, plus `any` (every environment). */
const PLATFORMS = ['any', 'aix', 'android', 'cygwin', 'darwin', 'freebsd', 'haiku', 'linux', 'netbsd', 'openbsd', 'sunos', 'win32'];

interface NodeFlags {
  version?: string;
  platform?: string;
  schedule?: string;
  db?: string;
  failOn?: string;
  ignoreFile?: string;
  format: Format;
}

async function action(ctx: CliContext, flags: NodeFlags): Promise<void> {
  const [{ loadIgnorePolicy }, { checkNode }, { loadSchedule }, report, { parseVersion }, { resolve }] = await Promise.all([
    import('../../core/ignore.ts'),
    import('../../audit/node.ts'),
    import('../../audit/schedule.ts'),
    import('../../audit/node-report.ts'),
    import('../../audit/match.ts'),
    import('node:path'),
  ]);
  const { formatError, VERSION } = await cliMain();
  const version = flags.version ?? ctx.runtime?.version;
  if (!version) throw new AppError('ERR_USAGE', 'cannot tell which Node.js to check', { hint: 'pass --version <v>, e.g. --version 20.11.1' });
  if (!parseVersion(version)) throw new AppError('ERR_USAGE', `--version "${version}" is not a Node.js version`, { hint: 'a release like 20.11.1 or v22.3.0' });
  const platform = (flags.platform ?? ctx.runtime?.platform ?? 'any').toLowerCase();
  if (!PLATFORMS.includes(platform)) throw new AppError('ERR_USAGE', `--platform "${platform}" is not a Node.js platform`, { hint: `one of ${PLATFORMS.join(', ')}` });
  const policy = await loadIgnorePolicy(ctx.cwd, { now: ctx.now(), ...(flags.ignoreFile && { explicitFile: resolve(ctx.cwd, flags.ignoreFile) }) });
  const failOn = resolveFailOn(flags.failOn, policy, 'node', 'low');
  const [source, sched] = await Promise.all([
    openSource(ctx, flags.db),
    loadSchedule(flags.schedule ?? ctx.env.NODESEC_SCHEDULE, { cwd: ctx.cwd, fetch: ctx.fetch, signal: ctx.signal }),
  ]);
  const r = checkNode({ version, platform, source, schedule: sched.schedule, now: ctx.now(), ignore: policy });
  const expired = policy.expired();
  const exit = failing(r.findings, failOn) || expired.length ? EXIT.FINDINGS : EXIT.OK;
  const meta = {
    toolVersion: VERSION,
    generatedAt: ctx.now().toISOString(),
    database: { ...source.meta, records: source.size },
    schedule: sched.location,
    failOn,
    ignoreSource: policy.source ?? null,
    expiredIgnores: expired,
    unusedIgnores: unusedFor(policy, 'node'),
    exitCode: exit,
  };
  if (r.records === 0) {
    ctx.stderr.write(formatError(new AppError('ERR_ADVISORY_SOURCE', `the advisory source ${source.meta.location} has no Node.js core records: only end-of-life was checked`, { hint: 'use the WG data (--db <security-wg>/vuln) or a snapshot that includes vuln/core' }), false).replace(/^error/, 'warning'));
  }
  finish(ctx, {
    format: flags.format,
    policy,
    formatError,
    exit,
    render: {
      json: () => report.nodeJson(r, meta),
      sarif: () => report.nodeSarif(r, VERSION),
      markdown: () => report.nodeMarkdown(r, meta),
      text: () => report.nodeText(r, meta, ctx.color),
    },
  });
}

export const node: CliCommand = {
  name: 'node',
  register(program: Command, ctx: CliContext) {
    // `nodesec node --version 20.1.0` must reach this command, not the program's -V/--version:
    // program options are only recognised before the subcommand name.
    program.enablePositionalOptions();
    program
      .command('node')
      .summary('is this Node.js vulnerable or end-of-life?')
      .description(
        'Check a Node.js version against the Node.js Security WG core advisories (per CVE, for the platform) ' +
          'and the release schedule (end-of-life). Defaults to the Node.js running nodesec. The WG\'s ' +
          '"not affected" statements about vendored dependencies (vuln/deps) are honoured.',
      )
      .option('--version <version>', 'Node.js version to check (default: the running one)')
      .addOption(new Option('--platform <platform>', 'platform: linux, win32, darwin, aix, freebsd... or any (default: the running one)'))
      .option('--schedule <file|url>', 'release schedule, nodejs/Release schedule.json format (default: the copy in node-releases)')
      .addOption(dbOption())
      .addOption(formatOpt())
      .addOption(failOnOption())
      .addOption(ignoreFileOption())
      .addHelpText('after', `
Examples:
  $ nodesec node                                      the Node.js running nodesec
  $ nodesec node --version 20.11.1 --platform win32   a Windows server on 20.11.1
  $ nodesec node --version 18.20.4 --format json      machine-readable (docs/json-output.md)
  $ nodesec node --db ../security-wg/vuln --schedule ../Release/schedule.json

Exit codes: 0 nothing at or above --fail-on (default low), 1 vulnerable or end-of-life (high),
2 usage, 3 unreadable advisory source or schedule.`)
      .action(async (flags: NodeFlags) => action(ctx, flags));
  },
};
