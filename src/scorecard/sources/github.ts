/**
 * A GitHub repository as a RepoSource, through the REST API: the head commit of the default
 * branch (or a given ref), its content from the zipball, unpacked in memory with caps, and what
 * only the API knows (private vulnerability reporting). `scorecard check github.com/<o>/<r>`
 * uses it; `GITHUB_TOKEN` raises the rate limit.
 */
import { unzipSync } from 'fflate';
import { AppError } from '../../core/errors.ts';
import { getJson, type HttpOptions } from '../monitor/http.ts';
import { isSecurityPolicyFile } from '../raw/security-policy.ts';
import type { RepoSource } from '../types.ts';

export interface GithubSourceOptions {
  apiBase?: string;
  owner: string;
  repo: string;
  ref?: string;
  http: HttpOptions;
  /** Largest zipball accepted (default 200 MiB). */
  maxZipBytes?: number;
  /** Largest file kept (default 8 MiB) and largest total (default 1 GiB), by declared size. */
  maxFileBytes?: number;
  maxTotalBytes?: number;
}

export interface GithubRepoSource extends RepoSource {
  /** GitHub private vulnerability reporting, when the token may read it. */
  privateReporting(): Promise<boolean | undefined>;
  orgSecurityPolicy(): Promise<{ uri: string; content: Buffer } | undefined>;
}

export async function githubSource(o: GithubSourceOptions): Promise<GithubRepoSource> {
  const api = (o.apiBase ?? 'https://api.github.com').replace(/\/+$/, '');
  const slug = `${encodeURIComponent(o.owner)}/${encodeURIComponent(o.repo)}`;
  const meta = await getJson<{ default_branch?: string; full_name?: string }>(`${api}/repos/${slug}`, o.http);
  if (meta.status === 404 || !meta.body) throw new AppError('ERR_INPUT_NOT_FOUND', `GitHub has no repository ${o.owner}/${o.repo} (or the token cannot see it)`, { hint: 'check the name; private repositories need GITHUB_TOKEN' });
  const ref = o.ref ?? meta.body.default_branch ?? 'HEAD';
  const commit = await getJson<{ sha?: string }>(`${api}/repos/${slug}/commits/${encodeURIComponent(ref)}`, o.http);
  const sha = commit.body?.sha;
  if (!sha || !/^[0-9a-f]{40}$/.test(sha)) throw new AppError('ERR_UPSTREAM_HTTP', `cannot resolve ${ref} of ${o.owner}/${o.repo}`);
  const res = await o.http.fetch(`${api}/repos/${slug}/zipball/${sha}`, { headers: { accept: 'application/vnd.github+json', ...o.http.headers }, ...(o.http.signal && { signal: o.http.signal }) });
  if (!res.ok) throw new AppError('ERR_UPSTREAM_HTTP', `${api}/repos/${slug}/zipball/${sha} answered HTTP ${res.status}`);
  const maxZip = o.maxZipBytes ?? 200 * 1024 * 1024;
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxZip) throw new AppError('ERR_INPUT_TOO_LARGE', `the zipball of ${o.owner}/${o.repo} is ${declared} bytes, over the ${maxZip}-byte limit`);
  const zip = new Uint8Array(await res.arrayBuffer());
  if (zip.length > maxZip) throw new AppError('ERR_INPUT_TOO_LARGE', `the zipball of ${o.owner}/${o.repo} is over the ${maxZip}-byte limit`);
  const maxFile = o.maxFileBytes ?? 8 * 1024 * 1024;
  const maxTotal = o.maxTotalBytes ?? 1024 * 1024 * 1024;
  let total = 0;
  let entries;
  try {
    entries = unzipSync(zip, {
      filter: (f) => {
        if (f.name.endsWith('/') || f.originalSize > maxFile || total + f.originalSize > maxTotal) return false;
        total += f.originalSize;
        return true;
      },
    });
  } catch (cause) {
    throw new AppError('ERR_UPSTREAM_HTTP', `the zipball of ${o.owner}/${o.repo} cannot be read: ${(cause as Error).message}`, { cause });
  }
  // Entries are under one top directory (<owner>-<repo>-<sha>/): strip it.
  const files = new Map<string, Buffer>();
  for (const [name, data] of Object.entries(entries)) {
    const i = name.indexOf('/');
    const rel = i === -1 ? name : name.slice(i + 1);
    if (rel && !rel.split('/').includes('..')) files.set(rel, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  const names = [...files.keys()].sort();
  let pvr: Promise<boolean | undefined> | undefined;
  const quiet = { ...o.http, retries: 0 };
  return {
    async orgSecurityPolicy() {
      const owner = encodeURIComponent(o.owner);
      const tree = await getJson<{ tree?: { path: string; type: string }[] }>(`${api}/repos/${owner}/.github/git/trees/HEAD?recursive=1`, quiet).catch(() => undefined);
      const hit = tree?.body?.tree?.find((t) => t.type === 'blob' && isSecurityPolicyFile(t.path));
      if (!hit) return undefined;
      const file = await getJson<{ content?: string; encoding?: string }>(`${api}/repos/${owner}/.github/contents/${hit.path.split('/').map(encodeURIComponent).join('/')}`, quiet).catch(() => undefined);
      if (!file?.body?.content || file.body.encoding !== 'base64') return undefined;
      return { uri: `github.com/${o.owner}/.github/${hit.path}`, content: Buffer.from(file.body.content, 'base64') };
    },
    uri: `github.com/${o.owner}/${o.repo}`,
    listFiles: async () => names,
    readFile: async (p) => files.get(p),
    headCommit: async () => sha,
    privateReporting() {
      pvr ??= getJson<{ enabled?: boolean }>(`${api}/repos/${slug}/private-vulnerability-reporting`, { ...o.http, retries: 0 })
        .then((r) => (typeof r.body?.enabled === 'boolean' ? r.body.enabled : undefined))
        .catch(() => undefined);
      return pvr;
    },
  };
}

/** `github.com/<owner>/<repo>` (or an https URL of it), else undefined. */
export function parseGithubTarget(s: string): { owner: string; repo: string } | undefined {
  const m = /^(?:https?:\/\/)?github\.com\/([A-Za-z0-9-_.]+)\/([A-Za-z0-9-_.]+?)(?:\.git)?\/?$/.exec(s);
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}
