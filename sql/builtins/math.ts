// Mathematical functions: abs, ceil/floor, round/trunc (with digits), mod, div, power,
// sqrt/cbrt/exp/ln/log, sign, pi, random, gcd/lcm, width_bucket, trigonometry; with the
// numeric display-scale rules of PostgreSQL and its errors (22012, 2201E, 2201F, 22003).

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import { compareDatums, divTrunc, numericScale, types } from '../types/index.js';
import type { Datum, NumericDatum, SqlType } from '../types/index.js';
import type { Registry } from './registry.js';
import {
  checkInt, checkInt8, divisionByZero, numMod, rint, scaled,
} from './arith.js';
import { numExp, numLn, numLog, numPow, numSqrt } from './numeric-fn.js';
import { floatPow, floatSqrt } from './operators.js';
import { def } from './string.js';
import { poly } from './registry.js';

const T = types;

function roundNumeric(d: NumericDatum, digits: number, mode: Decimal.Rounding): NumericDatum {
  if (!d.isFinite()) return d;
  if (digits >= 0) {
    const s = Math.min(digits, 1000);
    return scaled(d.toDecimalPlaces(s, mode), s);
  }
  const unit = new Decimal(10).pow(-digits);
  return scaled(d.div(unit).toDecimalPlaces(0, mode).times(unit), 0);
}

function numericSign(d: NumericDatum): NumericDatum {
  if (d.isNaN()) return d;
  return scaled(new Decimal(d.isZero() ? 0 : d.isNegative() ? -1 : 1), 0);
}

function gcdBig(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function widthBucket(x: number, lo: number, hi: number, n: number): number {
  if (n <= 0) throw sqlError('2201G', 'count must be greater than zero');
  if (lo === hi) throw sqlError('2201G', 'lower bound cannot equal upper bound');
  if (lo < hi) {
    if (x < lo) return 0;
    if (x >= hi) return n + 1;
    return Math.floor(((x - lo) / (hi - lo)) * n) + 1;
  }
  if (x > lo) return 0;
  if (x <= hi) return n + 1;
  return Math.floor(((lo - x) / (lo - hi)) * n) + 1;
}

const CBRT2 = 1.2599210498948731648; // 2^(1/3)
const SQR_CBRT2 = 1.5874010519681994748; // 2^(2/3)
const CBRT_FACTOR = [1 / SQR_CBRT2, 1 / CBRT2, 1, CBRT2, SQR_CBRT2];

/** frexp: |x| = m · 2^e with m in [0.5, 1), for finite non-zero x. */
function frexp(x: number): [number, number] {
  let e = Math.max(-1022, Math.floor(Math.log2(x)) + 1);
  let m = x * 2 ** -e;
  while (m < 0.5) { m *= 2; e--; }
  while (m >= 1) { m /= 2; e++; }
  return [m, e];
}

/**
 * cbrt as glibc computes it (PostgreSQL calls the C library): a polynomial estimate refined
 * by one Halley step. Not always correctly rounded — cbrt(27) is 3.0000000000000004 there,
 * and clients compare against PostgreSQL, so Math.cbrt will not do.
 */
export function cbrt(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x + x;
  const [xm, xe] = frexp(Math.abs(x));
  const u = 0.354895765043919860 + (1.50819193781584896 + (-2.11499494167371287 + (2.44693122563534430 +
    (-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm) * xm) * xm) * xm;
  const t2 = u * u * u;
  const ym = (u * (t2 + 2 * xm)) / (2 * t2 + xm) * CBRT_FACTOR[2 + (xe % 3)]!;
  const r = ym * 2 ** Math.trunc(xe / 3); // |xe| <= 1074, so the power of two is a normal double
  return x < 0 ? -r : r;
}

function checkedFloat(v: number): number {
  if (Number.isNaN(v)) throw sqlError('22003', 'input is out of range');
  return v;
}

export function registerMathFunctions(r: Registry): void {
  def(r, 'abs', [T.int2], T.int2, (v: number) => checkInt('int2', Math.abs(v)));
  def(r, 'abs', [T.int4], T.int4, (v: number) => checkInt('int4', Math.abs(v)));
  def(r, 'abs', [T.int8], T.int8, (v: bigint) => checkInt8(v < 0n ? -v : v));
  def(r, 'abs', [T.float4], T.float4, (v: number) => Math.abs(v));
  def(r, 'abs', [T.float8], T.float8, (v: number) => Math.abs(v));
  def(r, 'abs', [T.numeric], T.numeric, (v: NumericDatum) => scaled(v.abs(), numericScale(v)));
  for (const n of ['ceil', 'ceiling']) {
    def(r, n, [T.float8], T.float8, (v: number) => Math.ceil(v) + 0);
    def(r, n, [T.numeric], T.numeric, (v: NumericDatum) => roundNumeric(v, 0, Decimal.ROUND_CEIL));
  }
  def(r, 'floor', [T.float8], T.float8, (v: number) => Math.floor(v));
  def(r, 'floor', [T.numeric], T.numeric, (v: NumericDatum) => roundNumeric(v, 0, Decimal.ROUND_FLOOR));
  def(r, 'round', [T.float8], T.float8, (v: number) => rint(v));
  def(r, 'round', [T.numeric], T.numeric, (v: NumericDatum) => roundNumeric(v, 0, Decimal.ROUND_HALF_UP));
  def(r, 'round', [T.numeric, T.int4], T.numeric, (v: NumericDatum, n: number) => roundNumeric(v, n, Decimal.ROUND_HALF_UP));
  def(r, 'trunc', [T.float8], T.float8, (v: number) => Math.trunc(v));
  def(r, 'trunc', [T.numeric], T.numeric, (v: NumericDatum) => roundNumeric(v, 0, Decimal.ROUND_DOWN));
  def(r, 'trunc', [T.numeric, T.int4], T.numeric, (v: NumericDatum, n: number) => roundNumeric(v, n, Decimal.ROUND_DOWN));
  def(r, 'mod', [T.int2, T.int2], T.int2, (a: number, b: number) => { if (b === 0) throw divisionByZero(); return (a % b) + 0; });
  def(r, 'mod', [T.int4, T.int4], T.int4, (a: number, b: number) => { if (b === 0) throw divisionByZero(); return (a % b) + 0; });
  def(r, 'mod', [T.int8, T.int8], T.int8, (a: bigint, b: bigint) => { if (b === 0n) throw divisionByZero(); return a % b; });
  def(r, 'mod', [T.numeric, T.numeric], T.numeric, (a: NumericDatum, b: NumericDatum) => numMod(a, b));
  def(r, 'div', [T.numeric, T.numeric], T.numeric, (a: NumericDatum, b: NumericDatum) => {
    if (b.isZero()) throw divisionByZero();
    return divTrunc(a, b);
  });
  for (const n of ['power', 'pow']) {
    def(r, n, [T.float8, T.float8], T.float8, (a: number, b: number) => floatPow(a, b));
    def(r, n, [T.numeric, T.numeric], T.numeric, (a: NumericDatum, b: NumericDatum) => numPow(a, b));
  }
  def(r, 'sqrt', [T.float8], T.float8, (v: number) => floatSqrt(v));
  def(r, 'sqrt', [T.numeric], T.numeric, (v: NumericDatum) => numSqrt(v));
  def(r, 'cbrt', [T.float8], T.float8, (v: number) => cbrt(v));
  def(r, 'exp', [T.float8], T.float8, (v: number) => {
    const x = Math.exp(v);
    if (!Number.isFinite(x) && Number.isFinite(v)) throw sqlError('22003', 'value out of range: overflow');
    return x;
  });
  def(r, 'exp', [T.numeric], T.numeric, (v: NumericDatum) => numExp(v));
  const lnF = (v: number, f: (x: number) => number): number => {
    if (v === 0) throw sqlError('2201E', 'cannot take logarithm of zero');
    if (v < 0) throw sqlError('2201E', 'cannot take logarithm of a negative number');
    return f(v);
  };
  def(r, 'ln', [T.float8], T.float8, (v: number) => lnF(v, Math.log));
  def(r, 'ln', [T.numeric], T.numeric, (v: NumericDatum) => numLn(v));
  def(r, 'log', [T.float8], T.float8, (v: number) => lnF(v, Math.log10));
  def(r, 'log10', [T.float8], T.float8, (v: number) => lnF(v, Math.log10));
  def(r, 'log', [T.numeric], T.numeric, (v: NumericDatum) => numLog(scaled(new Decimal(10), 0), v));
  def(r, 'log10', [T.numeric], T.numeric, (v: NumericDatum) => numLog(scaled(new Decimal(10), 0), v));
  def(r, 'log', [T.numeric, T.numeric], T.numeric, (b: NumericDatum, v: NumericDatum) => numLog(b, v));
  def(r, 'sign', [T.float8], T.float8, (v: number) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN));
  def(r, 'sign', [T.numeric], T.numeric, (v: NumericDatum) => numericSign(v));
  def(r, 'pi', [], T.float8, () => Math.PI);
  r.addFunction({ name: 'random', args: [], ret: T.float8, volatility: 'volatile', fn: (_a, ctx) => (ctx.session.random ?? Math.random)() });
  r.addFunction({ name: 'setseed', args: [T.float8], ret: T.void, volatility: 'volatile', fn: () => null });
  def(r, 'gcd', [T.int4, T.int4], T.int4, (a: number, b: number) => checkInt('int4', Number(gcdBig(BigInt(a), BigInt(b)))));
  def(r, 'gcd', [T.int8, T.int8], T.int8, (a: bigint, b: bigint) => checkInt8(gcdBig(a, b)));
  def(r, 'lcm', [T.int4, T.int4], T.int4, (a: number, b: number) => {
    if (a === 0 || b === 0) return 0;
    return checkInt('int4', Math.abs(Number((BigInt(a) / gcdBig(BigInt(a), BigInt(b))) * BigInt(b))));
  });
  def(r, 'lcm', [T.int8, T.int8], T.int8, (a: bigint, b: bigint) => {
    if (a === 0n || b === 0n) return 0n;
    const v = (a / gcdBig(a, b)) * b;
    return checkInt8(v < 0n ? -v : v);
  });
  def(r, 'width_bucket', [T.float8, T.float8, T.float8, T.int4], T.int4, (x: number, lo: number, hi: number, n: number) => widthBucket(x, lo, hi, n));
  def(r, 'width_bucket', [T.numeric, T.numeric, T.numeric, T.int4], T.int4, (x: NumericDatum, lo: NumericDatum, hi: NumericDatum, n: number) =>
    widthBucket(x.toNumber(), lo.toNumber(), hi.toNumber(), n));
  const trig: [string, (x: number) => number][] = [
    ['sin', Math.sin], ['cos', Math.cos], ['tan', Math.tan], ['asin', Math.asin], ['acos', Math.acos], ['atan', Math.atan],
    ['sinh', Math.sinh], ['cosh', Math.cosh], ['tanh', Math.tanh], ['asinh', Math.asinh], ['acosh', Math.acosh], ['atanh', Math.atanh],
  ];
  for (const [n, f] of trig) def(r, n, [T.float8], T.float8, (v: number) => checkedFloat(f(v)));
  def(r, 'atan2', [T.float8, T.float8], T.float8, (a: number, b: number) => Math.atan2(a, b));
  def(r, 'cot', [T.float8], T.float8, (v: number) => 1 / Math.tan(v));
  def(r, 'degrees', [T.float8], T.float8, (v: number) => (v * 180) / Math.PI);
  def(r, 'radians', [T.float8], T.float8, (v: number) => (v * Math.PI) / 180);
  def(r, 'factorial', [T.int8], T.numeric, (v: bigint) => {
    if (v < 0n) throw sqlError('22023', 'factorial of a negative number is undefined');
    let f = 1n;
    for (let i = 2n; i <= v; i++) f *= i;
    return scaled(new Decimal(f.toString()), 0);
  });
  def(r, 'scale', [T.numeric], T.int4, (v: NumericDatum) => (v.isFinite() ? numericScale(v) : null));
  def(r, 'min_scale', [T.numeric], T.int4, (v: NumericDatum) => (v.isFinite() ? v.decimalPlaces() : null));
  def(r, 'trim_scale', [T.numeric], T.numeric, (v: NumericDatum) => (v.isFinite() ? scaled(new Decimal(v), v.decimalPlaces()) : v));
  r.addFunction({ name: 'greatest', args: [poly.anycompatible], variadic: poly.anycompatible, ret: (a) => a[0]!, strict: false, make: (ts) => pick(ts[0]!, 1) });
  r.addFunction({ name: 'least', args: [poly.anycompatible], variadic: poly.anycompatible, ret: (a) => a[0]!, strict: false, make: (ts) => pick(ts[0]!, -1) });
}


/** greatest/least: NULLs ignored; NULL only if all are NULL. */
function pick(t: SqlType, sign: 1 | -1) {
  return (args: readonly Datum[]): Datum => {
    let best: Datum = null;
    for (const a of args) {
      if (a === null) continue;
      if (best === null || sign * compareDatums(t, a, best) > 0) best = a;
    }
    return best;
  };
}
