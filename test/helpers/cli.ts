/** Runs the CLI in-process with captured streams: `const r = await runCli(['audit', dir])`. */
import { run } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/context.ts';

export interface CliResult {
  exit: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], io: Partial<CliIo> & { tty?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const exit = await run(argv, {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: io.tty ?? false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: io.tty ?? false },
    env: io.env ?? { NO_COLOR: '1' },
    cwd: io.cwd ?? process.cwd(),
    ...(io.fetch && { fetch: io.fetch }),
    ...(io.now && { now: io.now }),
    ...(io.stdin && { stdin: io.stdin }),
  });
  return { exit, stdout, stderr };
}
