// float4/float8 text output exactly as PostgreSQL 12+ prints it. With extra_float_digits > 0
// (the default 1): the shortest digits that round-trip, fixed notation for decimal exponents
// in [-4, 15) (float8) or [-4, 6) (float4), else "1.5e+20" with at least two exponent digits.
// With extra_float_digits <= 0: C's "%.*g" with 15 (float8) / 6 (float4) plus that many
// significant digits. Called by text-io on the hot path and by float → numeric casts.

function special(v: number): string | undefined {
  if (v !== v) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return undefined;
}

/** Splits the shortest exponential form "d.ddde±x" into digits and exponent. */
function splitExp(s: string): [digits: string, exp: number] {
  const e = s.indexOf('e');
  const mant = s.slice(0, e);
  const digits = mant.length > 1 ? mant[0] + mant.slice(2) : mant;
  return [digits, Number(s.slice(e + 1))];
}

function expNotation(digits: string, exp: number, negative: boolean): string {
  const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const a = Math.abs(exp);
  return (negative ? '-' : '') + mant + (exp < 0 ? 'e-' : 'e+') + (a < 10 ? '0' + a : String(a));
}

function fixedNotation(digits: string, exp: number, negative: boolean): string {
  let s: string;
  if (exp < 0) s = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (digits.length <= exp + 1) s = digits + '0'.repeat(exp + 1 - digits.length);
  else s = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  return negative ? '-' + s : s;
}

export function formatFloat8(v: number, extraFloatDigits = 1): string {
  if (extraFloatDigits <= 0) return formatFloatG(v, 15 + extraFloatDigits);
  const a = v < 0 ? -v : v;
  if (a >= 1e-4 && a < 1e15) return String(v); // JS prints shortest fixed digits here, as PG
  const sp = special(v);
  if (sp !== undefined) return sp;
  const [digits, exp] = splitExp(a.toExponential());
  if (exp >= -4 && exp < 15) return fixedNotation(digits, exp, v < 0);
  return expNotation(digits, exp, v < 0);
}

/** Shortest digits that read back (rounded to float32) as the same float4. */
function shortestFloat4(a: number): [string, number] {
  for (let p = 1; p < 9; p++) {
    const s = a.toExponential(p - 1);
    if (Math.fround(Number(s)) === a) return splitExp(s);
  }
  return splitExp(a.toExponential(8));
}

export function formatFloat4(v: number, extraFloatDigits = 1): string {
  if (extraFloatDigits <= 0) return formatFloatG(v, 6 + extraFloatDigits);
  const sp = special(v);
  if (sp !== undefined) return sp;
  const a = v < 0 ? -v : v;
  if (Number.isInteger(a) && a < 1e6) return String(v);
  const [digits, exp] = shortestFloat4(a);
  if (exp >= -4 && exp < 6) return fixedNotation(digits, exp, v < 0);
  return expNotation(digits, exp, v < 0);
}

/**
 * `v` rounded to `precision` significant digits: [digits without trailing zeros, decimal
 * exponent]. Rounds half to even on exact ties, as glibc's printf does (JS rounds ties up).
 */
function roundDigits(a: number, precision: number): [string, number] {
  const wide = a.toExponential(Math.min(precision + 24, 100));
  const [all, exp0] = splitExp(wide);
  let digits = all.slice(0, precision);
  const rest = all.slice(precision);
  let exp = exp0;
  const up = rest[0]! > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || (Number(digits[digits.length - 1]) & 1) === 1));
  if (up) {
    let i = digits.length - 1;
    while (i >= 0 && digits[i] === '9') i--;
    if (i < 0) {
      digits = '1' + '0'.repeat(digits.length - 1);
      exp++;
    } else digits = digits.slice(0, i) + String(Number(digits[i]) + 1) + '0'.repeat(digits.length - 1 - i);
  }
  return [digits.replace(/0+$/, '') || '0', exp];
}

/** C's printf("%.*g", precision, v): PostgreSQL's float output when extra_float_digits <= 0. */
export function formatFloatG(v: number, precision: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  const p = Math.max(precision, 1);
  const [digits, exp] = roundDigits(v < 0 ? -v : v, p);
  if (exp >= -4 && exp < p) return fixedNotation(digits, exp, v < 0);
  return expNotation(digits, exp, v < 0);
}
