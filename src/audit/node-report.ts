/** Reporters of `nodesec node`: text, JSON (docs/schemas/node-report.v1.schema.json), markdown, SARIF. */
import type { Severity } from '../core/finding.ts';
import type { IgnoreEntry } from '../core/ignore.ts';
import type { AdvisorySourceMeta } from '../core/osv.ts';
import { painter, SEVERITY_STYLE } from '../report/color.ts';
import { toSarif } from '../report/sarif.ts';
import type { NodeCheckResult, NodeFindingData } from './node.ts';

export const NODE_JSON_VERSION = '1.0';

export interface NodeReportMeta {
  toolVersion: string;
  generatedAt: string;
  database: AdvisorySourceMeta & { records: number };
  schedule: string;
  failOn: Severity;
  ignoreSource: string | null;
  expiredIgnores: IgnoreEntry[];
  unusedIgnores: IgnoreEntry[];
  exitCode: number;
}

export function nodeJson(r: NodeCheckResult, m: NodeReportMeta): Record<string, unknown> {
  const data = r.findings.map((f) => f.data as NodeFindingData);
  return {
    schemaVersion: NODE_JSON_VERSION,
    command: 'node',
    tool: { name: 'nodesec', version: m.toolVersion },
    generatedAt: m.generatedAt,
    database: { kind: m.database.kind, location: m.database.location, records: m.database.records, builtAt: m.database.builtAt ?? null, newestModified: m.database.newestModified ?? null },
    schedule: m.schedule,
    node: { version: r.version, platform: r.platform, line: r.line, supportedLines: r.supported, recommendedUpgrade: r.recommended },
    options: { failOn: m.failOn },
    summary: {
      coreRecords: r.records,
      vulnerabilities: data.filter((d) => d.kind === 'vulnerability').length,
      endOfLife: r.line.status === 'end-of-life',
      notAffected: r.notAffected.length,
      suppressed: r.suppressed.length,
    },
    findings: data,
    notAffected: r.notAffected,
    statements: r.statements,
    suppressed: r.suppressed.map((s) => ({ ...(s.finding.data as NodeFindingData), ignoredBy: { id: s.ignoreId, reason: s.reason } })),
    ignores: { source: m.ignoreSource, expired: m.expiredIgnores, unused: m.unusedIgnores },
    exitCode: m.exitCode,
  };
}

function statusText(r: NodeCheckResult): string {
  const l = r.line;
  const name = `${l.line}${l.codename ? ` (${l.codename})` : ''}`;
  switch (l.status) {
    case 'end-of-life': return `${name} is END-OF-LIFE since ${l.end}`;
    case 'maintenance': return `${name} is in maintenance LTS until ${l.end} (${l.daysToEnd} days)`;
    case 'active-lts': return `${name} is in active LTS, supported until ${l.end}`;
    case 'current': return `${name} is the current release line, supported until ${l.end}`;
    case 'pending': return `${name} is not released yet according to the schedule`;
    default: return `${name} is not in the release schedule`;
  }
}

export function nodeText(r: NodeCheckResult, m: NodeReportMeta, color: boolean): string {
  const c = painter(color);
  const out: string[] = [];
  out.push(`${c('bold', 'nodesec node')} Node.js ${r.version} on ${r.platform}`);
  out.push(c('gray', `advisories: ${m.database.kind} ${m.database.location} (${r.records} Node.js core records); schedule: ${m.schedule}`));
  out.push(`${r.line.status === 'end-of-life' ? c('red', statusText(r)) : statusText(r)}`);
  out.push('');
  for (const f of r.findings) {
    const d = f.data as NodeFindingData;
    out.push(`${c(SEVERITY_STYLE[d.severity], d.severity.toUpperCase().padEnd(8))} ${c('bold', d.id)}${d.aliases.length ? c('gray', ` (${d.aliases.join(', ')})`) : ''}  ${d.summary}`);
    if (d.kind === 'vulnerability') {
      out.push(`         affects ${d.environments.join(', ')}; vulnerable ${d.vulnerableRanges.join('; ')}`);
      out.push(`         fix: ${c(d.upgrade ? 'green' : 'yellow', d.upgrade ? `upgrade to ${d.upgrade.version}${d.upgrade.sameMajor ? '' : ' (new release line)'}` : 'no fixed release in this line')}`);
    } else out.push(`         fix: ${f.help}`);
    if (d.url) out.push(`         ${c('gray', d.url)}`);
  }
  if (r.findings.length) out.push('');
  for (const n of r.notAffected) out.push(c('gray', `not affected: ${n.vulnerability} (${n.record}), ${n.statement}: ${n.justification ?? 'no justification'}`));
  if (r.statements.length) {
    const cves = r.statements.flatMap((s) => s.vulnerabilities);
    out.push(c('gray', `the WG declares Node.js not affected by ${cves.length} CVE${cves.length === 1 ? '' : 's'} of vendored dependencies (${cves.slice(0, 4).join(', ')}${cves.length > 4 ? ', ...' : ''}); --format json lists them with the reasons`));
  }
  for (const s of r.suppressed) out.push(c('gray', `ignored: ${s.finding.ruleId}: ${s.reason}`));
  for (const e of m.unusedIgnores) out.push(c('yellow', `warning: ignore entry ${e.id} in ${m.ignoreSource ?? 'the ignore file'} matched nothing`));
  const vulns = r.findings.filter((f) => (f.data as NodeFindingData).kind === 'vulnerability').length;
  const tail = r.recommended && vulns > 1 ? `; ${r.recommended.version} fixes them all` : '';
  const eol = r.line.status === 'end-of-life';
  if (vulns) out.push(`${vulns} known vulnerabilit${vulns === 1 ? 'y' : 'ies'} affect Node.js ${r.version} on ${r.platform}${tail}.`);
  else if (eol) out.push(c('red', `No advisory lists Node.js ${r.version}, but ${r.line.line} is end-of-life: vulnerabilities found after ${r.line.end} are not assessed for it.`));
  else out.push(c('green', `No known vulnerability affects Node.js ${r.version} on ${r.platform}.`));
  return `${out.join('\n')}\n`;
}

export function nodeMarkdown(r: NodeCheckResult, m: NodeReportMeta): string {
  const out = [`## nodesec node: Node.js ${r.version} (${r.platform})`, '', statusText(r) + '.', ''];
  if (r.findings.length) {
    out.push('| Severity | Advisory | Summary | Fix |', '| --- | --- | --- | --- |');
    for (const f of r.findings) {
      const d = f.data as NodeFindingData;
      const id = d.url ? `[${d.id}](${d.url})` : d.id;
      out.push(`| ${d.severity} | ${id}${d.aliases.length ? ` (${d.aliases.join(', ')})` : ''} | ${d.summary.replace(/\|/g, '\\|')} | ${d.upgrade?.version ?? (f.help ?? '').replace(/\|/g, '\\|')} |`);
    }
    out.push('');
  } else out.push('No known vulnerability.', '');
  if (r.notAffected.length) out.push(`${r.notAffected.length} CVE(s) not affecting Node.js per the WG's statements.`, '');
  out.push(`<sub>Advisories: ${m.database.kind} (${r.records} core records). Schedule: ${m.schedule}.</sub>`);
  return `${out.join('\n')}\n`;
}

export function nodeSarif(r: NodeCheckResult, toolVersion: string): Record<string, unknown> {
  return toSarif(r.findings, { toolVersion });
}
