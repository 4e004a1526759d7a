// Binary send/receive formats (PostgreSQL's typsend/typreceive) for the extended protocol
// and binary COPY: big-endian integers, IEEE floats, dates and timestamps counted from
// 2000-01-01, numeric as base-10000 digits, arrays with their header. Called by the
// session when a client asks for format 1 (pg with binary mode, JDBC, pgx, ...).

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import { TIMESTAMP_INFINITY } from './type.js';
import type { ArrayDatum, Datum, Interval, JsonValue, NumericDatum, SqlType, TimeTz, TypeEnv } from './type.js';
import { formatJsonb } from './json.js';
import { parseJson } from './json-parse.js';
import { numericScale, setScale } from './numeric.js';
import { typeFromOid } from './registry.js';
import { UTC_ENV } from './text-io.js';

/** Microseconds and days between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
const PG_EPOCH_MICROS = 946684800000000n;
const PG_EPOCH_DAYS = 10957;
const INT64_MAX = 9223372036854775807n;
const INT32_MAX = 2147483647;

function int32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(v);
  return b;
}

function int64(v: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(v);
  return b;
}

function badBinary(t: SqlType): Error {
  return sqlError('22P03', `incorrect binary data format in parameter of type ${t.kind}`);
}

function need(t: SqlType, buf: Buffer, n: number): void {
  if (buf.length !== n) throw badBinary(t);
}

// ---- numeric ----

const NUMERIC_NEG = 0x4000, NUMERIC_NAN = 0xc000, NUMERIC_PINF = 0xd000, NUMERIC_NINF = 0xf000;

function encodeNumeric(d: NumericDatum): Buffer {
  const header = (ndigits: number, weight: number, sign: number, dscale: number): Buffer => {
    const b = Buffer.allocUnsafe(8 + ndigits * 2);
    b.writeInt16BE(ndigits, 0);
    b.writeInt16BE(weight, 2);
    b.writeUInt16BE(sign, 4);
    b.writeUInt16BE(dscale, 6);
    return b;
  };
  if (d.isNaN()) return header(0, 0, NUMERIC_NAN, 0);
  if (!d.isFinite()) return header(0, 0, d.isNegative() ? NUMERIC_NINF : NUMERIC_PINF, 0);
  const dscale = Math.max(0, numericScale(d));
  const [ip, fp = ''] = d.abs().toFixed(dscale).split('.') as [string, string?];
  const intPart = ip === '0' ? '' : ip;
  const intPadded = '0'.repeat((4 - (intPart.length % 4)) % 4) + intPart;
  const fracPadded = fp + '0'.repeat((4 - (fp.length % 4)) % 4);
  const all = intPadded + fracPadded;
  const groups: number[] = [];
  for (let i = 0; i < all.length; i += 4) groups.push(Number(all.slice(i, i + 4)));
  let weight = intPadded.length / 4 - 1;
  let start = 0;
  while (start < groups.length && groups[start] === 0) { start++; weight--; }
  let end = groups.length;
  while (end > start && groups[end - 1] === 0) end--;
  if (start === end) return header(0, 0, 0, dscale);
  const b = header(end - start, weight, d.isNegative() ? NUMERIC_NEG : 0, dscale);
  for (let i = start; i < end; i++) b.writeInt16BE(groups[i]!, 8 + (i - start) * 2);
  return b;
}

function decodeNumeric(t: SqlType, buf: Buffer): NumericDatum {
  if (buf.length < 8) throw badBinary(t);
  const ndigits = buf.readInt16BE(0), weight = buf.readInt16BE(2), sign = buf.readUInt16BE(4), dscale = buf.readUInt16BE(6);
  need(t, buf, 8 + ndigits * 2);
  if (sign === NUMERIC_NAN) return new Decimal(NaN);
  if (sign === NUMERIC_PINF) return new Decimal(Infinity);
  if (sign === NUMERIC_NINF) return new Decimal(-Infinity);
  if (ndigits === 0) return setScale(new Decimal(0), dscale);
  let coef = '';
  for (let i = 0; i < ndigits; i++) {
    const g = buf.readInt16BE(8 + i * 2);
    if (g < 0 || g > 9999) throw badBinary(t);
    coef += String(g).padStart(4, '0');
  }
  const exp = (weight + 1) * 4 - coef.length;
  const v = new Decimal((sign === NUMERIC_NEG ? '-' : '') + coef + 'e' + exp);
  return setScale(v.toDecimalPlaces(dscale, Decimal.ROUND_HALF_UP), dscale);
}

// ---- arrays ----

function encodeArray(t: SqlType, a: ArrayDatum, env: TypeEnv): Buffer {
  const elem = t.elem!;
  const parts: Buffer[] = [];
  const hasNull = a.elements.some((e) => e === null);
  const head = Buffer.allocUnsafe(12 + a.dims.length * 8);
  head.writeInt32BE(a.dims.length, 0);
  head.writeInt32BE(hasNull ? 1 : 0, 4);
  head.writeUInt32BE(elem.oid, 8);
  a.dims.forEach((n, i) => {
    head.writeInt32BE(n, 12 + i * 8);
    head.writeInt32BE(a.lowerBounds[i]!, 16 + i * 8);
  });
  parts.push(head);
  for (const e of a.elements) {
    if (e === null) parts.push(int32(-1));
    else {
      const b = encodeBinary(elem, e, env);
      parts.push(int32(b.length), b);
    }
  }
  return Buffer.concat(parts);
}

function decodeArray(t: SqlType, buf: Buffer, env: TypeEnv): ArrayDatum {
  if (buf.length < 12) throw badBinary(t);
  const ndim = buf.readInt32BE(0);
  const elemOid = buf.readUInt32BE(8);
  if (ndim < 0 || ndim > 6) throw sqlError('22P03', `invalid number of dimensions: ${ndim}`);
  const elem = t.elem!;
  if (elemOid !== elem.oid && typeFromOid(elemOid) !== undefined) {
    throw sqlError('42804', `binary data has array element type ${elemOid} instead of expected ${elem.oid}`);
  }
  const dims: number[] = [], lowerBounds: number[] = [];
  let pos = 12;
  let count = ndim === 0 ? 0 : 1;
  for (let i = 0; i < ndim; i++) {
    if (pos + 8 > buf.length) throw badBinary(t);
    dims.push(buf.readInt32BE(pos));
    lowerBounds.push(buf.readInt32BE(pos + 4));
    count *= dims[i]!;
    pos += 8;
  }
  const elements: Datum[] = [];
  for (let i = 0; i < count; i++) {
    if (pos + 4 > buf.length) throw badBinary(t);
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len === -1) elements.push(null);
    else {
      if (len < 0 || pos + len > buf.length) throw badBinary(t);
      elements.push(decodeBinary(elem, buf.subarray(pos, pos + len), env));
      pos += len;
    }
  }
  if (pos !== buf.length) throw badBinary(t);
  return { dims, lowerBounds, elements };
}

// ---- dispatch ----

function encodeTimestamp(v: bigint): Buffer {
  if (v === TIMESTAMP_INFINITY) return int64(INT64_MAX);
  if (v === -TIMESTAMP_INFINITY) return int64(-INT64_MAX - 1n);
  return int64(v - PG_EPOCH_MICROS);
}

function decodeTimestamp(buf: Buffer): bigint {
  const v = buf.readBigInt64BE(0);
  if (v === INT64_MAX) return TIMESTAMP_INFINITY;
  if (v === -INT64_MAX - 1n) return -TIMESTAMP_INFINITY;
  return v + PG_EPOCH_MICROS;
}

/** typsend: the binary wire form of a non-null datum. */
export function encodeBinary(t: SqlType, d: Datum, env: TypeEnv = UTC_ENV): Buffer {
  switch (t.kind) {
    case 'int4': return int32(d as number);
    case 'int8': return int64(d as bigint);
    case 'int2': { const b = Buffer.allocUnsafe(2); b.writeInt16BE(d as number); return b; }
    case 'text': case 'varchar': case 'bpchar': case 'name': case 'unknown': case 'json': return Buffer.from(d as string, 'utf8');
    case 'char': return Buffer.from([(d as string).length === 0 ? 0 : (d as string).charCodeAt(0) & 0xff]);
    case 'bool': return Buffer.from([d ? 1 : 0]);
    case 'float8': { const b = Buffer.allocUnsafe(8); b.writeDoubleBE(d as number); return b; }
    case 'float4': { const b = Buffer.allocUnsafe(4); b.writeFloatBE(d as number); return b; }
    case 'numeric': return encodeNumeric(d as NumericDatum);
    case 'bytea': return d as Buffer;
    case 'uuid': return Buffer.from((d as string).replace(/-/g, ''), 'hex');
    case 'oid': case 'xid': case 'regclass': case 'regtype': case 'regproc': case 'regprocedure': case 'regnamespace': {
      const b = Buffer.allocUnsafe(4); b.writeUInt32BE(d as number); return b;
    }
    case 'date': {
      const days = d as number;
      return int32(days === Infinity ? INT32_MAX : days === -Infinity ? -INT32_MAX - 1 : days - PG_EPOCH_DAYS);
    }
    case 'time': return int64(d as bigint);
    case 'timetz': {
      const v = d as TimeTz;
      return Buffer.concat([int64(v.micros), int32(-v.offsetSecs)]);
    }
    case 'timestamp': case 'timestamptz': return encodeTimestamp(d as bigint);
    case 'interval': {
      const iv = d as Interval;
      const b = Buffer.allocUnsafe(16);
      b.writeBigInt64BE(iv.micros, 0); b.writeInt32BE(iv.days, 8); b.writeInt32BE(iv.months, 12);
      return b;
    }
    case 'jsonb': return Buffer.concat([Buffer.from([1]), Buffer.from(formatJsonb(d as JsonValue), 'utf8')]);
    case 'array': return encodeArray(t, d as ArrayDatum, env);
    case 'int2vector': case 'oidvector': {
      const elem = t.kind === 'int2vector' ? typeFromOid(21)! : typeFromOid(26)!;
      const arr = { kind: 'array' as const, oid: 0, typmod: -1, elem };
      const v = d as number[];
      return encodeArray(arr, { dims: [v.length], lowerBounds: [0], elements: v }, env);
    }
    case 'void': return Buffer.alloc(0);
    case 'record': case 'any':
      throw sqlError('0A000', `binary output of type ${t.kind} is not supported`);
  }
}

/** typreceive: a datum from its binary wire form (22P03 on malformed input). */
export function decodeBinary(t: SqlType, buf: Buffer, env: TypeEnv = UTC_ENV): Datum {
  switch (t.kind) {
    case 'int4': need(t, buf, 4); return buf.readInt32BE(0);
    case 'int8': need(t, buf, 8); return buf.readBigInt64BE(0);
    case 'int2': need(t, buf, 2); return buf.readInt16BE(0);
    case 'text': case 'varchar': case 'bpchar': case 'name': case 'unknown': case 'any': return buf.toString('utf8');
    case 'json': { const s = buf.toString('utf8'); parseJson(s, false); return s; }
    case 'char': need(t, buf, 1); return String.fromCharCode(buf[0]!);
    case 'bool': need(t, buf, 1); return buf[0] !== 0;
    case 'float8': need(t, buf, 8); return buf.readDoubleBE(0);
    case 'float4': need(t, buf, 4); return buf.readFloatBE(0);
    case 'numeric': return decodeNumeric(t, buf);
    case 'bytea': return Buffer.from(buf);
    case 'uuid': {
      need(t, buf, 16);
      const h = buf.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'oid': case 'xid': case 'regclass': case 'regtype': case 'regproc': case 'regprocedure': case 'regnamespace':
      need(t, buf, 4); return buf.readUInt32BE(0);
    case 'date': {
      need(t, buf, 4);
      const v = buf.readInt32BE(0);
      return v === INT32_MAX ? Infinity : v === -INT32_MAX - 1 ? -Infinity : v + PG_EPOCH_DAYS;
    }
    case 'time': need(t, buf, 8); return buf.readBigInt64BE(0);
    case 'timetz': need(t, buf, 12); return { micros: buf.readBigInt64BE(0), offsetSecs: -buf.readInt32BE(8) };
    case 'timestamp': case 'timestamptz': need(t, buf, 8); return decodeTimestamp(buf);
    case 'interval':
      need(t, buf, 16);
      return { micros: buf.readBigInt64BE(0), days: buf.readInt32BE(8), months: buf.readInt32BE(12) };
    case 'jsonb':
      if (buf.length < 1 || buf[0] !== 1) throw sqlError('22P03', 'unsupported jsonb version number');
      return parseJson(buf.toString('utf8', 1), true);
    case 'array': return decodeArray(t, buf, env);
    case 'int2vector': case 'oidvector': {
      const elem = t.kind === 'int2vector' ? typeFromOid(21)! : typeFromOid(26)!;
      return decodeArray({ kind: 'array', oid: 0, typmod: -1, elem }, buf, env).elements as number[];
    }
    case 'void': return null;
    case 'record': throw sqlError('0A000', 'binary input of type record is not supported');
  }
}
