// One datum ↔ order-preserving key bytes, on top of storage's KeyWriter/KeyReader, so that
// comparing encoded keys bytewise gives PostgreSQL's btree order for the type, in either
// direction. NULL is written as its own byte chosen so that NULLs sort LAST ascending and
// FIRST descending — PostgreSQL's default (NULLS LAST for ASC, NULLS FIRST for DESC) — which
// lets an index scan serve ORDER BY without special NULL handling.
// Called by rowenc/row.ts and rowenc/spans.ts only (through rowenc/index.ts for others).

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import type { KeyReader, KeyWriter } from '../../storage/index.js';
import type { Datum, Interval, SqlType, TimeTz } from '../types/index.js';
import { intervalCompareKey } from '../types/index.js';

/**
 * NULL markers: storage's ascending tags are all ≤ 0x7D and descending tags ≥ 0x82, so
 * 0x7E sorts after every ascending value and 0x81 before every descending one.
 */
export const NULL_ASC = 0x7e;
export const NULL_DESC = 0x81;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** True when values of `t` can be part of an index key. */
export function isKeyEncodable(t: SqlType): boolean {
  switch (t.kind) {
    case 'json':
    case 'jsonb':
    case 'array':
    case 'record':
    case 'int2vector':
    case 'oidvector':
    case 'void':
    case 'unknown':
    case 'any':
      return false;
    default:
      return true;
  }
}

/** Key types whose key bytes lose information the value must keep (numeric scale, interval fields). */
export function isCompositeKeyType(t: SqlType): boolean {
  return t.kind === 'numeric' || t.kind === 'interval';
}

export function assertKeyEncodable(t: SqlType, columnName: string): void {
  if (!isKeyEncodable(t)) {
    throw sqlError('0A000', `column "${columnName}" of type ${t.kind} cannot be used in an index key`);
  }
}

export function encodeKeyDatum(w: KeyWriter, t: SqlType, d: Datum, desc: boolean): void {
  if (d === null) {
    w.raw(desc ? NULL_DESC_BUF : NULL_ASC_BUF);
    return;
  }
  switch (t.kind) {
    case 'bool':
      w.bool(d as boolean, desc);
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
      w.int(d as number, desc);
      return;
    case 'int8':
    case 'time':
      w.int(d as bigint, desc);
      return;
    case 'float4':
    case 'float8':
      w.float(d as number, desc);
      return;
    case 'numeric':
      w.decimal(d as Decimal, desc);
      return;
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'char':
    case 'name':
      w.string(d as string, desc);
      return;
    case 'bytea':
      w.bytes(d as Buffer, desc);
      return;
    case 'uuid':
      w.bytes(Buffer.from((d as string).replace(/-/g, ''), 'hex'), desc);
      return;
    case 'date': {
      const n = d as number;
      w.int(n === Infinity ? INT64_MAX : n === -Infinity ? INT64_MIN : n, desc);
      return;
    }
    case 'timestamp':
    case 'timestamptz':
      w.timestampMicros(d as bigint, desc);
      return;
    case 'timetz': {
      // PostgreSQL orders timetz by the UTC instant, then by zone offset.
      const v = d as TimeTz;
      w.int(v.micros + BigInt(v.offsetSecs) * 1_000_000n, desc);
      w.int(v.offsetSecs, desc);
      return;
    }
    case 'interval': {
      // Equal spans compare equal in PostgreSQL ('1 mon' = '30 days'); the exact fields live in the value.
      const k = intervalCompareKey(d as Interval);
      if (k >= INT64_MIN && k <= INT64_MAX) w.int(k, desc);
      else w.decimal(new Decimal(k.toString()), desc);
      return;
    }
    default:
      throw sqlError('0A000', `values of type ${t.kind} cannot be used in an index key`);
  }
}

const NULL_ASC_BUF = Buffer.from([NULL_ASC]);
const NULL_DESC_BUF = Buffer.from([NULL_DESC]);

/** Consumes a NULL marker if one is next. */
export function readKeyNull(r: KeyReader, desc: boolean): boolean {
  if (r.offset < r.buf.length && r.buf[r.offset] === (desc ? NULL_DESC : NULL_ASC)) {
    r.offset++;
    return true;
  }
  return false;
}

export function decodeKeyDatum(r: KeyReader, t: SqlType, desc: boolean): Datum {
  if (readKeyNull(r, desc)) return null;
  switch (t.kind) {
    case 'bool':
      return r.bool(desc);
    case 'int2':
    case 'int4':
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regprocedure':
    case 'regnamespace':
    case 'xid':
      return r.intNumber(desc);
    case 'int8':
    case 'time':
      return r.int(desc);
    case 'float4':
    case 'float8':
      return r.float(desc);
    case 'numeric':
      return r.decimal(desc);
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'char':
    case 'name':
      return r.string(desc);
    case 'bytea':
      return r.bytes(desc);
    case 'uuid':
      return formatUuid(r.bytes(desc));
    case 'date': {
      const v = r.int(desc);
      return v === INT64_MAX ? Infinity : v === INT64_MIN ? -Infinity : Number(v);
    }
    case 'timestamp':
    case 'timestamptz':
      return r.timestampMicros(desc);
    case 'timetz': {
      const utc = r.int(desc);
      const offsetSecs = r.intNumber(desc);
      return { micros: utc - BigInt(offsetSecs) * 1_000_000n, offsetSecs };
    }
    case 'interval': {
      // Only the span survives; callers take the exact value from the row value.
      const kind = r.peekType();
      const k = kind === 'decimal' ? BigInt(r.decimal(desc).toFixed()) : r.int(desc);
      return intervalFromCompareKey(k);
    }
    default:
      throw sqlError('0A000', `values of type ${t.kind} cannot be used in an index key`);
  }
}

export function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An interval equal (in PostgreSQL's comparison) to the compare key: expressed as micros. */
function intervalFromCompareKey(k: bigint): Interval {
  return { months: 0, days: 0, micros: k };
}
