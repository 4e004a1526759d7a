// Arithmetic with PostgreSQL's semantics: integer overflow (22003 "integer out of range"),
// division by zero (22012), float overflow/underflow checks, and numeric results with
// PostgreSQL's display scales (add: max, mul: sum, div: select_div_scale, power/sqrt/exp/ln:
// at least 16 significant digits). Used by operators.ts and math.ts.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import { exactDigits, numericDiv, numericScale, withPrecision } from '../types/index.js';
import type { NumericDatum } from '../types/index.js';

export type IntKind = 'int2' | 'int4' | 'int8';

const INT_LABEL: Record<IntKind, string> = { int2: 'smallint', int4: 'integer', int8: 'bigint' };
const INT8_MAX = 9223372036854775807n;
const INT8_MIN = -9223372036854775808n;

export function intOverflow(kind: IntKind): Error {
  return sqlError('22003', `${INT_LABEL[kind]} out of range`);
}

export function divisionByZero(): Error {
  return sqlError('22012', 'division by zero');
}

export function checkInt(kind: 'int2' | 'int4', v: number): number {
  if (kind === 'int4' ? v > 2147483647 || v < -2147483648 : v > 32767 || v < -32768) throw intOverflow(kind);
  return v;
}

export function checkInt8(v: bigint): bigint {
  if (v > INT8_MAX || v < INT8_MIN) throw intOverflow('int8');
  return v;
}

/** Integer + - * / % for one result kind; operands already widened to it. */
export function intOp(kind: IntKind, op: string): (a: number | bigint, b: number | bigint) => number | bigint {
  if (kind === 'int8') {
    switch (op) {
      case '+': return (a, b) => checkInt8(BigInt(a) + BigInt(b));
      case '-': return (a, b) => checkInt8(BigInt(a) - BigInt(b));
      case '*': return (a, b) => checkInt8(BigInt(a) * BigInt(b));
      case '/': return (a, b) => {
        if (BigInt(b) === 0n) throw divisionByZero();
        return checkInt8(BigInt(a) / BigInt(b));
      };
      case '%': return (a, b) => {
        if (BigInt(b) === 0n) throw divisionByZero();
        return BigInt(b) === -1n ? 0n : BigInt(a) % BigInt(b);
      };
    }
  } else {
    switch (op) {
      case '+': return (a, b) => checkInt(kind, (a as number) + (b as number));
      case '-': return (a, b) => checkInt(kind, (a as number) - (b as number));
      case '*': return (a, b) => checkInt(kind, (a as number) * (b as number));
      case '/': return (a, b) => {
        if (b === 0) throw divisionByZero();
        return checkInt(kind, Math.trunc((a as number) / (b as number))) + 0;
      };
      case '%': return (a, b) => {
        if (b === 0) throw divisionByZero();
        return ((a as number) % (b as number)) + 0;
      };
    }
  }
  throw new Error(`intOp ${op}`);
}

export function checkFloat(v: number, inputsFinite: boolean, zeroOk: boolean, float4: boolean): number {
  const r = float4 ? Math.fround(v) : v;
  if (!Number.isFinite(r) && inputsFinite && !Number.isNaN(r)) throw sqlError('22003', 'value out of range: overflow');
  if (r === 0 && !zeroOk) throw sqlError('22003', 'value out of range: underflow');
  return r;
}

export function floatOp(op: string, float4: boolean): (a: number, b: number) => number {
  switch (op) {
    case '+': return (a, b) => checkFloat(a + b, Number.isFinite(a) && Number.isFinite(b), true, float4);
    case '-': return (a, b) => checkFloat(a - b, Number.isFinite(a) && Number.isFinite(b), true, float4);
    case '*': return (a, b) => checkFloat(a * b, Number.isFinite(a) && Number.isFinite(b), a === 0 || b === 0, float4);
    case '/': return (a, b) => {
      if (b === 0) throw divisionByZero();
      return checkFloat(a / b, Number.isFinite(a) && Number.isFinite(b), a === 0 || !Number.isFinite(b), float4);
    };
    case '%': return (a, b) => {
      if (b === 0) throw divisionByZero();
      return a % b;
    };
  }
  throw new Error(`floatOp ${op}`);
}

// ---- numeric ----

export function scaled(d: Decimal, scale: number): NumericDatum {
  (d as NumericDatum).dscale = scale;
  return d;
}

function exact(a: Decimal, b: Decimal, mul: boolean, f: () => Decimal): Decimal {
  const digits = exactDigits(a, b, mul);
  return digits === 0 ? f() : withPrecision(digits, f);
}

export function numAdd(a: NumericDatum, b: NumericDatum): NumericDatum {
  return scaled(exact(a, b, false, () => a.plus(b)), Math.max(numericScale(a), numericScale(b)));
}
export function numSub(a: NumericDatum, b: NumericDatum): NumericDatum {
  return scaled(exact(a, b, false, () => a.minus(b)), Math.max(numericScale(a), numericScale(b)));
}
export function numMul(a: NumericDatum, b: NumericDatum): NumericDatum {
  const s = Math.min(numericScale(a) + numericScale(b), 1000);
  const r = exact(a, b, true, () => a.times(b));
  return scaled(r.isFinite() ? r.toDecimalPlaces(s, Decimal.ROUND_HALF_UP) : r, s);
}
export function numDiv(a: NumericDatum, b: NumericDatum): NumericDatum {
  return numericDiv(a, b);
}
export function numMod(a: NumericDatum, b: NumericDatum): NumericDatum {
  if (a.isNaN() || b.isNaN()) return new Decimal(NaN);
  if (b.isZero()) throw divisionByZero();
  if (!a.isFinite()) return new Decimal(NaN);
  if (!b.isFinite()) return a;
  return scaled(a.mod(b), Math.max(numericScale(a), numericScale(b)));
}

/** log10 of a positive Decimal as a double, without Decimal's slow transcendental code. */
function log10Approx(v: Decimal): number {
  const digits = v.toSignificantDigits(17).toExponential();
  const [m, e] = digits.split('e') as [string, string];
  return Math.log10(Number(m)) + Number(e);
}

/** Decimal weight of a double estimate (floor(log10|v|), 0 for 0). */
function weightOf(v: number): number {
  return v === 0 || !Number.isFinite(v) ? 0 : Math.floor(Math.log10(Math.abs(v)));
}

function clampScale(s: number): number {
  return Math.min(Math.max(s, 0), 1000);
}

/** Computes f at enough precision for `rscale` digits after the point, then rounds. */
function approx(rscale: number, weight: number, f: () => Decimal): NumericDatum {
  const saved = Decimal.precision;
  Decimal.set({ precision: Math.max(weight + rscale + 10, 20) });
  try {
    return scaled(f().toDecimalPlaces(rscale, Decimal.ROUND_HALF_UP), rscale);
  } finally {
    Decimal.set({ precision: saved });
  }
}

export function numSqrt(a: NumericDatum): NumericDatum {
  if (a.isNaN()) return a;
  if (a.isNegative() && !a.isZero()) throw sqlError('2201F', 'cannot take square root of a negative number');
  if (!a.isFinite()) return a;
  const w10000 = Math.floor(a.isZero() ? 0 : a.e / 4);
  const sweight = Math.trunc(((w10000 + 1) * 4) / 2) - 1;
  const rscale = clampScale(Math.max(16 - sweight, numericScale(a)));
  return approx(rscale, Math.max(sweight, 1), () => a.sqrt());
}

export function numExp(a: NumericDatum): NumericDatum {
  if (a.isNaN()) return a;
  if (!a.isFinite()) return a.isNegative() ? scaled(new Decimal(0), 0) : a;
  const v = Math.max(Math.min(a.toNumber() * 0.434294481903252, 131072), -131072);
  const rscale = clampScale(Math.max(16 - Math.trunc(v), numericScale(a)));
  return approx(rscale, Math.max(Math.trunc(v), 1), () => a.exp());
}

function lnCheck(a: Decimal): void {
  if (a.isZero()) throw sqlError('2201E', 'cannot take logarithm of zero');
  if (a.isNegative()) throw sqlError('2201E', 'cannot take logarithm of a negative number');
}

export function numLn(a: NumericDatum): NumericDatum {
  if (a.isNaN()) return a;
  lnCheck(a);
  if (!a.isFinite()) return a;
  const est = weightOf(log10Approx(a) * Math.LN10);
  const rscale = clampScale(Math.max(16 - est, numericScale(a)));
  return approx(rscale, est + 1, () => a.ln());
}

export function numLog(base: NumericDatum, a: NumericDatum): NumericDatum {
  if (a.isNaN() || base.isNaN()) return new Decimal(NaN);
  lnCheck(a);
  lnCheck(base);
  if (base.eq(1)) throw divisionByZero();
  const est = weightOf(log10Approx(a) / log10Approx(base));
  const rscale = clampScale(Math.max(16 - est, numericScale(a), numericScale(base)));
  return approx(rscale, est + 1, () => a.ln().div(base.ln()));
}

export function numPow(a: NumericDatum, b: NumericDatum): NumericDatum {
  if (a.isNaN() || b.isNaN()) return b.isZero() || a.eq(1) ? scaled(new Decimal(1), 0) : new Decimal(NaN);
  if (a.isZero() && b.isNegative()) throw sqlError('2201F', 'zero raised to a negative power is undefined');
  if (a.isNegative() && !b.isInteger()) {
    throw sqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  }
  if (b.isInteger() && b.abs().lte(2147483647)) {
    const rscale = clampScale(Math.max(16, numericScale(a)));
    const est = a.isZero() ? 0 : b.toNumber() * log10Approx(a.abs());
    return approx(rscale, Math.max(Math.ceil(est), 1), () => a.pow(b));
  }
  const est = a.isZero() ? 0 : b.toNumber() * log10Approx(a);
  const rscale = clampScale(Math.max(16 - Math.trunc(est), numericScale(a), numericScale(b)));
  return approx(rscale, Math.max(Math.ceil(est), 1), () => a.pow(b));
}

/** rint: round half to even (float round()). */
export function rint(v: number): number {
  if (!Number.isFinite(v)) return v;
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
