/**
 * ReDoS benchmark: nodesec's engine against recheck (native backend), scslre, redos-detector and
 * safe-regex2 on the same regexes in the same run. Corpus (bench/redos/corpus.ts): the regexes
 * of real package versions named by the WG's ReDoS advisories and by published CVEs, fetched
 * from the npm registry at bench time (cached in bench/.cache/), with the regexes found only in
 * the vulnerable version marked as likely culprits; plus a set of linear regexes that look
 * dangerous. Ground truth: every regex any tool flags is replayed in V8 with every attack string
 * the tools produced (bench/redos/confirm.ts).
 *
 *   npm run bench redos [-- --sample=500 --recheck-timeout=5000 --timeout=3000 --tools=nodesec,recheck]
 *
 * `nodesec` is the full engine (static analysis, then the V8 proof of each candidate, as the CLI
 * runs it); `nodesec-static` the same analysis without the proof, the like-for-like comparison
 * with the other tools, which prove nothing in V8.
 *
 * Writes bench/.cache/redos-results.json (everything measured) and bench/redos/missed.json (the
 * regexes V8 confirms that nodesec did not flag, for the engine's backlog).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCorpus, type CorpusRegex } from './redos/corpus.ts';
import { CACHE } from './redos/registry.ts';
import { confirmInV8, type Confirmation } from './redos/confirm.ts';
import { nodesecTool, recheckTool, redosDetectorTool, safeRegex2Tool, scslreTool, type Tool, type ToolRun } from './redos/tools.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

function arg(args: string[], name: string): string | undefined {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a?.slice(name.length + 3);
}

const median = (xs: number[]) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));

/** Deterministic sample (the same on every run) of the package set. */
function sample<T extends { pattern: string }>(xs: T[], n: number): T[] {
  const h = (s: string) => {
    let x = 2166136261;
    for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619) >>> 0;
    return x;
  };
  return [...xs].sort((a, b) => h(a.pattern) - h(b.pattern)).slice(0, n);
}

export default async function redosBench(args: string[]): Promise<void> {
  const ourTimeout = Number(arg(args, 'timeout') ?? 3000);
  const recheckTimeout = Number(arg(args, 'recheck-timeout') ?? 5000);
  const sampleN = arg(args, 'sample');
  const wanted = (arg(args, 'tools') ?? 'nodesec,nodesec-static,recheck,scslre,redos-detector,safe-regex2').split(',');

  console.log('Building the corpus (npm registry, cached in bench/.cache/):');
  const t0 = performance.now();
  const corpus = await buildCorpus((m) => console.log(m));
  let regexes: CorpusRegex[] = corpus.regexes;
  if (sampleN) {
    const pkg = regexes.filter((r) => r.set === 'package');
    regexes = [...regexes.filter((r) => r.set !== 'package'), ...sample(pkg, Number(sampleN))];
  }
  const count = (set: string) => regexes.filter((r) => r.set === set).length;
  console.log(`\nCorpus: ${regexes.length} distinct regexes (${count('culprit')} likely culprits, ${count('package')} other package regexes, ${count('safe')} safe-but-scary) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  const tools: Tool[] = [];
  for (const name of wanted) {
    if (name === 'nodesec') tools.push(nodesecTool(ourTimeout));
    else if (name === 'nodesec-static') tools.push(nodesecTool(ourTimeout, false));
    else if (name === 'recheck') tools.push(await recheckTool(recheckTimeout));
    else if (name === 'scslre') tools.push(scslreTool(recheckTimeout));
    else if (name === 'redos-detector') tools.push(redosDetectorTool(recheckTimeout));
    else if (name === 'safe-regex2') tools.push(safeRegex2Tool(recheckTimeout));
  }

  const results = new Map<string, ToolRun[]>();
  const HANG_MS = 30_000;
  for (const tool of tools) {
    const runs: ToolRun[] = [];
    const tt = performance.now();
    for (let i = 0; i < regexes.length; i++) {
      const r = regexes[i]!;
      let timer: NodeJS.Timeout | undefined;
      const run = await Promise.race([
        tool.run(r.pattern, r.flags).catch((err: Error): ToolRun => ({ status: 'error', ms: 0, detail: err.message })),
        new Promise<ToolRun>((res) => {
          timer = setTimeout(() => res({ status: 'timeout', ms: HANG_MS, detail: 'hang: no answer in 30 s' }), HANG_MS);
        }),
      ]);
      clearTimeout(timer);
      runs.push(run);
      if ((i + 1) % 500 === 0) process.stderr.write(`  ${tool.name}: ${i + 1}/${regexes.length}\n`);
    }
    results.set(tool.name, runs);
    console.log(`  ${tool.name}: ${regexes.length} regexes in ${((performance.now() - tt) / 1000).toFixed(1)} s`);
  }

  // Ground truth: replay every attack of every tool for every flagged regex.
  const confirmations: (Confirmation | undefined)[] = [];
  let replayed = 0;
  for (let i = 0; i < regexes.length; i++) {
    const flagged = [...results.values()].some((runs) => runs[i]!.status === 'vulnerable');
    if (!flagged) continue;
    const attacks = [...results.values()].flatMap((runs) => runs[i]!.attacks ?? []);
    confirmations[i] = attacks.length ? await confirmInV8(regexes[i]!.pattern, regexes[i]!.flags, attacks) : { confirmed: false };
    replayed++;
  }
  const confirmed = (i: number) => confirmations[i]?.confirmed === true;
  console.log(`  V8 replay: ${replayed} flagged regexes, ${confirmations.filter((c) => c?.confirmed).length} confirmed\n`);

  // Per-tool table.
  const idx = (set: string) => regexes.map((r, i) => (r.set === set ? i : -1)).filter((i) => i >= 0);
  const culprits = idx('culprit');
  const safe = idx('safe');
  const rows: Record<string, unknown>[] = [];
  console.log('| tool | flagged | culprits flagged | flagged & V8-confirmed | flagged, not confirmed | FP on safe set | timeouts | unknown/errors | median ms | p95 ms | max ms | total s |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, runs] of results) {
    const flaggedIdx = runs.map((r, i) => (r.status === 'vulnerable' ? i : -1)).filter((i) => i >= 0);
    const ms = runs.map((r) => r.ms);
    const row = {
      tool: name,
      flagged: flaggedIdx.length,
      culpritsFlagged: flaggedIdx.filter((i) => regexes[i]!.set === 'culprit').length,
      confirmed: flaggedIdx.filter(confirmed).length,
      unconfirmed: flaggedIdx.filter((i) => !confirmed(i)).length,
      safeFlagged: flaggedIdx.filter((i) => regexes[i]!.set === 'safe').length,
      timeouts: runs.filter((r) => r.status === 'timeout').length,
      unknown: runs.filter((r) => r.status === 'unknown' || r.status === 'error').length,
      medianMs: median(ms),
      p95Ms: pct(ms, 95),
      maxMs: Math.max(...ms),
      totalS: ms.reduce((a, b) => a + b, 0) / 1000,
    };
    rows.push(row);
    console.log(`| ${name} | ${row.flagged} | ${row.culpritsFlagged}/${culprits.length} | ${row.confirmed} | ${row.unconfirmed} | ${row.safeFlagged}/${safe.length} | ${row.timeouts} | ${row.unknown} | ${fmtMs(row.medianMs)} | ${fmtMs(row.p95Ms)} | ${fmtMs(row.maxMs)} | ${row.totalS.toFixed(1)} |`);
  }

  // nodesec against the goals.
  const ours = results.get('nodesec');
  const theirs = results.get('recheck');
  const missed: Record<string, unknown>[] = [];
  if (ours) {
    const confirmedAll = regexes.map((_, i) => i).filter(confirmed);
    for (const i of confirmedAll) {
      if (ours[i]!.status === 'vulnerable') continue;
      const r = regexes[i]!;
      missed.push({
        pattern: r.pattern,
        flags: r.flags,
        set: r.set,
        from: r.from,
        ours: { status: ours[i]!.status, ...(ours[i]!.detail && { detail: ours[i]!.detail }) },
        flaggedBy: [...results].filter(([, runs]) => runs[i]!.status === 'vulnerable').map(([n]) => n),
        v8: confirmations[i],
      });
    }
    const verified = ours.filter((r) => r.status === 'vulnerable' && r.verified).length;
    const flaggedOurs = ours.filter((r) => r.status === 'vulnerable').length;
    const culpritConfirmed = culprits.filter(confirmed);
    const hangs = ours.filter((r) => r.ms >= HANG_MS || r.detail?.startsWith('hang')).length;
    console.log('\nnodesec:');
    console.log(`  culprits flagged: ${culprits.filter((i) => ours[i]!.status === 'vulnerable').length}/${culprits.length} likely culprits; ${culpritConfirmed.filter((i) => ours[i]!.status === 'vulnerable').length}/${culpritConfirmed.length} of the culprits V8 confirms`);
    console.log(`  findings reproduced in V8 by the engine's own proof: ${verified}/${flaggedOurs}`);
    console.log(`  V8-confirmed regexes (flagged by any tool) that nodesec misses: ${missed.length}/${confirmedAll.length}`);
    console.log(`  false positives on the safe set: ${safe.filter((i) => ours[i]!.status === 'vulnerable').length}/${safe.length}`);
    console.log(`  hangs (no answer in 30 s): ${hangs}`);
    if (theirs) {
      const mo = median(ours.map((r) => r.ms));
      const mt = median(theirs.map((r) => r.ms));
      const to = ours.reduce((a, r) => a + r.ms, 0);
      const tt = theirs.reduce((a, r) => a + r.ms, 0);
      console.log(`  median ${fmtMs(mo)} ms vs recheck ${fmtMs(mt)} ms: 1/${(mt / Math.max(mo, 1e-6)).toFixed(0)} (goal ≤ 1/50)`);
      console.log(`  total ${(to / 1000).toFixed(1)} s vs recheck ${(tt / 1000).toFixed(1)} s: ${(tt / Math.max(to, 1e-6)).toFixed(1)}x faster (goal ≥ 10x)`);
    }
    writeFileSync(join(HERE, 'redos', 'missed.json'), `${JSON.stringify({ description: 'Regexes that V8 confirms as super-linear (replaying an attack from some tool) and nodesec did not flag, from the last `npm run bench redos`.', missed }, null, 2)}\n`);
    console.log(`  written: bench/redos/missed.json (${missed.length})`);
  }

  mkdirSync(CACHE, { recursive: true });
  writeFileSync(
    join(CACHE, 'redos-results.json'),
    JSON.stringify(
      {
        pairs: corpus.pairs,
        rows,
        regexes: regexes.map((r, i) => ({ ...r, v8: confirmations[i], runs: Object.fromEntries([...results].map(([n, runs]) => [n, { status: runs[i]!.status, ms: runs[i]!.ms, ...(runs[i]!.detail && { detail: runs[i]!.detail }) }])) })),
      },
      null,
      1,
    ),
  );
  console.log('  written: bench/.cache/redos-results.json');
  for (const t of tools) await t.close?.();
}
