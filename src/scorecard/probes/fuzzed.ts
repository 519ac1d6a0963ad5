import { defineProbe } from '../types.ts';
import type { FuzzingRaw } from '../raw/fuzzing.ts';

/** probes/fuzzed. */
export const fuzzed = defineProbe<FuzzingRaw>({
  id: 'fuzzed',
  short: 'Check that the project is fuzzed.',
  motivation: 'Fuzzing finds the inputs that crash or hang a parser long before an attacker does.',
  implementation: 'Looks for ClusterFuzzLite, and per prominent language for fuzz targets or property-based tests (fast-check for JavaScript and TypeScript).',
  remediation: { onOutcome: 'false', effort: 'high', text: 'Add fast-check property tests, or set up ClusterFuzzLite (https://google.github.io/clusterfuzzlite/) or OSS-Fuzz.' },
  run(raw) {
    // Fuzzers scorecard does not recognise are reported as not-supported: they never change the score.
    const notes = raw.notes.map((n) => ({ probe: this.id, outcome: 'not-supported' as const, message: n.text, location: n.location }));
    if (raw.fuzzers.length === 0) return [{ probe: this.id, outcome: 'false', message: 'no fuzzer integrations found' }, ...notes];
    return [...raw.fuzzers.map((f) => ({ probe: this.id, outcome: 'true' as const, message: `${f.name} integration found`, ...(f.files[0] && { location: f.files[0] }), values: { tool: f.name } })), ...notes];
  },
});
