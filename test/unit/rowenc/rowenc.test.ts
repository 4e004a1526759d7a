// Property tests of sql/rowenc: decode(encode(row)) = row, key order = SQL order for every
// key type in both directions (NULLS LAST ascending, FIRST descending), index entries and spans.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import {
  decodeIndexEntry,
  decodeRow,
  encodePrimaryKey,
  encodeRowValue,
  indexEntries,
  indexSpanForPrefix,
  indexSpanForRange,
  tableSpan,
} from '../../../sql/rowenc/index.js';
import { types, arrayOf, parseJson, withTypmod } from '../../../sql/types/index.js';
import type { Datum, SqlType } from '../../../sql/types/index.js';
import { col, index, table } from './fixtures.js';

interface KeyCase {
  readonly name: string;
  readonly type: SqlType;
  readonly gen: fc.Arbitrary<Datum>;
  readonly cmp: (a: Datum, b: Datum) => number;
}

const num = (a: Datum, b: Datum): number => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
const big = (a: Datum, b: Datum): number => ((a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0);
const bytes = (a: Datum, b: Datum): number => Buffer.compare(a as Buffer, b as Buffer);
const str = (a: Datum, b: Datum): number => Buffer.compare(Buffer.from(a as string), Buffer.from(b as string));
const floatCmp = (a: Datum, b: Datum): number => {
  const x = a as number;
  const y = b as number;
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
};
const decCmp = (a: Datum, b: Datum): number => {
  const x = a as Decimal;
  const y = b as Decimal;
  if (x.isNaN()) return y.isNaN() ? 0 : 1;
  if (y.isNaN()) return -1;
  return x.cmp(y);
};

const decimalArb = fc.oneof(
  fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 20 })).map(
    ([m, s]) => new Decimal(m.toString()).div(new Decimal(10).pow(s)),
  ),
  fc.constantFrom(new Decimal(NaN), new Decimal(0), new Decimal('1e-40'), new Decimal('-1e40')),
);

const CASES: KeyCase[] = [
  { name: 'bool', type: types.bool, gen: fc.boolean(), cmp: (a, b) => Number(a) - Number(b) },
  { name: 'int2', type: types.int2, gen: fc.integer({ min: -32768, max: 32767 }), cmp: num },
  { name: 'int4', type: types.int4, gen: fc.integer(), cmp: num },
  { name: 'int8', type: types.int8, gen: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), cmp: big },
  { name: 'float8', type: types.float8, gen: fc.double({ noDefaultInfinity: false }).filter((x) => !Object.is(x, -0)), cmp: floatCmp },
  { name: 'float4', type: types.float4, gen: fc.float().filter((x) => !Object.is(x, -0)), cmp: floatCmp },
  { name: 'numeric', type: types.numeric, gen: decimalArb, cmp: decCmp },
  { name: 'text', type: types.text, gen: fc.string({ unit: 'grapheme' }), cmp: str },
  { name: 'text-nul', type: types.text, gen: fc.string({ unit: fc.constantFrom('\u0000', '\u0001', 'a', '\u00ff') }), cmp: str },
  { name: 'bytea', type: types.bytea, gen: fc.uint8Array().map((u) => Buffer.from(u)), cmp: bytes },
  { name: 'date', type: types.date, gen: fc.oneof(fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.constantFrom(Infinity, -Infinity)), cmp: num },
  { name: 'timestamptz', type: types.timestamptz, gen: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), cmp: big },
  { name: 'time', type: types.time, gen: fc.bigInt({ min: 0n, max: 86_400_000_000n }), cmp: big },
  { name: 'uuid', type: types.uuid, gen: fc.uuid(), cmp: str },
];

function sorted(xs: Datum[], cmp: (a: Datum, b: Datum) => number, desc: boolean): Datum[] {
  // SQL order: NULLS LAST ascending, NULLS FIRST descending.
  const full = (a: Datum, b: Datum): number => {
    if (a === null) return b === null ? 0 : 1;
    if (b === null) return -1;
    return cmp(a, b);
  };
  return [...xs].sort((a, b) => (desc ? -full(a, b) : full(a, b)));
}

function normalize(d: Datum): unknown {
  if (d instanceof Decimal) return d.isNaN() ? 'NaN' : d.toString();
  if (Buffer.isBuffer(d)) return d.toString('hex');
  return d;
}

describe('rowenc key order', () => {
  for (const c of CASES) {
    for (const desc of [false, true]) {
      it(`${c.name} ${desc ? 'desc' : 'asc'}: key order = SQL order`, () => {
        const t = table(52, [col(1, 'k', c.type), col(2, 'v', types.int4)], index(1, 'pk', [1], { primary: true, directions: [desc ? 'desc' : 'asc'] }));
        fc.assert(
          fc.property(fc.array(fc.option(c.gen, { nil: null }), { minLength: 2, maxLength: 20 }), (vals) => {
            const keys = vals.map((v) => ({ v, key: encodePrimaryKey(t, [v, 1]) }));
            keys.sort((a, b) => Buffer.compare(a.key, b.key));
            const byKey = keys.map((k) => normalize(k.v));
            const bySql = sorted(vals, c.cmp, desc).map(normalize);
            expect(byKey).toEqual(bySql);
          }),
          { numRuns: 60 },
        );
      });
    }
    it(`${c.name}: decode(encode(row)) = row, key and value`, () => {
      const t = table(53, [col(1, 'k', c.type), col(2, 'v', c.type)], index(1, 'pk', [1], { primary: true }));
      fc.assert(
        fc.property(c.gen, fc.option(c.gen, { nil: null }), (k, v) => {
          const row = [k, v];
          const out = decodeRow(t, encodePrimaryKey(t, row), encodeRowValue(t, row));
          expect(out.map(normalize)).toEqual(row.map(normalize));
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('rowenc rows', () => {
  const t = table(
    60,
    [
      col(1, 'aid', types.int4, false),
      col(2, 'bid', types.int4),
      col(3, 'abalance', types.int4),
      col(4, 'filler', withTypmod(types.bpchar, 84 + 4)),
      col(5, 'ts', types.timestamp),
      col(6, 'n', types.numeric),
      col(7, 'arr', arrayOf(types.int4)),
      col(8, 'j', types.jsonb),
      col(9, 'iv', types.interval),
    ],
    index(1, 'pk', [1], { primary: true }),
  );

  it('round-trips every value kind and omits NULLs', () => {
    const n = new Decimal('12.50') as Decimal & { dscale?: number };
    n.dscale = 2;
    const row: Datum[] = [
      7,
      1,
      -5000,
      'x'.repeat(84),
      1_700_000_000_000_000n,
      n,
      { dims: [3], lowerBounds: [1], elements: [1, null, 3] },
      parseJson('{"a": [1, "x", null, 1.50, true], "b": {"c": 18446744073709551616}}', true),
      { months: 1, days: -2, micros: 3n },
    ];
    const key = encodePrimaryKey(t, row);
    const value = encodeRowValue(t, row);
    const out = decodeRow(t, key, value);
    expect(out.slice(0, 5)).toEqual(row.slice(0, 5));
    expect((out[5] as Decimal).toString()).toBe('12.5');
    expect((out[5] as { dscale?: number }).dscale).toBe(2);
    expect(out.slice(6)).toEqual(row.slice(6));
    const sparse = decodeRow(t, key, encodeRowValue(t, [7, null, null, null, null, null, null, null, null]));
    expect(sparse).toEqual([7, null, null, null, null, null, null, null, null]);
    expect(encodeRowValue(t, [7, null, null, null, null, null, null, null, null]).length).toBe(0);
  });

  it('reads old rows after ADD COLUMN and skips dropped columns', () => {
    const before = table(61, [col(1, 'a', types.int4), col(2, 'b', types.text), col(3, 'c', types.int8)], index(1, 'pk', [1], { primary: true }));
    const value = encodeRowValue(before, [1, 'two', 3n]);
    const key = encodePrimaryKey(before, [1, 'two', 3n]);
    // Drop b, add d.
    const after = table(61, [col(1, 'a', types.int4), col(3, 'c', types.int8), col(4, 'd', types.bool)], index(1, 'pk', [1], { primary: true }));
    expect(decodeRow(after, key, value)).toEqual([1, 3n, null]);
  });

  it('decodes into a reused array', () => {
    const t2 = table(62, [col(1, 'a', types.int4), col(2, 'b', types.text)], index(1, 'pk', [1], { primary: true }));
    const into: Datum[] = [];
    decodeRow(t2, encodePrimaryKey(t2, [1, 'x']), encodeRowValue(t2, [1, 'x']), into);
    expect(into).toEqual([1, 'x']);
    decodeRow(t2, encodePrimaryKey(t2, [2, null]), encodeRowValue(t2, [2, null]), into);
    expect(into).toEqual([2, null]);
  });
});

describe('rowenc secondary indexes and spans', () => {
  const pk = index(1, 'pk', [1, 2], { primary: true });
  const byC = index(2, 'by_c', [3]);
  const uniqC = index(3, 'uniq_c', [3], { unique: true });
  const byBdesc = index(4, 'by_b', [2], { directions: ['desc'] });
  const t = table(70, [col(1, 'a', types.int4), col(2, 'b', types.text), col(3, 'c', types.int8)], pk, [byC, uniqC, byBdesc]);

  it('non-unique entries carry the pk in the key and decode back', () => {
    const row: Datum[] = [1, 'x', 5n];
    const [e] = indexEntries(t, byC, row);
    expect(e!.unique).toBe(false);
    expect(e!.value.length).toBe(0);
    expect(decodeIndexEntry(t, byC, e!.key, e!.value)).toEqual(row);
  });

  it('unique entries without NULL keep the pk in the value', () => {
    const r1: Datum[] = [1, 'x', 5n];
    const r2: Datum[] = [2, 'y', 5n];
    const [e1] = indexEntries(t, uniqC, r1);
    const [e2] = indexEntries(t, uniqC, r2);
    expect(e1!.unique).toBe(true);
    expect(e1!.key.equals(e2!.key)).toBe(true);
    expect(decodeIndexEntry(t, uniqC, e2!.key, e2!.value)).toEqual(r2);
    const n1 = indexEntries(t, uniqC, [1, 'x', null])[0]!;
    const n2 = indexEntries(t, uniqC, [2, 'y', null])[0]!;
    expect(n1.unique).toBe(false);
    expect(n1.key.equals(n2.key)).toBe(false);
    expect(decodeIndexEntry(t, uniqC, n2.key, n2.value)).toEqual([2, 'y', null]);
  });

  it('prefix spans select exactly the matching keys', () => {
    const rows: Datum[][] = [];
    for (let a = 0; a < 5; a++) for (const b of ['a', 'b', 'c']) rows.push([a, b, BigInt(a)]);
    const keys = rows.map((r) => encodePrimaryKey(t, r));
    const span = indexSpanForPrefix(t, pk, [2]);
    const inSpan = keys.filter((k) => Buffer.compare(k, span.key) >= 0 && Buffer.compare(k, span.endKey) < 0);
    expect(inSpan.length).toBe(3);
    const point = indexSpanForPrefix(t, pk, [2, 'b']);
    expect(keys.filter((k) => Buffer.compare(k, point.key) >= 0 && Buffer.compare(k, point.endKey) < 0).length).toBe(1);
    const all = tableSpan(t);
    expect(keys.every((k) => Buffer.compare(k, all.key) >= 0 && Buffer.compare(k, all.endKey) < 0)).toBe(true);
  });

  it('range spans honour bounds, directions and exclude NULLs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { nil: null }), { minLength: 1, maxLength: 30 }),
        fc.option(fc.record({ value: fc.constantFrom('a', 'b', 'c', 'd', 'e'), inclusive: fc.boolean() }), { nil: undefined }),
        fc.option(fc.record({ value: fc.constantFrom('a', 'b', 'c', 'd', 'e'), inclusive: fc.boolean() }), { nil: undefined }),
        (bs, lo, hi) => {
          for (const ix of [byBdesc]) {
            const span = indexSpanForRange(t, ix, [], lo, hi);
            const entries = bs.map((b, i) => ({ b, key: indexEntries(t, ix, [i, b, 0n])[0]!.key }));
            const got = entries.filter((e) => Buffer.compare(e.key, span.key) >= 0 && Buffer.compare(e.key, span.endKey) < 0).length;
            const want = bs.filter(
              (b) =>
                b !== null &&
                (lo === undefined || (lo.inclusive ? b >= lo.value : b > lo.value)) &&
                (hi === undefined || (hi.inclusive ? b <= hi.value : b < hi.value)),
            ).length;
            expect(got).toBe(want);
          }
          const ascSpan = indexSpanForRange(t, pk, [], lo === undefined ? undefined : { value: lo.value.charCodeAt(0), inclusive: lo.inclusive }, undefined);
          expect(Buffer.compare(ascSpan.key, ascSpan.endKey)).toBeLessThanOrEqual(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
