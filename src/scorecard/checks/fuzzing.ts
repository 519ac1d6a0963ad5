import { collectFuzzing } from '../raw/fuzzing.ts';
import { fuzzed } from '../probes/fuzzed.ts';
import { assertProbes, defineCheck, MAX, MIN, type Detail } from '../types.ts';

/** checks/evaluation/fuzzing.go: any fuzzer is 10, none is 0. */
export const fuzzing = defineCheck({
  name: 'Fuzzing',
  risk: 'Medium',
  short: 'Determines if the project uses fuzzing.',
  probes: [fuzzed],
  collect: (source) => collectFuzzing(source),
  evaluate(findings) {
    assertProbes(findings, [fuzzed.id]);
    const hits = findings.filter((f) => f.outcome === 'true');
    const notes = findings.filter((f) => f.outcome === 'not-supported').map((f): Detail => ({ level: 'info', text: f.message, probe: f.probe, ...(f.location && { location: f.location }) }));
    if (hits.length > 0) return { score: MAX, reason: 'project is fuzzed', details: [...hits.map((f): Detail => ({ level: 'info', text: f.message, probe: f.probe, ...(f.location && { location: f.location }) })), ...notes] };
    return { score: MIN, reason: 'project is not fuzzed', details: [{ level: 'warn', text: 'no fuzzer integrations found', probe: fuzzed.id, remediation: fuzzed.remediation.text }, ...notes] };
  },
});
