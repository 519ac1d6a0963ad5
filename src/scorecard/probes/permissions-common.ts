/** Shared by the Token-Permissions probes (probes/internal/utils/permissions). */
import type { ProbeFinding } from '../types.ts';
import type { PermissionLocation, TokenPermission, TokenPermissionsRaw } from '../raw/token-permissions.ts';

export function permissionText(t: TokenPermission): string {
  if (t.level === 'undeclared') return `no ${t.locationType} permission defined`;
  if (t.name === undefined) return `${t.locationType} permissions set to '${t.value ?? ''}'`;
  return `${t.locationType} '${t.name}' permission set to '${t.value ?? ''}'`;
}

/** The finding of one raw entry at the probe's location type (topLevel or jobLevel). */
export function levelFinding(probe: string, t: TokenPermission): ProbeFinding | undefined {
  const base = { probe, location: t.location };
  if (t.level === 'none') return { ...base, outcome: 'false', message: "no workflows with 'none' permissions", values: { permissionLevel: 'none' } };
  if (t.level === 'read') return { ...base, outcome: 'true', message: "no workflows with 'read' permissions", values: { permissionLevel: 'read' } };
  if (t.level === 'undeclared') return { ...base, outcome: 'false', message: permissionText(t), values: { permissionLevel: 'undeclared', permissionLocation: t.locationType } };
  const tokenName = t.value === 'write-all' ? 'write-all' : t.name;
  if (tokenName === undefined) return undefined;
  return { ...base, outcome: 'false', message: permissionText(t), values: { permissionLevel: t.level, permissionLocation: t.locationType, tokenName } };
}

export function runLevel(probe: string, raw: TokenPermissionsRaw, loc: PermissionLocation, none: string): ProbeFinding[] {
  if (raw.numWorkflows === 0) return [{ probe, outcome: 'not-available', message: 'No token permissions found' }];
  const out: ProbeFinding[] = [];
  for (const t of raw.permissions) {
    if (t.locationType !== loc) continue;
    const f = levelFinding(probe, t);
    if (f) out.push(f);
  }
  if (out.length === 0) out.push({ probe, outcome: 'true', message: none });
  return out;
}
