// ALTER TABLE ... ALTER COLUMN ... TYPE [USING expr]: the column keeps its id; every row is
// rewritten with the value cast to the new type (assignment cast, or the USING expression
// evaluated by the engine), and indexes containing the column are rebuilt. A change that
// touches the primary key moves the rows to a fresh primary index id, like ADD PRIMARY KEY.
// Called by catalog/ddl/alter-table.ts.

import { sqlError } from '../../errors.js';
import type { ColumnDef } from '../../parse/index.js';
import { encodePrimaryKey, encodeRowValue, indexSpan } from '../../rowenc/index.js';
import type { Datum } from '../../types/index.js';
import { canCast, castDatum, coerceToTypmod, sameType, typeName } from '../../types/index.js';
import { deparseExpr } from '../deparse.js';
import type { ColumnDescriptor, TableDescriptor } from '../descriptors.js';
import { checkCollation, resolveTypeName } from './constraints.js';
import type { DdlContext } from './context.js';
import { backfillIndex, Batcher } from './indexes.js';
import { bump, forEachRow, keyDetail } from './util.js';

export async function alterColumnType(ctx: DdlContext, table: TableDescriptor, name: string, def: ColumnDef): Promise<TableDescriptor> {
  const col = table.columns.find((c) => c.name === name && !c.hidden);
  if (col === undefined) throw sqlError('42703', `column "${name}" of relation "${table.name}" does not exist`);
  if (def.collClause !== undefined) checkCollation(def.collClause.collname);
  const to = resolveTypeName(def.typeName);
  const using = def.raw_default === undefined ? null : deparseExpr(def.raw_default);
  if (using === null && sameType(col.type, to)) return table;
  if (using === null && !canCast(col.type, to, 'assignment')) {
    throw sqlError('42804', `column "${name}" cannot be cast automatically to type ${typeName(to)}`, {
      hint: `You might need to specify "USING ${name}::${typeName(to)}".`,
    });
  }
  if (using !== null && ctx.evalRowExpr === undefined) throw sqlError('0A000', 'ALTER COLUMN ... TYPE ... USING is not supported');
  const inPk = table.primaryIndex.columnIds.includes(col.id);
  const newCol: ColumnDescriptor = { ...col, type: to };
  const next = bump(table, {
    columns: table.columns.map((c) => (c.id === col.id ? newCol : c)),
    ...(inPk ? { primaryIndex: { ...table.primaryIndex, id: table.nextIndexId }, nextIndexId: table.nextIndexId + 1 } : {}),
  });
  const pos = table.columns.indexOf(col);
  const convert = async (row: Datum[]): Promise<Datum> => {
    // The engine evaluates USING with an explicit cast to the new type appended.
    if (using !== null) return coerceToTypmod(to, await ctx.evalRowExpr!(`(${using})::${typeName(to)}`, table, row));
    return row[pos] === null ? null : castDatum(row[pos]!, col.type, to, 'assignment');
  };
  await rewriteRows(ctx, table, next, pos, convert, inPk);
  for (const ix of next.secondaryIndexes) {
    if (!inPk && !ix.columnIds.includes(col.id)) continue;
    const span = indexSpan(table, ix);
    await ctx.txn.deleteRange(span.key, span.endKey);
    await backfillIndex(ctx, next, ix);
  }
  await ctx.catalog.putDescriptor(next);
  return next;
}

async function rewriteRows(
  ctx: DdlContext,
  before: TableDescriptor,
  after: TableDescriptor,
  pos: number,
  convert: (row: Datum[]) => Promise<Datum>,
  newKeys: boolean,
): Promise<void> {
  const col = after.columns[pos]!;
  const batch = new Batcher(ctx, (row) => sqlError('23505', `could not create unique index "${after.primaryIndex.name}"`, {
    detail: `${keyDetail(after, after.primaryIndex.columnIds, row)} is duplicated.`,
  }));
  await forEachRow(
    ctx,
    before,
    async (old, key) => {
      const row = [...old];
      row[pos] = await convert(old);
      if (row[pos] === null && !col.nullable) {
        throw sqlError('23502', `column "${col.name}" of relation "${before.name}" contains null values`, { table: before.name, column: col.name });
      }
      if (newKeys) {
        batch.add(encodePrimaryKey(after, row), encodeRowValue(after, row), true, row);
        batch.addDelete(key); // the old row goes in the same bounded batch (no table-sized deleteRange)
      } else batch.add(key, encodeRowValue(after, row), false, row);
    },
    () => batch.flushIfFull(),
  );
  await batch.flush();
}
