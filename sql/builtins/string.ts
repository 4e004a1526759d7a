// String functions (PostgreSQL's "String Functions and Operators" and the bytea encode
// helpers): length/substr/trim/pad/replace/split_part/concat/format/regexp_* and friends.
// Characters are Unicode code points, as PostgreSQL counts them in UTF-8 databases.

import { createHash } from 'node:crypto';
import { sqlError } from '../errors.js';
import { arrayOf, formatText, types } from '../types/index.js';
import type { ArrayDatum, Datum, SqlType } from '../types/index.js';
import type { FnDef, Registry, ScalarFn } from './registry.js';
import { poly } from './registry.js';
import { likeEscape, pgRegExp, regexFlags } from './pattern.js';

const T = types;
const TEXT_ARRAY = arrayOf(T.text);
const SURROGATE = /[\uD800-\uDFFF]/;

function chars(s: string): string[] {
  return Array.from(s);
}

export function charLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _c of s) n++;
  return n;
}

/** substr with PostgreSQL's start/length rules (1-based, start may be ≤ 0). */
export function substr(s: string, start: number, len?: number): string {
  if (len !== undefined && len < 0) throw sqlError('22011', 'negative substring length not allowed');
  const from = Math.max(start, 1);
  const to = len === undefined ? Infinity : start + len; // exclusive, 1-based
  if (to <= from) return '';
  if (!SURROGATE.test(s)) return s.slice(from - 1, to === Infinity ? undefined : to - 1);
  const cs = chars(s);
  return cs.slice(from - 1, to === Infinity ? undefined : to - 1).join('');
}

function trimChars(s: string, set: string, left: boolean, right: boolean): string {
  const cs = chars(s);
  const drop = new Set(chars(set));
  let a = 0, b = cs.length;
  if (left) while (a < b && drop.has(cs[a]!)) a++;
  if (right) while (b > a && drop.has(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

function pad(s: string, len: number, fill: string, left: boolean): string {
  const cs = chars(s);
  if (len <= cs.length) return cs.slice(0, Math.max(len, 0)).join('');
  const fc = chars(fill);
  if (fc.length === 0) return s;
  let padding = '';
  for (let i = 0; i < len - cs.length; i++) padding += fc[i % fc.length];
  return left ? padding + s : s + padding;
}

function splitPart(s: string, delim: string, n: number): string {
  if (n === 0) throw sqlError('22023', 'field position must not be zero');
  if (delim === '') return n === 1 || n === -1 ? s : '';
  const parts = s.split(delim);
  const i = n > 0 ? n - 1 : parts.length + n;
  return i >= 0 && i < parts.length ? parts[i]! : '';
}

function initcap(s: string): string {
  let out = '';
  let inWord = false;
  for (const c of s) {
    const alnum = /[\p{L}\p{N}]/u.test(c);
    out += alnum ? (inWord ? c.toLowerCase() : c.toUpperCase()) : c;
    inWord = alnum;
  }
  return out;
}

const RESERVED = new Set(('all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate ' +
  'collation column concurrently constraint create cross current_catalog current_date current_role current_schema ' +
  'current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for ' +
  'foreign freeze from full grant group having ilike in initially inner intersect into is isnull join lateral leading ' +
  'left like limit localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing ' +
  'primary references returning right select session_user similar some symmetric system_user table tablesample then to ' +
  'trailing true union unique user using variadic verbose when where window with').split(' '));

export function quoteIdent(s: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(s) && !RESERVED.has(s)) return s;
  return '"' + s.replace(/"/g, '""') + '"';
}

export function quoteLiteral(s: string): string {
  const body = s.replace(/'/g, "''");
  return s.includes('\\') ? "E'" + body.replace(/\\/g, '\\\\') + "'" : "'" + body + "'";
}

/** format(): %s, %I, %L, %%, positions (%2$s) and widths (%-10s, %*s not supported). */
function formatFn(argTypes: readonly SqlType[]): ScalarFn {
  return (args) => {
    const fmt = args[0] as string | null;
    if (fmt === null) return null;
    let next = 1;
    return fmt.replace(/%(?:(\d+)\$)?(-)?(\d+)?([sIL%])/g, (_m, pos: string | undefined, minus, width: string | undefined, kind: string) => {
      if (kind === '%') return '%';
      const i = pos !== undefined ? Number(pos) : next;
      next = i + 1;
      if (i < 1 || i >= args.length) throw sqlError('22023', 'too few arguments for format()');
      const v = args[i]!;
      let s: string;
      if (kind === 'L') s = v === null ? 'NULL' : quoteLiteral(formatText(argTypes[i]!, v));
      else if (v === null) {
        if (kind === 'I') throw sqlError('22004', 'null values cannot be formatted as an SQL identifier');
        s = '';
      } else s = kind === 'I' ? quoteIdent(formatText(argTypes[i]!, v)) : formatText(argTypes[i]!, v);
      if (width !== undefined && s.length < Number(width)) s = minus ? s.padEnd(Number(width)) : s.padStart(Number(width));
      return s;
    });
  };
}

/** PostgreSQL replacement string (\1, \&, \\) → JS replacement. */
function jsReplacement(repl: string): string {
  return repl.replace(/\$/g, '$$$$').replace(/\\(\d|&|\\)/g, (_m, c: string) => (c === '&' ? '$&' : c === '\\' ? '\\' : '$' + c));
}

function regexpReplace(src: string, pattern: string, repl: string, flags = ''): string {
  const f = regexFlags(flags, 'regexp_replace');
  return src.replace(pgRegExp(pattern, f.js + (f.global ? 'g' : '')), jsReplacement(repl));
}

function regexpMatch(src: string, pattern: string, flags = ''): Datum {
  const f = regexFlags(flags, 'regexp_match');
  if (f.global) throw sqlError('22023', 'regexp_match() does not support the "global" option', { hint: 'Use the regexp_matches function instead.' });
  const m = pgRegExp(pattern, f.js).exec(src);
  if (m === null) return null;
  const groups = m.length > 1 ? m.slice(1) : [m[0]];
  return { dims: [groups.length], lowerBounds: [1], elements: groups.map((g) => g ?? null) };
}

function stringToArray(s: string | null, delim: string | null, nullStr: string | null): Datum {
  if (s === null) return null;
  if (s === '') return { dims: [], lowerBounds: [], elements: [] };
  let parts: string[];
  if (delim === null) parts = chars(s);
  else if (delim === '') parts = [s];
  else parts = s.split(delim);
  const elements = parts.map((p) => (nullStr !== null && p === nullStr ? null : p));
  return { dims: [elements.length], lowerBounds: [1], elements };
}

function toHex(v: number | bigint, bits: 32 | 64): string {
  return BigInt.asUintN(bits, BigInt(v)).toString(16);
}

function encode(b: Buffer, format: string): string {
  switch (format.toLowerCase()) {
    case 'hex': return b.toString('hex');
    case 'base64': return (b.toString('base64').match(/.{1,76}/g) ?? ['']).join('\n');
    case 'escape': {
      let out = '';
      for (const x of b) out += x === 0x5c ? '\\\\' : x < 0x20 || x > 0x7e ? '\\' + x.toString(8).padStart(3, '0') : String.fromCharCode(x);
      return out;
    }
    default: throw sqlError('22023', `unrecognized encoding: "${format}"`);
  }
}

function decode(s: string, format: string): Buffer {
  switch (format.toLowerCase()) {
    case 'hex':
      if (s.length % 2 !== 0 || /[^0-9a-fA-F]/.test(s)) throw sqlError('22023', 'invalid hexadecimal data');
      return Buffer.from(s, 'hex');
    case 'base64': return Buffer.from(s.replace(/\s+/g, ''), 'base64');
    case 'escape': return Buffer.from(s.replace(/\\\\/g, '\u0000BS').replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))).replace(/\u0000BS/g, '\\'), 'latin1');
    default: throw sqlError('22023', `unrecognized encoding: "${format}"`);
  }
}

type Impl = (...a: never[]) => Datum;

/** Registers `name(args) → ret` with a positional implementation (strict unless told otherwise). */
export function def(r: Registry, name: string, args: SqlType[], ret: SqlType | FnDef['ret'], impl: Impl, extra: Partial<FnDef> = {}): void {
  const f = impl as (...a: Datum[]) => Datum;
  let fn: ScalarFn;
  switch (args.length) {
    case 0: fn = () => f(); break;
    case 1: fn = (a) => f(a[0]!); break;
    case 2: fn = (a) => f(a[0]!, a[1]!); break;
    case 3: fn = (a) => f(a[0]!, a[1]!, a[2]!); break;
    default: fn = (a) => f(...a); break;
  }
  r.addFunction({ name, args, ret, fn, ...extra });
}

export function registerStringFunctions(r: Registry): void {
  for (const n of ['length', 'char_length', 'character_length']) {
    def(r, n, [T.text], T.int4, (s: string) => charLength(s));
    def(r, n, [T.bpchar], T.int4, (s: string) => charLength(s.replace(/ +$/, '')));
  }
  def(r, 'length', [T.bytea], T.int4, (b: Buffer) => b.length);
  def(r, 'octet_length', [T.text], T.int4, (s: string) => Buffer.byteLength(s));
  def(r, 'octet_length', [T.bytea], T.int4, (b: Buffer) => b.length);
  def(r, 'octet_length', [T.bpchar], T.int4, (s: string) => Buffer.byteLength(s)); // padding counts
  def(r, 'like_escape', [T.text, T.text], T.text, (p: string, e: string) => likeEscape(p, e));
  def(r, 'like_escape', [T.bytea, T.bytea], T.bytea, (p: Buffer, e: Buffer) => Buffer.from(likeEscape(p.toString('latin1'), e.toString('latin1')), 'latin1'));
  def(r, 'get_byte', [T.bytea, T.int4], T.int4, (b: Buffer, n: number) => b[byteIndex(b, n, 1)]!);
  def(r, 'set_byte', [T.bytea, T.int4, T.int4], T.bytea, (b: Buffer, n: number, v: number) => {
    const out = Buffer.from(b);
    out[byteIndex(b, n, 1)] = v & 0xff;
    return out;
  });
  def(r, 'get_bit', [T.bytea, T.int8], T.int4, (b: Buffer, n: bigint) => {
    const i = byteIndex(b, n, 8);
    return (b[Math.floor(i / 8)]! >> (i % 8)) & 1;
  });
  def(r, 'set_bit', [T.bytea, T.int8, T.int4], T.bytea, (b: Buffer, n: bigint, v: number) => {
    const i = byteIndex(b, n, 8);
    if (v !== 0 && v !== 1) throw sqlError('22023', 'new bit must be 0 or 1');
    const out = Buffer.from(b);
    out[Math.floor(i / 8)] = (out[Math.floor(i / 8)]! & ~(1 << (i % 8))) | (v << (i % 8));
    return out;
  });
  def(r, 'bit_length', [T.text], T.int4, (s: string) => Buffer.byteLength(s) * 8);
  def(r, 'lower', [T.text], T.text, (s: string) => s.toLowerCase());
  def(r, 'upper', [T.text], T.text, (s: string) => s.toUpperCase());
  for (const n of ['substr', 'substring']) {
    def(r, n, [T.text, T.int4], T.text, (s: string, a: number) => substr(s, a));
    def(r, n, [T.text, T.int4, T.int4], T.text, (s: string, a: number, l: number) => substr(s, a, l));
    def(r, n, [T.bytea, T.int4], T.bytea, (b: Buffer, a: number) => b.subarray(Math.max(a, 1) - 1));
    def(r, n, [T.bytea, T.int4, T.int4], T.bytea, (b: Buffer, a: number, l: number) => {
      if (l < 0) throw sqlError('22011', 'negative substring length not allowed');
      return b.subarray(Math.max(a, 1) - 1, Math.max(a + l - 1, 0));
    });
  }
  def(r, 'substring', [T.text, T.text], T.text, (s: string, p: string) => {
    const m = pgRegExp(p).exec(s);
    return m === null ? null : m.length > 1 ? m[1] ?? null : m[0];
  });
  def(r, 'position', [T.text, T.text], T.int4, (s: string, sub: string) => strpos(s, sub));
  def(r, 'strpos', [T.text, T.text], T.int4, (s: string, sub: string) => strpos(s, sub));
  def(r, 'btrim', [T.text], T.text, (s: string) => trimChars(s, ' ', true, true));
  def(r, 'btrim', [T.text, T.text], T.text, (s: string, c: string) => trimChars(s, c, true, true));
  def(r, 'ltrim', [T.text], T.text, (s: string) => trimChars(s, ' ', true, false));
  def(r, 'ltrim', [T.text, T.text], T.text, (s: string, c: string) => trimChars(s, c, true, false));
  def(r, 'rtrim', [T.text], T.text, (s: string) => trimChars(s, ' ', false, true));
  def(r, 'rtrim', [T.text, T.text], T.text, (s: string, c: string) => trimChars(s, c, false, true));
  def(r, 'lpad', [T.text, T.int4], T.text, (s: string, n: number) => pad(s, n, ' ', true));
  def(r, 'lpad', [T.text, T.int4, T.text], T.text, (s: string, n: number, f: string) => pad(s, n, f, true));
  def(r, 'rpad', [T.text, T.int4], T.text, (s: string, n: number) => pad(s, n, ' ', false));
  def(r, 'rpad', [T.text, T.int4, T.text], T.text, (s: string, n: number, f: string) => pad(s, n, f, false));
  def(r, 'replace', [T.text, T.text, T.text], T.text, (s: string, a: string, b: string) => (a === '' ? s : s.split(a).join(b)));
  def(r, 'translate', [T.text, T.text, T.text], T.text, (s: string, from: string, to: string) => {
    const f = chars(from), t = chars(to);
    return chars(s).map((c) => { const i = f.indexOf(c); return i < 0 ? c : i < t.length ? t[i]! : ''; }).join('');
  });
  def(r, 'split_part', [T.text, T.text, T.int4], T.text, (s: string, d: string, n: number) => splitPart(s, d, n));
  def(r, 'left', [T.text, T.int4], T.text, (s: string, n: number) => { const c = chars(s); return c.slice(0, n >= 0 ? n : Math.max(c.length + n, 0)).join(''); });
  def(r, 'right', [T.text, T.int4], T.text, (s: string, n: number) => { const c = chars(s); return n >= 0 ? c.slice(Math.max(c.length - n, 0)).join('') : c.slice(-n).join(''); });
  def(r, 'repeat', [T.text, T.int4], T.text, (s: string, n: number) => {
    if (s.length * Math.max(n, 0) > 1 << 28) throw sqlError('54000', 'requested length too large');
    return s.repeat(Math.max(n, 0));
  });
  def(r, 'reverse', [T.text], T.text, (s: string) => chars(s).reverse().join(''));
  def(r, 'initcap', [T.text], T.text, (s: string) => initcap(s));
  def(r, 'md5', [T.text], T.text, (s: string) => createHash('md5').update(s, 'utf8').digest('hex'));
  def(r, 'md5', [T.bytea], T.text, (b: Buffer) => createHash('md5').update(b).digest('hex'));
  def(r, 'sha256', [T.bytea], T.bytea, (b: Buffer) => createHash('sha256').update(b).digest());
  def(r, 'to_hex', [T.int4], T.text, (v: number) => toHex(v, 32));
  def(r, 'to_hex', [T.int8], T.text, (v: bigint) => toHex(v, 64));
  def(r, 'ascii', [T.text], T.int4, (s: string) => (s.length === 0 ? 0 : s.codePointAt(0)!));
  def(r, 'chr', [T.int4], T.text, (n: number) => {
    if (n === 0) throw sqlError('54000', 'null character not permitted');
    if (n < 0 || n > 0x10ffff) throw sqlError('54000', 'requested character too large for encoding: ' + n);
    return String.fromCodePoint(n);
  });
  def(r, 'starts_with', [T.text, T.text], T.bool, (s: string, p: string) => s.startsWith(p));
  def(r, 'quote_ident', [T.text], T.text, (s: string) => quoteIdent(s));
  def(r, 'quote_literal', [T.text], T.text, (s: string) => quoteLiteral(s));
  r.addFunction({ name: 'quote_literal', args: [poly.anyelement], ret: T.text, make: (a) => (v) => quoteLiteral(formatText(a[0]!, v[0]!)) });
  r.addFunction({ name: 'quote_nullable', args: [T.text], ret: T.text, strict: false, fn: (v) => (v[0] === null ? 'NULL' : quoteLiteral(v[0] as string)) });
  r.addFunction({ name: 'concat', args: [], variadic: poly.any, ret: T.text, strict: false, volatility: 'stable', make: (ts) => (a) => a.map((v, i) => (v === null ? '' : formatText(ts[i]!, v))).join('') });
  r.addFunction({
    name: 'concat_ws', args: [T.text], variadic: poly.any, ret: T.text, strict: false, volatility: 'stable',
    make: (ts) => (a) => (a[0] === null ? null : a.slice(1).flatMap((v, i) => (v === null ? [] : [formatText(ts[i + 1]!, v)])).join(a[0] as string)),
  });
  r.addFunction({ name: 'format', args: [T.text], variadic: poly.any, ret: T.text, strict: false, volatility: 'stable', make: formatFn });
  def(r, 'regexp_replace', [T.text, T.text, T.text], T.text, (s: string, p: string, x: string) => regexpReplace(s, p, x));
  def(r, 'regexp_replace', [T.text, T.text, T.text, T.text], T.text, (s: string, p: string, x: string, f: string) => regexpReplace(s, p, x, f));
  def(r, 'regexp_match', [T.text, T.text], TEXT_ARRAY, (s: string, p: string) => regexpMatch(s, p));
  def(r, 'regexp_match', [T.text, T.text, T.text], TEXT_ARRAY, (s: string, p: string, f: string) => regexpMatch(s, p, f));
  def(r, 'regexp_like', [T.text, T.text], T.bool, (s: string, p: string) => pgRegExp(p).test(s));
  r.addFunction({ name: 'string_to_array', args: [T.text, T.text], ret: TEXT_ARRAY, strict: false, fn: (a) => stringToArray(a[0] as string | null, a[1] as string | null, null) });
  r.addFunction({ name: 'string_to_array', args: [T.text, T.text, T.text], ret: TEXT_ARRAY, strict: false, fn: (a) => stringToArray(a[0] as string | null, a[1] as string | null, a[2] as string | null) });
  r.addFunction({
    name: 'array_to_string', args: [poly.anyarray, T.text], ret: T.text, volatility: 'stable',
    make: (ts) => (a) => (a[0] as ArrayDatum).elements.filter((e) => e !== null).map((e) => formatText(ts[0]!.elem!, e)).join(a[1] as string),
  });
  r.addFunction({
    name: 'array_to_string', args: [poly.anyarray, T.text, T.text], ret: T.text, strict: false, volatility: 'stable',
    make: (ts) => (a) => {
      if (a[0] === null || a[1] === null) return null;
      return (a[0] as ArrayDatum).elements.flatMap((e) => (e === null ? (a[2] === null ? [] : [a[2] as string]) : [formatText(ts[0]!.elem!, e)])).join(a[1] as string);
    },
  });
  def(r, 'encode', [T.bytea, T.text], T.text, (b: Buffer, f: string) => encode(b, f));
  def(r, 'decode', [T.text, T.text], T.bytea, (s: string, f: string) => decode(s, f));
  def(r, 'convert_from', [T.bytea, T.name], T.text, (b: Buffer) => b.toString('utf8'));
  def(r, 'convert_to', [T.text, T.name], T.bytea, (s: string) => Buffer.from(s, 'utf8'));
  def(r, 'overlay', [T.text, T.text, T.int4, T.int4], T.text, (s: string, p: string, f: number, n: number) => substr(s, 1, f - 1) + p + substr(s, f + n));
  def(r, 'overlay', [T.text, T.text, T.int4], T.text, (s: string, p: string, f: number) => substr(s, 1, f - 1) + p + substr(s, f + charLength(p)));
  def(r, 'unistr', [T.text], T.text, (s: string) => s.replace(/\\u([0-9a-fA-F]{4})|\\\+([0-9a-fA-F]{6})/g, (_m, a: string, b: string) => String.fromCodePoint(parseInt(a ?? b, 16))));
}

/** Checks a get/set_byte (unit 1) or get/set_bit (unit 8) index: 2202E outside 0..len-1. */
function byteIndex(b: Buffer, n: number | bigint, unit: 1 | 8): number {
  const len = b.length * unit;
  if (n < 0 || n >= len) throw sqlError('2202E', `index ${n} out of valid range, 0..${len - 1}`);
  return Number(n);
}

function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  if (i < 0) return 0;
  return SURROGATE.test(s) ? charLength(s.slice(0, i)) + 1 : i + 1;
}
