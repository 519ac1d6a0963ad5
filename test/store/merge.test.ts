/** The alias merge rule as pure functions (sql/merge.ts), table-driven. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OsvRecord } from '../../src/core/osv.ts';
import { contentHash, identifiers, mergeSources, primarySource, stableStringify, UnionFind } from '../../src/store/sql/merge.ts';

const rec = (id: string, patch: Partial<OsvRecord> = {}): OsvRecord => ({ id, modified: '2025-01-01T00:00:00Z', ...patch });

describe('merge rule', () => {
  test('stableStringify ignores key order and undefined fields; contentHash follows it', () => {
    assert.equal(stableStringify({ b: 1, a: [{ d: 2, c: undefined, e: null }] }), '{"a":[{"d":2,"e":null}],"b":1}');
    assert.equal(contentHash({ a: 1, b: 2 }), contentHash({ b: 2, a: 1 }));
    assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
  });

  test('identifiers are the id and the aliases, deduplicated', () => {
    assert.deepEqual(identifiers(rec('A', { aliases: ['B', 'A', '', 'B'] })), ['A', 'B']);
  });

  const cases: { name: string; sources: { id: string; ord: number; record: OsvRecord }[]; want: Partial<OsvRecord> & { primary?: string } }[] = [
    {
      name: 'one source is served verbatim',
      sources: [{ id: 'A', ord: 1, record: rec('A', { aliases: ['Z', 'C'] }) }],
      want: { id: 'A', aliases: ['Z', 'C'] },
    },
    {
      name: 'the first-ingested source is primary; aliases are every other id, sorted',
      sources: [{ id: 'B', ord: 2, record: rec('B', { aliases: ['CVE-1'], summary: 'b' }) }, { id: 'A', ord: 1, record: rec('A', { aliases: ['CVE-1'], summary: 'a' }) }],
      want: { id: 'A', summary: 'a', aliases: ['B', 'CVE-1'] },
    },
    {
      name: 'a withdrawn first source gives way to the next; withdrawn only when all are',
      sources: [{ id: 'A', ord: 1, record: rec('A', { withdrawn: '2025-02-01T00:00:00Z' }) }, { id: 'B', ord: 2, record: rec('B', { aliases: ['A'] }) }],
      want: { id: 'B', aliases: ['A'], withdrawn: undefined },
    },
    {
      name: 'all withdrawn: the newest withdrawal',
      sources: [{ id: 'A', ord: 1, record: rec('A', { withdrawn: '2025-02-01T00:00:00Z' }) }, { id: 'B', ord: 2, record: rec('B', { aliases: ['A'], withdrawn: '2025-03-01T00:00:00Z' }) }],
      want: { id: 'A', withdrawn: '2025-03-01T00:00:00Z' },
    },
    {
      name: 'newest modified, oldest published',
      sources: [
        { id: 'A', ord: 1, record: rec('A', { modified: '2025-01-01T00:00:00Z', published: '2024-06-01T00:00:00Z' }) },
        { id: 'B', ord: 2, record: rec('B', { aliases: ['A'], modified: '2025-05-01T00:00:00Z', published: '2024-01-01T00:00:00Z' }) },
      ],
      want: { modified: '2025-05-01T00:00:00Z', published: '2024-01-01T00:00:00Z' },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = mergeSources(c.sources);
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof OsvRecord], v, k);
    });
  }

  test('affected: the primary wins per package, others add packages it does not cover', () => {
    const got = mergeSources([
      { id: 'A', ord: 1, record: rec('A', { affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1'] }] }) },
      { id: 'B', ord: 2, record: rec('B', { aliases: ['A'], affected: [{ package: { ecosystem: 'NPM', name: 'x' }, versions: ['2'] }, { package: { ecosystem: 'npm', name: 'y' } }] }) },
    ]);
    assert.deepEqual(got.affected, [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1'] }, { package: { ecosystem: 'npm', name: 'y' } }]);
    assert.deepEqual((got.database_specific as { nodesec: { sources: string[] } }).nodesec.sources, ['A', 'B']);
  });

  test('primarySource and UnionFind', () => {
    assert.equal(primarySource([{ id: 'B', ord: 5, record: rec('B') }, { id: 'A', ord: 3, record: rec('A') }]).id, 'A');
    const uf = new UnionFind();
    uf.union('a', 'b');
    uf.union('c', 'd');
    uf.union('b', 'd');
    assert.equal(uf.find('a'), uf.find('c'));
    assert.notEqual(uf.find('a'), uf.find('e'));
  });
});
