/**
 * Raw data of Security-Policy (checks/raw/security_policy.go): the first SECURITY.md (or
 * .markdown/.adoc/.rst, at the top, in .github/ or docs/) and, line by line, its links, e-mail
 * addresses, and "disclosure" hints (1-4 digit numbers, "disclos", "vuln"). Scorecard also
 * looks in the organisation's `.github` repository when the repository has none; sources that
 * can (the GitHub API) do too, a local checkout cannot.
 */
import type { RepoSource, Where } from '../types.ts';

export interface SecurityPolicyRaw {
  files: { location: Where; size: number; info: { type: 'link' | 'email' | 'text'; match: string; line: number }[] }[];
  /** GitHub private vulnerability reporting; undefined when the source cannot tell. */
  privateReporting?: boolean;
}

const NAMES = [
  'security.md', '.github/security.md', 'docs/security.md',
  'security.markdown', '.github/security.markdown', 'docs/security.markdown',
  'security.adoc', '.github/security.adoc', 'docs/security.adoc',
  'security.rst', '.github/security.rst', 'doc/security.rst', 'docs/security.rst',
];

export const isSecurityPolicyFile = (p: string) => NAMES.includes(p.toLowerCase());

const URL_RE = /(http|https):\/\/[a-zA-Z0-9./?=_%:-]*/g;
const EMAIL_RE = /\b[A-Za-z0-9._%+-]+(@|\\?\[at\\?\])[A-Za-z0-9.-]+\.[A-Za-z]{2,6}\b/g;
// Go's `(?i)(\b*[0-9]{1,4}\b|(Disclos|Vuln))`: `\b*` matches the empty string, so it is dropped.
const DIG_RE = /([0-9]{1,4}\b|(Disclos|Vuln))/gi;

/** Longest line matched: the e-mail pattern is quadratic on one long token (untrusted input). */
const MAX_LINE = 4096;

export function policyHits(content: string): SecurityPolicyRaw['files'][number]['info'] {
  const hits: SecurityPolicyRaw['files'][number]['info'] = [];
  const lines = content.split(/\r?\n/);
  lines.forEach((full, i) => {
    const l = full.length > MAX_LINE ? full.slice(0, MAX_LINE) : full;
    if (!l) return;
    for (const m of l.matchAll(URL_RE)) hits.push({ type: 'link', match: m[0], line: i + 1 });
    for (const m of l.matchAll(EMAIL_RE)) hits.push({ type: 'email', match: m[0], line: i + 1 });
    for (const m of l.matchAll(DIG_RE)) hits.push({ type: 'text', match: m[0], line: i + 1 });
  });
  return hits;
}

export async function collectSecurityPolicy(source: RepoSource): Promise<SecurityPolicyRaw> {
  const pvr = await source.privateReporting?.();
  const extra = pvr === undefined ? {} : { privateReporting: pvr };
  const entry = (file: string, content: Buffer | undefined) => {
    const text = content?.toString('utf8') ?? '';
    return { location: { file, line: 1 }, size: content && content.length > 0 ? content.length : 1, info: text ? policyHits(text) : [] };
  };
  for (const f of await source.listFiles()) {
    if (!isSecurityPolicyFile(f)) continue;
    return { files: [entry(f, await source.readFile(f))], ...extra };
  }
  // None in the repository: the organisation's default policy counts (GitHub community health files).
  const org = await source.orgSecurityPolicy?.();
  if (org) return { files: [entry(org.uri, org.content)], ...extra };
  return { files: [], ...extra };
}
