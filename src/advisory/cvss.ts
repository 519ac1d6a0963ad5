/**
 * CVSS vectors: parse, validate and score v2, v3.0, v3.1 and v4.0 with ae-cvss-calculator
 * (it implements each version's own formulas: 3.0 and 3.1 round differently). The severity
 * bucket always comes from `severityFromScore` in core/finding.ts, so every part of nodesec
 * buckets a score the same way.
 */
import cvssCalculator from 'ae-cvss-calculator';
import { severityFromScore, type Severity } from '../core/finding.ts';
import type { OsvRecord, OsvSeverity, OsvSeverityType } from '../core/osv.ts';

// a webpack CommonJS bundle: named ESM imports do not resolve, the default export does
const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssCalculator;

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  osvType: OsvSeverityType;
  vector: string;
  /** Base score (0.0–10.0). */
  score: number;
  severity: Severity;
}

// The OSV schema's own patterns for each vector type (a vector it rejects is one we reject).
const V2 = /^((AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))\/)*(AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))$/;
const V3 = /^CVSS:3[.][01]\/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])\/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$/;
const V4 = /^CVSS:4[.]0\/AV:[NALP]\/AC:[LH]\/AT:[NP]\/PR:[NLH]\/UI:[NPA]\/VC:[HLN]\/VI:[HLN]\/VA:[HLN]\/SC:[HLN]\/SI:[HLN]\/SA:[HLN](\/E:[XAPU])?(\/CR:[XHML])?(\/IR:[XHML])?(\/AR:[XHML])?(\/MAV:[XNALP])?(\/MAC:[XLH])?(\/MAT:[XNP])?(\/MPR:[XNLH])?(\/MUI:[XNPA])?(\/MVC:[XNLH])?(\/MVI:[XNLH])?(\/MVA:[XNLH])?(\/MSC:[XNLH])?(\/MSI:[XNLHS])?(\/MSA:[XNLHS])?(\/S:[XNP])?(\/AU:[XNY])?(\/R:[XAUI])?(\/V:[XDC])?(\/RE:[XLMH])?(\/U:(X|Clear|Green|Amber|Red))?$/;

const BASE_V2 = ['AV', 'AC', 'Au', 'C', 'I', 'A'];
const BASE_V3 = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'];

function hasAll(vector: string, metrics: string[]): string | undefined {
  const seen = new Map<string, number>();
  for (const part of vector.split('/')) {
    const k = part.split(':')[0] ?? '';
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  for (const m of metrics) if (!seen.has(m)) return `base metric ${m} is missing`;
  for (const [k, n] of seen) if (n > 1) return `metric ${k} is repeated`;
  return undefined;
}

/** The CVSS version of a vector by its prefix, or undefined. */
export function cvssVersion(vector: string): CvssVersion | undefined {
  if (vector.startsWith('CVSS:3.0/')) return '3.0';
  if (vector.startsWith('CVSS:3.1/')) return '3.1';
  if (vector.startsWith('CVSS:4.0/')) return '4.0';
  if (/^AV:[NAL]\//.test(vector)) return '2.0';
  return undefined;
}

/** Why a vector is not a valid CVSS vector, or undefined when it is. */
export function cvssProblem(vector: string): string | undefined {
  const version = cvssVersion(vector);
  if (!version) return 'not a CVSS vector: expected a CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/ prefix, or a v2 vector starting with AV:';
  if (version === '2.0') return V2.test(vector) ? hasAll(vector, BASE_V2) : 'not a valid CVSS v2 vector';
  if (version === '4.0') return V4.test(vector) ? undefined : 'not a valid CVSS v4.0 vector (metrics must be in the specification order)';
  return V3.test(vector) ? hasAll(vector.slice(9), BASE_V3) : `not a valid CVSS v${version} vector`;
}

/** Parses and scores a vector; undefined when it is not valid. Never throws. */
export function scoreCvss(vector: string): CvssScore | undefined {
  if (cvssProblem(vector) !== undefined) return undefined;
  const version = cvssVersion(vector)!;
  try {
    let score: number | undefined;
    let osvType: OsvSeverityType;
    if (version === '2.0') {
      score = new Cvss2(vector).calculateScores().base;
      osvType = 'CVSS_V2';
    } else if (version === '3.0') {
      score = new Cvss3P0(vector).calculateScores().base;
      osvType = 'CVSS_V3';
    } else if (version === '3.1') {
      score = new Cvss3P1(vector).calculateScores().base;
      osvType = 'CVSS_V3';
    } else {
      score = new Cvss4P0(vector).calculateScores().base;
      osvType = 'CVSS_V4';
    }
    if (typeof score !== 'number' || !Number.isFinite(score)) return undefined;
    return { version, osvType, vector, score, severity: severityFromScore(score) };
  } catch {
    return undefined;
  }
}

/** The OSV `severity` entry of a vector, or undefined when it is not valid. */
export function osvSeverityOf(vector: string): OsvSeverity | undefined {
  const s = scoreCvss(vector);
  return s && { type: s.osvType, score: s.vector };
}

const LABELS: Record<string, Severity> = {
  CRITICAL: 'critical', HIGH: 'high', MODERATE: 'moderate', MEDIUM: 'moderate', LOW: 'low',
};

/**
 * The severity of an advisory: the highest CVSS score among its `severity` entries (newest
 * CVSS version first when several), else the GHSA-style `database_specific.severity` label,
 * else undefined ("could not tell", never a silent low).
 */
export function advisorySeverity(rec: OsvRecord): { severity: Severity; score?: number; vector?: string } | undefined {
  const entries = [...(rec.severity ?? []), ...(rec.affected ?? []).flatMap((a) => a.severity ?? [])];
  let best: CvssScore | undefined;
  const rank: Record<CvssVersion, number> = { '4.0': 3, '3.1': 2, '3.0': 2, '2.0': 1 };
  for (const e of entries) {
    if (e.type === 'Ubuntu') continue;
    const s = scoreCvss(e.score);
    if (!s) continue;
    if (!best || rank[s.version] > rank[best.version] || (rank[s.version] === rank[best.version] && s.score > best.score)) best = s;
  }
  if (best) return { severity: best.severity, score: best.score, vector: best.vector };
  const label = rec.database_specific?.severity;
  if (typeof label === 'string' && LABELS[label.toUpperCase()]) return { severity: LABELS[label.toUpperCase()]! };
  return undefined;
}

/** The FIRST CVSS JSON object of a vector (as CVE JSON 5 `metrics[].cvssV3_1` etc. want it), or undefined. */
export function cvssJson(vector: string): { key: 'cvssV2_0' | 'cvssV3_0' | 'cvssV3_1' | 'cvssV4_0'; value: Record<string, unknown> } | undefined {
  const s = scoreCvss(vector);
  if (!s) return undefined;
  try {
    const C = s.version === '2.0' ? Cvss2 : s.version === '3.0' ? Cvss3P0 : s.version === '3.1' ? Cvss3P1 : Cvss4P0;
    const value = new C(vector).createJsonSchema() as unknown as Record<string, unknown>;
    return { key: `cvssV${s.version.replace('.', '_')}` as 'cvssV2_0', value };
  } catch {
    return undefined;
  }
}
