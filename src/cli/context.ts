/**
 * What a command gets from the outside world. Everything is injected so that tests run
 * commands in-process (`run(argv, fakeIo)`) and assert `{ exit, stdout, stderr }`.
 * Nothing below cli/main.ts touches `process`.
 */
import type { Command } from 'commander';

export interface Output {
  write(chunk: string): unknown;
  /** True when attached to a terminal (colour, progress). */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Injected for tests; defaults to global fetch. */
  fetch?: typeof fetch;
  /** Injected clock; defaults to `new Date()`. */
  now?: () => Date;
  /** Standard input, for commands that read it (`-`). */
  stdin?: AsyncIterable<Buffer | string>;
  /** Aborted on SIGINT/SIGTERM (bin.ts); long-running commands (serve, workers) stop on it. */
  signal?: AbortSignal;
  /** The running Node.js (`nodesec node` defaults to it); set by bin.ts, absent in tests. */
  runtime?: { version: string; platform: string };
}

export interface CliContext extends Required<Omit<CliIo, 'stdin' | 'signal' | 'runtime'>> {
  stdin?: AsyncIterable<Buffer | string>;
  runtime?: { version: string; platform: string };
  /** Set by a command's action: the exit code of the run. */
  exitCode: number;
  /** Colour allowed on stdout: a TTY and no NO_COLOR (FORCE_COLOR overrides). */
  color: boolean;
  /** Progress messages on stderr (only when stderr is a TTY, or NODESEC_PROGRESS=1). */
  progress(message: string): void;
  /** Aborted when the process is asked to stop (SIGINT/SIGTERM) or when `run` returns. */
  signal: AbortSignal;
}

/** One CLI command: registers itself on the program. The list is cli/commands/index.ts. */
export interface CliCommand {
  name: string;
  register(program: Command, ctx: CliContext): void;
}
