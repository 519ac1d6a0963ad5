/**
 * `nodesec db`: validate, index, convert and snapshot advisory databases.
 *
 * Each subcommand is one `DbSubcommand` in `dbSubcommands` (explicit, in `--help` order). To add
 * one (e.g. `db push`), write a `DbSubcommand` and append it to the list. This module stays
 * cheap to import: the work is loaded in each action.
 */
import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { EXIT } from '../../core/exit-codes.ts';
import type { CliCommand, CliContext } from '../context.ts';
import { formatError, formatOption } from '../main.ts';
import { paint } from '../../report/color.ts';
import { dbPush } from './db-push.ts';

/** Registers one `db` subcommand on the `db` command. */
export type DbSubcommand = (db: Command, ctx: CliContext) => void;

function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function where(p: { file: string; pointer?: string; line?: number; column?: number }): string {
  if (p.line !== undefined) return `${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
  if (p.pointer !== undefined) return `${p.file}#${p.pointer}`;
  return p.file;
}

// ---------------------------------------------------------------------------------------------
// db validate

interface ValidateFlags {
  format: 'text' | 'json';
  strict?: boolean;
  quiet?: boolean;
}

const validate: DbSubcommand = (db, ctx) => {
  db.command('validate')
    .description('Check WG records (core, npm, deps, index.json) and OSV records; report every problem with file and JSON pointer')
    .argument('<paths...>', 'files or directories (directories are walked for *.json)')
    .addOption(formatOption(['text', 'json']))
    .option('--strict', 'treat warnings as errors (exit 1)')
    .option('-q, --quiet', 'print errors only, not warnings')
    .addHelpText('after', `
WG records are checked with the WG's own rules (required fields, no unknown fields, CVE ids,
YYYY-MM-DD dates, one-line titles of at most 150 characters, semver ranges that parse,
affectedEnvironments and severity labels). OSV records are checked against the OSV 1.7 JSON
Schema. Warnings (exit 0) flag what the WG accepts but is suspicious, e.g. a cvss_score that
disagrees with its vector.

Examples:
  $ nodesec db validate vuln/                       the WG database
  $ nodesec db validate vuln/npm/12.json osv/*.json some files
  $ nodesec db validate --format json vuln/ > report.json

Exit codes: 0 valid (warnings allowed), 1 invalid (any error; any warning with --strict),
2 usage. The JSON output is { files: [{ file, kind, records, problems: [{ level, rule,
file, pointer | line+column, message, hint }] }], summary: { files, records, errors, warnings } }.`)
    .action(async (paths: string[], flags: ValidateFlags) => {
      const { expandPaths, validateFile } = await import('../../advisory/validate.ts');
      const { resolve } = await import('node:path');
      const { displayPath } = await import('../../advisory/readers.ts');
      const results = [];
      const list = await expandPaths(paths.map((p) => resolve(ctx.cwd, p)));
      for (const [i, f] of list.entries()) {
        if (i % 100 === 0) ctx.progress(`validating ${i}/${list.length}`);
        const shown = displayPath(f.path, ctx.cwd);
        if (f.missing) {
          results.push({ file: shown, kind: 'unknown' as const, records: 0, problems: [{ level: 'error' as const, rule: 'input/not-found', file: shown, message: 'no such file or directory', hint: 'check the path' }] });
        } else results.push(await validateFile(f.path, shown));
      }
      let errors = 0;
      let warnings = 0;
      let records = 0;
      for (const r of results) {
        records += r.records;
        for (const p of r.problems) p.level === 'error' ? errors++ : warnings++;
      }
      const invalid = errors > 0 || (flags.strict === true && warnings > 0);
      ctx.exitCode = invalid ? EXIT.FINDINGS : EXIT.OK;
      if (flags.format === 'json') {
        writeJson(ctx, { files: results, summary: { files: results.length, records, errors, warnings, valid: !invalid } });
        return;
      }
      const c = ctx.color;
      for (const r of results) {
        for (const p of r.problems) {
          if (flags.quiet && p.level === 'warning') continue;
          const label = p.level === 'error' ? paint(c, 'red', 'error') : paint(c, 'yellow', 'warning');
          ctx.stdout.write(`${where(p)}: ${label}: ${p.message} [${p.rule}]\n`);
          if (p.hint) ctx.stdout.write(`  hint: ${p.hint}\n`);
        }
      }
      const summary = `${results.length} file${results.length === 1 ? '' : 's'}, ${records} record${records === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
      ctx.stdout.write(`${invalid ? paint(c, 'red', 'invalid') : paint(c, 'green', 'valid')}: ${summary}\n`);
    });
};

// ---------------------------------------------------------------------------------------------
// db index

const index: DbSubcommand = (db, ctx) => {
  db.command('index')
    .description("Write the WG's core, npm and deps index.json files from the record files, as the WG's generator does")
    .argument('<vuln-dir>', 'the WG vuln/ directory (or the repository root holding vuln/)')
    .option('--check', 'write nothing; exit 1 when an index.json is missing or stale')
    .addOption(formatOption(['text', 'json']))
    .addHelpText('after', `
core/index.json and deps/index.json come out byte-identical to the WG's generator
(JSON.stringify(index, null, 2)); npm/index.json is compact JSON, as committed by the WG.

Examples:
  $ nodesec db index vuln/            regenerate the three index.json files
  $ nodesec db index --check vuln/    in CI: fail when an index is stale

Exit codes: 0 written (or up to date with --check), 1 stale (--check) or a record cannot be
read (that index is not written), 2 usage, 3 the directory is not a WG vuln dir.`)
    .action(async (dir: string, flags: { check?: boolean; format: 'text' | 'json' }) => {
      const { resolve } = await import('node:path');
      const { nswgVulnDir, displayPath } = await import('../../advisory/readers.ts');
      const { buildIndexes } = await import('../../advisory/indexgen.ts');
      const { writeFileAtomic } = await import('../../advisory/snapshot.ts');
      const abs = resolve(ctx.cwd, dir);
      const vuln = await nswgVulnDir(abs);
      if (!vuln) {
        throw new AppError('ERR_ADVISORY_SOURCE', `${dir} is not a WG vuln directory (no core/, npm/ or deps/ inside)`, { file: dir, hint: 'pass the vuln/ directory of a nodejs/security-wg checkout' });
      }
      const results = await buildIndexes(vuln, displayPath(vuln, ctx.cwd));
      let failed = false;
      const report = [];
      for (const r of results) {
        let action: string;
        if (r.problems.length) {
          failed = true;
          action = 'not written (unreadable records)';
        } else if (flags.check) {
          if (r.stale) failed = true;
          action = r.missing ? 'missing' : r.stale ? 'stale' : 'up to date';
        } else if (r.stale) {
          await writeFileAtomic(resolve(vuln, r.kind, 'index.json'), r.text!);
          action = 'written';
        } else action = 'up to date';
        report.push({ kind: r.kind, file: r.file, records: r.records, status: action, problems: r.problems });
      }
      ctx.exitCode = failed ? EXIT.FINDINGS : EXIT.OK;
      if (flags.format === 'json') {
        writeJson(ctx, { indexes: report });
        return;
      }
      for (const r of report) {
        for (const p of r.problems) ctx.stdout.write(`${where(p)}: ${paint(ctx.color, 'red', 'error')}: ${p.message}\n`);
        ctx.stdout.write(`${r.file}: ${r.status} (${r.records} records)\n`);
      }
      if (flags.check && failed) ctx.stdout.write('run `nodesec db index` to regenerate the stale index files\n');
    });
};

// ---------------------------------------------------------------------------------------------

/** Every `db` subcommand, in `--help` order. Append new ones here. */
export const dbSubcommands: DbSubcommand[] = [validate, index, dbPush];

export const dbCommand: CliCommand = {
  name: 'db',
  register(program, ctx) {
    const db = program
      .command('db')
      .description('Validate, index, convert (OSV, WG, OpenVEX, CVE 5) and snapshot advisory databases')
      .addHelpText('after', `
Examples:
  $ nodesec db validate vuln/                              check the WG database
  $ nodesec db index --check vuln/                         are the WG index.json files current?
  $ nodesec db export --from vuln/ --format osv --out osv/ OSV files + all.zip
  $ nodesec db build --from vuln/ --out advisories.snapshot
  $ nodesec db sync                                        refresh the offline snapshot

See docs/db.md.`);
    for (const sub of dbSubcommands) sub(db, ctx);
  },
};

/** Prints load warnings (skipped inputs) on stderr. */
export function printWarnings(ctx: CliContext, warnings: readonly { file: string; pointer?: string; line?: number; column?: number; message: string }[]): void {
  for (const w of warnings) {
    const err = new AppError('ERR_ADVISORY_INVALID', `skipped: ${w.message}`, { file: w.file, ...(w.pointer !== undefined && { pointer: w.pointer }), ...(w.line !== undefined && { line: w.line }), ...(w.column !== undefined && { column: w.column }) });
    ctx.stderr.write(formatError(err, ctx.color && ctx.stderr.isTTY === true));
  }
}

