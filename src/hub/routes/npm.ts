/**
 * npm-compatible audit API, so that `npm audit --registry <hub>` reports the hub's advisories.
 *
 *   POST /-/npm/v1/security/advisories/bulk   { "<name>": ["<version>", ...] } → { "<name>": [advisory] }
 *       The body npm 7+ sends (gzip-encoded: `content-encoding: gzip`). The answer has the
 *       registry's advisory shape (`id, url, title, severity, vulnerable_versions, cwe, cvss`)
 *       and lists only packages with an advisory affecting one of the given versions; npm
 *       re-tests every installed version against `vulnerable_versions` itself.
 *   POST /-/npm/v1/security/audits/quick      npm 6's tree body → `{ actions, advisories, muted, metadata }`
 *
 * Advisories come from the npm ecosystem; withdrawn records are never reported.
 */
import { PROBLEM_RESPONSES } from '../problem.ts';
import type { FastifyInstance } from 'fastify';
import type { OsvRecord } from '../../core/osv.ts';
import { affects } from '../match.ts';
import { toNpmAdvisory, type NpmAdvisory, type NpmSeverity } from '../npm-advisory.ts';

/** Package names per bulk request; npm sends one entry per name in the tree. */
export const MAX_BULK_PACKAGES = 20_000;

const Advisory = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    url: { type: 'string' },
    title: { type: 'string' },
    severity: { type: 'string' },
    vulnerable_versions: { type: 'string' },
    cwe: { type: 'array', items: { type: 'string' } },
    cvss: { type: 'object', properties: { score: { type: 'number' }, vectorString: { type: ['string', 'null'] } } },
  },
} as const;

const problems = PROBLEM_RESPONSES;

const NAME = { type: 'string', minLength: 1, maxLength: 214 } as const;
const VERSION = { type: 'string', minLength: 1, maxLength: 256 } as const;

interface QuickDep {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  requires?: Record<string, string>;
  dependencies?: Record<string, QuickDep>;
}

/** Every advisory of every requested version, keyed by package name. */
async function bulk(app: FastifyInstance, body: Record<string, string[]>, baseUrl: string): Promise<Map<string, { advisory: NpmAdvisory; record: OsvRecord }[]>> {
  const queries = Object.entries(body).flatMap(([name, versions]) => versions.map((version) => ({ ecosystem: 'npm', name, version })));
  const matched = await app.vulns.matching(queries);
  const hitsByName = new Map<string, Map<string, OsvRecord>>();
  queries.forEach((q, i) => {
    for (const r of matched[i]!) {
      let m = hitsByName.get(q.name);
      if (!m) hitsByName.set(q.name, (m = new Map()));
      m.set(r.id, r);
    }
  });
  const out = new Map<string, { advisory: NpmAdvisory; record: OsvRecord }[]>();
  for (const [name, records] of hitsByName) {
    out.set(name, [...records.values()].map((record) => ({ record, advisory: toNpmAdvisory(record, name, baseUrl) })));
  }
  return out;
}

function baseUrlOf(req: { protocol: string; host: string }): string {
  return `${req.protocol}://${req.host}`;
}

export default async function npmRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: Record<string, string[]> }>('/-/npm/v1/security/advisories/bulk', {
    schema: {
      body: {
        type: 'object',
        maxProperties: MAX_BULK_PACKAGES,
        propertyNames: NAME,
        additionalProperties: { type: 'array', maxItems: 1000, items: VERSION },
      },
      response: { 200: { type: 'object', additionalProperties: { type: 'array', items: Advisory } }, ...problems },
    },
  }, async (req) => {
    const found = await bulk(app, req.body, baseUrlOf(req));
    const res: Record<string, NpmAdvisory[]> = {};
    for (const [name, list] of found) res[name] = list.map((x) => x.advisory);
    return res;
  });

  const QuickDepSchema = {
    $id: 'NpmQuickDep',
    type: 'object',
    properties: {
      version: VERSION,
      integrity: { type: 'string', maxLength: 1024 },
      resolved: { type: 'string', maxLength: 2048 },
      bundled: { type: 'boolean' },
      dev: { type: 'boolean' },
      optional: { type: 'boolean' },
      requires: { type: 'object', maxProperties: 10_000, additionalProperties: { type: 'string', maxLength: 1024 } },
      dependencies: { type: 'object', maxProperties: 10_000, propertyNames: NAME, additionalProperties: { $ref: 'NpmQuickDep#' } },
    },
  } as const;
  app.addSchema(QuickDepSchema);

  app.post<{ Body: { name?: string; version?: string; requires?: Record<string, string>; dependencies?: Record<string, QuickDep> } }>('/-/npm/v1/security/audits/quick', {
    schema: {
      body: {
        type: 'object',
        properties: {
          name: { type: 'string', maxLength: 214 },
          version: { type: 'string', maxLength: 256 },
          install: { type: 'array', maxItems: 10_000 },
          remove: { type: 'array', maxItems: 10_000 },
          metadata: { type: 'object' },
          requires: { type: 'object', maxProperties: 10_000, additionalProperties: { type: 'string', maxLength: 1024 } },
          dependencies: { type: 'object', maxProperties: 10_000, propertyNames: NAME, additionalProperties: { $ref: 'NpmQuickDep#' } },
        },
      },
      response: { 200: { type: 'object', additionalProperties: true }, ...problems },
    },
  }, async (req) => {
    // Flatten the (bounded-depth) tree into name → versions, counting dependency kinds.
    const versions: Record<string, Set<string>> = {};
    const counts = { dependencies: 0, devDependencies: 0, optionalDependencies: 0, totalDependencies: 0 };
    const stack: { deps: Record<string, QuickDep>; depth: number }[] = [{ deps: req.body.dependencies ?? {}, depth: 0 }];
    while (stack.length) {
      const { deps, depth } = stack.pop()!;
      for (const [name, dep] of Object.entries(deps)) {
        counts.totalDependencies++;
        if (dep.dev) counts.devDependencies++;
        else if (dep.optional) counts.optionalDependencies++;
        else counts.dependencies++;
        if (dep.version) (versions[name] ??= new Set()).add(dep.version);
        if (dep.dependencies && depth < 64) stack.push({ deps: dep.dependencies, depth: depth + 1 });
      }
    }
    const body: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(versions)) body[k] = [...v];
    const found = await bulk(app, body, baseUrlOf(req));
    const advisories: Record<string, unknown> = {};
    const vulnerabilities: Record<NpmSeverity, number> = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
    for (const [name, list] of found) {
      for (const { advisory, record } of list) {
        const findings = [{ version: body[name]!.filter((v) => affects(record, 'npm', name, v)).join(', '), paths: [name] }];
        advisories[String(advisory.id)] = {
          ...advisory,
          module_name: name,
          overview: record.details ?? record.summary ?? '',
          recommendation: '',
          references: (record.references ?? []).map((r) => r.url).join('\n'),
          cves: (record.aliases ?? []).filter((a) => a.startsWith('CVE-')),
          created: record.published ?? record.modified,
          updated: record.modified,
          findings,
          github_advisory_id: (record.aliases ?? []).find((a) => a.startsWith('GHSA-')) ?? null,
        };
        vulnerabilities[advisory.severity]++;
      }
    }
    return { actions: [], advisories, muted: [], metadata: { vulnerabilities, ...counts } };
  });
}
