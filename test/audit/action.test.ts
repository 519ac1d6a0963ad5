import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { REPO } from '../helpers/paths.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('action.yml is a composite action that runs audit and node and uploads SARIF', async () => {
  const a = loadYaml(await readFile(join(REPO, 'action.yml'), 'utf8')) as Json;
  assert.equal(a.runs.using, 'composite');
  const steps = a.runs.steps as Json[];
  for (const s of steps) if (s.run) assert.equal(typeof s.shell, 'string', `step "${s.name}" needs a shell`);
  const runs = steps.map((s) => String(s.run ?? '')).join('\n');
  assert.match(runs, /nodesec\.js" "\$\{args\[@\]\}" --format sarif > "\$SARIF_DIR\/audit\.sarif"/);
  assert.match(runs, /args=\(node --version "\$NODE_TARGET"/);
  assert.ok(steps.some((s) => String(s.uses ?? '').startsWith('github/codeql-action/upload-sarif@')));
  // every input a step references exists
  const text = await readFile(join(REPO, 'action.yml'), 'utf8');
  for (const m of text.matchAll(/inputs\.([\w-]+)/g)) assert.ok(m[1]! in a.inputs, `unknown input ${m[1]}`);
  for (const m of text.matchAll(/steps\.(\w+)\.outputs/g)) assert.ok(steps.some((s) => s.id === m[1]), `unknown step ${m[1]}`);
});
