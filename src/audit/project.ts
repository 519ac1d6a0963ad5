/**
 * Auditing a project directory (or one lockfile): find the lockfiles, read each (an unreadable
 * one is reported and the rest are still audited), run the audit. Shared by `nodesec audit`
 * and the `audit` check of `nodesec check`.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { AppError, isAppError } from '../core/errors.ts';
import type { IgnorePolicy } from '../core/ignore.ts';
import type { LockGraph } from '../core/lockgraph.ts';
import type { AdvisorySource } from '../core/osv.ts';
import { findLockfiles, readLockfile } from '../lockfile/index.ts';
import { runAudit, type AuditResult, type OmitKind } from './audit.ts';
import { registryClient } from './registry.ts';

export interface ProjectAuditOptions {
  /** Directory or lockfile. */
  target: string;
  cwd: string;
  source: AdvisorySource;
  recursive?: boolean;
  omit?: readonly OmitKind[];
  maxPaths?: number;
  ignore?: IgnorePolicy;
  /** Registry for upgrade advice; undefined = offline. */
  registry?: { url: string; fetch: typeof fetch; signal?: AbortSignal };
  progress?: (m: string) => void;
  /** A package.json dependency missing from the lockfile: an error (default) or a warning. */
  mismatch?: 'error' | 'warn';
}

export interface ProjectAudit {
  result: AuditResult;
  /** Lockfiles that could not be read (the others were audited). */
  errors: AppError[];
  /** Directory paths are relative to. */
  root: string;
}

/** Where displayed paths are relative to: the cwd when the target is inside it, else the target's directory. */
export async function displayRoot(target: string, cwd: string): Promise<string> {
  const abs = resolve(cwd, target);
  let dir = abs;
  try {
    if (!(await stat(abs)).isDirectory()) dir = dirname(abs);
  } catch {
    dir = dirname(abs);
  }
  const r = relative(cwd, dir);
  return r.startsWith('..') || isAbsolute(r) ? dir : cwd;
}

export async function auditProject(o: ProjectAuditOptions): Promise<ProjectAudit> {
  const abs = resolve(o.cwd, o.target);
  const root = await displayRoot(o.target, o.cwd);
  const files = await findLockfiles(abs, { recursive: o.recursive ?? false });
  if (files.length === 0) {
    throw new AppError('ERR_LOCKFILE_NOT_FOUND', `no lockfile in ${o.target}`, {
      file: o.target,
      hint: 'nodesec reads package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml and bun.lock; use --recursive for a tree of projects',
    });
  }
  const graphs: LockGraph[] = [];
  const errors: AppError[] = [];
  for (const f of files) {
    o.progress?.(`reading ${relative(root, f)}`);
    try {
      graphs.push(await readLockfile(f, { ...(o.mismatch && { mismatch: o.mismatch }) }));
    } catch (err) {
      if (!isAppError(err)) throw err;
      errors.push(err);
    }
  }
  if (graphs.length === 0 && errors.length === 1) throw errors[0]!;
  o.progress?.(`matching ${graphs.reduce((n, g) => n + g.packages.length, 0)} packages against ${o.source.size} advisories`);
  const result = await runAudit(graphs, {
    source: o.source,
    root,
    ...(o.omit && { omit: o.omit }),
    ...(o.maxPaths !== undefined && { maxPaths: o.maxPaths }),
    ...(o.ignore && { ignore: o.ignore }),
    ...(o.registry && { versionsOf: registryClient({ registry: o.registry.url, fetch: o.registry.fetch, ...(o.registry.signal && { signal: o.registry.signal }) }) }),
    relative: (p) => relative(root, resolve(o.cwd, p)).split('\\').join('/') || p,
  });
  return { result, errors, root };
}
