/**
 * Raw data of Dangerous-Workflow (checks/raw/dangerous_workflow.go):
 * - untrusted checkout: in a workflow triggered by pull_request_target or workflow_run, an
 *   actions/checkout step whose `ref` mentions github.event.pull_request or
 *   github.event.workflow_run (the PR's code, with the base repository's secrets and token);
 * - script injection: in any workflow, a `run:` script that expands an attacker-controlled
 *   context (`${{ github.event.issue.title }}`, `${{ github.head_ref }}`, ...).
 */
import type { RepoSource, Where } from '../types.ts';
import { readWorkflows } from './workflow.ts';

export interface DangerousWorkflowRaw {
  numWorkflows: number;
  errors: { file: string; line?: number; message: string }[];
  workflows: { type: 'untrustedCheckout' | 'scriptInjection'; location: Where; job: string }[];
}

const UNTRUSTED = new RegExp(
  '.*(issue\\.title|issue\\.body|pull_request\\.title|pull_request\\.body|comment\\.body|review\\.body|review_comment\\.body|' +
    'pages.*\\.page_name|commits.*\\.message|head_commit\\.message|head_commit\\.author\\.email|head_commit\\.author\\.name|' +
    'commits.*\\.author\\.email|commits.*\\.author\\.name|pull_request\\.head\\.ref|pull_request\\.head\\.label|' +
    'pull_request\\.head\\.repo\\.default_branch).*',
);
const TO_JSON = /tojson\s*\(\s*github(\.event)?\s*\)/i;

/** raw.containsUntrustedContextPattern. */
export function isUntrustedContext(full: string): boolean {
  // `.*(a|b.*c).*` backtracks polynomially: expressions are short in practice, so bound them.
  const expr = full.length > 512 ? full.slice(0, 512) : full;
  if (expr.includes('github.head_ref')) return true;
  if (TO_JSON.test(expr)) return true;
  return expr.includes('github.event.') && UNTRUSTED.test(expr);
}

/** The `${{ ... }}` expressions of a script, with their 0-based line. */
export function expressions(script: string): { expr: string; line: number }[] {
  const out: { expr: string; line: number }[] = [];
  let from = 0;
  for (;;) {
    const s = script.indexOf('${{', from);
    if (s === -1) break;
    const e = script.indexOf('}}', s);
    if (e === -1) break;
    out.push({ expr: script.slice(s + 3, e), line: script.slice(0, s).split('\n').length - 1 });
    from = e;
  }
  return out;
}

export async function collectDangerousWorkflow(source: RepoSource): Promise<DangerousWorkflowRaw> {
  const set = await readWorkflows(source);
  const raw: DangerousWorkflowRaw = { numWorkflows: set.workflows.length, errors: set.errors, workflows: [] };
  for (const wf of set.workflows) {
    const privileged = wf.triggers.includes('pull_request_target') || wf.triggers.includes('workflow_run');
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        if (privileged && step.uses?.value.includes('actions/checkout')) {
          const ref = step.with.get('ref');
          if (ref && (ref.value.includes('github.event.pull_request') || ref.value.includes('github.event.workflow_run'))) {
            raw.workflows.push({ type: 'untrustedCheckout', job: job.id, location: { file: wf.path, line: step.line, snippet: ref.value } });
          }
        }
        if (step.run) {
          for (const { expr, line } of expressions(step.run.value)) {
            if (isUntrustedContext(expr)) {
              raw.workflows.push({ type: 'scriptInjection', job: job.id, location: { file: wf.path, line: step.run.contentLine + line, snippet: expr.trim() } });
            }
          }
        }
      }
    }
  }
  return raw;
}
