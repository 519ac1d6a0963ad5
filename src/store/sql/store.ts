/** Assembles the repositories over a driver: the one implementation both backends share. */
import { AppError } from '../../core/errors.ts';
import type { Driver, HubPolicy, Store, StoreHealth, StoreOptions } from '../types.ts';
import { createAccountRepo } from './accounts.ts';
import { createAdvisoryRepo } from './advisories.ts';
import { createAuditRepo } from './audit.ts';
import type { SqlContext } from './context.ts';
import { currentVersion, knownMigrations, pendingMigrations, runMigrations } from './migrate.ts';
import { createSubmissionRepo } from './submissions.ts';

export const DEFAULT_POLICY: Readonly<HubPolicy> = Object.freeze({
  idPrefixes: Object.freeze({ npm: 'NSWG-ECO', 'Node.js': 'NSWG-COR' }),
  defaultIdPrefix: 'NSWG-MISC',
  requiredApprovals: 1,
  twoPersonRule: true,
});

const PREFIX = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$/;

export function resolvePolicy(partial: Partial<HubPolicy> = {}): Readonly<HubPolicy> {
  const p: HubPolicy = {
    idPrefixes: { ...(partial.idPrefixes ?? DEFAULT_POLICY.idPrefixes) },
    defaultIdPrefix: partial.defaultIdPrefix ?? DEFAULT_POLICY.defaultIdPrefix,
    requiredApprovals: partial.requiredApprovals ?? DEFAULT_POLICY.requiredApprovals,
    twoPersonRule: partial.twoPersonRule ?? DEFAULT_POLICY.twoPersonRule,
  };
  for (const prefix of [...Object.values(p.idPrefixes), p.defaultIdPrefix]) {
    if (!PREFIX.test(prefix)) throw new AppError('ERR_CONFIG_INVALID', `invalid hub id prefix ${JSON.stringify(prefix)}`, { hint: 'upper-case letters and digits in dash-separated parts, e.g. NSWG-ECO' });
  }
  if (!Number.isInteger(p.requiredApprovals) || p.requiredApprovals < 1 || p.requiredApprovals > 10) {
    throw new AppError('ERR_CONFIG_INVALID', `requiredApprovals must be 1-10, got ${p.requiredApprovals}`);
  }
  return Object.freeze(p);
}

export async function createSqlStore(driver: Driver, options: StoreOptions = {}): Promise<Store> {
  const policy = resolvePolicy(options.policy);
  const ctx: SqlContext = { driver, policy, now: options.now ?? (() => new Date()) };
  try {
    if (options.migrate ?? true) await runMigrations(driver);
    else {
      const pending = await pendingMigrations(driver);
      if (pending.length) {
        throw new AppError('ERR_STORE_MIGRATION', `${pending.length} migration(s) pending (${pending.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`).join(', ')})`, {
          hint: 'run `nodesec hub migrate` or open the store with migrations enabled',
        });
      }
    }
  } catch (err) {
    await driver.close().catch(() => {});
    throw err;
  }
  const expected = (await knownMigrations()).length;
  return {
    kind: driver.kind,
    policy,
    advisories: createAdvisoryRepo(ctx),
    submissions: createSubmissionRepo(ctx),
    accounts: createAccountRepo(ctx),
    audit: createAuditRepo(ctx),
    driver,
    migrate: () => runMigrations(driver),
    async health(): Promise<StoreHealth> {
      const started = performance.now();
      try {
        await driver.query('select 1');
        const latencyMs = Math.round((performance.now() - started) * 100) / 100;
        const schemaVersion = await currentVersion(driver);
        const ok = schemaVersion === expected;
        return { ok, kind: driver.kind, schemaVersion, expectedSchemaVersion: expected, latencyMs, ...(!ok && { error: `schema version ${schemaVersion}, expected ${expected}` }) };
      } catch (err) {
        return { ok: false, kind: driver.kind, expectedSchemaVersion: expected, error: (err as Error)?.message ?? String(err) };
      }
    },
    close: () => driver.close(),
  };
}
