// The layout of the whole key space. Keys below TABLE_MARKER are reserved for the system;
// SQL table data lives at /table/<id>/<index id>/... and sorts above every system key.
// Used by keys/index.ts helpers, by the store (range descriptors, txn records) and by sql/rowenc.
//
//   0x01 …   LOCAL: range-local and store-local data that never leaves its replica or is
//            addressed by a range: range descriptors' local copies, txn records
//            (0x01 't' <txn id>), raft state (later issues), abort spans.
//   0x02 …   META: range addressing, one entry per range keyed by its end key (later issues).
//   0x03 …   SYSTEM: node-wide KV data that is not a SQL table (cluster id, id generators).
//   0x10 …   TABLES: TABLE_MARKER, uvarint(table id), uvarint(index id), key columns…
//   0xFF 0xFF KEY_MAX: the end of the addressable key space; no key is >= KEY_MAX.

export const LOCAL_PREFIX = Buffer.from([0x01]);
export const META_PREFIX = Buffer.from([0x02]);
export const SYSTEM_PREFIX = Buffer.from([0x03]);
export const TABLE_MARKER = 0x10;

/** The smallest key (empty) and the end of the key space. */
export const KEY_MIN = Buffer.alloc(0);
export const KEY_MAX = Buffer.from([0xff, 0xff]);

/** Transaction records: LOCAL 't' <txn id bytes>. */
export const LOCAL_TXN_PREFIX = Buffer.from([0x01, 0x74]);
/** Store-local (unreplicated) keys: LOCAL 's' <name>, e.g. the store ident. */
export const LOCAL_STORE_PREFIX = Buffer.from([0x01, 0x73]);
/** Range-local keys: LOCAL 'r' <range id>, e.g. the range descriptor copy. */
export const LOCAL_RANGE_PREFIX = Buffer.from([0x01, 0x72]);

/** First key of the user (SQL) key space. */
export const TABLES_START = Buffer.from([TABLE_MARKER]);
