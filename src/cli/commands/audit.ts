/**
 * `nodesec audit [path]`: offline dependency audit of npm, yarn, pnpm and bun lockfiles.
 * This module stays cheap to import (cold start): the audit itself is loaded in the action.
 */
import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { EXIT } from '../../core/exit-codes.ts';
import { parseSeverity, severityRank, type Finding, type Severity } from '../../core/finding.ts';
import type { IgnoreEntry, IgnorePolicy } from '../../core/ignore.ts';
import type { AdvisorySource } from '../../core/osv.ts';
import type { CliCommand, CliContext } from '../context.ts';

export const FAIL_ON_CHOICES = ['info', 'low', 'moderate', 'high', 'critical'] as const;

/**
 * `--format`, the same as main.ts's formatOption(). Command modules never import main.ts at load
 * time (main.ts imports the command list: a cycle); they import it inside their action.
 */
export function formatOpt(): Option {
  return new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'markdown']).default('text');
}

/** What actions use from main.ts, loaded when they run. */
export function cliMain(): Promise<typeof import('../main.ts')> {
  return import('../main.ts');
}

export function dbOption(): Option {
  return new Option('--db <source>', 'advisories: a snapshot file, a WG vuln/ directory, an OSV directory or zip, or a hub URL (default: the local snapshot)');
}

export function failOnOption(): Option {
  return new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...FAIL_ON_CHOICES]);
}

export function ignoreFileOption(): Option {
  return new Option('--ignore-file <file>', 'ignore policy file (default: .nodesec.json, else the "nodesec" key of package.json)');
}

/** Collects a repeatable option. */
export function collect(value: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

export async function openSource(ctx: CliContext, db: string | undefined): Promise<AdvisorySource> {
  const [{ openAdvisorySource }, { resolve }] = await Promise.all([import('../../advisory/index.ts'), import('node:path')]);
  const spec = db && !/^https?:\/\//i.test(db) ? resolve(ctx.cwd, db) : db;
  return openAdvisorySource(spec, { env: ctx.env, fetch: ctx.fetch, signal: ctx.signal });
}

/** The config file's `failOn` (of `section`, or the top-level one); a bad value is a config error. */
export function configuredFailOn(policy: IgnorePolicy, section?: string): Severity | undefined {
  const s = policy.settings;
  const sec = section === undefined ? s : s[section];
  const raw = typeof sec === 'object' && sec !== null ? (sec as Record<string, unknown>).failOn : undefined;
  if (raw === undefined) return undefined;
  const sev = typeof raw === 'string' ? parseSeverity(raw) : undefined;
  if (!sev) {
    throw new AppError('ERR_CONFIG_INVALID', `failOn must be one of ${FAIL_ON_CHOICES.join(', ')}, not ${JSON.stringify(raw)}`, {
      ...(policy.source && { file: policy.source }),
      pointer: section === undefined ? '/failOn' : `/${section}/failOn`,
    });
  }
  return sev;
}

/** `--fail-on`, else the config file's `<section>.failOn`, else its `failOn`, else the default. */
export function resolveFailOn(flag: string | undefined, policy: IgnorePolicy, section: string, dflt: Severity): Severity {
  if (flag) return parseSeverity(flag) ?? dflt;
  return configuredFailOn(policy, section) ?? configuredFailOn(policy) ?? dflt;
}

/**
 * Unused ignore entries that concern `check`: one .nodesec.json serves every command, so
 * `nodesec node` must not call the audit's entries stale. An entry concerns a check when its
 * `checks` scope includes it (or it has none) and its id is not a rule id of another check.
 */
export function unusedFor(policy: IgnorePolicy, check: string): IgnoreEntry[] {
  const nodeIds = /^(NSWG-COR-\d+|node-end-of-life)$/i;
  const runtimeIds = /^(inspect-public-host|insecure-http-parser|tls-reject-unauthorized-0|tls-min-legacy)$/i;
  return policy.unused().filter((e) => {
    if (e.checks && !e.checks.includes(check)) return false;
    if (e.checks) return true;
    if (check === 'audit') return !nodeIds.test(e.id) && !runtimeIds.test(e.id) && !/^unsafe-regex$/i.test(e.id) && !/^[A-Z][a-z]+(-[A-Z][a-z]+)+$/.test(e.id);
    if (check === 'node') return nodeIds.test(e.id);
    return false;
  });
}

export function failing(findings: readonly Finding[], failOn: Severity): boolean {
  return findings.some((f) => severityRank(f.severity) >= severityRank(failOn));
}

/** Expired ignore entries fail the run: printed as errors, exit 1. */
export function reportExpired(ctx: CliContext, policy: IgnorePolicy, formatError: (err: unknown, color: boolean) => string): boolean {
  const expired = policy.expired();
  for (const e of expired) {
    const err = new AppError('ERR_IGNORE_EXPIRED', `ignore entry ${e.id} expired on ${e.until} (reason was: ${e.reason})`, {
      ...(policy.source && { file: policy.source }),
      hint: 'review the finding again: fix it, or extend "until" with a fresh reason',
    });
    ctx.stderr.write(formatError(err, ctx.color && ctx.stderr.isTTY === true));
  }
  return expired.length > 0;
}

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export type Format = 'text' | 'json' | 'sarif' | 'markdown';

/** Writes the report in the chosen format; each renderer runs only when chosen. */
export function emit(ctx: CliContext, format: Format, r: { json(): unknown; sarif(): unknown; markdown(): string; text(): string }): void {
  if (format === 'json' || format === 'sarif') writeJson(ctx, r[format]());
  else ctx.stdout.write(r[format]());
}

/**
 * The end of every report command: the report in the chosen format on stdout, expired ignore
 * entries as errors on stderr, the exit code.
 */
export function finish(
  ctx: CliContext,
  o: { format: Format; render: Parameters<typeof emit>[2]; policy: IgnorePolicy; formatError: (err: unknown, color: boolean) => string; exit: number },
): void {
  emit(ctx, o.format, o.render);
  reportExpired(ctx, o.policy, o.formatError);
  ctx.exitCode = o.exit;
}


interface AuditFlags {
  db?: string;
  offline?: boolean;
  registry?: string;
  failOn?: string;
  omit?: string[];
  ignoreFile?: string;
  format: Format;
  maxPaths: string;
  recursive?: boolean;
  allowMismatch?: boolean;
}

async function action(ctx: CliContext, target: string | undefined, flags: AuditFlags): Promise<void> {
  const [{ loadIgnorePolicy }, { auditProject }, report, { DEFAULT_REGISTRY }] = await Promise.all([
    import('../../core/ignore.ts'),
    import('../../audit/project.ts'),
    import('../../audit/report.ts'),
    import('../../audit/registry.ts'),
  ]);
  const { resolve } = await import('node:path');
  const { formatError, VERSION } = await cliMain();
  const dir = target ?? '.';
  const maxPaths = Number(flags.maxPaths);
  if (!Number.isInteger(maxPaths) || maxPaths < 0) throw new AppError('ERR_USAGE', `--max-paths must be a whole number, got "${flags.maxPaths}"`);
  const omit = (flags.omit ?? []) as ('dev' | 'optional' | 'peer')[];
  const { stat } = await import('node:fs/promises');
  const absTarget = resolve(ctx.cwd, dir);
  const projectDir = await stat(absTarget).then((s) => (s.isDirectory() ? absTarget : resolve(absTarget, '..')), () => absTarget);
  const policy = await loadIgnorePolicy(projectDir, { now: ctx.now(), ...(flags.ignoreFile && { explicitFile: resolve(ctx.cwd, flags.ignoreFile) }) });
  const failOn = resolveFailOn(flags.failOn, policy, 'audit', 'low');
  const source = await openSource(ctx, flags.db);
  const registryUrl = flags.registry ?? ctx.env.NODESEC_REGISTRY ?? DEFAULT_REGISTRY;
  const { result, errors } = await auditProject({
    target: dir,
    cwd: ctx.cwd,
    source,
    recursive: flags.recursive ?? false,
    omit,
    maxPaths,
    ignore: policy,
    ...(!flags.offline && { registry: { url: registryUrl, fetch: ctx.fetch, signal: ctx.signal } }),
    progress: ctx.progress,
    ...(flags.allowMismatch && { mismatch: 'warn' as const }),
  });
  for (const e of errors) ctx.stderr.write(formatError(e, ctx.color && ctx.stderr.isTTY === true));
  const expired = policy.expired();
  let exit: number = failing(result.findings, failOn) || expired.length ? EXIT.FINDINGS : EXIT.OK;
  if (errors.length) exit = EXIT.INPUT;
  const meta = {
    toolVersion: VERSION,
    generatedAt: ctx.now().toISOString(),
    database: { ...source.meta, records: source.size },
    failOn,
    omit,
    ignoreSource: policy.source ?? null,
    expiredIgnores: expired,
    unusedIgnores: unusedFor(policy, 'audit'),
    registry: flags.offline ? null : registryUrl,
    exitCode: exit,
  };
  finish(ctx, {
    format: flags.format,
    policy,
    formatError,
    exit,
    render: {
      json: () => report.auditJson(result, meta),
      sarif: () => report.auditSarif(result, VERSION),
      markdown: () => report.auditMarkdown(result, meta),
      text: () => report.auditText(result, meta, ctx.color),
    },
  });
}

export const audit: CliCommand = {
  name: 'audit',
  register(program: Command, ctx: CliContext) {
    program
      .command('audit')
      .summary('match lockfile dependencies against known advisories, offline')
      .description(
        'Audit the dependencies installed by a lockfile (package-lock.json, npm-shrinkwrap.json, yarn.lock, ' +
          'pnpm-lock.yaml, bun.lock) against the advisory database, offline. Each finding names the advisory, ' +
          'its aliases, severity and CVSS, the installed package, every dependency path to it, and the ' +
          'smallest upgrade that fixes it (from the npm registry unless --offline; else from the advisory).',
      )
      .argument('[path]', 'project directory or lockfile', '.')
      .addOption(dbOption())
      .addOption(formatOpt())
      .addOption(failOnOption())
      .addOption(new Option('--omit <type>', 'leave out dev, optional or peer dependencies (repeatable: dev, optional, peer)').argParser((v, p: string[] | undefined) => {
        if (!['dev', 'optional', 'peer'].includes(v)) throw new AppError('ERR_USAGE', `--omit takes dev, optional or peer, not "${v}"`);
        return collect(v, p);
      }))
      .addOption(ignoreFileOption())
      .option('--offline', 'no network: upgrade advice from the advisory ranges only')
      .option('--registry <url>', 'npm registry for upgrade advice (default: $NODESEC_REGISTRY or https://registry.npmjs.org/)')
      .option('--max-paths <n>', 'dependency paths listed per finding (all are counted)', '10')
      .option('-r, --recursive', 'audit every lockfile under the directory (node_modules skipped)')
      .option('--allow-mismatch', 'audit a lockfile that misses dependencies declared in package.json (warn instead of failing)')
      .addHelpText('after', `
Examples:
  $ nodesec audit                                 audit the project in this directory
  $ nodesec audit --omit dev --fail-on high       production dependencies; fail on high or critical
  $ nodesec audit app/yarn.lock --format json     machine-readable report (docs/json-output.md)
  $ nodesec audit --format sarif > audit.sarif    for GitHub code scanning
  $ nodesec audit --db ../security-wg/vuln        against the Node.js Security WG data

Ignore policy: .nodesec.json { "ignore": [ { "id": "GHSA-...", "reason": "...", "until": "2026-12-31" } ] }
(see docs/config.md). An expired entry fails the run; unused entries are reported.
Exit codes: 0 nothing at or above --fail-on (default low), 1 findings or expired ignores,
2 usage or config error, 3 unreadable lockfile or advisory source.`)
      .action(async (target: string | undefined, flags: AuditFlags) => action(ctx, target, flags));
  },
};
