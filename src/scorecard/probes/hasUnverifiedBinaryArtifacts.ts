import { defineProbe } from '../types.ts';
import type { BinaryArtifactsRaw } from '../raw/binary-artifacts.ts';

/** probes/hasUnverifiedBinaryArtifacts: one `true` finding per binary, else one `false`. */
export const hasUnverifiedBinaryArtifacts = defineProbe<BinaryArtifactsRaw>({
  id: 'hasUnverifiedBinaryArtifacts',
  short: 'Checks if the project has binary files in its source tree, excluding validated Gradle wrappers.',
  motivation: 'Binary files cannot be reviewed: a compromised or outdated binary can hide in a commit.',
  implementation: 'Looks at every file for executable magic bytes, and at files with binary extensions for non-text content.',
  remediation: { onOutcome: 'true', effort: 'medium', text: 'Remove the binary from the repository and build it from source in CI, or fetch it at build time with a checksum.' },
  run(raw) {
    if (raw.files.length === 0) return [{ probe: this.id, outcome: 'false', message: 'Repository does not have binary artifacts.' }];
    return raw.files.map((f) => ({ probe: this.id, outcome: 'true' as const, message: `binary detected (${f.kind})`, location: { file: f.file, line: 1 } }));
  },
});
