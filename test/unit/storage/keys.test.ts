// Property tests for the order-preserving key encoding: for every kind, asc and desc,
// encode(a) < encode(b) exactly when a < b, and every value round-trips.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { KeyReader, KeyWriter, indexPrefix, prefixEnd, tablePrefix, KEY_MAX, LOCAL_PREFIX, META_PREFIX } from '../../../storage/keys/index.js';

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

interface Kind<T> {
  arb: fc.Arbitrary<T>;
  cmp: (a: T, b: T) => number;
  write: (w: KeyWriter, v: T, desc: boolean) => void;
  read: (r: KeyReader, desc: boolean) => T;
  eq: (a: T, b: T) => boolean;
}

const cmpNum = (a: number, b: number): number => {
  // PostgreSQL order: NaN above everything, -0 == 0.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
};
const cmpBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const cmpDec = (a: Decimal, b: Decimal): number => {
  if (a.isNaN()) return b.isNaN() ? 0 : 1;
  if (b.isNaN()) return -1;
  return a.comparedTo(b);
};

const decimalArb = fc.oneof(
  fc.constantFrom(new Decimal(NaN), new Decimal(Infinity), new Decimal(-Infinity), new Decimal(0), new Decimal('-0')),
  fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: -40, max: 40 })).map(
    ([m, e]) => new Decimal(`${m}e${e}`),
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => new Decimal(d)),
);

const kinds: Record<string, Kind<any>> = {
  int: {
    arb: fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.bigInt({ min: -300n, max: 300n })),
    cmp: cmpBig,
    write: (w, v, d) => w.int(v, d),
    read: (r, d) => r.int(d),
    eq: (a, b) => a === b,
  } satisfies Kind<bigint>,
  intNumber: {
    arb: fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 })),
    cmp: (a, b) => sign(a - b),
    write: (w, v, d) => w.int(v, d),
    read: (r, d) => r.intNumber(d),
    eq: (a, b) => a === b,
  } satisfies Kind<number>,
  float: {
    arb: fc.oneof(fc.double(), fc.constantFrom(NaN, 0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE)),
    cmp: cmpNum,
    write: (w, v, d) => w.float(v, d),
    read: (r, d) => r.float(d),
    eq: (a, b) => (Number.isNaN(a) ? Number.isNaN(b) : a === b),
  } satisfies Kind<number>,
  decimal: {
    arb: decimalArb,
    cmp: cmpDec,
    write: (w, v, d) => w.decimal(v, d),
    read: (r, d) => r.decimal(d),
    eq: (a, b) => (a.isNaN() ? b.isNaN() : a.eq(b)),
  } satisfies Kind<Decimal>,
  string: {
    arb: fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', '\u00ff', '\uffff') })),
    // Bytewise UTF-8 order (the order of the C collation).
    cmp: (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)),
    write: (w, v, d) => w.string(v, d),
    read: (r, d) => r.string(d),
    eq: (a, b) => a === b,
  } satisfies Kind<string>,
  bytes: {
    arb: fc.uint8Array({ maxLength: 12 }).map((u) => Buffer.from(u)),
    cmp: (a, b) => Buffer.compare(a, b),
    write: (w, v, d) => w.bytes(v, d),
    read: (r, d) => r.bytes(d),
    eq: (a, b) => a.equals(b),
  } satisfies Kind<Buffer>,
  timestamp: {
    arb: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    cmp: cmpBig,
    write: (w, v, d) => w.timestampMicros(v, d),
    read: (r, d) => r.timestampMicros(d),
    eq: (a, b) => a === b,
  } satisfies Kind<bigint>,
  bool: {
    arb: fc.boolean(),
    cmp: (a, b) => Number(a) - Number(b),
    write: (w, v, d) => w.bool(v, d),
    read: (r, d) => r.bool(d),
    eq: (a, b) => a === b,
  } satisfies Kind<boolean>,
};

describe('key encoding', () => {
  for (const [name, k] of Object.entries(kinds)) {
    for (const desc of [false, true]) {
      it(`${name} ${desc ? 'desc' : 'asc'}: order and round-trip`, () => {
        fc.assert(
          fc.property(fc.option(k.arb, { nil: null }), fc.option(k.arb, { nil: null }), fc.integer({ min: 0, max: 3 }), (a, b, tail) => {
            const enc = (v: unknown): Buffer => {
              const w = new KeyWriter();
              if (v === null) w.null(desc);
              else k.write(w, v, desc);
              w.int(tail); // a following column must not disturb the order
              return w.finish();
            };
            const ea = enc(a);
            const eb = enc(b);
            // NULL sorts first ascending, last descending.
            let want: number;
            if (a === null || b === null) want = a === null ? (b === null ? 0 : -1) : 1;
            else want = sign(k.cmp(a, b));
            if (desc) want = 0 - want;
            expect(sign(Buffer.compare(ea, eb))).toBe(want);
            const r = new KeyReader(ea);
            if (a === null) expect(r.isNull(desc)).toBe(true);
            else {
              expect(r.isNull(desc)).toBe(false);
              const back = k.read(r, desc);
              expect(k.eq(back, a)).toBe(true);
            }
            expect(r.intNumber()).toBe(tail);
            expect(r.done()).toBe(true);
          }),
          { numRuns: 400 },
        );
      });
    }
  }

  it('composite keys sort column by column (strings are prefix-safe)', () => {
    const enc = (a: string, b: number): Buffer => new KeyWriter().string(a).int(b).finish();
    expect(Buffer.compare(enc('a', 999), enc('ab', 0))).toBe(-1);
    expect(Buffer.compare(enc('a\u0000', 0), enc('a', 5))).toBe(1);
  });

  it('peekType tells kind and direction', () => {
    const key = new KeyWriter().int(5).string('x', true).decimal(new Decimal('1.5')).float(2, true).null().finish();
    const r = new KeyReader(key);
    expect([r.peekType(), r.peekDesc()]).toEqual(['int', false]);
    r.int();
    expect([r.peekType(), r.peekDesc()]).toEqual(['bytes', true]);
    expect(r.string(true)).toBe('x');
    expect(r.peekType()).toBe('decimal');
    expect(r.decimal().toString()).toBe('1.5');
    expect([r.peekType(), r.peekDesc()]).toEqual(['float', true]);
    expect(r.float(true)).toBe(2);
    expect(r.peekType()).toBe('null');
    expect(r.isNull()).toBe(true);
    expect(r.done()).toBe(true);
  });
});

describe('key helpers', () => {
  it('prefixEnd is above every extension and tight', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.uint8Array({ maxLength: 6 }), (p, ext) => {
        const prefix = Buffer.from(p);
        const end = prefixEnd(prefix);
        const key = Buffer.concat([prefix, Buffer.from(ext)]);
        expect(Buffer.compare(key, end)).toBe(-1);
        expect(Buffer.compare(prefix, end)).toBe(-1);
      }),
    );
    expect(prefixEnd(Buffer.from([1, 0xff]))).toEqual(Buffer.from([2]));
    expect(prefixEnd(Buffer.from([0xff]))).toEqual(KEY_MAX);
  });

  it('table prefixes are ordered, above the system space, and decode', () => {
    const ids = [0, 1, 50, 69, 70, 255, 256, 100000];
    for (let i = 1; i < ids.length; i++) {
      expect(Buffer.compare(tablePrefix(ids[i - 1]!), tablePrefix(ids[i]!))).toBe(-1);
      expect(Buffer.compare(prefixEnd(tablePrefix(ids[i - 1]!)), tablePrefix(ids[i]!))).toBeLessThanOrEqual(0);
    }
    expect(Buffer.compare(prefixEnd(LOCAL_PREFIX), tablePrefix(0))).toBe(-1);
    expect(Buffer.compare(prefixEnd(META_PREFIX), tablePrefix(0))).toBe(-1);
    const k = indexPrefix(300, 2);
    const r = new KeyReader(k, 1);
    expect(r.uvarint()).toBe(300);
    expect(r.uvarint()).toBe(2);
    expect(r.done()).toBe(true);
    expect(indexPrefix(300, 2).subarray(0, tablePrefix(300).length)).toEqual(tablePrefix(300));
  });
});

describe('int fast paths', () => {
  it('encode a number exactly like the same bigint, ascending and descending', () => {
    const values = [0, 1, 69, 70, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 48, 2 ** 53 - 1, -1, -70, -256, -(2 ** 31), -(2 ** 53) + 1];
    for (const v of values) {
      for (const desc of [false, true]) {
        const a = new KeyWriter().int(v, desc).finish();
        const b = new KeyWriter().int(BigInt(v), desc).finish();
        expect(a.toString('hex')).toBe(b.toString('hex'));
        expect(new KeyReader(a).intNumber(desc)).toBe(v);
      }
    }
  });
});
