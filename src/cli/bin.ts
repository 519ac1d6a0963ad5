#!/usr/bin/env node
/** Process entry point: the only place that touches process.exitCode and signals. */
import { enableCompileCache } from 'node:module';

// Cache compiled, type-stripped modules between runs (the OS temp dir, or NODE_COMPILE_CACHE):
// most of a cold start is compiling TypeScript. Enabled before main.ts and the commands load.
if (!process.env.NODE_DISABLE_COMPILE_CACHE) enableCompileCache?.();
const { run } = await import('./main.ts');

// `nodesec audit | head`: a closed pipe ends the output, not the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const stop = new AbortController();
const onSignal = (sig: NodeJS.Signals) => {
  if (stop.signal.aborted) process.exit(130); // second signal: stop now
  stop.abort(sig);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  signal: stop.signal,
  runtime: { version: process.version, platform: process.platform },
});
process.exitCode = code;
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
