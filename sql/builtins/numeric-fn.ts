// Transcendental numeric functions — sqrt, exp, ln, log, power — with PostgreSQL's result
// scales (numeric.c: estimate_ln_dweight, select of rscale, power_var_int) and its range
// errors. Each is computed at the precision its result needs (result digits + guard digits),
// never at the process-wide Decimal precision, and absurd arguments are refused up front, so a
// call cannot hold the event loop for long. Used by operators.ts (^) and math.ts.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import { numericScale } from '../types/index.js';
import type { NumericDatum } from '../types/index.js';

const MIN_SIG_DIGITS = 16; // NUMERIC_MIN_SIG_DIGITS
const MAX_DISPLAY_SCALE = 1000; // NUMERIC_MAX_DISPLAY_SCALE
const MAX_RESULT_SCALE = 2000; // NUMERIC_MAX_RESULT_SCALE
/** Digits before the point a numeric can hold ((NUMERIC_WEIGHT_MAX + 1) × 4). */
const INTEGER_DIGITS_MAX = 131072;
/** Extra significant digits carried through a computation before the final rounding. */
const GUARD_DIGITS = 10;
/**
 * Significant digits a logarithm (ln, log, power with a fractional exponent) or an exponential
 * may be computed to. decimal.js's series cost grows about cubically: at 2000 digits ln takes
 * ~2.3 s and exp ~1.2 s on this hardware, at 2600 digits 5.7 s and 2.7 s. PostgreSQL asks for
 * that much only for inputs with hundreds of decimals and huge results (exp(5999) has 2606
 * digits), so exp may go to 2700 digits; beyond the limit the call fails with 54000 rather
 * than hold the event loop.
 */
export const lnDigitsMax = 2000;
export const expDigitsMax = 2700;

function scaled(d: Decimal, scale: number): NumericDatum {
  (d as NumericDatum).dscale = scale;
  return d;
}

function clampScale(s: number): number {
  return Math.min(Math.max(s, 0), MAX_DISPLAY_SCALE);
}

function overflow(): Error {
  return sqlError('22003', 'value overflows numeric format');
}

function zeroAt(scale: number): NumericDatum {
  return scaled(new Decimal(0), scale);
}

/**
 * Runs `f` with Decimal's precision at `digits` significant digits plus guard digits, then
 * rounds the result half away from zero to `rscale` places. The arguments are used as they
 * are (rounding them could erase what ln(1 + 1e-999) depends on); decimal.js rounds every
 * intermediate result to the working precision, so a long argument costs one pass, not more.
 */
function compute(
  digits: number, rscale: number, args: readonly Decimal[], f: (...xs: Decimal[]) => Decimal, digitsMax = Infinity,
): NumericDatum {
  if (digits > digitsMax) {
    throw sqlError('54000', `numeric result would need ${Math.ceil(digits)} significant digits, more than the ${digitsMax} Shoal computes`);
  }
  const saved = Decimal.precision;
  const pr = Math.max(Math.ceil(digits) + GUARD_DIGITS, 20);
  Decimal.set({ precision: pr });
  try {
    const r = f(...args).toDecimalPlaces(rscale, Decimal.ROUND_HALF_UP);
    return scaled(r.isZero() ? new Decimal(0) : r, rscale);
  } finally {
    Decimal.set({ precision: saved });
  }
}

// decimal.js's ln needs its built-in ln(10) (1025 digits) whenever the argument is outside
// about [0.7, 1.4), and fails with "Precision limit exceeded" beyond that precision. So ln
// reduces the argument itself: x = m · 2^k · 10^e with m in [0.7, 1.4), and ln 2 and ln 10 come
// from atanh series computed (and cached) at the precision asked for.

let constantsDigits = 0;
let LN2: Decimal = new Decimal(0);
let LN10: Decimal = new Decimal(0);

/** 2·atanh(1/q) = Σ 2 / ((2i+1) · q^(2i+1)), at the current Decimal precision. */
function twoAtanhInv(q: number): Decimal {
  const q2 = new Decimal(q * q);
  let power = new Decimal(1).div(q); // 1 / q^(2i+1)
  let sum = power;
  const eps = new Decimal(10).pow(-(Decimal.precision + 2));
  for (let i = 1; power.gt(eps); i++) {
    power = power.div(q2);
    sum = sum.plus(power.div(2 * i + 1));
  }
  return sum.times(2);
}

/** ln 2 and ln 10 to at least `digits` significant digits. */
function lnConstants(digits: number): void {
  if (constantsDigits >= digits) return;
  const saved = Decimal.precision;
  const pr = digits + GUARD_DIGITS;
  Decimal.set({ precision: pr });
  try {
    const ln2 = twoAtanhInv(3); // ln 2 = 2·atanh(1/3)
    LN10 = ln2.times(3).plus(twoAtanhInv(9)); // ln 10 = 3·ln 2 + ln 1.25, ln 1.25 = 2·atanh(1/9)
    LN2 = ln2;
    constantsDigits = pr;
  } finally {
    Decimal.set({ precision: saved });
  }
}

const LN_WINDOW_LOW = new Decimal(0.7);
const LN_WINDOW_HIGH = new Decimal(1.4);

/** Natural logarithm at the current Decimal precision, for any positive finite x. */
function ln(x: Decimal): Decimal {
  if (x.gte(LN_WINDOW_LOW) && x.lt(LN_WINDOW_HIGH)) return x.ln();
  const e = x.e;
  let m = x.times(new Decimal(10).pow(-e)); // [1, 10)
  let k = 0;
  while (m.gte(LN_WINDOW_HIGH)) {
    m = m.div(2);
    k++;
  }
  lnConstants(Decimal.precision + String(Math.abs(e)).length + 2);
  return m.ln().plus(LN2.times(k)).plus(LN10.times(e));
}

/** log10 |v| as a double, from the leading digits (no Decimal transcendental work). */
export function log10Approx(v: Decimal): number {
  const [m, e] = v.abs().toSignificantDigits(17).toExponential().split('e') as [string, string];
  return Math.log10(Number(m)) + Number(e);
}

/** estimate_ln_dweight: the decimal weight of ln(v) for v > 0. */
function lnWeight(v: Decimal): number {
  if (v.gte(0.9) && v.lte(1.1)) {
    const x = v.minus(1);
    return x.isZero() ? 0 : Math.floor(log10Approx(x)); // ln(1 + x) ≈ x
  }
  const ln = log10Approx(v) * Math.LN10;
  return ln === 0 ? 0 : Math.trunc(Math.log10(Math.abs(ln)));
}

export function numSqrt(a: NumericDatum): NumericDatum {
  if (a.isNaN()) return a;
  if (a.isNegative() && !a.isZero()) throw sqlError('2201F', 'cannot take square root of a negative number');
  if (!a.isFinite()) return a;
  const w10000 = a.isZero() ? 0 : Math.floor(a.e / 4);
  const sweight = Math.trunc(((w10000 + 1) * 4) / 2) - 1;
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - sweight, numericScale(a)));
  return compute(Math.max(sweight, 0) + 1 + rscale, rscale, [a], (x) => x.sqrt());
}

export function numExp(a: NumericDatum): NumericDatum {
  if (a.isNaN()) return a;
  if (!a.isFinite()) return a.isNegative() ? zeroAt(0) : a;
  const x = a.toNumber();
  const weight = Math.min(Math.max(x * Math.LOG10E, -MAX_RESULT_SCALE), MAX_RESULT_SCALE);
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - Math.trunc(weight), numericScale(a)));
  if (Math.abs(x) >= MAX_RESULT_SCALE * 3) {
    if (x > 0) throw overflow();
    return zeroAt(rscale);
  }
  const resultWeight = Math.floor(x * Math.LOG10E);
  if (resultWeight + 1 < -rscale) return zeroAt(rscale);
  return compute(resultWeight + 1 + rscale, rscale, [a], (v) => v.exp(), expDigitsMax);
}

function lnCheck(a: Decimal): void {
  if (a.isZero()) throw sqlError('2201E', 'cannot take logarithm of zero');
  if (a.isNegative()) throw sqlError('2201E', 'cannot take logarithm of a negative number');
}

export function numLn(a: NumericDatum): NumericDatum {
  if (a.isNaN()) return a;
  lnCheck(a);
  if (!a.isFinite()) return a;
  const dweight = lnWeight(a);
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - dweight, numericScale(a)));
  return compute(dweight + 1 + rscale, rscale, [a], (v) => ln(v), lnDigitsMax);
}

/** log(base, a) (and log(a) = log(10, a)): PostgreSQL's log_var scale selection. */
export function numLog(base: NumericDatum, a: NumericDatum): NumericDatum {
  if (a.isNaN() || base.isNaN()) return new Decimal(NaN);
  lnCheck(a);
  lnCheck(base);
  if (!a.isFinite() || !base.isFinite()) {
    if (!a.isFinite() && !base.isFinite()) return new Decimal(NaN);
    return !a.isFinite() ? a : zeroAt(0);
  }
  if (base.eq(1)) throw sqlError('22012', 'division by zero');
  const lnBase = lnWeight(base), lnNum = lnWeight(a);
  const dweight = lnNum - lnBase;
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - dweight, numericScale(base), numericScale(a)));
  return compute(Math.max(dweight, 0) + 1 + rscale + Math.abs(lnBase), rscale, [a, base], (v, b) => ln(v).div(ln(b)), lnDigitsMax);
}

/** power(a, b) and a ^ b. */
export function numPow(a: NumericDatum, b: NumericDatum): NumericDatum {
  if (a.isNaN() || b.isNaN()) {
    if (a.isNaN() && b.isFinite() && b.isZero()) return scaled(new Decimal(1), 0);
    if (b.isNaN() && a.isFinite() && a.eq(1)) return scaled(new Decimal(1), 0);
    return new Decimal(NaN);
  }
  if (a.isZero() && b.isNegative()) throw sqlError('2201F', 'zero raised to a negative power is undefined');
  if (a.isNegative() && !b.isInteger()) {
    throw sqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  }
  if (!a.isFinite() || !b.isFinite()) return powInfinite(a, b);
  if (b.isInteger() && b.abs().lte(2147483647)) return powInt(a, b.toNumber());
  return powReal(a, b);
}

/** POSIX pow() rules for infinite inputs, as PostgreSQL 14+. */
function powInfinite(a: Decimal, b: Decimal): NumericDatum {
  const inf = (neg: boolean): NumericDatum => new Decimal(neg ? -Infinity : Infinity);
  if (!b.isFinite()) {
    if (a.isFinite() && a.eq(-1)) return scaled(new Decimal(1), 0);
    const absGtOne = !a.isFinite() || a.abs().gt(1);
    return absGtOne === b.isPositive() ? inf(false) : zeroAt(0);
  }
  if (b.isZero()) return scaled(new Decimal(1), 0);
  if (a.isPositive()) return b.isNegative() ? zeroAt(0) : inf(false);
  if (b.isNegative()) return zeroAt(0);
  const oddInt = b.isInteger() && b.mod(2).abs().eq(1);
  return inf(oddInt);
}

/** power_var_int: an integer exponent, result scale max(16, dscale(a)). */
function powInt(a: NumericDatum, n: number): NumericDatum {
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS, numericScale(a)));
  if (n === 0) return scaled(new Decimal(1), rscale);
  if (a.isZero()) return zeroAt(rscale);
  const f = n * log10Approx(a); // log10 |result|
  if (f >= INTEGER_DIGITS_MAX) throw overflow();
  if (f + 1 < -rscale) return zeroAt(rscale);
  const digits = Math.max(Math.floor(f), 0) + 1 + rscale + Math.log10(Math.abs(n));
  return compute(digits, rscale, [a], (x) => x.pow(n));
}

/** power_var: exp(b · ln |a|) with the result scale chosen from an estimate of its weight. */
function powReal(a: NumericDatum, b: NumericDatum): NumericDatum {
  if (a.isZero()) return zeroAt(MIN_SIG_DIGITS);
  const negative = a.isNegative() && b.isInteger() && b.mod(2).abs().eq(1);
  const lnA = log10Approx(a) * Math.LN10;
  const val = b.toNumber() * lnA; // ln |result|
  if (Math.abs(val) > MAX_RESULT_SCALE * 3.01) {
    if (val > 0) throw overflow();
    return zeroAt(MAX_DISPLAY_SCALE);
  }
  const weight = val * Math.LOG10E;
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - Math.trunc(weight), numericScale(a), numericScale(b)));
  if (Math.floor(weight) + 1 < -rscale) return zeroAt(rscale);
  const digits = Math.max(Math.floor(weight), 0) + 1 + rscale + Math.max(lnWeight(a.abs()), 0);
  // exp(b · ln|a|): |b · ln|a|| <= 6020, so four more digits keep its absolute error in bounds
  const r = compute(digits + 4, rscale, [a.abs(), b], (x, y) => ln(x).times(y).exp(), lnDigitsMax);
  return negative ? scaled(r.neg(), rscale) : r;
}
