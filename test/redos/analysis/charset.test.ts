import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as cs from '../../../src/redos/analysis/charset.ts';

describe('character sets', () => {
  test('fromRanges merges overlapping and adjacent ranges', () => {
    assert.deepEqual(cs.fromRanges([[5, 9], [1, 3], [4, 4], [20, 30], [25, 40]]), [1, 9, 20, 40]);
  });
  test('union, intersect, complement and subtract', () => {
    const a = cs.fromRanges([[0x61, 0x7a]]);
    const b = cs.fromRanges([[0x30, 0x39], [0x78, 0x7f]]);
    assert.deepEqual(cs.union(a, b), [0x30, 0x39, 0x61, 0x7f]);
    assert.deepEqual(cs.intersect(a, b), [0x78, 0x7a]);
    assert.ok(cs.intersects(a, b));
    assert.ok(!cs.intersects(a, cs.DIGIT));
    assert.deepEqual(cs.complement([0, 9, 20, 0xffff], 0xffff), [10, 19]);
    assert.deepEqual(cs.subtract(a, b, 0xffff), [0x61, 0x77]);
  });
  test('membership by binary search', () => {
    assert.ok(cs.has(cs.SPACE, 0x3000));
    assert.ok(cs.has(cs.SPACE, 0xfeff));
    assert.ok(!cs.has(cs.SPACE, 0x200b));
    assert.ok(cs.has(cs.WORD, 0x5f));
  });
  test('pick prefers readable characters', () => {
    assert.equal(cs.pick(cs.WORD), 0x61);
    assert.equal(cs.pick(cs.SPACE), 0x20);
    assert.equal(cs.pick([0x1f600, 0x1f64f]), 0x1f600);
    assert.equal(cs.pick(cs.EMPTY), undefined);
  });
  test('case closure without u follows Canonicalize (no mapping from non-ASCII into ASCII)', () => {
    const k = cs.caseClose(cs.single(0x6b), false);
    assert.ok(cs.has(k, 0x4b));
    assert.ok(!cs.has(k, 0x212a), 'Kelvin sign is not k without u');
    const s = cs.caseClose(cs.single(0x17f), false);
    assert.ok(!cs.has(s, 0x53), 'long s does not fold to S without u');
  });
  test('case closure with u follows simple case folding', () => {
    const k = cs.caseClose(cs.single(0x6b), true);
    assert.ok(cs.has(k, 0x4b) && cs.has(k, 0x212a));
    const sigma = cs.caseClose(cs.single(0x3c3), true);
    assert.ok(cs.has(sigma, 0x3a3) && cs.has(sigma, 0x3c2));
  });
  test('case closure agrees with V8 on every ASCII letter and a sample of others', () => {
    for (const c of [...Array.from({ length: 26 }, (_, i) => 0x61 + i), 0xe9, 0x3b1, 0x430, 0x1e9e, 0xdf]) {
      for (const unicode of [false, true]) {
        const set = cs.caseClose(cs.single(c), unicode);
        const re = new RegExp(`^${String.fromCodePoint(c)}$`, unicode ? 'iu' : 'i');
        for (let i = 0; i < set.length; i += 2) for (let x = set[i]!; x <= set[i + 1]!; x++) {
          assert.ok(re.test(String.fromCodePoint(x)), `${c.toString(16)} ~ ${x.toString(16)} (u=${unicode})`);
        }
      }
    }
  });
  test('unicode properties come from V8 itself', () => {
    const lu = cs.unicodeProperty('Lu', null)!;
    assert.ok(cs.has(lu, 0x41) && !cs.has(lu, 0x61) && cs.has(lu, 0x1d400));
    const greek = cs.unicodeProperty('Script', 'Greek')!;
    assert.ok(cs.has(greek, 0x3b1) && !cs.has(greek, 0x61));
    assert.equal(cs.unicodeProperty('NotAProperty', null), undefined);
  });
});
