/** Builds small repositories in a temp directory for the scorecard tests. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { localSource } from '../../src/scorecard/sources/local.ts';
import { runScorecard, type RunOptions, type ScorecardReport } from '../../src/scorecard/run.ts';

export const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
export const DIGEST = 'sha256:' + 'a'.repeat(64);

const made: string[] = [];

export function repo(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nodesec-sc-'));
  made.push(dir);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export async function score(files: Record<string, string | Buffer>, check: string, opts: RunOptions = {}): Promise<{ score: number; reason: string; report: ScorecardReport }> {
  const dir = repo(files);
  const report = await runScorecard(await localSource(dir, { git: false }), { ...opts, only: [check] });
  const c = report.checks[0]!;
  return { score: c.score, reason: c.reason, report };
}
