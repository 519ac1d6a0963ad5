/**
 * Every lockfile reader, in one explicit list sorted by id. Order matters only where two
 * readers match the same file name (yarn classic and berry share `yarn.lock`): their
 * `matches` look at the file's first bytes to tell them apart.
 */
import { bunLock } from './readers/bun.ts';
import { npmLock } from './readers/npm.ts';
import { pnpmLock } from './readers/pnpm.ts';
import { yarnBerryLock } from './readers/yarn-berry.ts';
import { yarnClassicLock } from './readers/yarn-v1.ts';
import type { LockfileReader } from './types.ts';

export const readers: readonly LockfileReader[] = [bunLock, npmLock, pnpmLock, yarnBerryLock, yarnClassicLock];
