// Row values: a compact binary encoding of the non-key columns, each tagged with its
// column id so ADD/DROP COLUMN never rewrites old rows (a missing column reads as NULL, a
// dropped column's bytes are skipped thanks to the wire tag). NULLs are omitted.
//   per column: uvarint((columnId - previousColumnId) << 3 | wireTag), then the payload
//   wire tags:  1 varint (zigzag)   2 fixed 8 bytes   3 fixed 4 bytes   4 uvarint length + bytes
//               5 true   6 false
// Columns appear in increasing id order. One scratch buffer is reused for every row (the
// event loop is single-threaded and encoding never awaits). Called by rowenc/row.ts.

import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import type { ArrayDatum, Datum, Interval, JsonValue, NumericDatum, SqlType, TimeTz } from '../types/index.js';
import { formatJsonb, parseJson } from '../types/index.js';
import { formatUuid } from './keyenc.js';

export const WIRE_VARINT = 1;
export const WIRE_FIXED64 = 2;
export const WIRE_FIXED32 = 3;
export const WIRE_BYTES = 4;
export const WIRE_TRUE = 5;
export const WIRE_FALSE = 6;

/** A growable byte buffer; `reset()` makes it reusable. */
export class ByteWriter {
  buf: Buffer;
  len = 0;
  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(capacity);
  }
  reset(): void {
    this.len = 0;
  }
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n + 64));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  uvarint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }
  zigzag(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  bigint64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(v, this.len);
    this.len += 8;
  }
  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.len);
    this.len += 8;
  }
  float32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.len);
    this.len += 4;
  }
  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.len);
    this.len += 4;
  }
  bytes(b: Buffer): void {
    this.uvarint(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }
  utf8(s: string): void {
    const n = s.length < 64 && isAsciiShort(s) ? s.length : Buffer.byteLength(s, 'utf8');
    this.uvarint(n);
    this.ensure(n);
    if (n === s.length && n < 64) {
      for (let i = 0; i < n; i++) this.buf[this.len + i] = s.charCodeAt(i);
    } else {
      this.buf.write(s, this.len, n, 'utf8');
    }
    this.len += n;
  }
  /** A copy of the written bytes (the scratch buffer is reused). */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.len);
    this.buf.copy(out, 0, 0, this.len);
    return out;
  }
}

function isAsciiShort(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Cursor over an encoded value. */
export class ByteReader {
  constructor(
    public buf: Buffer,
    public pos = 0,
  ) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      assert(this.pos < this.buf.length, 'value: truncated varint');
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
  }
  zigzag(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  bigint64(): bigint {
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  float64(): number {
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
  float32(): number {
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }
  int32(): number {
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(): Buffer {
    const n = this.uvarint();
    assert(this.pos + n <= this.buf.length, 'value: truncated bytes');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  utf8(): string {
    const n = this.uvarint();
    assert(this.pos + n <= this.buf.length, 'value: truncated string');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  /** Skips one payload of the given wire tag (a dropped column's). */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.uvarint();
        return;
      case WIRE_FIXED64:
        this.pos += 8;
        return;
      case WIRE_FIXED32:
        this.pos += 4;
        return;
      case WIRE_BYTES: {
        const n = this.uvarint(); // read first: `pos += uvarint()` would use the old pos
        this.pos += n;
        return;
      }
      case WIRE_TRUE:
      case WIRE_FALSE:
        return;
      default:
        assert.fail(`value: unknown wire tag ${wire}`);
    }
  }
}

/** The wire tag a datum of type `t` is written with. */
export function wireTagOf(t: SqlType, d: Datum): number {
  switch (t.kind) {
    case 'bool':
      return d === true ? WIRE_TRUE : WIRE_FALSE;
    case 'int2':
    case 'int4':
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regprocedure':
    case 'regnamespace':
    case 'xid':
      return WIRE_VARINT;
    case 'date':
      return Number.isFinite(d as number) ? WIRE_VARINT : WIRE_FIXED64;
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'float8':
      return WIRE_FIXED64;
    case 'float4':
      return WIRE_FIXED32;
    default:
      return WIRE_BYTES;
  }
}

/** Writes the payload of a non-null datum (no header). */
export function encodeValueDatum(w: ByteWriter, t: SqlType, d: Datum): void {
  assert(d !== null, 'value: NULLs are omitted, never encoded');
  switch (t.kind) {
    case 'bool':
      return;
    case 'int2':
    case 'int4':
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regprocedure':
    case 'regnamespace':
    case 'xid':
      w.zigzag(d as number);
      return;
    case 'date':
      if (Number.isFinite(d as number)) w.zigzag(d as number);
      else w.float64(d as number);
      return;
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      w.bigint64(d as bigint);
      return;
    case 'float8':
      w.float64(d as number);
      return;
    case 'float4':
      w.float32(d as number);
      return;
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'char':
    case 'name':
    case 'json':
      w.utf8(d as string);
      return;
    default:
      encodeComplex(w, t, d);
  }
}

function encodeComplex(w: ByteWriter, t: SqlType, d: Datum): void {
  switch (t.kind) {
    case 'bytea':
      w.bytes(d as Buffer);
      return;
    case 'numeric': {
      const n = d as NumericDatum;
      w.utf8(`${n.dscale ?? ''}:${n.isFinite() ? n.toFixed() : n.toString()}`);
      return;
    }
    case 'uuid':
      w.bytes(Buffer.from((d as string).replace(/-/g, ''), 'hex'));
      return;
    case 'jsonb':
      w.utf8(formatJsonb(d as JsonValue)); // jsonb text: JsonNumber keeps 1.50 and 2^64 exact
      return;
    case 'interval': {
      const v = d as Interval;
      w.uvarint(16);
      w.int32(v.months);
      w.int32(v.days);
      w.bigint64(v.micros);
      return;
    }
    case 'timetz': {
      const v = d as TimeTz;
      w.uvarint(12);
      w.bigint64(v.micros);
      w.int32(v.offsetSecs);
      return;
    }
    case 'int2vector':
    case 'oidvector': {
      const xs = d as number[];
      w.uvarint(xs.length * 4);
      for (const x of xs) w.int32(x | 0);
      return;
    }
    case 'array':
      encodeArray(w, t, d as ArrayDatum);
      return;
    default:
      throw sqlError('0A000', `cannot store values of type ${t.kind} in a table`);
  }
}

/** Arrays: ndims, dims, lower bounds, then per element a wire tag (0 = NULL) and payload. */
function encodeArray(w: ByteWriter, t: SqlType, a: ArrayDatum): void {
  const elem = t.elem;
  assert(elem !== undefined, 'array type without element type');
  const inner = new ByteWriter(64);
  inner.uvarint(a.dims.length);
  for (const n of a.dims) inner.uvarint(n);
  for (const lb of a.lowerBounds) inner.zigzag(lb);
  for (const e of a.elements) {
    if (e === null) {
      inner.byte(0);
      continue;
    }
    inner.byte(wireTagOf(elem, e));
    encodeValueDatum(inner, elem, e);
  }
  w.bytes(inner.buf.subarray(0, inner.len));
}

/** Reads the payload of a datum of type `t` written with wire tag `wire`. */
export function decodeValueDatum(r: ByteReader, t: SqlType, wire: number): Datum {
  switch (t.kind) {
    case 'bool':
      return wire === WIRE_TRUE;
    case 'int2':
    case 'int4':
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regprocedure':
    case 'regnamespace':
    case 'xid':
      return r.zigzag();
    case 'date':
      return wire === WIRE_VARINT ? r.zigzag() : r.float64();
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return r.bigint64();
    case 'float8':
      return r.float64();
    case 'float4':
      return r.float32();
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'char':
    case 'name':
    case 'json':
      return r.utf8();
    default:
      return decodeComplex(r, t);
  }
}

function decodeComplex(r: ByteReader, t: SqlType): Datum {
  switch (t.kind) {
    case 'bytea':
      return Buffer.from(r.bytes());
    case 'numeric': {
      const s = r.utf8();
      const colon = s.indexOf(':');
      const n = new Decimal(s.slice(colon + 1)) as NumericDatum;
      if (colon > 0) n.dscale = Number(s.slice(0, colon));
      return n;
    }
    case 'uuid':
      return formatUuid(r.bytes());
    case 'jsonb':
      return parseJson(r.utf8(), true);
    case 'interval': {
      r.uvarint();
      const months = r.int32();
      const days = r.int32();
      return { months, days, micros: r.bigint64() };
    }
    case 'timetz': {
      r.uvarint();
      const micros = r.bigint64();
      return { micros, offsetSecs: r.int32() };
    }
    case 'int2vector':
    case 'oidvector': {
      const n = r.uvarint() / 4;
      const xs: number[] = [];
      for (let i = 0; i < n; i++) xs.push(t.kind === 'oidvector' ? r.int32() >>> 0 : r.int32());
      return xs;
    }
    case 'array':
      return decodeArray(new ByteReader(r.bytes()), t);
    default:
      throw sqlError('0A000', `cannot read values of type ${t.kind} from a table`);
  }
}

function decodeArray(r: ByteReader, t: SqlType): ArrayDatum {
  const elem = t.elem;
  assert(elem !== undefined, 'array type without element type');
  const nd = r.uvarint();
  const dims: number[] = [];
  const lowerBounds: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(r.uvarint());
  for (let i = 0; i < nd; i++) lowerBounds.push(r.zigzag());
  const elements: Datum[] = [];
  while (!r.done()) {
    const wire = r.buf[r.pos++]!;
    elements.push(wire === 0 ? null : decodeValueDatum(r, elem, wire));
  }
  return { dims, lowerBounds, elements };
}
