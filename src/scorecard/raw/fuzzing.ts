/**
 * Raw data of Fuzzing (checks/raw/fuzzing.go): ClusterFuzzLite (a `.clusterfuzzlite/Dockerfile`
 * with commands), and per prominent language a source pattern (JavaScript/TypeScript:
 * fast-check property-based tests, imported from the fast-check package or its ava/jest/vitest
 * integrations (an import or require line);
 * Go native fuzz functions; libFuzzer entry points; Atheris; Jazzer for Java; cargo-fuzz).
 * Prominent languages are those with at least a quarter of the average size per language, as
 * in getProminentLanguages; sizes are bytes by file extension (GitHub's linguist numbers are
 * bytes too). OSS-Fuzz membership needs the google/oss-fuzz project list and is not checked
 * offline. Jazzer.js and jsfuzz are reported as notes: scorecard does not count them.
 */
import type { RepoSource, Where } from '../types.ts';
import { containsCommands } from './fileparser.ts';

export interface FuzzingRaw {
  fuzzers: { name: string; files: Where[] }[];
  /** Fuzzing tools present that scorecard does not recognise. */
  notes: { text: string; location: Where }[];
}

const FAST_CHECK = `(from\\s+['"](fast-check|@fast-check/(ava|jest|vitest))['"]|require\\(\\s*['"](fast-check|@fast-check/(ava|jest|vitest))['"]\\s*\\))`;

const SPECS: Record<string, { exts: string[]; pattern: RegExp; name: string }> = {
  go: { exts: ['_test.go'], pattern: /func\s+Fuzz\w+\s*\(\w+\s+\*testing.F\)/, name: 'GoBuiltInFuzzer' },
  haskell: { exts: ['.hs', '.lhs'], pattern: /import\s+(qualified\s+)?Test\.((Hspec|Tasty)\.)?(QuickCheck|Hedgehog|Validity|SmallCheck)/, name: 'HaskellPropertyBasedTesting' },
  javascript: { exts: ['.js'], pattern: new RegExp(FAST_CHECK), name: 'JavaScriptPropertyBasedTesting' },
  typescript: { exts: ['.ts'], pattern: new RegExp(FAST_CHECK), name: 'TypeScriptPropertyBasedTesting' },
  python: { exts: ['.py'], pattern: /import atheris/, name: 'PythonAtherisFuzzer' },
  c: { exts: ['.c'], pattern: /LLVMFuzzerTestOneInput/, name: 'CLibFuzzer' },
  'c++': { exts: ['.cc', '.cpp'], pattern: /LLVMFuzzerTestOneInput/, name: 'CppLibFuzzer' },
  rust: { exts: ['.rs'], pattern: /libfuzzer_sys/, name: 'RustCargoFuzzer' },
  java: { exts: ['.java'], pattern: /com.code_intelligence.jazzer.api.FuzzedDataProvider;/, name: 'JavaJazzerFuzzer' },
  swift: { exts: ['.swift'], pattern: /LLVMFuzzerTestOneInput/, name: 'SwiftLibFuzzer' },
};

/** Linguist-like language of a path, by extension. */
export function languageOf(path: string): string | undefined {
  const p = path.toLowerCase();
  if (/(^|\/)(node_modules|vendor|third_party|dist)\//.test(p)) return undefined;
  const ext = p.slice(p.lastIndexOf('.'));
  const map: Record<string, string> = {
    '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
    '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescript',
    '.go': 'go', '.py': 'python', '.c': 'c', '.h': 'c', '.cc': 'c++', '.cpp': 'c++', '.cxx': 'c++', '.hpp': 'c++', '.hh': 'c++',
    '.rs': 'rust', '.java': 'java', '.swift': 'swift', '.hs': 'haskell', '.lhs': 'haskell',
    '.rb': 'ruby', '.php': 'php', '.cs': 'c#', '.kt': 'kotlin', '.sh': 'shell', '.py3': 'python',
  };
  return map[ext];
}

export function prominentLanguages(sizes: Map<string, number>): string[] {
  if (sizes.size === 0) return [];
  let total = 0;
  for (const v of sizes.values()) total += v;
  const threshold = Math.trunc(Math.trunc(total / sizes.size) / 4);
  return [...sizes].filter(([, v]) => v >= threshold).map(([k]) => k).sort();
}

export async function collectFuzzing(source: RepoSource): Promise<FuzzingRaw> {
  const files = await source.listFiles();
  const raw: FuzzingRaw = { fuzzers: [], notes: [] };
  if (files.includes('.clusterfuzzlite/Dockerfile')) {
    const text = (await source.readFile('.clusterfuzzlite/Dockerfile'))?.toString('utf8') ?? '';
    if (containsCommands(text, '#')) raw.fuzzers.push({ name: 'ClusterFuzzLite', files: [{ file: '.clusterfuzzlite/Dockerfile', line: 1 }] });
  }
  const sizes = new Map<string, number>();
  for (const f of files) {
    const l = languageOf(f);
    if (!l) continue;
    const b = await source.readFile(f);
    sizes.set(l, (sizes.get(l) ?? 0) + (b?.length ?? 0));
  }
  for (const lang of prominentLanguages(sizes)) {
    const spec = SPECS[lang];
    if (!spec) continue;
    const hits: Where[] = [];
    for (const f of files) {
      const lower = f.toLowerCase();
      if (!spec.exts.some((e) => lower.endsWith(e))) continue;
      const text = (await source.readFile(f))?.toString('utf8');
      if (!text) continue;
      text.split('\n').forEach((line, i) => {
        const m = spec.pattern.exec(line);
        if (m) hits.push({ file: f, line: i + 1, snippet: m[0] });
      });
    }
    if (hits.length > 0) raw.fuzzers.push({ name: spec.name, files: hits });
  }
  for (const f of files) {
    if (f !== 'package.json' && !f.endsWith('/package.json')) continue;
    if (/(^|\/)node_modules\//.test(f)) continue;
    const text = (await source.readFile(f))?.toString('utf8') ?? '';
    text.split('\n').forEach((line, i) => {
      const m = /"(@jazzer\.js\/[a-z-]+|jsfuzz)"\s*:/.exec(line);
      if (m) raw.notes.push({ text: `${m[1]} is a fuzzer, but scorecard's Fuzzing check does not recognise it (it counts OSS-Fuzz, ClusterFuzzLite and fast-check for JavaScript)`, location: { file: f, line: i + 1, snippet: m[0] } });
    });
  }
  return raw;
}
