import { collectBinaryArtifacts } from '../raw/binary-artifacts.ts';
import { hasUnverifiedBinaryArtifacts } from '../probes/hasUnverifiedBinaryArtifacts.ts';
import { assertProbes, defineCheck, MAX, MIN, type Detail } from '../types.ts';

/** checks/evaluation/binary_artifacts.go: one point off per binary, floor 0. */
export const binaryArtifacts = defineCheck({
  name: 'Binary-Artifacts',
  risk: 'High',
  short: 'Determines if the project has generated executable (binary) artifacts in the source repository.',
  probes: [hasUnverifiedBinaryArtifacts],
  collect: (source) => collectBinaryArtifacts(source),
  evaluate(findings) {
    assertProbes(findings, [hasUnverifiedBinaryArtifacts.id]);
    let score = MAX;
    const details: Detail[] = [];
    for (const f of findings) {
      if (f.outcome === 'true') {
        details.push({ level: 'warn', text: 'binary detected', probe: f.probe, ...(f.location && { location: f.location }), remediation: hasUnverifiedBinaryArtifacts.remediation.text });
        score--;
      }
    }
    score = Math.max(score, MIN);
    if (score === MAX) return { score, reason: 'no binaries found in the repo', details };
    return { score, reason: 'binaries present in source code', details };
  },
});
