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
  META_END,
  SYSTEM_PREFIX,
  TABLE_MARKER,
  TABLES_START,
  LOCAL_TXN_PREFIX,
  LOCAL_STORE_PREFIX,
  LOCAL_RANGE_PREFIX,
  LOCAL_RANGE_KEY_PREFIX,
} from './system.js';
export {
  HISTORY_PREFIX,
  escapedKey,
  rangeLocalKey,
  rangeIdPrefix,
  rangeIdOfKey,
  rangeIdReplicatedKey,
  rangeIdUnreplicatedKey,
  rangeIdUnreplicatedSpan,
  rangeDescriptorKey,
  rangeStatsKey,
  metaKey,
  metaKeyTarget,
  replicatedSpans,
  RANGE_ID_GEN_KEY,
  UNREPLICATED_MARK,
} from './range-keys.js';
export type { EngineSpan } from './range-keys.js';
