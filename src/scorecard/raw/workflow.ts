/**
 * GitHub Actions workflows read with line numbers (what scorecard gets from rhysd/actionlint):
 * triggers, permissions at top and job level, and steps with their `uses`, `run`, `with` and
 * `shell`. A file whose YAML does not parse is an error, as in scorecard (a check that meets
 * one reports a runtime error rather than a score).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import type { RepoSource } from '../types.ts';
import { containsCommands, isWorkflowFile, pathMatches } from './fileparser.ts';

export interface StrNode {
  value: string;
  line: number;
}

export interface Permissions {
  line: number;
  /** `permissions: write-all | read-all | <anything>` */
  all?: StrNode;
  scopes: Map<string, StrNode>;
}

export interface Step {
  line: number;
  name?: string;
  uses?: StrNode;
  run?: StrNode & { /** line of the script's first line */ contentLine: number };
  with: Map<string, StrNode>;
  shell?: string;
  /** The step's `if:` condition. */
  if?: string;
}

export interface Job {
  id: string;
  line: number;
  name?: string;
  permissions?: Permissions;
  runsOn: string[];
  /** `strategy.matrix.os` values and `include` entries' `os`, for `runs-on: ${{ matrix.os }}`. */
  matrixOs: string[];
  /** The job's `defaults.run.shell`. */
  shell?: string;
  steps: Step[];
  /** A reusable workflow call. */
  uses?: StrNode;
}

export interface Workflow {
  path: string;
  triggers: string[];
  permissions?: Permissions;
  shell?: string;
  jobs: Job[];
}

export interface WorkflowSet {
  workflows: Workflow[];
  /** Files that failed to parse: scorecard turns these into a runtime error of the check. */
  errors: { file: string; line?: number; message: string }[];
}

function str(n: unknown): string | undefined {
  if (isScalar(n)) return n.value === null || n.value === undefined ? undefined : String(n.value);
  return undefined;
}

function pairs(n: unknown): Pair[] {
  return isMap(n) ? (n as YAMLMap).items : [];
}

function get(n: unknown, key: string): unknown {
  for (const p of pairs(n)) if (str(p.key) === key) return p.value;
  return undefined;
}

export function parseWorkflow(path: string, text: string): Workflow {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, strict: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const err = new Error(`${path}: ${e.message.split('\n')[0]}`) as Error & { line?: number };
    err.line = e.linePos?.[0]?.line;
    throw err;
  }
  const line = (n: unknown): number => {
    const r = (n as Node | undefined)?.range;
    return r ? lc.linePos(r[0]).line : 1;
  };
  const sn = (n: unknown): StrNode | undefined => {
    const v = str(n);
    return v === undefined ? undefined : { value: v, line: line(n) };
  };
  const perms = (n: unknown, keyNode: unknown): Permissions | undefined => {
    if (n === undefined) return undefined;
    const scopes = new Map<string, StrNode>();
    if (isMap(n)) {
      for (const p of pairs(n)) {
        const k = str(p.key);
        const v = sn(p.value);
        if (k && v) scopes.set(k, v);
      }
      return { line: line(n), scopes };
    }
    const all = sn(n);
    // `permissions:` with no value is "no permissions declared" for actionlint: nil scopes, no all.
    return { line: line(keyNode), ...(all && all.value !== '' && { all }), scopes };
  };
  const keyNodeOf = (n: unknown, key: string): unknown => pairs(n).find((p) => str(p.key) === key)?.key;

  const root = doc.contents;
  const on = get(root, 'on');
  const triggers: string[] = [];
  if (isScalar(on) && str(on)) {
    triggers.push(str(on)!);
  } else if (isSeq(on)) {
    for (const i of on.items) if (str(i)) triggers.push(str(i)!);
  } else if (isMap(on)) {
    for (const p of on.items) if (str(p.key)) triggers.push(str(p.key)!);
  }
  const shellOf = (n: unknown) => str(get(get(get(n, 'defaults'), 'run'), 'shell'));

  const jobs: Job[] = [];
  for (const p of pairs(get(root, 'jobs'))) {
    const id = str(p.key);
    if (!id) continue;
    const j = p.value;
    const runsOnNode = get(j, 'runs-on');
    const runsOn: string[] = [];
    if (isSeq(runsOnNode)) {
      for (const i of runsOnNode.items) if (str(i)) runsOn.push(str(i)!);
    } else if (str(runsOnNode)) {
      runsOn.push(str(runsOnNode)!);
    } else if (isMap(runsOnNode)) {
      const labels = get(runsOnNode, 'labels');
      if (str(labels)) runsOn.push(str(labels)!);
    }
    const steps: Step[] = [];
    const stepsNode = get(j, 'steps');
    if (isSeq(stepsNode)) {
      for (const s of stepsNode.items) {
        if (!isMap(s)) continue;
        const withMap = new Map<string, StrNode>();
        for (const wp of pairs(get(s, 'with'))) {
          const k = str(wp.key);
          const v = sn(wp.value);
          if (k && v) withMap.set(k, v);
        }
        const runNode = get(s, 'run');
        const run = sn(runNode);
        const block = isScalar(runNode) && (runNode.type === 'BLOCK_LITERAL' || runNode.type === 'BLOCK_FOLDED');
        const name = str(get(s, 'name'));
        const uses = sn(get(s, 'uses'));
        const shell = str(get(s, 'shell'));
        const cond = str(get(s, 'if'));
        steps.push({
          line: line(s),
          ...(name !== undefined && { name }),
          ...(uses && { uses }),
          ...(run && { run: { ...run, contentLine: block ? run.line + 1 : run.line } }),
          with: withMap,
          ...(shell !== undefined && { shell }),
          ...(cond !== undefined && { if: cond }),
        });
      }
    }
    const matrix = get(get(j, 'strategy'), 'matrix');
    const matrixOs: string[] = [];
    const osRow = get(matrix, 'os');
    if (isSeq(osRow)) for (const i of osRow.items) if (str(i)) matrixOs.push(str(i)!);
    const include = get(matrix, 'include');
    if (isSeq(include)) for (const c of include.items) if (str(get(c, 'os'))) matrixOs.push(str(get(c, 'os'))!);
    const name = str(get(j, 'name'));
    const permissions = perms(get(j, 'permissions'), keyNodeOf(j, 'permissions'));
    const uses = sn(get(j, 'uses'));
    const shell = shellOf(j);
    jobs.push({
      id,
      line: line(p.key),
      ...(name !== undefined && { name }),
      ...(permissions && { permissions }),
      runsOn,
      matrixOs,
      ...(shell !== undefined && { shell }),
      steps,
      ...(uses && { uses }),
    });
  }
  const permissions = perms(get(root, 'permissions'), keyNodeOf(root, 'permissions'));
  const shell = shellOf(root);
  return { path, triggers, ...(permissions && { permissions }), ...(shell !== undefined && { shell }), jobs };
}

const cache = new WeakMap<RepoSource, Promise<WorkflowSet>>();

/**
 * Every workflow of the repository (`.github/workflows/*`, case-sensitive as in
 * raw/pinned_dependencies.go; `.yml`/`.yaml` with at least one non-comment line), parsed once
 * per source.
 */
export function readWorkflows(source: RepoSource): Promise<WorkflowSet> {
  let p = cache.get(source);
  if (!p) {
    p = (async () => {
      const set: WorkflowSet = { workflows: [], errors: [] };
      for (const f of await source.listFiles()) {
        if (!pathMatches('.github/workflows/*', f, false) || !f.toLowerCase().startsWith('.github/workflows/') || !isWorkflowFile(f)) continue;
        const text = (await source.readFile(f))?.toString('utf8');
        if (text === undefined || !containsCommands(text, '#')) continue;
        try {
          set.workflows.push(parseWorkflow(f, text));
        } catch (e) {
          set.errors.push({ file: f, ...((e as { line?: number }).line !== undefined && { line: (e as { line: number }).line }), message: (e as Error).message });
        }
      }
      return set;
    })();
    cache.set(source, p);
  }
  return p;
}

/**
 * fileparser.GetShellForStep: the step's `shell`, else the job's `defaults.run.shell` (scorecard
 * ignores workflow-level defaults), else pwsh when the step's `if` tests for Windows or the job
 * only runs on Windows, else bash. Undefined when the job's OS cannot be determined (a
 * `matrix.os` runner without values), which scorecard records as a processing error.
 */
export function shellForStep(step: Step, job: Job, _wf?: Workflow): string | undefined {
  if (step.shell) return step.shell;
  if (job.shell) return job.shell;
  if (step.if && [/runner\.os\s*==\s*['"]windows['"]/i, /\$\{\{\s*startsWith\(runner\.os,\s*['"]windows['"]\)/i, /matrix\.os\s*==\s*['"]windows-/i].some((r) => r.test(step.if!))) return 'pwsh';
  const fromMatrix = job.runsOn.length === 1 && job.runsOn[0]!.includes('matrix.os');
  const oses = fromMatrix ? job.matrixOs.map((o) => o.replace(/^['"]|['"]$/g, '')) : job.runsOn;
  if (oses.length === 0) return fromMatrix ? undefined : 'bash';
  return oses.every((o) => o.toLowerCase().startsWith('windows')) ? 'pwsh' : 'bash';
}
