/**
 * Registry pass-through for `npm audit --registry <hub>`: npm also fetches packuments while it
 * builds its report, so every GET/HEAD the hub does not answer itself is proxied to
 * `--upstream-registry`. Responses are streamed to the client; those with an ETag (and at most
 * CACHEABLE_BYTES long) are kept in a bounded in-memory cache and revalidated with
 * `If-None-Match`, so a repeated audit costs the upstream a 304. When the upstream is away a
 * cached copy is served; otherwise the answer is a 502 problem.
 *
 * The hub's own credentials are never forwarded (no `authorization`), and only GET/HEAD pass.
 */
import { PassThrough, Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';

export const CACHEABLE_BYTES = 8 * 1024 * 1024;
const CACHE_BYTES = 128 * 1024 * 1024;
/** Paths the hub owns: never proxied, a miss there is a 404. */
const OWN = /^\/(?:v1\/|healthz|readyz|-\/npm\/v1\/security\/|api\/)/;
const FORWARD_REQ = ['accept', 'user-agent', 'npm-command', 'npm-session', 'npm-scope', 'npm-auth-type', 'npm-in-ci', 'pacote-version', 'pacote-req-type', 'pacote-pkg-id'];
const FORWARD_RES = ['content-type', 'etag', 'last-modified', 'cache-control'];

interface Entry {
  etag: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export class UpstreamCache {
  #map = new Map<string, Entry>();
  #bytes = 0;
  get(key: string): Entry | undefined {
    const e = this.#map.get(key);
    if (e) {
      this.#map.delete(key);
      this.#map.set(key, e);
    }
    return e;
  }
  set(key: string, e: Entry): void {
    this.delete(key);
    this.#map.set(key, e);
    this.#bytes += e.body.length;
    while (this.#bytes > CACHE_BYTES) {
      const oldest = this.#map.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }
  delete(key: string): void {
    const old = this.#map.get(key);
    if (old) {
      this.#bytes -= old.body.length;
      this.#map.delete(key);
    }
  }
  get size(): number {
    return this.#map.size;
  }
}

export interface UpstreamOptions {
  upstream: string;
  fetch?: typeof fetch;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
}

export async function upstreamProxy(app: FastifyInstance, opts: UpstreamOptions): Promise<void> {
  const base = opts.upstream.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? globalThis.fetch;
  const cache = new UpstreamCache();
  app.decorate('upstreamCache', cache);

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    if (OWN.test(req.url)) throw new AppError('ERR_HUB_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`);
    const target = base + req.url;
    const key = `${req.headers.accept ?? ''} ${req.url}`;
    const headers: Record<string, string> = {};
    for (const h of FORWARD_REQ) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const cached = cache.get(key);
    if (cached) headers['if-none-match'] = cached.etag;
    let res: Response;
    try {
      res = await doFetch(target, { method: req.method, headers, redirect: 'follow', signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
    } catch (cause) {
      if (cached) return sendCached(req, reply, cached, 'stale');
      throw new AppError('ERR_UPSTREAM_UNREACHABLE', `the upstream registry ${base} cannot be reached`, { cause });
    }
    if (res.status === 304 && cached) {
      await res.body?.cancel();
      return sendCached(req, reply, cached, 'revalidated');
    }
    reply.code(res.status);
    for (const h of FORWARD_RES) {
      const v = res.headers.get(h);
      if (v) reply.header(h, v);
    }
    reply.header('x-nodesec-upstream', 'miss');
    if (!res.body || req.method === 'HEAD') {
      await res.body?.cancel();
      return reply.send();
    }
    const etag = res.headers.get('etag');
    const length = Number(res.headers.get('content-length') ?? NaN);
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    if (res.status !== 200 || !etag || (Number.isFinite(length) && length > CACHEABLE_BYTES)) {
      if (res.status === 200) cache.delete(key);
      return reply.send(body);
    }
    // stream to the client and keep a copy for the cache
    const chunks: Buffer[] = [];
    let size = 0;
    const tee = new PassThrough();
    body.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= CACHEABLE_BYTES) chunks.push(c);
    });
    body.on('end', () => {
      if (size <= CACHEABLE_BYTES) {
        const kept: Record<string, string> = {};
        for (const h of FORWARD_RES) {
          const v = res.headers.get(h);
          if (v) kept[h] = v;
        }
        cache.set(key, { etag, status: 200, headers: kept, body: Buffer.concat(chunks) });
      }
    });
    body.on('error', (err) => tee.destroy(err));
    body.pipe(tee);
    return reply.send(tee);
  };

  app.route({ method: ['GET', 'HEAD'], url: '/*', handler });
}

function sendCached(req: FastifyRequest, reply: FastifyReply, e: Entry, how: string): FastifyReply {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  reply.header('x-nodesec-upstream', how);
  if (req.headers['if-none-match'] === e.etag) return reply.code(304).send();
  return reply.code(e.status).send(req.method === 'HEAD' ? undefined : e.body);
}

declare module 'fastify' {
  interface FastifyInstance {
    upstreamCache?: UpstreamCache;
  }
}
