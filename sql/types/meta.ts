// pg_type metadata of the built-in types: length, category, preferred flag, array OID and
// the names of the I/O functions. Read by sql/vtables (pg_type rows), by the wire layer
// (RowDescription typlen) and by type resolution (categories, preferred types).

import { Oid } from './type.js';
import type { SqlType } from './type.js';

/** pg_type.typcategory: A array, B bool, D datetime, N numeric, S string, T timespan, U user, P pseudo, X unknown, Z internal. */
export type TypeCategory = 'A' | 'B' | 'C' | 'D' | 'E' | 'G' | 'I' | 'N' | 'P' | 'R' | 'S' | 'T' | 'U' | 'V' | 'X' | 'Z';

/** One pg_type row's worth of facts about a built-in type. */
export interface PgTypeMeta {
  readonly oid: number;
  /** pg_type.typname ('int4', '_int4'). */
  readonly typname: string;
  readonly typlen: number;
  readonly typbyval: boolean;
  /** 'b' base, 'p' pseudo. */
  readonly typtype: 'b' | 'p';
  readonly typcategory: TypeCategory;
  readonly typispreferred: boolean;
  readonly typdelim: string;
  /** Element type OID for arrays (and name/int2vector/oidvector), else 0. */
  readonly typelem: number;
  /** OID of the array type whose element this is, else 0. */
  readonly typarray: number;
  readonly typinput: string;
  readonly typoutput: string;
  readonly typreceive: string;
  readonly typsend: string;
  readonly typalign: 'c' | 's' | 'i' | 'd';
  readonly typstorage: 'p' | 'x' | 'm' | 'e';
}

type Row = [
  oid: number,
  typname: string,
  typlen: number,
  byval: boolean,
  category: TypeCategory,
  preferred: boolean,
  arrayOid: number,
  ioPrefix: string,
  align: 'c' | 's' | 'i' | 'd',
  storage: 'p' | 'x' | 'm' | 'e',
  elem?: number,
];

// I/O names: prefix + 'in' / 'out' / 'recv' / 'send' (PostgreSQL spells some with '_').
const BASE_ROWS: Row[] = [
  [Oid.bool, 'bool', 1, true, 'B', true, Oid._bool, 'bool', 'c', 'p'],
  [Oid.bytea, 'bytea', -1, false, 'U', false, Oid._bytea, 'bytea', 'i', 'x'],
  [Oid.char, 'char', 1, true, 'Z', false, Oid._char, 'char', 'c', 'p'],
  [Oid.name, 'name', 64, false, 'S', false, Oid._name, 'name', 'c', 'p', Oid.char],
  [Oid.int8, 'int8', 8, true, 'N', false, Oid._int8, 'int8', 'd', 'p'],
  [Oid.int2, 'int2', 2, true, 'N', false, Oid._int2, 'int2', 's', 'p'],
  [Oid.int2vector, 'int2vector', -1, false, 'A', false, 1006, 'int2vector', 'i', 'p', Oid.int2],
  [Oid.int4, 'int4', 4, true, 'N', false, Oid._int4, 'int4', 'i', 'p'],
  [Oid.regproc, 'regproc', 4, true, 'N', false, 1008, 'regproc', 'i', 'p'],
  [Oid.text, 'text', -1, false, 'S', true, Oid._text, 'text', 'i', 'x'],
  [Oid.oid, 'oid', 4, true, 'N', true, Oid._oid, 'oid', 'i', 'p'],
  [Oid.xid, 'xid', 4, true, 'U', false, 1011, 'xid', 'i', 'p'],
  [Oid.oidvector, 'oidvector', -1, false, 'A', false, 1013, 'oidvector', 'i', 'p', Oid.oid],
  [Oid.json, 'json', -1, false, 'U', false, Oid._json, 'json_', 'i', 'x'],
  [Oid.float4, 'float4', 4, true, 'N', false, Oid._float4, 'float4', 'i', 'p'],
  [Oid.float8, 'float8', 8, true, 'N', true, Oid._float8, 'float8', 'd', 'p'],
  [Oid.unknown, 'unknown', -2, false, 'X', false, 0, 'unknown', 'c', 'p'],
  [Oid.bpchar, 'bpchar', -1, false, 'S', false, Oid._bpchar, 'bpchar', 'i', 'x'],
  [Oid.varchar, 'varchar', -1, false, 'S', false, Oid._varchar, 'varchar', 'i', 'x'],
  [Oid.date, 'date', 4, true, 'D', false, Oid._date, 'date_', 'i', 'p'],
  [Oid.time, 'time', 8, true, 'D', false, Oid._time, 'time_', 'd', 'p'],
  [Oid.timestamp, 'timestamp', 8, true, 'D', false, Oid._timestamp, 'timestamp_', 'd', 'p'],
  [Oid.timestamptz, 'timestamptz', 8, true, 'D', true, Oid._timestamptz, 'timestamptz_', 'd', 'p'],
  [Oid.interval, 'interval', 16, false, 'T', true, Oid._interval, 'interval_', 'd', 'p'],
  [Oid.timetz, 'timetz', 12, false, 'D', false, 1270, 'timetz_', 'd', 'p'],
  [Oid.numeric, 'numeric', -1, false, 'N', false, Oid._numeric, 'numeric_', 'i', 'm'],
  [Oid.regprocedure, 'regprocedure', 4, true, 'N', false, 2207, 'regprocedure', 'i', 'p'],
  [Oid.regclass, 'regclass', 4, true, 'N', false, 2210, 'regclass', 'i', 'p'],
  [Oid.regtype, 'regtype', 4, true, 'N', false, Oid._regtype, 'regtype', 'i', 'p'],
  [Oid.regnamespace, 'regnamespace', 4, true, 'N', false, 4090, 'regnamespace', 'i', 'p'],
  [Oid.uuid, 'uuid', 16, false, 'U', false, Oid._uuid, 'uuid_', 'c', 'p'],
  [Oid.jsonb, 'jsonb', -1, false, 'U', false, Oid._jsonb, 'jsonb_', 'i', 'x'],
];

const PSEUDO_ROWS: [number, string, number, string][] = [
  [Oid.record, 'record', -1, 'record_'],
  [Oid.void, 'void', 4, 'void_'],
  [Oid.any, 'any', 4, 'any_'],
];

function ioNames(prefix: string): Pick<PgTypeMeta, 'typinput' | 'typoutput' | 'typreceive' | 'typsend'> {
  return { typinput: prefix + 'in', typoutput: prefix + 'out', typreceive: prefix + 'recv', typsend: prefix + 'send' };
}

function buildMeta(): Map<number, PgTypeMeta> {
  const byOid = new Map<number, PgTypeMeta>();
  for (const [oid, typname, typlen, typbyval, typcategory, typispreferred, typarray, io, typalign, typstorage, elem] of BASE_ROWS) {
    byOid.set(oid, {
      oid, typname, typlen, typbyval, typtype: 'b', typcategory, typispreferred, typdelim: ',',
      typelem: elem ?? 0, typarray, ...ioNames(io), typalign, typstorage,
    });
    if (typarray !== 0) {
      byOid.set(typarray, {
        oid: typarray, typname: '_' + typname, typlen: -1, typbyval: false, typtype: 'b', typcategory: 'A',
        typispreferred: false, typdelim: ',', typelem: oid, typarray: 0,
        typinput: 'array_in', typoutput: 'array_out', typreceive: 'array_recv', typsend: 'array_send',
        typalign: typalign === 'd' ? 'd' : 'i', typstorage: 'x',
      });
    }
  }
  for (const [oid, typname, typlen, io] of PSEUDO_ROWS) {
    byOid.set(oid, {
      oid, typname, typlen, typbyval: typlen > 0, typtype: 'p', typcategory: 'P', typispreferred: false,
      typdelim: ',', typelem: 0, typarray: oid === Oid.record ? 2287 : 0, ...ioNames(io),
      typalign: typlen > 0 ? 'i' : 'd', typstorage: typlen > 0 ? 'p' : 'x',
    });
  }
  return byOid;
}

const META = buildMeta();

/** Metadata of a built-in type by OID (arrays included), or undefined. */
export function typeMeta(oid: number): PgTypeMeta | undefined {
  return META.get(oid);
}

/** Every built-in type's metadata, for pg_type. */
export function allTypeMeta(): readonly PgTypeMeta[] {
  return [...META.values()];
}

/** PostgreSQL's type category (used by implicit-cast resolution of unknown literals). */
export function typeCategory(t: SqlType): TypeCategory {
  if (t.kind === 'array') return 'A';
  return META.get(t.oid)?.typcategory ?? 'U';
}

/** pg_type.typispreferred. */
export function isPreferredType(t: SqlType): boolean {
  return META.get(t.oid)?.typispreferred ?? false;
}
