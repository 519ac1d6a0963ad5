/**
 * Which Node.js a project targets, for the `node` check of `nodesec check`. Read, in order:
 *
 *   .nvmrc, .node-version        the version developers and CI install (nvm, fnm, nodenv, setup-node)
 *   package.json volta.node      an exact pin (Volta)
 *   package.json engines.node    the range the project supports
 *   Dockerfile FROM node:<tag>   the runtime the image ships (root-level Dockerfiles)
 *   .github/workflows node-version   the versions CI tests on (setup-node, matrix lists)
 *
 * How each is checked (docs/check.md):
 * - an exact version (`20.11.1`, `v20.11.1`, volta pins): the full runtime check, CVEs and end-of-life;
 * - a release line (`20`, `v20`, `lts/iron`, `20.x`): end-of-life of that line only (nvm installs the
 *   newest patch, whose CVEs nodesec cannot know offline);
 * - engines.node: every release line the range admits that is end-of-life is reported (low when a
 *   supported line is admitted too: the floor is only old; high when only end-of-life lines are).
 * `node`, `lts/*`, `latest`, `stable` name whatever is newest: nothing to check.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import type { Location } from '../core/finding.ts';
import type { Schedule } from './node.ts';

export type NodeTarget =
  | { kind: 'exact'; version: string; location: Location; source: string; spec: string }
  | { kind: 'line'; line: string; location: Location; source: string; spec: string }
  | { kind: 'range'; range: string; location: Location; source: string; spec: string };

function lineOf(text: string, needle: RegExp): number {
  const m = needle.exec(text);
  return m ? 1 + (text.slice(0, m.index).match(/\n/g)?.length ?? 0) : 1;
}

/** Interprets an .nvmrc/.node-version value. */
export function parseVersionFile(raw: string, schedule: Schedule | undefined): { kind: 'exact'; version: string } | { kind: 'line'; line: string } | undefined {
  const s = raw.trim().split(/\s+/)[0]?.replace(/^node@/, '') ?? '';
  if (!s || /^(node|latest|current|stable|lts\/\*|lts)$/i.test(s)) return undefined;
  const lts = /^lts\/(\w+)$/i.exec(s);
  if (lts) {
    const name = lts[1]!.toLowerCase();
    const hit = Object.entries(schedule ?? {}).find(([, e]) => e.codename?.toLowerCase() === name);
    return hit ? { kind: 'line', line: hit[0] } : undefined;
  }
  const v = s.replace(/^v/, '');
  if (semver.valid(v)) return { kind: 'exact', version: `v${v}` };
  const line = /^(\d+)(?:\.x|\.\*)?$/.exec(v) ?? /^(\d+)\.\d+(?:\.x|\.\*)?$/.exec(v);
  if (line) return { kind: 'line', line: `v${line[1]}` };
  return undefined;
}

export async function findNodeTargets(dir: string, schedule: Schedule | undefined): Promise<NodeTarget[]> {
  const out: NodeTarget[] = [];
  for (const file of ['.nvmrc', '.node-version']) {
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch {
      continue;
    }
    if (text.length > 4096) continue;
    const p = parseVersionFile(text, schedule);
    const spec = text.trim();
    const location = { file, line: 1 };
    if (p?.kind === 'exact') out.push({ kind: 'exact', version: p.version, location, source: file, spec });
    else if (p?.kind === 'line') out.push({ kind: 'line', line: p.line, location, source: file, spec });
  }
  let pkgText: string | undefined;
  try {
    pkgText = await readFile(join(dir, 'package.json'), 'utf8');
  } catch {
    pkgText = undefined;
  }
  if (pkgText !== undefined && pkgText.length < 8 * 1024 * 1024) {
    let pkg: { engines?: { node?: unknown }; volta?: { node?: unknown } } | undefined;
    try {
      pkg = JSON.parse(pkgText) as typeof pkg;
    } catch {
      pkg = undefined; // the audit and the lockfile readers report a broken package.json
    }
    const volta = pkg?.volta?.node;
    if (typeof volta === 'string' && semver.valid(volta.replace(/^v/, ''))) {
      out.push({ kind: 'exact', version: `v${volta.replace(/^v/, '')}`, location: { file: 'package.json', line: lineOf(pkgText, /"volta"\s*:/) }, source: 'package.json volta.node', spec: volta });
    }
    const engines = pkg?.engines?.node;
    if (typeof engines === 'string' && semver.validRange(engines)) {
      out.push({ kind: 'range', range: engines, location: { file: 'package.json', line: lineOf(pkgText, /"node"\s*:\s*"/) }, source: 'package.json engines.node', spec: engines });
    }
  }
  out.push(...(await imageAndCiTargets(dir, schedule)));
  return out;
}

/** `node:<tag>` of a FROM line: `20`, `20.11.1-alpine`, `lts-slim`... as a version or a line. */
export function parseImageTag(tag: string, schedule: Schedule | undefined): { kind: 'exact'; version: string } | { kind: 'line'; line: string } | undefined {
  const m = /^(\d+(?:\.\d+){0,2})(?:-|$)/.exec(tag);
  if (!m) return undefined; // lts, current, latest, alpine...: whatever is newest
  return parseVersionFile(m[1]!, schedule);
}

const FROM = /^\s*FROM\s+(?:--platform=\S+\s+)?(?:[\w.-]+(?::\d+)?\/)?(?:library\/)?node:([\w.-]+)/i;
const SETUP_NODE = /^\s*(?:-\s*)?node-version\s*:\s*(.+?)\s*(?:#.*)?$/;

/**
 * Node.js versions in Dockerfiles (`FROM node:18-alpine`) and GitHub workflows (`node-version:`
 * of setup-node, matrix lists included), each with file and line. Bounded: root-level
 * Dockerfiles and `.github/workflows/*.yml`, files over 1 MiB skipped.
 */
async function imageAndCiTargets(dir: string, schedule: Schedule | undefined): Promise<NodeTarget[]> {
  const out: NodeTarget[] = [];
  const files: string[] = [];
  const { readdir, stat } = await import('node:fs/promises');
  const list = async (sub: string, keep: (name: string) => boolean) => {
    try {
      for (const name of (await readdir(join(dir, sub))).sort()) if (keep(name)) files.push(sub ? `${sub}/${name}` : name);
    } catch {
      // absent
    }
  };
  await list('', (n) => n === 'Dockerfile' || n.startsWith('Dockerfile.') || n.endsWith('.Dockerfile'));
  await list('.github/workflows', (n) => /\.ya?ml$/.test(n));
  for (const file of files) {
    let text: string;
    try {
      if ((await stat(join(dir, file))).size > 1024 * 1024) continue;
      text = await readFile(join(dir, file), 'utf8');
    } catch {
      continue;
    }
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const location = { file, line: i + 1 };
      if (file.startsWith('.github/')) {
        const m = SETUP_NODE.exec(line);
        if (!m) return;
        const raw = m[1]!.replace(/^\[|\]$/g, '');
        for (const item of raw.split(',').map((x) => x.trim().replace(/^['"]|['"]$/g, '')).filter(Boolean)) {
          if (item.includes('${{')) continue;
          const p = parseVersionFile(item, schedule);
          if (p?.kind === 'exact') out.push({ kind: 'exact', version: p.version, location, source: `${file} node-version`, spec: item });
          else if (p?.kind === 'line') out.push({ kind: 'line', line: p.line, location, source: `${file} node-version`, spec: item });
        }
      } else {
        const m = FROM.exec(line);
        if (!m) return;
        const p = parseImageTag(m[1]!, schedule);
        if (p?.kind === 'exact') out.push({ kind: 'exact', version: p.version, location, source: `${file} FROM node:${m[1]}`, spec: m[1]! });
        else if (p?.kind === 'line') out.push({ kind: 'line', line: p.line, location, source: `${file} FROM node:${m[1]}`, spec: m[1]! });
      }
    });
  }
  return out;
}

/** Release lines of the schedule that `range` admits (any version of the line satisfies it). */
export function linesAdmitted(range: string, schedule: Schedule): string[] {
  const r = new semver.Range(range);
  return Object.keys(schedule).filter((line) => {
    const m = /^v(\d+)(?:\.(\d+))?$/.exec(line);
    if (!m) return false;
    const lineRange = m[2] !== undefined ? `>=${m[1]}.${m[2]}.0 <${m[1]}.${Number(m[2]) + 1}.0` : `>=${m[1]}.0.0 <${Number(m[1]) + 1}.0.0`;
    return semver.intersects(r, new semver.Range(lineRange));
  });
}
