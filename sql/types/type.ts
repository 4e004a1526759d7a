// SQL types as Shoal sees them: a kind-tagged description (with PostgreSQL's OID and type
// modifier) and the JavaScript representation of a value of each type (a Datum).
// Other modules of sql/types (io, compare, cast, ...) dispatch on `kind` exhaustively.

import type { Decimal } from 'decimal.js';
import type { JsonNull, JsonNumber } from './json.js';

export type TypeKind =
  | 'bool'
  | 'int2'
  | 'int4'
  | 'int8'
  | 'float4'
  | 'float8'
  | 'numeric'
  | 'text'
  | 'varchar'
  | 'bpchar' // char(n)
  | 'char' // "char", the one-byte internal type
  | 'name'
  | 'bytea'
  | 'date'
  | 'time'
  | 'timetz'
  | 'timestamp'
  | 'timestamptz'
  | 'interval'
  | 'uuid'
  | 'json'
  | 'jsonb'
  | 'oid'
  | 'regclass'
  | 'regtype'
  | 'regproc'
  | 'regprocedure'
  | 'regnamespace'
  | 'xid'
  | 'int2vector'
  | 'oidvector'
  | 'array'
  | 'record'
  | 'void'
  | 'unknown'
  | 'any'; // polymorphic placeholder in function signatures only

export interface SqlType {
  readonly kind: TypeKind;
  /** pg_type OID (e.g. 23 for int4). */
  readonly oid: number;
  /** Type modifier as PostgreSQL encodes it (varchar(n): n+4; numeric(p,s): ((p<<16)|s)+4), or -1. */
  readonly typmod: number;
  /** Element type for arrays (kind 'array'). */
  readonly elem?: SqlType;
}

/** Interval as PostgreSQL keeps it: three independent fields. */
export interface Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: bigint;
}

/**
 * The JavaScript value of a datum, by type kind. A datum never travels without its type.
 *   bool                               boolean
 *   int2, int4, oid, reg*, xid         number
 *   int8                               bigint
 *   float4, float8                     number (NaN and ±Infinity allowed)
 *   numeric                            Decimal (decimal.js; NaN allowed)
 *   text, varchar, bpchar, char, name  string (bpchar padded to its length)
 *   bytea                              Buffer
 *   date                               number: days since 1970-01-01 (±Infinity for infinity)
 *   time                               bigint: microseconds since midnight
 *   timetz                             { micros: bigint, offsetSecs: number }
 *   timestamp, timestamptz             bigint: microseconds since 1970-01-01 00:00 (UTC for tz);
 *                                      infinity = TIMESTAMP_INFINITY / -TIMESTAMP_INFINITY
 *   interval                           Interval
 *   uuid                               string, canonical lowercase with dashes
 *   json                               string (the text as given)
 *   jsonb                              JsonValue: plain JS objects, arrays, strings and booleans;
 *                                      numbers are JsonNumber (numeric text kept: 1.50, 2^64);
 *                                      JSON null is JSON_NULL (a value: SQL NULL stays null)
 *   int2vector, oidvector              number[]
 *   array                              ArrayDatum
 *   record                             Datum[]
 *   SQL NULL                           null, for every type
 */
export type Datum =
  | null
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | Decimal
  | Interval
  | TimeTz
  | JsonValue
  | ArrayDatum
  | readonly Datum[];

export interface TimeTz {
  readonly micros: bigint;
  readonly offsetSecs: number;
}

export type JsonValue = JsonNull | boolean | JsonNumber | string | JsonValue[] | JsonObject;

/** A jsonb object: own enumerable keys (output sorts them: shorter first, then bytewise). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A (possibly multi-dimensional) array; elements flattened in row-major order. */
export interface ArrayDatum {
  readonly dims: readonly number[];
  readonly lowerBounds: readonly number[];
  readonly elements: readonly Datum[];
}

export const TIMESTAMP_INFINITY = 9223372036854775807n;

/** PostgreSQL OIDs of the built-in types Shoal knows. */
export const Oid = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int2vector: 22,
  int4: 23,
  regproc: 24,
  text: 25,
  oid: 26,
  xid: 28,
  oidvector: 30,
  json: 114,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  regprocedure: 2202,
  regclass: 2205,
  regtype: 2206,
  regnamespace: 4089,
  record: 2249,
  void: 2278,
  any: 2276,
  uuid: 2950,
  jsonb: 3802,
  // array types
  _bool: 1000,
  _bytea: 1001,
  _char: 1002,
  _name: 1003,
  _int2: 1005,
  _int4: 1007,
  _text: 1009,
  _oid: 1028,
  _bpchar: 1014,
  _varchar: 1015,
  _int8: 1016,
  _float4: 1021,
  _float8: 1022,
  _timestamp: 1115,
  _date: 1182,
  _time: 1183,
  _timestamptz: 1185,
  _interval: 1187,
  _numeric: 1231,
  _uuid: 2951,
  _jsonb: 3807,
  _json: 199,
  _regtype: 2211,
} as const;

/**
 * A numeric datum: a Decimal, optionally carrying PostgreSQL's display scale (dscale: the
 * number of digits after the point that output shows, so 1.50 stays "1.50"). Values without
 * `dscale` print with the scale of their type modifier, else with their own decimal places.
 * Producers that can keep it (input, arithmetic, rowenc via binary numeric) set it.
 */
export type NumericDatum = Decimal & { dscale?: number };

/** How a cast is being applied (pg_cast.castcontext): 'e' explicit, 'a' assignment, 'i' implicit. */
export type CastContext = 'explicit' | 'assignment' | 'implicit';

/**
 * What type I/O and casts need from the session. The SQL engine passes one (its EvalContext
 * extends this); without one, UTC and no catalog are assumed.
 */
export interface TypeEnv {
  /** The session TimeZone setting: an IANA name ('Europe/Paris', 'UTC') or a POSIX/fixed offset. */
  readonly timeZone: string;
  /** Catalog-backed reg* input and output; absent means numeric OIDs only. */
  readonly reg?: RegResolver;
  /**
   * The session's extra_float_digits (-15..3; absent means the default 1). At 1..3 floats print
   * their shortest round-trip digits; at <= 0 with 15 (float8) / 6 (float4) + this many digits.
   */
  readonly extraFloatDigits?: number;
  /** Transaction start time (µs since epoch, UTC) for the literals 'now', 'today', ...; absent rejects them. */
  nowMicros?(): bigint;
}

/** Name ↔ OID lookups for regclass/regtype/regproc/regnamespace I/O (implemented by the engine). */
export interface RegResolver {
  /** Returns the OID or undefined (the caller raises 42P01/42704/42883/3F000). */
  regclassIn?(name: string): number | undefined;
  regclassOut?(oid: number): string | undefined;
  regprocIn?(name: string): number | undefined;
  regprocOut?(oid: number): string | undefined;
  regnamespaceIn?(name: string): number | undefined;
  regnamespaceOut?(oid: number): string | undefined;
  /** User-defined types only; built-in names are resolved by sql/types itself. */
  regtypeIn?(name: string): number | undefined;
  regtypeOut?(oid: number): string | undefined;
}
