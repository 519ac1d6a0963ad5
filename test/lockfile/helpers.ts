import { join } from 'node:path';
import type { LockGraph, LockPackage } from '../../src/core/lockgraph.ts';
import { OWN } from '../helpers/paths.ts';

export const fx = (name: string): string => join(OWN, 'lockfile', name);

/** `alias=name@version` plus flags, the compact view the tests compare. */
export function describePackage(p: LockPackage): string {
  const flags = [p.dev && 'dev', p.optional && 'optional', p.peer && 'peer', p.extraneous && 'extraneous', p.bundled && 'bundled', p.notAuditable && `!${p.notAuditable.reason}`].filter(Boolean);
  return `${p.alias ? `${p.alias}=` : ''}${p.name}@${p.version}${flags.length ? ` ${flags.join(' ')}` : ''}`;
}

export function describeGraph(g: LockGraph): string[] {
  return g.packages.map(describePackage);
}

export function importerEdges(g: LockGraph, importer = 0): string[] {
  return g.edges.filter((e) => 'importer' in e.from && e.from.importer === importer)
    .map((e) => `${e.kind}:${e.name}->${g.packages[e.to]!.name}@${g.packages[e.to]!.version}`).sort();
}
