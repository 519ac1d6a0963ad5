/**
 * Accuracy on the real corpus: for every lockfile in ../shared/fixtures/lockfiles, the audit's
 * (package@version, advisory) pairs must equal an independent naive computation that reads the
 * WG npm JSON files directly and applies semver.satisfies to every installed pair.
 * 100% precision and recall, or the test names the differences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { runAudit, type AuditFindingData } from '../../src/audit/audit.ts';
import { openAdvisorySource } from '../../src/advisory/index.ts';
import { findLockfiles, readLockfile } from '../../src/lockfile/index.ts';
import { LOCKFILES, NSWG_VULN } from '../helpers/paths.ts';

interface WgRecord { id: number; module_name: string; vulnerable_versions: string; patched_versions: string | null }

async function wgRecords(): Promise<WgRecord[]> {
  const dir = join(NSWG_VULN, 'npm');
  const out: WgRecord[] = [];
  for (const f of await readdir(dir)) {
    if (f === 'index.json' || !f.endsWith('.json')) continue;
    out.push(JSON.parse(await readFile(join(dir, f), 'utf8')) as WgRecord);
  }
  return out;
}

/** The WG's rule, written independently: vulnerable AND NOT patched (when patched is a usable range). */
function naiveAffected(r: WgRecord, version: string): boolean {
  if (!semver.satisfies(version, r.vulnerable_versions)) return false;
  const p = r.patched_versions;
  if (p && p.trim() && semver.validRange(p) && semver.satisfies(version, p)) return false;
  return true;
}

const projects = (await readdir(LOCKFILES, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const records = await wgRecords();
const byName = new Map<string, WgRecord[]>();
for (const r of records) (byName.get(r.module_name) ?? byName.set(r.module_name, []).get(r.module_name)!).push(r);
const source = await openAdvisorySource(NSWG_VULN, { env: {} });

let total = 0;
for (const project of projects) {
  test(`${project}: audit pairs equal the naive WG computation`, async () => {
    const files = await findLockfiles(join(LOCKFILES, project));
    assert.ok(files.length > 0, 'a lockfile');
    for (const file of files) {
      const graph = await readLockfile(file, { mismatch: 'warn' }); // matching accuracy, whatever package.json says
      const want = new Set<string>();
      for (const p of graph.packages) {
        if (p.notAuditable) continue;
        for (const r of byName.get(p.name) ?? []) if (naiveAffected(r, p.version)) want.add(`${p.name}@${p.version} NSWG-ECO-${r.id}`);
      }
      const result = await runAudit([graph], { source, root: LOCKFILES });
      const got = new Set(result.findings.map((f) => {
        const d = f.data as AuditFindingData;
        return `${d.package.name}@${d.package.version} ${d.id}`;
      }));
      const missing = [...want].filter((x) => !got.has(x));
      const extra = [...got].filter((x) => !want.has(x));
      assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${file}: recall and precision`);
      total += want.size;
    }
  });
}

test('the corpus exercises the matcher (vulnerable pairs found overall)', () => {
  assert.ok(total > 50, `only ${total} vulnerable pairs in the corpus`);
});
