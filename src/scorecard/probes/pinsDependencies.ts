import { defineProbe, type ProbeFinding } from '../types.ts';
import type { PinnedDependenciesRaw } from '../raw/pinned-dependencies.ts';

/** probes/pinsDependencies: one finding per dependency, `true` when pinned by hash. */
export const pinsDependencies = defineProbe<PinnedDependenciesRaw>({
  id: 'pinsDependencies',
  short: 'Check that the project pins dependencies to a specific hash.',
  motivation: 'A tag or a range can be moved to malicious code after review; a hash cannot.',
  implementation: 'Reads workflows, Dockerfiles and shell scripts for actions, images, package-manager installs and downloads, and checks each is pinned by hash.',
  remediation: { onOutcome: 'false', effort: 'medium', text: 'Pin actions to a full commit SHA (with the tag in a comment), images by @sha256 digest, and install from lockfiles (`npm ci`).' },
  run(raw) {
    const out: ProbeFinding[] = raw.errors.map((e) => ({ probe: this.id, outcome: 'error' as const, message: `Possibly incomplete results: ${e.message}`, location: { file: e.file, ...(e.line !== undefined && { line: e.line }) } }));
    if (raw.dependencies.length === 0) return [...out, { probe: this.id, outcome: 'not-applicable', message: 'no dependencies found' }];
    for (const d of raw.dependencies) {
      const owner = d.type === 'GitHubAction' ? (d.location.snippet?.startsWith('actions/') || d.location.snippet?.startsWith('github/') ? 'GitHub-owned GitHubAction' : 'third-party GitHubAction') : d.type;
      out.push({
        probe: this.id,
        outcome: d.pinned ? 'true' : 'false',
        message: d.pinned ? `${owner} is pinned` : `${owner} not pinned by hash`,
        location: d.location,
        values: { dependencyType: d.type },
      });
    }
    return out;
  },
});
