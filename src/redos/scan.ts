/**
 * `nodesec regex` scan: files → regex sites (extract/) → one analysis per distinct
 * (pattern, flags) → findings, with suppression comments, the shared ignore policy and, for
 * installed packages, a per-package cache.
 *
 *   sources       project files (every .gitignore honoured, node_modules and .git skipped)
 *   node_modules  every installed package, findings attributed to name@version
 *
 * Extraction runs on a pool of worker threads for large scans; analysis is deduplicated and
 * runs with bounded concurrency, each regex under the engine's own budget plus a watchdog, so
 * that no input can hang the scan.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { IgnorePolicy } from '../core/ignore.ts';
import type { Severity } from '../core/finding.ts';
import type { RegexAnalysis, RegexBudget, RegexSite } from './types.ts';
import { DEFAULT_MAX_FILE_BYTES, extractFile, type FileOutcome } from './extract/file.ts';
import { isSourceFile, listInstalledPackages, listPackageFiles, listSourceFiles, packageFingerprint, type InstalledPackage } from './extract/files.ts';
import { cacheable, patternKey, RegexCache, type CachedFile } from './cache.ts';
import { toFinding } from './report.ts';

export type Analyzer = (pattern: string, flags: string, budget?: Partial<RegexBudget>) => Promise<RegexAnalysis>;

export type RegexRule = 'unsafe-regex' | 'regex-unknown' | 'regex-invalid' | 'parse-error';

export interface RegexFinding {
  rule: RegexRule;
  severity: Severity;
  /** Relative to the scan root, forward slashes. */
  file: string;
  line: number;
  column: number;
  /** name@version for files inside node_modules. */
  package?: string;
  pattern?: string;
  flags?: string;
  origin?: RegexSite['origin'];
  analysis?: RegexAnalysis;
  /** For parse errors: the parser's message. */
  message?: string;
  suppressed?: { by: 'comment' | 'ignore-file'; reason: string; id?: string };
}

export interface RegexDiagnostic {
  kind: 'too-large' | 'unreadable' | 'binary' | 'bad-suppression' | 'fold-budget' | 'analysis-error';
  file: string;
  line?: number;
  message: string;
}

export interface RegexScanStats {
  files: number;
  skippedFiles: number;
  sites: number;
  dynamic: number;
  unique: number;
  analysed: number;
  packages: number;
  packagesCached: number;
  ms: number;
}

export interface RegexScanResult {
  root: string;
  findings: RegexFinding[];
  suppressed: RegexFinding[];
  diagnostics: RegexDiagnostic[];
  stats: RegexScanStats;
}

export interface RegexScanOptions {
  /** Project root: paths in the report are relative to it. */
  root: string;
  /** Files or directories to scan for sources (absolute, or relative to root). Default: root. */
  targets?: string[];
  /** Scan project sources (default true). */
  sources?: boolean;
  /** Scan installed packages under root/node_modules. */
  nodeModules?: boolean;
  maxFileBytes?: number;
  /** Base cache directory (the cache lives in `<dir>/regex/`); undefined disables the cache. */
  cacheDir?: string;
  /** The analysis engine (injectable for tests); default: redos/analyze.ts. */
  analyzer?: Analyzer;
  budget?: Partial<RegexBudget>;
  /** Parallel analyses. Default: os.availableParallelism(). */
  concurrency?: number;
  /** Extraction worker threads: 0 = in-process; default: automatic by scan size. */
  workers?: number;
  ignore?: IgnorePolicy;
  progress?: (message: string) => void;
  signal?: AbortSignal;
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

// ---------------------------------------------------------------- extraction pool

/** Files per worker below which threads cost more than they save. */
const FILES_PER_WORKER = 64;

async function extractMany(files: string[], maxBytes: number, workers: number | undefined, signal?: AbortSignal): Promise<FileOutcome[]> {
  const n = workers ?? Math.min(availableParallelism(), Math.floor(files.length / FILES_PER_WORKER));
  if (n <= 0 || files.length < 2) return files.map((f) => extractFile(f, maxBytes));
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`./extract/worker${ext}`, import.meta.url);
  const out: FileOutcome[] = new Array(files.length);
  let next = 0;
  const pool = Array.from({ length: Math.min(n, files.length) }, () => new Worker(url));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolveDone, reject) => {
            const feed = () => {
              if (signal?.aborted) return resolveDone();
              if (next >= files.length) return resolveDone();
              const id = next++;
              w.postMessage({ id, file: files[id], maxBytes });
            };
            w.on('message', (m: { id: number; outcome: FileOutcome }) => {
              out[m.id] = m.outcome;
              feed();
            });
            w.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  // A worker that died mid-file (or an abort) leaves holes: do those in-process.
  for (let i = 0; i < files.length; i++) if (!out[i] && !signal?.aborted) out[i] = extractFile(files[i]!, maxBytes);
  return out;
}

// ---------------------------------------------------------------- analysis

async function defaultAnalyzer(): Promise<Analyzer> {
  const mod = await import('./analyze.ts');
  return mod.analyzeRegex;
}

async function analyseAll(
  keys: { pattern: string; flags: string }[],
  analyzer: Analyzer,
  budget: Partial<RegexBudget> | undefined,
  concurrency: number,
  onDone: (done: number) => void,
  signal?: AbortSignal,
): Promise<Map<string, RegexAnalysis>> {
  const out = new Map<string, RegexAnalysis>();
  const watchdogMs = (budget?.timeoutMs ?? 3_000) * 2 + 2_000;
  let next = 0;
  let done = 0;
  const one = async (pattern: string, flags: string): Promise<RegexAnalysis> => {
    const t0 = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        analyzer(pattern, flags, budget),
        new Promise<RegexAnalysis>((res) => {
          timer = setTimeout(() => res({ pattern, flags, verdict: { kind: 'unknown', why: 'timeout', detail: `no verdict within ${watchdogMs} ms` }, ms: performance.now() - t0 }), watchdogMs);
          timer.unref?.();
        }),
      ]);
    } catch (err) {
      return { pattern, flags, verdict: { kind: 'unknown', why: 'unsupported-syntax', detail: `analysis failed: ${(err as Error).message}` }, ms: performance.now() - t0 };
    } finally {
      clearTimeout(timer);
    }
  };
  const lane = async () => {
    while (next < keys.length && !signal?.aborted) {
      const k = keys[next++]!;
      out.set(patternKey(k.pattern, k.flags), await one(k.pattern, k.flags));
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, keys.length)) }, lane));
  return out;
}

// ---------------------------------------------------------------- findings

function findingFor(site: RegexSite, a: RegexAnalysis): RegexFinding | undefined {
  const v = a.verdict;
  const base = { file: site.file, line: site.line, column: site.column, pattern: site.pattern, flags: site.flags, origin: site.origin, analysis: a, ...(site.package && { package: site.package }) };
  switch (v.kind) {
    case 'safe':
      return undefined;
    case 'vulnerable':
      return { rule: 'unsafe-regex', severity: v.severity, ...base };
    case 'unknown':
      return { rule: 'regex-unknown', severity: 'info', ...base };
    case 'invalid':
      return { rule: 'regex-invalid', severity: 'info', ...base };
  }
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, moderate: 2, low: 3, info: 4 };

export function sortFindings(list: RegexFinding[]): RegexFinding[] {
  return list.sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

// ---------------------------------------------------------------- scan

interface FileRecord {
  rel: string;
  pkg?: string;
  outcome: FileOutcome;
}

export async function scanRegexes(opts: RegexScanOptions): Promise<RegexScanResult> {
  const t0 = performance.now();
  const root = resolve(opts.root);
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const progress = opts.progress ?? (() => {});
  const rel = (abs: string) => toPosix(relative(root, abs)) || '.';
  const records: FileRecord[] = [];
  const diagnostics: RegexDiagnostic[] = [];
  const stats: RegexScanStats = { files: 0, skippedFiles: 0, sites: 0, dynamic: 0, unique: 0, analysed: 0, packages: 0, packagesCached: 0, ms: 0 };

  // Sources.
  if (opts.sources !== false) {
    const files = new Set<string>();
    for (const t of opts.targets?.length ? opts.targets : [root]) {
      const abs = isAbsolute(t) ? t : resolve(root, t);
      let st;
      try {
        st = statSync(abs);
      } catch {
        diagnostics.push({ kind: 'unreadable', file: rel(abs), message: 'no such file or directory' });
        continue;
      }
      if (st.isDirectory()) for (const f of listSourceFiles(abs, { root })) files.add(f);
      else if (isSourceFile(abs) || st.isFile()) files.add(abs);
    }
    const list = [...files];
    progress(`regex: extracting from ${list.length} source files`);
    const outcomes = await extractMany(list, maxBytes, opts.workers, opts.signal);
    list.forEach((f, i) => outcomes[i] && records.push({ rel: rel(f), outcome: outcomes[i]! }));
  }

  // Installed packages (cached by integrity or fingerprint).
  const cache = opts.cacheDir ? new RegexCache(opts.cacheDir) : undefined;
  const settings = `max=${maxBytes};budget=${JSON.stringify(opts.budget ?? {})}`;
  const cachedAnalyses = new Map<string, RegexAnalysis>();
  const toCache: { pkg: InstalledPackage; id: string; key: string; files: { abs: string; rel: string }[] }[] = [];
  if (opts.nodeModules) {
    const pkgs = listInstalledPackages(root);
    stats.packages = pkgs.length;
    const pending: { abs: string; rel: string; pkg: string }[] = [];
    for (const pkg of pkgs) {
      const id = `${pkg.name}@${pkg.version}`;
      const files = pkg.integrity ? undefined : listPackageFiles(pkg);
      const key = packageFingerprint(pkg, files ?? []);
      const hit = cache?.get(id, key, settings);
      if (hit) {
        stats.packagesCached++;
        for (const f of hit.files) {
          const outcome: FileOutcome = f.skipped
            ? { status: 'skipped', reason: f.skipped.reason as 'too-large', message: f.skipped.message }
            : { status: 'ok', sites: f.sites, dynamic: f.dynamic, badSuppressions: [], foldExhausted: false, ...(f.parseError && { parseError: f.parseError }) };
          records.push({ rel: toPosix(`${pkg.location}/${f.file}`), pkg: id, outcome });
        }
        for (const [k, a] of Object.entries(hit.analyses)) cachedAnalyses.set(k, a);
        continue;
      }
      const list = (files ?? listPackageFiles(pkg)).map((abs) => ({ abs, rel: rel(abs) }));
      toCache.push({ pkg, id, key, files: list });
      for (const f of list) pending.push({ ...f, pkg: id });
    }
    progress(`regex: ${pkgs.length} packages (${stats.packagesCached} cached), extracting from ${pending.length} files`);
    const outcomes = await extractMany(pending.map((p) => p.abs), maxBytes, opts.workers, opts.signal);
    pending.forEach((p, i) => outcomes[i] && records.push({ rel: p.rel, pkg: p.pkg, outcome: outcomes[i]! }));
  }

  // Sites, parse errors, diagnostics.
  const sites: (RegexSite & { suppressed?: { reason: string } })[] = [];
  const parseErrors: RegexFinding[] = [];
  for (const r of records) {
    stats.files++;
    const o = r.outcome;
    if (o.status === 'skipped') {
      stats.skippedFiles++;
      diagnostics.push({ kind: o.reason, file: r.rel, message: o.message });
      continue;
    }
    stats.dynamic += o.dynamic;
    if (o.parseError) {
      parseErrors.push({ rule: 'parse-error', severity: 'info', file: r.rel, line: o.parseError.line, column: o.parseError.column, message: o.parseError.message, ...(r.pkg && { package: r.pkg }) });
    }
    for (const b of o.badSuppressions) diagnostics.push({ kind: 'bad-suppression', file: r.rel, line: b.line, message: 'nodesec-ignore-regex needs a reason ("// nodesec-ignore-regex: <why this is safe>"); it suppresses nothing' });
    if (o.foldExhausted) diagnostics.push({ kind: 'fold-budget', file: r.rel, message: 'constant folding ran out of budget: some table-built patterns may be missing' });
    for (const s of o.sites) {
      sites.push({ file: r.rel, line: s.line, column: s.column, pattern: s.pattern, flags: s.flags, origin: s.origin, ...(r.pkg && { package: r.pkg }), ...(s.suppressed && { suppressed: { reason: s.suppressed.reason } }) });
    }
  }
  stats.sites = sites.length;

  // One analysis per distinct (pattern, flags).
  const distinct = new Map<string, { pattern: string; flags: string }>();
  for (const s of sites) distinct.set(patternKey(s.pattern, s.flags), { pattern: s.pattern, flags: s.flags });
  stats.unique = distinct.size;
  let todo = [...distinct.entries()].filter(([k]) => !cachedAnalyses.has(k)).map(([, v]) => v);
  if (cache && opts.nodeModules) {
    // Patterns already analysed for another package (or an older version of this one).
    todo = todo.filter((k) => {
      const a = cache.getAnalysis(k.pattern, k.flags, settings);
      if (a) cachedAnalyses.set(patternKey(k.pattern, k.flags), a);
      return !a;
    });
  }
  stats.analysed = todo.length;
  progress(`regex: ${sites.length} regexes, ${distinct.size} distinct, analysing ${todo.length}`);
  const analyzer = opts.analyzer ?? (await defaultAnalyzer());
  const every = Math.max(1, Math.floor(todo.length / 10));
  const fresh = await analyseAll(todo, analyzer, opts.budget, opts.concurrency ?? availableParallelism(), (d) => {
    if (d % every === 0) progress(`regex: analysed ${d}/${todo.length}`);
  }, opts.signal);
  const analyses = new Map([...cachedAnalyses, ...fresh]);
  if (cache && opts.nodeModules) for (const a of fresh.values()) if (cacheable(a)) cache.setAnalysis(a, settings);

  // Findings and suppression.
  const findings: RegexFinding[] = [];
  const suppressed: RegexFinding[] = [];
  const route = (f: RegexFinding, comment?: { reason: string }) => {
    if (comment) {
      suppressed.push({ ...f, suppressed: { by: 'comment', reason: comment.reason } });
      return;
    }
    const entry = opts.ignore?.match({
      finding: toFinding(f),
      ...(f.package && { dependencyPaths: [[f.package]] }),
    });
    if (entry) suppressed.push({ ...f, suppressed: { by: 'ignore-file', reason: entry.reason, id: entry.id } });
    else findings.push(f);
  };
  for (const s of sites) {
    const a = analyses.get(patternKey(s.pattern, s.flags));
    if (!a) continue; // aborted
    const { suppressed: comment, ...site } = s;
    const f = findingFor(site, a);
    if (f) route(f, comment);
  }
  for (const p of parseErrors) route(p);

  // Cache what was freshly read.
  if (cache) {
    const byPkg = new Map<string, FileRecord[]>();
    for (const r of records) if (r.pkg) byPkg.set(r.pkg, [...(byPkg.get(r.pkg) ?? []), r]);
    for (const t of toCache) {
      if (opts.signal?.aborted) break;
      const files: CachedFile[] = [];
      const pats: Record<string, RegexAnalysis> = {};
      const prefix = t.pkg.location + '/';
      for (const r of byPkg.get(t.id) ?? []) {
        if (!r.rel.startsWith(prefix)) continue;
        const o = r.outcome;
        const file = r.rel.slice(prefix.length);
        if (o.status === 'skipped') files.push({ file, sites: [], dynamic: 0, skipped: { reason: o.reason, message: o.message } });
        else {
          files.push({ file, sites: o.sites, dynamic: o.dynamic, ...(o.parseError && { parseError: o.parseError }) });
          for (const s of o.sites) {
            const k = patternKey(s.pattern, s.flags);
            const a = analyses.get(k);
            if (a && cacheable(a)) pats[k] = a;
          }
        }
      }
      cache.set({ format: 1, key: t.key, package: t.id, files, analyses: pats }, settings);
    }
  }

  stats.ms = Math.round(performance.now() - t0);
  return { root, findings: sortFindings(findings), suppressed: sortFindings(suppressed), diagnostics, stats };
}

/** Analyses one pattern given on the command line (`nodesec regex --pattern`). */
export async function analysePattern(pattern: string, flags: string, opts: { analyzer?: Analyzer; budget?: Partial<RegexBudget> } = {}): Promise<RegexAnalysis> {
  const analyzer = opts.analyzer ?? (await defaultAnalyzer());
  const m = await analyseAll([{ pattern, flags }], analyzer, opts.budget, 1, () => {});
  return m.get(patternKey(pattern, flags))!;
}
