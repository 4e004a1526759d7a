// pg_catalog's convenience views that drivers and tools read: pg_tables, pg_indexes,
// pg_sequences, pg_views and pg_matviews (the last two empty: Shoal has no views yet).

import { indexOid, readSequenceState } from '../catalog/index.js';
import { defineTable } from './define.js';
import type { RowObject, TableDef } from './define.js';
import { pgGetIndexdef } from './introspect.js';

const PG = 'pg_catalog';

const pgTables = defineTable(
  PG,
  'pg_tables',
  12_010,
  'schemaname name, tablename name, tableowner name, tablespace name, hasindexes bool, hasrules bool, hastriggers bool, rowsecurity bool',
  (snap) =>
    snap.tables.map((t) => ({
      schemaname: snap.schemaOf(t.schemaId)?.name, tablename: t.name, tableowner: t.owner,
      hasindexes: snap.indexesOf(t).length > 0, hasrules: false, hastriggers: false, rowsecurity: false,
    })),
);

const pgIndexes = defineTable(PG, 'pg_indexes', 12_011, 'schemaname name, tablename name, indexname name, tablespace name, indexdef text', (snap) =>
  snap.tables.flatMap((t) =>
    snap.indexesOf(t).map((ix) => ({
      schemaname: snap.schemaOf(t.schemaId)?.name, tablename: t.name, indexname: ix.name,
      indexdef: pgGetIndexdef(snap, indexOid(t.id, ix.id)),
    })),
  ),
);

const pgSequences = defineTable(
  PG,
  'pg_sequences',
  12_012,
  'schemaname name, sequencename name, sequenceowner name, data_type regtype, start_value int8, min_value int8, ' +
    'max_value int8, increment_by int8, cycle bool, cache_size int8, last_value int8',
  async (snap, ctx) => {
    const out: RowObject[] = [];
    for (const s of snap.sequences) {
      const state = await readSequenceState(ctx.catalog.txn, s);
      out.push({
        schemaname: snap.schemaOf(s.schemaId)?.name, sequencename: s.name, sequenceowner: s.owner,
        data_type: { int2: 21, int4: 23, int8: 20 }[s.dataType], start_value: s.start, min_value: s.minValue,
        max_value: s.maxValue, increment_by: s.increment, cycle: s.cycle, cache_size: BigInt(s.cache),
        last_value: state.isCalled ? state.lastValue : null,
      });
    }
    return out;
  },
);

const pgViews = defineTable(PG, 'pg_views', 12_013, 'schemaname name, viewname name, viewowner name, definition text', () => []);
const pgMatviews = defineTable(
  PG,
  'pg_matviews',
  12_014,
  'schemaname name, matviewname name, matviewowner name, tablespace name, hasindexes bool, ispopulated bool, definition text',
  () => [],
);


export const VIEW_TABLES: readonly TableDef[] = [pgTables, pgIndexes, pgSequences, pgViews, pgMatviews];

