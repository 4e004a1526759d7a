// Helpers over encoded keys: prefix ends, comparisons and the SQL table key space.
// sql/rowenc builds index keys starting from indexPrefix(); the store and mvcc use
// compareKeys/prefixEnd for spans. Pure functions over Buffers.

import { assert } from '../base/assert.js';
import { KeyReader, KeyWriter } from './encoding.js';
import { KEY_MAX, TABLE_MARKER } from './system.js';

/**
 * The smallest key greater than every key that starts with `key`: increment the last byte
 * that is not 0xFF and drop what follows. A key of only 0xFF bytes (or empty) yields KEY_MAX.
 */
export function prefixEnd(key: Buffer): Buffer {
  for (let i = key.length - 1; i >= 0; i--) {
    if (key[i] !== 0xff) {
      const out = Buffer.allocUnsafe(i + 1);
      key.copy(out, 0, 0, i + 1);
      out[i] = key[i]! + 1;
      return out;
    }
  }
  return KEY_MAX;
}

/** The smallest key strictly greater than `key` (key + 0x00). */
export function keyNext(key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(key.length + 1);
  key.copy(out, 0);
  out[key.length] = 0;
  return out;
}

export function compareKeys(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

const tablePrefixCache: Buffer[] = [];

/** /table/<tableId>: TABLE_MARKER then uvarint(tableId). */
export function tablePrefix(tableId: number): Buffer {
  assert(Number.isInteger(tableId) && tableId >= 0, 'keys: bad table id');
  if (tableId < 1024) {
    const hit = tablePrefixCache[tableId];
    if (hit) return hit;
  }
  const key = new KeyWriter(undefined, 16).raw(Buffer.from([TABLE_MARKER])).uvarint(tableId).finish();
  if (tableId < 1024) tablePrefixCache[tableId] = key;
  return key;
}

/** /table/<tableId>/<indexId>. */
export function indexPrefix(tableId: number, indexId: number): Buffer {
  assert(Number.isInteger(indexId) && indexId >= 0, 'keys: bad index id');
  return new KeyWriter(tablePrefix(tableId), 24).uvarint(indexId).finish();
}

/** Human-readable rendering of a key for logs and errors (not a stable format). */
export function prettyKey(key: Buffer): string {
  if (key.length > 1 && key[0] === TABLE_MARKER) {
    try {
      const r = new KeyReader(key, 1);
      const table = r.uvarint();
      if (r.done()) return `/table/${table}`;
      const index = r.uvarint();
      return `/table/${table}/${index}${r.done() ? '' : `/${key.subarray(r.offset).toString('hex')}`}`;
    } catch {
      // not a well-formed table key: fall through to hex
    }
  }
  return `0x${key.toString('hex')}`;
}
