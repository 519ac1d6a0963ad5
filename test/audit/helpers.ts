/** Hand-built advisory sources and lock graphs for the audit tests. */
import type { AdvisorySource, OsvRecord } from '../../src/core/osv.ts';
import type { DependencyKind, LockGraph, LockPackage } from '../../src/core/lockgraph.ts';

export function memorySource(records: OsvRecord[]): AdvisorySource {
  const byPkg = new Map<string, OsvRecord[]>();
  for (const r of records) {
    const names = new Set((r.affected ?? []).filter((a) => a.package).map((a) => `${a.package!.ecosystem.toLowerCase()}\0${a.package!.name}`));
    for (const k of names) (byPkg.get(k) ?? byPkg.set(k, []).get(k)!).push(r);
  }
  return {
    meta: { kind: 'memory', location: 'test' },
    byPackage: (eco, name) => byPkg.get(`${eco.toLowerCase()}\0${name}`) ?? [],
    byId: (id) => records.find((r) => r.id === id || r.aliases?.includes(id)),
    all: () => records,
    size: records.length,
  };
}

/** A WG npm record as the advisory core converts it (ranges verbatim under database_specific.nswg). */
export function wgNpm(id: number, name: string, vulnerable: string, patched: string | null, extra: Partial<OsvRecord> = {}): OsvRecord {
  return {
    id: `NSWG-ECO-${id}`,
    modified: '2020-01-01T00:00:00Z',
    summary: `advisory ${id}`,
    affected: [{ package: { ecosystem: 'npm', name }, database_specific: { nswg: { vulnerable_versions: vulnerable, patched_versions: patched } } }],
    ...extra,
  };
}

export function osvNpm(id: string, name: string, events: Record<string, string>[], extra: Partial<OsvRecord> = {}): OsvRecord {
  return {
    id,
    modified: '2024-01-01T00:00:00Z',
    summary: `advisory ${id}`,
    affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: events as never }] }],
    ...extra,
  };
}

interface PkgSpec {
  name: string;
  version: string;
  dev?: boolean;
  optional?: boolean;
  peer?: boolean;
  line?: number;
  notAuditable?: LockPackage['notAuditable'];
}

/**
 * A graph from a compact description: packages by key, edges as [from, to, kind] where from is
 * '.' (the root importer) or a package key.
 */
export function graph(pkgs: Record<string, PkgSpec>, edges: [string, string, DependencyKind?][], path = '/p/package-lock.json'): LockGraph {
  const keys = Object.keys(pkgs);
  const packages: LockPackage[] = keys.map((key, id) => {
    const p = pkgs[key]!;
    return {
      id,
      key,
      name: p.name,
      version: p.version,
      dev: p.dev ?? false,
      optional: p.optional ?? false,
      peer: p.peer ?? false,
      ...(p.line !== undefined && { line: p.line }),
      ...(p.notAuditable && { notAuditable: p.notAuditable }),
    };
  });
  return {
    manager: 'npm',
    reader: 'test@1',
    path,
    formatVersion: '3',
    importers: [{ path: '.', name: 'root', version: '1.0.0' }],
    packages,
    edges: edges.map(([from, to, kind]) => ({
      from: from === '.' ? { importer: 0 } : { package: keys.indexOf(from) },
      to: keys.indexOf(to),
      kind: kind ?? 'prod',
      name: pkgs[to]!.name,
    })),
    warnings: [],
  };
}

/** A JSON Schema validator (draft-04 SARIF and draft-07 ours), formats on. */
export async function schemaValidator(file: string): Promise<(value: unknown) => string | undefined> {
  const [{ readFile }, { Ajv }, formats] = await Promise.all([import('node:fs/promises'), import('ajv'), import('ajv-formats')]);
  const schema = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  // Ajv 8 speaks draft-07: map draft-04's `id` and drop the meta-schema reference.
  if (typeof schema.id === 'string') ((schema.$id = schema.id), delete schema.id);
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  (formats.default as unknown as (a: unknown) => void)(ajv);
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? undefined : ajv.errorsText(validate.errors?.slice(0, 5)));
}

/** A loopback HTTP server answering from a map of path -> [status, body]; counts requests. */
export async function loopback(routes: Record<string, [number, unknown]>): Promise<{ url: string; hits: string[]; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const r = routes[req.url ?? ''];
    res.writeHead(r?.[0] ?? 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(r?.[1] ?? { error: 'not found' }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, hits, close: () => new Promise((ok) => server.close(() => ok())) };
}
