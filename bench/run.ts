/**
 * `npm run bench [name...]`: runs the benchmarks listed here (each a module with a default
 * export `async (args) => void` that prints its own table). Never part of `npm test`.
 */
const benches: Record<string, () => Promise<{ default: (args: string[]) => Promise<void> }>> = {
  // name: () => import('./name.ts'),
  audit: () => import('./audit.ts'),
  hub: () => import('./hub.ts'),
  lockfile: () => import('./lockfile.ts'),
  store: () => import('./store.ts'),
  redos: () => import('./redos.ts'),
  scorecard: () => import('./scorecard.ts'),
  'regex-engine': () => import('./regex-engine.ts'),
  snapshot: () => import('./snapshot.ts'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(benches);
for (const name of names) {
  const load = benches[name];
  if (!load) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  console.log(`\n## ${name}\n`);
  await (await load()).default(process.argv.slice(2).filter((a) => a.startsWith('-')));
}
