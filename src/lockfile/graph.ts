/**
 * Building blocks shared by the readers: a graph builder, flag computation from reachability,
 * source classification (what is not auditable) and cheap line lookup.
 *
 * Invariant: `LockGraph.packages[i].id === i`; edges reference package ids and importer indexes.
 */
import type {
  DependencyKind,
  LockEdge,
  LockGraph,
  LockImporter,
  LockPackage,
  NotAuditableReason,
} from '../core/lockgraph.ts';

/**
 * A package before it has its id. Readers write every field in one literal, `id` first and
 * the flags included, so that all packages share one object shape (no property added later).
 */
export type NewPackage = Omit<LockPackage, 'id' | 'dev' | 'optional' | 'peer'> &
  Partial<Pick<LockPackage, 'id' | 'dev' | 'optional' | 'peer'>>;

export class GraphBuilder {
  readonly importers: LockImporter[] = [];
  readonly packages: LockPackage[] = [];
  readonly edges: LockEdge[] = [];
  readonly warnings: { message: string; line?: number }[] = [];

  addImporter(importer: LockImporter): number {
    this.importers.push(importer);
    return this.importers.length - 1;
  }

  addPackage(p: NewPackage): number {
    const id = this.packages.length;
    const pkg = p as LockPackage;
    pkg.id = id;
    pkg.dev ??= false;
    pkg.optional ??= false;
    pkg.peer ??= false;
    this.packages.push(pkg);
    return id;
  }

  edge(from: LockEdge['from'], to: number, kind: DependencyKind, name: string, spec?: string): void {
    this.edges.push(spec === undefined ? { from, to, kind, name } : { from, to, kind, name, spec });
  }

  warn(message: string, line?: number): void {
    this.warnings.push(line === undefined ? { message } : { message, line });
  }

  finish(meta: Pick<LockGraph, 'manager' | 'reader' | 'path' | 'formatVersion'>, flags: 'compute' | 'stored'): LockGraph {
    const graph: LockGraph = {
      ...meta,
      importers: this.importers,
      packages: this.packages,
      edges: this.edges,
      warnings: this.warnings,
    };
    if (flags === 'compute') computeFlags(graph);
    return graph;
  }
}

/** Outgoing edges per package, as compressed arrays (one allocation, no per-node arrays). */
interface Adjacency {
  /** Edge indexes out of package i are `order[start[i]] .. order[start[i+1]-1]`. */
  start: Int32Array;
  order: Int32Array;
}

function packageAdjacency(graph: LockGraph): Adjacency {
  const n = graph.packages.length;
  const start = new Int32Array(n + 1);
  const { edges } = graph;
  for (const e of edges) if ('package' in e.from) start[e.from.package + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const order = new Int32Array(start[n]!);
  for (let k = 0; k < edges.length; k++) {
    const from = edges[k]!.from;
    if ('package' in from) order[fill[from.package]!++] = k;
  }
  return { start, order };
}

/**
 * Packages reachable from the importers without crossing an edge of kind `skip`
 * (`undefined`: any edge). Returns a 0/1 mark per package.
 */
export function reachable(graph: LockGraph, skip?: DependencyKind, adj = packageAdjacency(graph)): Uint8Array {
  const seen = new Uint8Array(graph.packages.length);
  const stack: number[] = [];
  for (const e of graph.edges) {
    if ('importer' in e.from && e.kind !== skip && !seen[e.to]) {
      seen[e.to] = 1;
      stack.push(e.to);
    }
  }
  const { start, order } = adj;
  const { edges } = graph;
  while (stack.length) {
    const p = stack.pop()!;
    for (let k = start[p]!; k < start[p + 1]!; k++) {
      const e = edges[order[k]!]!;
      if (e.kind !== skip && !seen[e.to]) {
        seen[e.to] = 1;
        stack.push(e.to);
      }
    }
  }
  return seen;
}

/**
 * dev / optional / peer, for formats that do not store them: a package is `dev` when every
 * path to it from an importer crosses a dev edge (it is unreachable once dev edges are
 * removed), likewise `optional` and `peer`. Packages no importer reaches are `extraneous`
 * and get no flag.
 */
export function computeFlags(graph: LockGraph): void {
  const adj = packageAdjacency(graph);
  const any = reachable(graph, undefined, adj);
  const noDev = reachable(graph, 'dev', adj);
  const noOpt = reachable(graph, 'optional', adj);
  const noPeer = reachable(graph, 'peer', adj);
  for (const p of graph.packages) {
    const i = p.id;
    if (!any[i]) {
      p.extraneous = true;
      continue;
    }
    p.dev = !noDev[i];
    p.optional = !noOpt[i];
    p.peer = !noPeer[i];
  }
}

const GIT = /^(?:git\+|git:|github:|gitlab:|bitbucket:|gist:|ssh:\/\/git@|git@)|\.git(?:#|$)/;

/**
 * Why a resolved URL or version spec is not a registry package, or undefined when it is one
 * (a registry tarball URL `.../name/-/name-1.0.0.tgz`, or a plain version).
 */
export function classifySource(spec: string | undefined): { reason: NotAuditableReason; spec: string } | undefined {
  if (!spec) return undefined;
  const c = spec.charCodeAt(0);
  // fast paths: plain versions and registry tarball URLs (the vast majority)
  if (c >= 48 && c <= 57) return undefined;
  if (c === 104 && (spec.startsWith('https://') || spec.startsWith('http://'))) {
    if (spec.includes('/-/') && !spec.includes('codeload.github.com')) return undefined;
    if (/^https?:\/\/(?:codeload\.)?github\.com\/|\.git(?:#|$)/.test(spec)) return { reason: 'git', spec };
    return { reason: 'tarball', spec };
  }
  if (spec.startsWith('file:')) return { reason: 'file', spec };
  if (spec.startsWith('link:')) return { reason: 'link', spec };
  if (spec.startsWith('workspace:')) return { reason: 'workspace', spec };
  if (spec.startsWith('portal:')) return { reason: 'link', spec };
  if (GIT.test(spec)) return { reason: 'git', spec };
  if (spec.startsWith('npm:')) return undefined;
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('~')) return { reason: 'file', spec };
  return { reason: 'unknown-source', spec };
}

/**
 * Finds successive strings in a text and tells their 1-based line, scanning the text at most
 * once overall (the cursor only moves forward). Used for JSON lockfiles whose entries come in
 * document order.
 */
export class LineCursor {
  private pos: number;
  private line = 1;
  private readonly text: string;

  constructor(text: string, start = 0) {
    this.text = text;
    this.pos = 0;
    this.moveTo(start);
  }

  private moveTo(at: number): void {
    const { text } = this;
    let l = this.line;
    for (let i = text.indexOf('\n', this.pos); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) l++;
    this.line = l;
    this.pos = at;
  }

  /** Each miss scans to the end of the text: after this many, stop looking (no line). */
  private misses = 0;

  /** Line of the next occurrence of `needle`, or undefined (the cursor then stays put). */
  find(needle: string): number | undefined {
    if (this.misses >= LineCursor.MAX_MISSES) return undefined;
    const at = this.text.indexOf(needle, this.pos);
    if (at < 0) {
      this.misses++;
      return undefined;
    }
    this.moveTo(at);
    return this.line;
  }

  /** Line of the next `"key":` whose value is an object (`{`, or `[` for arrays), whatever the spacing. */
  findObjectKey(key: string, open: '{' | '[' = '{'): number | undefined {
    const code = open.charCodeAt(0);
    if (this.misses >= LineCursor.MAX_MISSES) return undefined;
    const needle = `${JSON.stringify(key)}:`;
    const { text } = this;
    for (let at = text.indexOf(needle, this.pos); at >= 0; at = text.indexOf(needle, at + needle.length)) {
      let i = at + needle.length;
      while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13 || text.charCodeAt(i) === 9) i++;
      if (text.charCodeAt(i) === code) {
        this.moveTo(at);
        return this.line;
      }
    }
    this.misses++;
    return undefined;
  }

  static readonly MAX_MISSES = 16;
}

/**
 * Lines of YAML mapping keys by section, in one pass: `top` holds keys at column 0,
 * `nested.get(section)` the keys at `indent` spaces under that top-level key (only for the
 * given `sections` when given). Keys are unquoted ('single' and "double" YAML quoting).
 */
export function yamlKeyLines(text: string, indent: number, sections?: ReadonlySet<string>): { top: Map<string, number>; nested: Map<string, Map<string, number>> } {
  const top = new Map<string, number>();
  const nested = new Map<string, Map<string, number>>();
  let current: Map<string, number> | undefined;
  let line = 0;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    line++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    const c = text.charCodeAt(pos);
    if (c !== 32 && c !== 35 && c !== 10 && c !== 13) {
      const key = keyOf(text, pos, end);
      if (key !== undefined) {
        top.set(key, line);
        current = undefined;
        if (!sections || sections.has(key)) {
          current = new Map();
          nested.set(key, current);
        }
      } else current = undefined;
    } else if (c === 32 && current && text.charCodeAt(pos + indent) !== 32 && text.charCodeAt(pos + indent - 1) === 32) {
      const key = keyOf(text, pos + indent, end);
      if (key !== undefined && !current.has(key)) current.set(key, line);
    }
    pos = end + 1;
  }
  return { top, nested };
}

function keyOf(text: string, start: number, end: number): string | undefined {
  let e = end;
  if (text.charCodeAt(e - 1) === 13) e--;
  const q = text.charCodeAt(start);
  if (q === 39 || q === 34) {
    // quoted key: find the closing quote followed by ':'
    // the closing quote followed by ':', searched within this line only
    let close = -1;
    for (let i = e - 1; i > start; i--) {
      if (text.charCodeAt(i) === 58 && text.charCodeAt(i - 1) === q && i - 1 > start) {
        close = i - 1;
        break;
      }
    }
    if (close < 0) return undefined;
    const raw = text.slice(start + 1, close);
    if (q === 39) return raw.replaceAll("''", "'");
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  }
  if (text.charCodeAt(e - 1) === 58) return text.slice(start, e - 1); // `key:`
  for (let i = start + 1; i < e - 1; i++) {
    if (text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 32) return text.slice(start, i); // `key: value`
  }
  return undefined;
}

/**
 * Like classifySource, for a requested range (`^1.2.0`, `npm:x@1`, `file:../x`, `user/repo`):
 * undefined for registry ranges, dist-tags and aliases.
 */
export function classifyRange(range: string | undefined): { reason: NotAuditableReason; spec: string } | undefined {
  if (!range || /^[\^~<>=*\dvVxX| ]/.test(range) || range.startsWith('npm:') || /^[\w.-]+$/.test(range)) return undefined;
  if (/^[\w.-]+\/[\w.-]+(?:#.*)?$/.test(range)) return { reason: 'git', spec: range }; // GitHub shorthand
  const c = classifySource(range);
  return c?.reason === 'unknown-source' ? undefined : c;
}

/** The package name in a registry tarball URL (`.../@scope/name/-/name-1.0.0.tgz`), if it is one. */
export function nameFromTarballUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const dash = url.indexOf('/-/');
  if (dash < 0) return undefined;
  const scheme = url.indexOf('://');
  const host = url.indexOf('/', scheme + 3);
  if (scheme < 0 || host < 0 || host >= dash) return undefined;
  let path = url.slice(host + 1, dash);
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return undefined;
    }
  }
  // registries may sit under a path prefix (artifactory: /api/npm/repo/name/-/...)
  const parts = path.split('/');
  const last = parts.at(-1) ?? '';
  const prev = parts.at(-2);
  return prev?.startsWith('@') ? `${prev}/${last}` : last || undefined;
}

/**
 * Install paths as a tree, for Node-style lookup (the location's own child of that name, then
 * its parent's, up to the root) without building a string per step. The format supplies
 * `split(path) -> [parent path, installed name]` (npm: `a/node_modules/b` is `b` under
 * `a`; bun: `a/b` is `b` under `a`). Values are the readers' (package ids, importers...).
 * No recursion anywhere: install paths can be made arbitrarily deep.
 */
export class InstallTree {
  private readonly index = new Map<string, number>([['', 0]]);
  private readonly parent: number[] = [-1];
  private readonly children: (Map<string, number> | undefined)[] = [undefined];
  private readonly split: (path: string) => [parent: string, name: string];

  constructor(split: (path: string) => [parent: string, name: string]) {
    this.split = split;
  }

  private create(path: string, parent: number): number {
    const i = this.parent.length;
    this.parent.push(parent);
    this.children.push(undefined);
    this.index.set(path, i);
    return i;
  }

  /** Index of a location, created with its missing ancestors on first use. */
  loc(path: string): number {
    const known = this.index.get(path);
    if (known !== undefined) return known;
    const missing: string[] = [path];
    let p: number | undefined;
    while ((p = this.index.get(this.split(missing[missing.length - 1]!)[0])) === undefined) {
      missing.push(this.split(missing[missing.length - 1]!)[0]);
    }
    for (let k = missing.length - 1; k >= 0; k--) p = this.create(missing[k]!, p);
    return p;
  }

  /** Record what is installed at `path`, and return the index of that location. */
  add(path: string, value: number): number {
    const [parentPath, name] = this.split(path);
    const p = this.loc(parentPath);
    (this.children[p] ??= new Map()).set(name, value);
    return this.index.get(path) ?? this.create(path, p);
  }

  /** Record `value` as the child `name` of a location, and return the child's own (anonymous) location. */
  addChild(parent: number, name: string, value: number): number {
    (this.children[parent] ??= new Map()).set(name, value);
    this.parent.push(parent);
    this.children.push(undefined);
    return this.parent.length - 1;
  }

  /** What the location's own child `name` holds. */
  child(loc: number, name: string): number | undefined {
    return this.children[loc]?.get(name);
  }

  /** What a `require(name)` from the location finds. */
  resolve(loc: number, name: string): number | undefined {
    for (let b = loc; b >= 0; b = this.parent[b]!) {
      const hit = this.children[b]?.get(name);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
}

/**
 * 1-based lines of the keys that open an object value (`"key": {`) at the indentation
 * `depth * step` (any depth >= 1, or only depth 1), in document order, from the line holding offset `from` to
 * the first later line indented less than `step`. One pass, no per-key search: for the
 * pretty-printed JSON npm writes, this lists the entries in the order JSON.parse yields them.
 * The caller checks the count and falls back to LineCursor when the file is formatted otherwise.
 */
export function objectKeyLines(text: string, from: number, step: number, onlyFirstLevel = false): number[] {
  const out: number[] = [];
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < from; i = text.indexOf('\n', i + 1)) line++;
  let pos = text.lastIndexOf('\n', from - 1) + 1;
  const n = text.length;
  let first = true;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let indent = 0;
    while (text.charCodeAt(pos + indent) === 32) indent++;
    if (!first) {
      if (indent < step) break;
      if ((onlyFirstLevel ? indent === step : indent % step === 0) && text.charCodeAt(pos + indent) === 34) {
        let e = end;
        if (text.charCodeAt(e - 1) === 13) e--;
        if (text.charCodeAt(e - 1) === 44) e--; // `{},`
        const last = text.charCodeAt(e - 1);
        if (last === 123 || (last === 125 && text.charCodeAt(e - 2) === 123)) out.push(line);
      }
    }
    first = false;
    pos = end + 1;
    line++;
  }
  return out;
}
