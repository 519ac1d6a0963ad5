/**
 * Reporters of `nodesec regex`: text (location, pattern, complexity, attack, proof, fix hint),
 * JSON (schema in docs/regex.md), SARIF 2.1.0 (through report/sarif.ts) and Markdown, plus the
 * conversion to the shared `Finding` used by `nodesec check` and the ignore policy.
 */
import type { Finding, Severity } from '../core/finding.ts';
import { painter, SEVERITY_STYLE } from '../report/color.ts';
import { toSarif, type SarifRuleMeta } from '../report/sarif.ts';
import type { RegexAnalysis } from './types.ts';
import type { RegexFinding, RegexScanResult } from './scan.ts';

export const REGEX_DOC_URL = 'https://github.com/nodesec/nodesec/blob/main/docs/regex.md';

export const RULES: Record<RegexFinding['rule'], Omit<SarifRuleMeta, 'severity'> & { severity: Severity }> = {
  'unsafe-regex': {
    id: 'unsafe-regex',
    name: 'UnsafeRegex',
    shortDescription: 'Regular expression vulnerable to ReDoS (super-linear backtracking)',
    fullDescription: 'A crafted input makes this regular expression backtrack exponentially or polynomially in V8, blocking the event loop.',
    help: 'Rewrite the regex so that no two paths can match the same text (remove nested or adjacent overlapping quantifiers), bound the input length before matching, or use a linear-time engine (RE2). Suppress a reviewed site with `// nodesec-ignore-regex: <reason>`.',
    helpUri: `${REGEX_DOC_URL}#findings`,
    severity: 'high',
    tags: ['redos', 'CWE-1333'],
  },
  'regex-unknown': {
    id: 'regex-unknown',
    name: 'RegexUnknown',
    shortDescription: 'ReDoS analysis could not decide within its budget',
    help: 'Review the regex by hand, or raise the budget (--timeout).',
    helpUri: `${REGEX_DOC_URL}#unknown-verdicts`,
    severity: 'info',
    tags: ['redos'],
  },
  'regex-invalid': {
    id: 'regex-invalid',
    name: 'RegexInvalid',
    shortDescription: 'Regular expression does not compile (throws at run time)',
    helpUri: `${REGEX_DOC_URL}#findings`,
    severity: 'info',
  },
  'parse-error': {
    id: 'parse-error',
    name: 'ParseError',
    shortDescription: 'Source file could not be parsed; its regexes were not all checked',
    helpUri: `${REGEX_DOC_URL}#findings`,
    severity: 'info',
  },
};

export const showRegex = (pattern: string, flags: string) => `/${pattern}/${flags}`;

/** `'' + 'a' × n + '!'`: the attack as the engine builds it. */
export function showAttack(a: { prefix: string; pump: string; suffix: string }): string {
  return `${JSON.stringify(a.prefix)} + ${JSON.stringify(a.pump)} × n + ${JSON.stringify(a.suffix)}`;
}

function complexityText(a: RegexAnalysis): string | undefined {
  const v = a.verdict;
  if (v.kind !== 'vulnerable') return undefined;
  if (v.complexity.type === 'exponential') return 'exponential';
  const d = v.complexity.degree ?? 2;
  return d === 2 ? 'quadratic (O(n²))' : d === 3 ? 'cubic (O(n³))' : `polynomial (O(n^${d}))`;
}

function lengthsText(v: Extract<RegexAnalysis['verdict'], { kind: 'vulnerable' }>): string | undefined {
  const parts: string[] = [];
  if (v.attackLength100ms !== undefined) parts.push(`100 ms at ${v.attackLength100ms} chars`);
  if (v.attackLength1s !== undefined) parts.push(`1 s at ${v.attackLength1s} chars`);
  return parts.length ? parts.join(', ') : undefined;
}

function titleOf(f: RegexFinding): string {
  switch (f.rule) {
    case 'unsafe-regex':
      return `ReDoS: ${showRegex(f.pattern!, f.flags!)} is ${complexityText(f.analysis!) ?? 'super-linear'}`;
    case 'regex-unknown':
      return `ReDoS analysis inconclusive for ${showRegex(f.pattern!, f.flags!)}`;
    case 'regex-invalid':
      return `Invalid regular expression ${showRegex(f.pattern!, f.flags!)}`;
    case 'parse-error':
      return `Cannot parse ${f.file}: ${f.message}`;
  }
}

function detailLines(f: RegexFinding): string[] {
  const a = f.analysis;
  const lines: string[] = [];
  if (!a) return f.message && f.rule !== 'parse-error' ? [f.message] : [];
  const v = a.verdict;
  if (v.kind === 'vulnerable') {
    lines.push(`attack: ${showAttack(v.attack)}`);
    const l = lengthsText(v);
    if (l) lines.push(`blocks the event loop: ${l}`);
    if (v.verified && v.proof) {
      const last = v.proof.samples.at(-1);
      lines.push(`proof: reproduced in V8 (${v.proof.method}${last ? `, ${last.length} chars took ${Math.round(last.ms)} ms` : ''}, fitted ${v.proof.fitted.type} ${v.proof.fitted.value.toFixed(2)})`);
    } else lines.push(v.verified ? 'proof: reproduced in V8' : 'proof: not verified (static analysis only)');
    if (v.safeInputLength !== undefined) lines.push(`inputs up to ${v.safeInputLength} chars stay under 100 ms`);
  } else if (v.kind === 'unknown') lines.push(`why: ${v.why}${v.detail ? ` (${v.detail})` : ''}`);
  else if (v.kind === 'invalid') lines.push(v.message);
  if (a.hint) lines.push(`fix: ${a.hint}`);
  return lines;
}

/** The shared `Finding` for `nodesec check`, SARIF and the ignore policy. */
export function toFinding(f: RegexFinding): Finding {
  const rule = RULES[f.rule];
  return {
    check: 'regex',
    ruleId: f.rule,
    severity: f.severity,
    title: titleOf(f),
    message: [f.package ? `in ${f.package}` : '', ...detailLines(f)].filter(Boolean).join('\n'),
    location: { file: f.file, line: f.line, column: f.column },
    ...(rule.help && { help: f.analysis?.hint ?? rule.help }),
    ...(rule.helpUri && { url: rule.helpUri }),
    data: toJsonFinding(f),
  };
}

// ---------------------------------------------------------------- JSON

export interface JsonRegexFinding {
  rule: RegexFinding['rule'];
  severity: Severity;
  file: string;
  line: number;
  column: number;
  package: string | null;
  pattern: string | null;
  flags: string | null;
  origin: string | null;
  verdict: 'vulnerable' | 'unknown' | 'invalid' | null;
  complexity: { type: 'exponential' | 'polynomial'; degree: number | null } | null;
  attack: { prefix: string; pump: string; suffix: string } | null;
  verified: boolean;
  attackLength100ms: number | null;
  attackLength1s: number | null;
  safeInputLength: number | null;
  proof: unknown;
  hint: string | null;
  why: string | null;
  message: string | null;
  suppressed?: { by: 'comment' | 'ignore-file'; reason: string; id?: string };
}

export function toJsonFinding(f: RegexFinding): JsonRegexFinding {
  const v = f.analysis?.verdict;
  const vuln = v?.kind === 'vulnerable' ? v : undefined;
  return {
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    package: f.package ?? null,
    pattern: f.pattern ?? null,
    flags: f.flags ?? null,
    origin: f.origin ?? null,
    verdict: v && v.kind !== 'safe' ? v.kind : null,
    complexity: vuln ? { type: vuln.complexity.type, degree: vuln.complexity.degree ?? null } : null,
    attack: vuln ? { ...vuln.attack } : null,
    verified: vuln?.verified ?? false,
    attackLength100ms: vuln?.attackLength100ms ?? null,
    attackLength1s: vuln?.attackLength1s ?? null,
    safeInputLength: vuln?.safeInputLength ?? null,
    proof: vuln?.proof ?? null,
    hint: f.analysis?.hint ?? null,
    why: v?.kind === 'unknown' ? v.why + (v.detail ? `: ${v.detail}` : '') : null,
    message: v?.kind === 'invalid' ? v.message : f.message ?? null,
    ...(f.suppressed && { suppressed: f.suppressed }),
  };
}

export function toJson(r: RegexScanResult, version: string): Record<string, unknown> {
  return {
    tool: 'nodesec',
    version,
    command: 'regex',
    root: r.root,
    stats: r.stats,
    findings: r.findings.map(toJsonFinding),
    suppressed: r.suppressed.map(toJsonFinding),
    diagnostics: r.diagnostics,
  };
}

// ---------------------------------------------------------------- text

export function toText(r: RegexScanResult, opts: { color: boolean; verbose?: boolean; summary?: boolean }): string {
  const c = painter(opts.color);
  let s = '';
  for (const f of r.findings) {
    const sev = c(SEVERITY_STYLE[f.severity], f.severity.toUpperCase().padEnd(8));
    const where = `${f.file}:${f.line}:${f.column}`;
    s += `${sev} ${c('bold', f.rule)}  ${where}${f.package ? c('gray', `  (${f.package})`) : ''}\n`;
    if (f.pattern !== undefined) {
      const cx = f.analysis ? complexityText(f.analysis) : undefined;
      s += `  ${c('cyan', showRegex(f.pattern, f.flags!))}  ${c('gray', `[${f.origin}]`)}${cx ? `  ${cx}` : ''}\n`;
    } else if (f.message) s += `  ${f.message}\n`;
    for (const l of detailLines(f)) s += `  ${l.startsWith('fix:') ? c('green', l) : l}\n`;
    s += '\n';
  }
  if (opts.verbose) {
    for (const d of r.diagnostics) s += c('yellow', `note: ${d.file}${d.line ? `:${d.line}` : ''}: ${d.message}\n`);
  } else {
    const bad = r.diagnostics.filter((d) => d.kind === 'bad-suppression');
    for (const d of bad) s += c('yellow', `warning: ${d.file}:${d.line}: ${d.message}\n`);
    const skipped = r.diagnostics.length - bad.length;
    if (skipped) s += c('gray', `${skipped} file note(s) (skipped or partially folded files); --verbose lists them\n`);
  }
  if (opts.summary !== false) s += summaryLine(r) + '\n';
  return s;
}

export function summaryLine(r: RegexScanResult): string {
  const count = (rule: RegexFinding['rule']) => r.findings.filter((f) => f.rule === rule).length;
  const st = r.stats;
  const parts = [
    `${st.files} files`,
    ...(st.packages ? [`${st.packages} packages (${st.packagesCached} cached)`] : []),
    `${st.sites} regexes (${st.unique} distinct)`,
    `${count('unsafe-regex')} vulnerable`,
    `${count('regex-unknown')} unknown`,
    ...(count('parse-error') ? [`${count('parse-error')} unparsable files`] : []),
    ...(count('regex-invalid') ? [`${count('regex-invalid')} invalid`] : []),
    ...(r.suppressed.length ? [`${r.suppressed.length} suppressed`] : []),
  ];
  return `${parts.join(', ')} in ${(st.ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------- markdown

const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, 'ˋ').replace(/\n/g, ' ');

export function toMarkdown(r: RegexScanResult): string {
  let s = '## nodesec regex\n\n';
  s += `${summaryLine(r)}\n\n`;
  if (r.findings.length === 0) return s + 'No findings.\n';
  s += '| Severity | Rule | Location | Regex | Complexity | Attack | Proven in V8 | Fix |\n|---|---|---|---|---|---|---|---|\n';
  for (const f of r.findings) {
    const v = f.analysis?.verdict;
    const vuln = v?.kind === 'vulnerable' ? v : undefined;
    s += `| ${f.severity} | ${f.rule} | ${mdCell(`${f.file}:${f.line}:${f.column}`)}${f.package ? ` (${mdCell(f.package)})` : ''} | ${
      f.pattern !== undefined ? `\`${mdCell(showRegex(f.pattern, f.flags!))}\`` : mdCell(f.message ?? '')
    } | ${f.analysis ? complexityText(f.analysis) ?? (v?.kind ?? '') : ''} | ${vuln ? `\`${mdCell(showAttack(vuln.attack))}\`` : ''} | ${vuln ? (vuln.verified ? 'yes' : 'no') : ''} | ${mdCell(f.analysis?.hint ?? '')} |\n`;
  }
  return s;
}

// ---------------------------------------------------------------- SARIF

export function toRegexSarif(r: RegexScanResult, version: string): Record<string, unknown> {
  const rules = new Map<string, SarifRuleMeta>(Object.values(RULES).map((m) => [m.id, m]));
  return toSarif(r.findings.map(toFinding), { toolVersion: version, rules });
}
