/**
 * Our yarn classic parser against the reference one (@yarnpkg/lockfile) on the corpus and on
 * our fixtures: same entries, versions, resolved URLs and dependencies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseYarnClassic } from '../../src/lockfile/readers/yarn-v1.ts';
import { LOCKFILES } from '../helpers/paths.ts';
import { fx } from './helpers.ts';

const require = createRequire(import.meta.url);
const reference = require('@yarnpkg/lockfile') as { parse(text: string): { type: string; object: Record<string, Record<string, unknown>> } };

describe('yarn classic parser agrees with @yarnpkg/lockfile', () => {
  const files = ['excalidraw__excalidraw', 'vuejs__vue-hackernews-2.0', 'withspectrum__spectrum'].map((d) => join(LOCKFILES, d, 'yarn.lock'));
  for (const file of [...files, fx('v1-sources.yarn.lock')]) {
    it(file.split('/').slice(-2).join('/'), () => {
      const text = readFileSync(file, 'utf8');
      const ref = reference.parse(text);
      assert.equal(ref.type, 'success');
      const ours: Record<string, unknown> = {};
      for (const e of parseYarnClassic(text, file)) {
        const value = { ...e.fields, ...(e.dependencies && { dependencies: e.dependencies }), ...(e.optionalDependencies && { optionalDependencies: e.optionalDependencies }) };
        for (const d of e.descriptors) ours[d] = value;
      }
      assert.deepEqual(Object.keys(ours).sort(), Object.keys(ref.object).sort());
      const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
      for (const key in ref.object) assert.deepEqual(plain(ours[key]), plain(ref.object[key]), key);
    });
  }
});
