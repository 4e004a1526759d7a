// Text input and output functions of every type (PostgreSQL's typinput/typoutput), with
// PostgreSQL's exact messages: 22P02 for bad syntax, 22003 for out-of-range numbers, 22007
// and 22008 for datetimes. Hot path for int4/int8/text/numeric: no allocation beyond the
// result. Called by the wire layer (parameters and results), COPY, casts from/to text.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import type { ArrayDatum, Datum, Interval, JsonValue, NumericDatum, SqlType, TimeTz, TypeEnv } from './type.js';
import { formatFloat4, formatFloat8 } from './float.js';
import { formatNumeric, parseNumeric } from './numeric.js';
import {
  formatDate, formatTime, formatTimeTz, formatTimestamp, formatTimestamptz,
  parseDate, parseTime, parseTimeTz, parseTimestamp, parseTimestamptz,
} from './datetime.js';
import { formatInterval, parseInterval } from './interval.js';
import { formatJsonb } from './json.js';
import { parseJson } from './json-parse.js';
import { formatArray, parseArray } from './array.js';
import { typeFromName, typeName, typeFromOid } from './registry.js';

export const UTC_ENV: TypeEnv = Object.freeze({ timeZone: 'UTC' });

const INT_NAMES = { int2: 'smallint', int4: 'integer', int8: 'bigint' } as const;

function badSyntax(typ: string, text: string): Error {
  return sqlError('22P02', `invalid input syntax for type ${typ}: "${text}"`);
}

/** int2/int4 input: optional whitespace and sign, decimal digits only. */
function parseInt32(text: string, kind: 'int2' | 'int4', min: number, max: number): number {
  const n = text.length;
  let i = 0;
  while (i < n && text.charCodeAt(i) <= 32) i++;
  let neg = false;
  if (i < n && (text[i] === '-' || text[i] === '+')) neg = text[i++] === '-';
  const start = i;
  let v = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    i++;
  }
  const end = i;
  while (i < n && text.charCodeAt(i) <= 32) i++;
  if (end === start || i !== n) throw badSyntax(INT_NAMES[kind], text);
  if (neg) v = -v;
  if (v < min || v > max || end - start > 15) {
    throw sqlError('22003', `value "${text}" is out of range for type ${INT_NAMES[kind]}`);
  }
  return v + 0;
}

const INT8_RE = /^\s*([+-]?\d+)\s*$/;
const INT8_MAX = 9223372036854775807n;

function parseInt8(text: string): bigint {
  const m = INT8_RE.exec(text);
  if (m === null) throw badSyntax('bigint', text);
  const v = BigInt(m[1]!);
  if (v > INT8_MAX || v < -INT8_MAX - 1n) throw sqlError('22003', `value "${text}" is out of range for type bigint`);
  return v;
}

const FLOAT_RE = /^\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\s*$/;
const FLOAT_SPECIAL: Record<string, number> = {
  nan: NaN, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity, inf: Infinity, '+inf': Infinity, '-inf': -Infinity,
};

function parseFloat(text: string, kind: 'float4' | 'float8'): number {
  const typ = kind === 'float8' ? 'double precision' : 'real';
  if (!FLOAT_RE.test(text)) {
    const sp = FLOAT_SPECIAL[text.trim().toLowerCase()];
    if (sp === undefined) throw badSyntax(typ, text);
    return sp;
  }
  let v = Number(text);
  if (kind === 'float4') {
    const r = Math.fround(v);
    if (!Number.isFinite(r) || (r === 0 && v !== 0 && Math.abs(v) < 1e-45)) throw sqlError('22003', `"${text}" is out of range for type real`);
    v = r;
  }
  if (!Number.isFinite(v) || (v === 0 && /[1-9]/.test(text.split(/[eE]/)[0]!))) {
    throw sqlError('22003', `"${text}" is out of range for type ${typ}`);
  }
  return v;
}

const BOOL_WORDS = ['true', 'false', 'yes', 'no', 'on', 'off'];

function parseBool(text: string): boolean {
  const s = text.trim().toLowerCase();
  if (s === '1') return true;
  if (s === '0') return false;
  if (s.length > 0) {
    for (const w of BOOL_WORDS) {
      if (w.startsWith(s) && (s.length >= 2 || (w !== 'on' && w !== 'off'))) {
        return w === 'true' || w === 'yes' || w === 'on';
      }
    }
  }
  throw badSyntax('boolean', text);
}

function parseBytea(text: string): Buffer {
  if (text.startsWith('\\x')) {
    const s = text.slice(2).replace(/\s+/g, '');
    if (s.length % 2 !== 0) throw sqlError('22023', 'invalid hexadecimal data: odd number of digits');
    const bad = /[^0-9a-fA-F]/.exec(s);
    if (bad !== null) throw sqlError('22023', `invalid hexadecimal digit: "${bad[0]}"`);
    return Buffer.from(s, 'hex');
  }
  const bytes: number[] = [];
  const utf8 = Buffer.from(text, 'utf8');
  for (let i = 0; i < utf8.length; i++) {
    const b = utf8[i]!;
    if (b !== 0x5c) {
      bytes.push(b);
      continue;
    }
    if (utf8[i + 1] === 0x5c) {
      bytes.push(0x5c);
      i++;
    } else if (i + 3 < utf8.length + 0 && /^[0-3][0-7][0-7]$/.test(utf8.toString('latin1', i + 1, i + 4))) {
      bytes.push(parseInt(utf8.toString('latin1', i + 1, i + 4), 8));
      i += 3;
    } else throw badSyntax('bytea', text);
  }
  return Buffer.from(bytes);
}

function formatBytea(b: Buffer): string {
  return '\\x' + b.toString('hex');
}

/**
 * uuid_in: 32 hex digits, optionally in braces, with an optional hyphen after any group of
 * four digits (so "a0eebc999c0b4ef8..." and "{a0eebc99-9c0b4ef8-...}" are accepted); no
 * surrounding whitespace. Output is always the canonical 8-4-4-4-12 lowercase form.
 */
function parseUuid(text: string): string {
  let i = 0;
  const braces = text.charCodeAt(0) === 0x7b; // '{'
  if (braces) i++;
  let hex = '';
  for (let pair = 0; pair < 16; pair++) {
    const h = text.slice(i, i + 2);
    if (h.length !== 2 || !isHex(h.charCodeAt(0)) || !isHex(h.charCodeAt(1))) throw badSyntax('uuid', text);
    hex += h;
    i += 2;
    if (text[i] === '-' && pair % 2 === 1 && pair < 15) i++;
  }
  if (braces) {
    if (text[i] !== '}') throw badSyntax('uuid', text);
    i++;
  }
  if (i !== text.length) throw badSyntax('uuid', text);
  hex = hex.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function parseOid(text: string): number {
  const m = /^\s*([+-]?\d+)\s*$/.exec(text);
  if (m === null) throw badSyntax('oid', text);
  const v = Number(m[1]);
  if (v > 4294967295 || v < -2147483648) throw sqlError('22003', `value "${text}" is out of range for type oid`);
  return v < 0 ? v + 4294967296 : v;
}

/** Truncates to at most `bytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, bytes: number): string {
  if (s.length * 3 <= bytes || Buffer.byteLength(s) <= bytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

function parseReg(t: SqlType, text: string, env: TypeEnv): number {
  const s = text.trim();
  if (/^\d+$/.test(s)) return parseOid(s);
  if (s === '-') return 0;
  const reg = env.reg;
  switch (t.kind) {
    case 'regtype': {
      let oid: number | undefined;
      try {
        oid = typeFromName(s.replace(/^pg_catalog\./, '').replace(/"/g, (q) => q), []).oid;
      } catch {
        oid = reg?.regtypeIn?.(s);
      }
      if (oid === undefined) throw sqlError('42704', `type "${s}" does not exist`);
      return oid;
    }
    case 'regclass': {
      const oid = reg?.regclassIn?.(s);
      if (oid === undefined) throw sqlError('42P01', `relation "${s}" does not exist`);
      return oid;
    }
    case 'regnamespace': {
      const oid = reg?.regnamespaceIn?.(s);
      if (oid === undefined) throw sqlError('3F000', `schema "${s}" does not exist`);
      return oid;
    }
    default: {
      const oid = reg?.regprocIn?.(s);
      if (oid === undefined) throw sqlError('42883', `function "${s}" does not exist`);
      return oid;
    }
  }
}

/** regtypeout (format_type_be): like format_type, except bpchar without a typmod is "character". */
function regtypeName(t: SqlType): string {
  if (t.kind === 'bpchar') return 'character';
  if (t.kind === 'array' && t.elem!.kind === 'bpchar') return 'character[]';
  return typeName(t);
}

function formatReg(t: SqlType, oid: number, env: TypeEnv): string {
  if (oid === 0) return t.kind === 'regtype' || t.kind === 'regclass' || t.kind === 'regnamespace' || t.kind === 'regproc' ? '-' : '0';
  const reg = env.reg;
  switch (t.kind) {
    case 'regtype': {
      const bt = typeFromOid(oid);
      return bt !== undefined ? regtypeName(bt) : reg?.regtypeOut?.(oid) ?? String(oid);
    }
    case 'regclass': return reg?.regclassOut?.(oid) ?? String(oid);
    case 'regnamespace': return reg?.regnamespaceOut?.(oid) ?? String(oid);
    default: return reg?.regprocOut?.(oid) ?? String(oid);
  }
}

/**
 * The type's input function. `text` is the external text; the result is the datum
 * (not yet coerced to the typmod: callers apply coerceToTypmod).
 */
export function parseText(t: SqlType, text: string, env: TypeEnv = UTC_ENV): Datum {
  switch (t.kind) {
    case 'int4': return parseInt32(text, 'int4', -2147483648, 2147483647);
    case 'int8': return parseInt8(text);
    case 'int2': return parseInt32(text, 'int2', -32768, 32767);
    case 'text': case 'varchar': case 'bpchar': case 'unknown': case 'any': return text;
    case 'name': return truncateUtf8(text, 63);
    case 'char': return text.length === 0 ? '' : text[0]!;
    case 'numeric': return parseNumeric(text);
    case 'float8': return parseFloat(text, 'float8');
    case 'float4': return parseFloat(text, 'float4');
    case 'bool': return parseBool(text);
    case 'bytea': return parseBytea(text);
    case 'uuid': return parseUuid(text);
    case 'date': return parseDate(text, env.timeZone, env.nowMicros);
    case 'time': return parseTime(text);
    case 'timetz': return parseTimeTz(text, env.timeZone);
    case 'timestamp': return parseTimestamp(text, env.timeZone, env.nowMicros);
    case 'timestamptz': return parseTimestamptz(text, env.timeZone, env.nowMicros);
    case 'interval': return parseInterval(text);
    case 'json': parseJson(text, false); return text;
    case 'jsonb': return parseJson(text, true);
    case 'oid': case 'xid': return parseOid(text);
    case 'regclass': case 'regtype': case 'regproc': case 'regprocedure': case 'regnamespace': return parseReg(t, text, env);
    case 'int2vector': case 'oidvector': return text.trim() === '' ? [] : text.trim().split(/\s+/).map((s) => parseOid(s));
    case 'array': return parseArray(text, (s) => parseText(t.elem!, s, env));
    case 'record': throw sqlError('0A000', 'input of anonymous composite types is not implemented');
    case 'void': return null;
  }
}

function recordText(fields: readonly Datum[]): string {
  return '(' + fields.map((f) => {
    if (f === null) return '';
    const s = guessText(f);
    return s === '' || /[(),"\\\s]/.test(s) ? '"' + s.replace(/(["\\])/g, '$1$1') + '"' : s;
  }).join(',') + ')';
}

/** Output of a datum whose type is not known (anonymous records): by JS shape. */
function guessText(d: Datum): string {
  if (typeof d === 'boolean') return d ? 't' : 'f';
  if (typeof d === 'number' || typeof d === 'bigint' || typeof d === 'string') return String(d);
  if (Buffer.isBuffer(d)) return formatBytea(d);
  if (d instanceof Decimal) return formatNumeric(d);
  return JSON.stringify(d);
}

/** The type's output function, exactly as PostgreSQL prints (DateStyle ISO, IntervalStyle postgres). */
export function formatText(t: SqlType, d: Datum, env: TypeEnv = UTC_ENV): string {
  switch (t.kind) {
    case 'int4': case 'int2': case 'oid': case 'xid': return String(d as number);
    case 'int8': return (d as bigint).toString();
    case 'text': case 'varchar': case 'bpchar': case 'name': case 'char': case 'unknown': case 'json': return d as string;
    case 'numeric': return formatNumeric(d as NumericDatum, t.typmod);
    case 'float8': return formatFloat8(d as number, env.extraFloatDigits);
    case 'float4': return formatFloat4(d as number, env.extraFloatDigits);
    case 'bool': return d ? 't' : 'f';
    case 'bytea': return formatBytea(d as Buffer);
    case 'uuid': return d as string;
    case 'date': return formatDate(d as number);
    case 'time': return formatTime(d as bigint);
    case 'timetz': return formatTimeTz(d as TimeTz);
    case 'timestamp': return formatTimestamp(d as bigint);
    case 'timestamptz': return formatTimestamptz(d as bigint, env.timeZone);
    case 'interval': return formatInterval(d as Interval);
    case 'jsonb': return formatJsonb(d as JsonValue);
    case 'regclass': case 'regtype': case 'regproc': case 'regprocedure': case 'regnamespace': return formatReg(t, d as number, env);
    case 'int2vector': case 'oidvector': return (d as number[]).join(' ');
    case 'array': {
      const elem = t.elem!;
      return formatArray(d as ArrayDatum, (e) => formatText(elem, e, env));
    }
    case 'record': return recordText(d as readonly Datum[]);
    case 'void': return '';
    case 'any': return guessText(d);
  }
}

