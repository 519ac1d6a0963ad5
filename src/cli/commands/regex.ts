/**
 * `nodesec regex`: ReDoS in JS/TS sources and installed packages, or in one pattern.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { EXIT } from '../../core/exit-codes.ts';
import { parseSeverity, severityRank, SEVERITIES, type Severity } from '../../core/finding.ts';
import { loadIgnorePolicy } from '../../core/ignore.ts';
import type { CliCommand, CliContext } from '../context.ts';
import { formatOption, VERSION } from '../main.ts';

interface RegexOptions {
  format: 'text' | 'json' | 'sarif' | 'markdown';
  pattern?: string;
  flags: string;
  nodeModules?: boolean;
  sources: boolean;
  root?: string;
  failOn: string;
  failOnUnknown?: boolean;
  maxFileSize: string;
  timeout?: string;
  verify: boolean;
  cache: boolean;
  cacheDir?: string;
  ignoreFile?: string;
  jobs?: string;
  verbose?: boolean;
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb?|mb?|gb?)?$/i.exec(s.trim());
  if (!m) throw new AppError('ERR_USAGE', `invalid size "${s}"`, { hint: 'use bytes or a unit: 500000, 512kb, 5mb' });
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * mult);
}

function parsePositiveInt(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new AppError('ERR_USAGE', `${flag} must be a non-negative integer, got "${s}"`);
  return n;
}

/** The project root of a path: the nearest directory with package.json or .git, else the path. */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(resolve(dir, 'package.json')) || existsSync(resolve(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

async function action(ctx: CliContext, paths: string[], o: RegexOptions): Promise<void> {
  const failOn = parseSeverity(o.failOn);
  if (!failOn) throw new AppError('ERR_USAGE', `invalid --fail-on "${o.failOn}"`, { hint: `one of ${SEVERITIES.join(', ')}` });
  const budget = {
    ...(o.timeout !== undefined && { timeoutMs: parsePositiveInt(o.timeout, '--timeout') }),
    verify: o.verify,
  };
  const report = await import('../../redos/report.ts');
  const scan = await import('../../redos/scan.ts');

  if (o.pattern !== undefined) {
    if (paths.length > 0 || o.nodeModules) throw new AppError('ERR_USAGE', '--pattern analyses one regex: give no paths and no --node-modules');
    if (!/^[dgimsuvy]*$/.test(o.flags)) throw new AppError('ERR_REGEX_SYNTAX', `invalid regex flags "${o.flags}"`, { hint: 'flags are among d g i m s u v y' });
    const a = await scan.analysePattern(o.pattern, o.flags, { budget });
    if (a.verdict.kind === 'invalid') {
      throw new AppError('ERR_REGEX_SYNTAX', `/${o.pattern}/${o.flags} does not compile: ${a.verdict.message}`, { hint: 'quote the pattern for your shell, e.g. --pattern \'^(a+)+$\'' });
    }
    const site = { file: '<pattern>', line: 1, column: 1, pattern: o.pattern, flags: o.flags, origin: 'pattern' as const };
    const v = a.verdict;
    const findings: import('../../redos/scan.ts').RegexFinding[] =
      v.kind === 'vulnerable' ? [{ rule: 'unsafe-regex', severity: v.severity, ...site, analysis: a }] : v.kind === 'unknown' ? [{ rule: 'regex-unknown', severity: 'info', ...site, analysis: a }] : [];
    const result = { root: ctx.cwd, findings, suppressed: [], diagnostics: [], stats: { files: 0, skippedFiles: 0, sites: 1, dynamic: 0, unique: 1, analysed: 1, packages: 0, packagesCached: 0, ms: Math.round(a.ms) } };
    if (o.format === 'text') {
      ctx.stdout.write(findings.length === 0 ? `${report.showRegex(o.pattern, o.flags)}: safe (no super-linear backtracking)\n` : report.toText(result, { color: ctx.color, summary: false }));
    } else write(ctx, o, result, report);
    ctx.exitCode = exitFor(findings, failOn, o.failOnUnknown === true);
    return;
  }

  const targets = paths.map((p) => (isAbsolute(p) ? p : resolve(ctx.cwd, p)));
  for (const t of targets) if (!existsSync(t)) throw new AppError('ERR_INPUT_NOT_FOUND', `no such file or directory: ${t}`, { file: t });
  const first = targets[0];
  const root = o.root ? resolve(ctx.cwd, o.root) : findRoot(first ? (statSync(first).isDirectory() ? first : dirname(first)) : ctx.cwd);
  if (!existsSync(root)) throw new AppError('ERR_INPUT_NOT_FOUND', `no such directory: ${root}`, { file: root });
  if (!o.sources && !o.nodeModules) throw new AppError('ERR_USAGE', '--no-sources scans nothing without --node-modules');
  if (o.nodeModules && !existsSync(resolve(root, 'node_modules'))) {
    throw new AppError('ERR_INPUT_NOT_FOUND', `no node_modules in ${root}`, { hint: 'install the dependencies first (npm ci), or pass --root' });
  }
  const ignore = await loadIgnorePolicy(root, { now: ctx.now(), ...(o.ignoreFile && { explicitFile: resolve(ctx.cwd, o.ignoreFile) }) });
  const { userCacheDir } = await import('../../redos/cache.ts');
  const result = await scan.scanRegexes({
    root,
    ...(targets.length > 0 && { targets }),
    sources: o.sources,
    nodeModules: o.nodeModules === true,
    maxFileBytes: parseSize(o.maxFileSize),
    ...(o.cache && { cacheDir: o.cacheDir ? resolve(ctx.cwd, o.cacheDir) : userCacheDir(ctx.env) }),
    budget,
    ...(o.jobs !== undefined && { workers: parsePositiveInt(o.jobs, '--jobs') }),
    ignore,
    progress: ctx.progress,
    signal: ctx.signal,
  });
  write(ctx, o, result, report);
  if (o.format === 'text') {
    const ours = new Set(['unsafe-regex', 'regex-unknown', 'regex-invalid', 'parse-error']);
    for (const e of ignore.unused()) {
      if (ours.has(e.id) || e.checks?.includes('regex')) ctx.stderr.write(`note: ignore entry "${e.id}" (${e.reason}) suppressed nothing\n`);
    }
  }
  ctx.exitCode = exitFor(result.findings, failOn, o.failOnUnknown === true);
}

function exitFor(findings: { rule: string; severity: Severity }[], failOn: Severity, failOnUnknown: boolean): number {
  const fails = findings.some((f) => (f.rule === 'regex-unknown' && failOnUnknown) || severityRank(f.severity) >= severityRank(failOn));
  return fails ? EXIT.FINDINGS : EXIT.OK;
}

function write(
  ctx: CliContext,
  o: RegexOptions,
  result: import('../../redos/scan.ts').RegexScanResult,
  report: typeof import('../../redos/report.ts'),
): void {
  switch (o.format) {
    case 'json':
      ctx.stdout.write(`${JSON.stringify(report.toJson(result, VERSION), null, 2)}\n`);
      return;
    case 'sarif':
      ctx.stdout.write(`${JSON.stringify(report.toRegexSarif(result, VERSION), null, 2)}\n`);
      return;
    case 'markdown':
      ctx.stdout.write(report.toMarkdown(result));
      return;
    default:
      ctx.stdout.write(report.toText(result, { color: ctx.color, verbose: o.verbose === true }));
  }
}

export const regexCommand: CliCommand = {
  name: 'regex',
  register(program: Command, ctx: CliContext) {
    program
      .command('regex')
      .description(
        'Find regular expressions vulnerable to ReDoS (catastrophic backtracking) in JS/TS sources and installed packages. ' +
          'Every regex literal and every RegExp() whose pattern folds to a constant is analysed; a vulnerable verdict comes with ' +
          'an attack string that was run in V8 to prove the slowdown.',
      )
      .argument('[paths...]', 'files or directories to scan (default: the current directory)')
      .addOption(formatOption())
      .option('--pattern <regex>', 'analyse one pattern instead of files (without slashes)')
      .option('--flags <flags>', 'flags for --pattern, e.g. u or gi', '')
      .option('--node-modules', 'also scan every installed dependency (findings attributed to name@version, cached per package)')
      .option('--no-sources', 'with --node-modules: scan only the dependencies')
      .option('--root <dir>', 'project root (paths in the report are relative to it; default: nearest directory with package.json or .git)')
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'medium']).default('low'))
      .option('--fail-on-unknown', 'also exit 1 when the analysis could not decide for some regex (unknown verdict)')
      .option('--max-file-size <size>', 'skip files larger than this (bytes, or 512kb, 5mb)', '5mb')
      .option('--timeout <ms>', 'analysis time limit per regex, proof included')
      .option('--no-verify', 'skip the V8 proof (static analysis only; faster, findings are marked unverified)')
      .option('--no-cache', 'do not read or write the per-package cache')
      .option('--cache-dir <dir>', 'cache directory (default: $NODESEC_CACHE_DIR or the user cache dir)')
      .option('--ignore-file <file>', 'ignore policy file (default: .nodesec.json or package.json#nodesec in the root)')
      .option('--jobs <n>', 'extraction worker threads (0: none; default: by scan size, up to the CPU count)')
      .option('--verbose', 'list skipped files and other notes')
      .addHelpText(
        'after',
        `
Examples:
  $ nodesec regex                               scan the project in this directory
  $ nodesec regex src lib --format sarif         SARIF for GitHub code scanning
  $ nodesec regex --node-modules --no-sources    scan only the installed dependencies
  $ nodesec regex --pattern '^(a+)+$'            analyse one pattern
  $ nodesec regex --pattern '\\p{L}+x' --flags u   with flags

Suppress a reviewed regex with a comment on its line or the line before (a reason is required):
  // nodesec-ignore-regex: input is capped at 64 characters by the schema
or in .nodesec.json: { "ignore": [{ "id": "unsafe-regex", "files": ["vendor/**"], "reason": "..." }] }

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or invalid --pattern, 3 unreadable input.
Docs: docs/regex.md (JSON schema, accuracy and speed).`,
      )
      .action((paths: string[], o: RegexOptions) => action(ctx, paths, o));
  },
};
