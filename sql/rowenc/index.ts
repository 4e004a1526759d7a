// Public API of sql/rowenc: how table rows and index entries become KV keys and values
// (DESIGN decision 9) and how spans of an index are built. Called by sql/exec (reads,
// writes), sql/plan (spans) and sql/catalog (backfills, TRUNCATE, DROP).
//
// Layout (see rowenc/README section in rowenc/row.ts):
//   primary row      /table/<id>/<pk index id>/<pk columns…>          → tagged column values
//   secondary entry  /table/<id>/<index id>/<indexed columns…>/<pk…>  → empty
//   unique entry     /table/<id>/<index id>/<indexed columns…>         → pk columns (key-encoded)
//                    (when any indexed column is NULL the pk suffix is appended as for a
//                     non-unique index, since NULLs never conflict)

export type { Span, IndexEntry, Bound } from './row.js';
export type { RowencTable, RowencIndex, RowencColumn } from './layout.js';
export {
  encodePrimaryKey,
  encodeRowValue,
  decodeRow,
  decodePrimaryKey,
  indexEntries,
  decodeIndexEntry,
  uniqueEntryConflicts,
  primaryIndexPrefix,
} from './row.js';
export { indexSpanForPrefix, indexSpanForRange, tableSpan, indexSpan, indexKeyColumns } from './spans.js';
export { encodeKeyDatum, decodeKeyDatum, isKeyEncodable } from './keyenc.js';
export { encodeValueDatum, decodeValueDatum } from './valenc.js';
export { prettyKey, prettyKeyInTable, prettyKeySuffix } from './pretty.js';
