// Byte-level primitives of the rpc codec: a growable BufWriter and a bounds-checked
// BufReader (varints, zigzag, int64 bigints, length-prefixed bytes and strings). Used by
// codec-raft.ts and codec-batch.ts only. A malformed frame from the network raises
// CodecError (an operating error: the connection's problem, never the node's); a value the
// hand-written codec has no slot for raises ShapeError, which the encoders catch to fall
// back to the tagged msgpackr encoding.

/** A received frame could not be decoded (truncated, bad tag, bad length). */
export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

/** The value does not fit the hand-coded layout (unknown field, kind or range): use msgpackr. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Initial capacity of a writer, in bytes; it doubles as needed. */
export const writerInitialBytes = 256;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const EMPTY = Buffer.alloc(0);

export class BufWriter {
  buf: Buffer;
  pos = 0;
  /** A view of buf for int64: DataView's BigInt accessors are ~5x faster than Buffer's. */
  private view: DataView;

  constructor(initialBytes: number = writerInitialBytes) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Forget the contents, keep the capacity (writers are reused per frame). */
  reset(): void {
    this.pos = 0;
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  bool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }

  /** Unsigned LEB128 of a safe non-negative integer (ids, terms, indexes, counts). */
  uvarint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new ShapeError(`not a non-negative safe integer: ${v}`);
    this.ensure(8);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= 0x80) {
      // `& 0x7f` is exact above 2^32 too: ToInt32 keeps the low 32 bits.
      buf[pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** Zigzag varint of a safe integer (fields that may be negative, like an error's index -1). */
  svarint(v: number): void {
    if (!Number.isSafeInteger(v)) throw new ShapeError(`not a safe integer: ${v}`);
    // Zigzag without 32-bit ops: 0 → 0, -1 → 1, 1 → 2, ...; |v| < 2^52 keeps it exact.
    if (Math.abs(v) >= 2 ** 52) throw new ShapeError(`integer too large for svarint: ${v}`);
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** A signed 64-bit integer, fixed 8 bytes little-endian (HLC wall time in nanoseconds). */
  int64(v: bigint): void {
    if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX) throw new ShapeError(`not an int64: ${String(v)}`);
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }

  bytes(b: Buffer): void {
    if (!Buffer.isBuffer(b)) throw new ShapeError('not a Buffer');
    this.uvarint(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  /** Bytes or null: a length of 0 means null, n+1 means n bytes follow. */
  nullableBytes(b: Buffer | null): void {
    if (b === null) {
      this.u8(0);
      return;
    }
    if (!Buffer.isBuffer(b)) throw new ShapeError('not a Buffer or null');
    this.uvarint(b.length + 1);
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    if (typeof s !== 'string') throw new ShapeError('not a string');
    const n = Buffer.byteLength(s, 'utf8');
    this.uvarint(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  /** Raw bytes, no length (msgpackr payloads at the end of a frame, nested with a length). */
  raw(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  /** A copy of the written bytes (the writer's buffer is reused). */
  finish(): Buffer {
    // allocUnsafe takes small buffers from Node's pool: cheaper than Buffer.from(view).
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
}

/**
 * Reads what BufWriter wrote. Decoded Buffers are views into the frame (no copy): the frame
 * stays alive while any of them is referenced, and nobody may mutate them (batch.ts's rule).
 */
export class BufReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;
  private view: DataView | null = null;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new CodecError(`truncated frame: need ${n} bytes at ${this.pos} of ${this.end}`);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  expectDone(): void {
    if (this.pos !== this.end) throw new CodecError(`${this.end - this.pos} trailing bytes in frame`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  bool(): boolean {
    const b = this.u8();
    if (b > 1) throw new CodecError(`bad boolean ${b}`);
    return b === 1;
  }

  uvarint(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= this.end) throw new CodecError('truncated varint');
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let v = b & 0x7f;
    let mul = 128;
    for (let i = 1; ; i++) {
      if (i >= 8) throw new CodecError('varint too long');
      if (pos >= this.end) throw new CodecError('truncated varint');
      b = buf[pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    if (!Number.isSafeInteger(v)) throw new CodecError('varint out of range');
    this.pos = pos;
    return v;
  }

  svarint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  int64(): bigint {
    this.need(8);
    const view = (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length));
    const v = view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bytes(): Buffer {
    const n = this.uvarint();
    if (n === 0) return EMPTY;
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  nullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    if (n === 1) return EMPTY;
    this.need(n - 1);
    const b = this.buf.subarray(this.pos, this.pos + n - 1);
    this.pos += n - 1;
    return b;
  }

  string(): string {
    const n = this.uvarint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** A count of items that each take at least one byte: bounded by the bytes left. */
  count(): number {
    const n = this.uvarint();
    if (n > this.end - this.pos) throw new CodecError(`count ${n} exceeds the frame`);
    return n;
  }
}

/** Capacity above which the shared scratch writer is dropped after use, in bytes. */
export const scratchBytesMax = 1 << 20;
let scratch = new BufWriter(64 * 1024);

/**
 * Runs `write` on a shared scratch writer and returns a copy of the bytes: one allocation
 * per encoded value. Not re-entrant (writers never call back into the codec).
 */
export function encodeWith<T>(write: (w: BufWriter, v: T) => void, v: T): Buffer {
  const w = scratch;
  w.reset();
  try {
    write(w, v);
    return w.finish();
  } finally {
    if (w.buf.length > scratchBytesMax) scratch = new BufWriter(64 * 1024);
  }
}
