/**
 * `nodesec db push --to <hub-url>`: sends an advisory source to a hub's authenticated batch
 * endpoint (`POST /api/v1/import`, admin token), gzip-compressed, in chunks. Idempotent: pushing
 * the same data twice reports every record unchanged. A rejected record is reported and the
 * rest go on; an HTTP problem stops the push with the hub's problem detail.
 */
import { gzipSync } from 'node:zlib';
import { AppError, type ErrorCode, ERRORS } from '../core/errors.ts';
import type { AdvisorySource } from '../core/osv.ts';
import { addResult, CHUNK, chunks, emptySummary, type ImportSummary } from './ingest.ts';

export interface PushOptions {
  to: string;
  token: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  progress?: (m: string) => void;
  chunkSize?: number;
}

export async function pushSource(source: AdvisorySource, opts: PushOptions): Promise<ImportSummary> {
  let base: URL;
  try {
    base = new URL(opts.to);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
  } catch (cause) {
    throw new AppError('ERR_USAGE', `--to must be the hub's http(s) URL, not ${JSON.stringify(opts.to)}`, { cause });
  }
  const url = new URL('api/v1/import', base.href.endsWith('/') ? base.href : `${base.href}/`);
  const doFetch = opts.fetch ?? globalThis.fetch;
  const sum = emptySummary(source.meta.location);
  for (const chunk of chunks(source.all(), opts.chunkSize ?? CHUNK)) {
    opts.signal?.throwIfAborted();
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${opts.token}` },
        body: gzipSync(JSON.stringify({ records: chunk, source: source.meta.kind })),
        ...(opts.signal && { signal: opts.signal }),
      });
    } catch (cause) {
      throw new AppError('ERR_UPSTREAM_UNREACHABLE', `the hub at ${base.origin} cannot be reached`, { cause });
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const p = (body ?? {}) as { code?: string; detail?: string };
      const code = p.code && p.code in ERRORS && p.code !== 'ERR_INTERNAL' ? (p.code as ErrorCode) : 'ERR_UPSTREAM_HTTP';
      throw new AppError(code, `the hub refused the push (HTTP ${res.status}): ${p.detail ?? text.slice(0, 200)}`, {
        details: { status: res.status },
        ...(res.status === 401 || res.status === 403 ? { hint: 'pass an admin token with --token or NODESEC_HUB_TOKEN' } : {}),
      });
    }
    addResult(sum, body as ImportSummary, sum.records, chunk.length);
    opts.progress?.(`pushed ${sum.records}/${source.size} records`);
  }
  return sum;
}
