// The canonical SqlType values (types.int4, ...), array types, type lookup by OID and by
// SQL name (with PostgreSQL's aliases and type modifiers) and format_type() naming.
// Called by bind (CREATE TABLE column types, casts), by the wire layer (parameter OIDs)
// and by sql/vtables.

import { sqlError } from '../errors.js';
import { Oid } from './type.js';
import type { SqlType, TypeKind } from './type.js';
import { typeMeta } from './meta.js';

function mk(kind: TypeKind, oid: number): SqlType {
  return Object.freeze({ kind, oid, typmod: -1 });
}

/** One frozen SqlType per built-in scalar type, with typmod -1. */
export const types = {
  bool: mk('bool', Oid.bool),
  int2: mk('int2', Oid.int2),
  int4: mk('int4', Oid.int4),
  int8: mk('int8', Oid.int8),
  float4: mk('float4', Oid.float4),
  float8: mk('float8', Oid.float8),
  numeric: mk('numeric', Oid.numeric),
  text: mk('text', Oid.text),
  varchar: mk('varchar', Oid.varchar),
  bpchar: mk('bpchar', Oid.bpchar),
  char: mk('char', Oid.char),
  name: mk('name', Oid.name),
  bytea: mk('bytea', Oid.bytea),
  date: mk('date', Oid.date),
  time: mk('time', Oid.time),
  timetz: mk('timetz', Oid.timetz),
  timestamp: mk('timestamp', Oid.timestamp),
  timestamptz: mk('timestamptz', Oid.timestamptz),
  interval: mk('interval', Oid.interval),
  uuid: mk('uuid', Oid.uuid),
  json: mk('json', Oid.json),
  jsonb: mk('jsonb', Oid.jsonb),
  oid: mk('oid', Oid.oid),
  regclass: mk('regclass', Oid.regclass),
  regtype: mk('regtype', Oid.regtype),
  regproc: mk('regproc', Oid.regproc),
  regprocedure: mk('regprocedure', Oid.regprocedure),
  regnamespace: mk('regnamespace', Oid.regnamespace),
  xid: mk('xid', Oid.xid),
  int2vector: mk('int2vector', Oid.int2vector),
  oidvector: mk('oidvector', Oid.oidvector),
  record: mk('record', Oid.record),
  void: mk('void', Oid.void),
  unknown: mk('unknown', Oid.unknown),
  any: mk('any', Oid.any),
} as const satisfies Record<string, SqlType>;

const SCALAR_BY_OID = new Map<number, SqlType>();
for (const t of Object.values(types)) SCALAR_BY_OID.set(t.oid, t);

const ARRAY_CACHE = new Map<number, SqlType>();

/** The array type whose elements are `elem` (the array carries the element's typmod, as PostgreSQL). */
export function arrayOf(elem: SqlType): SqlType {
  if (elem.kind === 'array') return elem; // int[][] is the same type as int[]
  const arrayOid = typeMeta(elem.oid)?.typarray ?? 0;
  if (arrayOid === 0) throw sqlError('42704', `could not find array type for data type ${typeName(elem)}`);
  if (elem.typmod === -1) {
    let t = ARRAY_CACHE.get(arrayOid);
    if (t === undefined) {
      t = Object.freeze({ kind: 'array', oid: arrayOid, typmod: -1, elem });
      ARRAY_CACHE.set(arrayOid, t);
    }
    return t;
  }
  return Object.freeze({ kind: 'array', oid: arrayOid, typmod: elem.typmod, elem });
}

/** `t` with another type modifier (arrays pass it to their element). */
export function withTypmod(t: SqlType, typmod: number): SqlType {
  if (t.typmod === typmod) return t;
  if (t.kind === 'array') return arrayOf(withTypmod(t.elem!, typmod));
  if (typmod === -1) return SCALAR_BY_OID.get(t.oid) ?? t;
  return Object.freeze({ kind: t.kind, oid: t.oid, typmod });
}

/** Built-in type by OID (typmod -1), or undefined. */
export function typeFromOid(oid: number): SqlType | undefined {
  const t = SCALAR_BY_OID.get(oid);
  if (t !== undefined) return t;
  const cached = ARRAY_CACHE.get(oid);
  if (cached !== undefined) return cached;
  const meta = typeMeta(oid);
  if (meta === undefined || meta.typcategory !== 'A' || meta.typelem === 0) return undefined;
  if (oid === Oid.int2vector || oid === Oid.oidvector) return undefined;
  const elem = SCALAR_BY_OID.get(meta.typelem);
  return elem === undefined ? undefined : arrayOf(elem);
}

/** Same type, typmod included. */
export function sameType(a: SqlType, b: SqlType): boolean {
  return a.oid === b.oid && a.typmod === b.typmod;
}

// ---- type modifiers ----

/** varchar(n)/char(n) length limit, or -1. */
export function typmodLength(t: SqlType): number {
  return t.typmod >= 4 ? t.typmod - 4 : -1;
}

export function numericTypmod(precision: number, scale: number): number {
  return ((precision << 16) | (scale & 0x7ff)) + 4;
}

export function typmodPrecision(typmod: number): number {
  return ((typmod - 4) >> 16) & 0xffff;
}

/** Scale of a numeric typmod (PostgreSQL 15 allows negative scales, stored in 11 bits). */
export function typmodScale(typmod: number): number {
  return ((((typmod - 4) & 0x7ff) ^ 1024) - 1024);
}

// ---- names ----

const NAME_ALIASES: Record<string, SqlType> = {
  bool: types.bool, boolean: types.bool,
  int2: types.int2, smallint: types.int2, smallserial: types.int2, serial2: types.int2,
  int4: types.int4, int: types.int4, integer: types.int4, serial: types.int4, serial4: types.int4,
  int8: types.int8, bigint: types.int8, bigserial: types.int8, serial8: types.int8,
  float4: types.float4, real: types.float4,
  float8: types.float8, 'double precision': types.float8,
  numeric: types.numeric, decimal: types.numeric, dec: types.numeric,
  text: types.text,
  varchar: types.varchar, 'character varying': types.varchar, 'char varying': types.varchar,
  bpchar: types.bpchar, character: types.bpchar, char: types.bpchar,
  '"char"': types.char,
  name: types.name,
  bytea: types.bytea,
  date: types.date,
  time: types.time, 'time without time zone': types.time,
  timetz: types.timetz, 'time with time zone': types.timetz,
  timestamp: types.timestamp, 'timestamp without time zone': types.timestamp,
  timestamptz: types.timestamptz, 'timestamp with time zone': types.timestamptz,
  interval: types.interval,
  uuid: types.uuid,
  json: types.json,
  jsonb: types.jsonb,
  oid: types.oid,
  regclass: types.regclass, regtype: types.regtype, regproc: types.regproc,
  regprocedure: types.regprocedure, regnamespace: types.regnamespace,
  xid: types.xid, int2vector: types.int2vector, oidvector: types.oidvector,
  record: types.record, void: types.void, unknown: types.unknown, any: types.any, '"any"': types.any,
};

/**
 * Resolves a type name as written in SQL (`integer`, `character varying`, `float`, `"char"`,
 * `pg_catalog.int4`, `_int4`) plus its modifiers and array bounds. The parser's internal
 * name for a quoted "char" is `char` in schema pg_catalog only when written `"char"`; bind
 * passes `"char"` (with quotes) for it. Throws 42704 for unknown names, 22023 for bad typmods.
 */
export function typeFromName(name: string, typmods: readonly number[] = [], arrayBounds?: readonly number[]): SqlType {
  let n = name.trim().toLowerCase().replace(/\s+/g, ' ');
  if (n.startsWith('pg_catalog.')) n = n.slice('pg_catalog.'.length);
  let arrayDepth = arrayBounds?.length ?? 0;
  while (n.endsWith('[]')) {
    n = n.slice(0, -2).trimEnd();
    arrayDepth++;
  }
  let base: SqlType;
  if (n === 'float' || n === 'double') {
    base = floatByPrecision(typmods);
    typmods = [];
  } else {
    const alias = NAME_ALIASES[n];
    if (alias !== undefined) base = alias;
    else if (n.startsWith('_') && NAME_ALIASES[n.slice(1)] !== undefined) {
      base = NAME_ALIASES[n.slice(1)]!;
      arrayDepth++;
    } else throw sqlError('42704', `type "${name}" does not exist`);
  }
  if (typmods.length > 0) base = withTypmod(base, typmodFor(base, typmods, n));
  else if ((n === 'character' || n === 'char') && base.kind === 'bpchar') base = withTypmod(base, 1 + 4);
  return arrayDepth > 0 ? arrayOf(base) : base;
}

function floatByPrecision(typmods: readonly number[]): SqlType {
  if (typmods.length === 0) return types.float8;
  const p = typmods[0]!;
  if (p < 1) throw sqlError('22023', 'precision for type float must be at least 1 bit');
  if (p > 53) throw sqlError('22023', 'precision for type float must be less than 54 bits');
  return p <= 24 ? types.float4 : types.float8;
}

function typmodFor(t: SqlType, mods: readonly number[], written: string): number {
  const shown = written === 'bpchar' || written === 'character' || written === 'char' ? 'char' : written;
  switch (t.kind) {
    case 'varchar':
    case 'bpchar': {
      if (mods.length !== 1) throw sqlError('42601', `invalid type modifier`);
      const label = t.kind === 'varchar' ? 'varchar' : shown === 'char' ? 'char' : 'bpchar';
      const n = mods[0]!;
      if (n < 1) throw sqlError('22023', `length for type ${label} must be at least 1`);
      if (n > 10485760) throw sqlError('22023', `length for type ${label} cannot exceed 10485760`);
      return n + 4;
    }
    case 'numeric': {
      if (mods.length > 2) throw sqlError('22023', 'invalid NUMERIC type modifier');
      const p = mods[0]!;
      const s = mods.length > 1 ? mods[1]! : 0;
      if (p < 1 || p > 1000) throw sqlError('22023', `NUMERIC precision ${p} must be between 1 and 1000`);
      if (s < -1000 || s > 1000) throw sqlError('22023', `NUMERIC scale ${s} must be between -1000 and 1000`);
      return numericTypmod(p, s);
    }
    case 'time':
    case 'timetz':
    case 'timestamp':
    case 'timestamptz': {
      if (mods.length !== 1) throw sqlError('42601', 'invalid type modifier');
      const p = mods[0]!;
      if (p < 0) throw sqlError('22023', `TIMESTAMP(${p}) precision must not be negative`);
      return Math.min(p, 6);
    }
    case 'interval': {
      const p = mods[mods.length - 1]!;
      if (p < 0) throw sqlError('22023', `INTERVAL(${p}) precision must not be negative`);
      return (0x7fff << 16) | Math.min(p, 6);
    }
    default:
      throw sqlError('42601', `type modifier is not allowed for type "${written}"`);
  }
}

const FORMAT_NAMES: Partial<Record<TypeKind, string>> = {
  bool: 'boolean', int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real',
  float8: 'double precision', char: '"char"', any: '"any"',
};

/** format_type(oid, typmod): "integer", "character varying(10)", "numeric(10,2)", "text[]". */
export function typeName(t: SqlType): string {
  if (t.kind === 'array') return typeName(t.elem!) + '[]';
  const tm = t.typmod;
  switch (t.kind) {
    case 'varchar':
      return tm >= 4 ? `character varying(${tm - 4})` : 'character varying';
    case 'bpchar':
      return tm >= 4 ? `character(${tm - 4})` : 'bpchar';
    case 'numeric':
      return tm >= 4 ? `numeric(${typmodPrecision(tm)},${typmodScale(tm)})` : 'numeric';
    case 'time':
      return tm >= 0 ? `time(${tm}) without time zone` : 'time without time zone';
    case 'timetz':
      return tm >= 0 ? `time(${tm}) with time zone` : 'time with time zone';
    case 'timestamp':
      return tm >= 0 ? `timestamp(${tm}) without time zone` : 'timestamp without time zone';
    case 'timestamptz':
      return tm >= 0 ? `timestamp(${tm}) with time zone` : 'timestamp with time zone';
    case 'interval':
      return tm >= 0 && (tm & 0xffff) !== 0xffff ? `interval(${tm & 0xffff})` : 'interval';
    default:
      return FORMAT_NAMES[t.kind] ?? typeMeta(t.oid)?.typname ?? t.kind;
  }
}
