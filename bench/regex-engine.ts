/**
 * `npm run bench regex-engine [-- --limit=N --proof]`: speed of the ReDoS engine alone.
 *
 * Corpus: every distinct regex literal and constant RegExp() in this checkout's node_modules
 * (real-world regexes, extracted with src/redos/extract). Reports the static analysis time per
 * regex (median, p90, p99, max), the verdict mix, and with --proof the full analyzeRegex time
 * (static + V8 proof) for the candidates. Not part of the tests.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeRegex, analyzeRegexStatic, closeProofPool } from '../src/redos/analyze.ts';
import { extractFromSource } from '../src/redos/extract/extract.ts';
import { listInstalledPackages, listPackageFiles } from '../src/redos/extract/files.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function corpus(limit: number): { pattern: string; flags: string }[] {
  const seen = new Map<string, { pattern: string; flags: string }>();
  for (const pkg of listInstalledPackages(ROOT)) {
    for (const file of listPackageFiles(pkg)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      if (text.length > 2_000_000) continue;
      for (const s of extractFromSource(text, file).sites) {
        const k = `${s.flags}/${s.pattern}`;
        if (!seen.has(k)) seen.set(k, { pattern: s.pattern, flags: s.flags });
        if (seen.size >= limit) return [...seen.values()];
      }
    }
  }
  return [...seen.values()];
}

export default async function bench(args: string[]): Promise<void> {
  const limit = Number(args.find((a) => a.startsWith('--limit='))?.slice(8) ?? 5_000);
  const withProof = args.includes('--proof');
  const t0 = performance.now();
  const regexes = corpus(limit);
  console.log(`corpus: ${regexes.length} distinct regexes from node_modules (${(performance.now() - t0).toFixed(0)} ms to extract)`);

  // warm up the JIT and the one-time tables (case folding) before timing
  for (const r of regexes.slice(0, 200)) analyzeRegexStatic(r.pattern, r.flags);
  analyzeRegexStatic('a', 'i');
  analyzeRegexStatic('a', 'iu');

  const times: number[] = [];
  const kinds = new Map<string, number>();
  const candidates: { pattern: string; flags: string }[] = [];
  const tAll = performance.now();
  for (const r of regexes) {
    const a = analyzeRegexStatic(r.pattern, r.flags);
    times.push(a.ms);
    const k = a.verdict.kind === 'unknown' ? `unknown (${a.verdict.why})` : a.verdict.kind;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
    if (a.verdict.kind === 'vulnerable') candidates.push(r);
  }
  const total = performance.now() - tAll;
  times.sort((a, b) => a - b);
  console.log('\nstatic analysis (analyzeRegexStatic)');
  console.log(`  total ${total.toFixed(0)} ms for ${regexes.length} regexes`);
  console.log(`  per regex: median ${percentile(times, 50).toFixed(3)} ms, p90 ${percentile(times, 90).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${times.at(-1)?.toFixed(1)} ms`);
  console.log(`  verdicts: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);

  if (!withProof) {
    console.log('\n(run with --proof to time the V8 proof of the candidates)');
    return;
  }
  const proofTimes: number[] = [];
  const proofKinds = new Map<string, number>();
  const tp = performance.now();
  for (const r of candidates) {
    const a = await analyzeRegex(r.pattern, r.flags);
    proofTimes.push(a.ms);
    const k = a.verdict.kind === 'vulnerable' ? `vulnerable ${a.verdict.severity}` : a.verdict.kind === 'unknown' ? `unknown (${a.verdict.why})` : a.verdict.kind;
    proofKinds.set(k, (proofKinds.get(k) ?? 0) + 1);
  }
  await closeProofPool();
  proofTimes.sort((a, b) => a - b);
  console.log(`\nstatic + V8 proof (analyzeRegex) on the ${candidates.length} candidates`);
  console.log(`  total ${(performance.now() - tp).toFixed(0)} ms; per candidate median ${percentile(proofTimes, 50).toFixed(0)} ms, max ${proofTimes.at(-1)?.toFixed(0)} ms`);
  console.log(`  verdicts: ${[...proofKinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const whole = total + (performance.now() - tp);
  console.log(`\nwhole corpus: ${whole.toFixed(0)} ms, ${(whole / regexes.length).toFixed(2)} ms per regex on average`);
}

if (import.meta.url === `file://${process.argv[1]}`) await bench(process.argv.slice(2));
