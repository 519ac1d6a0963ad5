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
import { formatOption } from '../main.ts';
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
    .argument('<paths...>', 'files, directories (walked for *.json), OSV .zip archives or .snapshot files')
    .addOption(formatOption(['text', 'json']))
    .option('--strict', 'treat warnings as errors (exit 1)')
    .option('-q, --quiet', 'print errors only, not warnings')
    .addHelpText('after', `
WG records are checked with the WG's own rules (required fields, no unknown fields, CVE ids,
YYYY-MM-DD dates, one-line titles of at most 150 characters, semver ranges that parse,
affectedEnvironments and severity labels). OSV records are checked against the OSV 1.7 JSON
Schema, OpenVEX documents against the OpenVEX 0.2.0 schema. Warnings (exit 0) flag what the
WG accepts but is suspicious, e.g. a cvss_score that disagrees with its vector.

Examples:
  $ nodesec db validate vuln/                       the WG database
  $ nodesec db validate vuln/npm/12.json osv/*.json some files
  $ nodesec db validate osv/all.zip                 every record of an OSV export
  $ nodesec db validate --format json vuln/ > report.json

Exit codes: 0 valid (warnings allowed), 1 invalid (any error; any warning with --strict),
2 usage. The JSON output is { files: [{ file, kind, records, problems: [{ level, rule,
file, pointer | line+column, message, hint }] }], summary: { files, records, errors, warnings } }.`)
    .action(async (paths: string[], flags: ValidateFlags) => {
      const { crossFileProblems, expandPaths, validatePath } = await import('../../advisory/validate.ts');
      const { resolve } = await import('node:path');
      const { displayPath } = await import('../../advisory/readers.ts');
      const results = [];
      const list = await expandPaths(paths.map((p) => resolve(ctx.cwd, p)));
      for (const [i, f] of list.entries()) {
        if (i % 100 === 0) ctx.progress(`validating ${i}/${list.length}`);
        const shown = displayPath(f.path, ctx.cwd);
        if (f.missing) {
          results.push({ file: shown, kind: 'unknown' as const, records: 0, problems: [{ level: 'error' as const, rule: 'input/not-found', file: shown, message: 'no such file or directory', hint: 'check the path' }] });
        } else results.push(...(await validatePath(f.path, shown)));
      }
      const byFile = new Map(results.map((r) => [r.file, r]));
      for (const p of crossFileProblems(results)) byFile.get(p.file)?.problems.push(p);
      let errors = 0;
      let warnings = 0;
      let records = 0;
      for (const r of results) {
        delete r.ids;
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
// db export

interface ExportFlags {
  from?: string;
  format: 'osv' | 'nswg' | 'openvex' | 'cve5';
  out: string;
  idPrefix: string;
  author?: string;
  cnaOrgId?: string;
  cnaShortName?: string;
}

const exportCmd: DbSubcommand = (db, ctx) => {
  db.command('export')
    .description('Convert an advisory source to OSV files (+ all.zip), the WG layout, an OpenVEX document or CVE JSON 5 records')
    .option('--from <source>', 'a snapshot, the WG vuln/ dir, an OSV dir or zip, or a URL (default: the snapshot in the cache dir)')
    .addOption(new Option('--format <format>', 'what to write').choices(['osv', 'nswg', 'openvex', 'cve5']).makeOptionMandatory())
    .requiredOption('-o, --out <path>', 'output directory (osv, nswg, cve5) or file (openvex)')
    .option('--id-prefix <prefix>', 'osv: prefix for ids without a registered OSV prefix', 'x_')
    .option('--author <name>', 'openvex: document author', 'Node.js Security WG')
    .option('--cna-org-id <uuid>', 'cve5: the CNA organisation UUID (assignerOrgId)')
    .option('--cna-short-name <name>', 'cve5: the CNA short name')
    .addHelpText('after', `
Formats:
  osv      one <id>.json per advisory, valid against the OSV 1.7 schema, and all.zip of them
           (like osv.dev's per-ecosystem exports). WG ids are not a registered OSV prefix:
           they become x_NSWG-ECO-1 (see --id-prefix) and stay as aliases.
  nswg     the WG layout: core/, npm/, deps/ with <n>.json and index.json.
  openvex  one OpenVEX 0.2.0 document about Node.js: fixed, affected (per release line) and
           not_affected statements. npm advisories are about other products and are left out.
  cve5     one CVE JSON 5.1 record per CVE id (advisories without a CVE have none).

Examples:
  $ nodesec db export --from vuln/ --format osv --out osv/
  $ nodesec db export --from vuln/ --format openvex --out node.openvex.json
  $ nodesec db export --from osv/all.zip --format nswg --out roundtrip/

Exit codes: 0 written, 3 the source cannot be read. Invalid inputs are skipped with a
message on stderr.`)
    .action(async (flags: ExportFlags) => {
      const { resolve, join } = await import('node:path');
      const { mkdir, writeFile } = await import('node:fs/promises');
      const { loadAdvisories } = await import('../../advisory/source.ts');
      const exp = await import('../../advisory/export.ts');
      const { writeFileAtomic } = await import('../../advisory/snapshot.ts');
      const { formatIndex } = await import('../../advisory/indexgen.ts');
      if (flags.format === 'osv' && !exp.isUsableIdPrefix(flags.idPrefix)) {
        throw new AppError('ERR_USAGE', `--id-prefix "${flags.idPrefix}" does not make valid OSV ids`, { hint: 'use the local form x_ (e.g. x_nodesec-) or a prefix registered with OSV' });
      }
      const loaded = flags.from === undefined
        ? await (await import('../../advisory/source.ts')).openAdvisorySource(undefined, { env: ctx.env })
        : await loadAdvisories(flags.from, { env: ctx.env, fetch: ctx.fetch, cwd: ctx.cwd, signal: ctx.signal });
      const records = 'byId' in loaded ? [...loaded.all()] : loaded.records;
      const vex = 'byId' in loaded ? (loaded.vexStatements?.() ?? []) : loaded.vex;
      if (!('byId' in loaded)) printWarnings(ctx, loaded.warnings);
      const out = resolve(ctx.cwd, flags.out);
      let written = 0;
      let note = '';
      if (flags.format === 'osv') {
        const { zipSync } = await import('fflate');
        const { validateOsv } = await import('../../advisory/validate.ts');
        await mkdir(out, { recursive: true });
        const zip: Record<string, Uint8Array> = {};
        let invalid = 0;
        for (const r of records) {
          const rec = exp.toExportOsv(r, { idPrefix: flags.idPrefix });
          const name = exp.idFileName(rec.id);
          const problems = validateOsv(rec, name);
          if (problems.length) {
            invalid++;
            printWarnings(ctx, problems.map((p) => ({ file: name, ...(p.pointer !== undefined && { pointer: p.pointer }), message: `not exported: ${p.message}` })));
            continue;
          }
          const bytes = Buffer.from(`${JSON.stringify(rec, null, 2)}\n`);
          await writeFile(join(out, name), bytes);
          zip[name] = bytes;
          written++;
        }
        await writeFileAtomic(join(out, 'all.zip'), zipSync(zip, { level: 6 }));
        note = `${written} OSV records and all.zip in ${flags.out}${invalid ? ` (${invalid} invalid, not exported)` : ''}`;
        if (invalid) ctx.exitCode = EXIT.FINDINGS;
      } else if (flags.format === 'nswg') {
        const { files, skipped } = exp.toNswgFiles(records, vex);
        const indexes: Record<string, Record<string, unknown>> = { core: {}, npm: {}, deps: {} };
        for (const f of files) {
          await mkdir(join(out, f.kind), { recursive: true });
          await writeFile(join(out, f.kind, `${f.id}.json`), `${JSON.stringify(f.record, null, 2)}\n`);
          indexes[f.kind]![f.id] = f.record;
          written++;
        }
        for (const kind of ['core', 'npm', 'deps'] as const) {
          if (Object.keys(indexes[kind]!).length) await writeFileAtomic(join(out, kind, 'index.json'), formatIndex(kind, indexes[kind]!));
        }
        note = `${written} WG records in ${flags.out}${skipped.length ? ` (${skipped.length} not from the WG, skipped: the WG layout has no place for them)` : ''}`;
      } else if (flags.format === 'openvex') {
        const doc = exp.toOpenVex(records, vex, { now: ctx.now(), ...(flags.author && { author: flags.author }) });
        // checked before it is written, as the WG's generator does
        const { validateOpenVex } = await import('../../advisory/validate.ts');
        const problems = validateOpenVex(doc, flags.out).filter((p) => p.level === 'error');
        if (problems.length) {
          printWarnings(ctx, problems.map((p) => ({ file: p.file, ...(p.pointer !== undefined && { pointer: p.pointer }), message: p.message })));
          throw new AppError('ERR_INTERNAL', `the OpenVEX document is invalid (${problems.length} problems); not written`, { file: flags.out });
        }
        await writeFileAtomic(out, `${JSON.stringify(doc, null, 2)}\n`);
        written = (doc.statements as unknown[]).length;
        note = `${written} OpenVEX statements in ${flags.out}`;
      } else {
        await mkdir(out, { recursive: true });
        let without = 0;
        const byCve = new Map<string, Record<string, unknown>>();
        for (const r of records) {
          const recs = exp.toCve5(r, { ...(flags.cnaOrgId && { orgId: flags.cnaOrgId }), ...(flags.cnaShortName && { shortName: flags.cnaShortName }) });
          if (!recs.length) without++;
          for (const c of recs) {
            const id = (c.cveMetadata as { cveId: string }).cveId;
            const prev = byCve.get(id);
            byCve.set(id, prev ? exp.mergeCve5(prev, c) : c);
          }
        }
        for (const [id, c] of byCve) {
          await writeFile(join(out, `${id}.json`), `${JSON.stringify(c, null, 2)}\n`);
          written++;
        }
        note = `${written} CVE records in ${flags.out}${without ? ` (${without} advisories without a CVE id have none)` : ''}`;
        if (!flags.cnaOrgId) note += '; assignerOrgId is a placeholder: pass --cna-org-id';
      }
      ctx.stdout.write(`${note}\n`);
    });
};

// ---------------------------------------------------------------------------------------------
// db build / sync / info

/** Reports a written snapshot: a line of text, or `{ file, status: "written", ...header, bytes, warnings }` as JSON. */
function reportBuild(ctx: CliContext, format: 'text' | 'json', r: BuildResultLike, out: string): void {
  if (format === 'json') {
    const { sections: _, ...header } = r.header;
    writeJson(ctx, { file: out, status: 'written', ...header, bytes: r.bytes, warnings: r.warnings });
    return;
  }
  printWarnings(ctx, r.warnings);
  const h = r.header;
  ctx.stdout.write(`wrote ${out}: ${h.records} advisories, ${h.vexStatements} VEX statements, ${(r.bytes / 1048576).toFixed(1)} MiB, newest record ${h.newestModified ?? 'n/a'}, sha256 ${h.sha256.slice(0, 16)}…\n`);
}

type BuildResultLike = Awaited<ReturnType<typeof import('../../advisory/build.ts').buildSnapshotFile>>;

const build: DbSubcommand = (db, ctx) => {
  db.command('build')
    .description('Build an advisory snapshot file from one or more sources')
    .requiredOption('--from <source>', 'a WG vuln/ dir or its raw base URL, an OSV dir, zip or URL, a snapshot (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('-o, --out <file>', 'snapshot file to write (default: the snapshot in the cache dir)')
    .addHelpText('after', `
The snapshot is one versioned file: source metadata and freshness, a sha256 of the body, a
package index and the records. It is written to a temporary file and renamed into place.

Examples:
  $ nodesec db build --from vuln/ --out advisories.snapshot
  $ nodesec db build --from vuln/ --from osv/npm-all.zip     into the cache dir

Exit codes: 0 written, 3 a source cannot be read (nothing is written), 4 a URL is unreachable.`)
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: { from: string[]; out?: string; format: 'text' | 'json' }) => {
      const { resolve } = await import('node:path');
      const { buildSnapshotFile } = await import('../../advisory/build.ts');
      const { defaultSnapshotPath } = await import('../../advisory/source.ts');
      const out = flags.out ? resolve(ctx.cwd, flags.out) : defaultSnapshotPath({ env: ctx.env });
      const r = await buildSnapshotFile(flags.from, out, { env: ctx.env, fetch: ctx.fetch, cwd: ctx.cwd, signal: ctx.signal, now: ctx.now(), progress: ctx.progress });
      reportBuild(ctx, flags.format, r, flags.out ?? out);
    });
};

const sync: DbSubcommand = (db, ctx) => {
  db.command('sync')
    .description('Refresh the offline advisory snapshot in the cache dir from the WG database and OSV')
    .option('--from <source>', 'instead of the defaults (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--no-osv', "skip OSV's npm export (WG data only)")
    .option('-o, --out <file>', 'snapshot file (default: the snapshot in the cache dir)')
    .option('--max-age <hours>', 'do nothing when the snapshot is younger than this')
    .addHelpText('after', `
Default sources (each overridable by environment):
  NODESEC_NSWG_URL  https://raw.githubusercontent.com/nodejs/security-wg/main/vuln/  (the WG's index.json files)
  NODESEC_OSV_URL   https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip  (OSV's npm export)
NODESEC_SYNC_FROM (or --from) replaces both, e.g. a nodesec hub: https://hub.example/v1/export/all.zip
Cache dir: NODESEC_CACHE_DIR, else $XDG_CACHE_HOME/nodesec, else ~/.cache/nodesec.

Examples:
  $ nodesec db sync                       refresh everything
  $ nodesec db sync --no-osv --max-age 24 WG data only, at most once a day
  $ nodesec db sync --from https://hub.example/v1/export/all.zip   from your hub

Exit codes: 0 refreshed or fresh enough, 3 a source cannot be read, 4 upstream unreachable;
the existing snapshot is left as it was on any failure.`)
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: { from?: string[]; osv: boolean; out?: string; maxAge?: string; format: 'text' | 'json' }) => {
      const { resolve } = await import('node:path');
      const { readFile } = await import('node:fs/promises');
      const { buildSnapshotFile, syncSources } = await import('../../advisory/build.ts');
      const { defaultSnapshotPath } = await import('../../advisory/source.ts');
      const { readSnapshotHeader } = await import('../../advisory/snapshot.ts');
      const out = flags.out ? resolve(ctx.cwd, flags.out) : defaultSnapshotPath({ env: ctx.env });
      if (flags.maxAge !== undefined) {
        const hours = Number(flags.maxAge);
        if (!Number.isFinite(hours) || hours < 0) throw new AppError('ERR_USAGE', `--max-age must be a number of hours, got "${flags.maxAge}"`);
        const current = await readFile(out).catch(() => undefined);
        if (current) {
          try {
            const { header } = readSnapshotHeader(current, out);
            const age = (ctx.now().getTime() - new Date(header.builtAt).getTime()) / 3_600_000;
            if (age >= 0 && age < hours) {
              if (flags.format === 'json') writeJson(ctx, { file: flags.out ?? out, status: 'fresh', ageHours: Math.round(age * 10) / 10, builtAt: header.builtAt, records: header.records });
              else ctx.stdout.write(`snapshot is ${age.toFixed(1)} h old (max ${hours} h): up to date\n`);
              return;
            }
          } catch {
            // unreadable: rebuild it
          }
        }
      }
      const sources = flags.from?.length ? flags.from : syncSources(ctx.env, { osv: flags.osv });
      const r = await buildSnapshotFile(sources, out, { env: ctx.env, fetch: ctx.fetch, cwd: ctx.cwd, signal: ctx.signal, now: ctx.now(), progress: ctx.progress });
      reportBuild(ctx, flags.format, r, flags.out ?? out);
    });
};

const info: DbSubcommand = (db, ctx) => {
  db.command('info')
    .description('Show a snapshot: where it came from, how fresh it is, and whether it passes its integrity check')
    .argument('[file]', 'snapshot file (default: the snapshot in the cache dir)')
    .addOption(formatOption(['text', 'json']))
    .option('--max-age <hours>', 'exit 1 when the snapshot is older than this (a CI freshness gate)')
    .addHelpText('after', `
Examples:
  $ nodesec db info
  $ nodesec db info --format json advisories.snapshot
  $ nodesec db info --max-age 48          fail when the snapshot is more than two days old

Exit codes: 0 ok, 1 older than --max-age, 2 usage, 3 missing, corrupt or of an unsupported version.`)
    .action(async (file: string | undefined, flags: { format: 'text' | 'json'; maxAge?: string }) => {
      const maxAge = flags.maxAge === undefined ? undefined : Number(flags.maxAge);
      if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge >= 0)) throw new AppError('ERR_USAGE', `--max-age must be a number of hours, got "${flags.maxAge}"`);
      const { resolve } = await import('node:path');
      const { defaultSnapshotPath } = await import('../../advisory/source.ts');
      const { loadSnapshot } = await import('../../advisory/snapshot.ts');
      const path = file ? resolve(ctx.cwd, file) : defaultSnapshotPath({ env: ctx.env });
      const snap = await loadSnapshot(path);
      const h = snap.header;
      const ageHours = (ctx.now().getTime() - new Date(h.builtAt).getTime()) / 3_600_000;
      const stale = maxAge !== undefined && ageHours > maxAge;
      if (stale) ctx.exitCode = EXIT.FINDINGS;
      if (flags.format === 'json') {
        writeJson(ctx, { file: file ?? path, ...h, ageHours: Math.round(ageHours * 10) / 10, integrity: 'ok', ...(maxAge !== undefined && { stale }) });
        return;
      }
      if (stale) ctx.stderr.write(`snapshot is ${ageHours.toFixed(1)} h old, older than --max-age ${maxAge}: run \`nodesec db sync\`\n`);
      ctx.stdout.write(`${file ?? path}\n  format version ${h.version}, integrity ok (sha256 ${h.sha256})\n  built ${h.builtAt} (${ageHours.toFixed(1)} h ago), newest record ${h.newestModified ?? 'n/a'}\n  ${h.records} advisories, ${h.vexStatements} VEX statements\n`);
      for (const s of h.sources) ctx.stdout.write(`  source ${s.kind} ${s.location}: ${s.records} records${s.fetchedAt ? `, fetched ${s.fetchedAt}` : ''}\n`);
    });
};

// ---------------------------------------------------------------------------------------------

/** Every `db` subcommand, in `--help` order. Append new ones here. */
export const dbSubcommands: DbSubcommand[] = [validate, index, exportCmd, build, sync, info, dbPush];

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

/** Prints load warnings (skipped inputs) on stderr: `warning: file#pointer: message`. */
export function printWarnings(ctx: CliContext, warnings: readonly { file: string; pointer?: string; line?: number; column?: number; message: string }[]): void {
  const label = paint(ctx.color && ctx.stderr.isTTY === true, 'yellow', 'warning');
  for (const w of warnings) ctx.stderr.write(`${label}: ${where(w)}: skipped: ${w.message}\n`);
}

