/**
 * `nodesec db validate`: every problem of every file, each with file, JSON pointer (or
 * line:column for malformed JSON), message and hint. Never stops at the first problem, never
 * stops at the first bad file.
 *
 * WG records are checked with the WG's own rules (the Joi models of
 * nodejs/security-wg tools/vuln_valid, and the deps justifications of its index generator):
 * required fields and types, no unknown fields, `CVE-\d{4}-\d+` ids, YYYY-MM-DD dates that
 * exist, one-line titles of at most 150 characters, ranges that parse with semver 7 (not
 * loose), affectedEnvironments and severity labels from the known sets. On top of the WG rules
 * we warn (exit 0) about what the WG accepts but is suspicious: a CVE id with trailing text, a
 * CVSS vector that does not parse, a stated cvss_score that disagrees with the vector.
 *
 * OSV records are checked against the OSV schema 1.7 (ossf/osv-schema validation/schema.json,
 * draft 2020-12, with ajv) plus what the schema cannot say: SEMVER events that are semver,
 * CVSS vectors that score, timestamps that exist.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import semver from 'semver';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { isAppError, parseJson } from '../core/errors.ts';
import { VEX_JUSTIFICATIONS } from '../core/osv.ts';
import { cvssProblem, scoreCvss } from './cvss.ts';
import { MAX_ARCHIVE_BYTES, MAX_RECORD_BYTES, forEachZipEntry, guessNswgKind } from './readers.ts';
import type { NswgKind } from './nswg.ts';

export type ProblemLevel = 'error' | 'warning';

export interface Problem {
  level: ProblemLevel;
  /** Stable rule id, e.g. `nswg/date`, `osv/schema`, `json/syntax`. */
  rule: string;
  file: string;
  /** RFC 6901 pointer into the document ('' = the whole document). */
  pointer?: string;
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

export type DocumentKind = 'nswg-npm' | 'nswg-core' | 'nswg-deps' | 'nswg-index' | 'osv' | 'openvex' | 'snapshot' | 'unknown';

export interface FileResult {
  file: string;
  kind: DocumentKind;
  /** Records checked in this file (an index.json holds many). */
  records: number;
  problems: Problem[];
  /** OSV ids found, with their pointers (for the cross-file duplicate check). */
  ids?: { id: string; pointer: string }[];
}

const idOf = (v: unknown): string | undefined => {
  const id = (v as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
};

/**
 * Problems across files: an OSV id defined twice (in two files, or twice in one array). Each
 * repeat is an error at the later place, naming the first.
 */
export function crossFileProblems(results: readonly FileResult[]): Problem[] {
  const first = new Map<string, { file: string; pointer: string }>();
  const out: Problem[] = [];
  for (const r of results) {
    for (const { id, pointer } of r.ids ?? []) {
      const prev = first.get(id);
      if (!prev) first.set(id, { file: r.file, pointer });
      else {
        out.push({ level: 'error', rule: 'osv/duplicate-id', file: r.file, pointer, message: `id ${id} is already defined in ${prev.file}${prev.pointer ? `#${prev.pointer}` : ''}`, hint: 'one record per id: merge the two or give one another id' });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// rules shared by the three WG kinds

/** The WG's CVE pattern (unanchored, as in its Joi models). */
const WG_CVE = /CVE-\d{4}-\d+/;
const STRICT_CVE = /^CVE-\d{4}-\d{4,}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The WG's affectedEnvironments values, plus Node's `process.platform` names the data uses (`win32`). */
export const AFFECTED_ENVIRONMENTS = ['all', 'osx', 'win', 'linux', 'smartos', 'aix', 'freebsd', 'win32', 'darwin', 'sunos', 'openbsd'] as const;
/** Severity labels of WG core records. */
export const CORE_SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;

/** The hint of each rule, for problems that do not carry a more specific one. */
export const RULE_HINTS: Record<string, string> = {
  'nswg/required': 'add the field; docs/db.md lists the fields of each WG record kind',
  'nswg/type': 'use the type the WG record format defines for this field',
  'nswg/unknown-field': 'remove the field or rename it to one the WG format defines',
  'nswg/cve': 'CVE ids look like CVE-2024-12345',
  'nswg/cve-strict': 'keep only the CVE id itself',
  'nswg/date': 'use a real date as YYYY-MM-DD, e.g. 2024-03-01',
  'nswg/title': 'one line of at most 150 characters',
  'nswg/range': 'semver 7 syntax, not loose: e.g. ">=1.2.3 <2.0.0 || ^3.0.1"',
  'nswg/environment': `one of: ${AFFECTED_ENVIRONMENTS.join(', ')}`,
  'nswg/severity': `one of: ${CORE_SEVERITIES.join(', ')}`,
  'nswg/justification': 'an OpenVEX justification, e.g. vulnerable_code_not_present',
  'nswg/uri': 'use an absolute URL, e.g. https://nodejs.org/en/blog/vulnerability/…',
  'nswg/index': 'regenerate it with `nodesec db index`',
  'nswg/id-mismatch': 'the file name is the WG identifier (NSWG-ECO-<file>)',
  'osv/schema': 'see https://ossf.github.io/osv-schema/ for the field',
  'openvex/schema': 'see https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md',
  'osv/timestamp': 'RFC 3339 in UTC, e.g. 2024-03-01T00:00:00Z',
  'osv/semver': 'SEMVER ranges need SemVer 2.0 versions without a "v" prefix',
  'cvss/vector': 'a complete vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'cvss/score-mismatch': 'set the score the vector gives, or fix the vector',
  'json/syntax': 'fix the JSON syntax at the given line and column',
  'input/not-advisory': 'OSV records have "id" and "modified"; WG records live in vuln/core, vuln/npm or vuln/deps',
  'input/not-found': 'check the path',
  'snapshot/integrity': 'rebuild it with `nodesec db build` or fetch it again with `nodesec db sync`',
  'input/unreadable': 'check the path and its permissions',
  'input/too-large': 'an advisory file over 16 MiB is not an advisory; check what the file is',
};

function withHints(r: FileResult): FileResult {
  for (const p of r.problems) if (!p.hint && RULE_HINTS[p.rule]) p.hint = RULE_HINTS[p.rule];
  return r;
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

class Checker {
  readonly problems: Problem[] = [];
  readonly file: string;
  readonly base: string;
  readonly obj: Record<string, unknown>;
  constructor(file: string, base: string, obj: Record<string, unknown>) {
    this.file = file;
    this.base = base;
    this.obj = obj;
  }
  ptr(key: string): string {
    return `${this.base}/${escapePointer(key)}`;
  }
  add(level: ProblemLevel, rule: string, pointer: string, message: string, hint?: string): void {
    this.problems.push({ level, rule, file: this.file, pointer, message, ...(hint && { hint }) });
  }
  error(rule: string, key: string, message: string, hint?: string): void {
    this.add('error', rule, this.ptr(key), message, hint);
  }
  has(key: string): boolean {
    return Object.hasOwn(this.obj, key);
  }
  /** Required unless `optional`; `nullable` allows null. Returns the value when it has the right type. */
  string(key: string, o: { optional?: boolean; nullable?: boolean } = {}): string | null | undefined {
    if (!this.has(key)) {
      if (!o.optional) this.error('nswg/required', key, `"${key}" is required`, o.nullable ? `set it, to null when unknown` : undefined);
      return undefined;
    }
    const v = this.obj[key];
    if (v === null && o.nullable) return null;
    if (typeof v !== 'string') {
      this.error('nswg/type', key, `"${key}" must be a string${o.nullable ? ' or null' : ''}, not ${typeName(v)}`);
      return undefined;
    }
    return v;
  }
  number(key: string, o: { optional?: boolean; nullable?: boolean } = {}): number | null | undefined {
    if (!this.has(key)) {
      if (!o.optional) this.error('nswg/required', key, `"${key}" is required`);
      return undefined;
    }
    const v = this.obj[key];
    if (v === null && o.nullable) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.error('nswg/type', key, `"${key}" must be a number${o.nullable ? ' or null' : ''}, not ${typeName(v)}`);
      return undefined;
    }
    return v;
  }
  array(key: string, o: { optional?: boolean; nullable?: boolean } = {}): unknown[] | null | undefined {
    if (!this.has(key)) {
      if (!o.optional) this.error('nswg/required', key, `"${key}" is required`);
      return undefined;
    }
    const v = this.obj[key];
    if (v === null && o.nullable) return null;
    if (!Array.isArray(v)) {
      this.error('nswg/type', key, `"${key}" must be an array${o.nullable ? ' or null' : ''}, not ${typeName(v)}`);
      return undefined;
    }
    return v;
  }
  unknownKeys(allowed: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!allowed.includes(k)) this.error('nswg/unknown-field', k, `unknown field "${k}"`, `allowed fields: ${allowed.join(', ')}`);
    }
  }
  date(key: string, optional = false): void {
    const v = this.string(key, { optional });
    if (typeof v !== 'string') return;
    if (!DAY.test(v)) this.error('nswg/date', key, `"${key}" must be a date YYYY-MM-DD, not ${JSON.stringify(v)}`);
    else if (!validDay(v)) this.error('nswg/date', key, `"${key}" is not a real date: ${v}`);
  }
  cves(key: string, minOne = false): void {
    const list = this.array(key);
    if (!list) return;
    if (minOne && list.length === 0) this.error('nswg/cve', key, `"${key}" must list at least one CVE id`);
    list.forEach((c, i) => {
      const p = `${this.ptr(key)}/${i}`;
      if (typeof c !== 'string') this.add('error', 'nswg/type', p, `CVE id must be a string, not ${typeName(c)}`);
      else if (!WG_CVE.test(c)) this.add('error', 'nswg/cve', p, `${JSON.stringify(c)} is not a CVE id (CVE-YYYY-NNNN)`);
      else if (!STRICT_CVE.test(c)) this.add('warning', 'nswg/cve-strict', p, `${JSON.stringify(c)} has text around the CVE id`, 'the WG pattern accepts it; CVE ids are exactly CVE-YYYY-NNNN+');
    });
  }
  range(key: string, o: { optional?: boolean; nullable?: boolean } = {}): void {
    const v = this.string(key, o);
    if (typeof v !== 'string') return;
    if (semver.validRange(v) === null) {
      this.error('nswg/range', key, `"${key}" is not a valid semver range: ${JSON.stringify(v)}`, 'semver 7 syntax, not loose: e.g. ">=1.2.3 <2.0.0 || ^3.0.1"');
    }
  }
  uri(key: string): void {
    const v = this.string(key, { optional: true });
    if (typeof v === 'string' && !isUri(v)) this.error('nswg/uri', key, `"${key}" must be a URI, not ${JSON.stringify(v)}`);
  }
  cvss(vectorKey: string, scoreKey: string): void {
    const vector = this.obj[vectorKey];
    if (typeof vector !== 'string') return;
    const problem = cvssProblem(vector);
    if (problem) {
      this.add('warning', 'cvss/vector', this.ptr(vectorKey), `${JSON.stringify(vector)}: ${problem}`, 'use a complete CVSS v3.1 or v4.0 vector');
      return;
    }
    const stated = this.obj[scoreKey];
    const computed = scoreCvss(vector)?.score;
    if (typeof stated === 'number' && computed !== undefined && Math.abs(stated - computed) >= 0.05) {
      this.add('warning', 'cvss/score-mismatch', this.ptr(scoreKey), `"${scoreKey}" is ${stated} but the vector scores ${computed}`, `set ${scoreKey} to ${computed}, or fix the vector`);
    }
  }
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function validDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

function isUri(s: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

const NPM_FIELDS = [
  'id', 'created_at', 'updated_at', 'title', 'author', 'module_name', 'publish_date', 'cves',
  'vulnerable_versions', 'patched_versions', 'overview', 'recommendation', 'references',
  'cvss_vector', 'cvss_score', 'coordinating_vendor',
];
const CORE_FIELDS = [
  'cve', 'ref', 'vulnerable', 'patched', 'description', 'overview', 'author', 'publish_date', 'type',
  'cvss_score', 'cvss', 'reported_by', 'affectedEnvironments', 'severity',
];
const DEPS_FIELDS = ['cve', 'description', 'overview', 'ref', 'reason'];

function notObject(file: string, base: string, kind: string, v: unknown): Problem {
  return { level: 'error', rule: 'nswg/type', file, pointer: base, message: `a WG ${kind} record must be a JSON object, not ${typeName(v)}` };
}

/** The WG rules for one record. `id` is the file's number, when known (checked against `id` for npm). */
export function validateNswg(kind: NswgKind, value: unknown, file: string, base = '', id?: string): Problem[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [notObject(file, base, kind, value)];
  const c = new Checker(file, base, value as Record<string, unknown>);
  if (kind === 'npm') {
    c.unknownKeys(NPM_FIELDS);
    const n = c.number('id');
    if (typeof n === 'number' && id !== undefined && /^\d+$/.test(id) && n !== Number(id)) {
      c.add('warning', 'nswg/id-mismatch', c.ptr('id'), `"id" is ${n} but the file is ${id}.json`, 'the file name is the WG identifier (NSWG-ECO-<file>)');
    }
    c.cves('cves');
    c.date('created_at');
    c.date('updated_at');
    c.date('publish_date');
    const title = c.string('title');
    if (typeof title === 'string') {
      if (title.length > 150) c.error('nswg/title', 'title', `"title" is ${title.length} characters; at most 150`);
      if (!/^[^\n]+$/.test(title)) c.error('nswg/title', 'title', '"title" must be one non-empty line');
    }
    if (c.has('author')) {
      const a = c.obj.author;
      if (!a || typeof a !== 'object' || Array.isArray(a)) c.error('nswg/type', 'author', `"author" must be an object { name, username, website }, not ${typeName(a)}`);
      else {
        const ac = new Checker(file, c.ptr('author'), a as Record<string, unknown>);
        ac.unknownKeys(['name', 'username', 'website']);
        ac.string('name');
        ac.string('username', { nullable: true });
        ac.string('website', { nullable: true });
        c.problems.push(...ac.problems);
      }
    }
    c.string('module_name');
    const patchedNull = c.obj.patched_versions === null;
    c.range('vulnerable_versions', { nullable: !patchedNull });
    c.range('patched_versions', { nullable: true });
    c.string('overview');
    c.string('recommendation', { nullable: true });
    const refs = c.array('references', { nullable: true });
    refs?.forEach((r, i) => {
      if (typeof r !== 'string') c.add('error', 'nswg/type', `${c.ptr('references')}/${i}`, `a reference must be a string, not ${typeName(r)}`);
      else if (!isUri(r)) c.add('warning', 'nswg/uri', `${c.ptr('references')}/${i}`, `reference is not a URL: ${JSON.stringify(r)}`);
    });
    c.string('cvss_vector', { nullable: true });
    c.number('cvss_score', { nullable: true });
    c.string('coordinating_vendor', { nullable: true });
    c.cvss('cvss_vector', 'cvss_score');
  } else if (kind === 'core') {
    c.unknownKeys(CORE_FIELDS);
    c.cves('cve');
    c.uri('ref');
    c.range('vulnerable');
    c.range('patched', { optional: true });
    for (const k of ['description', 'overview', 'author', 'type', 'cvss', 'reported_by']) c.string(k, { optional: true });
    c.date('publish_date', true);
    c.number('cvss_score', { optional: true });
    const envs = c.array('affectedEnvironments');
    if (envs) {
      if (envs.length === 0) c.error('nswg/environment', 'affectedEnvironments', '"affectedEnvironments" must list at least one environment', 'use ["all"] when every platform is affected');
      envs.forEach((e, i) => {
        if (typeof e !== 'string' || !(AFFECTED_ENVIRONMENTS as readonly string[]).includes(e)) {
          c.add('error', 'nswg/environment', `${c.ptr('affectedEnvironments')}/${i}`, `${JSON.stringify(e)} is not a known environment`, `one of: ${AFFECTED_ENVIRONMENTS.join(', ')}`);
        }
      });
    }
    const sev = c.string('severity');
    if (typeof sev === 'string' && !(CORE_SEVERITIES as readonly string[]).includes(sev)) {
      c.error('nswg/severity', 'severity', `${JSON.stringify(sev)} is not a WG severity label`, `one of: ${CORE_SEVERITIES.join(', ')}`);
    }
    c.cvss('cvss', 'cvss_score');
  } else {
    c.unknownKeys(DEPS_FIELDS);
    c.cves('cve', true);
    c.string('description', { optional: true });
    c.string('overview', { optional: true });
    c.uri('ref');
    const reason = c.string('reason');
    if (typeof reason === 'string' && !(VEX_JUSTIFICATIONS as readonly string[]).includes(reason)) {
      c.error('nswg/justification', 'reason', `${JSON.stringify(reason)} is not an OpenVEX justification`, `one of: ${VEX_JUSTIFICATIONS.join(', ')}`);
    }
  }
  return c.problems;
}

// ---------------------------------------------------------------------------------------------
// OSV

const require = createRequire(import.meta.url);
const compiled = new Map<string, ValidateFunction>();

/**
 * A bundled schema's validator, compiled once on first use (ajv is loaded then too, so
 * importing the advisory layer stays cheap for commands that never validate). Both bundled
 * schemas are draft 2020-12; OpenVEX's `iri` format is checked for a scheme.
 */
function schema(file: 'osv-schema.json' | 'openvex-schema.json'): ValidateFunction {
  let v = compiled.get(file);
  if (!v) {
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const addFormats = (require('ajv-formats') as { default: (a: unknown) => void }).default;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addFormat('iri', /^[a-z][a-z0-9+.-]*:\S+$/i);
    v = ajv.compile(require(`./schemas/${file}`) as object);
    compiled.set(file, v);
  }
  return v;
}

/**
 * An OpenVEX document: the OpenVEX 0.2.0 schema (unique statements, required fields, an
 * action statement for `affected`, a justification or impact statement for `not_affected`),
 * plus the checks of the WG's own generator: `fixed` needs version-specific products, each
 * statement should describe its vulnerability.
 */
export function validateOpenVex(value: unknown, file: string): Problem[] {
  const validate = schema('openvex-schema.json');
  const problems = validate(value) ? [] : schemaProblems(validate.errors, file, '', 'openvex/schema');
  for (const p of problems) {
    const dup = /must NOT have duplicate items \(items ## (\d+) and (\d+) are identical\)/.exec(p.message);
    if (dup) {
      p.rule = 'openvex/duplicate';
      p.message = `statements ${dup[2]} and ${dup[1]} are identical`;
      p.hint = 'remove the repeated statement (OpenVEX requires unique items)';
    }
  }
  const statements = (value as { statements?: unknown })?.statements;
  if (Array.isArray(statements)) {
    statements.forEach((st, i) => {
      if (!st || typeof st !== 'object') return;
      const s = st as { status?: unknown; products?: unknown; vulnerability?: { name?: unknown; description?: unknown } };
      if (s.status === 'fixed' && Array.isArray(s.products)) {
        s.products.forEach((p, j) => {
          const id = (p as { '@id'?: unknown })?.['@id'];
          if (typeof id === 'string' && !/@[^/]+$/.test(id)) {
            problems.push({ level: 'error', rule: 'openvex/fixed-unversioned', file, pointer: `/statements/${i}/products/${j}/@id`, message: `a fixed statement names ${id} without a version`, hint: 'name the fixed release, e.g. pkg:github/nodejs/node@v20.20.2' });
          }
        });
      }
      if (s.vulnerability && typeof s.vulnerability === 'object' && !s.vulnerability.description) {
        problems.push({ level: 'warning', rule: 'openvex/description', file, pointer: `/statements/${i}/vulnerability`, message: `no description for ${String(s.vulnerability.name)}`, hint: 'describe the vulnerability (the WG generator requires it)' });
      }
    });
  }
  return problems;
}

/** ajv errors → problems: one per failing place, branch noise of `oneOf`/`if` removed. */
export function schemaProblems(errors: readonly ErrorObject[] | null | undefined, file: string, base: string, rule: string): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (/\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath) || e.keyword === 'if') continue;
    let pointer = `${base}${e.instancePath}`;
    let message = e.message ?? 'is invalid';
    let hint: string | undefined;
    if (e.keyword === 'required') {
      pointer = `${pointer}/${escapePointer(String(e.params.missingProperty))}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      pointer = `${pointer}/${escapePointer(String(e.params.additionalProperty))}`;
      message = 'is not an OSV field';
      hint = 'put extra data under database_specific';
    } else if (e.keyword === 'oneOf' && /events\/\d+$/.test(e.instancePath)) {
      message = 'must be exactly one of {introduced}, {fixed}, {last_affected}, {limit}';
    } else if (e.keyword === 'pattern' && /\/id$/.test(e.instancePath) && e.instancePath.split('/').length === 2) {
      message = 'id must start with a registered OSV prefix (GHSA-, CVE-, ...) or the local prefix x_';
      hint = 'see https://ossf.github.io/osv-schema/#id-modified-fields; `nodesec db export --id-prefix` chooses one';
    } else if (e.keyword === 'pattern' && /ecosystem$/.test(e.instancePath)) {
      message = 'is not an OSV ecosystem';
      hint = 'see https://ossf.github.io/osv-schema/#affectedpackage-field';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ level: 'error', rule, file, pointer, message, ...(hint && { hint }) });
  }
  return out;
}

/** OSV schema 1.7 plus semantic checks. */
export function validateOsv(value: unknown, file: string, base = ''): Problem[] {
  const validate = schema('osv-schema.json');
  const problems = validate(value) ? [] : schemaProblems(validate.errors, file, base, 'osv/schema');
  if (!value || typeof value !== 'object' || Array.isArray(value)) return problems;
  const rec = value as Record<string, unknown>;
  for (const k of ['modified', 'published', 'withdrawn']) {
    const v = rec[k];
    if (typeof v === 'string' && Number.isNaN(new Date(v).getTime())) {
      problems.push({ level: 'error', rule: 'osv/timestamp', file, pointer: `${base}/${k}`, message: `${JSON.stringify(v)} is not a real time` });
    }
  }
  const sevs: [string, unknown][] = [];
  if (Array.isArray(rec.severity)) rec.severity.forEach((s, i) => sevs.push([`${base}/severity/${i}`, s]));
  if (Array.isArray(rec.affected)) {
    rec.affected.forEach((a, i) => {
      if (!a || typeof a !== 'object') return;
      const aff = a as Record<string, unknown>;
      if (Array.isArray(aff.severity)) aff.severity.forEach((s, j) => sevs.push([`${base}/affected/${i}/severity/${j}`, s]));
      if (!Array.isArray(aff.ranges)) return;
      aff.ranges.forEach((r, j) => {
        if (!r || typeof r !== 'object' || (r as { type?: unknown }).type !== 'SEMVER') return;
        const events = (r as { events?: unknown }).events;
        if (!Array.isArray(events)) return;
        events.forEach((e, k) => {
          if (!e || typeof e !== 'object') return;
          for (const [kind, v] of Object.entries(e)) {
            if (typeof v !== 'string' || (kind === 'introduced' && v === '0')) continue;
            if (!semver.valid(v)) {
              problems.push({ level: 'error', rule: 'osv/semver', file, pointer: `${base}/affected/${i}/ranges/${j}/events/${k}/${kind}`, message: `${JSON.stringify(v)} is not a semantic version`, hint: 'SEMVER ranges need SemVer 2.0 versions without a "v" prefix' });
            }
          }
        });
      });
    });
  }
  for (const [pointer, s] of sevs) {
    if (!s || typeof s !== 'object') continue;
    const { type, score } = s as { type?: unknown; score?: unknown };
    if (typeof type === 'string' && type.startsWith('CVSS') && typeof score === 'string' && scoreCvss(score) === undefined) {
      problems.push({ level: 'error', rule: 'cvss/vector', file, pointer: `${pointer}/score`, message: `${JSON.stringify(score)}: ${cvssProblem(score) ?? 'does not score'}` });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// files and directories

function kindOfPath(file: string): NswgKind | undefined {
  const parent = basename(dirname(file));
  return parent === 'core' || parent === 'npm' || parent === 'deps' ? parent : undefined;
}

/** Validates one parsed document; every problem carries a hint. */
export function validateDocument(value: unknown, file: string): FileResult {
  return withHints(checkDocument(value, file));
}

function checkDocument(value: unknown, file: string): FileResult {
  const dirKind = kindOfPath(file);
  const name = basename(file, '.json');
  if (dirKind && name === 'index') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return { file, kind: 'nswg-index', records: 0, problems: [{ level: 'error', rule: 'nswg/index', file, pointer: '', message: 'an index.json must be an object keyed by record id' }] };
    }
    const problems: Problem[] = [];
    let records = 0;
    for (const [id, rec] of Object.entries(value)) {
      records++;
      problems.push(...validateNswg(dirKind, rec, file, `/${escapePointer(id)}`, id));
    }
    return { file, kind: 'nswg-index', records, problems };
  }
  const context = (value as { '@context'?: unknown } | null)?.['@context'];
  if (typeof context === 'string' && /openvex/i.test(context)) {
    const statements = (value as { statements?: unknown }).statements;
    return { file, kind: 'openvex', records: Array.isArray(statements) ? statements.length : 0, problems: validateOpenVex(value, file) };
  }
  const guessed = guessNswgKind(value);
  const looksOsv = guessed === 'osv' || (!!value && typeof value === 'object' && 'schema_version' in value);
  if (looksOsv) {
    const id = idOf(value);
    return { file, kind: 'osv', records: 1, problems: validateOsv(value, file), ...(id && { ids: [{ id, pointer: '/id' }] }) };
  }
  const kind = dirKind ?? (guessed as NswgKind | undefined);
  if (kind) return { file, kind: `nswg-${kind}`, records: 1, problems: validateNswg(kind, value, file, '', name) };
  if (Array.isArray(value) && value.length > 0 && value.every((v) => guessNswgKind(v) === 'osv')) {
    const ids = value.flatMap((v, i) => (idOf(v) ? [{ id: idOf(v)!, pointer: `/${i}/id` }] : []));
    return { file, kind: 'osv', records: value.length, problems: value.flatMap((v, i) => validateOsv(v, file, `/${i}`)), ids };
  }
  return {
    file,
    kind: 'unknown',
    records: 0,
    problems: [{ level: 'error', rule: 'input/not-advisory', file, pointer: '', message: 'not an advisory: neither an OSV record nor a WG core/npm/deps record', hint: 'OSV records have "id" and "modified"; WG records live in vuln/core, vuln/npm or vuln/deps' }],
  };
}

function unreadable(file: string, rule: string, message: string): FileResult {
  return withHints({ file, kind: 'unknown', records: 0, problems: [{ level: 'error', rule, file, message }] });
}

/** Parses and validates one JSON text; malformed JSON is a problem with line and column. */
export function validateText(text: string, display: string): FileResult {
  let value: unknown;
  try {
    value = parseJson(text, display);
  } catch (err) {
    if (!isAppError(err)) throw err;
    return withHints({
      file: display,
      kind: 'unknown',
      records: 0,
      problems: [{ level: 'error', rule: 'json/syntax', file: display, ...(err.line !== undefined && { line: err.line }), ...(err.column !== undefined && { column: err.column }), message: err.message.replace(/\s+/g, ' ') }],
    });
  }
  return validateDocument(value, display);
}

/** Reads and validates one file; unreadable or malformed files become problems too. */
export async function validateFile(path: string, display = path): Promise<FileResult> {
  let text: string;
  try {
    const s = await stat(path);
    if (s.size > MAX_RECORD_BYTES) return unreadable(display, 'input/too-large', `file is ${s.size} bytes, over the ${MAX_RECORD_BYTES}-byte limit`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    return unreadable(display, 'input/unreadable', `cannot read: ${(err as Error).message}`);
  }
  return validateText(text, display);
}

/** Validates a path: a JSON file, or every .json entry of a zip (an OSV export such as all.zip). */
export async function validatePath(path: string, display = path): Promise<FileResult[]> {
  const head = await sniff(path);
  if (head === 'snapshot') return validateSnapshotFile(path, display);
  if (head !== 'zip' && !/\.zip$/i.test(path)) return [await validateFile(path, display)];
  let bytes: Uint8Array;
  try {
    const s = await stat(path);
    if (s.size > MAX_ARCHIVE_BYTES) return [unreadable(display, 'input/too-large', `archive is ${s.size} bytes, over the ${MAX_ARCHIVE_BYTES}-byte limit`)];
    bytes = await readFile(path);
  } catch (err) {
    return [unreadable(display, 'input/unreadable', `cannot read: ${(err as Error).message}`)];
  }
  const out: FileResult[] = [];
  const decoder = new TextDecoder();
  try {
    forEachZipEntry(bytes, display, (name, data) => out.push(validateText(decoder.decode(data), `${display}!${name}`)), (name, size) =>
      out.push(unreadable(`${display}!${name}`, 'input/too-large', `entry is ${size} bytes, over the ${MAX_RECORD_BYTES}-byte limit`)));
  } catch (err) {
    return [unreadable(display, 'input/unreadable', isAppError(err) ? err.message : String(err))];
  }
  return out;
}

/** What a file is by its first bytes (not its name). */
async function sniff(path: string): Promise<'snapshot' | 'zip' | 'other'> {
  const { open } = await import('node:fs/promises');
  const { isSnapshot } = await import('./snapshot.ts');
  try {
    const fh = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await fh.read(Buffer.alloc(64), 0, 64, 0);
      const b = buffer.subarray(0, bytesRead);
      if (isSnapshot(b)) return 'snapshot';
      if (b[0] === 0x50 && b[1] === 0x4b) return 'zip';
    } finally {
      await fh.close();
    }
  } catch {
    // unreadable: validateFile reports it
  }
  return 'other';
}

/**
 * A snapshot: its integrity (sha256, format version), then every record in the form
 * `db export --format osv` writes (registered id prefix and ecosystems), so a clean result
 * means the snapshot exports to valid OSV.
 */
async function validateSnapshotFile(path: string, display: string): Promise<FileResult[]> {
  const { loadSnapshot } = await import('./snapshot.ts');
  const { toExportOsv } = await import('./export.ts');
  let snap;
  try {
    snap = await loadSnapshot(path);
  } catch (err) {
    return [unreadable(display, 'snapshot/integrity', isAppError(err) ? err.message : String(err))];
  }
  const problems: Problem[] = [];
  let records = 0;
  for (const rec of snap.all()) {
    records++;
    problems.push(...validateOsv(toExportOsv(rec), `${display}!${rec.id}`));
  }
  return [withHints({ file: display, kind: 'snapshot', records, problems })];
}

/** Expands paths: files as given, directories walked recursively for *.json (hidden dirs and node_modules skipped). */
export async function expandPaths(paths: readonly string[]): Promise<{ path: string; missing?: true }[]> {
  const out: { path: string; missing?: true }[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 32) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => collate(a.name, b.name));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else if (e.isFile() && e.name.endsWith('.json')) out.push({ path: p });
    }
  };
  for (const p of paths) {
    const s = await stat(p).catch(() => undefined);
    if (!s) out.push({ path: p, missing: true });
    else if (s.isDirectory()) await walk(p, 0);
    else out.push({ path: p });
  }
  return out;
}

/** Numeric-aware file order (2.json before 10.json). */
function collate(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
