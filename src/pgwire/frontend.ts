// Frontend parser: client bytes → kind-tagged messages, incrementally. Pure: no sockets.
// The connection pushes each socket chunk and pulls messages until `null` (need more
// bytes). Partial frames are kept as a chunk list and joined once complete, so a large
// message arriving in many chunks is copied once. A malformed frame yields a `violation`
// (SQLSTATE 08P01) after which the parser is dead: the connection must close.

import { FrontendType, ProtocolCode, ProtocolLimits } from './protocol.js';

export type FrontendMessage =
  | { readonly kind: 'startup'; readonly major: number; readonly minor: number; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'sslRequest' }
  | { readonly kind: 'gssEncRequest' }
  | { readonly kind: 'cancelRequest'; readonly pid: number; readonly secret: number }
  | { readonly kind: 'query'; readonly sql: string }
  | { readonly kind: 'parse'; readonly name: string; readonly sql: string; readonly paramTypeOids: readonly number[] }
  | {
      readonly kind: 'bind';
      readonly portal: string;
      readonly statement: string;
      /** Raw format codes; the connection checks they are 0 or 1. */
      readonly paramFormats: readonly number[];
      readonly params: readonly (Buffer | null)[];
      readonly resultFormats: readonly number[];
    }
  | { readonly kind: 'describe'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly kind: 'execute'; readonly portal: string; readonly maxRows: number }
  | { readonly kind: 'close'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly kind: 'sync' }
  | { readonly kind: 'flush' }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'copyData'; readonly data: Buffer }
  | { readonly kind: 'copyDone' }
  | { readonly kind: 'copyFail'; readonly message: string }
  /** 'p': PasswordMessage / SASLInitialResponse / SASLResponse; only auth knows which. */
  | { readonly kind: 'password'; readonly data: Buffer };

export type FrontendKind = FrontendMessage['kind'];

/** A protocol violation: answer 08P01 (FATAL) and close the connection. */
export interface Violation {
  readonly kind: 'violation';
  readonly message: string;
}

const SYNC: FrontendMessage = Object.freeze({ kind: 'sync' });
const FLUSH: FrontendMessage = Object.freeze({ kind: 'flush' });
const TERMINATE: FrontendMessage = Object.freeze({ kind: 'terminate' });
const COPY_DONE: FrontendMessage = Object.freeze({ kind: 'copyDone' });
const SSL_REQUEST: FrontendMessage = Object.freeze({ kind: 'sslRequest' });
const GSS_ENC_REQUEST: FrontendMessage = Object.freeze({ kind: 'gssEncRequest' });

/** Types whose frames are tiny by definition; a large one is garbage. */
const CONTROL_TYPES = new Set<number>([
  FrontendType.sync,
  FrontendType.flush,
  FrontendType.terminate,
  FrontendType.copyDone,
  FrontendType.describe,
  FrontendType.close,
  FrontendType.execute,
]);

export interface FrontendParserLimits {
  readonly messageBytesMax: number;
  readonly controlMessageBytesMax: number;
  readonly startupBytesMax: number;
}

export class FrontendParser {
  /** Unconsumed bytes: chunks[0] from `offset`, then whole chunks. */
  private chunks: Buffer[] = [];
  private offset = 0;
  private buffered = 0;
  private phase: 'startup' | 'typed' = 'startup';
  private dead: Violation | null = null;
  private readonly limits: FrontendParserLimits;

  constructor(limits: FrontendParserLimits = ProtocolLimits) {
    if (limits.messageBytesMax < 5 || limits.startupBytesMax < ProtocolLimits.startupBytesMin) {
      throw new Error('FrontendParser: limits too small');
    }
    this.limits = limits;
  }

  /** Bytes received but not yet returned as messages. */
  bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.dead !== null) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete message, a violation (sticky), or null when more bytes are needed. */
  next(): FrontendMessage | Violation | null {
    if (this.dead !== null) return this.dead;
    return this.phase === 'startup' ? this.nextStartup() : this.nextTyped();
  }

  private nextStartup(): FrontendMessage | Violation | null {
    if (this.buffered < 4) return null;
    const length = this.peekUInt32(0);
    if (length < ProtocolLimits.startupBytesMin || length > this.limits.startupBytesMax) {
      return this.die(`invalid length of startup packet: ${length}`);
    }
    if (this.buffered < length) return null;
    const frame = this.take(length);
    const result = parseStartup(frame);
    if (result.kind === 'violation') return this.die(result.message);
    // Only a real startup packet ends the startup phase; SSL/GSS requests are followed by
    // another untyped packet.
    if (result.kind === 'startup') this.phase = 'typed';
    return result;
  }

  private nextTyped(): FrontendMessage | Violation | null {
    if (this.buffered < 5) return null;
    const type = this.peekByte(0);
    const length = this.peekUInt32(1);
    if (!isFrontendType(type)) return this.die(`invalid frontend message type ${type}`);
    const max = CONTROL_TYPES.has(type) ? this.limits.controlMessageBytesMax : this.limits.messageBytesMax;
    if (length < 4 || length > max) return this.die(`invalid message length ${length} for message type ${type}`);
    if (this.buffered < length + 1) return null;
    const frame = this.take(length + 1);
    const result = parseTyped(type, frame.subarray(5));
    if (result.kind === 'violation') return this.die(result.message);
    return result;
  }

  private die(message: string): Violation {
    this.dead = { kind: 'violation', message };
    this.chunks = [];
    this.buffered = 0;
    return this.dead;
  }

  private peekByte(at: number): number {
    let i = 0;
    let pos = this.offset + at;
    while (pos >= this.chunks[i]!.length) {
      pos -= this.chunks[i]!.length;
      i++;
    }
    return this.chunks[i]![pos]!;
  }

  private peekUInt32(at: number): number {
    const first = this.chunks[0]!;
    if (this.offset + at + 4 <= first.length) return first.readUInt32BE(this.offset + at);
    return (
      ((this.peekByte(at) << 24) | (this.peekByte(at + 1) << 16) | (this.peekByte(at + 2) << 8) | this.peekByte(at + 3)) >>>
      0
    );
  }

  /** Removes and returns the next `n` buffered bytes; a subarray when they lie in one chunk. */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    this.buffered -= n;
    if (this.offset + n <= first.length) {
      const out = first.subarray(this.offset, this.offset + n);
      this.offset += n;
      if (this.offset === first.length) {
        this.chunks.shift();
        this.offset = 0;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[0]!;
      const count = Math.min(n - written, chunk.length - this.offset);
      chunk.copy(out, written, this.offset, this.offset + count);
      written += count;
      this.offset += count;
      if (this.offset === chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    return out;
  }
}

function isFrontendType(type: number): boolean {
  switch (type) {
    case FrontendType.query:
    case FrontendType.parse:
    case FrontendType.bind:
    case FrontendType.describe:
    case FrontendType.execute:
    case FrontendType.close:
    case FrontendType.sync:
    case FrontendType.flush:
    case FrontendType.terminate:
    case FrontendType.copyData:
    case FrontendType.copyDone:
    case FrontendType.copyFail:
    case FrontendType.password:
      return true;
    default:
      return false;
  }
}

/** Thrown inside the body readers when a frame is shorter than its fields claim. */
class Malformed extends Error {}

/** A cursor over one frame body; every read checks bounds and throws Malformed. */
class BodyReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  int16(): number {
    if (this.pos + 2 > this.buf.length) throw new Malformed('insufficient data left in message');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    if (this.pos + 4 > this.buf.length) throw new Malformed('insufficient data left in message');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    return this.int32() >>> 0;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new Malformed('insufficient data left in message');
    return this.buf[this.pos++]!;
  }

  cstring(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new Malformed('invalid string in message');
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }

  bytes(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) throw new Malformed('insufficient data left in message');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  rest(): Buffer {
    const out = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return out;
  }

  end(): void {
    if (this.pos !== this.buf.length) throw new Malformed('invalid message format');
  }
}

/** Parses an untyped startup-phase frame (length field included). */
export function parseStartup(frame: Buffer): FrontendMessage | Violation {
  const r = new BodyReader(frame);
  try {
    r.pos = 4;
    const code = r.uint32();
    if (code === ProtocolCode.sslRequest) return (r.end(), SSL_REQUEST);
    if (code === ProtocolCode.gssEncRequest) return (r.end(), GSS_ENC_REQUEST);
    if (code === ProtocolCode.cancelRequest) {
      const pid = r.int32();
      const secret = r.int32();
      r.end();
      return { kind: 'cancelRequest', pid, secret };
    }
    const major = code >>> 16;
    const minor = code & 0xffff;
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    // Name/value pairs, terminated by an empty name.
    for (;;) {
      const name = r.cstring();
      if (name === '') break;
      params[name] = r.cstring();
    }
    r.end();
    return { kind: 'startup', major, minor, params };
  } catch (e) {
    if (e instanceof Malformed) return { kind: 'violation', message: `invalid startup packet layout: ${e.message}` };
    throw e;
  }
}

/** Parses the body (after type and length) of a typed frame. */
export function parseTyped(type: number, body: Buffer): FrontendMessage | Violation {
  const r = new BodyReader(body);
  try {
    const msg = parseBody(type, r);
    r.end();
    return msg;
  } catch (e) {
    if (e instanceof Malformed) return { kind: 'violation', message: e.message };
    throw e;
  }
}

function parseBody(type: number, r: BodyReader): FrontendMessage | Violation {
  switch (type) {
    case FrontendType.query:
      return { kind: 'query', sql: r.cstring() };
    case FrontendType.parse:
      return parseParse(r);
    case FrontendType.bind:
      return parseBind(r);
    case FrontendType.describe:
    case FrontendType.close: {
      const target = r.byte();
      if (target !== 0x53 && target !== 0x50) throw new Malformed(`invalid ${type === FrontendType.close ? 'CLOSE' : 'DESCRIBE'} message subtype ${target}`);
      const name = r.cstring();
      return { kind: type === FrontendType.close ? 'close' : 'describe', target: target === 0x53 ? 'S' : 'P', name };
    }
    case FrontendType.execute: {
      const portal = r.cstring();
      return { kind: 'execute', portal, maxRows: Math.max(0, r.int32()) };
    }
    case FrontendType.sync:
      return SYNC;
    case FrontendType.flush:
      return FLUSH;
    case FrontendType.terminate:
      return TERMINATE;
    case FrontendType.copyData:
      return { kind: 'copyData', data: r.rest() };
    case FrontendType.copyDone:
      return COPY_DONE;
    case FrontendType.copyFail:
      return { kind: 'copyFail', message: r.cstring() };
    case FrontendType.password:
      return { kind: 'password', data: r.rest() };
    default:
      return { kind: 'violation', message: `invalid frontend message type ${type}` };
  }
}

function parseParse(r: BodyReader): FrontendMessage {
  const name = r.cstring();
  const sql = r.cstring();
  const count = r.int16();
  if (count < 0) throw new Malformed('invalid parameter count');
  const paramTypeOids = new Array<number>(count);
  for (let i = 0; i < count; i++) paramTypeOids[i] = r.uint32();
  return { kind: 'parse', name, sql, paramTypeOids };
}

function parseBind(r: BodyReader): FrontendMessage {
  const portal = r.cstring();
  const statement = r.cstring();
  const paramFormats = readInt16Array(r);
  const count = r.int16();
  if (count < 0) throw new Malformed('invalid parameter count');
  const params = new Array<Buffer | null>(count);
  for (let i = 0; i < count; i++) {
    const len = r.int32();
    if (len < -1) throw new Malformed(`invalid parameter length ${len}`);
    params[i] = len === -1 ? null : r.bytes(len);
  }
  const resultFormats = readInt16Array(r);
  return { kind: 'bind', portal, statement, paramFormats, params, resultFormats };
}

function readInt16Array(r: BodyReader): number[] {
  const count = r.int16();
  if (count < 0) throw new Malformed('invalid format count');
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = r.int16();
  return out;
}
