/**
 * ossf/scorecard-monitor's files: scope.json and database.json, read and written the way the
 * monitor does (database: `JSON.stringify(db, null, 2)`, no trailing newline; an empty or
 * `github.com`-less database starts fresh).
 *
 * nodesec's additions stay readable by the monitor: each history entry (`current`, `previous[]`)
 * may carry `checks`, the per-check scores (`{ "Token-Permissions": 10, ... }`), which the monitor
 * carries along untouched when it pushes `current` into `previous`. Nothing else changes shape.
 */
import { AppError, parseJson } from '../../core/errors.ts';

export interface ScoreEntry {
  score: number;
  date: string;
  commit: string;
  /** nodesec: per-check scores at this entry (-1 = inconclusive). */
  checks?: Record<string, number>;
}

export interface RepoHistory {
  previous: ScoreEntry[];
  current?: ScoreEntry;
}

export type Database = { 'github.com': Record<string, Record<string, RepoHistory>> } & Record<string, unknown>;
export type Scope = { 'github.com': Record<string, { included: string[]; excluded: string[] }> };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseScope(text: string, file: string): Scope {
  const raw = parseJson(text, file);
  const bad = (pointer: string, msg: string): never => {
    throw new AppError('ERR_SCORECARD_SCOPE', msg, { file, pointer, hint: 'scope.json is { "github.com": { "<org>": { "included": ["repo", ...], "excluded": [...] } } }' });
  };
  if (!isObj(raw)) bad('', 'scope must be a JSON object');
  const gh = (raw as Record<string, unknown>)['github.com'];
  if (!isObj(gh)) bad('/github.com', 'scope needs a "github.com" object');
  for (const [org, v] of Object.entries(gh as Record<string, unknown>)) {
    if (!isObj(v)) bad(`/github.com/${org}`, `scope of ${org} must be an object`);
    for (const k of ['included', 'excluded'] as const) {
      const list = (v as Record<string, unknown>)[k];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || !x)) bad(`/github.com/${org}/${k}`, `"${k}" of ${org} must be an array of repository names`);
    }
    for (const k of Object.keys(v as object)) if (k !== 'included' && k !== 'excluded') bad(`/github.com/${org}/${k}`, `unknown key "${k}" in the scope of ${org}`);
  }
  const out: Scope = { 'github.com': {} };
  for (const [org, v] of Object.entries(gh as Record<string, { included?: string[]; excluded?: string[] }>)) {
    out['github.com'][org] = { included: [...(v.included ?? [])], excluded: [...(v.excluded ?? [])] };
  }
  return out;
}

const SHA = /^[a-f0-9]{40}$/;

function checkEntry(e: unknown, file: string, pointer: string): ScoreEntry {
  const bad = (msg: string): never => {
    throw new AppError('ERR_SCORECARD_DATABASE', msg, { file, pointer });
  };
  if (!isObj(e)) return bad('a history entry must be an object { score, date, commit }');
  if (typeof e.score !== 'number' || e.score < 0 || e.score > 10) bad('"score" must be a number from 0 to 10');
  if (typeof e.date !== 'string' || Number.isNaN(Date.parse(e.date))) bad('"date" must be a date');
  if (typeof e.commit !== 'string' || !SHA.test(e.commit)) bad('"commit" must be a 40-hex commit id');
  if (e.checks !== undefined && (!isObj(e.checks) || Object.values(e.checks).some((x) => typeof x !== 'number'))) bad('"checks" must map check names to scores');
  return e as unknown as ScoreEntry;
}

export function parseDatabase(text: string, file: string): Database {
  if (!text.trim()) return { 'github.com': {} };
  const raw = parseJson(text, file);
  if (!isObj(raw)) throw new AppError('ERR_SCORECARD_DATABASE', 'the database must be a JSON object', { file, pointer: '' });
  if (!isObj(raw['github.com'])) return { 'github.com': {} };
  for (const [org, repos] of Object.entries(raw['github.com'])) {
    if (!isObj(repos)) throw new AppError('ERR_SCORECARD_DATABASE', `"${org}" must be an object of repositories`, { file, pointer: `/github.com/${org}` });
    for (const [repo, h] of Object.entries(repos)) {
      const ptr = `/github.com/${org}/${repo}`;
      if (!isObj(h) || !Array.isArray(h.previous)) throw new AppError('ERR_SCORECARD_DATABASE', `${org}/${repo} needs "previous" (an array) and "current"`, { file, pointer: ptr });
      h.previous.forEach((e, i) => checkEntry(e, file, `${ptr}/previous/${i}`));
      if (h.current !== undefined) checkEntry(h.current, file, `${ptr}/current`);
    }
  }
  return raw as Database;
}

export function serializeDatabase(db: Database): string {
  return JSON.stringify(db, null, 2);
}

export function getCurrent(db: Database, org: string, repo: string): ScoreEntry | undefined {
  return db['github.com'][org]?.[repo]?.current;
}

/** saveScore: the current entry moves to `previous`, the new one becomes `current`. */
export function saveEntry(db: Database, org: string, repo: string, entry: ScoreEntry): void {
  const orgs = db['github.com'];
  orgs[org] ??= {};
  const h = (orgs[org][repo] ??= { previous: [] });
  h.previous ??= [];
  if (h.current) h.previous.push(h.current);
  h.current = entry;
}

/** Every entry of a repository, oldest first. */
export function history(h: RepoHistory | undefined): ScoreEntry[] {
  if (!h) return [];
  return [...h.previous, ...(h.current ? [h.current] : [])];
}

export interface CheckChange {
  check: string;
  from: number | undefined;
  to: number | undefined;
  commit: string;
  date: string;
}

/** Which checks changed between two entries (only when both carry per-check scores). */
export function checkChanges(before: ScoreEntry | undefined, after: ScoreEntry): CheckChange[] {
  if (!before?.checks || !after.checks) return [];
  const names = [...new Set([...Object.keys(before.checks), ...Object.keys(after.checks)])].sort();
  const out: CheckChange[] = [];
  for (const n of names) {
    const a = before.checks[n];
    const b = after.checks[n];
    if (a !== b) out.push({ check: n, from: a, to: b, commit: after.commit, date: after.date });
  }
  return out;
}
