// SQL ordering and equality of non-null datums of one type (btree semantics: NaN sorts
// above every number and equals itself; bpchar ignores trailing blanks; text compares by
// code point, i.e. the "C" collation), and hash keys for GROUP BY / DISTINCT / hash joins.
// Called by sort, merge, index and aggregation operators in sql/exec.

import { Decimal } from 'decimal.js';
import { jsonbCompare, jsonbKey } from './json.js';
import { intervalCompareKey } from './interval.js';
import type { ArrayDatum, Datum, Interval, JsonValue, SqlType, TimeTz } from './type.js';

function cmpNum(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // at least one NaN: NaN is the largest value and equal to itself
  const an = a !== a, bn = b !== b;
  return an === bn ? 0 : an ? 1 : -1;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function trimBlanks(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  return e === s.length ? s : s.slice(0, e);
}

function cmpDecimal(a: Decimal, b: Decimal): number {
  const an = a.isNaN(), bn = b.isNaN();
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a.cmp(b);
}

function cmpTimeTz(a: TimeTz, b: TimeTz): number {
  const ua = a.micros - BigInt(a.offsetSecs) * 1000000n, ub = b.micros - BigInt(b.offsetSecs) * 1000000n;
  if (ua !== ub) return ua < ub ? -1 : 1;
  return b.offsetSecs - a.offsetSecs;
}

function cmpArray(elem: SqlType, a: ArrayDatum, b: ArrayDatum): number {
  const n = Math.min(a.elements.length, b.elements.length);
  for (let i = 0; i < n; i++) {
    const x = a.elements[i]!, y = b.elements[i]!;
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1; // NULL sorts after non-null inside arrays
      continue;
    }
    const c = compareDatums(elem, x, y);
    if (c !== 0) return c;
  }
  if (a.elements.length !== b.elements.length) return a.elements.length - b.elements.length;
  if (a.dims.length !== b.dims.length) return a.dims.length - b.dims.length;
  for (let i = 0; i < a.dims.length; i++) {
    const c = a.dims[i]! - b.dims[i]! || a.lowerBounds[i]! - b.lowerBounds[i]!;
    if (c !== 0) return c;
  }
  return 0;
}

/** Compares by JS shape: for anonymous records, whose field types travel elsewhere. */
function cmpLoose(a: Datum, b: Datum): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return cmpNum(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return cmpStr(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Decimal && b instanceof Decimal) return cmpDecimal(a, b);
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = cmpLoose(a[i] as Datum, b[i] as Datum);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return cmpStr(String(a), String(b));
}

/** <0, 0, >0 for a < b, a = b, a > b (both non-null, both of type t). */
export function compareDatums(t: SqlType, a: Datum, b: Datum): number {
  switch (t.kind) {
    case 'int2': case 'int4': case 'oid': case 'xid': case 'date': case 'float4': case 'float8':
    case 'regclass': case 'regtype': case 'regproc': case 'regprocedure': case 'regnamespace':
      return cmpNum(a as number, b as number);
    case 'int8': case 'time': case 'timestamp': case 'timestamptz':
      return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    case 'text': case 'varchar': case 'name': case 'char': case 'uuid': case 'unknown': case 'json':
      return cmpStr(a as string, b as string);
    case 'bpchar': return cmpStr(trimBlanks(a as string), trimBlanks(b as string));
    case 'numeric': return cmpDecimal(a as Decimal, b as Decimal);
    case 'bool': return Number(a) - Number(b);
    case 'bytea': return Buffer.compare(a as Buffer, b as Buffer);
    case 'interval': {
      const ka = intervalCompareKey(a as Interval), kb = intervalCompareKey(b as Interval);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    }
    case 'timetz': return cmpTimeTz(a as TimeTz, b as TimeTz);
    case 'jsonb': return jsonbCompare(a as JsonValue, b as JsonValue);
    case 'array': return cmpArray(t.elem!, a as ArrayDatum, b as ArrayDatum);
    case 'int2vector': case 'oidvector': case 'record': case 'void': case 'any':
      return cmpLoose(a, b);
  }
}

/** SQL equality of two non-null datums. */
export function datumsEqual(t: SqlType, a: Datum, b: Datum): boolean {
  switch (t.kind) {
    case 'int2': case 'int4': case 'int8': case 'oid': case 'text': case 'varchar': case 'name': case 'bool':
    case 'uuid': case 'time': case 'timestamp': case 'timestamptz': case 'char':
      return a === b;
    default:
      return compareDatums(t, a, b) === 0;
  }
}

/** Hash key: equal datums (by SQL equality) have identical keys (Map/Set SameValueZero). */
export function datumKey(t: SqlType, d: Datum): string | number | bigint | boolean | null {
  if (d === null) return null;
  switch (t.kind) {
    case 'int2': case 'int4': case 'int8': case 'oid': case 'xid': case 'date': case 'text': case 'varchar':
    case 'name': case 'char': case 'bool': case 'uuid': case 'time': case 'timestamp': case 'timestamptz':
    case 'float4': case 'float8': case 'unknown': case 'json':
    case 'regclass': case 'regtype': case 'regproc': case 'regprocedure': case 'regnamespace':
      return d as string | number | bigint | boolean;
    case 'bpchar': return trimBlanks(d as string);
    case 'numeric': return 'n' + (d as Decimal).toString();
    case 'bytea': return 'x' + (d as Buffer).toString('hex');
    case 'interval': return intervalCompareKey(d as Interval);
    case 'timetz': {
      const v = d as TimeTz;
      return 'tz' + v.micros + '/' + v.offsetSecs;
    }
    case 'jsonb': return 'j' + jsonbKey(d as JsonValue);
    case 'array': {
      const a = d as ArrayDatum;
      const parts = a.elements.map((e) => {
        const k = datumKey(t.elem!, e);
        return k === null ? '\u0001N' : typeof k + ':' + String(k).replace(/\u0000/g, '\u0000\u0000');
      });
      return 'a' + a.dims.join('x') + '@' + a.lowerBounds.join(',') + '\u0000' + parts.join('\u0000,');
    }
    case 'int2vector': case 'oidvector': return 'v' + (d as number[]).join(' ');
    case 'record': case 'void': case 'any':
      return 'r' + JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() + 'n' : v));
  }
}
