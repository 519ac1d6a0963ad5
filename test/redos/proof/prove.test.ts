import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProofPool } from '../../../src/redos/proof/pool.ts';
import { prove } from '../../../src/redos/proof/prove.ts';

const pool = new ProofPool(2);
after(() => pool.close());

describe('V8 proof', () => {
  test('a hung match is killed at the deadline and the pool keeps working', async () => {
    const t0 = performance.now();
    const r = await pool.run({ pattern: '^(a+)+$', flags: '', prefix: '', pump: 'a', suffix: '!', pumps: 60, replaceAll: false, repeat: 1 }, 200);
    const ms = performance.now() - t0;
    assert.equal(r.timedOut, true);
    assert.ok(ms < 2_000, `took ${ms} ms to kill`);
    const ok = await pool.run({ pattern: '^a+$', flags: '', prefix: '', pump: 'a', suffix: '', pumps: 10, replaceAll: false, repeat: 1 }, 2_000);
    assert.equal(ok.timedOut, false);
  });

  test('exponential growth is fitted with a base near 2 and lengths are extrapolated', async () => {
    const r = await prove({ pattern: '^(a+)+$', flags: '', attack: { prefix: '', pump: 'a', suffix: '!' }, expected: 'exponential', replaceAll: false, budgetMs: 3_000, pool });
    assert.equal(r.reproduced, true, r.detail);
    assert.equal(r.proof.fitted.type, 'exponential');
    assert.ok(r.proof.fitted.value > 1.4 && r.proof.fitted.value < 3.5, `base ${r.proof.fitted.value}`);
    assert.ok(r.attackLength100ms! < 60 && r.attackLength1s! < 70, `${r.attackLength100ms} / ${r.attackLength1s}`);
    assert.ok(r.attackLength100ms! <= r.attackLength1s!);
    // lengths follow pumps
    for (const s of r.proof.samples) assert.equal(s.length, s.pumps + 1);
  });

  test('quadratic growth is fitted with a degree near 2', async () => {
    const r = await prove({ pattern: '\\s+$', flags: '', attack: { prefix: 'a', pump: ' ', suffix: 'a' }, expected: 'polynomial', replaceAll: false, budgetMs: 3_000, pool });
    assert.equal(r.reproduced, true, r.detail);
    assert.equal(r.complexity?.type, 'polynomial');
    // (timing on a shared machine is noisy: the bounds only separate quadratic from linear and exponential)
    assert.ok(r.proof.fitted.value > 1.5 && r.proof.fitted.value < 3.5, `degree ${r.proof.fitted.value}`);
    assert.ok(r.complexity?.degree === 2 || r.complexity?.degree === 3);
    assert.ok(r.attackLength1s! > 5_000, `${r.attackLength1s}`);
  });

  test('a linear match is not reproduced', async () => {
    const r = await prove({ pattern: '^a+b$', flags: '', attack: { prefix: '', pump: 'a', suffix: '!' }, expected: 'polynomial', replaceAll: false, budgetMs: 2_000, pool });
    assert.equal(r.reproduced, false);
    assert.match(r.detail ?? '', /ran in/);
  });

  test('a fake exponential candidate stops early instead of spending the budget', async () => {
    const t0 = performance.now();
    const r = await prove({ pattern: '^a*$', flags: '', attack: { prefix: '', pump: 'a', suffix: '!' }, expected: 'exponential', replaceAll: false, budgetMs: 3_000, pool });
    assert.equal(r.reproduced, false);
    assert.ok(performance.now() - t0 < 3_000);
  });

  test('g-flag attacks are timed with replace (the whole global search)', async () => {
    const r = await prove({ pattern: '^\\s*|\\s*$', flags: 'g', attack: { prefix: 'a', pump: ' ', suffix: 'a' }, expected: 'polynomial', replaceAll: true, budgetMs: 3_000, pool });
    assert.equal(r.reproduced, true, r.detail);
  });
});
