/** Test helpers for the hub: fixture records, an in-memory VulnReader, a built hub. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { OsvRecord } from '../../src/core/osv.ts';
import { buildHub, type HubDeps } from '../../src/hub/app.ts';
import { packageKey, type VulnReader } from '../../src/hub/vulns.ts';
import { OWN } from '../helpers/paths.ts';

export const HUB_FIXTURES = join(OWN, 'hub');

export function fixtureRecords(): OsvRecord[] {
  const dir = join(HUB_FIXTURES, 'osv');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as OsvRecord);
}

/** A VulnReader over an array (the contract the store adapter implements), counting calls. */
export class MemoryReader implements VulnReader {
  records: OsvRecord[];
  calls = 0;
  version = 0;
  down = false;
  constructor(records: OsvRecord[]) {
    this.records = records;
  }
  #check(): void {
    this.calls++;
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }
  async byPackage(ecosystem: string, name: string): Promise<OsvRecord[]> {
    this.#check();
    return this.records
      .filter((r) => r.affected?.some((a) => a.package?.name === name && a.package.ecosystem.toLowerCase() === ecosystem.toLowerCase()))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  async byPackages(keys: readonly { ecosystem: string; name: string }[]): Promise<Map<string, OsvRecord[]>> {
    const out = new Map<string, OsvRecord[]>();
    for (const k of keys) out.set(packageKey(k.ecosystem, k.name), await this.byPackage(k.ecosystem, k.name));
    return out;
  }
  async byId(id: string): Promise<OsvRecord | undefined> {
    this.#check();
    return this.records.find((r) => r.id === id || r.aliases?.includes(id));
  }
  async cursor(): Promise<string> {
    this.#check();
    return String(this.version);
  }
}

export async function memoryHub(records = fixtureRecords(), deps: Partial<HubDeps> = {}): Promise<{ app: FastifyInstance; reader: MemoryReader }> {
  const reader = new MemoryReader(records);
  const app = await buildHub({
    reader,
    ping: async () => void (await reader.cursor()),
    ...deps,
    config: { rateLimit: false, cachePollMs: 0, ...deps.config },
  });
  return { app, reader };
}

/** Asserts a response is an RFC 9457 problem body with the status and (optionally) code. */
export function problemOf(res: { statusCode: number; headers: Record<string, unknown>; body: string }): Record<string, unknown> {
  const body = JSON.parse(res.body) as Record<string, unknown>;
  for (const k of ['type', 'title', 'status', 'code', 'detail', 'instance']) {
    if (!(k in body)) throw new Error(`problem body without "${k}": ${res.body}`);
  }
  if (body.status !== res.statusCode) throw new Error(`problem status ${String(body.status)} != HTTP ${res.statusCode}`);
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) throw new Error(`content-type ${String(res.headers['content-type'])}`);
  return body;
}
