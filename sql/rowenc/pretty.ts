// Human-readable keys for SHOW RANGES, ALTER TABLE … SPLIT AT and shoal_internal.ranges, in
// CockroachDB's style: /Table/104/1/10/"abc", /Min, /Max. Key columns are decoded from
// their tags alone (no descriptor needed), so any key prints, even one of a dropped table;
// bytes that do not decode print as hex. Called by sql/session (ranges) and sql/vtables.

import { KEY_MAX, KeyReader, TABLES_START, prefixEnd, tablePrefix } from '../../storage/index.js';
import { NULL_ASC, NULL_DESC } from './keyenc.js';

/** Names of the system key space prefixes (storage/keys/system.ts), for keys below the tables. */
const SYSTEM_PREFIX_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x01, '/Local'],
  [0x02, '/Meta'],
  [0x03, '/System'],
];

/** A whole key: /Min, /Max, /Table/<id>[/<index>[/<column values>…]], /System/0x…. */
export function prettyKey(key: Buffer): string {
  if (key.length === 0) return '/Min';
  if (key.equals(KEY_MAX)) return '/Max';
  if (key[0] === TABLES_START[0]) return `/Table${prettyValues(key, 1)}`;
  for (const [b, name] of SYSTEM_PREFIX_NAMES) {
    if (key[0] === b) return key.length === 1 ? name : `${name}/0x${key.subarray(1).toString('hex')}`;
  }
  return `/0x${key.toString('hex')}`;
}

/**
 * A key as seen from inside table `tableId` (CockroachDB's SHOW RANGES FROM TABLE): keys in
 * the table print relative to it (…/1/10), its bounds as …/<TableMin> and …/<TableMax>;
 * keys outside print whole.
 */
export function prettyKeyInTable(key: Buffer, tableId: number): string {
  const start = tablePrefix(tableId);
  if (key.equals(start)) return '…/<TableMin>';
  if (key.equals(prefixEnd(start))) return '…/<TableMax>';
  if (key.length > start.length && key.subarray(0, start.length).equals(start)) return `…${prettyValues(key, start.length)}`;
  return prettyKey(key);
}

/** The part of `key` after `prefix` (which it must start with), e.g. "/10" for a split row. */
export function prettyKeySuffix(key: Buffer, prefix: Buffer): string {
  if (key.length < prefix.length || !key.subarray(0, prefix.length).equals(prefix)) return prettyKey(key);
  const s = prettyValues(key, prefix.length);
  return s === '' ? '/' : s;
}

/** "/v1/v2…" for the order-preserving values of key[offset…]; undecodable rest as /0x…. */
function prettyValues(key: Buffer, offset: number): string {
  const r = new KeyReader(key, offset);
  let out = '';
  while (!r.done()) {
    const at = r.offset;
    let v: string;
    try {
      v = prettyValue(r);
    } catch {
      // Not a well-formed value (a prefix end, a truncated key): show the raw rest.
      return `${out}/0x${key.subarray(at).toString('hex')}`;
    }
    out += `/${v}`;
  }
  return out;
}

function prettyValue(r: KeyReader): string {
  const b = r.buf[r.offset]!;
  // SQL's NULL markers (rowenc/keyenc.ts) and storage's own NULL tags.
  if (b === NULL_ASC || b === NULL_DESC || b === 0x00 || b === 0xff) {
    r.offset++;
    return 'NULL';
  }
  const desc = r.peekDesc();
  switch (r.peekType()) {
    case 'null':
      r.offset++;
      return 'NULL';
    case 'bool':
      return String(r.bool(desc));
    case 'int':
      return r.int(desc).toString();
    case 'float':
      return String(r.float(desc));
    case 'decimal':
      return r.decimal(desc).toString();
    case 'timestamp':
      return timestampText(r.timestampMicros(desc));
    case 'bytes':
      return bytesText(r.bytes(desc));
  }
}

function bytesText(b: Buffer): string {
  const s = b.toString('utf8');
  // Printable UTF-8 prints as a quoted string (JSON quoting escapes '"' and '\'), else hex.
  // eslint-disable-next-line no-control-regex
  if (Buffer.from(s, 'utf8').equals(b) && !/[\x00-\x1f\x7f]/.test(s)) return JSON.stringify(s);
  return `0x${b.toString('hex')}`;
}

/** The largest time a Date can hold, in ms from the epoch (ECMA-262: 8.64e15). */
const DATE_MS_MAX = 8_640_000_000_000_000n / 1000n;

function timestampText(micros: bigint): string {
  const frac = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const ms = (micros - frac) / 1000n;
  // Beyond what Date can show (±infinity sentinels included): the raw microseconds.
  if (ms > DATE_MS_MAX || ms < -DATE_MS_MAX) return micros.toString();
  const iso = new Date(Number(ms)).toISOString().slice(0, 19);
  return frac === 0n ? `${iso}Z` : `${iso}.${frac.toString().padStart(6, '0').replace(/0+$/, '')}Z`;
}
