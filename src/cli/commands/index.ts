/**
 * Every CLI command, in the order `--help` lists them. Explicit: a command exists only when
 * it is listed here (keep it sorted the way users meet them: check first, then the checks,
 * then the data and server commands).
 */
import type { CliCommand } from '../context.ts';
import { audit } from './audit.ts';
import { check } from './check.ts';
import { node } from './node.ts';
import { dbCommand } from './db.ts';
import { regexCommand } from './regex.ts';
import { scorecardCommand } from './scorecard.ts';
import { serveCommand } from './serve.ts';
import { hubCommand } from './hub.ts';

export const commands: readonly CliCommand[] = [
  check,
  audit,
  node,
  regexCommand,
  scorecardCommand,
  dbCommand,
  serveCommand,
  hubCommand,
];
