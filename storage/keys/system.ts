// The layout of the whole key space. Keys below TABLE_MARKER are reserved for the system;
// SQL table data lives at /table/<id>/<index id>/... and sorts above every system key.
// Used by keys/range-keys.ts, by the store (descriptors, meta, stats), mvcc (history, txn
// records) and sql/rowenc.
//
//   0x01 …   LOCAL: never addressed by a user request.
//     0x01 'h' escaped(key) 0x00 0x01 ~ts   MVCC history of a user key (mvcc/record.ts)
//     0x01 'k' escaped(key) 0x00 0x01 sfx   range-local data addressed by a user key: lives
//                                           on the range holding `key` and moves with
//                                           splits (txn records: sfx = 't' <txn id>)
//     0x01 'r' uvarint(range id) string(n)  range-id-local data: replicated when n < 'u'
//                                           (descriptor, stats), unreplicated when n starts
//                                           with 'u' (raft log, hard state: per replica)
//     0x01 's' <name>                       store-local (unreplicated): the store ident
//   0x02 …   META: one record per range, keyed META + range end key → descriptor (routing).
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

/** Range-local keys addressed by a user key: LOCAL 'k' escaped(key) 0x00 0x01 <suffix>. */
export const LOCAL_RANGE_KEY_PREFIX = Buffer.from([0x01, 0x6b]);
/** @deprecated Transaction records now live under LOCAL_RANGE_KEY_PREFIX (anchored by key). */
export const LOCAL_TXN_PREFIX = Buffer.from([0x01, 0x74]);
/** Store-local (unreplicated) keys: LOCAL 's' <name>, e.g. the store ident. */
export const LOCAL_STORE_PREFIX = Buffer.from([0x01, 0x73]);
/** Range-id-local keys: LOCAL 'r' <range id> string(name), e.g. the range descriptor. */
export const LOCAL_RANGE_PREFIX = Buffer.from([0x01, 0x72]);

/** First key of the user (SQL) key space. */
export const TABLES_START = Buffer.from([TABLE_MARKER]);
/** The end of the meta span: META_PREFIX's successor. */
export const META_END = SYSTEM_PREFIX;
