/**
 * Generic reporters for findings of any check (text for people, markdown for PR comments), and
 * the combined report of `nodesec check`.
 */
import { SEVERITIES, type Finding, type Severity } from '../core/finding.ts';
import type { ProjectCheckResult } from '../core/check.ts';
import { painter, SEVERITY_STYLE } from './color.ts';

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) out[f.severity]++;
  return out;
}

export function severityCounts(findings: readonly Finding[]): string {
  const by = countBySeverity(findings);
  return [...SEVERITIES].reverse().filter((s) => by[s]).map((s) => `${by[s]} ${s}`).join(', ');
}

export function where(f: Finding): string {
  const l = f.location;
  if (!l) return '';
  return `${l.file}${l.line !== undefined ? `:${l.line}` : ''}${l.line !== undefined && l.column !== undefined ? `:${l.column}` : ''}`;
}

/** One finding as a few lines: severity, title, location, fix. */
export function findingText(f: Finding, color: boolean, indent = ''): string {
  const c = painter(color);
  const lines = [`${indent}${c(SEVERITY_STYLE[f.severity], f.severity.toUpperCase().padEnd(8))} ${c('bold', f.ruleId)}  ${f.title}`];
  const pad = `${indent}         `;
  if (f.location) lines.push(`${pad}${c('gray', where(f))}`);
  if (f.help) lines.push(`${pad}fix: ${f.help}`);
  if (f.url) lines.push(`${pad}${c('gray', f.url)}`);
  return lines.join('\n');
}

export interface CheckReportEntry {
  result: ProjectCheckResult;
  title: string;
  failOn: Severity;
  /** True when a finding is at or above failOn, or the check errored. */
  failed: boolean;
}

const STATUS_MARK = { ok: '✔', skipped: '-', error: '✖' } as const;

export function checkText(entries: readonly CheckReportEntry[], opts: { dir: string; color: boolean; unused: string[] }): string {
  const c = painter(opts.color);
  const out: string[] = [`${c('bold', 'nodesec check')} ${opts.dir}`, ''];
  for (const e of entries) {
    const r = e.result;
    const mark = r.status === 'ok' ? (e.failed ? c('red', '✖') : c('green', STATUS_MARK.ok)) : r.status === 'error' ? c('red', STATUS_MARK.error) : c('gray', STATUS_MARK.skipped);
    const detail = r.status === 'skipped' ? c('gray', `skipped: ${r.reason ?? ''}`) : r.status === 'error' ? c('red', `error: ${r.reason ?? ''}`) : (r.summary ?? '');
    out.push(`${mark} ${c('bold', e.title)} ${c('gray', `[${r.check}]`)}  ${detail}`);
    if (r.status === 'ok' && r.findings.length) {
      for (const f of r.findings) out.push(findingText(f, opts.color, '  '));
      if (r.suppressed?.length) out.push(c('gray', `  ${r.suppressed.length} ignored`));
      out.push('');
    } else if (r.suppressed?.length) out.push(c('gray', `  ${r.suppressed.length} ignored`));
  }
  for (const id of opts.unused) out.push(c('yellow', `warning: ignore entry ${id} matched nothing; remove it if it is stale`));
  const all = entries.flatMap((e) => e.result.findings);
  const failed = entries.filter((e) => e.failed).map((e) => e.result.check);
  out.push('');
  out.push(all.length ? `${all.length} finding${all.length === 1 ? '' : 's'} (${severityCounts(all)}).` : c('green', 'No findings.'));
  if (failed.length) out.push(c('red', `Failed: ${failed.join(', ')}.`));
  return `${out.join('\n')}\n`;
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function findingsMarkdownTable(findings: readonly Finding[]): string[] {
  const out = ['| Severity | Rule | Finding | Location | Fix |', '| --- | --- | --- | --- | --- |'];
  for (const f of findings) {
    const rule = f.url ? `[${f.ruleId}](${f.url})` : f.ruleId;
    out.push(`| ${f.severity} | ${rule} | ${md(f.title)} | ${f.location ? `\`${where(f)}\`` : ''} | ${md(f.help ?? '')} |`);
  }
  return out;
}

export function checkMarkdown(entries: readonly CheckReportEntry[], opts: { dir: string }): string {
  const all = entries.flatMap((e) => e.result.findings);
  const out = ['## nodesec check', '', all.length ? `**${all.length} finding${all.length === 1 ? '' : 's'}** (${severityCounts(all)}).` : 'No findings.', ''];
  out.push('| Check | Status | Summary |', '| --- | --- | --- |');
  for (const e of entries) {
    const r = e.result;
    const status = r.status === 'ok' ? (e.failed ? 'failed' : 'passed') : r.status;
    out.push(`| ${e.title} | ${status} | ${md(r.status === 'ok' ? (r.summary ?? '') : (r.reason ?? ''))} |`);
  }
  out.push('');
  for (const e of entries) {
    if (!e.result.findings.length) continue;
    out.push(`### ${e.title}`, '', ...findingsMarkdownTable(e.result.findings), '');
  }
  out.push(`<sub>${md(opts.dir)}</sub>`);
  return `${out.join('\n')}\n`;
}
