// Arithmetic with PostgreSQL's semantics: integer overflow (22003 "integer out of range"),
// division by zero (22012), float overflow/underflow checks, and numeric results with
// PostgreSQL's display scales (add: max, mul: sum, div: select_div_scale; the transcendental
// ones are in numeric-fn.ts). Used by operators.ts and math.ts.

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

/** rint: round half to even (float round()). */
export function rint(v: number): number {
  if (!Number.isFinite(v)) return v;
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
