// Order-preserving key encoding (CockroachDB style): every value is encoded into bytes so
// that comparing the encodings bytewise gives the same order as comparing the values, and
// every encoding is self-delimiting, so composite keys (/table/index/col1/col2) sort by
// column. sql/rowenc writes index keys with KeyWriter and reads them back with KeyReader.
//
// Each value starts with a one-byte tag. Ascending tags are all < 0x80; the descending
// variant of a value is its ascending encoding with every byte inverted, so descending tags
// are all >= 0x80 and a reader can tell direction and kind from the first byte.
//
//   0x00 NULL (sorts first ascending, last descending)
//   0x04 false, 0x05 true
//   0x08 float (8 bytes, sign-folded IEEE bits; -0 is stored as 0), 0x09 NaN (after +Inf, as in PostgreSQL)
//   0x12 bytes/string: payload with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01
//   0x14 timestamp: 8 bytes, int64 micros with the sign bit flipped
//   0x18 -Inf, 0x19 negative, 0x1A zero, 0x1B positive, 0x1C +Inf, 0x1D NaN  (decimals)
//        a finite decimal is 0.d1d2d3… × 10^E: E as an int, then base-100 digit pairs
//        (byte = pair + 1), then 0x00; negatives invert E and the digit bytes.
//   0x28–0x7D int64 (also uvarint): 0x30+v for 0 ≤ v ≤ 69; 0x76+(n-1) then n bytes for
//        larger v; 0x30-n then n bytes (inverted magnitude) for negative v.

import { Decimal } from 'decimal.js';
import { assert } from '../base/assert.js';

const TAG_NULL = 0x00;
const TAG_FALSE = 0x04;
const TAG_TRUE = 0x05;
const TAG_FLOAT = 0x08;
const TAG_FLOAT_NAN = 0x09;
const TAG_BYTES = 0x12;
const TAG_TIME = 0x14;
const TAG_DEC_NEG_INF = 0x18;
const TAG_DEC_NEG = 0x19;
const TAG_DEC_ZERO = 0x1a;
const TAG_DEC_POS = 0x1b;
const TAG_DEC_POS_INF = 0x1c;
const TAG_DEC_NAN = 0x1d;
const TAG_INT_MIN = 0x28; // negative, 8 bytes
const TAG_INT_ZERO = 0x30;
const INT_SMALL_MAX = 69; // 0x30 + 69 = 0x75
const TAG_INT_POS1 = 0x76; // positive, 1 byte; 0x7D = 8 bytes
const TAG_INT_MAX = 0x7d;

const ESCAPE = 0x00;
const ESCAPED_00 = 0xff;
const TERMINATOR = 0x01;

/** 256^n for n in 0..7: the smallest magnitude that needs more than n bytes. */
const BYTE_POWERS: readonly number[] = [1, 2 ** 8, 2 ** 16, 2 ** 24, 2 ** 32, 2 ** 40, 2 ** 48, 2 ** 56];

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export type KeyKind = 'null' | 'bool' | 'float' | 'bytes' | 'timestamp' | 'decimal' | 'int';

/** Kind of a value from its (ascending or descending) tag byte. */
export function kindOfTag(tagByte: number): KeyKind {
  const t = tagByte >= 0x80 ? ~tagByte & 0xff : tagByte;
  if (t === TAG_NULL) return 'null';
  if (t === TAG_FALSE || t === TAG_TRUE) return 'bool';
  if (t === TAG_FLOAT || t === TAG_FLOAT_NAN) return 'float';
  if (t === TAG_BYTES) return 'bytes';
  if (t === TAG_TIME) return 'timestamp';
  if (t >= TAG_DEC_NEG_INF && t <= TAG_DEC_NAN) return 'decimal';
  if (t >= TAG_INT_MIN && t <= TAG_INT_MAX) return 'int';
  throw new Error(`key: unknown tag byte 0x${tagByte.toString(16)}`);
}

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class KeyWriter {
  private buf: Buffer;
  private len = 0;

  constructor(prefix?: Buffer, capacity = 64) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, prefix ? prefix.length + 32 : 0));
    if (prefix) this.raw(prefix);
  }

  get length(): number {
    return this.len;
  }

  /** Appends bytes verbatim (a prefix already encoded, e.g. tablePrefix()). */
  raw(b: Buffer | Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  null(desc = false): this {
    return this.byte(desc ? ~TAG_NULL & 0xff : TAG_NULL);
  }

  bool(b: boolean, desc = false): this {
    const t = b ? TAG_TRUE : TAG_FALSE;
    return this.byte(desc ? ~t & 0xff : t);
  }

  int(v: bigint | number, desc = false): this {
    // Fast path (ids, small keys): one tag byte, no checks beyond the range test.
    if (!desc && typeof v === 'number' && v >= 0 && v <= INT_SMALL_MAX && (v | 0) === v) {
      if (this.len >= this.buf.length) this.ensure(1);
      this.buf[this.len++] = TAG_INT_ZERO + v;
      return this;
    }
    const start = this.len;
    if (typeof v === 'number') {
      // The message is built only on failure: a template literal here cost ~100 ns per key.
      if (!Number.isInteger(v)) assert(false, `key: int expects an integer, got ${v}`);
      if (Number.isSafeInteger(v)) this.intNumber(v);
      else this.intBigint(BigInt(v));
    } else {
      assert(v >= INT64_MIN && v <= INT64_MAX, 'key: int out of int64 range');
      if (v >= -0x1fffffffffffffn && v <= 0x1fffffffffffffn) this.intNumber(Number(v));
      else this.intBigint(v);
    }
    if (desc) this.invert(start);
    return this;
  }

  /** Unsigned varint (same bytes as a non-negative int), for ids inside prefixes. */
  uvarint(n: number | bigint): this {
    assert(n >= 0, 'key: uvarint must be non-negative');
    return this.int(n);
  }

  float(v: number, desc = false): this {
    const start = this.len;
    if (Number.isNaN(v)) {
      this.byte(TAG_FLOAT_NAN);
    } else {
      f64[0] = v === 0 ? 0 : v; // -0 and 0 are equal in SQL; store one form
      this.ensure(9);
      this.buf[this.len++] = TAG_FLOAT;
      const negative = (f64Bytes[LITTLE_ENDIAN ? 7 : 0]! & 0x80) !== 0;
      for (let i = 0; i < 8; i++) {
        const b = f64Bytes[LITTLE_ENDIAN ? 7 - i : i]!;
        this.buf[this.len++] = negative ? ~b & 0xff : i === 0 ? b ^ 0x80 : b;
      }
    }
    if (desc) this.invert(start);
    return this;
  }

  decimal(v: Decimal, desc = false): this {
    const start = this.len;
    if (v.isNaN()) this.byte(TAG_DEC_NAN);
    else if (!v.isFinite()) this.byte(v.isNegative() ? TAG_DEC_NEG_INF : TAG_DEC_POS_INF);
    else if (v.isZero()) this.byte(TAG_DEC_ZERO);
    else this.finiteDecimal(v);
    if (desc) this.invert(start);
    return this;
  }

  string(s: string, desc = false): this {
    return this.bytes(Buffer.from(s, 'utf8'), desc);
  }

  bytes(b: Buffer | Uint8Array, desc = false): this {
    const start = this.len;
    this.ensure(b.length * 2 + 3);
    const buf = this.buf;
    let o = this.len;
    buf[o++] = TAG_BYTES;
    for (let i = 0; i < b.length; i++) {
      const c = b[i]!;
      buf[o++] = c;
      if (c === ESCAPE) buf[o++] = ESCAPED_00;
    }
    buf[o++] = ESCAPE;
    buf[o++] = TERMINATOR;
    this.len = o;
    if (desc) this.invert(start);
    return this;
  }

  timestampMicros(v: bigint, desc = false): this {
    assert(v >= INT64_MIN && v <= INT64_MAX, 'key: timestamp out of int64 range');
    const start = this.len;
    this.ensure(9);
    this.buf[this.len++] = TAG_TIME;
    this.buf.writeBigInt64BE(v, this.len);
    this.buf[this.len] ^= 0x80;
    this.len += 8;
    if (desc) this.invert(start);
    return this;
  }

  /** The encoded key. The writer must not be used afterwards. */
  finish(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  private byte(b: number): this {
    this.ensure(1);
    this.buf[this.len++] = b;
    return this;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  private invert(start: number): void {
    const buf = this.buf;
    for (let i = start; i < this.len; i++) buf[i] = ~buf[i]! & 0xff;
  }

  private intNumber(v: number): void {
    this.ensure(9);
    const buf = this.buf;
    if (v >= 0 && v <= INT_SMALL_MAX) {
      buf[this.len++] = TAG_INT_ZERO + v;
      return;
    }
    // Magnitude bytes: for negatives the inverted value (-v - 1 = ~v), which is >= 0.
    const negative = v < 0;
    const m = negative ? -v - 1 : v;
    let n = 1;
    while (n < 7 && m >= BYTE_POWERS[n]!) n++;
    buf[this.len++] = negative ? TAG_INT_ZERO - n : TAG_INT_POS1 + n - 1;
    if (m <= 0x7fffffff) {
      // 32-bit arithmetic for the common sizes (no float division).
      let x = m | 0;
      for (let i = n - 1; i >= 0; i--) {
        const b = x & 0xff;
        buf[this.len + i] = negative ? 255 - b : b;
        x >>>= 8;
      }
    } else {
      let x = m;
      for (let i = n - 1; i >= 0; i--) {
        const b = x % 256;
        buf[this.len + i] = negative ? 255 - b : b;
        x = Math.floor(x / 256);
      }
    }
    this.len += n;
  }

  private intBigint(v: bigint): void {
    this.ensure(9);
    const negative = v < 0n;
    const m = negative ? -v - 1n : v;
    let n = 1;
    while (n < 8 && m >= 1n << BigInt(8 * n)) n++;
    this.buf[this.len++] = negative ? TAG_INT_ZERO - n : TAG_INT_POS1 + n - 1;
    let x = m;
    for (let i = n - 1; i >= 0; i--) {
      const b = Number(x & 0xffn);
      this.buf[this.len + i] = negative ? 255 - b : b;
      x >>= 8n;
    }
    this.len += n;
  }

  private finiteDecimal(v: Decimal): void {
    const negative = v.isNegative();
    // toExponential() keeps every significant digit: "d.ddddde±x".
    const text = v.abs().toExponential();
    const ePos = text.indexOf('e');
    let digits = text.slice(0, ePos).replace('.', '');
    const exponent = Number(text.slice(ePos + 1)) + 1; // value = 0.digits × 10^exponent
    digits = digits.replace(/0+$/, '');
    if (digits.length % 2 === 1) digits += '0';
    this.byte(negative ? TAG_DEC_NEG : TAG_DEC_POS);
    const expStart = this.len;
    this.intNumber(exponent);
    const mantStart = this.len;
    this.ensure(digits.length / 2 + 1);
    for (let i = 0; i < digits.length; i += 2) {
      this.buf[this.len++] = (digits.charCodeAt(i) - 48) * 10 + (digits.charCodeAt(i + 1) - 48) + 1;
    }
    this.buf[this.len++] = 0x00;
    if (negative) {
      for (let i = expStart; i < this.len; i++) this.buf[i] = ~this.buf[i]! & 0xff;
    }
    assert(mantStart > expStart, 'key: decimal exponent written');
  }
}

export class KeyReader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  done(): boolean {
    return this.offset >= this.buf.length;
  }

  /** Kind of the next value (direction-independent). */
  peekType(): KeyKind {
    assert(!this.done(), 'key: read past end');
    return kindOfTag(this.buf[this.offset]!);
  }

  /** True when the next value is encoded descending. */
  peekDesc(): boolean {
    assert(!this.done(), 'key: read past end');
    return this.buf[this.offset]! >= 0x80;
  }

  /** If the next value is NULL, consumes it and returns true. */
  isNull(desc = false): boolean {
    if (this.done()) return false;
    if (this.buf[this.offset]! !== (desc ? 0xff : TAG_NULL)) return false;
    this.offset++;
    return true;
  }

  bool(desc = false): boolean {
    const t = this.tag(desc);
    if (t === TAG_TRUE) return true;
    if (t === TAG_FALSE) return false;
    throw this.bad('bool', t);
  }

  int(desc = false): bigint {
    const t = this.tag(desc);
    const v = this.intBody(t, desc ? 0xff : 0);
    return typeof v === 'bigint' ? v : BigInt(v);
  }

  /** int() as a number; asserts the value is a safe integer. */
  intNumber(desc = false): number {
    const t = this.tag(desc);
    const v = this.intBody(t, desc ? 0xff : 0);
    if (typeof v === 'number') return v;
    assert(v >= -0x1fffffffffffffn && v <= 0x1fffffffffffffn, 'key: int beyond 2^53 read as number');
    return Number(v);
  }

  uvarint(): number {
    const v = this.intNumber(false);
    assert(v >= 0, 'key: negative uvarint');
    return v;
  }

  float(desc = false): number {
    const t = this.tag(desc);
    if (t === TAG_FLOAT_NAN) return NaN;
    if (t !== TAG_FLOAT) throw this.bad('float', t);
    const mask = desc ? 0xff : 0;
    this.need(8);
    const first = this.buf[this.offset]! ^ mask;
    const negative = (first & 0x80) === 0;
    for (let i = 0; i < 8; i++) {
      const b = this.buf[this.offset + i]! ^ mask;
      f64Bytes[LITTLE_ENDIAN ? 7 - i : i] = negative ? ~b & 0xff : i === 0 ? b ^ 0x80 : b;
    }
    this.offset += 8;
    return f64[0]!;
  }

  decimal(desc = false): Decimal {
    const t = this.tag(desc);
    switch (t) {
      case TAG_DEC_NAN:
        return new Decimal(NaN);
      case TAG_DEC_NEG_INF:
        return new Decimal(-Infinity);
      case TAG_DEC_POS_INF:
        return new Decimal(Infinity);
      case TAG_DEC_ZERO:
        return new Decimal(0);
      case TAG_DEC_NEG:
      case TAG_DEC_POS:
        return this.finiteDecimal(t === TAG_DEC_NEG, desc ? 0xff : 0);
      default:
        throw this.bad('decimal', t);
    }
  }

  string(desc = false): string {
    return this.bytes(desc).toString('utf8');
  }

  bytes(desc = false): Buffer {
    const t = this.tag(desc);
    if (t !== TAG_BYTES) throw this.bad('bytes', t);
    const mask = desc ? 0xff : 0;
    const buf = this.buf;
    // Fast path: no escapes before the terminator means a plain copy.
    let i = this.offset;
    let escapes = 0;
    for (;;) {
      if (i + 1 >= buf.length) throw new Error('key: unterminated bytes');
      if ((buf[i]! ^ mask) === ESCAPE) {
        const next = buf[i + 1]! ^ mask;
        if (next === TERMINATOR) break;
        if (next !== ESCAPED_00) throw new Error('key: bad escape in bytes');
        escapes++;
        i += 2;
      } else {
        i++;
      }
    }
    const out = Buffer.allocUnsafe(i - this.offset - escapes);
    let o = 0;
    for (let j = this.offset; j < i; j++) {
      const c = buf[j]! ^ mask;
      out[o++] = c;
      if (c === ESCAPE) j++;
    }
    this.offset = i + 2;
    return out;
  }

  timestampMicros(desc = false): bigint {
    const t = this.tag(desc);
    if (t !== TAG_TIME) throw this.bad('timestamp', t);
    this.need(8);
    const tmp = Buffer.allocUnsafe(8);
    const mask = desc ? 0xff : 0;
    for (let i = 0; i < 8; i++) tmp[i] = this.buf[this.offset + i]! ^ mask;
    tmp[0] ^= 0x80;
    this.offset += 8;
    return tmp.readBigInt64BE(0);
  }

  private tag(desc: boolean): number {
    this.need(1);
    const b = this.buf[this.offset++]!;
    return desc ? ~b & 0xff : b;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw new Error('key: truncated value');
  }

  private bad(kind: string, tag: number): Error {
    return new Error(`key: expected ${kind}, found tag 0x${tag.toString(16)} at ${this.offset - 1}`);
  }

  /** Decodes an int body after its tag; a number when it fits 6 bytes, else a bigint. */
  private intBody(t: number, mask: number): number | bigint {
    if (t >= TAG_INT_ZERO && t <= TAG_INT_ZERO + INT_SMALL_MAX) return t - TAG_INT_ZERO;
    if (t < TAG_INT_MIN || t > TAG_INT_MAX) throw this.bad('int', t);
    const negative = t < TAG_INT_ZERO;
    const n = negative ? TAG_INT_ZERO - t : t - TAG_INT_POS1 + 1;
    this.need(n);
    if (n <= 6) {
      let m = 0;
      for (let i = 0; i < n; i++) {
        const b = this.buf[this.offset + i]! ^ mask;
        m = m * 256 + (negative ? 255 - b : b);
      }
      this.offset += n;
      return negative ? -m - 1 : m;
    }
    let m = 0n;
    for (let i = 0; i < n; i++) {
      const b = this.buf[this.offset + i]! ^ mask;
      m = (m << 8n) | BigInt(negative ? 255 - b : b);
    }
    this.offset += n;
    return negative ? -m - 1n : m;
  }

  private finiteDecimal(negative: boolean, mask: number): Decimal {
    // The exponent and digits of a negative decimal are stored inverted.
    const m = negative ? mask ^ 0xff : mask;
    const expTag = this.buf[this.offset++]! ^ m;
    const exponent = Number(this.intBody(expTag, m));
    let digits = '';
    for (;;) {
      this.need(1);
      const b = this.buf[this.offset++]! ^ m;
      if (b === 0) break;
      const pair = b - 1;
      digits += pair < 10 ? `0${pair}` : String(pair);
    }
    digits = digits.replace(/0+$/, '');
    const d = new Decimal(`0.${digits}e${exponent}`);
    return negative ? d.negated() : d;
  }
}
