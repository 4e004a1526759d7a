// Array text I/O: array_out ('{1,2,NULL}', quoting as PostgreSQL, '[0:1]=' bounds prefix,
// nested braces for several dimensions) and array_in (quotes, backslash escapes, NULL,
// rectangular check). Element conversion is passed in, so this file knows no element types.

import { sqlError } from '../errors.js';
import type { ArrayDatum, Datum } from './type.js';

const NEEDS_QUOTE = /[{}",\\\s]/;

/** One element as array_out writes it. */
export function quoteArrayElement(s: string): string {
  if (s.length === 0 || NEEDS_QUOTE.test(s) || (s.length === 4 && s.toUpperCase() === 'NULL')) {
    return '"' + s.replace(/(["\\])/g, '\\$1') + '"';
  }
  return s;
}

/** array_out: `format` renders one non-null element. */
export function formatArray(a: ArrayDatum, format: (d: Datum) => string): string {
  const { dims, lowerBounds, elements } = a;
  if (dims.length === 0) return '{}';
  let prefix = '';
  if (lowerBounds.some((lb) => lb !== 1)) {
    prefix = dims.map((n, i) => `[${lowerBounds[i]}:${lowerBounds[i]! + n - 1}]`).join('') + '=';
  }
  let pos = 0;
  const walk = (dim: number): string => {
    const n = dims[dim]!;
    const parts: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (dim < dims.length - 1) parts[i] = walk(dim + 1);
      else {
        const e = elements[pos++]!;
        parts[i] = e === null ? 'NULL' : quoteArrayElement(format(e));
      }
    }
    return '{' + parts.join(',') + '}';
  };
  return prefix + walk(0);
}

function malformed(text: string, detail: string): Error {
  return sqlError('22P02', `malformed array literal: "${text}"`, { detail });
}

interface Cursor {
  readonly s: string;
  i: number;
}

function skipWs(c: Cursor): void {
  while (c.i < c.s.length && /\s/.test(c.s[c.i]!)) c.i++;
}

/** Reads one element; returns null for an unquoted NULL. */
function readElement(c: Cursor, text: string): string | null {
  let out = '';
  let quoted = false;
  let sawQuote = false;
  let trailingWs = 0;
  for (;;) {
    if (c.i >= c.s.length) throw malformed(text, 'Unexpected end of input.');
    const ch = c.s[c.i]!;
    if (ch === '\\') {
      if (c.i + 1 >= c.s.length) throw malformed(text, 'Unexpected end of input.');
      out += c.s[c.i + 1];
      c.i += 2;
      trailingWs = 0;
      continue;
    }
    if (ch === '"') {
      if (!quoted && out.length > 0 && !sawQuote) throw malformed(text, 'Unexpected array element.');
      quoted = !quoted;
      sawQuote = true;
      c.i++;
      trailingWs = 0;
      continue;
    }
    if (!quoted && (ch === ',' || ch === '}')) break;
    if (!quoted && ch === '{') throw malformed(text, 'Unexpected "{" character.');
    if (!quoted && /\s/.test(ch)) {
      if ((out.length === 0 && !sawQuote) || sawQuote) {
        c.i++; // leading blanks, or blanks after a closing quote
        continue;
      }
      trailingWs++;
    } else if (!quoted) trailingWs = 0;
    out += ch;
    c.i++;
  }
  if (!sawQuote && trailingWs > 0) out = out.slice(0, out.length - trailingWs);
  if (!sawQuote && out.length === 0) throw malformed(text, 'Unexpected "' + c.s[c.i] + '" character.');
  if (!sawQuote && out.toUpperCase() === 'NULL') return null;
  return out;
}

/** Parses nested braces into flat elements and dimension lengths. */
function readLevel(c: Cursor, text: string, depth: number, dims: number[], out: (string | null)[]): void {
  c.i++; // '{'
  skipWs(c);
  let count = 0;
  if (c.s[c.i] === '}') {
    c.i++;
    if (depth === 0) return;
    throw malformed(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
  }
  for (;;) {
    skipWs(c);
    if (c.s[c.i] === '{') {
      if (dims.length > depth + 1 && dims[depth + 1] === -2) throw malformed(text, 'Unexpected "{" character.');
      readLevel(c, text, depth + 1, dims, out);
    } else {
      if (dims.length > depth + 1 && dims[depth + 1] !== -2) throw malformed(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
      dims[depth + 1] = -2; // marks "elements live at this depth"
      out.push(readElement(c, text));
    }
    count++;
    skipWs(c);
    const ch = c.s[c.i];
    if (ch === ',') {
      c.i++;
      continue;
    }
    if (ch === '}') {
      c.i++;
      break;
    }
    throw malformed(text, ch === undefined ? 'Unexpected end of input.' : `Unexpected "${ch}" character.`);
  }
  if (dims[depth] === undefined || dims[depth] === -1) dims[depth] = count;
  else if (dims[depth] !== count) throw malformed(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
}

/** array_in: `parse` converts one non-null element's text. */
export function parseArray(text: string, parse: (s: string) => Datum): ArrayDatum {
  const c: Cursor = { s: text, i: 0 };
  skipWs(c);
  let lowerBounds: number[] | undefined;
  if (c.s[c.i] === '[') {
    const m = /^((?:\[[+-]?\d+(?::[+-]?\d+)?\])+)\s*=\s*/.exec(c.s.slice(c.i));
    if (m === null) throw malformed(text, 'Missing "=" after array dimensions.');
    lowerBounds = [...m[1]!.matchAll(/\[([+-]?\d+)(?::([+-]?\d+))?\]/g)].map((b) => (b[2] === undefined ? 1 : Number(b[1])));
    c.i += m[0].length;
  }
  if (c.s[c.i] !== '{') throw malformed(text, 'Array value must start with "{" or dimension information.');
  const dims: number[] = [];
  const raw: (string | null)[] = [];
  readLevel(c, text, 0, dims, raw);
  skipWs(c);
  if (c.i < c.s.length) throw malformed(text, 'Junk after closing right brace.');
  const realDims = dims.filter((d) => d !== -2);
  if (raw.length === 0) return { dims: [], lowerBounds: [], elements: [] };
  if (lowerBounds !== undefined && lowerBounds.length !== realDims.length) {
    throw malformed(text, 'Specified array dimensions do not match array contents.');
  }
  const elements = raw.map((e) => (e === null ? null : parse(e)));
  return { dims: realDims, lowerBounds: lowerBounds ?? realDims.map(() => 1), elements };
}
