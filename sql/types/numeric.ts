// numeric as PostgreSQL does it, on decimal.js: input, output with the display scale
// (dscale), and the scale rules of the arithmetic that need care (division's
// select_div_scale). The Decimal configuration for the whole process is set here.
// Called by text/binary I/O, casts and the numeric builtins.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import type { NumericDatum } from './type.js';

/**
 * Default significant digits for Decimal operations. Non-terminating operations (division,
 * roots, logarithms) must pick their own precision (divToScale, withPrecision); exact add and
 * multiply of wider values raise it temporarily (exactDigits). Kept moderate so that a stray
 * `a.div(b)` elsewhere costs 1000 digits, not PostgreSQL's 131072.
 */
export const PRECISION_DEFAULT = 1000;
Decimal.set({
  precision: PRECISION_DEFAULT,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
  maxE: 9e15,
  minE: -9e15,
});

export const NUMERIC_MAX_DISPLAY_SCALE = 1000;
/** Storage limits of PostgreSQL's numeric: 32768 base-10000 digits before the point, dscale 0x3FFF. */
export const NUMERIC_INTEGER_DIGITS_MAX = 131072;
export const NUMERIC_DSCALE_MAX = 16383;
const NUMERIC_EXPONENT_MAX = 1073741823; // INT_MAX / 2: numeric_in's own bound on the exponent
export const NUMERIC_MIN_SIG_DIGITS = 16;

const NUMERIC_RE = /^\s*([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?\s*$/;
const SPECIAL_RE = /^\s*([+-]?)(nan|infinity|inf)\s*$/i;

/** numeric_in. Keeps the display scale of the input ("1.50" → dscale 2). */
export function parseNumeric(text: string): NumericDatum {
  const m = NUMERIC_RE.exec(text);
  if (m === null) return parseSpecial(text);
  const body = m[2]!;
  const dot = body.indexOf('.');
  const frac = dot < 0 ? 0 : body.length - dot - 1;
  const exp = m[3] === undefined ? 0 : Number(m[3]);
  if (!(Math.abs(exp) < NUMERIC_EXPONENT_MAX)) throw outOfRange();
  const dscale = Math.max(0, frac - exp);
  if (dscale > NUMERIC_DSCALE_MAX) throw outOfRange();
  const d = new Decimal(m[1] === '-' ? '-' + body + (m[3] ? 'e' + m[3] : '') : body + (m[3] ? 'e' + m[3] : '')) as NumericDatum;
  if (!d.isZero() && d.e >= NUMERIC_INTEGER_DIGITS_MAX) throw outOfRange();
  d.dscale = dscale;
  return d.isZero() && d.isNegative() ? setScale(new Decimal(0), d.dscale) : d;
}

function parseSpecial(text: string): NumericDatum {
  const m = SPECIAL_RE.exec(text);
  if (m === null) throw sqlError('22P02', `invalid input syntax for type numeric: "${text}"`);
  if (m[2]!.toLowerCase() === 'nan') {
    if (m[1] !== '') throw sqlError('22P02', `invalid input syntax for type numeric: "${text}"`);
    return new Decimal(NaN);
  }
  return new Decimal(m[1] === '-' ? -Infinity : Infinity);
}

function outOfRange(): Error {
  return sqlError('22003', 'value overflows numeric format');
}

/** Sets the display scale of a value the caller has just created (mutates it). */
export function setScale(d: Decimal, scale: number): NumericDatum {
  (d as NumericDatum).dscale = scale;
  return d;
}

/** A copy of `d` with display scale `scale` (the value is not rounded). */
export function withScale(d: NumericDatum, scale: number): NumericDatum {
  return setScale(new Decimal(d), scale);
}

/** The display scale: carried dscale, else the digits after the point. */
export function numericScale(d: NumericDatum): number {
  if (d.dscale !== undefined) return d.dscale;
  if (!d.isFinite()) return 0;
  return d.decimalPlaces();
}

export function numericFromNumber(n: number | bigint): NumericDatum {
  return setScale(new Decimal(typeof n === 'bigint' ? n.toString() : n), 0);
}

/** numeric_out; `typmod` supplies the scale of values that carry none. */
export function formatNumeric(d: NumericDatum, typmod = -1): string {
  if (!d.isFinite()) return d.isNaN() ? 'NaN' : d.isNegative() ? '-Infinity' : 'Infinity';
  let scale = d.dscale;
  if (scale === undefined) {
    scale = d.decimalPlaces();
    if (typmod >= 4) scale = Math.max(scale, ((((typmod - 4) & 0x7ff) ^ 1024) - 1024));
  }
  if (d.isZero()) return scale > 0 ? '0.' + '0'.repeat(scale) : '0';
  return d.toFixed(Math.max(scale, 0));
}

/** Weight (in base-10000 digits) and first base-10000 digit, as PostgreSQL's NumericVar. */
function weightAndFirst(d: Decimal): [number, number] {
  if (d.isZero()) return [0, 0];
  const e10 = d.e;
  const w = Math.floor(e10 / 4);
  const n = e10 - 4 * w + 1; // decimal digits in the first base-10000 digit
  const coef = d.abs().toFixed().replace('.', '').replace(/^0+/, '');
  const first = Number((coef + '000').slice(0, n));
  return [w, first];
}

/** select_div_scale: the result scale PostgreSQL gives a numeric division. */
export function numericDivScale(a: NumericDatum, b: NumericDatum): number {
  const [w1, f1] = weightAndFirst(a);
  const [w2, f2] = weightAndFirst(b);
  let qweight = w1 - w2;
  if (f1 <= f2) qweight--;
  let rscale = NUMERIC_MIN_SIG_DIGITS - qweight * 4;
  rscale = Math.max(rscale, numericScale(a), numericScale(b), 0);
  return Math.min(rscale, NUMERIC_MAX_DISPLAY_SCALE);
}

/** `a` divided by `b` to `scale` digits, rounding half away from zero (truncate first, then round once). */
export function divToScale(a: Decimal, b: Decimal, scale: number): NumericDatum {
  const saved = Decimal.precision;
  const digits = Math.max(1, a.e - b.e + 2 + scale + 1);
  Decimal.set({ precision: digits, rounding: Decimal.ROUND_DOWN });
  let q: Decimal;
  try {
    q = a.div(b);
  } finally {
    Decimal.set({ precision: saved, rounding: Decimal.ROUND_HALF_UP });
  }
  return setScale(q.toDecimalPlaces(scale, Decimal.ROUND_HALF_UP), scale);
}

/** numeric_div: 22012 on zero divisor; NaN and infinities as PostgreSQL 14+. */
export function numericDiv(a: NumericDatum, b: NumericDatum): NumericDatum {
  if (a.isNaN() || b.isNaN()) return new Decimal(NaN);
  if (b.isZero()) throw sqlError('22012', 'division by zero');
  if (!a.isFinite()) {
    if (!b.isFinite()) return new Decimal(NaN);
    return new Decimal(a.isNegative() !== b.isNegative() ? -Infinity : Infinity);
  }
  if (!b.isFinite()) return setScale(new Decimal(0), 0);
  return divToScale(a, b, numericDivScale(a, b));
}

/** Runs `f` with Decimal's precision set to `digits` significant digits. */
export function withPrecision<T>(digits: number, f: () => T): T {
  const saved = Decimal.precision;
  Decimal.set({ precision: Math.max(1, digits) });
  try {
    return f();
  } finally {
    Decimal.set({ precision: saved });
  }
}

/** Significant digits needed to hold a + b or a * b exactly (0 when the default suffices). */
export function exactDigits(a: Decimal, b: Decimal, mul: boolean): number {
  if (!a.isFinite() || !b.isFinite()) return 0;
  const da = a.d.length * 7, db = b.d.length * 7;
  if (da + db < PRECISION_DEFAULT / 2 && Math.abs(a.e) < 400 && Math.abs(b.e) < 400) return 0;
  if (mul) return da + db + 14;
  const hi = Math.max(a.e, b.e) + 1;
  const lo = Math.min(a.e - da, b.e - db);
  return hi - lo + 14;
}

/** Integer part of a / b (truncated toward zero), exactly. */
export function divTrunc(a: Decimal, b: Decimal): NumericDatum {
  const saved = Decimal.precision;
  Decimal.set({ precision: Math.max(1, a.e - b.e + 3), rounding: Decimal.ROUND_DOWN });
  try {
    return setScale(a.div(b).toDecimalPlaces(0, Decimal.ROUND_DOWN), 0);
  } finally {
    Decimal.set({ precision: saved, rounding: Decimal.ROUND_HALF_UP });
  }
}
