/**
 * What every check reports. A finding is data; a failure to run is an error. `nodesec check`
 * combines the findings of every check into one report, and the reporters (text, json, sarif,
 * markdown) render them.
 */

/** npm's severity scale; the WG core label `medium` maps to `moderate`. Ordered low to high. */
export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Parses a user- or data-supplied severity label; `medium` is accepted for `moderate`. */
export function parseSeverity(label: string): Severity | undefined {
  const l = label.trim().toLowerCase();
  if (l === 'medium') return 'moderate';
  if (l === 'none' || l === 'informational') return 'info';
  return (SEVERITIES as readonly string[]).includes(l) ? (l as Severity) : undefined;
}

/** Bucket of a CVSS base score, as NVD and npm bucket them. */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'moderate';
  if (score > 0) return 'low';
  return 'info';
}

export function maxSeverity(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return severityRank(a) >= severityRank(b) ? a : b;
}

export interface Location {
  /** Path relative to the scanned root, with forward slashes. */
  file: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface Finding {
  /** Which check produced it: `audit`, `node`, `runtime-config`, `regex`, `scorecard`. */
  check: string;
  /** Stable rule id: an advisory id, `unsafe-regex`, `Token-Permissions`, `inspect-public-host`. */
  ruleId: string;
  severity: Severity;
  /** One line. */
  title: string;
  /** The details, plain text. */
  message: string;
  location?: Location;
  /** How to fix it. */
  help?: string;
  /** More information. */
  url?: string;
  /** Check-specific payload, kept in JSON output. */
  data?: unknown;
}
