// json and jsonb values: input (JSON.parse with PostgreSQL's error messages), jsonb output
// with PostgreSQL's spacing and key order (shorter keys first, then bytewise), jsonb_pretty,
// and the jsonb btree order. jsonb numbers are JS numbers here (PostgreSQL keeps numeric:
// "2.50" prints as 2.5 in Shoal). Called by text-io, casts and the json builtins.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import type { JsonValue } from './type.js';

function jsonSyntax(text: string): Error {
  let detail: string;
  const trimmed = text.trim();
  if (trimmed.length === 0) detail = 'The input string ended unexpectedly.';
  else {
    try {
      JSON.parse(trimmed);
      detail = 'Token is invalid.';
    } catch (e) {
      const msg = (e as Error).message;
      if (/end of (JSON )?input|Unterminated/i.test(msg)) detail = 'The input string ended unexpectedly.';
      else {
        const tok = /^[^\s,:{}[\]"]+/.exec(trimmed);
        detail = `Token "${tok?.[0] ?? trimmed[0]}" is invalid.`;
      }
    }
  }
  return sqlError('22P02', 'invalid input syntax for type json', { detail });
}

/** Parses JSON text; for jsonb also rejects \u0000 as PostgreSQL does. */
export function parseJson(text: string, jsonb: boolean): JsonValue {
  let v: JsonValue;
  try {
    v = JSON.parse(text) as JsonValue;
  } catch {
    throw jsonSyntax(text);
  }
  if (jsonb && text.includes('\\u0000')) {
    throw sqlError('22P05', 'unsupported Unicode escape sequence', { detail: '\\u0000 cannot be converted to text.' });
  }
  return v;
}

/** jsonb key order: shorter first, then by UTF-8 bytes (code units suffice for BMP text). */
export function compareKeys(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedKeys(o: { [key: string]: JsonValue }): string[] {
  return Object.keys(o).sort(compareKeys);
}

/** A JSON number as PostgreSQL's numeric output prints it (no exponent). */
export function jsonNumberText(n: number): string {
  const s = String(n);
  if (s.indexOf('e') < 0) return s;
  return new Decimal(n).toFixed();
}

function writeJsonb(v: JsonValue, out: string[]): void {
  if (v === null) out.push('null');
  else if (typeof v === 'string') out.push(JSON.stringify(v));
  else if (typeof v === 'number') out.push(jsonNumberText(v));
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(', ');
      writeJsonb(v[i]!, out);
    }
    out.push(']');
  } else {
    out.push('{');
    const keys = sortedKeys(v);
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) out.push(', ');
      out.push(JSON.stringify(keys[i]), ': ');
      writeJsonb(v[keys[i]!]!, out);
    }
    out.push('}');
  }
}

/** jsonb_out: `{"a": 1, "b": [1, 2]}`. */
export function formatJsonb(v: JsonValue): string {
  if (typeof v === 'number') return jsonNumberText(v);
  if (typeof v === 'string') return JSON.stringify(v);
  const out: string[] = [];
  writeJsonb(v, out);
  return out.join('');
}

/** json (not jsonb) output of a value built by Shoal: `{"a" : 1, "b" : [1,2]}` as to_json does. */
export function formatJson(v: JsonValue): string {
  if (v === null || typeof v !== 'object') return formatJsonb(v);
  if (Array.isArray(v)) return '[' + v.map(formatJson).join(',') + ']';
  return '{' + Object.keys(v).map((k) => JSON.stringify(k) + ':' + formatJson(v[k]!)).join(',') + '}';
}

function writePretty(v: JsonValue, indent: string, out: string[]): void {
  if (v === null || typeof v !== 'object') {
    out.push(formatJsonb(v));
    return;
  }
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    out.push('[\n');
    v.forEach((e, i) => {
      out.push(inner);
      writePretty(e, inner, out);
      out.push(i < v.length - 1 ? ',\n' : '\n');
    });
    out.push(indent, ']');
    return;
  }
  const keys = sortedKeys(v);
  out.push('{\n');
  keys.forEach((k, i) => {
    out.push(inner, JSON.stringify(k), ': ');
    writePretty(v[k]!, inner, out);
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

function rank(v: JsonValue): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'string': return 1;
    case 'number': return 2;
    case 'boolean': return 3;
    default: return Array.isArray(v) ? 4 : 5;
  }
}

/** jsonb btree order: null < string < number < boolean < array < object; containers by size first. */
export function jsonbCompare(a: JsonValue, b: JsonValue): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return 0;
    case 1: return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 2: return (a as number) - (b as number);
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
      const x = a as { [k: string]: JsonValue }, y = b as { [k: string]: JsonValue };
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

/** jsonb equality (deep, key order insensitive). */
export function jsonbEqual(a: JsonValue, b: JsonValue): boolean {
  return jsonbCompare(a, b) === 0;
}

/** jsonb @>: does `a` contain `b`? */
export function jsonbContains(a: JsonValue, b: JsonValue): boolean {
  if (Array.isArray(a)) {
    if (Array.isArray(b)) return b.every((be) => a.some((ae) => jsonbContains(ae, be)));
    if (b !== null && typeof b === 'object') return false;
    return a.some((ae) => !Array.isArray(ae) && jsonbContains(ae, b)); // scalar in array
  }
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) return false;
    return Object.keys(b).every((k) => Object.prototype.hasOwnProperty.call(a, k) && jsonbContains(a[k]!, b[k]!));
  }
  return rank(a) === rank(b) && jsonbCompare(a, b) === 0;
}
