// Declaring a virtual table: columns from a compact "name type, name type" spec with
// PostgreSQL's catalog types (name, oid, "char", int2vector, text[], ...), and rows produced
// as objects keyed by column name (missing keys are NULL; unknown keys are a bug and fail).
// Used by every module of sql/vtables.

import assert from 'node:assert/strict';
import type { VirtualColumn, VirtualContext } from '../catalog/index.js';
import type { CatalogSnapshot } from './snapshot.js';
import type { Datum, SqlType } from '../types/index.js';
import { arrayOf, types } from '../types/index.js';

const SPEC_TYPES: Record<string, SqlType> = {
  oid: types.oid,
  name: types.name,
  text: types.text,
  bytea: types.bytea,
  varchar: types.varchar,
  bool: types.bool,
  int2: types.int2,
  int4: types.int4,
  int8: types.int8,
  float4: types.float4,
  float8: types.float8,
  char: types.char,
  int2vector: types.int2vector,
  oidvector: types.oidvector,
  regproc: types.regproc,
  regtype: types.regtype,
  regclass: types.regclass,
  xid: types.xid,
  timestamptz: types.timestamptz,
  interval: types.interval,
  // Internal types Shoal does not have: shown as text (always NULL or plain text here).
  pg_node_tree: types.text,
  inet: types.text,
  anyarray: types.text,
  pg_lsn: types.text,
};

function specType(t: string): SqlType {
  if (t.endsWith('[]')) {
    const base = t.slice(0, -2);
    return arrayOf(base === 'aclitem' ? types.text : specType(base));
  }
  const found = SPEC_TYPES[t];
  assert(found !== undefined, `vtables: unknown column type ${t}`);
  return found;
}

export function parseColumns(spec: string): VirtualColumn[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const [name, type] = s.split(/\s+/);
      assert(name !== undefined && type !== undefined, `vtables: bad column spec "${s}"`);
      return { name, type: specType(type) };
    });
}

export type RowObject = Record<string, Datum | undefined>;

/** A virtual table before the registry binds it to catalog snapshots. */
export interface TableDef {
  readonly schemaName: string;
  readonly name: string;
  readonly oid: number;
  readonly columns: readonly VirtualColumn[];
  /** Rows as arrays (indexed like columns) from the statement's snapshot. */
  produce(snap: CatalogSnapshot, ctx: VirtualContext): Promise<Datum[][]>;
}

export function defineTable(
  schemaName: string,
  name: string,
  oid: number,
  spec: string,
  rows: (snap: CatalogSnapshot, ctx: VirtualContext) => Promise<RowObject[]> | RowObject[],
): TableDef {
  const columns = parseColumns(spec);
  const index = new Map(columns.map((c, i) => [c.name, i]));
  return Object.freeze({
    schemaName,
    name,
    oid,
    columns,
    async produce(snap: CatalogSnapshot, ctx: VirtualContext): Promise<Datum[][]> {
      const objs = await rows(snap, ctx);
      return objs.map((o) => {
        const row = new Array<Datum>(columns.length).fill(null);
        for (const k in o) {
          const i = index.get(k);
          assert(i !== undefined, `vtables: ${schemaName}.${name} has no column ${k}`);
          row[i] = o[k] ?? null;
        }
        return row;
      });
    },
  });
}

/** An ArrayDatum of a one-dimensional list (PostgreSQL's '{...}'). */
export function arr(elements: readonly Datum[]): Datum {
  if (elements.length === 0) return { dims: [], lowerBounds: [], elements: [] };
  return { dims: [elements.length], lowerBounds: [1], elements };
}
