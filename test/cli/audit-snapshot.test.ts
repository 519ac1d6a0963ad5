/**
 * Rendered output pinned as snapshots (text and markdown of `nodesec audit`, text of `nodesec
 * node`). Paths are normalised. Update with UPDATE_SNAPSHOTS=1 after checking the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { FIXTURES, NSWG_VULN, OWN, REPO, SCHEDULE } from '../helpers/paths.ts';

const now = () => new Date('2026-05-15T00:00:00Z');
const normalise = (s: string) => s.split(REPO).join('<repo>').split(FIXTURES).join('<fixtures>');

async function matchSnapshot(name: string, actual: string): Promise<void> {
  const file = join(REPO, 'test', 'cli', '__snapshots__', name);
  if (process.env.UPDATE_SNAPSHOTS) {
    await writeFile(file, actual);
    return;
  }
  assert.equal(actual, await readFile(file, 'utf8'), `${name} differs; rerun with UPDATE_SNAPSHOTS=1 if the change is intended`);
}

const audit = ['audit', join(OWN, 'audit', 'small-npm'), '--db', NSWG_VULN, '--offline'];

test('audit text', async () => {
  await matchSnapshot('audit-small.txt', normalise((await runCli(audit, { now, cwd: REPO })).stdout));
});

test('audit markdown', async () => {
  await matchSnapshot('audit-small.md', normalise((await runCli([...audit, '--format', 'markdown'], { now, cwd: REPO })).stdout));
});

test('node text', async () => {
  const r = await runCli(['node', '--version', '22.22.0', '--platform', 'linux', '--db', NSWG_VULN, '--schedule', SCHEDULE], { now, cwd: REPO });
  await matchSnapshot('node-22.22.0-linux.txt', normalise(r.stdout));
});
