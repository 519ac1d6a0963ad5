/**
 * The shared ignore policy, read from `.nodesec.json` (or the `nodesec` key of package.json)
 * and honoured by every check: audit, node, runtime-config, regex, scorecard.
 *
 *   { "ignore": [ { "id": "NSWG-ECO-100", "reason": "not reachable: we never parse URIs",
 *                   "until": "2027-01-31", "paths": ["express>qs"], "files": ["vendor/**"],
 *                   "checks": ["audit"] } ] }
 *
 * Every entry needs an `id` (advisory id or any alias, a rule id such as `unsafe-regex`, or a
 * Scorecard check name) and a `reason`. `until` (YYYY-MM-DD, inclusive) makes it expire; an
 * expired entry suppresses nothing and is reported. `paths` scopes it to dependency paths (a
 * path matches when it starts with the given `>`-separated names, each optionally `@version`),
 * `files` to finding locations (globs), `checks` to check ids. Entries that suppress nothing are
 * reported as unused so that stale suppressions get cleaned up.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { AppError, parseJson } from './errors.ts';
import type { Finding } from './finding.ts';

export interface IgnoreEntry {
  id: string;
  reason: string;
  until?: string;
  paths?: string[];
  files?: string[];
  checks?: string[];
}

export interface IgnoreMatchInput {
  finding: Finding;
  /** Other ids the finding answers to (advisory aliases). */
  aliases?: readonly string[];
  /** Dependency paths of the finding, each a list of `name` or `name@version` from the importer. */
  dependencyPaths?: readonly (readonly string[])[];
}

export interface IgnorePolicy {
  readonly entries: readonly IgnoreEntry[];
  /** Where the policy came from, for messages (`.nodesec.json`, `package.json#nodesec`, or none). */
  readonly source: string | undefined;
  /** The entry that suppresses this finding, if any (expired entries never do). Marks it used. */
  match(input: IgnoreMatchInput): IgnoreEntry | undefined;
  /** Entries whose `until` is before `now`. */
  expired(): IgnoreEntry[];
  /** Entries that matched nothing so far (expired ones excluded). */
  unused(): IgnoreEntry[];
  /** The rest of the config file (keys other than `ignore`), for command defaults. */
  readonly settings: Readonly<Record<string, unknown>>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validateEntries(raw: unknown, file: string, base: string): IgnoreEntry[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    throw new AppError('ERR_CONFIG_INVALID', '"ignore" must be an array', { file, pointer: `${base}/ignore` });
  }
  const allowed = new Set(['id', 'reason', 'until', 'paths', 'files', 'checks']);
  return raw.map((e: unknown, i): IgnoreEntry => {
    const ptr = `${base}/ignore/${i}`;
    const bad = (field: string, msg: string): never => {
      throw new AppError('ERR_CONFIG_INVALID', msg, {
        file,
        pointer: field ? `${ptr}/${field}` : ptr,
        hint: 'each ignore entry is { "id": "...", "reason": "...", "until"?: "YYYY-MM-DD", "paths"?: [...], "files"?: [...], "checks"?: [...] }',
      });
    };
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return bad('', 'ignore entry must be an object');
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!allowed.has(k)) bad(k, `unknown field "${k}" in ignore entry`);
    if (typeof o.id !== 'string' || !o.id.trim()) bad('id', 'ignore entry needs a non-empty "id"');
    if (typeof o.reason !== 'string' || !o.reason.trim()) bad('reason', `ignore entry ${String(o.id)} needs a non-empty "reason"`);
    if (o.until !== undefined && (typeof o.until !== 'string' || !DATE.test(o.until) || Number.isNaN(Date.parse(o.until)))) {
      bad('until', '"until" must be a date YYYY-MM-DD');
    }
    for (const k of ['paths', 'files', 'checks'] as const) {
      const v = o[k];
      if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x))) bad(k, `"${k}" must be an array of non-empty strings`);
    }
    return o as unknown as IgnoreEntry;
  });
}

export function createIgnorePolicy(
  entries: IgnoreEntry[],
  opts: { now?: Date; source?: string; settings?: Record<string, unknown> } = {},
): IgnorePolicy {
  const now = opts.now ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const used = new Set<IgnoreEntry>();
  const isExpired = (e: IgnoreEntry) => e.until !== undefined && e.until < today;
  const fileMatchers = new Map<IgnoreEntry, (p: string) => boolean>();
  for (const e of entries) if (e.files) fileMatchers.set(e, picomatch(e.files, { dot: true }));

  const pathMatches = (scope: string, path: readonly string[]) => {
    const want = scope.split('>').map((s) => s.trim()).filter(Boolean);
    if (want.length > path.length) return false;
    return want.every((w, i) => {
      const have = path[i] ?? '';
      if (w === '*') return true;
      if (w.lastIndexOf('@') > 0) return have === w;
      const at = have.lastIndexOf('@');
      return (at > 0 ? have.slice(0, at) : have) === w;
    });
  };

  return {
    entries,
    source: opts.source,
    settings: opts.settings ?? {},
    match({ finding, aliases = [], dependencyPaths }) {
      const ids = new Set([finding.ruleId, ...aliases].map((s) => s.toUpperCase()));
      for (const e of entries) {
        if (isExpired(e)) continue;
        if (!ids.has(e.id.toUpperCase())) continue;
        if (e.checks && !e.checks.includes(finding.check)) continue;
        if (e.files) {
          const f = finding.location?.file;
          if (!f || !fileMatchers.get(e)!(f)) continue;
        }
        if (e.paths) {
          // Scoped by dependency path: every path of the finding must be covered, otherwise a
          // second, unreviewed route to the same vulnerable package would be hidden.
          if (!dependencyPaths || dependencyPaths.length === 0) continue;
          if (!dependencyPaths.every((p) => e.paths!.some((s) => pathMatches(s, p)))) continue;
        }
        used.add(e);
        return e;
      }
      return undefined;
    },
    expired: () => entries.filter(isExpired),
    unused: () => entries.filter((e) => !used.has(e) && !isExpired(e)),
  };
}

/**
 * Loads the policy of a project directory: `.nodesec.json` if present, else the `nodesec` key
 * of `package.json`, else an empty policy. `explicitFile` (from `--ignore-file`) wins.
 */
export async function loadIgnorePolicy(dir: string, opts: { now?: Date; explicitFile?: string } = {}): Promise<IgnorePolicy> {
  const tryRead = async (p: string) => {
    try {
      return await readFile(p, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new AppError('ERR_INPUT_NOT_FOUND', `cannot read ${p}: ${(err as Error).message}`, { file: p, cause: err });
    }
  };
  const fromObject = (obj: unknown, file: string, base: string) => {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new AppError('ERR_CONFIG_INVALID', 'nodesec configuration must be a JSON object', { file, pointer: base || '/' });
    }
    const { ignore, ...settings } = obj as Record<string, unknown>;
    return createIgnorePolicy(validateEntries(ignore, file, base), { now: opts.now, source: base ? `${file}#${base}` : file, settings });
  };
  if (opts.explicitFile) {
    const text = await tryRead(opts.explicitFile);
    if (text === undefined) throw new AppError('ERR_INPUT_NOT_FOUND', `ignore file not found: ${opts.explicitFile}`, { file: opts.explicitFile });
    return fromObject(parseJson(text, opts.explicitFile), opts.explicitFile, '');
  }
  const own = join(dir, '.nodesec.json');
  const text = await tryRead(own);
  if (text !== undefined) return fromObject(parseJson(text, own), own, '');
  const pkgPath = join(dir, 'package.json');
  const pkgText = await tryRead(pkgPath);
  if (pkgText !== undefined) {
    const pkg = parseJson(pkgText, pkgPath) as Record<string, unknown> | null;
    if (pkg && typeof pkg === 'object' && pkg.nodesec !== undefined) return fromObject(pkg.nodesec, pkgPath, '/nodesec');
  }
  return createIgnorePolicy([], { now: opts.now });
}
