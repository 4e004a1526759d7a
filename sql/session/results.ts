// Result shaping for the wire: RowDescription fields from plan output columns (OIDs, typlen,
// typmod, source table/attnum), per-column formats, and datum encoding to text or binary.
// Called by the session for every row it writes to the sink.

import type { OutCol } from '../bind/index.js';
import { encodeBinary, formatText, typeMeta } from '../types/index.js';
import type { Datum, SqlType, TypeEnv } from '../types/index.js';
import type { FieldDescription, WireValue } from './api.js';

export function typeSize(t: SqlType): number {
  return typeMeta(t.oid)?.typlen ?? -1;
}

/** Formats for `n` columns from the Bind message's result-format codes. */
export function resultFormats(codes: readonly (0 | 1)[], n: number): (0 | 1)[] {
  if (codes.length === 0) return new Array<0 | 1>(n).fill(0);
  if (codes.length === 1) return new Array<0 | 1>(n).fill(codes[0]!);
  return Array.from({ length: n }, (_, i) => codes[i] ?? 0);
}

export function fieldsOf(cols: readonly OutCol[], formats: readonly (0 | 1)[]): FieldDescription[] {
  return cols.map((c, i) => ({
    name: c.name,
    tableOid: c.tableOid,
    columnAttrNum: c.attnum,
    typeOid: c.type.oid,
    typeSize: typeSize(c.type),
    typeModifier: c.type.typmod,
    format: formats[i] ?? 0,
  }));
}

/** Encodes one result row (visible columns only) in the requested formats. */
export function encodeRow(row: readonly Datum[], cols: readonly OutCol[], formats: readonly (0 | 1)[], env: TypeEnv): WireValue[] {
  const n = cols.length;
  const out = new Array<WireValue>(n);
  for (let i = 0; i < n; i++) {
    const d = row[i] ?? null;
    if (d === null) out[i] = null;
    else if (formats[i] === 1) out[i] = encodeBinary(cols[i]!.type, d, env);
    else out[i] = formatText(cols[i]!.type, d, env);
  }
  return out;
}
