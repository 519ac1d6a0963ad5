#!/usr/bin/env node
// nodesec launcher. Runs the TypeScript sources directly on Node >= 22.18 (type stripping), or
// the built dist/ when published. On an older Node (a machine whose system node is 20), it
// re-runs itself with the Node 24 that the project installs as a devDependency.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
const strips = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
const dist = join(root, 'dist', 'cli', 'bin.js');

if (existsSync(dist)) {
  await import(pathToFileURL(dist).href);
} else if (strips) {
  await import(pathToFileURL(join(root, 'src', 'cli', 'bin.ts')).href);
} else {
  const local = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(local)) {
    process.stderr.write(`nodesec needs Node.js 22.18 or later (this is ${process.version}).\n`);
    process.exit(2);
  }
  const r = spawnSync(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 70);
}
