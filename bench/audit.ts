/**
 * `npm run bench audit [-- --runs=N --cli-runs=N --synthetic=N --cli-only]`
 *
 * 1. In-process, per corpus lockfile: a bare syntax parse of the file (JSON.parse, js-yaml,
 *    @yarnpkg/lockfile, jsonc-parser: the parser its reader uses) against the whole audit
 *    (read + parse + graph + match) over the WG database plus N synthetic advisories (default
 *    100,000; 1 in 50 names a package of the corpus). Target: audit within 3x of the parse.
 * 2. Cold CLI: `node src/cli/bin.ts audit <lockfile> --format json --offline`, spawned, against a
 *    snapshot of the same data in a temporary cache dir. Median wall time, and CPU time
 *    (user+sys, via /usr/bin/time when present).
 *    Target: under 250 ms median per lockfile. The first spawn fills the compile cache and is
 *    not counted.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load as loadYaml, FAILSAFE_SCHEMA } from 'js-yaml';
import { parse as parseJsonc } from 'jsonc-parser';
import { encodeSnapshot, MemorySource, openAdvisorySource } from '../src/advisory/index.ts';
import { runAudit } from '../src/audit/audit.ts';
import type { OsvRecord, VexStatement } from '../src/core/osv.ts';
import { findLockfiles, readLockfile } from '../src/lockfile/index.ts';

const yarnLockfile = createRequire(import.meta.url)('@yarnpkg/lockfile') as { parse(text: string): unknown };
const REPO = resolve(fileURLToPath(import.meta.url), '..', '..');
const SHARED = resolve(REPO, '..', 'shared', 'fixtures');
const LOCKFILES = join(SHARED, 'lockfiles');
const NSWG = join(SHARED, 'nswg', 'vuln');
const NODE = join(REPO, 'node_modules', '.bin', 'node');

function arg(args: string[], name: string, dflt: number): number {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : dflt;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function bareParse(file: string, text: string): unknown {
  const b = basename(file);
  if (b.endsWith('.json')) return JSON.parse(text);
  if (b === 'bun.lock') return parseJsonc(text, [], { allowTrailingComma: true });
  if (b === 'pnpm-lock.yaml') return loadYaml(text, { schema: FAILSAFE_SCHEMA });
  if (b === 'yarn.lock') return text.includes('__metadata:') ? loadYaml(text, { schema: FAILSAFE_SCHEMA }) : yarnLockfile.parse(text);
  throw new Error(`no bare parser for ${b}`);
}

/**
 * N synthetic npm advisories: 1 in 50 names a real corpus package (so matching does real work,
 * about as dense as the OSV npm data over a lockfile), the rest other names.
 */
function synthetic(n: number, realNames: string[]): OsvRecord[] {
  const out: OsvRecord[] = [];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < n; i++) {
    const real = i % 50 === 0 && realNames.length > 0;
    const name = real ? realNames[Math.floor(rnd() * realNames.length)]! : `synthetic-pkg-${i}`;
    const maj = Math.floor(rnd() * 5);
    const events = i % 2 ? [{ introduced: `${maj}.0.0` }, { fixed: `${maj}.${Math.floor(rnd() * 20)}.${Math.floor(rnd() * 10)}` }] : [{ introduced: '0' }, { last_affected: `0.0.${Math.floor(rnd() * 3)}` }];
    out.push({
      id: `SYN-${i}`,
      modified: '2024-01-01T00:00:00Z',
      aliases: [`CVE-2099-${100000 + i}`],
      summary: `synthetic advisory ${i}`,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' }],
      affected: [i % 5 === 0
        ? { package: { ecosystem: 'npm', name }, database_specific: { nswg: { vulnerable_versions: `<${maj}.5.0`, patched_versions: `>=${maj}.5.0` } } }
        : { package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events }] }],
    });
  }
  return out;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Spawns the CLI; wall time, and CPU time (user+sys) when /usr/bin/time exists: on a loaded
 * machine the CPU time is the steadier measure of what a cold start costs.
 */
function spawnTimed(args: string[], env: NodeJS.ProcessEnv): Promise<{ wall: number; cpu: number | undefined }> {
  return new Promise((ok, fail) => {
    const t = performance.now();
    const argv = ['src/cli/bin.ts', ...args];
    const child = TIME
      ? spawn(TIME, ['-f', 'nodesec-cpu %U %S', NODE, ...argv], { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(NODE, argv, { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('exit', (code) => {
      const wall = performance.now() - t;
      const m = /nodesec-cpu ([\d.]+) ([\d.]+)/.exec(err);
      const cpu = m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined;
      if (code !== 0 && code !== 1) fail(new Error(`exit ${code}: ${err}`));
      else ok({ wall, cpu });
    });
  });
}

export default async function bench(args: string[]): Promise<void> {
  const runs = arg(args, 'runs', 5);
  const cliRuns = arg(args, 'cli-runs', 7);
  const nSynthetic = arg(args, 'synthetic', 100_000);

  const files: string[] = [];
  for (const d of (await readdir(LOCKFILES, { withFileTypes: true })).filter((x) => x.isDirectory()).map((x) => x.name).sort()) {
    files.push(...(await findLockfiles(join(LOCKFILES, d))));
  }
  const names = new Set<string>();
  for (const f of files) for (const p of (await readLockfile(f)).packages) names.add(p.name);

  const wg = await openAdvisorySource(NSWG, { env: {} });
  const records = [...wg.all(), ...synthetic(nSynthetic, [...names].sort())];
  const source = new MemorySource(records, { kind: 'bench', location: 'WG + synthetic' }, [...(wg.vexStatements?.() ?? [])]);
  console.log(`advisories: ${records.length} (WG ${wg.size} + ${nSynthetic} synthetic); ${files.length} lockfiles; best of ${runs}\n`);

  if (args.includes('--cli-only')) {
    await coldCli(files, [...wg.all()], [...(wg.vexStatements?.() ?? [])], cliRuns, 'the WG data');
    return;
  }
  console.log('| lockfile | packages | bare parse ms | read+graph ms | match+findings ms | audit total ms | ratio | findings |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const ratios: number[] = [];
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    let parse = Infinity;
    let read = Infinity;
    let match = Infinity;
    let audit = Infinity;
    let findings = 0;
    let packages = 0;
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      bareParse(f, text);
      parse = Math.min(parse, performance.now() - t);
      t = performance.now();
      const g = await readLockfile(f);
      const t1 = performance.now();
      const r = await runAudit([g], { source, root: LOCKFILES });
      const t2 = performance.now();
      read = Math.min(read, t1 - t);
      match = Math.min(match, t2 - t1);
      audit = Math.min(audit, t2 - t);
      findings = r.findings.length;
      packages = g.packages.length;
    }
    ratios.push(audit / parse);
    console.log(`| ${f.slice(LOCKFILES.length + 1)} | ${packages} | ${parse.toFixed(1)} | ${read.toFixed(1)} | ${match.toFixed(1)} | ${audit.toFixed(1)} | ${(audit / parse).toFixed(2)}x | ${findings} |`);
  }
  console.log(`\nratio audit/parse: median ${median(ratios).toFixed(2)}x, max ${Math.max(...ratios).toFixed(2)}x (target <= 3x)\n`);

  await coldCli(files, [...wg.all()], [...(wg.vexStatements?.() ?? [])], cliRuns, 'the WG data');
  await coldCli(files, records, [...(wg.vexStatements?.() ?? [])], cliRuns, `WG + ${nSynthetic} synthetic`);
}

async function coldCli(files: string[], records: OsvRecord[], vex: VexStatement[], cliRuns: number, label: string): Promise<void> {
  const cache = await mkdtemp(join(tmpdir(), 'nodesec-bench-'));
  try {
    await writeFile(join(cache, 'advisories.snapshot'), encodeSnapshot({
      records,
      vex,
      sources: [{ kind: 'bench', location: label, records: records.length }],
      builtAt: new Date(),
    }));
    const env = { ...process.env, NODESEC_CACHE_DIR: cache, NO_COLOR: '1', NODESEC_PROGRESS: '0' };
    await spawnTimed(['audit', files[0]!, '--format', 'json', '--offline'], env); // fills the compile cache
    console.log(`cold CLI: node src/cli/bin.ts audit <lockfile> --format json --offline (snapshot: ${label}, ${records.length} advisories), ${cliRuns} runs each\n`);
    console.log('| lockfile | median wall ms | min wall ms | median CPU ms |');
    console.log('| --- | ---: | ---: | ---: |');
    const medians: number[] = [];
    const cpus: number[] = [];
    for (const f of files) {
      const walls: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < cliRuns; i++) {
        const r = await spawnTimed(['audit', f, '--format', 'json', '--offline'], env);
        walls.push(r.wall);
        if (r.cpu !== undefined) cpu.push(r.cpu);
      }
      medians.push(median(walls));
      if (cpu.length) cpus.push(median(cpu));
      console.log(`| ${f.slice(LOCKFILES.length + 1)} | ${median(walls).toFixed(0)} | ${Math.min(...walls).toFixed(0)} | ${cpu.length ? median(cpu).toFixed(0) : 'n/a'} |`);
    }
    console.log(`\ncold CLI (${label}): median of medians ${median(medians).toFixed(0)} ms wall${cpus.length ? `, ${median(cpus).toFixed(0)} ms CPU` : ''}; worst median ${Math.max(...medians).toFixed(0)} ms wall (target < 250 ms)\n`);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}
