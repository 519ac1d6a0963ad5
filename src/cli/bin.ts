#!/usr/bin/env node
/** Process entry point: the only place that touches process.exitCode. */
import { run } from './main.ts';

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
});
process.exitCode = code;
