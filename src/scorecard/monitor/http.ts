/**
 * HTTP for the monitor: JSON GETs with retries and exponential backoff on 429 and 5xx (and on
 * network errors), honouring Retry-After, bounded by a per-request timeout; and a concurrency
 * pool. 404 is an answer (undefined), not an error: a repository without Scorecard results.
 */
import { AppError } from '../../core/errors.ts';

export interface HttpOptions {
  fetch: typeof fetch;
  retries?: number;
  /** First backoff in ms (doubles each retry, with jitter); default 500. */
  backoffMs?: number;
  /** Longest wait honoured from Retry-After, ms; default 60 s. */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Called before each retry (for progress). */
  onRetry?: (url: string, attempt: number, why: string, waitMs: number) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((ok, ko) => {
    const t = setTimeout(ok, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), ko(signal.reason)), { once: true });
  });

export interface JsonResponse<T> {
  status: number;
  body: T | undefined;
  headers: Headers;
}

export async function getJson<T>(url: string, o: HttpOptions): Promise<JsonResponse<T>> {
  const retries = o.retries ?? 4;
  const base = o.backoffMs ?? 500;
  const sleep = o.sleep ?? defaultSleep;
  let lastWhy = '';
  for (let attempt = 0; ; attempt++) {
    o.signal?.throwIfAborted();
    let res: Response | undefined;
    try {
      const signals = [AbortSignal.timeout(o.timeoutMs ?? 30_000), ...(o.signal ? [o.signal] : [])];
      res = await o.fetch(url, { headers: { accept: 'application/json', ...o.headers }, signal: AbortSignal.any(signals) });
    } catch (cause) {
      if (o.signal?.aborted) throw cause;
      lastWhy = (cause as Error).message;
      if (attempt >= retries) throw new AppError('ERR_UPSTREAM_UNREACHABLE', `cannot reach ${url}: ${lastWhy}`, { cause, hint: 'check the network, or the --github-api / --scorecard-api base URLs' });
    }
    if (res) {
      if (res.status === 404) {
        await res.body?.cancel();
        return { status: 404, body: undefined, headers: res.headers };
      }
      if (res.ok) {
        const text = await res.text();
        try {
          return { status: res.status, body: JSON.parse(text) as T, headers: res.headers };
        } catch (cause) {
          throw new AppError('ERR_UPSTREAM_HTTP', `${url} answered with malformed JSON`, { cause });
        }
      }
      await res.body?.cancel();
      lastWhy = `HTTP ${res.status}`;
      const retryable = res.status === 429 || res.status >= 500 || (res.status === 403 && res.headers.get('x-ratelimit-remaining') === '0');
      if (!retryable || attempt >= retries) {
        throw new AppError('ERR_UPSTREAM_HTTP', `${url} answered HTTP ${res.status}`, {
          details: { status: res.status },
          ...(res.status === 401 || res.status === 403 ? { hint: 'set GITHUB_TOKEN (a token with public_repo read access) for the GitHub API' } : {}),
        });
      }
      const ra = res.headers.get('retry-after');
      const reset = res.headers.get('x-ratelimit-reset');
      let wait = base * 2 ** attempt * (1 + Math.random() * 0.2);
      if (ra && /^\d+$/.test(ra)) wait = Number(ra) * 1000;
      else if (ra && !Number.isNaN(Date.parse(ra))) wait = Date.parse(ra) - Date.now();
      else if (reset && /^\d+$/.test(reset) && res.status !== 429 && res.status < 500) wait = Number(reset) * 1000 - Date.now();
      wait = Math.max(0, Math.min(wait, o.maxRetryAfterMs ?? 60_000));
      o.onRetry?.(url, attempt + 1, lastWhy, wait);
      await sleep(wait, o.signal);
      continue;
    }
    const wait = base * 2 ** attempt;
    o.onRetry?.(url, attempt + 1, lastWhy, wait);
    await sleep(wait, o.signal);
  }
}

/** Runs `fn` over `items` with at most `limit` at a time; results keep the input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** POST JSON (no retries: creating things twice is worse than failing once). */
export async function postJson<T>(url: string, body: unknown, o: Pick<HttpOptions, 'fetch' | 'headers' | 'signal' | 'timeoutMs'>): Promise<T> {
  let res: Response;
  try {
    const signals = [AbortSignal.timeout(o.timeoutMs ?? 30_000), ...(o.signal ? [o.signal] : [])];
    res = await o.fetch(url, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json', ...o.headers }, body: JSON.stringify(body), signal: AbortSignal.any(signals) });
  } catch (cause) {
    throw new AppError('ERR_UPSTREAM_UNREACHABLE', `cannot reach ${url}: ${(cause as Error).message}`, { cause });
  }
  const text = await res.text();
  if (!res.ok) {
    throw new AppError('ERR_UPSTREAM_HTTP', `${url} answered HTTP ${res.status}`, {
      details: { status: res.status },
      ...(res.status === 401 || res.status === 403 || res.status === 404 ? { hint: 'GITHUB_TOKEN must be allowed to create issues in that repository' } : {}),
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new AppError('ERR_UPSTREAM_HTTP', `${url} answered with malformed JSON`, { cause });
  }
}
