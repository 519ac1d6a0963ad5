/** Paths to the shared, read-only fixtures (../shared beside the repository). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = resolve(REPO, '..', 'shared');
export const FIXTURES = join(SHARED, 'fixtures');
export const NSWG = join(FIXTURES, 'nswg');
export const NSWG_VULN = join(NSWG, 'vuln');
export const LOCKFILES = join(FIXTURES, 'lockfiles');
export const SCHEMAS = join(FIXTURES, 'schemas');
export const SCHEDULE = join(FIXTURES, 'node-release', 'schedule.json');
/** Our own small fixtures. */
export const OWN = join(REPO, 'test', 'fixtures');
