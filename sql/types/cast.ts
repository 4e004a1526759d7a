// Casts between types with PostgreSQL's pg_cast rules: which casts exist in which context
// (implicit, assignment, explicit), the conversions themselves with PostgreSQL's errors,
// and length/precision coercion to a type modifier (varchar(n), char(n), numeric(p,s),
// timestamp(p)). Called by bind (to decide) and by exec (to convert).

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import type { ArrayDatum, CastContext, Datum, Interval, JsonValue, NumericDatum, SqlType, TimeTz, TypeEnv, TypeKind } from './type.js';
import { TIMESTAMP_INFINITY } from './type.js';
import { typeName, typmodPrecision, typmodScale } from './registry.js';
import { formatText, parseText, UTC_ENV } from './text-io.js';
import { formatNumeric, setScale, parseNumeric } from './numeric.js';
import { formatFloatG } from './float.js';
import { formatJsonb, jsonKind, JsonNumber } from './json.js';
import { parseJson } from './json-parse.js';
import { MICROS_PER_DAY, fromLocalMicros, splitMicros, toLocalMicros } from './datetime.js';
import { tzOffsetSecs } from './timezone.js';

type Ctx = 'i' | 'a' | 'e';
const STRING_KINDS = new Set<TypeKind>(['text', 'varchar', 'bpchar', 'name']);
const REG_KINDS: TypeKind[] = ['regclass', 'regtype', 'regproc', 'regprocedure', 'regnamespace'];

/** pg_cast (built-in entries that matter to clients), as "from>to" → context. */
const CASTS = new Map<string, Ctx>();
function def(from: TypeKind, list: string): void {
  for (const item of list.split(' ')) {
    const [to, c] = item.split(':') as [TypeKind, Ctx];
    CASTS.set(from + '>' + to, c);
  }
}
def('int2', 'int4:i int8:i float4:i float8:i numeric:i oid:i');
def('int4', 'int2:a int8:i float4:i float8:i numeric:i oid:i bool:e char:e');
def('int8', 'int2:a int4:a float4:i float8:i numeric:i oid:i');
def('float4', 'int2:a int4:a int8:a float8:i numeric:a');
def('float8', 'int2:a int4:a int8:a float4:a numeric:a');
def('numeric', 'int2:a int4:a int8:a float4:i float8:i');
def('bool', 'int4:e');
def('oid', 'int4:a int8:a');
def('text', 'varchar:i bpchar:i name:i char:a regclass:i');
def('varchar', 'text:i bpchar:i name:i char:a regclass:i');
def('bpchar', 'text:i varchar:i name:i char:a');
def('name', 'text:i varchar:a bpchar:a');
def('char', 'text:i varchar:a bpchar:a int4:e');
def('date', 'timestamp:i timestamptz:i');
def('time', 'interval:i timetz:i');
def('timestamp', 'date:a time:a timestamptz:i');
def('timestamptz', 'date:a time:a timestamp:a timetz:a');
def('interval', 'time:a');
def('timetz', 'time:a');
def('json', 'jsonb:a');
def('jsonb', 'json:a bool:e numeric:e int2:e int4:e int8:e float4:e float8:e');
for (const r of REG_KINDS) {
  def(r, 'oid:i int4:a int8:a');
  for (const src of ['oid', 'int2', 'int4', 'int8'] as TypeKind[]) CASTS.set(src + '>' + r, 'i');
}

const RANK: Record<Ctx, number> = { i: 0, a: 1, e: 2 };
const CTX_NAME: Record<Ctx, CastContext> = { i: 'implicit', a: 'assignment', e: 'explicit' };
const CTX_CODE: Record<CastContext, Ctx> = { implicit: 'i', assignment: 'a', explicit: 'e' };

function contextCode(from: SqlType, to: SqlType): Ctx | null {
  if (from.oid === to.oid && from.kind !== 'array') return 'i';
  if (from.kind === 'unknown' || to.kind === 'any') return 'i';
  if (from.kind === 'array' && to.kind === 'array') return contextCode(from.elem!, to.elem!);
  if (isVectorToArray(from, to)) return 'i'; // pg_cast: binary-coercible, implicit
  const c = CASTS.get(from.kind + '>' + to.kind);
  if (c !== undefined) return c;
  if (from.kind === 'record' || from.kind === 'void' || to.kind === 'void' || to.kind === 'record' || to.kind === 'unknown') return null;
  if (STRING_KINDS.has(to.kind)) return 'a'; // automatic I/O conversion to a string type
  if (STRING_KINDS.has(from.kind) || from.kind === 'char') return 'e'; // ... and from one
  return null;
}

/** The most permissive context in which `from` casts to `to` ('implicit' ⊂ 'assignment' ⊂ 'explicit'), or null. */
export function castContextOf(from: SqlType, to: SqlType): CastContext | null {
  const c = contextCode(from, to);
  return c === null ? null : CTX_NAME[c];
}

/** Whether the cast is allowed in context `ctx`. */
export function canCast(from: SqlType, to: SqlType, ctx: CastContext): boolean {
  const c = contextCode(from, to);
  return c !== null && RANK[c] <= RANK[CTX_CODE[ctx]];
}

export function canImplicitlyCast(from: SqlType, to: SqlType): boolean {
  const c = contextCode(from, to);
  return c === 'i';
}

// ---- conversions ----

function intRange(v: number, kind: TypeKind): number {
  if (kind === 'int2' && (v < -32768 || v > 32767)) throw sqlError('22003', 'smallint out of range');
  if (kind === 'int4' && (v < -2147483648 || v > 2147483647)) throw sqlError('22003', 'integer out of range');
  return v;
}

const INT8_MAX = 9223372036854775807n;
function int8Range(v: bigint): bigint {
  if (v > INT8_MAX || v < -INT8_MAX - 1n) throw sqlError('22003', 'bigint out of range');
  return v;
}

/** rint: round half to even, as PostgreSQL's float → int casts. */
function rint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function intFromFloat(v: number, kind: TypeKind): Datum {
  const label = kind === 'int2' ? 'smallint' : kind === 'int4' ? 'integer' : 'bigint';
  if (!Number.isFinite(v)) throw sqlError('22003', `${label} out of range`);
  const r = rint(v);
  if (kind === 'int8') {
    if (r >= 9223372036854775808 || r < -9223372036854775808) throw sqlError('22003', 'bigint out of range');
    return BigInt(r);
  }
  return intRange(r, kind) + 0;
}

function intFromNumeric(d: Decimal, kind: TypeKind): Datum {
  if (d.isNaN()) throw sqlError('0A000', `cannot convert NaN to ${kind === 'int2' ? 'smallint' : kind === 'int4' ? 'integer' : 'bigint'}`);
  if (!d.isFinite()) throw sqlError('0A000', `cannot convert infinity to ${kind === 'int2' ? 'smallint' : kind === 'int4' ? 'integer' : 'bigint'}`);
  const r = d.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  if (kind === 'int8') return int8Range(BigInt(r.toFixed(0)));
  return intRange(r.toNumber(), kind) + 0;
}

function numericFromFloat(v: number, digits: number): NumericDatum {
  if (Number.isNaN(v)) return new Decimal(NaN);
  if (!Number.isFinite(v)) return new Decimal(v);
  // PostgreSQL prints with %.15g (float8) / %.6g (float4), then reads that text back.
  return parseNumeric(formatFloatG(v, digits));
}

/**
 * numeric → float8/float4: PostgreSQL goes through numeric_out and float8in/float4in, so an
 * overflow or underflow names the numeric's text: "1e39" → `"1000…0" is out of range for type real`.
 */
function floatFromNumeric(d: Decimal, float4: boolean): number {
  const v = Number(d.toString());
  const r = float4 ? Math.fround(v) : v;
  const lost = d.isFinite() && (!Number.isFinite(r) || (r === 0 && !d.isZero()));
  if (lost) {
    throw sqlError('22003', `"${formatNumeric(d)}" is out of range for type ${float4 ? 'real' : 'double precision'}`);
  }
  return r;
}

function toFloat4(v: number): number {
  const r = Math.fround(v);
  if (!Number.isFinite(r) && Number.isFinite(v)) throw sqlError('22003', 'value out of range: overflow');
  if (r === 0 && v !== 0) throw sqlError('22003', 'value out of range: underflow');
  return r;
}

function numericToInt(kind: TypeKind, d: Datum): Datum {
  return intFromNumeric(d as Decimal, kind);
}

/** Numeric-category conversions (ints, floats, numeric, oid and reg*). */
function castNumber(d: Datum, from: TypeKind, to: TypeKind): Datum {
  const isRegOrOid = (k: TypeKind) => k === 'oid' || REG_KINDS.includes(k);
  if (isRegOrOid(to)) {
    if (from === 'int8') {
      const v = d as bigint;
      if (v < 0n || v > 4294967295n) throw sqlError('22003', 'OID out of range');
      return Number(v);
    }
    const v = d as number;
    return v < 0 ? v + 4294967296 : v;
  }
  if (isRegOrOid(from)) {
    const v = d as number;
    if (to === 'int8') return BigInt(v);
    return v > 2147483647 ? v - 4294967296 : v;
  }
  switch (to) {
    case 'int2': case 'int4':
      if (from === 'int8') return intRange(Number(int8Range(d as bigint)), to);
      if (from === 'float4' || from === 'float8') return intFromFloat(d as number, to);
      if (from === 'numeric') return numericToInt(to, d);
      return intRange(d as number, to);
    case 'int8':
      if (from === 'float4' || from === 'float8') return intFromFloat(d as number, to);
      if (from === 'numeric') return numericToInt(to, d);
      return BigInt(d as number);
    case 'float8':
      if (from === 'numeric') return floatFromNumeric(d as Decimal, false);
      return Number(d as number | bigint);
    case 'float4':
      if (from === 'numeric') return floatFromNumeric(d as Decimal, true);
      return toFloat4(Number(d as number | bigint));
    case 'numeric':
      if (from === 'float8') return numericFromFloat(d as number, 15);
      if (from === 'float4') return numericFromFloat(d as number, 6);
      return setScale(new Decimal((d as number | bigint).toString()), 0);
    default:
      throw new Error(`castNumber ${from} → ${to}`);
  }
}

function castDateTime(d: Datum, from: TypeKind, to: TypeKind, env: TypeEnv): Datum {
  const zone = env.timeZone;
  switch (from + '>' + to) {
    case 'date>timestamp': {
      const days = d as number;
      return Number.isFinite(days) ? BigInt(days) * MICROS_PER_DAY : days > 0 ? TIMESTAMP_INFINITY : -TIMESTAMP_INFINITY;
    }
    case 'date>timestamptz': return fromLocalMicros(castDateTime(d, 'date', 'timestamp', env) as bigint, zone);
    case 'timestamp>timestamptz': return fromLocalMicros(d as bigint, zone);
    case 'timestamptz>timestamp': return toLocalMicros(d as bigint, zone);
    case 'timestamp>date': case 'timestamptz>date': {
      const local = from === 'timestamptz' ? toLocalMicros(d as bigint, zone) : (d as bigint);
      if (local === TIMESTAMP_INFINITY) return Infinity;
      if (local === -TIMESTAMP_INFINITY) return -Infinity;
      return splitMicros(local)[0];
    }
    case 'timestamp>time': case 'timestamptz>time': {
      const local = from === 'timestamptz' ? toLocalMicros(d as bigint, zone) : (d as bigint);
      return BigInt(splitMicros(local)[1]);
    }
    case 'timestamptz>timetz': {
      const off = tzOffsetSecs(zone, d as bigint);
      return { micros: BigInt(splitMicros((d as bigint) + BigInt(off) * 1000000n)[1]), offsetSecs: off } satisfies TimeTz;
    }
    case 'time>interval': return { months: 0, days: 0, micros: d as bigint } satisfies Interval;
    case 'time>timetz': return { micros: d as bigint, offsetSecs: tzOffsetSecs(zone, 0n) } satisfies TimeTz;
    case 'timetz>time': return (d as TimeTz).micros;
    case 'interval>time': {
      const m = (d as Interval).micros % MICROS_PER_DAY;
      return m < 0n ? m + MICROS_PER_DAY : m;
    }
    default: throw new Error(`castDateTime ${from} → ${to}`);
  }
}

/** jsonb → bool/numeric/int/float: only from a JSON boolean or number (22023 otherwise). */
function castFromJsonb(d: JsonValue, to: SqlType): Datum {
  const label = to.kind === 'bool' ? 'boolean' : typeName(to);
  const kind = jsonKind(d);
  const kindName = kind === 'number' ? 'numeric' : kind;
  if (to.kind === 'bool') {
    if (typeof d !== 'boolean') throw sqlError('22023', `cannot cast jsonb ${kindName} to type ${label}`);
    return d;
  }
  if (!(d instanceof JsonNumber)) throw sqlError('22023', `cannot cast jsonb ${kindName} to type ${label}`);
  return castDatum(d.decimal(), NUMERIC, to, 'explicit');
}

const NUMERIC: SqlType = { kind: 'numeric', oid: 1700, typmod: -1 };

function castArray(d: ArrayDatum, from: SqlType, to: SqlType, ctx: CastContext, env: TypeEnv): ArrayDatum {
  const fe = from.elem!, te = to.elem!;
  return { dims: d.dims, lowerBounds: d.lowerBounds, elements: d.elements.map((e) => castDatum(e, fe, te, ctx, env)) };
}

/** int2vector → int2[] and oidvector → oid[]: PostgreSQL keeps the vector's lower bound 0. */
function isVectorToArray(from: SqlType, to: SqlType): boolean {
  return to.kind === 'array' && ((from.kind === 'int2vector' && to.elem!.kind === 'int2') || (from.kind === 'oidvector' && to.elem!.kind === 'oid'));
}

function convert(d: Datum, from: SqlType, to: SqlType, ctx: CastContext, env: TypeEnv): Datum {
  const fk = from.kind, tk = to.kind;
  if (fk === tk && fk !== 'array') return d;
  if (isVectorToArray(from, to)) {
    const v = d as number[];
    return v.length === 0 ? { dims: [], lowerBounds: [], elements: [] } : { dims: [v.length], lowerBounds: [0], elements: [...v] };
  }
  if (fk === 'array' && tk === 'array') return castArray(d as ArrayDatum, from, to, ctx, env);
  if (fk === 'unknown') return parseText(to, d as string, env);
  const fromString = STRING_KINDS.has(fk) || fk === 'char';
  if (fromString && (STRING_KINDS.has(tk) || tk === 'char')) {
    const s = fk === 'bpchar' ? (d as string).replace(/ +$/, '') : (d as string);
    return tk === 'char' ? (s.length > 0 ? s[0]! : '') : tk === 'name' ? parseText(to, s, env) : s;
  }
  if (fk === 'bool' && (tk === 'text' || tk === 'varchar' || tk === 'bpchar')) return d ? 'true' : 'false';
  if (fk === 'int4' && tk === 'bool') return (d as number) !== 0;
  if (fk === 'bool' && tk === 'int4') return d ? 1 : 0;
  if (fk === 'int4' && tk === 'char') return String.fromCharCode((d as number) & 0xff);
  if (fk === 'char' && tk === 'int4') return (d as string).length === 0 ? 0 : (d as string).charCodeAt(0);
  if (fk === 'json' && tk === 'jsonb') return parseJson(d as string, true);
  if (fk === 'jsonb' && tk === 'json') return formatJsonb(d as JsonValue);
  if (fk === 'jsonb' && !STRING_KINDS.has(tk)) return castFromJsonb(d as JsonValue, to);
  if (fromString) return parseText(to, d as string, env);
  if (STRING_KINDS.has(tk)) {
    const s = formatText(from, d, env);
    return tk === 'name' ? parseText(to, s, env) : s;
  }
  const numeric = new Set<TypeKind>(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid', ...REG_KINDS]);
  if (numeric.has(fk) && numeric.has(tk)) return castNumber(d, fk, tk);
  return castDateTime(d, fk, tk, env);
}

/**
 * Converts `d` from type `from` to type `to` (typmod applied). Throws 42846 when no cast
 * exists in `ctx`; conversion errors carry PostgreSQL's codes (22P02, 22003, 22001, ...).
 */
export function castDatum(d: Datum, from: SqlType, to: SqlType, ctx: CastContext, env: TypeEnv = UTC_ENV): Datum {
  if (d === null) return null;
  if (!canCast(from, to, ctx)) {
    throw sqlError('42846', `cannot cast type ${typeName(from)} to ${typeName(to)}`);
  }
  const v = convert(d, from, to, ctx, env);
  return to.typmod >= 0 ? coerceToTypmod(to, v, ctx === 'explicit') : v;
}

// ---- type modifiers ----

function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--; // a surrogate pair is one character
  }
  return n;
}

function truncateChars(s: string, n: number): string {
  return [...s].slice(0, n).join('');
}

function coerceString(t: SqlType, s: string, explicit: boolean): string {
  const max = t.typmod - 4;
  const len = s.length <= max ? s.length : charLength(s);
  if (len > max) {
    const cut = truncateChars(s, max);
    if (!explicit && /[^ ]/.test(s.slice(cut.length))) {
      throw sqlError('22001', `value too long for type ${typeName(t)}`);
    }
    return cut;
  }
  if (t.kind === 'bpchar' && len < max) return s + ' '.repeat(max - len);
  return s;
}

function coerceNumeric(t: SqlType, d: NumericDatum): NumericDatum {
  const p = typmodPrecision(t.typmod), s = typmodScale(t.typmod);
  if (d.isNaN()) return d;
  if (!d.isFinite()) {
    throw sqlError('22003', 'numeric field overflow', { detail: `A field with precision ${p}, scale ${s} cannot hold an infinite value.` });
  }
  const r = d.toDecimalPlaces(Math.max(s, 0), Decimal.ROUND_HALF_UP);
  const rounded = s < 0 ? r.toNearest(new Decimal(10).pow(-s), Decimal.ROUND_HALF_UP) : r;
  if (!rounded.isZero() && rounded.e + 1 > p - s) {
    throw sqlError('22003', 'numeric field overflow', {
      detail: `A field with precision ${p}, scale ${s} must round to an absolute value less than 10^${p - s}.`,
    });
  }
  return setScale(rounded.isZero() ? new Decimal(0) : rounded, Math.max(s, 0));
}

function roundMicros(v: bigint, precision: number): bigint {
  if (precision >= 6 || v === TIMESTAMP_INFINITY || v === -TIMESTAMP_INFINITY) return v;
  const scale = 10n ** BigInt(6 - precision);
  const half = scale / 2n;
  return v >= 0n ? ((v + half) / scale) * scale : -(((-v + half) / scale) * scale);
}

/**
 * Applies a type modifier: varchar(n)/char(n) length (22001 unless `explicit`, which
 * truncates; char(n) pads), numeric(p,s) rounding and overflow (22003), time precision.
 */
export function coerceToTypmod(t: SqlType, d: Datum, explicit = false): Datum {
  if (d === null || t.typmod < 0) return d;
  switch (t.kind) {
    case 'varchar': case 'bpchar': return coerceString(t, d as string, explicit);
    case 'numeric': return coerceNumeric(t, d as NumericDatum);
    case 'timestamp': case 'timestamptz': case 'time': return roundMicros(d as bigint, t.typmod);
    case 'timetz': return { micros: roundMicros((d as TimeTz).micros, t.typmod), offsetSecs: (d as TimeTz).offsetSecs };
    case 'interval': {
      const iv = d as Interval;
      return { months: iv.months, days: iv.days, micros: roundMicros(iv.micros, t.typmod & 0xffff) };
    }
    case 'array': {
      const a = d as ArrayDatum;
      return { dims: a.dims, lowerBounds: a.lowerBounds, elements: a.elements.map((e) => coerceToTypmod(t.elem!, e, explicit)) };
    }
    default: return d;
  }
}

