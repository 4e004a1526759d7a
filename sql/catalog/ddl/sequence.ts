// CREATE SEQUENCE / ALTER SEQUENCE, and the owned sequences of serial columns. Options
// follow PostgreSQL (AS, INCREMENT, MINVALUE/NO MINVALUE, MAXVALUE, START, CACHE, CYCLE,
// OWNED BY, RESTART); values live in catalog/sequences.ts. Called by catalog/ddl/index.ts
// and create-table.ts (serial).

import { sqlError } from '../../errors.js';
import type { AlterSeqStmt, CreateSeqStmt, DefElem, Node } from '../../parse/index.js';
import { typeName } from '../../types/index.js';
import type { DescriptorId, SchemaDescriptor, SequenceDescriptor, TableDescriptor } from '../descriptors.js';
import { resolveTypeName } from './constraints.js';
import type { DdlContext, DdlResult } from './context.js';
import {
  defElemBigInt,
  defElemBool,
  rangeVarName,
  relationNameTaken,
  requireSequence,
  requireTable,
  schemaForCreate,
  splitName,
  strings,
} from './util.js';

const TYPE_BOUNDS = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-9223372036854775808n, 9223372036854775807n],
} as const;

interface SeqOptions {
  dataType?: 'int2' | 'int4' | 'int8';
  increment?: bigint;
  minValue?: bigint | null;
  maxValue?: bigint | null;
  start?: bigint;
  cache?: number;
  cycle?: boolean;
  ownedBy?: string[] | null;
  restart?: bigint | null;
}

function parseOptions(options: readonly Node[] | undefined): SeqOptions {
  const o: SeqOptions = {};
  const seen = new Set<string>();
  for (const n of options ?? []) {
    if (!('DefElem' in n)) continue;
    const d: DefElem = n.DefElem;
    const name = d.defname ?? '';
    if (seen.has(name)) throw sqlError('42601', 'conflicting or redundant options');
    seen.add(name);
    applyOption(o, name, d.arg);
  }
  return o;
}

function applyOption(o: SeqOptions, name: string, arg: Node | undefined): void {
  switch (name) {
    case 'as': {
      const t = resolveTypeName(arg !== undefined && 'TypeName' in arg ? arg.TypeName : undefined);
      if (t.kind !== 'int2' && t.kind !== 'int4' && t.kind !== 'int8') {
        throw sqlError('22023', 'sequence type must be smallint, integer, or bigint');
      }
      o.dataType = t.kind;
      return;
    }
    case 'increment':
      o.increment = defElemBigInt(arg, 'INCREMENT');
      if (o.increment === 0n) throw sqlError('22023', 'INCREMENT must not be zero');
      return;
    case 'minvalue':
      o.minValue = arg === undefined ? null : defElemBigInt(arg, 'MINVALUE');
      return;
    case 'maxvalue':
      o.maxValue = arg === undefined ? null : defElemBigInt(arg, 'MAXVALUE');
      return;
    case 'start':
      o.start = defElemBigInt(arg, 'START');
      return;
    case 'cache': {
      const c = defElemBigInt(arg, 'CACHE');
      if (c < 1n) throw sqlError('22023', `CACHE (${c}) must be greater than zero`);
      o.cache = Number(c);
      return;
    }
    case 'cycle':
      o.cycle = defElemBool(arg);
      return;
    case 'owned_by':
      o.ownedBy = arg !== undefined && 'List' in arg ? strings(arg.List.items) : null;
      return;
    case 'restart':
      o.restart = arg === undefined ? null : defElemBigInt(arg, 'RESTART');
      return;
    default:
      throw sqlError('42601', `option "${name}" not recognized`);
  }
}

/** Applies options over `base` (or PostgreSQL's defaults) and validates the result. */
function resolveSettings(
  o: SeqOptions,
  base: SequenceDescriptor | null,
): Pick<SequenceDescriptor, 'dataType' | 'increment' | 'minValue' | 'maxValue' | 'start' | 'cache' | 'cycle'> {
  const dataType = o.dataType ?? base?.dataType ?? 'int8';
  const [tmin, tmax] = TYPE_BOUNDS[dataType];
  const increment = o.increment ?? base?.increment ?? 1n;
  const asc = increment > 0n;
  const typeChanged = o.dataType !== undefined && base !== null && o.dataType !== base.dataType;
  const keepMin = base !== null && o.minValue === undefined && !(typeChanged && base.minValue === TYPE_BOUNDS[base.dataType][0]);
  const keepMax = base !== null && o.maxValue === undefined && !(typeChanged && base.maxValue === TYPE_BOUNDS[base.dataType][1]);
  const minValue = keepMin ? base.minValue : (o.minValue ?? (asc ? 1n : tmin));
  const maxValue = keepMax ? base.maxValue : (o.maxValue ?? (asc ? tmax : -1n));
  if (minValue < tmin || maxValue > tmax) {
    const bad = minValue < tmin ? `MINVALUE (${minValue})` : `MAXVALUE (${maxValue})`;
    throw sqlError('22023', `${bad} is out of range for sequence data type ${typeName({ kind: dataType, oid: 0, typmod: -1 })}`);
  }
  if (minValue >= maxValue) throw sqlError('22023', `MINVALUE (${minValue}) must be less than MAXVALUE (${maxValue})`);
  const start = o.start ?? base?.start ?? (asc ? minValue : maxValue);
  if (start < minValue) throw sqlError('22023', `START value (${start}) cannot be less than MINVALUE (${minValue})`);
  if (start > maxValue) throw sqlError('22023', `START value (${start}) cannot be greater than MAXVALUE (${maxValue})`);
  return { dataType, increment, minValue, maxValue, start, cache: o.cache ?? base?.cache ?? 1, cycle: o.cycle ?? base?.cycle ?? false };
}

/** A new sequence descriptor (not yet written). */
export async function newSequence(
  ctx: DdlContext,
  schema: SchemaDescriptor,
  name: string,
  options: readonly Node[] | undefined,
  extra: { dataType?: 'int2' | 'int4' | 'int8'; ownedBy?: SequenceDescriptor['ownedBy'] } = {},
): Promise<SequenceDescriptor> {
  const o = parseOptions(options);
  if (extra.dataType !== undefined && o.dataType === undefined) o.dataType = extra.dataType;
  const settings = resolveSettings(o, null);
  return {
    kind: 'sequence',
    id: await ctx.catalog.allocateId(),
    databaseId: schema.databaseId,
    schemaId: schema.id,
    name,
    owner: ctx.user,
    version: 1,
    ...settings,
    ownedBy: extra.ownedBy ?? null,
  };
}

export async function writeNewSequence(ctx: DdlContext, seq: SequenceDescriptor): Promise<void> {
  await ctx.catalog.putDescriptor(seq);
  await ctx.catalog.putName(seq.databaseId, seq.schemaId, seq.name, seq.id);
}

export async function createSequence(stmt: CreateSeqStmt, ctx: DdlContext): Promise<DdlResult> {
  const { schema: sname, name } = rangeVarName(ctx, stmt.sequence ?? {});
  const schema = await schemaForCreate(ctx, sname);
  if (await relationNameTaken(ctx, schema, name)) {
    if (stmt.if_not_exists === true) {
      ctx.notice({ severity: 'NOTICE', code: '42P07', message: `relation "${name}" already exists, skipping` });
      return { tag: 'CREATE SEQUENCE' };
    }
    throw sqlError('42P07', `relation "${name}" already exists`);
  }
  const opts = parseOptions(stmt.options);
  const ownedBy = opts.ownedBy ? await resolveOwnedBy(ctx, opts.ownedBy) : null;
  const seq = await newSequence(ctx, schema, name, (stmt.options ?? []).filter((n) => !('DefElem' in n && n.DefElem.defname === 'owned_by')), { ownedBy });
  await writeNewSequence(ctx, seq);
  return { tag: 'CREATE SEQUENCE' };
}

async function resolveOwnedBy(ctx: DdlContext, parts: readonly string[]): Promise<SequenceDescriptor['ownedBy']> {
  if (parts.length === 1 && parts[0] === 'none') return null;
  if (parts.length < 2) throw sqlError('42601', 'invalid OWNED BY option');
  const { schema, name } = splitName(ctx, parts.slice(0, -1));
  const t = await requireTable(ctx, schema, name, false);
  const col = t!.table.columns.find((c) => c.name === parts[parts.length - 1] && !c.hidden);
  if (col === undefined) throw sqlError('42703', `column "${parts[parts.length - 1]}" of relation "${name}" does not exist`);
  return { tableId: t!.table.id, columnId: col.id };
}

export async function alterSequence(stmt: AlterSeqStmt, ctx: DdlContext): Promise<DdlResult> {
  const { schema, name } = rangeVarName(ctx, stmt.sequence ?? {});
  const found = await requireSequence(ctx, schema, name, stmt.missing_ok === true);
  if (found === null) {
    ctx.notice({ severity: 'NOTICE', code: '00000', message: `relation "${name}" does not exist, skipping` });
    return { tag: 'ALTER SEQUENCE' };
  }
  const seq = found.sequence;
  const o = parseOptions(stmt.options);
  const settings = resolveSettings(o, seq);
  const ownedBy = o.ownedBy === undefined ? seq.ownedBy : o.ownedBy === null ? null : await resolveOwnedBy(ctx, o.ownedBy);
  const next: SequenceDescriptor = { ...seq, ...settings, ownedBy, version: seq.version + 1 };
  await ctx.catalog.putDescriptor(next);
  if (o.restart === undefined) await ctx.sequences.release(seq);
  else ctx.sequences.forget(seq.id);
  if (o.restart !== undefined) {
    const v = o.restart ?? next.start;
    if (v < next.minValue || v > next.maxValue) {
      throw sqlError('22023', `RESTART value (${v}) cannot be ${v < next.minValue ? 'less than MINVALUE' : 'greater than MAXVALUE'} (${v < next.minValue ? next.minValue : next.maxValue})`);
    }
    await ctx.sequences.restart(next, v);
  }
  return { tag: 'ALTER SEQUENCE' };
}

/** The DEFAULT text of a serial column: nextval('name'::regclass), schema-qualified if not on the path. */
export function nextvalDefault(seqName: string, schemaName: string, onPath: boolean): string {
  const q = (s: string): string => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);
  const text = onPath ? q(seqName) : `${q(schemaName)}.${q(seqName)}`;
  return `nextval('${text.replace(/'/g, "''")}'::regclass)`;
}

/** Sequences owned by columns of `table`. */
export function ownedSequenceIds(table: TableDescriptor): DescriptorId[] {
  return table.columns.filter((c) => c.ownedSequenceId !== null).map((c) => c.ownedSequenceId!);
}

