/**
 * Scorecard benchmarks: `scorecard check` on synthetic repositories of growing size (files,
 * workflows, Dockerfiles, shell scripts), and a monitor sweep of 200 repositories against a
 * loopback Scorecard API (concurrency 10), rendering the report.
 */
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { localSource } from '../src/scorecard/sources/local.ts';
import { runScorecard } from '../src/scorecard/run.ts';
import { runMonitor, scorecardApiSource } from '../src/scorecard/monitor/run.ts';
import { renderReport } from '../src/scorecard/monitor/render.ts';

function makeRepo(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'nodesec-bench-sc-'));
  const put = (p: string, c: string) => {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  };
  for (let i = 0; i < files; i++) put(`src/m${i % 50}/f${i}.js`, `export const x${i} = ${i};\n`.repeat(20));
  for (let i = 0; i < Math.max(1, files / 200); i++) {
    put(`.github/workflows/w${i}.yml`, `on: [push, pull_request]\npermissions: read-all\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n      - run: |\n          npm ci\n          npm test\n          curl -sSL https://example.com/x.sh | bash\n`);
    put(`docker/d${i}/Dockerfile`, 'FROM node:22\nRUN npm install -g pnpm\n');
    put(`scripts/s${i}.sh`, '#!/bin/bash\nset -e\nnpm install\n');
  }
  put('LICENSE', 'Permission is hereby granted, free of charge, to any person obtaining a copy');
  put('SECURITY.md', 'Report to security@example.com within 90 days.\n');
  return dir;
}

export default async function bench(): Promise<void> {
  console.log('| files | scorecard check (ms) | per 1,000 files (ms) |\n| --: | --: | --: |');
  for (const n of [500, 2000, 8000]) {
    const dir = makeRepo(n);
    try {
      const t0 = performance.now();
      await runScorecard(await localSource(dir, { git: false }));
      const ms = performance.now() - t0;
      console.log(`| ${n} | ${ms.toFixed(0)} | ${((ms / n) * 1000).toFixed(0)} |`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const server = createServer((req, res) => {
    const repo = /\/([^/]+)$/.exec(req.url ?? '')?.[1] ?? 'x';
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ date: '2026-01-01', repo: { name: repo, commit: 'a'.repeat(40) }, score: 5.5, checks: [{ name: 'License', score: 10 }] })), 20);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const included = Array.from({ length: 200 }, (_, i) => `repo${i}`);
  const t0 = performance.now();
  const r = await runMonitor({ scope: { 'github.com': { acme: { included, excluded: [] } } }, database: { 'github.com': {} }, source: scorecardApiSource(url, { fetch }), concurrency: 10 });
  renderReport(r.scores, { reportTagsEnabled: true, renderBadge: false, reportTool: 'scorecard-visualizer' });
  const ms = performance.now() - t0;
  server.close();
  console.log(`\nmonitor sweep: 200 repositories, API latency 20 ms, concurrency 10: ${ms.toFixed(0)} ms (${(200 / (ms / 1000)).toFixed(0)} repos/s)`);
}
