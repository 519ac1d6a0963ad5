/**
 * Renderers of a scorecard run: text, JSON (scorecard's own result shape, so tools that read
 * `scorecard --format json` read ours, plus nodesec fields), markdown and SARIF.
 */
import { toSarif, type SarifRuleMeta } from '../report/sarif.ts';
import { painter } from '../report/color.ts';
import { CHECKS, checkUrl } from './registry.ts';
import { reportFindings, type CheckReport, type ScorecardReport } from './run.ts';
import { RISK_WEIGHT, type Detail } from './types.ts';

export const JSON_SCHEMA_VERSION = 1;

/**
 * What fixing each check would add to the aggregate (scorecard's weighting), largest first:
 * the order in which to work through "Improve the Scorecard".
 */
export function improvements(r: ScorecardReport): { check: string; score: number; gain: number }[] {
  const ran = r.checks.filter((c) => c.score >= 0);
  const total = ran.reduce((a, c) => a + RISK_WEIGHT[c.risk], 0);
  if (total === 0) return [];
  return ran
    .filter((c) => c.score < 10)
    .map((c) => ({ check: c.name, score: c.score, gain: Math.round(((RISK_WEIGHT[c.risk] * (10 - c.score)) / total) * 100) / 100 }))
    .sort((a, b) => b.gain - a.gain || a.check.localeCompare(b.check));
}

const fmtScore = (s: number) => (s < 0 ? '?' : Number.isInteger(s) ? String(s) : s.toFixed(1));
const where = (d: Detail) => (d.location ? `${d.location.file}${d.location.line ? `:${d.location.line}` : ''}` : '');

/** scorecard's detail line: "Warn: text: file:line". */
export function detailLine(d: Detail): string {
  const lvl = d.level === 'warn' ? 'Warn' : d.level === 'info' ? 'Info' : 'Debug';
  const w = where(d);
  return `${lvl}: ${d.text}${w ? `: ${w}` : ''}`;
}

export function renderText(r: ScorecardReport, opts: { color: boolean; verbose?: boolean }): string {
  const c = painter(opts.color);
  const scoreStyle = (s: number) => (s < 0 ? 'gray' : s >= 8 ? 'green' : s >= 5 ? 'yellow' : 'red');
  let out = `${c('bold', 'OpenSSF Scorecard')} ${r.repo}${r.commit ? ` @ ${r.commit.slice(0, 12)}` : ''}\n`;
  out += `Aggregate score: ${c('bold', r.score < 0 ? '?' : r.score.toFixed(1))} / 10 (over the ${r.checks.filter((x) => x.score >= 0).length} checks that ran)`;
  if (r.effectiveScore !== r.score) out += `, ${r.effectiveScore < 0 ? '?' : r.effectiveScore.toFixed(1)} after exceptions`;
  out += '\n\n';
  const w = Math.max(...r.checks.map((x) => x.name.length));
  for (const k of r.checks) {
    const score = k.score < 0 ? '  ?' : String(k.score).padStart(3);
    const eff = k.effectiveScore !== k.score ? ` (${k.exception ? 'excepted' : `${fmtScore(k.effectiveScore)} after exceptions`})` : '';
    out += `${c(scoreStyle(k.score), score)}  ${k.name.padEnd(w)}  ${k.reason}${eff}\n`;
  }
  const todo = improvements(r).slice(0, 5);
  if (todo.length) out += `\nBiggest gains: ${todo.map((t) => `${t.check} +${t.gain.toFixed(2)}`).join(', ')} (aggregate points if fixed)\n`;
  for (const k of r.checks) {
    const lines = k.details.filter((d) => d.level === 'warn' || (opts.verbose && d.level === 'info'));
    if (lines.length === 0 && k.excepted.length === 0 && !k.exception) continue;
    out += `\n${c('bold', k.name)} (${k.risk} risk, ${k.score < 0 ? 'inconclusive' : `${k.score}/10`})\n`;
    if (k.exception) out += `  ${c('gray', `excepted until ${k.exception.until ?? 'further notice'}: ${k.exception.reason}`)}\n`;
    const remediations = new Set<string>();
    for (const d of lines) {
      out += `  ${d.level === 'warn' ? c('yellow', 'warn') : c('gray', 'info')}  ${d.text}${where(d) ? `  ${c('cyan', where(d))}` : ''}\n`;
      if (d.location?.snippet && d.level === 'warn') out += `        ${c('gray', d.location.snippet.split('\n')[0]!)}\n`;
      if (d.remediation) remediations.add(d.remediation);
    }
    for (const e of k.excepted) out += `  ${c('gray', `excepted: ${e.finding.message} ${e.finding.location ? `${e.finding.location.file}:${e.finding.location.line ?? 1}` : ''} (${e.reason})`)}\n`;
    for (const rem of remediations) out += `  ${c('green', 'fix')}   ${rem}\n`;
    out += `  ${c('gray', k.documentation)}\n`;
  }
  return out;
}

export function toJson(r: ScorecardReport): Record<string, unknown> {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    date: r.date,
    repo: { name: r.repo, ...(r.commit && { commit: r.commit }) },
    scorecard: { version: 'v5 (nodesec reimplementation)', checks: CHECKS.map((c) => c.name) },
    score: Math.round(r.score * 10) / 10,
    effectiveScore: Math.round(r.effectiveScore * 10) / 10,
    improvements: improvements(r),
    checks: r.checks.map((k: CheckReport) => ({
      name: k.name,
      score: k.score,
      reason: k.reason,
      risk: k.risk,
      details: k.details.map(detailLine),
      documentation: { short: CHECKS.find((c) => c.name === k.name)?.short ?? '', url: k.documentation },
      effectiveScore: k.effectiveScore,
      effectiveReason: k.effectiveReason,
      ...(k.exception && { exception: k.exception }),
      ...(k.error && { error: k.error }),
      findings: k.findings,
      evidence: k.details,
      excepted: k.excepted,
    })),
  };
}

export function renderMarkdown(r: ScorecardReport): string {
  let out = `## OpenSSF Scorecard: ${r.repo}\n\n`;
  out += `Aggregate score **${fmtScore(Math.round(r.score * 10) / 10)}** / 10${r.commit ? ` at \`${r.commit.slice(0, 12)}\`` : ''}`;
  if (r.effectiveScore !== r.score) out += ` (${fmtScore(Math.round(r.effectiveScore * 10) / 10)} after exceptions)`;
  out += '.\n\n| Check | Risk | Score | Reason |\n| -- | -- | -- | -- |\n';
  for (const k of r.checks) out += `| [${k.name}](${k.documentation}) | ${k.risk} | ${k.score < 0 ? '?' : k.score} | ${k.reason.replace(/\|/g, '\\|')}${k.exception ? ` (excepted: ${k.exception.reason.replace(/\|/g, '\\|')})` : ''} |\n`;
  const todo = improvements(r);
  if (todo.length) out += `\n**Biggest gains** (aggregate points if fixed): ${todo.map((t) => `${t.check} +${t.gain.toFixed(2)}`).join(', ')}.\n`;
  for (const k of r.checks) {
    const warns = k.details.filter((d) => d.level === 'warn');
    if (warns.length === 0) continue;
    out += `\n### ${k.name}\n\n`;
    for (const d of warns) out += `- ${d.text}${where(d) ? ` (\`${where(d)}\`)` : ''}\n`;
    const rems = [...new Set(warns.map((d) => d.remediation).filter(Boolean))];
    if (rems.length) out += `\n**Fix:** ${rems.join(' ')}\n`;
  }
  return out;
}

export function renderSarif(r: ScorecardReport, toolVersion: string): Record<string, unknown> {
  const rules = new Map<string, SarifRuleMeta>();
  const sev = { Critical: 'critical', High: 'high', Medium: 'moderate', Low: 'low' } as const;
  for (const c of CHECKS) {
    rules.set(c.name, {
      id: c.name,
      name: c.name.replace(/-/g, ''),
      shortDescription: c.short,
      helpUri: checkUrl(c.name),
      help: c.probes.map((p) => `${p.id}: ${p.remediation.text}`).join('\n'),
      severity: sev[c.risk],
      tags: ['scorecard', 'supply-chain'],
    });
  }
  const findings = reportFindings(r);
  // SARIF results need a location for code scanning; a repository-level warning points at the root.
  return toSarif(findings.map((f) => (f.location ? f : { ...f, location: { file: '.', line: 1 } })), { toolVersion, rules });
}
