// Built-in operators: comparisons for every ordered type (with cross-integer and
// cross-float variants so the common cases need no cast), arithmetic, string concatenation,
// LIKE and regular expressions, date/time arithmetic, jsonb and array operators.
// Registered into the Registry by index.ts.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import {
  arrayOf, compareDatums, datumsEqual, formatJson, formatText, jsonbContains, parseJson, types,
} from '../types/index.js';
import type { ArrayDatum, Datum, Interval, JsonValue, NumericDatum, SqlType } from '../types/index.js';
import type { BinaryFn, Registry } from './registry.js';
import { poly } from './registry.js';
import {
  checkInt, checkInt8, floatOp, intOp, numAdd, numDiv, numMod, numMul, numSub, scaled,
} from './arith.js';
import { numPow } from './numeric-fn.js';
import type { IntKind } from './arith.js';
import { like, pgRegExp } from './pattern.js';
import {
  addInterval, dateAddDays, DAY, intervalAdd, intervalDiv, intervalMul, intervalNeg, timestampDiff,
} from './time-arith.js';
import { jsonbDelete, jsonbGetPath, jsonbConcat, jsonGet, jsonAsText, jsonHasKey } from './json-ops.js';

const T = types;
const CMP_OPS = ['=', '<>', '<', '<=', '>', '>='] as const;
type CmpOp = (typeof CMP_OPS)[number];

function cmpResult(op: CmpOp, c: number): boolean {
  switch (op) {
    case '=': return c === 0;
    case '<>': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

/** Direct JS comparison for types whose datums compare with < and == (ints, oids, bigint, dates). */
function plainCmp(op: CmpOp): BinaryFn {
  switch (op) {
    // `==` so that number and bigint operands (int4 vs int8) compare by value
    case '=': return (a, b) => a == b; // eslint-disable-line eqeqeq
    case '<>': return (a, b) => a != b; // eslint-disable-line eqeqeq
    case '<': return (a, b) => (a as number) < (b as number);
    case '<=': return (a, b) => (a as number) <= (b as number);
    case '>': return (a, b) => (a as number) > (b as number);
    case '>=': return (a, b) => (a as number) >= (b as number);
  }
}

function registerComparisons(r: Registry): void {
  const plain: SqlType[] = [T.int2, T.int4, T.int8, T.oid, T.date, T.time, T.timestamp, T.timestamptz, T.bool, T.char];
  const generic: SqlType[] = [
    T.float4, T.float8, T.numeric, T.text, T.bpchar, T.name, T.bytea, T.timetz, T.interval, T.uuid, T.jsonb, T.xid,
  ]; // reg* types compare through oid's operators, as in PostgreSQL (so text = integer finds none)
  for (const op of CMP_OPS) {
    for (const t of plain) r.addOperator({ name: op, left: t, right: t, ret: T.bool, fn: plainCmp(op) });
    for (const a of [T.int2, T.int4, T.int8]) {
      for (const b of [T.int2, T.int4, T.int8]) {
        if (a !== b) r.addOperator({ name: op, left: a, right: b, ret: T.bool, fn: plainCmp(op) });
      }
    }
    for (const t of generic) {
      r.addOperator({ name: op, left: t, right: t, ret: T.bool, make: (l) => (a, b) => cmpResult(op, compareDatums(l!, a, b)) });
    }
    r.addOperator({ name: op, left: T.float4, right: T.float8, ret: T.bool, make: () => (a, b) => cmpResult(op, compareDatums(T.float8, a, b)) });
    r.addOperator({ name: op, left: T.float8, right: T.float4, ret: T.bool, make: () => (a, b) => cmpResult(op, compareDatums(T.float8, a, b)) });
    r.addOperator({
      name: op, left: poly.anyarray, right: poly.anyarray, ret: T.bool,
      make: (l) => (a, b) => cmpResult(op, compareDatums(l!, a, b)),
    });
  }
  r.addOperator({ name: '=', left: T.text, right: T.text, ret: T.bool, fn: (a, b) => a === b });
  r.addOperator({ name: '<>', left: T.text, right: T.text, ret: T.bool, fn: (a, b) => a !== b });
}

// ---- arithmetic ----

const INTS: IntKind[] = ['int2', 'int4', 'int8'];
const WIDTH: Record<IntKind, number> = { int2: 0, int4: 1, int8: 2 };

function registerArithmetic(r: Registry): void {
  for (const op of ['+', '-', '*', '/', '%']) {
    for (const a of INTS) {
      for (const b of INTS) {
        const res = WIDTH[a] >= WIDTH[b] ? a : b;
        r.addOperator({ name: op, left: T[a], right: T[b], ret: T[res], fn: intOp(res, op) as BinaryFn });
      }
    }
    if (op !== '%') {
      for (const [a, b, f4] of [[T.float4, T.float4, true], [T.float8, T.float8, false], [T.float4, T.float8, false], [T.float8, T.float4, false]] as const) {
        r.addOperator({ name: op, left: a, right: b, ret: f4 ? T.float4 : T.float8, fn: floatOp(op, f4) as BinaryFn });
      }
    }
  }
  const num = { '+': numAdd, '-': numSub, '*': numMul, '/': numDiv, '%': numMod, '^': numPow };
  for (const [op, f] of Object.entries(num)) {
    r.addOperator({ name: op, left: T.numeric, right: T.numeric, ret: T.numeric, fn: (a, b) => f(a as NumericDatum, b as NumericDatum) });
  }
  r.addOperator({ name: '^', left: T.float8, right: T.float8, ret: T.float8, fn: (a, b) => floatPow(a as number, b as number) });
  // prefix operators
  r.addOperator({ name: '-', left: null, right: T.int2, ret: T.int2, fn: (a) => checkInt('int2', -(a as number)) + 0 });
  r.addOperator({ name: '-', left: null, right: T.int4, ret: T.int4, fn: (a) => checkInt('int4', -(a as number)) + 0 });
  r.addOperator({ name: '-', left: null, right: T.int8, ret: T.int8, fn: (a) => checkInt8(-(a as bigint)) });
  r.addOperator({ name: '-', left: null, right: T.float4, ret: T.float4, fn: (a) => -(a as number) });
  r.addOperator({ name: '-', left: null, right: T.float8, ret: T.float8, fn: (a) => -(a as number) });
  r.addOperator({ name: '-', left: null, right: T.numeric, ret: T.numeric, fn: (a) => negNumeric(a as NumericDatum) });
  r.addOperator({ name: '-', left: null, right: T.interval, ret: T.interval, fn: (a) => intervalNeg(a as Interval) });
  for (const t of [T.int2, T.int4, T.int8, T.float4, T.float8, T.numeric, T.interval]) {
    r.addOperator({ name: '+', left: null, right: t, ret: t, fn: (a) => a });
  }
  r.addOperator({ name: '|/', left: null, right: T.float8, ret: T.float8, fn: (a) => floatSqrt(a as number) });
  r.addOperator({ name: '@', left: null, right: T.float8, ret: T.float8, fn: (a) => Math.abs(a as number) });
  r.addOperator({ name: '@', left: null, right: T.numeric, ret: T.numeric, fn: (a) => scaled((a as Decimal).abs(), (a as NumericDatum).dscale ?? (a as Decimal).decimalPlaces()) });
  for (const k of INTS) {
    r.addOperator({ name: '@', left: null, right: T[k], ret: T[k], fn: k === 'int8' ? (a) => checkInt8((a as bigint) < 0n ? -(a as bigint) : (a as bigint)) : (a) => checkInt(k, Math.abs(a as number)) });
    r.addOperator({ name: '~', left: null, right: T[k], ret: T[k], fn: k === 'int8' ? (a) => ~(a as bigint) : (a) => ~(a as number) });
    for (const op of ['&', '|', '#']) {
      const f = k === 'int8'
        ? (a: Datum, b: Datum) => (op === '&' ? (a as bigint) & (b as bigint) : op === '|' ? (a as bigint) | (b as bigint) : (a as bigint) ^ (b as bigint))
        : (a: Datum, b: Datum) => (op === '&' ? (a as number) & (b as number) : op === '|' ? (a as number) | (b as number) : (a as number) ^ (b as number));
      r.addOperator({ name: op, left: T[k], right: T[k], ret: T[k], fn: f });
    }
    r.addOperator({ name: '<<', left: T[k], right: T.int4, ret: T[k], fn: k === 'int8' ? (a, b) => BigInt.asIntN(64, (a as bigint) << BigInt(b as number)) : (a, b) => k === 'int2' ? ((a as number) << (b as number)) << 16 >> 16 : (a as number) << (b as number) });
    r.addOperator({ name: '>>', left: T[k], right: T.int4, ret: T[k], fn: k === 'int8' ? (a, b) => (a as bigint) >> BigInt(b as number) : (a, b) => (a as number) >> (b as number) });
  }
}

function negNumeric(a: NumericDatum): NumericDatum {
  const r = a.neg();
  return scaled(r.isZero() ? new Decimal(0) : r, a.dscale ?? (a.isFinite() ? a.decimalPlaces() : 0));
}

export function floatPow(a: number, b: number): number {
  if (a === 0 && b < 0) throw sqlError('2201F', 'zero raised to a negative power is undefined');
  if (a < 0 && !Number.isInteger(b) && Number.isFinite(b)) {
    throw sqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  }
  const r = Math.pow(a, b);
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) throw sqlError('22003', 'value out of range: overflow');
  if (r === 0 && a !== 0 && Number.isFinite(b) && Number.isFinite(a)) throw sqlError('22003', 'value out of range: underflow');
  return r;
}

export function floatSqrt(a: number): number {
  if (a < 0) throw sqlError('2201F', 'cannot take square root of a negative number');
  return Math.sqrt(a);
}

// ---- strings, patterns ----

function registerText(r: Registry): void {
  r.addOperator({ name: '||', left: T.text, right: T.text, ret: T.text, fn: (a, b) => (a as string) + (b as string) });
  r.addOperator({ name: '||', left: T.text, right: poly.anynonarray, ret: T.text, make: (_l, rt) => (a, b) => (a as string) + formatText(rt, b) });
  r.addOperator({ name: '||', left: poly.anynonarray, right: T.text, ret: T.text, make: (lt) => (a, b) => formatText(lt!, a) + (b as string) });
  const pats: [string, boolean, boolean][] = [['~~', false, false], ['!~~', false, true], ['~~*', true, false], ['!~~*', true, true]];
  for (const [op, ci, neg] of pats) {
    for (const t of [T.text, T.bpchar, T.name]) {
      r.addOperator({ name: op, left: t, right: T.text, ret: T.bool, fn: (a, b) => like(a as string, b as string, ci) !== neg });
    }
    r.addOperator({ name: op, left: T.bytea, right: T.bytea, ret: T.bool, fn: (a, b) => like((a as Buffer).toString('latin1'), (b as Buffer).toString('latin1'), ci) !== neg });
  }
  const res: [string, string, boolean][] = [['~', '', false], ['~*', 'i', false], ['!~', '', true], ['!~*', 'i', true]];
  for (const [op, flags, neg] of res) {
    for (const t of [T.text, T.bpchar, T.name]) {
      r.addOperator({ name: op, left: t, right: T.text, ret: T.bool, fn: (a, b) => pgRegExp(b as string, flags).test(a as string) !== neg });
    }
  }
  r.addOperator({ name: '^@', left: T.text, right: T.text, ret: T.bool, fn: (a, b) => (a as string).startsWith(b as string) });
  r.addOperator({ name: '||', left: T.bytea, right: T.bytea, ret: T.bytea, fn: (a, b) => Buffer.concat([a as Buffer, b as Buffer]) });
}

// ---- date/time ----

function registerDateTime(r: Registry): void {
  const iv = T.interval;
  r.addOperator({ name: '+', left: T.date, right: T.int4, ret: T.date, fn: (a, b) => dateAddDays(a as number, b as number) });
  r.addOperator({ name: '+', left: T.int4, right: T.date, ret: T.date, fn: (a, b) => dateAddDays(b as number, a as number) });
  r.addOperator({ name: '-', left: T.date, right: T.int4, ret: T.date, fn: (a, b) => dateAddDays(a as number, -(b as number)) });
  r.addOperator({ name: '-', left: T.date, right: T.date, ret: T.int4, fn: (a, b) => dateDiff(a as number, b as number) });
  const dateTs = (d: number): bigint => BigInt(d) * DAY;
  r.addOperator({ name: '+', left: T.date, right: iv, ret: T.timestamp, fn: (a, b) => addInterval(dateTs(a as number), b as Interval, null) });
  r.addOperator({ name: '+', left: iv, right: T.date, ret: T.timestamp, fn: (a, b) => addInterval(dateTs(b as number), a as Interval, null) });
  r.addOperator({ name: '-', left: T.date, right: iv, ret: T.timestamp, fn: (a, b) => addInterval(dateTs(a as number), b as Interval, null, -1) });
  r.addOperator({ name: '+', left: T.date, right: T.time, ret: T.timestamp, fn: (a, b) => dateTs(a as number) + (b as bigint) });
  r.addOperator({ name: '+', left: T.timestamp, right: iv, ret: T.timestamp, fn: (a, b) => addInterval(a as bigint, b as Interval, null) });
  r.addOperator({ name: '+', left: iv, right: T.timestamp, ret: T.timestamp, fn: (a, b) => addInterval(b as bigint, a as Interval, null) });
  r.addOperator({ name: '-', left: T.timestamp, right: iv, ret: T.timestamp, fn: (a, b) => addInterval(a as bigint, b as Interval, null, -1) });
  r.addOperator({ name: '+', left: T.timestamptz, right: iv, ret: T.timestamptz, fn: (a, b, ctx) => addInterval(a as bigint, b as Interval, ctx.timeZone) });
  r.addOperator({ name: '+', left: iv, right: T.timestamptz, ret: T.timestamptz, fn: (a, b, ctx) => addInterval(b as bigint, a as Interval, ctx.timeZone) });
  r.addOperator({ name: '-', left: T.timestamptz, right: iv, ret: T.timestamptz, fn: (a, b, ctx) => addInterval(a as bigint, b as Interval, ctx.timeZone, -1) });
  r.addOperator({ name: '-', left: T.timestamp, right: T.timestamp, ret: iv, fn: (a, b) => timestampDiff(a as bigint, b as bigint) });
  r.addOperator({ name: '-', left: T.timestamptz, right: T.timestamptz, ret: iv, fn: (a, b) => timestampDiff(a as bigint, b as bigint) });
  r.addOperator({ name: '+', left: iv, right: iv, ret: iv, fn: (a, b) => intervalAdd(a as Interval, b as Interval, 1) });
  r.addOperator({ name: '-', left: iv, right: iv, ret: iv, fn: (a, b) => intervalAdd(a as Interval, b as Interval, -1) });
  r.addOperator({ name: '*', left: iv, right: T.float8, ret: iv, fn: (a, b) => intervalMul(a as Interval, b as number) });
  r.addOperator({ name: '*', left: T.float8, right: iv, ret: iv, fn: (a, b) => intervalMul(b as Interval, a as number) });
  r.addOperator({ name: '/', left: iv, right: T.float8, ret: iv, fn: (a, b) => intervalDiv(a as Interval, b as number) });
  const wrap = (m: bigint): bigint => ((m % DAY) + DAY) % DAY;
  r.addOperator({ name: '+', left: T.time, right: iv, ret: T.time, fn: (a, b) => wrap((a as bigint) + (b as Interval).micros) });
  r.addOperator({ name: '-', left: T.time, right: iv, ret: T.time, fn: (a, b) => wrap((a as bigint) - (b as Interval).micros) });
  r.addOperator({ name: '-', left: T.time, right: T.time, ret: iv, fn: (a, b) => ({ months: 0, days: 0, micros: (a as bigint) - (b as bigint) }) });
}

function dateDiff(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw sqlError('22008', 'cannot subtract infinite dates');
  return a - b;
}

// ---- json, arrays ----

function registerJson(r: Registry): void {
  const J = T.jsonb;
  r.addOperator({ name: '->', left: J, right: T.text, ret: J, fn: (a, b) => jsonGet(a as JsonValue, b as string) ?? null });
  r.addOperator({ name: '->', left: J, right: T.int4, ret: J, fn: (a, b) => jsonGet(a as JsonValue, b as number) ?? null });
  r.addOperator({ name: '->>', left: J, right: T.text, ret: T.text, fn: (a, b) => jsonAsText(jsonGet(a as JsonValue, b as string)) });
  r.addOperator({ name: '->>', left: J, right: T.int4, ret: T.text, fn: (a, b) => jsonAsText(jsonGet(a as JsonValue, b as number)) });
  r.addOperator({ name: '#>', left: J, right: arrayOf(T.text), ret: J, fn: (a, b) => jsonbGetPath(a as JsonValue, b as ArrayDatum) ?? null });
  r.addOperator({ name: '#>>', left: J, right: arrayOf(T.text), ret: T.text, fn: (a, b) => jsonAsText(jsonbGetPath(a as JsonValue, b as ArrayDatum)) });
  r.addOperator({ name: '@>', left: J, right: J, ret: T.bool, fn: (a, b) => jsonbContains(a as JsonValue, b as JsonValue) });
  r.addOperator({ name: '<@', left: J, right: J, ret: T.bool, fn: (a, b) => jsonbContains(b as JsonValue, a as JsonValue) });
  r.addOperator({ name: '?', left: J, right: T.text, ret: T.bool, fn: (a, b) => jsonHasKey(a as JsonValue, b as string) });
  r.addOperator({ name: '?|', left: J, right: arrayOf(T.text), ret: T.bool, fn: (a, b) => (b as ArrayDatum).elements.some((k) => k !== null && jsonHasKey(a as JsonValue, k as string)) });
  r.addOperator({ name: '?&', left: J, right: arrayOf(T.text), ret: T.bool, fn: (a, b) => (b as ArrayDatum).elements.every((k) => k === null || jsonHasKey(a as JsonValue, k as string)) });
  r.addOperator({ name: '||', left: J, right: J, ret: J, fn: (a, b) => jsonbConcat(a as JsonValue, b as JsonValue) });
  r.addOperator({ name: '-', left: J, right: T.text, ret: J, fn: (a, b) => jsonbDelete(a as JsonValue, b as string) });
  r.addOperator({ name: '-', left: J, right: T.int4, ret: J, fn: (a, b) => jsonbDelete(a as JsonValue, b as number) });
  // json (text-backed): parse per call
  const get = (a: Datum, k: string | number) => jsonGet(parseJson(a as string, false), k);
  r.addOperator({ name: '->', left: T.json, right: T.text, ret: T.json, fn: (a, b) => jsonToText(get(a, b as string)) });
  r.addOperator({ name: '->', left: T.json, right: T.int4, ret: T.json, fn: (a, b) => jsonToText(get(a, b as number)) });
  r.addOperator({ name: '->>', left: T.json, right: T.text, ret: T.text, fn: (a, b) => jsonAsText(get(a, b as string)) });
  r.addOperator({ name: '->>', left: T.json, right: T.int4, ret: T.text, fn: (a, b) => jsonAsText(get(a, b as number)) });
}

function jsonToText(v: JsonValue | undefined): Datum {
  return v === undefined ? null : formatJson(v);
}

function arrayHas(elem: SqlType, arr: ArrayDatum, x: Datum): boolean {
  if (x === null) return false;
  for (const e of arr.elements) if (e !== null && datumsEqual(elem, e, x)) return true;
  return false;
}

function concatArrays(a: ArrayDatum, b: ArrayDatum): ArrayDatum {
  if (a.dims.length === 0) return b;
  if (b.dims.length === 0) return a;
  if (a.dims.length === b.dims.length) {
    if (a.dims.slice(1).join() !== b.dims.slice(1).join()) {
      throw sqlError('2202E', 'cannot concatenate incompatible arrays', { detail: 'Arrays with differing element dimensions are not compatible for concatenation.' });
    }
    return { dims: [a.dims[0]! + b.dims[0]!, ...a.dims.slice(1)], lowerBounds: a.lowerBounds, elements: [...a.elements, ...b.elements] };
  }
  if (a.dims.length === b.dims.length + 1) {
    return { dims: [a.dims[0]! + 1, ...a.dims.slice(1)], lowerBounds: a.lowerBounds, elements: [...a.elements, ...b.elements] };
  }
  if (b.dims.length === a.dims.length + 1) {
    return { dims: [b.dims[0]! + 1, ...b.dims.slice(1)], lowerBounds: b.lowerBounds, elements: [...a.elements, ...b.elements] };
  }
  throw sqlError('2202E', 'cannot concatenate incompatible arrays');
}

export function arrayAppend(a: ArrayDatum | null, x: Datum): ArrayDatum {
  if (a === null || a.dims.length === 0) return { dims: [1], lowerBounds: [1], elements: [x] };
  if (a.dims.length !== 1) throw sqlError('22000', 'argument must be empty or one-dimensional array');
  return { dims: [a.dims[0]! + 1], lowerBounds: a.lowerBounds, elements: [...a.elements, x] };
}

export function arrayPrepend(x: Datum, a: ArrayDatum | null): ArrayDatum {
  if (a === null || a.dims.length === 0) return { dims: [1], lowerBounds: [1], elements: [x] };
  if (a.dims.length !== 1) throw sqlError('22000', 'argument must be empty or one-dimensional array');
  return { dims: [a.dims[0]! + 1], lowerBounds: a.lowerBounds, elements: [x, ...a.elements] };
}

function registerArrays(r: Registry): void {
  const A = poly.anyarray;
  r.addOperator({ name: '@>', left: A, right: A, ret: T.bool, make: (l) => (a, b) => (b as ArrayDatum).elements.every((x) => arrayHas(l!.elem!, a as ArrayDatum, x)) });
  r.addOperator({ name: '<@', left: A, right: A, ret: T.bool, make: (l) => (a, b) => (a as ArrayDatum).elements.every((x) => arrayHas(l!.elem!, b as ArrayDatum, x)) });
  r.addOperator({ name: '&&', left: A, right: A, ret: T.bool, make: (l) => (a, b) => (a as ArrayDatum).elements.some((x) => arrayHas(l!.elem!, b as ArrayDatum, x)) });
  const CA = poly.anycompatiblearray, CE = poly.anycompatible;
  r.addOperator({ name: '||', left: CA, right: CA, ret: (l) => l!, fn: (a, b) => concatArrays(a as ArrayDatum, b as ArrayDatum) });
  r.addOperator({ name: '||', left: CA, right: CE, ret: (l) => l!, fn: (a, b) => arrayAppend(a as ArrayDatum, b) });
  r.addOperator({ name: '||', left: CE, right: CA, ret: (_l, rt) => rt, fn: (a, b) => arrayPrepend(a, b as ArrayDatum) });
}

/** Registers every built-in operator. */
export function registerOperators(r: Registry): void {
  registerComparisons(r);
  registerArithmetic(r);
  registerText(r);
  registerDateTime(r);
  registerJson(r);
  registerArrays(r);
}

