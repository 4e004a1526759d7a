// json and jsonb values: the jsonb datum shape (JsonNumber keeps PostgreSQL's numeric text,
// JSON_NULL is a JSON null distinct from SQL NULL), input with PostgreSQL's messages
// (json-parse.ts, which owns parseJson), jsonb output with its spacing and key order (shorter keys first, then
// bytewise), jsonb_pretty, the jsonb btree order, equality and containment.
// Called by text/binary I/O, casts, compare, the json builtins and rowenc.

import { Decimal } from 'decimal.js';
import type { JsonObject, JsonValue, NumericDatum } from './type.js';
import { formatNumeric, parseNumeric } from './numeric.js';

/**
 * A JSON number inside a jsonb value. PostgreSQL stores numeric, so `1.50` keeps its scale,
 * `1e3` reads as `1000`, `-0.0` as `0.0` and integers beyond 2^53 stay exact; `text` is that
 * canonical numeric output. The Decimal is made on demand (comparisons, casts).
 */
export class JsonNumber {
  readonly text: string;
  #dec: NumericDatum | undefined;

  constructor(canonicalText: string) {
    this.text = canonicalText;
  }

  /** From numeric input text (a JSON number token, float output such as "1e+300", ...). */
  static parse(token: string): JsonNumber {
    if (SIMPLE_NUMBER.test(token)) return new JsonNumber(NEGATIVE_ZERO.test(token) ? token.slice(1) : token);
    return JsonNumber.fromNumeric(parseNumeric(token));
  }

  /** From a finite numeric datum (its display scale kept). */
  static fromNumeric(d: NumericDatum): JsonNumber {
    const n = new JsonNumber(formatNumeric(d));
    n.#dec = d;
    return n;
  }

  /** From an integer value (int2/int4/int8/oid). */
  static fromInteger(v: number | bigint): JsonNumber {
    return new JsonNumber(String(v));
  }

  /** The value as numeric, with the display scale of `text`. */
  decimal(): NumericDatum {
    if (this.#dec === undefined) this.#dec = parseNumeric(this.text);
    return this.#dec;
  }

  toNumber(): number {
    return Number(this.text);
  }
}

/** Plain integers and decimals without exponent print as written (JSON forbids leading zeros). */
const SIMPLE_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const NEGATIVE_ZERO = /^-0(?:\.0+)?$/;

/** The JSON null of a jsonb value (SQL NULL is JS null; this one is a value). */
export class JsonNull {
  /** Distinguishes it from `{}` for code that serializes datums structurally. */
  readonly jsonNull = true;
  static readonly instance = new JsonNull();
  private constructor() {}
}

export const JSON_NULL: JsonNull = JsonNull.instance;

export type JsonKind = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';

/** jsonb_typeof's names. */
export function jsonKind(v: JsonValue): JsonKind {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof JsonNumber) return 'number';
  if (v === JSON_NULL) return 'null';
  return Array.isArray(v) ? 'array' : 'object';
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber) && !(v instanceof JsonNull);
}

/** jsonb key order: shorter first, then by UTF-8 bytes (code units suffice for BMP text). */
export function compareKeys(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort(compareKeys);
}

/** An object with `key` set, safe for "__proto__" (JSON keys are data, never prototypes). */
export function setJsonKey(o: JsonObject, key: string, v: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/** JSON string literal as PostgreSQL's escape_json writes it. */
export function quoteJsonString(s: string): string {
  return JSON.stringify(s);
}

function scalarText(v: JsonValue): string | undefined {
  if (typeof v === 'string') return quoteJsonString(v);
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === JSON_NULL) return 'null';
  return undefined;
}

function writeJsonb(v: JsonValue, out: string[]): void {
  const s = scalarText(v);
  if (s !== undefined) out.push(s);
  else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(', ');
      writeJsonb(v[i]!, out);
    }
    out.push(']');
  } else {
    const o = v as JsonObject;
    out.push('{');
    const keys = sortedKeys(o);
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) out.push(', ');
      out.push(quoteJsonString(keys[i]!), ': ');
      writeJsonb(o[keys[i]!]!, out);
    }
    out.push('}');
  }
}

/** jsonb_out: `{"a": 1, "b": [1, 2]}`. */
export function formatJsonb(v: JsonValue): string {
  const s = scalarText(v);
  if (s !== undefined) return s;
  const out: string[] = [];
  writeJsonb(v, out);
  return out.join('');
}

/** json (not jsonb) output of a value built by Shoal: `{"a" : 1, "b" : [1,2]}` as to_json does. */
export function formatJson(v: JsonValue): string {
  const s = scalarText(v);
  if (s !== undefined) return s;
  if (Array.isArray(v)) return '[' + v.map(formatJson).join(',') + ']';
  const o = v as JsonObject;
  return '{' + Object.keys(o).map((k) => quoteJsonString(k) + ':' + formatJson(o[k]!)).join(',') + '}';
}

function writePretty(v: JsonValue, indent: string, out: string[]): void {
  const s = scalarText(v);
  if (s !== undefined) {
    out.push(s);
    return;
  }
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push('[\n', indent, ']');
      return;
    }
    out.push('[\n');
    v.forEach((e, i) => {
      out.push(inner);
      writePretty(e, inner, out);
      out.push(i < v.length - 1 ? ',\n' : '\n');
    });
    out.push(indent, ']');
    return;
  }
  const o = v as JsonObject;
  const keys = sortedKeys(o);
  if (keys.length === 0) {
    out.push('{\n', indent, '}');
    return;
  }
  out.push('{\n');
  keys.forEach((k, i) => {
    out.push(inner, quoteJsonString(k), ': ');
    writePretty(o[k]!, inner, out);
    out.push(i < keys.length - 1 ? ',\n' : '\n');
  });
  out.push(indent, '}');
}

/** jsonb_pretty: four-space indentation, one element per line. */
export function formatJsonbPretty(v: JsonValue): string {
  const out: string[] = [];
  writePretty(v, '', out);
  return out.join('');
}

/** btree rank of a kind: null < string < number < boolean < array < object. */
function rank(v: JsonValue): number {
  switch (jsonKind(v)) {
    case 'null': return 0;
    case 'string': return 1;
    case 'number': return 2;
    case 'boolean': return 3;
    case 'array': return 4;
    case 'object': return 5;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** jsonb btree order: by kind, numbers by value, containers by size first, then element-wise. */
export function jsonbCompare(a: JsonValue, b: JsonValue): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return 0;
    case 1: return compareStrings(a as string, b as string);
    case 2: return (a as JsonNumber).text === (b as JsonNumber).text ? 0 : (a as JsonNumber).decimal().cmp((b as JsonNumber).decimal());
    case 3: return Number(a) - Number(b);
    case 4: {
      const x = a as JsonValue[], y = b as JsonValue[];
      if (x.length !== y.length) return x.length - y.length;
      for (let i = 0; i < x.length; i++) {
        const c = jsonbCompare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return 0;
    }
    default: {
      const x = a as JsonObject, y = b as JsonObject;
      const kx = sortedKeys(x), ky = sortedKeys(y);
      if (kx.length !== ky.length) return kx.length - ky.length;
      for (let i = 0; i < kx.length; i++) {
        const c = compareKeys(kx[i]!, ky[i]!) || jsonbCompare(x[kx[i]!]!, y[ky[i]!]!);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

/** jsonb equality (deep, key order insensitive, 1.50 = 1.5). */
export function jsonbEqual(a: JsonValue, b: JsonValue): boolean {
  return jsonbCompare(a, b) === 0;
}

function writeKey(v: JsonValue, out: string[]): void {
  if (v instanceof JsonNumber) out.push(v.decimal().isZero() ? '0' : new Decimal(v.decimal()).toString());
  else if (Array.isArray(v)) {
    out.push('[');
    for (const e of v) {
      writeKey(e, out);
      out.push(',');
    }
    out.push(']');
  } else if (isJsonObject(v)) {
    out.push('{');
    for (const k of sortedKeys(v)) {
      out.push(quoteJsonString(k), ':');
      writeKey(v[k]!, out);
      out.push(',');
    }
    out.push('}');
  } else out.push(scalarText(v)!);
}

/** A string equal for equal jsonb values (numbers by value), for hashing (GROUP BY, DISTINCT). */
export function jsonbKey(v: JsonValue): string {
  const out: string[] = [];
  writeKey(v, out);
  return out.join('');
}

/** jsonb @>: does `a` contain `b`? */
export function jsonbContains(a: JsonValue, b: JsonValue): boolean {
  if (Array.isArray(a)) {
    if (Array.isArray(b)) return b.every((be) => a.some((ae) => jsonbContains(ae, be)));
    if (isJsonObject(b)) return false;
    return a.some((ae) => !Array.isArray(ae) && jsonbContains(ae, b)); // scalar in array
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    return Object.keys(b).every((k) => Object.prototype.hasOwnProperty.call(a, k) && jsonbContains(a[k]!, b[k]!));
  }
  return rank(a) === rank(b) && jsonbCompare(a, b) === 0;
}
