/**
 * The ProjectChecks of this domain for `nodesec check`: `audit` (lockfile dependencies), `node`
 * (the Node.js version the project targets) and `runtime-config` (dangerous runtime flags).
 * Cheap to import: every dependency is loaded inside `run()`.
 */
import type { ProjectCheck, ProjectCheckContext, ProjectCheckResult } from '../core/check.ts';
import type { Finding } from '../core/finding.ts';
import type { AdvisorySource } from '../core/osv.ts';

// One cache per `check` run: every check of a run gets the same context objects (the ignore
// policy among them), so keying on it shares the source between audit and node without keeping
// it alive after the run.
const sources = new WeakMap<object, Map<string, Promise<AdvisorySource>>>();

/** One advisory source per `--db` spec for the whole `check` run (audit and node share it). */
export function sharedSource(ctx: Pick<ProjectCheckContext, 'db' | 'env' | 'ignore'>, fetchImpl: typeof fetch = globalThis.fetch): Promise<AdvisorySource> {
  let run = sources.get(ctx.ignore);
  if (!run) sources.set(ctx.ignore, (run = new Map()));
  const key = ctx.db ?? '';
  let p = run.get(key);
  if (!p) {
    p = import('../advisory/index.ts').then(({ openAdvisorySource }) => openAdvisorySource(ctx.db, { env: ctx.env, fetch: fetchImpl }));
    const cache = run;
    p.catch(() => cache.delete(key));
    run.set(key, p);
  }
  return p;
}

function applyIgnore(ctx: ProjectCheckContext, findings: Finding[], aliasesOf: (f: Finding) => string[] = () => []): Pick<ProjectCheckResult, 'findings' | 'suppressed'> {
  const kept: Finding[] = [];
  const suppressed: NonNullable<ProjectCheckResult['suppressed']> = [];
  for (const f of findings) {
    const e = ctx.ignore.match({ finding: f, aliases: aliasesOf(f) });
    if (e) suppressed.push({ finding: f, ignoreId: e.id, reason: e.reason });
    else kept.push(f);
  }
  return { findings: kept, suppressed };
}

export const auditCheck: ProjectCheck = {
  id: 'audit',
  title: 'Dependency audit',
  defaultFailOn: 'low',
  async run(ctx) {
    const [{ findLockfiles }, { auditProject }, { DEFAULT_REGISTRY }] = await Promise.all([
      import('../lockfile/index.ts'),
      import('./project.ts'),
      import('./registry.ts'),
    ]);
    const files = await findLockfiles(ctx.dir);
    if (files.length === 0) return { check: 'audit', status: 'skipped', reason: 'no lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lock)', findings: [] };
    const source = await sharedSource(ctx);
    const { result, errors } = await auditProject({
      target: ctx.dir,
      cwd: ctx.dir,
      source,
      ignore: ctx.ignore,
      ...(!ctx.offline && { registry: { url: ctx.env.NODESEC_REGISTRY ?? DEFAULT_REGISTRY, fetch: globalThis.fetch, ...(ctx.signal && { signal: ctx.signal }) } }),
      progress: ctx.progress,
    });
    const n = result.findings.length;
    const summary = `${result.stats.audited} packages, ${n} vulnerabilit${n === 1 ? 'y' : 'ies'} in ${result.stats.vulnerablePackages} package${result.stats.vulnerablePackages === 1 ? '' : 's'}${result.notAuditable.length ? `, ${result.notAuditable.length} not auditable` : ''}`;
    return {
      check: 'audit',
      status: errors.length && result.lockfiles.length === 0 ? 'error' : 'ok',
      ...(errors.length && { reason: errors.map((e) => `${e.where ?? ''}: ${e.message}`).join('; ') }),
      findings: result.findings,
      suppressed: result.suppressed,
      summary,
      data: { lockfiles: result.lockfiles, stats: result.stats, notAuditable: result.notAuditable, database: { ...source.meta, records: source.size } },
    };
  },
};

export const nodeCheck: ProjectCheck = {
  id: 'node',
  title: 'Node.js version',
  defaultFailOn: 'moderate',
  async run(ctx) {
    const [{ loadSchedule }, { findNodeTargets, linesAdmitted }, node] = await Promise.all([
      import('./schedule.ts'),
      import('./node-target.ts'),
      import('./node.ts'),
    ]);
    const { schedule } = await loadSchedule(ctx.env.NODESEC_SCHEDULE, { cwd: ctx.dir, fetch: globalThis.fetch, ...(ctx.signal && { signal: ctx.signal }) });
    const targets = await findNodeTargets(ctx.dir, schedule);
    if (targets.length === 0) return { check: 'node', status: 'skipped', reason: 'no Node.js version declared (.nvmrc, .node-version, package.json engines.node or volta.node, Dockerfile FROM node, workflow node-version)', findings: [] };
    const findings: Finding[] = [];
    const described: string[] = [];
    const eol = (line: string, location: Finding['location'], source: string, severity: Finding['severity'], extra = ''): Finding => {
      const info = node.lineInfo(schedule, line, ctx.now);
      const lts = node.supportedLines(schedule, ctx.now).filter((s) => s.lts).map((s) => s.line);
      return {
        check: 'node',
        ruleId: 'node-end-of-life',
        severity,
        title: `${source} targets Node.js ${line}, end-of-life since ${info.end}`,
        message: `Node.js ${line} reached end-of-life on ${info.end} and gets no security fixes.${extra}`,
        help: lts.length ? `Target a supported LTS line: ${lts.join(', ')}.` : 'Target a supported release line.',
        url: 'https://nodejs.org/en/about/previous-releases',
        ...(location && { location }),
        data: { kind: 'end-of-life', line: info, source },
      };
    };
    let source: AdvisorySource | undefined;
    for (const t of targets) {
      if (t.kind === 'exact') {
        source ??= await sharedSource(ctx);
        // an official node image runs Linux; elsewhere the deployment platform is unknown
        const platform = t.source.includes(' FROM node:') ? 'linux' : 'any';
        const r = node.checkNode({ version: t.version, platform, source, schedule, now: ctx.now, location: t.location });
        for (const f of r.findings) f.title = `${t.source}: ${f.title}`;
        findings.push(...r.findings);
        described.push(`${t.source} ${t.version} (${r.line.status})`);
      } else if (t.kind === 'line') {
        const info = node.lineInfo(schedule, t.line, ctx.now);
        // a CI matrix that still tests an old line is a smaller matter than shipping it
        if (info.status === 'end-of-life') findings.push(eol(t.line, t.location, t.source, t.source.endsWith('node-version') ? 'low' : 'high'));
        described.push(`${t.source} ${t.line} (${info.status})`);
      } else {
        const admitted = linesAdmitted(t.range, schedule);
        const infos = admitted.map((l) => node.lineInfo(schedule, l, ctx.now));
        const dead = infos.filter((i) => i.status === 'end-of-life');
        const alive = infos.filter((i) => i.status !== 'end-of-life' && i.status !== 'pending');
        if (dead.length) {
          const lines = dead.map((d) => d.line).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
          const f = eol(lines[lines.length - 1]!, t.location, t.source, alive.length ? 'low' : 'high',
            ` engines.node "${t.range}" admits end-of-life lines: ${lines.join(', ')}.`);
          f.title = `${t.source} "${t.range}" admits end-of-life Node.js (${lines.join(', ')})`;
          f.help = alive.length
            ? `Raise the floor to a supported line (e.g. ">=${alive.map((a) => a.line.slice(1)).sort((a, b) => Number(a) - Number(b))[0]}").`
            : f.help;
          findings.push(f);
        }
        described.push(`${t.source} "${t.range}"`);
      }
    }
    return {
      check: 'node',
      status: 'ok',
      ...applyIgnore(ctx, findings, (f) => ((f.data as { aliases?: string[] } | undefined)?.aliases ?? [])),
      summary: described.join('; '),
      data: { targets },
    };
  },
};

export const runtimeConfigCheck: ProjectCheck = {
  id: 'runtime-config',
  title: 'Node.js runtime configuration',
  defaultFailOn: 'moderate',
  async run(ctx) {
    const { scanRuntimeConfig } = await import('./runtime-config.ts');
    const r = await scanRuntimeConfig(ctx.dir);
    if (r.files.length === 0) return { check: 'runtime-config', status: 'skipped', reason: 'no package.json, Dockerfile, Procfile, compose file, workflow or .env', findings: [] };
    return {
      check: 'runtime-config',
      status: 'ok',
      ...applyIgnore(ctx, r.findings),
      summary: `${r.files.length} file${r.files.length === 1 ? '' : 's'} scanned${r.skipped.length ? `, ${r.skipped.length} skipped` : ''}`,
      data: { files: r.files, skipped: r.skipped },
    };
  },
};
