/**
 * Regex extraction from one JS/TS source file with oxc: regex literals, and `RegExp(...)` /
 * `new RegExp(...)` whose arguments fold to constants (string literals, templates without
 * substitutions, `+` concatenations, `const` bindings, and tables built at module scope: see
 * fold.ts). Dynamic patterns are counted, not reported.
 *
 * A file that does not parse is not an exception: the result carries `parseError` (the scan
 * turns it into a `parse-error` finding) and whatever the parser recovered is still searched.
 */
import { parseSync, rawTransferSupported, visitorKeys, type ParserOptions } from 'oxc-parser';
import type { RegexSite } from '../types.ts';
import { DEFAULT_FOLD_LIMITS, Interpreter, isRegExpCallee, type Env, type FoldLimits, type LazyBinding, type Node, UNKNOWN, type Value } from './fold.ts';

export const SOURCE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.mts', '.cts'] as const;

export interface ExtractedSite {
  line: number;
  column: number;
  pattern: string;
  flags: string;
  origin: RegexSite['origin'];
  /** `// nodesec-ignore-regex: <reason>` on the line or the line before. */
  suppressed?: { reason: string; line: number };
}

export interface ExtractResult {
  sites: ExtractedSite[];
  /** The first syntax error, when the file does not parse cleanly. */
  parseError?: { message: string; line: number; column: number };
  /** Suppression comments without a reason (they suppress nothing). */
  badSuppressions: { line: number; column: number }[];
  /** `RegExp(...)` calls whose pattern is not a constant. */
  dynamic: number;
  /** The fold budget ran out: table-built patterns may be missing. */
  foldExhausted: boolean;
}

/**
 * `nodesec-ignore-regex: <reason>` in a comment's text: the reason, '' when it has none, or
 * undefined when the comment is something else. No regex backtracking over the comment text
 * (comments in installed packages are untrusted input; an earlier regex here was cubic).
 */
export function suppressionReason(comment: string): string | undefined {
  const m = /^[\s*]*nodesec-ignore-regex(?![\w-])/.exec(comment);
  if (!m) return undefined;
  const rest = comment.slice(m[0].length).trim();
  if (rest === '') return '';
  return rest.startsWith(':') ? rest.slice(1).trim() : undefined;
}

/** Line starts of a text, for offset → line/column (1-based, UTF-16 columns). */
export function lineIndex(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

function parserAttempts(filename: string): ParserOptions[] {
  const ext = filename.slice(filename.lastIndexOf('.')).toLowerCase();
  const base = { preserveParens: false } as const;
  switch (ext) {
    case '.ts':
    case '.mts':
    case '.cts':
      return [{ ...base, lang: 'ts', sourceType: ext === '.cts' ? 'commonjs' : ext === '.mts' ? 'module' : 'unambiguous' }, { ...base, lang: 'tsx', sourceType: 'unambiguous' }];
    case '.tsx':
      return [{ ...base, lang: 'tsx', sourceType: 'unambiguous' }];
    case '.jsx':
      return [{ ...base, lang: 'jsx', sourceType: 'unambiguous' }];
    case '.mjs':
      return [{ ...base, lang: 'js', sourceType: 'module' }, { ...base, lang: 'jsx', sourceType: 'module' }];
    case '.cjs':
      return [{ ...base, lang: 'js', sourceType: 'commonjs' }];
    default:
      // .js: plain JS first, then CommonJS (top-level return), then JSX (React code in .js).
      return [
        { ...base, lang: 'js', sourceType: 'unambiguous' },
        { ...base, lang: 'js', sourceType: 'commonjs' },
        { ...base, lang: 'jsx', sourceType: 'unambiguous' },
      ];
  }
}

type Parsed = ReturnType<typeof parseSync>;

/**
 * oxc's raw transfer hands the AST over through shared memory instead of JSON: about twice as
 * fast on large files. Used when the platform supports it, with the JSON path as the fallback.
 */
let raw = rawTransferSupported();

function parseOnce(filename: string, source: string, opts: ParserOptions): Parsed {
  if (raw) {
    try {
      return parseSync(filename, source, { ...opts, experimentalRawTransfer: true } as ParserOptions);
    } catch {
      raw = false;
    }
  }
  return parseSync(filename, source, opts);
}

function parse(filename: string, source: string): { result: Parsed; errors: Parsed['errors'] } {
  let best: { result: Parsed; errors: Parsed['errors'] } | undefined;
  for (const opts of parserAttempts(filename)) {
    const result = parseOnce(filename, source, opts);
    const errors = result.errors.filter((e) => e.severity === 'Error');
    if (errors.length === 0) return { result, errors };
    if (!best || (best.result.program.body.length === 0 && result.program.body.length > 0)) best = { result, errors };
  }
  return best!;
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const KEYS = visitorKeys as Record<string, readonly string[]>;

/** Identifier names bound by a pattern (`a`, `[a, b]`, `{ a: { b } }`, `...rest`, `a = 1`). */
function patternNames(p: Node | null | undefined, out: string[] = []): string[] {
  if (!p) return out;
  switch (p.type) {
    case 'Identifier':
      out.push(p.name as string);
      break;
    case 'ArrayPattern':
      for (const e of p.elements as (Node | null)[]) patternNames(e, out);
      break;
    case 'ObjectPattern':
      for (const q of p.properties as Node[]) patternNames((q.type === 'RestElement' ? q.argument : q.value) as Node, out);
      break;
    case 'AssignmentPattern':
      patternNames(p.left as Node, out);
      break;
    case 'RestElement':
      patternNames(p.argument as Node, out);
      break;
    case 'TSParameterProperty':
      patternNames(p.parameter as Node, out);
      break;
  }
  return out;
}

/** A scope for static folding: its declarations resolve lazily, on first use. */
function blockScope(stmts: Node[], parent: Env): Env {
  const env: Env = { vars: new Map(), parent, lazy: new Map<string, LazyBinding>() };
  for (const s0 of stmts) {
    const s = (s0.type === 'ExportNamedDeclaration' || s0.type === 'ExportDefaultDeclaration') && s0.declaration ? (s0.declaration as Node) : s0;
    if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations as Node[]) {
        const id = d.id as Node;
        if (id.type === 'Identifier') env.lazy!.set(id.name as string, { init: (d.init as Node | null) ?? null, kind: s.kind as string });
        else for (const n of patternNames(id)) env.vars.set(n, UNKNOWN);
      }
    } else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) {
      env.vars.set((s.id as Node).name as string, UNKNOWN);
    }
  }
  return env;
}

/** Reads the module a relative specifier names (for constants imported from sibling files). */
export type ModuleReader = (spec: string, fromFile: string) => { source: string; filename: string } | undefined;

export interface ExtractOptions {
  fold?: Partial<FoldLimits>;
  /** Enables folding through relative `require`/`import` (semver 7's `./constants`). */
  readModule?: ModuleReader;
}

/** Bounds on following relative imports from one file. */
const MODULE_DEPTH = 3;
const MODULES_PER_FILE = 16;

/**
 * A loader of module exports for the interpreter: runs the required file's top level in its
 * own interpreter (its RegExp calls are not sites of the requiring file) and returns its
 * exports. Cached per file, cycles and depth bounded.
 */
function moduleLoader(readModule: ModuleReader, fromFile: string, limits: FoldLimits, shared: { cache: Map<string, Value>; loaded: number }, depth: number): (spec: string) => Value {
  return (spec) => {
    if (depth >= MODULE_DEPTH || shared.loaded >= MODULES_PER_FILE) return UNKNOWN;
    const m = readModule(spec, fromFile);
    if (!m) return UNKNOWN;
    const hit = shared.cache.get(m.filename);
    if (hit !== undefined) return hit;
    shared.cache.set(m.filename, UNKNOWN); // cycle guard
    shared.loaded++;
    let exportsValue: Value = UNKNOWN;
    try {
      if (m.filename.endsWith('.json')) exportsValue = fromJson(JSON.parse(m.source) as unknown);
      else {
        const { result } = parse(m.filename, m.source);
        const program = result.program as unknown as Node;
        const sub = new Interpreter(() => {}, { ...limits, steps: Math.min(limits.steps, 100_000) }, moduleLoader(readModule, m.filename, limits, shared, depth + 1));
        const exportsObj: Value = { k: 'obj', props: new Map() };
        sub.module.vars.set('module', { k: 'obj', props: new Map([['exports', exportsObj]]) });
        sub.module.vars.set('exports', exportsObj);
        sub.runProgram(program);
        exportsValue = sub.exportsOf(program);
      }
    } catch {
      exportsValue = UNKNOWN;
    }
    shared.cache.set(m.filename, exportsValue);
    return exportsValue;
  };
}

function fromJson(v: unknown, depth = 0): Value {
  if (depth > 20) return UNKNOWN;
  if (typeof v === 'string') return { k: 'str', s: v, at: -1 };
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) return { k: 'arr', items: v.map((x) => fromJson(x, depth + 1)) };
  if (typeof v === 'object') return { k: 'obj', props: new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJson(x, depth + 1)])) };
  return UNKNOWN;
}

export function extractFromSource(source: string, filename: string, opts: ExtractOptions = {}): ExtractResult {
  const { result, errors } = parse(filename, source);
  const pos = lineIndex(source);
  const out: ExtractResult = { sites: [], badSuppressions: [], dynamic: 0, foldExhausted: false };
  if (errors.length > 0) {
    const e = errors[0]!;
    const at = e.labels[0]?.start ?? 0;
    out.parseError = { message: e.message, ...pos(at) };
  }

  // Suppression comments, by the line they end on.
  // A comment on its own line covers the next line; a trailing comment only its own line.
  const suppressions = new Map<number, { reason: string; ownLine: boolean }>();
  for (const c of result.comments) {
    const reason = suppressionReason(c.value);
    if (reason === undefined) continue;
    const end = pos(c.end).line;
    const lineStart = source.lastIndexOf('\n', c.start - 1) + 1;
    const ownLine = source.slice(lineStart, c.start).trim() === '';
    if (reason) suppressions.set(end, { reason, ownLine });
    else out.badSuppressions.push(pos(c.start));
  }

  const seen = new Set<string>();
  const add = (offset: number, pattern: string, flags: string, origin: RegexSite['origin']) => {
    const lc = pos(offset);
    const key = `${lc.line}:${lc.column}:${flags}:${pattern}`;
    if (seen.has(key)) return;
    seen.add(key);
    const site: ExtractedSite = { ...lc, pattern, flags, origin };
    const same = suppressions.get(lc.line);
    const before = suppressions.get(lc.line - 1);
    if (same) site.suppressed = { reason: same.reason, line: lc.line };
    else if (before?.ownLine) site.suppressed = { reason: before.reason, line: lc.line - 1 };
    out.sites.push(site);
  };

  const program = result.program as unknown as Node;
  const limits = { ...DEFAULT_FOLD_LIMITS, ...opts.fold };
  const interp = new Interpreter(
    (e) => add(e.at, e.pattern, e.flags, e.table ? 'table' : e.node.type === 'NewExpression' ? 'new RegExp()' : 'RegExp()'),
    limits,
    opts.readModule && moduleLoader(opts.readModule, filename, limits, { cache: new Map(), loaded: 0 }, 0),
  );

  // Pass 1 (syntactic, iterative: deep nesting cannot overflow the stack): regex literals,
  // RegExp calls with their lexical scope, and names assigned anywhere.
  const reassigned = new Set<string>();
  const pending: { node: Node; env: Env }[] = [];
  const root: Env = { vars: interp.module.vars, parent: undefined, hide: reassigned };
  const literals: Node[] = [];
  const stack: { node: Node; env: Env }[] = [{ node: program, env: root }];
  while (stack.length > 0) {
    const { node, env: parentEnv } = stack.pop()!;
    let env = parentEnv;
    switch (node.type) {
      case 'Literal':
        if (node.regex) literals.push(node);
        continue;
      case 'NewExpression':
      case 'CallExpression':
        if (isRegExpCallee(node.callee as Node)) pending.push({ node, env });
        break;
      case 'AssignmentExpression':
      case 'UpdateExpression': {
        const t = (node.type === 'UpdateExpression' ? node.argument : node.left) as Node;
        for (const n of patternNames(t)) reassigned.add(n);
        break;
      }
      case 'BlockStatement':
      case 'StaticBlock':
        if (node.type === 'StaticBlock' || node !== (parentEnv as Env & { fnBody?: Node }).fnBody) env = blockScope(node.body as Node[], parentEnv);
        break;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const decl = (node.type === 'ForStatement' ? node.init : node.left) as Node | null;
        if (decl?.type === 'VariableDeclaration') {
          env = { vars: new Map(), parent: parentEnv };
          for (const d of decl.declarations as Node[]) for (const n of patternNames(d.id as Node)) env.vars.set(n, UNKNOWN);
        }
        break;
      }
      case 'CatchClause':
        env = { vars: new Map(patternNames(node.param as Node | null).map((n) => [n, UNKNOWN])), parent: parentEnv };
        break;
      default:
        if (FUNCTION_TYPES.has(node.type)) {
          const body = node.body as Node | null;
          const fnEnv: Env & { fnBody?: Node } = body && (body.type === 'BlockStatement' || body.type === 'FunctionBody')
            ? blockScope(body.body as Node[], parentEnv)
            : { vars: new Map(), parent: parentEnv };
          for (const p of node.params as Node[]) for (const n of patternNames(p)) fnEnv.vars.set(n, UNKNOWN);
          if (node.type === 'FunctionExpression' && node.id) fnEnv.vars.set((node.id as Node).name as string, UNKNOWN);
          fnEnv.vars.set('arguments', UNKNOWN);
          if (body) fnEnv.fnBody = body;
          env = fnEnv;
        }
    }
    const keys = KEYS[node.type] ?? Object.keys(node).filter((k) => k !== 'type' && k !== 'start' && k !== 'end');
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = node[keys[i]!];
      if (Array.isArray(child)) {
        for (let j = child.length - 1; j >= 0; j--) {
          const c = child[j] as Node | null;
          if (c && typeof c.type === 'string') stack.push({ node: c, env });
        }
      } else if (child && typeof child === 'object' && typeof (child as Node).type === 'string') stack.push({ node: child as Node, env });
    }
  }
  interp.reassigned = reassigned;

  for (const lit of literals) {
    const r = lit.regex as { pattern: string; flags: string };
    add(lit.start, r.pattern, r.flags, 'literal');
  }

  // Pass 2: run the module's top level (tables, local helper calls, loops).
  interp.runProgram(program);
  out.foldExhausted = interp.exhausted;

  // Pass 3: RegExp calls the top level never reached, folded in their lexical scope.
  for (const { node, env } of pending) {
    if (interp.executed.has(node)) continue;
    const rs = interp.foldStatic(node, env);
    for (const r of rs) add(node.start, r.pattern, r.flags, node.type === 'NewExpression' ? 'new RegExp()' : 'RegExp()');
    if (rs.length === 0) out.dynamic++;
  }
  out.sites.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
}
