/**
 * Bench-time npm registry access for the ReDoS corpus: packuments and tarballs, cached under
 * bench/.cache/ (git-ignored; downloaded packages are never committed). Tarballs are read in
 * memory (gzip + ustar/pax), never unpacked to disk.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const CACHE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.cache');
const REGISTRY = 'https://registry.npmjs.org';

async function cachedFetch(url: string, file: string): Promise<Buffer> {
  if (existsSync(file)) return readFileSync(file);
  const res = await fetch(url, { headers: { accept: url.endsWith('.tgz') ? '*/*' : 'application/vnd.npm.install-v1+json' } });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const buf = Buffer.from(await res.arrayBuffer());
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, buf);
  return buf;
}

export interface Packument {
  name: string;
  versions: Record<string, { version: string; dist: { tarball: string; integrity?: string; shasum?: string } }>;
  time?: Record<string, string>;
}

export async function packument(name: string): Promise<Packument> {
  const safe = name.replace('/', '__');
  const buf = await cachedFetch(`${REGISTRY}/${name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}`, join(CACHE, 'registry', `${safe}.json`));
  return JSON.parse(buf.toString('utf8')) as Packument;
}

/** The files of a package version's tarball: path (without `package/`) → contents. */
export async function tarballFiles(p: Packument, version: string): Promise<Map<string, Buffer>> {
  const meta = p.versions[version];
  if (!meta) throw new Error(`${p.name}@${version} is not in the registry`);
  const file = join(CACHE, 'tarballs', `${p.name.replace('/', '__')}-${version}.tgz`);
  const tgz = await cachedFetch(meta.dist.tarball, file);
  if (meta.dist.shasum && createHash('sha1').update(tgz).digest('hex') !== meta.dist.shasum) throw new Error(`${p.name}@${version}: shasum mismatch`);
  return untar(gunzipSync(tgz));
}

function untar(tar: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  let paxPath: string | undefined;
  let longName: string | undefined;
  const str = (a: number, b: number) => tar.subarray(a, b).toString('utf8').replace(/\0.*$/s, '');
  while (off + 512 <= tar.length) {
    const h = off;
    if (tar[h] === 0) break;
    const size = parseInt(str(h + 124, h + 136).trim() || '0', 8);
    const type = String.fromCharCode(tar[h + 156] ?? 48);
    const prefix = str(h + 345, h + 500);
    let name = (prefix ? `${prefix}/` : '') + str(h, h + 100);
    const body = tar.subarray(h + 512, h + 512 + size);
    off = h + 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      paxPath = m?.[1];
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'g') continue;
    name = paxPath ?? longName ?? name;
    paxPath = longName = undefined;
    if (type !== '0' && type !== '\0') continue;
    out.set(name.replace(/^[^/]+\//, ''), Buffer.from(body));
  }
  return out;
}
