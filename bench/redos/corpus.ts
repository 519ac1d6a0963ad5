/**
 * The ReDoS benchmark corpus, built at bench time from real packages:
 *
 *   culprit  regexes present only in the vulnerable version of a package with a ReDoS advisory
 *            (the WG's records in ../shared/fixtures/nswg/vuln/npm, and published CVEs listed in
 *            cve-packages.json): the likely causes of the advisory
 *   package  every other regex of those package versions (the bulk: real-world regexes)
 *   safe     linear regexes that look dangerous (safe-regexes.json)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { extractFromSource } from '../../src/redos/extract/extract.ts';
import { isSourceFile } from '../../src/redos/extract/files.ts';
import { packument, tarballFiles } from './registry.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const WG_NPM = resolve(HERE, '..', '..', '..', 'shared', 'fixtures', 'nswg', 'vuln', 'npm');

export interface CorpusRegex {
  pattern: string;
  flags: string;
  set: 'culprit' | 'package' | 'safe';
  /** Where it comes from: `WG-100 uri-js@2.1.1 dist/es5/uri.all.js:123`. */
  from: string[];
}

export interface AdvisoryPair {
  id: string;
  name: string;
  vulnerable?: string;
  patched?: string;
  culprits: number;
  note?: string;
}

const SKIP_DIR = /(^|\/)(test|tests|__tests__|spec|specs|benchmark|benchmarks|bench|example|examples|docs?|coverage)\//i;

/** Regexes of one package version: `flags/pattern` → locations. */
async function versionRegexes(name: string, version: string): Promise<Map<string, { pattern: string; flags: string; at: string[] }>> {
  const files = await tarballFiles(await packument(name), version);
  const out = new Map<string, { pattern: string; flags: string; at: string[] }>();
  for (const [path, buf] of files) {
    if (!isSourceFile(path) || SKIP_DIR.test(path) || buf.length > 5 * 1024 * 1024) continue;
    const r = extractFromSource(buf.toString('utf8'), path);
    for (const s of r.sites) {
      const k = `${s.flags}/${s.pattern}`;
      const e = out.get(k) ?? { pattern: s.pattern, flags: s.flags, at: [] };
      e.at.push(`${path}:${s.line}`);
      out.set(k, e);
    }
  }
  return out;
}

interface PairSpec {
  id: string;
  name: string;
  vulnerableRange?: string;
  patchedRange?: string;
  vulnerable?: string;
  patched?: string;
}

function wgSpecs(): PairSpec[] {
  const out: PairSpec[] = [];
  for (const f of readdirSync(WG_NPM).filter((x) => x.endsWith('.json'))) {
    const rec = JSON.parse(readFileSync(join(WG_NPM, f), 'utf8')) as Record<string, unknown>;
    const text = `${String(rec.title ?? '')}\n${String(rec.overview ?? '')}`;
    if (!/regular expression denial of service|\bredos\b/i.test(text) || typeof rec.module_name !== 'string') continue;
    out.push({
      id: `WG-${String(rec.id)}`,
      name: rec.module_name,
      vulnerableRange: String(rec.vulnerable_versions ?? ''),
      ...(typeof rec.patched_versions === 'string' && { patchedRange: rec.patched_versions }),
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

function cveSpecs(): PairSpec[] {
  const j = JSON.parse(readFileSync(join(HERE, 'cve-packages.json'), 'utf8')) as { packages: { id: string; name: string; vulnerable: string; patched: string }[] };
  return j.packages.map((p) => ({ id: p.id, name: p.name, vulnerable: p.vulnerable, patched: p.patched }));
}

async function resolvePair(s: PairSpec): Promise<{ vulnerable?: string; patched?: string; note?: string }> {
  const p = await packument(s.name);
  const versions = Object.keys(p.versions).filter((v) => semver.valid(v));
  if (s.vulnerable) {
    const missing = [s.vulnerable, s.patched].filter((v) => v && !p.versions[v]);
    if (missing.length) return { note: `not in the registry: ${missing.join(', ')}` };
    return { vulnerable: s.vulnerable, patched: s.patched };
  }
  const vuln = semver.maxSatisfying(versions, s.vulnerableRange ?? '', { loose: true }) ?? undefined;
  if (!vuln) return { note: `no version matches ${s.vulnerableRange}` };
  const patchedCandidates = s.patchedRange ? versions.filter((v) => semver.gt(v, vuln) && semver.satisfies(v, s.patchedRange!, { loose: true })) : [];
  const patched = patchedCandidates.sort(semver.compare)[0];
  return { vulnerable: vuln, ...(patched ? { patched } : { note: 'no patched version: only its regexes are used (package set)' }) };
}

export async function buildCorpus(log: (m: string) => void): Promise<{ regexes: CorpusRegex[]; pairs: AdvisoryPair[] }> {
  const all = new Map<string, CorpusRegex>();
  const add = (pattern: string, flags: string, set: CorpusRegex['set'], from: string) => {
    const k = `${flags}/${pattern}`;
    const e = all.get(k);
    if (!e) all.set(k, { pattern, flags, set, from: [from] });
    else {
      if (set === 'culprit' && e.set === 'package') e.set = 'culprit';
      if (e.from.length < 5) e.from.push(from);
    }
  };
  const pairs: AdvisoryPair[] = [];
  for (const spec of [...wgSpecs(), ...cveSpecs()]) {
    try {
      const { vulnerable, patched, note } = await resolvePair(spec);
      const pair: AdvisoryPair = { id: spec.id, name: spec.name, culprits: 0, ...(vulnerable && { vulnerable }), ...(patched && { patched }), ...(note && { note }) };
      pairs.push(pair);
      if (!vulnerable) continue;
      const v = await versionRegexes(spec.name, vulnerable);
      const fixed = patched ? await versionRegexes(spec.name, patched) : undefined;
      for (const [k, e] of v) {
        const culprit = fixed !== undefined && !fixed.has(k);
        if (culprit) pair.culprits++;
        add(e.pattern, e.flags, culprit ? 'culprit' : 'package', `${spec.id} ${spec.name}@${vulnerable} ${e.at[0]}`);
      }
      if (fixed) for (const [, e] of fixed) add(e.pattern, e.flags, 'package', `${spec.id} ${spec.name}@${patched} ${e.at[0]}`);
      log(`  ${spec.id.padEnd(17)} ${spec.name}@${vulnerable} → ${patched ?? '-'}: ${v.size} regexes, ${pair.culprits} only in the vulnerable version`);
    } catch (err) {
      pairs.push({ id: spec.id, name: spec.name, culprits: 0, note: (err as Error).message });
      log(`  ${spec.id.padEnd(17)} ${spec.name}: skipped (${(err as Error).message})`);
    }
  }
  const safe = JSON.parse(readFileSync(join(HERE, 'safe-regexes.json'), 'utf8')) as { regexes: { pattern: string; flags: string; why: string }[] };
  for (const s of safe.regexes) {
    const k = `${s.flags}/${s.pattern}`;
    if (all.has(k)) all.delete(k); // the safe set is judged on its own
    all.set(k, { pattern: s.pattern, flags: s.flags, set: 'safe', from: [`safe: ${s.why}`] });
  }
  // Drop what V8 itself rejects (the extractor reports those as invalid, not as regexes to judge).
  const regexes = [...all.values()].filter((r) => {
    try {
      new RegExp(r.pattern, r.flags);
      return true;
    } catch {
      return false;
    }
  });
  return { regexes, pairs };
}
