// Public face of storage/keys: order-preserving encoding, key-space layout and key helpers.
// Imported by every storage layer and (through storage/index.ts) by sql/rowenc.

export { KeyWriter, KeyReader, kindOfTag } from './encoding.js';
export type { KeyKind } from './encoding.js';
export { prefixEnd, keyNext, compareKeys, tablePrefix, indexPrefix, prettyKey } from './keys.js';
export {
  KEY_MIN,
  KEY_MAX,
  LOCAL_PREFIX,
  META_PREFIX,
  SYSTEM_PREFIX,
  TABLE_MARKER,
  TABLES_START,
  LOCAL_TXN_PREFIX,
  LOCAL_STORE_PREFIX,
  LOCAL_RANGE_PREFIX,
} from './system.js';
