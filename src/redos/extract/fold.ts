/**
 * Constant folding for regex extraction: a small, bounded abstract interpreter over the ESTree
 * produced by oxc. It runs a module's top-level statements in order (declarations, assignments,
 * `R++`, calls to local functions, `for` loops over known bounds, member writes into local
 * arrays and objects) so that patterns assembled in tables, the way semver builds `src[]`
 * (`createToken('X', \`...${src[t.Y]}...\`)`, `src[NAME] = '(' + src[A] + ')'`), fold to
 * constants. Whatever cannot be known is `UNKNOWN`; it never guesses.
 *
 * Every `RegExp(...)` / `new RegExp(...)` it executes with constant arguments is reported
 * through `onRegExp`. Function bodies that the module never calls are not run here: the
 * extractor folds their `RegExp` arguments statically with `staticEval` (const bindings of
 * the enclosing scopes, then the module's final state).
 *
 * Bounded: a step budget per file, a call depth cap, a loop iteration cap, a string length cap.
 */

// ---------------------------------------------------------------- values

export const UNKNOWN: unique symbol = Symbol('unknown');
export const UNDEF: unique symbol = Symbol('undefined');

/** A string with the offset of the expression that produced it (for site locations). */
export interface Str { k: 'str'; s: string; at: number }
export interface Arr { k: 'arr'; items: Value[] }
export interface Obj { k: 'obj'; props: Map<string, Value> }
export interface Fn { k: 'fn'; node: Node; env: Env }
export interface Re { k: 're'; pattern: string; flags: string }
export type Value = Str | Arr | Obj | Fn | Re | number | boolean | null | typeof UNDEF | typeof UNKNOWN;

/** An ESTree node as oxc gives it (loosely typed: the walker reads fields by name). */
export interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/** A declaration folded on first use: `init` evaluated in its own scope. */
export interface LazyBinding { init: Node | null; kind: string }

export interface Env {
  vars: Map<string, Value>;
  parent: Env | undefined;
  /** Declarations of a scope the interpreter did not run (static folding), resolved on use. */
  lazy?: Map<string, LazyBinding>;
  /** Names that must not resolve here (module bindings reassigned inside functions). */
  hide?: ReadonlySet<string>;
}

export interface FoldLimits {
  /** Evaluation steps per file. */
  steps: number;
  /** Interpreted call depth. */
  depth: number;
  /** Iterations per loop. */
  loop: number;
  /** Longest folded string. */
  maxString: number;
}

export const DEFAULT_FOLD_LIMITS: FoldLimits = { steps: 400_000, depth: 12, loop: 5_000, maxString: 100_000 };

export interface RegExpEvent {
  /** The RegExp call node. */
  node: Node;
  pattern: string;
  flags: string;
  /** Offset to report the site at. */
  at: number;
  /** True when reached through an interpreted call or a loop (a table-built pattern). */
  table: boolean;
}

class BudgetExceeded extends Error {}

const str = (s: string, at: number): Str => ({ k: 'str', s, at });
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && typeof (x as Node).type === 'string';

/** Unwraps TS-only wrappers and parentheses, which do not change a value. */
const WRAPPERS = new Set(['ParenthesizedExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'TSInstantiationExpression']);

export function unwrap(n: Node): Node {
  let cur = n;
  while (WRAPPERS.has(cur.type)) cur = cur.expression as Node;
  return cur;
}

/** `RegExp` / `new RegExp` (also `globalThis.RegExp`, `window.RegExp`). */
export function isRegExpCallee(callee: Node): boolean {
  const c = unwrap(callee);
  if (c.type === 'Identifier') return c.name === 'RegExp';
  if (c.type === 'MemberExpression' && !c.computed) {
    const o = unwrap(c.object as Node);
    const p = c.property as Node;
    return p.type === 'Identifier' && p.name === 'RegExp' && o.type === 'Identifier' && ['globalThis', 'window', 'global', 'self'].includes(o.name as string);
  }
  return false;
}

/** Converts a value to the string `String(v)` would give, or undefined when not constant. */
export function toStr(v: Value): string | undefined {
  if (v === UNKNOWN) return undefined;
  if (v === UNDEF) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  switch (v.k) {
    case 'str':
      return v.s;
    case 're':
      return `/${v.pattern}/${v.flags}`;
    case 'arr':
      return joinItems(v.items, ',');
    default:
      return undefined;
  }
}

/** `Array.prototype.join`: holes, null and undefined become ''; undefined if an item is not constant. */
function joinItems(items: readonly Value[], sep: string): string | undefined {
  const parts: string[] = [];
  for (const it of items) {
    if (it === UNDEF || it === null) parts.push('');
    else {
      const s = toStr(it);
      if (s === undefined) return undefined;
      parts.push(s);
    }
  }
  return parts.join(sep);
}

function truthy(v: Value): boolean | undefined {
  if (v === UNKNOWN) return undefined;
  if (v === UNDEF || v === null) return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'boolean') return v;
  if (v.k === 'str') return v.s.length > 0;
  return true;
}

function propKey(v: Value): string | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null && v.k === 'str') return v.s;
  if (typeof v === 'boolean' || v === null || v === UNDEF) return toStr(v);
  return undefined;
}

class Return {
  constructor(v: Value) {
    this.value = v;
  }
  value: Value;
}
const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');
type Completion = undefined | Return | typeof BREAK | typeof CONTINUE;

// ---------------------------------------------------------------- interpreter

export class Interpreter {
  private steps = 0;
  private depth = 0;
  private loops = 0;
  /** Offset of the outermost interpreted call in module code (site location for tables). */
  private callSite = -1;
  readonly limits: FoldLimits;
  readonly module: Env = { vars: new Map(), parent: undefined };
  /** RegExp call nodes the interpreter evaluated (with or without constant arguments). */
  readonly executed = new Set<Node>();
  exhausted = false;
  private readonly onRegExp: (e: RegExpEvent) => void;

  /** Exports of a relative `require('./x')` / `import ... from './x'` (UNKNOWN when not loadable). */
  requireModule: ((spec: string) => Value) | undefined;

  constructor(onRegExp: (e: RegExpEvent) => void, limits: FoldLimits = DEFAULT_FOLD_LIMITS, requireModule?: (spec: string) => Value) {
    this.onRegExp = onRegExp;
    this.limits = limits;
    this.requireModule = requireModule;
  }

  /**
   * The module's exports after runProgram: `module.exports` for CommonJS (when the caller
   * pre-bound `module`), else an object of the ES exports.
   */
  exportsOf(program: Node): Value {
    const esm = new Map<string, Value>();
    for (const s of program.body as Node[]) {
      if (s.type === 'ExportNamedDeclaration') {
        const d = s.declaration as Node | null;
        if (d?.type === 'VariableDeclaration') {
          for (const decl of d.declarations as Node[]) {
            const id = decl.id as Node;
            if (id.type === 'Identifier') esm.set(id.name as string, this.lookup(id.name as string, this.module));
          }
        }
        if (!s.source) {
          for (const sp of (s.specifiers as Node[] | undefined) ?? []) {
            const local = keyName(sp.local as Node);
            const exported = keyName(sp.exported as Node);
            if (local && exported) esm.set(exported, this.lookup(local, this.module));
          }
        }
      } else if (s.type === 'ExportDefaultDeclaration' && this.module.vars.has('*default*')) {
        esm.set('default', this.module.vars.get('*default*')!);
      }
    }
    if (esm.size > 0) return { k: 'obj', props: esm };
    const mod = this.module.vars.get('module');
    return typeof mod === 'object' && mod !== null && mod.k === 'obj' ? mod.props.get('exports') ?? UNKNOWN : UNKNOWN;
  }

  /** Runs the program's top-level statements. Never throws on budget: it stops early. */
  runProgram(program: Node): void {
    try {
      this.execBlock(program.body as Node[], this.module);
    } catch (err) {
      if (err instanceof BudgetExceeded) this.exhausted = true;
      else if (!(err instanceof RangeError)) throw err; // RangeError: pathological nesting
      else this.exhausted = true;
    }
  }

  private tick(): void {
    if (++this.steps > this.limits.steps) throw new BudgetExceeded();
  }

  /** Names assigned anywhere in the file: their `let`/`var` initialisers are not trusted statically. */
  reassigned: ReadonlySet<string> = new Set();

  lookup(name: string, env: Env): Value {
    for (let e: Env | undefined = env; e; e = e.parent) {
      if (e.hide?.has(name)) return UNKNOWN;
      const lazy = e.lazy?.get(name);
      if (lazy) {
        e.lazy!.delete(name);
        e.vars.set(name, UNKNOWN); // cycle guard
        const v = !lazy.init || (lazy.kind !== 'const' && this.reassigned.has(name)) ? UNKNOWN : this.eval(lazy.init, e, true);
        e.vars.set(name, v);
        return v;
      }
      const v = e.vars.get(name);
      if (v !== undefined) return v;
      if (e.vars.has(name)) return UNDEF;
    }
    if (name === 'undefined') return UNDEF;
    if (name === 'NaN') return NaN;
    if (name === 'Infinity') return Infinity;
    return UNKNOWN;
  }

  private assignName(name: string, v: Value, env: Env): void {
    for (let e: Env | undefined = env; e; e = e.parent) {
      if (e.vars.has(name)) {
        e.vars.set(name, v);
        return;
      }
    }
    this.module.vars.set(name, v); // implicit global
  }

  // -------------------------------------------------------------- statements

  private hoist(stmts: Node[], env: Env): void {
    for (const s0 of stmts) {
      const s = s0.type === 'ExportNamedDeclaration' || s0.type === 'ExportDefaultDeclaration' ? (s0.declaration as Node | null) ?? s0 : s0;
      if (s.type === 'FunctionDeclaration' && s.id) env.vars.set((s.id as Node).name as string, { k: 'fn', node: s, env });
      else if (s.type === 'VariableDeclaration' && s.kind === 'var') {
        for (const d of s.declarations as Node[]) {
          const id = d.id as Node;
          if (id.type === 'Identifier' && !env.vars.has(id.name as string)) env.vars.set(id.name as string, UNDEF);
        }
      }
    }
  }

  private execBlock(stmts: Node[], env: Env): Completion {
    this.hoist(stmts, env);
    for (const s of stmts) {
      const c = this.exec(s, env);
      if (c !== undefined) return c;
    }
    return undefined;
  }

  private exec(s: Node, env: Env): Completion {
    this.tick();
    switch (s.type) {
      case 'ExpressionStatement':
        this.eval(s.expression as Node, env, false);
        return undefined;
      case 'VariableDeclaration':
        for (const d of s.declarations as Node[]) {
          const v = d.init ? this.eval(d.init as Node, env, false) : UNDEF;
          this.bindPattern(d.id as Node, v, env, s.kind === 'var' ? 'var' : 'lexical');
        }
        return undefined;
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration': {
        const d = s.declaration as Node | null;
        if (d && d.type !== 'FunctionDeclaration') {
          if (d.type === 'VariableDeclaration' || d.type.endsWith('Statement')) return this.exec(d, env);
          const v = this.eval(d, env, false);
          if (s.type === 'ExportDefaultDeclaration') env.vars.set('*default*', v);
        }
        return undefined;
      }
      case 'ImportDeclaration': {
        const src = (s.source as Node).value;
        if (typeof src !== 'string' || s.importKind === 'type') return undefined;
        const mod = this.requireModule && /^\.\.?\//.test(src) ? this.requireModule(src) : UNKNOWN;
        for (const sp of (s.specifiers as Node[]) ?? []) {
          const local = (sp.local as Node).name as string;
          let v: Value = UNKNOWN;
          if (sp.type === 'ImportNamespaceSpecifier') v = mod;
          else {
            const name = sp.type === 'ImportDefaultSpecifier' ? 'default' : keyName(sp.imported as Node);
            if (name !== undefined && typeof mod === 'object' && mod !== null && mod.k === 'obj') v = mod.props.get(name) ?? UNKNOWN;
          }
          env.vars.set(local, v);
        }
        return undefined;
      }
      case 'BlockStatement':
        return this.execBlock(s.body as Node[], { vars: new Map(), parent: env });
      case 'IfStatement': {
        const t = truthy(this.eval(s.test as Node, env, false));
        if (t === true) return this.exec(s.consequent as Node, env);
        if (t === false && s.alternate) return this.exec(s.alternate as Node, env);
        return undefined;
      }
      case 'ReturnStatement':
        return new Return(s.argument ? this.eval(s.argument as Node, env, false) : UNDEF);
      case 'BreakStatement':
        return s.label ? new Return(UNKNOWN) : BREAK;
      case 'ContinueStatement':
        return s.label ? new Return(UNKNOWN) : CONTINUE;
      case 'ForStatement':
        return this.execFor(s, env);
      case 'ForOfStatement':
        return this.execForOf(s, env);
      default:
        // Anything else (while, try, switch, classes...) is not run; the extractor still
        // folds the RegExp calls inside statically.
        return undefined;
    }
  }

  private loop<T>(body: () => T): T {
    this.loops++;
    try {
      return body();
    } finally {
      this.loops--;
    }
  }

  private execFor(s: Node, outer: Env): Completion {
    const env: Env = { vars: new Map(), parent: outer };
    const init = s.init as Node | null;
    if (init) {
      if (init.type === 'VariableDeclaration') this.exec(init, env);
      else this.eval(init, env, false);
    }
    return this.loop(() => {
      for (let i = 0; i < this.limits.loop; i++) {
        if (s.test) {
          const t = truthy(this.eval(s.test as Node, env, false));
          if (t !== true) return undefined;
        }
        const c = this.exec(s.body as Node, { vars: new Map(), parent: env });
        if (c === BREAK) return undefined;
        if (c instanceof Return) return c;
        if (s.update) this.eval(s.update as Node, env, false);
        else if (!s.test) return undefined;
      }
      return undefined;
    });
  }

  private execForOf(s: Node, outer: Env): Completion {
    const it = this.eval(s.right as Node, outer, false);
    if (typeof it !== 'object' || it === null || it.k !== 'arr') return undefined;
    const left = s.left as Node;
    const target = left.type === 'VariableDeclaration' ? ((left.declarations as Node[])[0]?.id as Node) : left;
    if (!target) return undefined;
    return this.loop(() => {
      for (const item of it.items.slice(0, this.limits.loop)) {
        const env: Env = { vars: new Map(), parent: outer };
        if (left.type === 'VariableDeclaration') this.bindPattern(target, item, env, 'lexical');
        else if (target.type === 'Identifier') this.assignName(target.name as string, item, env);
        const c = this.exec(s.body as Node, env);
        if (c === BREAK) return undefined;
        if (c instanceof Return) return c;
      }
      return undefined;
    });
  }

  private bindPattern(id: Node, v: Value, env: Env, kind: 'var' | 'lexical'): void {
    const set = (name: string, val: Value) => {
      if (kind === 'var') this.assignName(name, val, env);
      else env.vars.set(name, val);
    };
    switch (id.type) {
      case 'Identifier':
        set(id.name as string, v);
        return;
      case 'ArrayPattern': {
        const els = id.elements as (Node | null)[];
        els.forEach((el, i) => {
          if (!el) return;
          const item = typeof v === 'object' && v !== null && v.k === 'arr' ? v.items[i] ?? UNDEF : UNKNOWN;
          this.bindPattern(el, item, env, kind);
        });
        return;
      }
      case 'ObjectPattern':
        for (const p of id.properties as Node[]) {
          if (p.type !== 'Property') {
            if (p.type === 'RestElement') this.bindPattern(p.argument as Node, UNKNOWN, env, kind);
            continue;
          }
          const key = p.computed ? undefined : keyName(p.key as Node);
          const item = key !== undefined && typeof v === 'object' && v !== null && v.k === 'obj' ? v.props.get(key) ?? UNDEF : UNKNOWN;
          this.bindPattern(p.value as Node, item, env, kind);
        }
        return;
      case 'AssignmentPattern':
        this.bindPattern(id.left as Node, v === UNDEF ? this.eval(id.right as Node, env, false) : v, env, kind);
        return;
      case 'RestElement':
        this.bindPattern(id.argument as Node, UNKNOWN, env, kind);
        return;
      default:
        return;
    }
  }

  // -------------------------------------------------------------- expressions

  /**
   * Evaluates `n`. `pure` forbids writes (static folding of code that never runs here):
   * assignments and calls then only evaluate to UNKNOWN.
   */
  eval(n0: Node, env: Env, pure: boolean): Value {
    this.tick();
    const n = unwrap(n0);
    switch (n.type) {
      case 'Literal': {
        if (n.regex) {
          const r = n.regex as { pattern: string; flags: string };
          return { k: 're', pattern: r.pattern, flags: r.flags };
        }
        const v = n.value;
        if (typeof v === 'string') return str(v, n.start);
        if (typeof v === 'number' || typeof v === 'boolean') return v;
        if (v === null && n.raw === 'null') return null;
        return UNKNOWN; // bigint
      }
      case 'TemplateLiteral':
        return this.evalTemplate(n, env, pure);
      case 'TaggedTemplateExpression': {
        const tag = unwrap(n.tag as Node);
        const quasi = n.quasi as Node;
        if (tag.type === 'MemberExpression' && !tag.computed && unwrap(tag.object as Node).type === 'Identifier' && (unwrap(tag.object as Node).name === 'String') && (tag.property as Node).name === 'raw') {
          return this.evalTemplate(quasi, env, pure, true);
        }
        return UNKNOWN;
      }
      case 'Identifier':
        return this.lookup(n.name as string, env);
      case 'ChainExpression':
        return this.eval(n.expression as Node, env, pure);
      case 'BinaryExpression':
        return this.binary(n.operator as string, this.eval(n.left as Node, env, pure), this.eval(n.right as Node, env, pure), n.start);
      case 'LogicalExpression': {
        const l = this.eval(n.left as Node, env, pure);
        const t = truthy(l);
        if (n.operator === '??') {
          if (l === UNKNOWN) return UNKNOWN;
          return l === null || l === UNDEF ? this.eval(n.right as Node, env, pure) : l;
        }
        if (t === undefined) return UNKNOWN;
        if (n.operator === '&&') return t ? this.eval(n.right as Node, env, pure) : l;
        return t ? l : this.eval(n.right as Node, env, pure);
      }
      case 'ConditionalExpression': {
        const t = truthy(this.eval(n.test as Node, env, pure));
        if (t === undefined) return UNKNOWN;
        return this.eval((t ? n.consequent : n.alternate) as Node, env, pure);
      }
      case 'UnaryExpression': {
        const a = this.eval(n.argument as Node, env, pure);
        switch (n.operator) {
          case '!': {
            const t = truthy(a);
            return t === undefined ? UNKNOWN : !t;
          }
          case '-':
            return typeof a === 'number' ? -a : UNKNOWN;
          case '+':
            return typeof a === 'number' ? a : UNKNOWN;
          case 'void':
            return UNDEF;
          default:
            return UNKNOWN;
        }
      }
      case 'SequenceExpression': {
        let v: Value = UNDEF;
        for (const e of n.expressions as Node[]) v = this.eval(e, env, pure);
        return v;
      }
      case 'ArrayExpression': {
        const items: Value[] = [];
        for (const e of n.elements as (Node | null)[]) {
          if (!e) items.push(UNDEF);
          else if (e.type === 'SpreadElement') {
            const s = this.eval(e.argument as Node, env, pure);
            if (typeof s === 'object' && s !== null && s.k === 'arr') items.push(...s.items);
            else return UNKNOWN;
          } else items.push(this.eval(e, env, pure));
        }
        return { k: 'arr', items };
      }
      case 'ObjectExpression': {
        const props = new Map<string, Value>();
        for (const p of n.properties as Node[]) {
          if (p.type !== 'Property') return { k: 'obj', props: new Map() }; // spread: shape unknown
          const key = p.computed ? propKey(this.eval(p.key as Node, env, pure)) : keyName(p.key as Node);
          if (key === undefined) continue;
          props.set(key, p.kind === 'init' ? this.eval(p.value as Node, env, pure) : UNKNOWN);
        }
        return { k: 'obj', props };
      }
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return { k: 'fn', node: n, env };
      case 'MemberExpression':
        return this.member(n, env, pure);
      case 'AssignmentExpression':
        return pure ? UNKNOWN : this.assign(n, env);
      case 'UpdateExpression':
        return pure ? UNKNOWN : this.update(n, env);
      case 'NewExpression':
      case 'CallExpression':
        return this.call(n, env, pure);
      default:
        return UNKNOWN;
    }
  }

  private evalTemplate(n: Node, env: Env, pure: boolean, raw = false): Value {
    const quasis = n.quasis as Node[];
    const exprs = n.expressions as Node[];
    let out = '';
    for (let i = 0; i < quasis.length; i++) {
      const q = quasis[i]!.value as { raw: string; cooked: string | null };
      const piece = raw ? q.raw : q.cooked;
      if (piece === null) return UNKNOWN;
      out += piece;
      if (i < exprs.length) {
        const s = toStr(this.eval(exprs[i]!, env, pure));
        if (s === undefined) return UNKNOWN;
        out += s;
      }
      if (out.length > this.limits.maxString) return UNKNOWN;
    }
    return str(out, n.start);
  }

  private binary(op: string, l: Value, r: Value, at: number): Value {
    if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
    if (op === '+') {
      if (typeof l === 'number' && typeof r === 'number') return l + r;
      const isStrish = (v: Value) => typeof v === 'object' && v !== null && (v.k === 'str' || v.k === 'arr' || v.k === 're');
      if (isStrish(l) || isStrish(r)) {
        const a = toStr(l);
        const b = toStr(r);
        if (a === undefined || b === undefined || a.length + b.length > this.limits.maxString) return UNKNOWN;
        return str(a + b, at);
      }
      return UNKNOWN;
    }
    const prim = (v: Value): string | number | boolean | null | undefined =>
      v === UNDEF ? undefined : typeof v === 'object' && v !== null ? (v.k === 'str' ? v.s : NaN) : v === UNKNOWN ? NaN : v;
    if (typeof l === 'object' && l !== null && l.k !== 'str') {
      if (op === '===' || op === '!==') return op === '===' ? l === r : l !== r;
      return UNKNOWN;
    }
    const a = prim(l);
    const b = prim(r);
    switch (op) {
      case '===': return a === b;
      case '!==': return a !== b;
      // eslint-disable-next-line eqeqeq
      case '==': return a == b;
      // eslint-disable-next-line eqeqeq
      case '!=': return a != b;
    }
    if (typeof a !== 'number' || typeof b !== 'number') return UNKNOWN;
    switch (op) {
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      case '>=': return a >= b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return a / b;
      case '%': return a % b;
      case '|': return a | b;
      case '&': return a & b;
      case '<<': return a << b;
      case '>>': return a >> b;
      default: return UNKNOWN;
    }
  }

  private memberKey(n: Node, env: Env, pure: boolean): string | undefined {
    if (!n.computed) return keyName(n.property as Node);
    return propKey(this.eval(n.property as Node, env, pure));
  }

  private member(n: Node, env: Env, pure: boolean): Value {
    const o = this.eval(n.object as Node, env, pure);
    const key = this.memberKey(n, env, pure);
    if (o === UNKNOWN || key === undefined) return UNKNOWN;
    return getProp(o, key);
  }

  private assign(n: Node, env: Env): Value {
    const op = n.operator as string;
    const left = unwrap(n.left as Node);
    let v = this.eval(n.right as Node, env, false);
    if (op !== '=') {
      if (op !== '+=' && op !== '-=' && op !== '||=' && op !== '??=') return this.write(left, UNKNOWN, env);
      const cur = this.eval(left, env, false);
      if (op === '+=') v = this.binary('+', cur, v, n.start);
      else if (op === '-=') v = this.binary('-', cur, v, n.start);
      else if (op === '||=') v = truthy(cur) === true ? cur : truthy(cur) === false ? v : UNKNOWN;
      else v = cur === UNKNOWN ? UNKNOWN : cur === null || cur === UNDEF ? v : cur;
    }
    return this.write(left, v, env);
  }

  private write(left: Node, v: Value, env: Env): Value {
    if (left.type === 'Identifier') this.assignName(left.name as string, v, env);
    else if (left.type === 'MemberExpression') {
      const o = this.eval(left.object as Node, env, false);
      const key = this.memberKey(left, env, false);
      if (typeof o === 'object' && o !== null) {
        if (key === undefined) {
          // Unknown key: the container's contents can no longer be trusted.
          if (o.k === 'arr') o.items = o.items.map(() => UNKNOWN);
          else if (o.k === 'obj') for (const k of o.props.keys()) o.props.set(k, UNKNOWN);
        } else if (o.k === 'arr') {
          const i = Number(key);
          if (Number.isInteger(i) && i >= 0 && i < 100_000) {
            while (o.items.length < i) o.items.push(UNDEF);
            o.items[i] = v;
          }
        } else if (o.k === 'obj') o.props.set(key, v);
      }
    } else if (left.type === 'ArrayPattern' || left.type === 'ObjectPattern') {
      this.bindPattern(left, v, env, 'var');
    }
    return v;
  }

  private update(n: Node, env: Env): Value {
    const arg = unwrap(n.argument as Node);
    const cur = this.eval(arg, env, false);
    const next = typeof cur === 'number' ? (n.operator === '++' ? cur + 1 : cur - 1) : UNKNOWN;
    this.write(arg, next, env);
    return n.prefix ? next : typeof cur === 'number' ? cur : UNKNOWN;
  }

  private args(n: Node, env: Env, pure: boolean): Value[] | undefined {
    const out: Value[] = [];
    for (const a of n.arguments as Node[]) {
      if (a.type === 'SpreadElement') {
        const s = this.eval(a.argument as Node, env, pure);
        if (typeof s === 'object' && s !== null && s.k === 'arr') out.push(...s.items);
        else return undefined;
      } else out.push(this.eval(a, env, pure));
    }
    return out;
  }

  private call(n: Node, env: Env, pure: boolean): Value {
    const callee = unwrap(n.callee as Node);
    if (isRegExpCallee(callee)) return this.regexpCall(n, env, pure);
    const args = this.args(n, env, pure);
    if (!args) return UNKNOWN;
    // Methods on known values: string and array helpers used to assemble patterns.
    if (callee.type === 'MemberExpression') {
      const recvNode = unwrap(callee.object as Node);
      const name = this.memberKey(callee, env, pure);
      if (name === undefined) return UNKNOWN;
      if (recvNode.type === 'Identifier' && recvNode.name === 'String' && name === 'raw') return UNKNOWN;
      const recv = this.eval(recvNode, env, pure);
      return builtinMethod(recv, name, args, n.start, this.limits.maxString, pure);
    }
    if (callee.type === 'Identifier' && callee.name === 'require' && this.requireModule && args.length === 1 && this.lookup('require', env) === UNKNOWN) {
      const spec = args[0];
      if (typeof spec === 'object' && spec !== null && spec.k === 'str' && /^\.\.?\//.test(spec.s)) return this.requireModule(spec.s);
      return UNKNOWN;
    }
    if (pure || n.type === 'NewExpression') return UNKNOWN;
    if (callee.type === 'Identifier' && callee.name === 'String' && args.length === 1) {
      const s = toStr(args[0]!);
      return s === undefined ? UNKNOWN : str(s, n.start);
    }
    const fn = callee.type === 'FunctionExpression' || callee.type === 'ArrowFunctionExpression' ? ({ k: 'fn', node: callee, env } as Fn) : this.eval(callee, env, false);
    if (typeof fn !== 'object' || fn === null || fn.k !== 'fn') return UNKNOWN;
    return this.invoke(fn, args, n.start);
  }

  private invoke(fn: Fn, args: Value[], site: number): Value {
    if (this.depth >= this.limits.depth) return UNKNOWN;
    const node = fn.node;
    if (node.async || node.generator) return UNKNOWN;
    const env: Env = { vars: new Map(), parent: fn.env };
    const params = node.params as Node[];
    params.forEach((p, i) => this.bindPattern(p, p.type === 'RestElement' ? { k: 'arr', items: args.slice(i) } : args[i] ?? UNDEF, env, 'lexical'));
    const outer = this.callSite;
    if (this.depth === 0) this.callSite = site;
    this.depth++;
    try {
      const body = node.body as Node;
      if (body.type !== 'BlockStatement' && body.type !== 'FunctionBody') return this.eval(body, env, false);
      const c = this.execBlock(body.body as Node[], env);
      return c instanceof Return ? c.value : UNDEF;
    } finally {
      this.depth--;
      this.callSite = outer;
    }
  }

  private regexpCall(n: Node, env: Env, pure: boolean): Value {
    if (!pure) this.executed.add(n);
    const rs = this.foldRegExp(n, env, pure);
    if (rs.length === 0) return UNKNOWN;
    if (!pure) {
      const table = this.depth > 0 || this.loops > 0;
      for (const r of rs) this.onRegExp({ node: n, pattern: r.pattern, flags: r.flags, at: this.depth > 0 ? this.callSite : this.loops > 0 ? r.at : n.start, table });
    }
    // With flag alternatives the value is one of several regexes: not a constant.
    return rs.length === 1 ? { k: 're', pattern: rs[0]!.pattern, flags: rs[0]!.flags } : UNKNOWN;
  }

  /**
   * The constant pattern and flags of a `RegExp(...)` call (`at`: where the pattern string was
   * built). Flags chosen by a condition that is not constant (`new RegExp(p, first ? undefined
   * : 'g')`) give one result per branch. Empty when the pattern or flags are not constant.
   */
  foldRegExp(n: Node, env: Env, pure: boolean): { pattern: string; flags: string; at: number }[] {
    const argNodes = n.arguments as Node[];
    const args = this.args(n, env, pure);
    if (!args || args.length === 0) return [];
    const p = args[0]!;
    let pattern: string | undefined;
    let baseFlags: string | undefined;
    let at = n.start;
    if (typeof p === 'object' && p !== null && p.k === 're') {
      pattern = p.pattern;
      baseFlags = p.flags;
    } else if (typeof p === 'object' && p !== null && p.k === 'str') {
      pattern = p.s;
      if (p.at >= 0) at = p.at;
    }
    if (pattern === undefined) return [];
    const flagOf = (f: Value): string | undefined => (f === UNDEF ? baseFlags ?? '' : typeof f === 'object' && f !== null && f.k === 'str' ? f.s : undefined);
    let flags: (string | undefined)[] = [baseFlags ?? ''];
    if (args.length > 1) {
      flags = [flagOf(args[1]!)];
      const fnode = argNodes[1] ? unwrap(argNodes[1]) : undefined;
      if (flags[0] === undefined && fnode?.type === 'ConditionalExpression') {
        flags = [flagOf(this.eval(fnode.consequent as Node, env, true)), flagOf(this.eval(fnode.alternate as Node, env, true))];
      }
    }
    if (flags.some((f) => f === undefined)) return [];
    return [...new Set(flags as string[])].map((f) => ({ pattern: pattern!, flags: f, at }));
  }

  /** Folds a RegExp call the interpreter never reached, with a fresh (small) budget. */
  foldStatic(n: Node, env: Env): { pattern: string; flags: string }[] {
    const saved = this.steps;
    this.steps = Math.max(0, this.limits.steps - 20_000);
    try {
      return this.foldRegExp(n, env, true);
    } catch (err) {
      if (err instanceof BudgetExceeded || err instanceof RangeError) return [];
      throw err;
    } finally {
      this.steps = saved;
    }
  }
}

export function keyName(k: Node): string | undefined {
  if (k.type === 'Identifier' || k.type === 'PrivateIdentifier') return k.name as string;
  if (k.type === 'Literal' && (typeof k.value === 'string' || typeof k.value === 'number')) return String(k.value);
  return undefined;
}

function getProp(o: Value, key: string): Value {
  if (o === UNDEF || o === null || o === UNKNOWN) return UNKNOWN;
  if (typeof o === 'number' || typeof o === 'boolean') return UNKNOWN;
  switch (o.k) {
    case 'str':
      if (key === 'length') return o.s.length;
      if (/^\d+$/.test(key)) return Number(key) < o.s.length ? str(o.s[Number(key)]!, o.at) : UNDEF;
      return UNKNOWN;
    case 'arr': {
      if (key === 'length') return o.items.length;
      if (/^\d+$/.test(key)) return o.items[Number(key)] ?? UNDEF;
      return UNKNOWN;
    }
    case 'obj':
      return o.props.has(key) ? o.props.get(key)! : UNKNOWN;
    case 're':
      if (key === 'source') return str(o.pattern, -1);
      if (key === 'flags') return str(o.flags, -1);
      return UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function builtinMethod(recv: Value, name: string, args: Value[], at: number, max: number, pure: boolean): Value {
  if (typeof recv !== 'object' || recv === null) return UNKNOWN;
  const strArg = (i: number): string | undefined => {
    const a = args[i];
    return a !== undefined && typeof a === 'object' && a !== null && a.k === 'str' ? a.s : undefined;
  };
  const cap = (s: string): Value => (s.length > max ? UNKNOWN : str(s, at));
  if (recv.k === 'str') {
    const s = recv.s;
    switch (name) {
      case 'concat': {
        let out = s;
        for (const a of args) {
          const x = toStr(a);
          if (x === undefined) return UNKNOWN;
          out += x;
        }
        return cap(out);
      }
      case 'split': {
        const sep = strArg(0);
        if (sep === undefined || args.length > 1) return UNKNOWN;
        return { k: 'arr', items: s.split(sep).map((x) => str(x, at)) };
      }
      case 'replace':
      case 'replaceAll': {
        const a = args[0];
        const b = strArg(1);
        if (b === undefined || a === undefined || typeof a !== 'object' || a === null) return UNKNOWN;
        if (a.k === 'str') return cap(name === 'replace' ? s.replace(a.s, () => b) : s.split(a.s).join(b));
        return UNKNOWN; // a regex with replacement patterns: not folded
      }
      case 'trim':
        return str(s.trim(), at);
      case 'toLowerCase':
        return str(s.toLowerCase(), at);
      case 'toUpperCase':
        return str(s.toUpperCase(), at);
      case 'slice':
      case 'substring': {
        const nums = args.map((x) => (typeof x === 'number' ? x : NaN));
        if (nums.some(Number.isNaN)) return UNKNOWN;
        return str(name === 'slice' ? s.slice(nums[0], nums[1]) : s.substring(nums[0]!, nums[1]), at);
      }
      case 'repeat': {
        const c = args[0];
        if (typeof c !== 'number' || c < 0 || c * s.length > max) return UNKNOWN;
        return str(s.repeat(c), at);
      }
      case 'toString':
        return recv;
      default:
        return UNKNOWN;
    }
  }
  if (recv.k === 'arr') {
    switch (name) {
      case 'join': {
        const sep = args.length === 0 || args[0] === UNDEF ? ',' : strArg(0);
        if (sep === undefined) return UNKNOWN;
        const joined = joinItems(recv.items, sep);
        return joined === undefined ? UNKNOWN : cap(joined);
      }
      case 'concat': {
        const items = [...recv.items];
        for (const a of args) {
          if (typeof a === 'object' && a !== null && a.k === 'arr') items.push(...a.items);
          else items.push(a);
        }
        return { k: 'arr', items };
      }
      case 'push':
        if (pure) return UNKNOWN;
        recv.items.push(...args);
        return recv.items.length;
      default:
        return UNKNOWN;
    }
  }
  return UNKNOWN;
}

export { isNode };
