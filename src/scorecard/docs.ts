/**
 * The pages of docs/findings/, one per probe, generated from the probes' metadata so that the
 * two cannot drift (a test compares them). Regenerate with:
 *   node src/scorecard/docs.ts --write
 */
import { CHECKS, checkUrl } from './registry.ts';
import type { Probe } from './types.ts';

export function probePage(check: (typeof CHECKS)[number], p: Probe<unknown>): string {
  const others = check.probes.filter((x) => x.id !== p.id).map((x) => `[${x.id}](${x.id}.md)`);
  return `# ${p.id}

Probe of the **${check.name}** check (${check.risk} risk) of \`nodesec scorecard check\`, the same probe as
OpenSSF Scorecard's [\`probes/${p.id}\`](https://github.com/ossf/scorecard/tree/main/probes/${p.id}).

${p.short}

## Why it matters

${p.motivation}

## How nodesec decides

${p.implementation}

Outcomes: \`true\` / \`false\` as in scorecard (the finding that needs work is \`${p.remediation.onOutcome}\`);
\`not-applicable\` or \`not-available\` when the repository gives nothing to look at.
${others.length ? `\nThe ${check.name} score combines it with ${others.join(', ')}; see [docs/scorecard.md](../scorecard.md#${check.name.toLowerCase()}).\n` : `\nThe ${check.name} score is computed from this probe alone; see [docs/scorecard.md](../scorecard.md#${check.name.toLowerCase()}).\n`}
## Remediation (effort: ${p.remediation.effort})

${p.remediation.text}

## Exceptions

An entry in \`.nodesec.json\` with \`"id": "${check.name}"\` and \`files\` globs removes this probe's findings in
those files from the "after exceptions" score; without \`files\` it excepts the whole check.

More: ${checkUrl(check.name)}
`;
}

export function allPages(): Map<string, string> {
  const pages = new Map<string, string>();
  for (const c of CHECKS) for (const p of c.probes) pages.set(`${p.id}.md`, probePage(c, p));
  return pages;
}

if (import.meta.main && process.argv.includes('--write')) {
  const { writeFileSync } = await import('node:fs');
  const { join, dirname } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'findings');
  for (const [name, text] of allPages()) writeFileSync(join(dir, name), text);
}
