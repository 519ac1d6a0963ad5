/**
 * Runs the checks over a RepoSource: collect raw data, run the probes, evaluate, then apply the
 * project's exceptions (the shared ignore policy: `id` = check name, `files` = path globs,
 * `until`, `reason`). Two numbers are kept apart on purpose:
 *   - `score`: exactly what scorecard computes for this content, exceptions ignored;
 *   - `effectiveScore`: the score after exceptions. Findings in excepted files are removed
 *     before evaluation (so an excepted binary no longer costs a point); an exception without
 *     `files` excepts the whole check, which then leaves the effective aggregate.
 * A check that fails to run reports an error with score -1, and the others still run.
 */
import type { Finding, Severity } from '../core/finding.ts';
import type { IgnorePolicy } from '../core/ignore.ts';
import { CHECKS, checkUrl } from './registry.ts';
import { INCONCLUSIVE, RISK_WEIGHT, type CollectContext, type Detail, type ProbeFinding, type RepoSource, type Risk, type ScorecardCheck } from './types.ts';

export interface CheckReport {
  name: string;
  risk: Risk;
  score: number;
  reason: string;
  effectiveScore: number;
  effectiveReason: string;
  /** Set when the whole check is excepted. */
  exception?: { reason: string; until?: string };
  details: Detail[];
  findings: ProbeFinding[];
  /** Probe findings removed by a file-scoped exception. */
  excepted: { finding: ProbeFinding; reason: string }[];
  error?: string;
  documentation: string;
}

export interface ScorecardReport {
  repo: string;
  commit?: string;
  date: string;
  /** Aggregate over the checks that ran (score >= 0), with scorecard's risk weights. */
  score: number;
  effectiveScore: number;
  checks: CheckReport[];
}

export interface RunOptions extends CollectContext {
  ignore?: IgnorePolicy;
  /** Only these checks (names, case-insensitive). */
  only?: readonly string[];
  now?: Date;
  progress?: (m: string) => void;
}

const SEVERITY: Record<Risk, Severity> = { Critical: 'critical', High: 'high', Medium: 'moderate', Low: 'low' };

/** The nodesec finding for one warning of a check (what `check` combines and SARIF shows). */
export function detailToFinding(check: { name: string; risk: Risk }, d: Detail): Finding {
  return {
    check: 'scorecard',
    ruleId: check.name,
    severity: SEVERITY[check.risk],
    title: `${check.name}: ${d.text}`,
    message: d.location?.snippet ? `${d.text} (${d.location.snippet})` : d.text,
    ...(d.location && { location: { file: d.location.file, ...(d.location.line !== undefined && { line: d.location.line }) } }),
    ...(d.remediation && { help: d.remediation }),
    url: checkUrl(check.name),
    data: { probe: d.probe },
  };
}

/** pkg/scorecard/scorecard_result.go GetAggregateScore. */
export function aggregate(checks: readonly { name: string; score: number; risk?: Risk }[], risks?: Record<string, Risk>): number {
  let score = 0;
  let total = 0;
  for (const c of checks) {
    if (c.score < 0) continue;
    const risk = c.risk ?? risks?.[c.name];
    if (!risk) continue;
    total += RISK_WEIGHT[risk];
    score += RISK_WEIGHT[risk] * c.score;
  }
  return total === 0 ? INCONCLUSIVE : score / total;
}

function runProbes(check: ScorecardCheck<unknown>, raw: unknown): ProbeFinding[] {
  return check.probes.flatMap((p) => p.run(raw));
}

export async function runCheck(check: ScorecardCheck<unknown>, source: RepoSource, opts: RunOptions): Promise<CheckReport> {
  const base = { name: check.name, risk: check.risk, documentation: checkUrl(check.name) };
  let raw: unknown;
  try {
    raw = await check.collect(source, opts);
  } catch (e) {
    const msg = `internal error: ${(e as Error).message}`;
    return { ...base, score: INCONCLUSIVE, reason: msg, effectiveScore: INCONCLUSIVE, effectiveReason: msg, details: [], findings: [], excepted: [], error: msg };
  }
  const rawErrors = (raw as { errors?: { file: string; line?: number; message: string }[] }).errors ?? [];
  if (rawErrors.length > 0 && check.name !== 'Pinned-Dependencies') {
    // scorecard aborts the check on a workflow it cannot parse (fileparser.FormatActionlintError).
    const e = rawErrors[0]!;
    const msg = `cannot parse ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`;
    return { ...base, score: INCONCLUSIVE, reason: msg, effectiveScore: INCONCLUSIVE, effectiveReason: msg, details: [{ level: 'warn', text: msg, location: { file: e.file, ...(e.line !== undefined && { line: e.line }) } }], findings: [], excepted: [], error: msg };
  }
  const findings = runProbes(check, raw);
  let ev;
  try {
    ev = check.evaluate(findings);
  } catch (e) {
    const msg = (e as Error).message;
    return { ...base, score: INCONCLUSIVE, reason: msg, effectiveScore: INCONCLUSIVE, effectiveReason: msg, details: [], findings, excepted: [], error: msg };
  }
  const report: CheckReport = { ...base, score: ev.score, reason: ev.reason, effectiveScore: ev.score, effectiveReason: ev.reason, details: ev.details, findings, excepted: [] };
  const ignore = opts.ignore;
  if (!ignore) return report;
  // Whole-check exception: an entry with no `files` matches a location-less finding.
  const whole = ignore.match({ finding: { check: 'scorecard', ruleId: check.name, severity: 'info', title: check.name, message: '' } });
  if (whole) {
    report.exception = { reason: whole.reason, ...(whole.until && { until: whole.until }) };
    report.effectiveScore = INCONCLUSIVE;
    report.effectiveReason = `excepted: ${whole.reason}`;
    return report;
  }
  // File-scoped exceptions: drop the matching problem findings and evaluate again.
  const kept: ProbeFinding[] = [];
  for (const f of findings) {
    // Only a problem finding can be excepted; an advisory id (values.id) matches as an alias, so
    // the entry that ignores an advisory in `nodesec audit` also excepts it here.
    const entry = isProblem(check, f)
      ? ignore.match({
          finding: { check: 'scorecard', ruleId: check.name, severity: 'info', title: f.message, message: f.message, ...(f.location && { location: { file: f.location.file, ...(f.location.line !== undefined && { line: f.location.line }) } }) },
          ...(f.values?.id && { aliases: [f.values.id] }),
        })
      : undefined;
    if (entry) report.excepted.push({ finding: f, reason: entry.reason });
    else kept.push(f);
  }
  if (report.excepted.length > 0) {
    // An excepted finding no longer counts; probes whose every finding was excepted read as clean.
    for (const p of check.probes) {
      if (!kept.some((f) => f.probe === p.id)) kept.push({ probe: p.id, outcome: cleanOutcome(p.remediation.onOutcome), message: 'all findings excepted' });
    }
    try {
      const ev2 = check.evaluate(kept);
      report.effectiveScore = ev2.score;
      report.effectiveReason = `${ev2.reason} (after ${report.excepted.length} exception${report.excepted.length === 1 ? '' : 's'})`;
      report.details = ev2.details;
    } catch (e) {
      report.effectiveReason = (e as Error).message;
    }
  }
  return report;
}

const cleanOutcome = (bad: ProbeFinding['outcome']): ProbeFinding['outcome'] => (bad === 'true' ? 'false' : 'true');

/** A finding is a problem when its outcome is the one its probe's remediation is for. */
function isProblem(check: ScorecardCheck<unknown>, f: ProbeFinding): boolean {
  const p = check.probes.find((x) => x.id === f.probe);
  return p !== undefined && p.remediation.onOutcome === f.outcome;
}

/**
 * Every check reads the same files: keep what was read, up to `maxBytes` in total (then reads go
 * to the source again). Bounded memory, and each file is read once in the common case.
 */
export function cachedSource(source: RepoSource, maxBytes = 256 * 1024 * 1024): RepoSource {
  const cache = new Map<string, Promise<Buffer | undefined>>();
  let held = 0;
  return {
    uri: source.uri,
    listFiles: () => source.listFiles(),
    ...(source.headCommit && { headCommit: () => source.headCommit!() }),
    ...(source.privateReporting && { privateReporting: () => source.privateReporting!() }),
    ...(source.orgSecurityPolicy && { orgSecurityPolicy: () => source.orgSecurityPolicy!() }),
    readFile(path) {
      const hit = cache.get(path);
      if (hit) return hit;
      const p = source.readFile(path);
      if (held < maxBytes) {
        cache.set(path, p);
        void p.then((b) => {
          held += b?.length ?? 0;
        }, () => cache.delete(path));
      }
      return p;
    },
  };
}

export async function runScorecard(input: RepoSource, opts: RunOptions = {}): Promise<ScorecardReport> {
  const source = cachedSource(input);
  const now = opts.now ?? new Date();
  const only = opts.only?.map((s) => s.toLowerCase());
  const checks: CheckReport[] = [];
  for (const c of CHECKS) {
    if (only && !only.includes(c.name.toLowerCase())) continue;
    opts.signal?.throwIfAborted();
    opts.progress?.(`scorecard: ${c.name}`);
    checks.push(await runCheck(c, source, opts));
  }
  const commit = await source.headCommit?.();
  return {
    repo: source.uri,
    ...(commit && { commit }),
    date: now.toISOString(),
    score: aggregate(checks),
    effectiveScore: aggregate(checks.map((c) => ({ name: c.name, risk: c.risk, score: c.effectiveScore }))),
    checks,
  };
}

/** Every warning as a nodesec finding (after exceptions). */
export function reportFindings(r: ScorecardReport): Finding[] {
  return r.checks.flatMap((c) => (c.exception ? [] : c.details.filter((d) => d.level === 'warn').map((d) => detailToFinding(c, d))));
}
