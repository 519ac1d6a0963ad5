/**
 * Runtime-config lint: dangerous Node.js flags and environment settings in the files that start
 * the app. Scanned: package.json scripts, Dockerfiles, Procfiles, docker-compose files, GitHub
 * workflows, .env files and .npmrc (`node-options`); the rules also see flags inside NODE_OPTIONS on those lines.
 *
 * Rules (docs/check.md has the rationale and fixes):
 *   inspect-public-host        --inspect/--inspect-brk/--inspect-wait/--inspect-port bound to a non-loopback host
 *   insecure-http-parser       --insecure-http-parser (or NODE_OPTIONS carrying it)
 *   tls-reject-unauthorized-0  NODE_TLS_REJECT_UNAUTHORIZED=0
 *   tls-min-legacy             --tls-min-v1.0 / --tls-min-v1.1
 *
 * Line-based and linear: every file is capped in size, every regex is free of nested
 * quantifiers, lines over 64 KiB are cut.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Finding, Severity } from '../core/finding.ts';

export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_LINE = 64 * 1024;

export interface RuntimeRule {
  id: string;
  severity: Severity;
  title: string;
  why: string;
  fix: string;
}

export const RUNTIME_RULES = {
  'inspect-public-host': {
    id: 'inspect-public-host',
    severity: 'high',
    title: 'Node.js inspector bound to a non-loopback address',
    why: 'The inspector protocol gives whoever connects full code execution in the process (no authentication). Bound to 0.0.0.0, :: or a public address, anyone who can reach the port owns the app and its secrets.',
    fix: 'Bind the inspector to loopback (--inspect=127.0.0.1:9229, the default when no host is given) and reach it through an SSH tunnel or `docker run -p 127.0.0.1:9229:9229`; never enable it in production images or start scripts.',
  },
  'insecure-http-parser': {
    id: 'insecure-http-parser',
    severity: 'moderate',
    title: 'Lenient HTTP parser enabled (--insecure-http-parser)',
    why: 'The lenient parser accepts malformed headers and framing, which opens the door to HTTP request smuggling and response splitting behind proxies.',
    fix: 'Remove --insecure-http-parser and fix the client or upstream that sends invalid HTTP; if one server really needs it, use the per-server option http.createServer({ insecureHTTPParser: true }) for that server only.',
  },
  'tls-reject-unauthorized-0': {
    id: 'tls-reject-unauthorized-0',
    severity: 'high',
    title: 'TLS certificate verification disabled (NODE_TLS_REJECT_UNAUTHORIZED=0)',
    why: 'Every HTTPS and TLS connection of the process accepts any certificate, so anyone on the network path can read and change the traffic (man-in-the-middle).',
    fix: 'Remove NODE_TLS_REJECT_UNAUTHORIZED=0. For a private CA, add it with NODE_EXTRA_CA_CERTS=/path/ca.pem (or --use-system-ca) instead of turning verification off.',
  },
  'tls-min-legacy': {
    id: 'tls-min-legacy',
    severity: 'moderate',
    title: 'Deprecated TLS version allowed (--tls-min-v1.0 / --tls-min-v1.1)',
    why: 'TLS 1.0 and 1.1 are deprecated (RFC 8996): weak ciphers and downgrade attacks. Node.js defaults to TLS 1.2 as the minimum.',
    fix: 'Remove the flag; if one legacy peer needs it, set minVersion on that connection only (tls.connect({ minVersion: "TLSv1" })) and plan its retirement.',
  },
} as const satisfies Record<string, RuntimeRule>;

export type RuntimeRuleId = keyof typeof RUNTIME_RULES;

/** A dangerous setting in one line. */
export interface LineHit {
  rule: RuntimeRuleId;
  column: number;
  text: string;
}

// --inspect[-brk|-wait]=[host:]port  |  --inspect-port[= ]host:port ; host may be [v6]
const INSPECT = /--inspect(?:-brk|-wait|-port)?(?:=|(?<=--inspect-port)\s+)(\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9_.$\-{}]+)(?::(\d+|\$\{?\w+\}?))?/g;
const INSECURE_PARSER = /--insecure-http-parser\b/g;
const TLS_MIN = /--tls-min-v1\.[01]\b/g;
// NODE_TLS_REJECT_UNAUTHORIZED=0, : 0, : "0", ENV NODE_TLS_REJECT_UNAUTHORIZED 0, "NODE_TLS_REJECT_UNAUTHORIZED": "0"
const TLS_REJECT = /NODE_TLS_REJECT_UNAUTHORIZED["']?\s*(?:=|:|\s)\s*["']?0(?![\d.])/g;

/** True for loopback hosts: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '0:0:0:0:0:0:0:1';
}

/**
 * The host of an inspect flag value: `9229` is a port (host defaults to 127.0.0.1), `host` alone
 * a host. Unknown hosts from variables (`$HOST`) are not reported: nodesec cannot tell.
 */
function inspectHost(value: string, hasPort: boolean): string | undefined {
  if (!hasPort && /^\d+$/.test(value)) return undefined; // just a port
  if (value.includes('$') || value.includes('{')) return undefined;
  return value;
}

export function scanLine(line: string): LineHit[] {
  const text = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
  const hits: LineHit[] = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('#') || trimmed.startsWith('//')) return hits;
  if (text.includes('--inspect')) {
    for (const m of text.matchAll(INSPECT)) {
      const host = inspectHost(m[1]!, m[2] !== undefined);
      if (host !== undefined && !isLoopback(host)) hits.push({ rule: 'inspect-public-host', column: m.index + 1, text: m[0] });
    }
  }
  if (text.includes('--insecure-http-parser')) for (const m of text.matchAll(INSECURE_PARSER)) hits.push({ rule: 'insecure-http-parser', column: m.index + 1, text: m[0] });
  if (text.includes('--tls-min-v1.')) for (const m of text.matchAll(TLS_MIN)) hits.push({ rule: 'tls-min-legacy', column: m.index + 1, text: m[0] });
  if (text.includes('NODE_TLS_REJECT_UNAUTHORIZED')) for (const m of text.matchAll(TLS_REJECT)) hits.push({ rule: 'tls-reject-unauthorized-0', column: m.index + 1, text: m[0] });
  return hits;
}

export type ConfigFileKind = 'package.json' | 'Dockerfile' | 'Procfile' | 'docker-compose' | 'workflow' | 'env' | 'npmrc';

export function fileKind(rel: string): ConfigFileKind | undefined {
  const base = rel.split('/').pop() ?? rel;
  if (base === 'package.json') return 'package.json';
  if (base === 'Dockerfile' || base.startsWith('Dockerfile.') || base.endsWith('.Dockerfile') || base === 'Containerfile') return 'Dockerfile';
  if (base === 'Procfile' || base.startsWith('Procfile.')) return 'Procfile';
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(base)) return 'docker-compose';
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(rel)) return 'workflow';
  if (base === '.env' || /^\.env\.[\w.-]+$/.test(base)) return 'env';
  if (base === '.npmrc') return 'npmrc'; // node-options= becomes NODE_OPTIONS for every npm script
  return undefined;
}

function finding(rule: RuntimeRule, file: string, line: number, hit: LineHit, where: string): Finding {
  return {
    check: 'runtime-config',
    ruleId: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `${where}: \`${hit.text}\`. ${rule.why}`,
    location: { file, line, column: hit.column },
    help: rule.fix,
    url: `https://nodejs.org/api/cli.html`,
    data: { rule: rule.id, match: hit.text, where },
  };
}

/** Lines of package.json that are inside "scripts" (and its own `config` of NODE_OPTIONS is not a thing). */
function packageScriptLines(text: string): Set<number> {
  // A light scan: the "scripts" object spans from its key to the matching brace.
  const lines = new Set<number>();
  const m = /"scripts"\s*:\s*\{/.exec(text);
  if (!m) return lines;
  let depth = 0;
  let line = 1 + (text.slice(0, m.index).match(/\n/g)?.length ?? 0);
  let inString = false;
  for (let i = m.index + m[0].length - 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    lines.add(line);
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) break;
  }
  return lines;
}

/** Scans one file's text; `rel` is its path relative to the project root. */
export function scanConfigText(rel: string, kind: ConfigFileKind, text: string): Finding[] {
  const out: Finding[] = [];
  const lines = text.split(/\r?\n/);
  const only = kind === 'package.json' ? packageScriptLines(text) : undefined;
  for (let i = 0; i < lines.length; i++) {
    if (only && !only.has(i + 1)) continue;
    const line = lines[i]!;
    for (const hit of scanLine(line)) {
      let where: string = kind;
      if (kind === 'package.json') {
        const name = /^\s*"([^"]+)"\s*:/.exec(line)?.[1];
        where = name ? `package.json script "${name}"` : 'package.json scripts';
      } else if (/NODE_OPTIONS/.test(line)) where = `${kind} NODE_OPTIONS`;
      out.push(finding(RUNTIME_RULES[hit.rule], rel, i + 1, hit, where));
    }
  }
  return out;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', 'vendor']);

/** Candidate files of a project: root-level files, one level of subdirectories, and .github/workflows. */
export async function configFiles(dir: string, maxDepth = 2): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, depth: number) => {
    let ents;
    try {
      ents = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      const p = join(d, e.name);
      const rel = relative(dir, p).split('\\').join('/');
      if (e.isFile() && fileKind(rel)) out.push(rel);
      else if (e.isDirectory() && depth < maxDepth && !SKIP_DIRS.has(e.name) && (!e.name.startsWith('.') || e.name === '.github')) await walk(p, depth + 1);
    }
  };
  await walk(dir, 0);
  // workflows may be deeper than maxDepth allows
  for (const wf of ['.github/workflows']) {
    try {
      for (const e of await readdir(join(dir, wf), { withFileTypes: true })) {
        const rel = `${wf}/${e.name}`;
        if (e.isFile() && fileKind(rel) === 'workflow' && !out.includes(rel)) out.push(rel);
      }
    } catch {
      // none
    }
  }
  return out.sort();
}

export interface RuntimeConfigResult {
  findings: Finding[];
  files: string[];
  /** Files skipped (too large, unreadable), with the reason. */
  skipped: { file: string; reason: string }[];
}

export async function scanRuntimeConfig(dir: string): Promise<RuntimeConfigResult> {
  const files = await configFiles(dir);
  const findings: Finding[] = [];
  const skipped: RuntimeConfigResult['skipped'] = [];
  for (const rel of files) {
    const abs = join(dir, rel);
    try {
      const st = await stat(abs);
      if (st.size > MAX_FILE_BYTES) {
        skipped.push({ file: rel, reason: `larger than ${MAX_FILE_BYTES} bytes` });
        continue;
      }
      findings.push(...scanConfigText(rel, fileKind(rel)!, await readFile(abs, 'utf8')));
    } catch (err) {
      skipped.push({ file: rel, reason: (err as Error).message });
    }
  }
  return { findings, files, skipped };
}
