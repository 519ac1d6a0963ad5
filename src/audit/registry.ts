/**
 * Published versions of a package from the npm registry (the abbreviated packument), for the
 * minimal-upgrade advice. Best effort: a registry that fails or times out yields `undefined`
 * and the audit falls back to the versions the advisories name; it never fails the audit.
 */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

export interface RegistryOptions {
  registry?: string;
  fetch: typeof fetch;
  /** Per request, milliseconds. */
  timeoutMs?: number;
  /** Requests in flight at most (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface PackageVersions {
  versions: string[];
  /** Versions marked deprecated by their publisher. */
  deprecated: Set<string>;
}

/** `@scope/name` is sent as `@scope%2fname`, as npm does. */
export function packumentUrl(registry: string, name: string): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return base + (name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name));
}

export function registryClient(opts: RegistryOptions): (name: string) => Promise<PackageVersions | undefined> {
  const registry = opts.registry ?? DEFAULT_REGISTRY;
  const cache = new Map<string, Promise<PackageVersions | undefined>>();
  const limit = Math.max(1, opts.concurrency ?? 8);
  let active = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    while (active >= limit) await new Promise<void>((ok) => waiting.push(ok));
    active++;
  };
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return (name) => {
    let p = cache.get(name);
    if (!p) {
      p = (async () => {
        await slot();
        const signals = [AbortSignal.timeout(opts.timeoutMs ?? 10_000)];
        if (opts.signal) signals.push(opts.signal);
        try {
          const res = await opts.fetch(packumentUrl(registry, name), {
            headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' },
            signal: AbortSignal.any(signals),
          });
          if (!res.ok) return undefined;
          const body = (await res.json()) as { versions?: Record<string, { deprecated?: unknown }> };
          if (!body || typeof body.versions !== 'object' || body.versions === null) return undefined;
          const deprecated = new Set<string>();
          for (const [v, m] of Object.entries(body.versions)) if (m && typeof m.deprecated === 'string' && m.deprecated) deprecated.add(v);
          return { versions: Object.keys(body.versions), deprecated };
        } catch {
          return undefined;
        } finally {
          release();
        }
      })();
      cache.set(name, p);
    }
    return p;
  };
}
