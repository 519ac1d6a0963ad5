/**
 * SARIF 2.1.0 from findings, shaped for GitHub code scanning: one run, rules with help and
 * `security-severity`, results located at file:line (a lockfile line for dependency findings),
 * `partialFingerprints` so that alerts survive line moves. Validated against the official
 * schema in tests (../shared/fixtures/schemas/sarif-schema-2.1.0.json).
 */
import type { Finding, Severity } from '../core/finding.ts';

export interface SarifRuleMeta {
  id: string;
  name?: string;
  shortDescription: string;
  fullDescription?: string;
  helpUri?: string;
  help?: string;
  severity: Severity;
  /** CVSS-like 0.0-10.0, GitHub uses it to rank alerts. */
  securitySeverity?: number;
  tags?: string[];
}

const LEVEL: Record<Severity, 'none' | 'note' | 'warning' | 'error'> = {
  info: 'note',
  low: 'note',
  moderate: 'warning',
  high: 'error',
  critical: 'error',
};

const DEFAULT_SECURITY_SEVERITY: Record<Severity, number> = { info: 0, low: 3, moderate: 5.5, high: 8, critical: 9.5 };

export interface SarifOptions {
  toolName?: string;
  toolVersion: string;
  informationUri?: string;
  /** Rule metadata by rule id; rules not listed are derived from their first finding. */
  rules?: Map<string, SarifRuleMeta>;
}

function fingerprint(f: Finding): string {
  // Stable across line moves: rule + file + the finding's own identity (message head).
  const basis = `${f.check}|${f.ruleId}|${f.location?.file ?? ''}|${f.title}`;
  let h1 = 0x811c9dc5;
  for (let i = 0; i < basis.length; i++) {
    h1 ^= basis.charCodeAt(i);
    h1 = Math.imul(h1, 0x01000193) >>> 0;
  }
  return h1.toString(16).padStart(8, '0');
}

export function toSarif(findings: readonly Finding[], opts: SarifOptions): Record<string, unknown> {
  const rules = new Map<string, SarifRuleMeta>(opts.rules ?? []);
  for (const f of findings) {
    if (!rules.has(f.ruleId)) {
      rules.set(f.ruleId, {
        id: f.ruleId,
        shortDescription: f.title,
        helpUri: f.url,
        help: f.help,
        severity: f.severity,
      });
    }
  }
  const ruleList = [...rules.values()];
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: opts.toolName ?? 'nodesec',
            version: opts.toolVersion,
            informationUri: opts.informationUri ?? 'https://github.com/nodesec/nodesec',
            rules: ruleList.map((r) => ({
              id: r.id,
              ...(r.name && { name: r.name }),
              shortDescription: { text: r.shortDescription },
              ...(r.fullDescription && { fullDescription: { text: r.fullDescription } }),
              ...(r.helpUri && { helpUri: r.helpUri }),
              ...(r.help && { help: { text: r.help, markdown: r.help } }),
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: {
                'security-severity': (r.securitySeverity ?? DEFAULT_SECURITY_SEVERITY[r.severity]).toFixed(1),
                tags: ['security', ...(r.tags ?? [])],
              },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId),
          level: LEVEL[f.severity],
          message: { text: `${f.title}${f.message ? `\n${f.message}` : ''}` },
          ...(f.location && {
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.location.file.replace(/\\/g, '/'), uriBaseId: '%SRCROOT%' },
                  region: {
                    startLine: Math.max(1, f.location.line ?? 1),
                    ...(f.location.column !== undefined && { startColumn: Math.max(1, f.location.column) }),
                    ...(f.location.endLine !== undefined && { endLine: f.location.endLine }),
                    ...(f.location.endColumn !== undefined && { endColumn: f.location.endColumn }),
                  },
                },
              },
            ],
          }),
          partialFingerprints: { 'nodesec/v1': fingerprint(f) },
          properties: { check: f.check, severity: f.severity },
        })),
      },
    ],
  };
}
