import { collectDependencyUpdateTool } from '../raw/dependency-update-tool.ts';
import { dependencyUpdateToolConfigured } from '../probes/dependencyUpdateToolConfigured.ts';
import { assertProbes, defineCheck, MAX, MIN, type Detail } from '../types.ts';

/** checks/evaluation/dependency_update_tool.go: a configured tool is 10, none is 0. */
export const dependencyUpdateTool = defineCheck({
  name: 'Dependency-Update-Tool',
  risk: 'High',
  short: 'Determines if the project uses a dependency update tool.',
  probes: [dependencyUpdateToolConfigured],
  collect: (source) => collectDependencyUpdateTool(source),
  evaluate(findings) {
    assertProbes(findings, [dependencyUpdateToolConfigured.id]);
    const found = findings.filter((f) => f.outcome === 'true');
    if (found.length > 0) {
      return { score: MAX, reason: 'update tool detected', details: found.map((f): Detail => ({ level: 'info', text: f.message, probe: f.probe, ...(f.location && { location: f.location }) })) };
    }
    return { score: MIN, reason: 'no update tool detected', details: [{ level: 'warn', text: 'no dependency update tool configurations found', probe: dependencyUpdateToolConfigured.id, remediation: dependencyUpdateToolConfigured.remediation.text }] };
  },
});
