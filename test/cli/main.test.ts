import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { REPO } from '../helpers/paths.ts';

test('--help teaches: lists examples and exit codes, exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.exit, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /Exit codes: 0 ok/);
});

test('an unknown option is a usage error (exit 2) with a message on stderr', async () => {
  const r = await runCli(['--no-such-flag']);
  assert.equal(r.exit, 2);
  assert.match(r.stderr, /unknown option/);
  assert.equal(r.stdout, '');
});

test('the bin launcher runs on the system node too (re-executing on the project Node 24)', () => {
  const r = spawnSync('/usr/bin/node', [join(REPO, 'bin', 'nodesec.js'), '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+/);
});
