/** Test helpers for the regex scan: temporary project trees and a stand-in analysis engine. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RegexAnalysis } from '../../src/redos/types.ts';

/** Writes `{ 'a/b.js': 'text' }` under a fresh temporary directory; returns it. */
export function writeTree(files: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'nodesec-regex-'));
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A stand-in for analyzeRegex: `(a+)+` and `(b+)+` are exponential, `(c*)*d`-free `\s*x\s*`
 * quadratic, anything with `UNKNOWN` undecided, `[` alone invalid, the rest safe. Counts calls.
 */
export function fakeAnalyzer() {
  const calls: string[] = [];
  const analyze = async (pattern: string, flags: string): Promise<RegexAnalysis> => {
    calls.push(`${flags}/${pattern}`);
    const base = { pattern, flags, ms: 1 };
    if (/\((a|b)\+\)\+/.test(pattern)) {
      return {
        ...base,
        verdict: {
          kind: 'vulnerable',
          complexity: { type: 'exponential' },
          attack: { prefix: '', pump: pattern.includes('a') ? 'a' : 'b', suffix: '!' },
          verified: true,
          proof: { method: 'v8-timing', samples: [{ pumps: 20, length: 21, ms: 150 }], fitted: { type: 'exponential', value: 2 } },
          attackLength100ms: 20,
          attackLength1s: 23,
          severity: 'high',
        },
        hint: 'make the inner quantifier possessive-like: (a+)+ → a+',
      };
    }
    if (pattern.includes('\\s*x\\s*')) {
      return { ...base, verdict: { kind: 'vulnerable', complexity: { type: 'polynomial', degree: 2 }, attack: { prefix: '', pump: ' ', suffix: '' }, verified: false, severity: 'low' } };
    }
    if (pattern.includes('UNKNOWN')) return { ...base, verdict: { kind: 'unknown', why: 'budget' } };
    if (pattern === '[') return { ...base, verdict: { kind: 'invalid', message: 'Unterminated character class' } };
    return { ...base, verdict: { kind: 'safe' } };
  };
  return { analyze, calls };
}

/** A JSON Schema validator for a schema file (draft-04 `id` is read as draft-07 `$id`). */
export function validator(file: string) {
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (typeof schema.id === 'string') {
    schema.$id = schema.id;
    delete schema.id;
  }
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(schema);
}
