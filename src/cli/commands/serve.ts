/**
 * `nodesec serve`: runs the vulnerability hub (OSV API, npm audit API, review workflow) until
 * SIGINT/SIGTERM (ctx.signal), then closes gracefully: stops accepting connections, lets
 * requests in flight finish, closes the store. This module stays cheap to import: Fastify,
 * the store and the advisory readers load in the action.
 */
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { EXIT } from '../../core/exit-codes.ts';
import type { CliCommand, CliContext } from '../context.ts';

interface ServeFlags {
  host: string;
  port: string;
  dataDir?: string;
  databaseUrl?: string;
  import?: string[];
  upstreamRegistry?: string;
  cors?: string[];
  rateLimit: string;
  logLevel: string;
  trustProxy?: boolean;
  prewarm: boolean;
}

function collect(value: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), value];
}

/** Where the embedded database lives by default: $NODESEC_DATA_DIR, $XDG_DATA_HOME/nodesec/hub, ~/.local/share/nodesec/hub. */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.NODESEC_DATA_DIR) return resolve(env.NODESEC_DATA_DIR);
  if (env.XDG_DATA_HOME) return join(resolve(env.XDG_DATA_HOME), 'nodesec', 'hub');
  return join(env.HOME || homedir(), '.local', 'share', 'nodesec', 'hub');
}

function parsePort(s: string): number {
  const n = Number(s);
  if (!/^\d{1,5}$/.test(s) || n > 65535) throw new AppError('ERR_USAGE', `--port must be 0..65535, not ${JSON.stringify(s)}`);
  return n;
}

function parseUrl(flag: string, s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return u.href;
  } catch {
    throw new AppError('ERR_USAGE', `${flag} must be an http(s) URL, not ${JSON.stringify(s)}`);
  }
}

async function serve(ctx: CliContext, flags: ServeFlags): Promise<void> {
  const port = parsePort(flags.port);
  const upstream = parseUrl('--upstream-registry', flags.upstreamRegistry);
  const rate = Number(flags.rateLimit);
  if (!Number.isInteger(rate) || rate < 0) throw new AppError('ERR_USAGE', `--rate-limit must be a whole number of requests per minute (0 = off), not ${flags.rateLimit}`);
  if (flags.dataDir && flags.databaseUrl) throw new AppError('ERR_USAGE', 'pass --data-dir (embedded PGlite) or --database-url (PostgreSQL), not both');
  // flags before the environment: --data-dir wins over a DATABASE_URL in the environment
  const databaseUrl = flags.databaseUrl ?? (flags.dataDir ? undefined : ctx.env.DATABASE_URL);

  const [{ openStore }, { buildHub }, { importIntoStore, formatSummary }, { pino }] = await Promise.all([
    import('../../store/index.ts'),
    import('../../hub/app.ts'),
    import('../../hub/ingest.ts'),
    import('pino'),
  ]);
  const logger = pino({ level: flags.logLevel, base: { service: 'nodesec-hub' } }, { write: (s: string) => void ctx.stderr.write(s) });
  const store = await openStore(databaseUrl
    ? { kind: 'postgres', url: databaseUrl }
    : { kind: 'embedded', dir: resolve(ctx.cwd, flags.dataDir ?? defaultDataDir(ctx.env)) });
  try {
    if (flags.import?.length) {
      const { openAdvisorySource } = await import('../../advisory/index.ts');
      try {
        for (const spec of flags.import) {
          const source = await openAdvisorySource(spec, { env: ctx.env, fetch: ctx.fetch, cwd: ctx.cwd, signal: ctx.signal });
          const summary = await importIntoStore(store, source, { label: spec, progress: ctx.progress, signal: ctx.signal });
          ctx.stderr.write(`import ${formatSummary(summary)}\n`);
          for (const r of summary.rejected.slice(0, 20)) ctx.stderr.write(`  rejected #${r.index}${r.id ? ` ${r.id}` : ''}: ${r.message}\n`);
          if (summary.rejected.length > 20) ctx.stderr.write(`  ... and ${summary.rejected.length - 20} more\n`);
        }
      } catch (err) {
        // stopped during an import: each chunk is its own transaction, so what committed is whole
        if (!ctx.signal.aborted) throw err;
      }
    }
    if (ctx.signal.aborted) {
      ctx.stderr.write('nodesec hub: stopped before serving\n');
      return;
    }
    const app = await buildHub({
      store,
      loggerInstance: logger,
      config: {
        ...(upstream && { upstreamRegistry: upstream }),
        ...(flags.cors?.length && { cors: flags.cors }),
        rateLimit: rate === 0 ? false : { anonymous: rate, authenticated: rate * 10, windowMs: 60_000 },
        trustProxy: flags.trustProxy === true,
        prewarm: flags.prewarm,
      },
    });
    let address: string;
    try {
      address = await app.listen({ host: flags.host, port });
    } catch (cause) {
      await app.close();
      const code = (cause as { code?: string }).code;
      throw new AppError('ERR_USAGE', `cannot listen on ${flags.host}:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : (cause as Error).message}`, { cause });
    }
    ctx.stdout.write(`nodesec hub listening on ${address} (${store.kind} store)\n`);
    if (!ctx.signal.aborted) await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
    ctx.stderr.write('nodesec hub: shutting down\n');
    await app.close();
  } finally {
    await store.close();
  }
  ctx.exitCode = EXIT.OK;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  register(program: Command, ctx: CliContext) {
    program
      .command('serve')
      .summary('run the vulnerability hub (OSV API, npm audit API, review workflow)')
      .description(
        'Run the vulnerability hub: an OSV-compatible query API, the npm audit API (so that ' +
          '`npm audit --registry <hub>` reports its advisories), a change feed and zip export, and ' +
          'the contribution and review workflow. Data lives in an embedded PostgreSQL (PGlite) in ' +
          '--data-dir, or in PostgreSQL with --database-url / DATABASE_URL. Stops on SIGINT/SIGTERM.',
      )
      .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
      .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').default('8080'))
      .addOption(new Option('--data-dir <dir>', 'embedded database directory (default: $NODESEC_DATA_DIR or ~/.local/share/nodesec/hub)'))
      .addOption(new Option('--database-url <url>', 'PostgreSQL URL instead of the embedded database (default: $DATABASE_URL)'))
      .addOption(new Option('--import <source>', 'load advisories before serving: WG vuln dir, OSV dir or zip, snapshot, URL (repeatable; idempotent)').argParser(collect))
      .addOption(new Option('--upstream-registry <url>', 'npm registry to proxy every other request to (packuments for npm audit)'))
      .addOption(new Option('--cors <origin>', 'allow this browser origin (repeatable; default: no CORS)').argParser(collect))
      .addOption(new Option('--rate-limit <n>', 'requests per minute per address (tokens get 10x; 0 = off)').default('600'))
      .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
      .option('--trust-proxy', 'honour X-Forwarded-For (only behind a reverse proxy you run)')
      .option('--no-prewarm', 'do not load every advisory into memory at start (less memory, slower first queries)')
      .addHelpText('after', `
Examples:
  $ nodesec serve --import ../security-wg/vuln
      embedded database in ~/.local/share/nodesec/hub, loaded with the WG database
  $ DATABASE_URL=postgres://hub@db/hub nodesec serve --host 0.0.0.0 --port 8080
  $ nodesec serve --upstream-registry https://registry.npmjs.org/
      then: npm audit --registry http://127.0.0.1:8080/
  $ curl -s localhost:8080/v1/query -d '{"package":{"name":"lodash","ecosystem":"npm"},"version":"4.17.4"}'

Endpoints and examples: docs/hub.md. Logs are JSON lines on stderr (pino).`)
      .action(async (flags: ServeFlags) => serve(ctx, flags));
  },
};
