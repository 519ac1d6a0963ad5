/**
 * Reporters of `nodesec audit`: text (grouped by advisory), JSON (versioned, schema in
 * docs/schemas/audit-report.v1.schema.json), markdown (PR comments) and SARIF.
 */
import type { Finding, Severity } from '../core/finding.ts';
import { SEVERITIES } from '../core/finding.ts';
import type { IgnoreEntry } from '../core/ignore.ts';
import type { AdvisorySourceMeta } from '../core/osv.ts';
import { painter, SEVERITY_STYLE } from '../report/color.ts';
import { toSarif, type SarifRuleMeta } from '../report/sarif.ts';
import type { AuditFindingData, AuditResult } from './audit.ts';

export const AUDIT_JSON_VERSION = '1.0';

export interface AuditReportMeta {
  toolVersion: string;
  generatedAt: string;
  database: AdvisorySourceMeta & { records: number };
  failOn: Severity;
  omit: string[];
  ignoreSource: string | null;
  expiredIgnores: IgnoreEntry[];
  unusedIgnores: IgnoreEntry[];
  /** Registry used for upgrade advice, or null offline. */
  registry: string | null;
  exitCode: number;
}

export function auditJson(r: AuditResult, m: AuditReportMeta): Record<string, unknown> {
  return {
    schemaVersion: AUDIT_JSON_VERSION,
    command: 'audit',
    tool: { name: 'nodesec', version: m.toolVersion },
    generatedAt: m.generatedAt,
    database: {
      kind: m.database.kind,
      location: m.database.location,
      records: m.database.records,
      builtAt: m.database.builtAt ?? null,
      newestModified: m.database.newestModified ?? null,
    },
    options: { failOn: m.failOn, omit: m.omit, registry: m.registry },
    lockfiles: r.lockfiles,
    summary: {
      packages: r.stats.packages,
      audited: r.stats.audited,
      omitted: r.stats.omitted,
      notAuditable: r.notAuditable.length,
      vulnerabilities: r.findings.length,
      vulnerablePackages: r.stats.vulnerablePackages,
      bySeverity: r.stats.bySeverity,
      suppressed: r.suppressed.length,
    },
    findings: r.findings.map((f) => f.data as AuditFindingData),
    suppressed: r.suppressed.map((s) => ({ ...(s.finding.data as AuditFindingData), ignoredBy: { id: s.ignoreId, reason: s.reason } })),
    notAuditable: r.notAuditable,
    ignores: { source: m.ignoreSource, expired: m.expiredIgnores, unused: m.unusedIgnores },
    warnings: r.warnings,
    exitCode: m.exitCode,
  };
}

function countLine(bySeverity: Record<Severity, number>): string {
  return [...SEVERITIES].reverse().filter((s) => bySeverity[s]).map((s) => `${bySeverity[s]} ${s}`).join(', ');
}

function groupById(findings: readonly AuditFindingData[]): Map<string, AuditFindingData[]> {
  const by = new Map<string, AuditFindingData[]>();
  for (const d of findings) (by.get(d.id) ?? by.set(d.id, []).get(d.id)!).push(d);
  return by;
}

function kindsOf(d: AuditFindingData): string {
  const k = [d.package.dev && 'dev', d.package.optional && 'optional', d.package.peer && 'peer', d.package.bundled && 'bundled', d.package.extraneous && 'extraneous'].filter(Boolean);
  return k.length ? ` (${k.join(', ')})` : '';
}

function upgradeText(d: AuditFindingData): string {
  if (d.upgrade) return `upgrade to ${d.upgrade.version}${d.upgrade.sameMajor ? '' : ' (new major)'}${d.upgrade.source === 'advisory' ? ' [from the advisory ranges]' : ''}`;
  if (d.fixedVersions.length) return `fixed in ${d.fixedVersions.join(', ')}`;
  return 'no fix available';
}

export function auditText(r: AuditResult, m: AuditReportMeta, color: boolean): string {
  const c = painter(color);
  const out: string[] = [];
  const lf = r.lockfiles.map((l) => `${l.path} (${l.manager} ${l.formatVersion}, ${l.packages} packages)`).join(', ');
  out.push(c('bold', `nodesec audit`) + ` ${lf}`);
  out.push(c('gray', `advisories: ${m.database.kind} ${m.database.location}, ${m.database.records} records${m.database.newestModified ? `, newest ${m.database.newestModified.slice(0, 10)}` : ''}`));
  const age = m.database.builtAt ? Math.floor((Date.parse(m.generatedAt) - Date.parse(m.database.builtAt)) / 86_400_000) : undefined;
  if (age !== undefined && age > 7) out.push(c('yellow', `warning: the advisory snapshot is ${age} days old; refresh it with \`nodesec db sync\``));
  out.push('');
  const data = r.findings.map((f) => f.data as AuditFindingData);
  for (const [id, list] of groupById(data)) {
    const d0 = list[0]!;
    const sev = c(SEVERITY_STYLE[d0.severity], d0.severity.toUpperCase().padEnd(8));
    out.push(`${sev} ${c('bold', id)}${d0.aliases.length ? c('gray', ` (${d0.aliases.join(', ')})`) : ''}  ${d0.summary}`);
    const meta = [d0.cvss ? `CVSS ${d0.cvss.score.toFixed(1)} ${d0.cvss.vector}` : d0.severityKnown ? '' : 'severity not rated', d0.url ?? ''].filter(Boolean).join('  ');
    if (meta) out.push(`         ${c('gray', meta)}`);
    for (const d of list) {
      const where = `${d.lockfile}${d.line !== null ? `:${d.line}` : ''}`;
      out.push(`  ${c('bold', `${d.package.alias ?? d.package.name}@${d.package.version}`)}${kindsOf(d)}  ${c('gray', where)}`);
      out.push(`    vulnerable: ${d.vulnerableRanges.join('; ') || 'see advisory'}`);
      out.push(`    fix: ${c(d.upgrade || d.fixedVersions.length ? 'green' : 'yellow', upgradeText(d))}`);
      for (const p of d.paths) out.push(`    ${c('gray', 'path:')} ${[p.importer, ...p.packages].join(' > ')}`);
      if (d.pathCount > d.paths.length) out.push(`    ${c('gray', `... ${d.pathCount - d.paths.length} more paths (${d.pathCount} in all)`)}`);
      if (d.paths.length === 0 && d.package.extraneous) out.push(`    ${c('gray', 'path: none (extraneous: no importer depends on it)')}`);
    }
    out.push('');
  }
  if (r.notAuditable.length) {
    const reasons = new Map<string, number>();
    for (const n of r.notAuditable) reasons.set(n.reason, (reasons.get(n.reason) ?? 0) + 1);
    const by = [...reasons].map(([k, v]) => `${v} ${k}`).join(', ');
    out.push(c('bold', `Not auditable (${r.notAuditable.length}: ${by})`) + c('gray', ': not registry packages, no advisory can name them'));
    for (const n of r.notAuditable.slice(0, 10)) {
      const v = n.version && n.version !== n.spec && !n.version.includes(':') ? `@${n.version}` : '';
      out.push(`  ${n.name}${v}  ${n.reason}: ${n.spec}  ${c('gray', `${n.lockfile}${n.line !== null ? `:${n.line}` : ''}`)}`);
    }
    if (r.notAuditable.length > 10) out.push(c('gray', `  ... ${r.notAuditable.length - 10} more (--format json lists them all)`));
    out.push('');
  }
  if (r.suppressed.length) {
    out.push(c('bold', `Ignored (${r.suppressed.length})`));
    for (const s of r.suppressed) {
      const d = s.finding.data as AuditFindingData;
      out.push(`  ${d.id} ${d.package.name}@${d.package.version}: ${s.reason}`);
    }
    out.push('');
  }
  for (const e of m.unusedIgnores) out.push(c('yellow', `warning: ignore entry ${e.id} in ${m.ignoreSource ?? 'the ignore file'} matched nothing; remove it if it is stale`));
  for (const w of r.warnings) out.push(c('yellow', `warning: ${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}`));
  const counts = countLine(r.stats.bySeverity);
  const summary = r.findings.length
    ? `${r.findings.length} vulnerabilit${r.findings.length === 1 ? 'y' : 'ies'} (${counts}) in ${r.stats.vulnerablePackages} package${r.stats.vulnerablePackages === 1 ? '' : 's'}`
    : c('green', 'no known vulnerabilities');
  out.push(`${r.stats.audited} packages audited${r.stats.omitted ? `, ${r.stats.omitted} omitted` : ''}: ${summary}${r.suppressed.length ? `, ${r.suppressed.length} ignored` : ''}.`);
  return `${out.join('\n')}\n`;
}

const mdEscape = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function auditMarkdown(r: AuditResult, m: AuditReportMeta): string {
  const out: string[] = [];
  const data = r.findings.map((f) => f.data as AuditFindingData);
  out.push('## nodesec audit');
  out.push('');
  out.push(data.length
    ? `**${data.length} vulnerabilit${data.length === 1 ? 'y' : 'ies'}** (${countLine(r.stats.bySeverity)}) in ${r.stats.vulnerablePackages} of ${r.stats.audited} packages.`
    : `No known vulnerabilities in ${r.stats.audited} packages.`);
  out.push('');
  if (data.length) {
    out.push('| Severity | Advisory | Package | Fix | Paths |');
    out.push('| --- | --- | --- | --- | --- |');
    for (const d of data) {
      const adv = d.url ? `[${d.id}](${d.url})` : d.id;
      const path = d.paths[0] ? `\`${mdEscape(d.paths[0].packages.join(' > '))}\`${d.pathCount > 1 ? ` (+${d.pathCount - 1})` : ''}` : '';
      out.push(`| ${d.severity} | ${adv}: ${mdEscape(d.summary)} | \`${d.package.alias ?? d.package.name}@${d.package.version}\`${kindsOf(d)} | ${mdEscape(upgradeText(d))} | ${path} |`);
    }
    out.push('');
  }
  if (r.notAuditable.length) {
    out.push(`<details><summary>${r.notAuditable.length} packages not auditable (git, file, link...)</summary>`);
    out.push('');
    for (const n of r.notAuditable) out.push(`- \`${n.name}@${n.version}\`: ${n.reason} (${mdEscape(n.spec)})`);
    out.push('', '</details>', '');
  }
  if (r.suppressed.length) {
    out.push(`${r.suppressed.length} ignored by ${m.ignoreSource ?? 'the ignore policy'}.`, '');
  }
  out.push(`<sub>Advisories: ${m.database.kind} (${m.database.records} records). Fails on ${m.failOn} and above.</sub>`);
  return `${out.join('\n')}\n`;
}

/** SARIF rule metadata for audit findings: one rule per advisory, described by the advisory, not by a package. */
export function auditSarifRules(findings: readonly Finding[]): Map<string, SarifRuleMeta> {
  const rules = new Map<string, SarifRuleMeta>();
  for (const f of findings) {
    if (f.check !== 'audit') continue;
    const d = f.data as AuditFindingData;
    if (rules.has(d.id)) continue;
    rules.set(d.id, {
      id: d.id,
      name: d.id.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: d.summary,
      fullDescription: `${d.summary}${d.aliases.length ? ` (${d.aliases.join(', ')})` : ''}`,
      ...(d.url && { helpUri: d.url }),
      help: `${d.summary}\n\nVulnerable: ${d.vulnerableRanges.join('; ')}\nFixed in: ${d.fixedVersions.join(', ') || 'no fix available'}${d.url ? `\n${d.url}` : ''}`,
      severity: d.severity,
      ...(d.cvss && { securitySeverity: d.cvss.score }),
      tags: ['dependency', 'vulnerability', ...d.aliases.filter((a) => /^CVE-/i.test(a))],
    });
  }
  return rules;
}

export function auditSarif(r: AuditResult, toolVersion: string): Record<string, unknown> {
  return toSarif(r.findings, { toolVersion, rules: auditSarifRules(r.findings) });
}
