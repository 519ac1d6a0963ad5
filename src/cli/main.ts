/**
 * The single place where errors become exit codes. `run` never throws and never calls
 * `process.exit`: bin.ts sets `process.exitCode` from what it returns.
 */
import { Command, CommanderError, Option } from 'commander';
import { isAppError } from '../core/errors.ts';
import { EXIT } from '../core/exit-codes.ts';
import { commands } from './commands/index.ts';
import type { CliContext, CliIo } from './context.ts';
import { colorEnabled, paint } from '../report/color.ts';

export const VERSION = '0.1.0';

export function createContext(io: CliIo, signal: AbortSignal): CliContext {
  const env = io.env;
  const showProgress = env.NODESEC_PROGRESS === '1' || (env.NODESEC_PROGRESS !== '0' && io.stderr.isTTY === true && !env.CI);
  return {
    stdout: io.stdout,
    stderr: io.stderr,
    env,
    cwd: io.cwd,
    fetch: io.fetch ?? globalThis.fetch,
    now: io.now ?? (() => new Date()),
    stdin: io.stdin,
    ...(io.runtime && { runtime: io.runtime }),
    exitCode: EXIT.OK,
    color: colorEnabled(io.stdout, env),
    progress: showProgress ? (m) => void io.stderr.write(`${m}\n`) : () => {},
    signal,
  };
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('nodesec')
    .description('Security checks for Node.js projects: dependency audit, Node.js runtime, ReDoS, OpenSSF Scorecard, and the vulnerability hub.')
    .version(VERSION, '-V, --version', 'print the nodesec version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpText('after', `
Examples:
  $ nodesec check                    run every check on the project in this directory
  $ nodesec audit --format sarif     audit the lockfile, SARIF for GitHub code scanning
  $ nodesec node                     is the running Node.js vulnerable or end-of-life?
  $ nodesec regex src/               find ReDoS-prone regular expressions
  $ nodesec scorecard check          OpenSSF Scorecard checks on the local checkout
  $ nodesec db sync                  refresh the offline advisory snapshot

Exit codes: 0 ok, 1 findings at or above the threshold, 2 usage, 3 unreadable input,
4 upstream unavailable, 5 store error, 70 internal error. See docs/exit-codes.md.`)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
      outputError: (s, write) => write(paint(ctx.color && ctx.stderr.isTTY === true, 'red', s)),
    });
  for (const c of commands) c.register(program, ctx);
  // Every subcommand throws instead of exiting, and writes to the injected streams.
  const wire = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride();
      sub.configureOutput({ writeOut: (s) => void ctx.stdout.write(s), writeErr: (s) => void ctx.stderr.write(s) });
      sub.showSuggestionAfterError(true);
      wire(sub);
    }
  };
  wire(program);
  return program;
}

/** Formats an error for people: `error[CODE] file:line: message` plus a hint line. */
export function formatError(err: unknown, color: boolean): string {
  if (isAppError(err)) {
    const where = err.where ? `${err.where}: ` : '';
    let s = `${paint(color, 'red', `error[${err.code}]`)} ${where}${err.message}\n`;
    if (err.hint) s += `  hint: ${err.hint}\n`;
    return s;
  }
  return '';
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const abort = new AbortController();
  const signal = io.signal ? AbortSignal.any([io.signal, abort.signal]) : abort.signal;
  const ctx = createContext(io, signal);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      if (err.code === 'commander.executeSubCommandAsync') return EXIT.OK;
      // commander has already printed its message (unknown option, missing argument...)
      return EXIT.USAGE;
    }
    if (isAppError(err)) {
      ctx.stderr.write(formatError(err, ctx.color && ctx.stderr.isTTY === true));
      return err.exit;
    }
    const e = err as Error;
    ctx.stderr.write(
      `internal error: ${e?.message ?? String(err)}\n` +
        'This is a bug in nodesec; please report it with the command you ran.\n' +
        (ctx.env.NODESEC_DEBUG ? `${e?.stack ?? ''}\n` : 'Set NODESEC_DEBUG=1 to print the stack trace.\n'),
    );
    return EXIT.INTERNAL;
  } finally {
    abort.abort();
  }
}

/** `--format` option shared by commands; the choices are validated by commander. */
export function formatOption(choices: readonly string[] = ['text', 'json', 'sarif', 'markdown'], dflt = 'text'): Option {
  return new Option('-f, --format <format>', 'output format').choices([...choices]).default(dflt);
}
