/**
 * `nodesec db push [source] --to <hub-url>`: sends an advisory source to a hub's batch import
 * endpoint (implementation: src/hub/push.ts). Registered in db.ts's `dbSubcommands`.
 */
import { Option } from 'commander';
import { AppError } from '../../core/errors.ts';
import { EXIT } from '../../core/exit-codes.ts';
import type { DbSubcommand } from './db.ts';
import { formatOption } from '../main.ts';

interface PushFlags {
  to: string;
  token?: string;
  format: 'text' | 'json';
}

export const dbPush: DbSubcommand = (db, ctx) => {
  db.command('push')
    .description('Send advisories (WG vuln dir, OSV dir or zip, snapshot, URL) to a nodesec hub; idempotent, aliases merged by the hub')
    .argument('[source]', 'advisory source (default: the local snapshot)')
    .requiredOption('--to <url>', 'the hub, e.g. https://hub.example/')
    .addOption(new Option('--token <token>', 'admin token of the hub (default: $NODESEC_HUB_TOKEN)'))
    .addOption(formatOption(['text', 'json']))
    .addHelpText('after', `
Examples:
  $ NODESEC_HUB_TOKEN=nshub_... nodesec db push vuln/ --to http://127.0.0.1:8080/
  $ nodesec db push osv-npm.zip --to https://hub.example/ --token nshub_... --format json

Exit codes: 0 pushed, 1 some records were rejected (listed), 2 usage, 3 unreadable source,
4 hub unreachable or refused the push. See docs/hub.md.`)
    .action(async (source: string | undefined, flags: PushFlags) => {
      const token = flags.token ?? ctx.env.NODESEC_HUB_TOKEN;
      if (!token) throw new AppError('ERR_USAGE', 'db push needs an admin token: --token or NODESEC_HUB_TOKEN');
      const [{ openAdvisorySource }, { pushSource }, { formatSummary }] = await Promise.all([
        import('../../advisory/index.ts'),
        import('../../hub/push.ts'),
        import('../../hub/ingest.ts'),
      ]);
      const src = await openAdvisorySource(source, { env: ctx.env, fetch: ctx.fetch, cwd: ctx.cwd, signal: ctx.signal });
      const summary = await pushSource(src, { to: flags.to, token, fetch: ctx.fetch, signal: ctx.signal, progress: ctx.progress });
      if (flags.format === 'json') ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        ctx.stdout.write(`pushed ${formatSummary(summary)}\n`);
        for (const r of summary.rejected) ctx.stdout.write(`  rejected #${r.index}${r.id ? ` ${r.id}` : ''}: ${r.message}\n`);
      }
      ctx.exitCode = summary.rejected.length > 0 ? EXIT.FINDINGS : EXIT.OK;
    });
};
