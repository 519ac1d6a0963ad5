/**
 * Package URLs (https://github.com/package-url/purl-spec) as OSV's query API accepts them:
 * `pkg:npm/%40scope/name@1.2.3` → `{ ecosystem: 'npm', name: '@scope/name', version: '1.2.3' }`,
 * and the Node.js runtime as the WG names it: `pkg:github/nodejs/node@v20.1.0` →
 * `{ ecosystem: 'Node.js', name: 'node', version: '20.1.0' }`.
 */
import { AppError } from '../core/errors.ts';
import { NODE_PACKAGE } from '../advisory/index.ts';

const ECOSYSTEMS: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  cargo: 'crates.io',
  gem: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
  hex: 'Hex',
  pub: 'Pub',
};

export interface ParsedPurl {
  ecosystem: string;
  name: string;
  version?: string;
}

function decode(s: string, purl: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new AppError('ERR_HUB_VALIDATION', `invalid percent-encoding in purl ${JSON.stringify(purl)}`, { pointer: '/package/purl' });
  }
}

export function parsePurl(purl: string): ParsedPurl {
  const bad = (why: string) => new AppError('ERR_HUB_VALIDATION', `invalid purl ${JSON.stringify(purl)}: ${why}`, { pointer: '/package/purl', hint: 'use the form pkg:npm/name@version or pkg:npm/%40scope/name@version' });
  if (!purl.startsWith('pkg:')) throw bad('it must start with "pkg:"');
  let rest = purl.slice(4).replace(/^\/+/, '');
  rest = rest.split('#')[0]!.split('?')[0]!;
  const slash = rest.indexOf('/');
  if (slash <= 0) throw bad('it has no type and name');
  const type = rest.slice(0, slash).toLowerCase();
  let path = rest.slice(slash + 1);
  let version: string | undefined;
  const at = path.lastIndexOf('@');
  if (at > 0 && path.lastIndexOf('/') < at) {
    version = decode(path.slice(at + 1), purl);
    path = path.slice(0, at);
  }
  const parts = path.split('/').filter(Boolean).map((p) => decode(p, purl));
  if (parts.length === 0) throw bad('it has no name');
  // the Node.js runtime (the WG's core advisories): pkg:github/nodejs/node@20.1.0
  if (type === 'github' && parts.join('/').toLowerCase() === 'nodejs/node') {
    return { ecosystem: NODE_PACKAGE.ecosystem, name: NODE_PACKAGE.name, ...(version && { version: version.replace(/^v/, '') }) };
  }
  const ecosystem = ECOSYSTEMS[type];
  if (!ecosystem) throw bad(`unsupported package type "${type}"`);
  const name = ecosystem === 'Maven' ? parts.join(':') : parts.join('/');
  return { ecosystem, name, ...(version !== undefined && version !== '' && { version }) };
}
