// EvalContext: everything a builtin function may need from the session and the catalog.
// Implemented by the SQL engine (sql/exec or sql/session) and passed to every function,
// operator and aggregate call. Kept narrow on purpose: builtins never reach the KV layer
// directly; whatever needs the catalog goes through the optional callbacks below.

import type { TypeEnv } from '../types/index.js';

/** Session facts and settings. Times are microseconds since the Unix epoch (UTC). */
export interface SessionInfo {
  readonly database: string;
  /** current_user / session_user. */
  readonly user: string;
  readonly backendPid: number;
  /** Session TimeZone setting (IANA name or offset); same as EvalContext.timeZone. */
  readonly timeZone: string;
  /** current_setting(name): the value, or undefined if the parameter does not exist. */
  getSetting(name: string): string | undefined;
  /** set_config(name, value, isLocal): applies it, returns the new value (throws 42704 if unknown). */
  setSetting(name: string, value: string, isLocal: boolean): string;
  /** now(), current_timestamp, transaction_timestamp(): start of the current transaction. */
  txnTimestampMicros(): bigint;
  /** statement_timestamp(): start of the current statement. */
  statementTimestampMicros(): bigint;
  /** clock_timestamp(): the wall clock now (the engine owns real time, not builtins). */
  clockTimestampMicros(): bigint;
  /** Server start time, for pg_postmaster_start_time(). */
  readonly serverStartMicros?: bigint;
  /** txid_current(): the transaction's id as a number (allocates one if needed). */
  txnId?(): bigint;
  /** random() source in [0, 1); defaults to Math.random (injected in simulation). */
  random?(): number;
  /** current_schemas(): the effective search_path, pg_catalog first when includeImplicit. */
  searchPath?(includeImplicit: boolean): string[];
  /** Server version string for version(); default "PostgreSQL 15.0 (Shoal) ...". */
  readonly serverVersion?: string;
}

/**
 * Catalog callbacks. Each is optional: when absent the builtin falls back to a neutral answer
 * (e.g. obj_description → NULL, pg_table_is_visible → true, privileges → true).
 */
export interface CatalogInfo {
  /** pg_get_userbyid. */
  userNameById?(oid: number): string | undefined;
  /** pg_table_is_visible / pg_type_is_visible. */
  relationIsVisible?(oid: number): boolean;
  typeIsVisible?(oid: number): boolean;
  /** pg_get_indexdef(indexOid[, column, pretty]). */
  indexDef?(indexOid: number, column: number): string | undefined;
  /** pg_get_constraintdef(constraintOid). */
  constraintDef?(constraintOid: number): string | undefined;
  /** pg_get_expr(exprText, relationOid): our catalogs keep expressions as SQL text already. */
  exprDef?(expr: string, relationOid: number): string;
  /** obj_description(oid, catalogName) / col_description(tableOid, column). */
  description?(oid: number, catalog: string, subId: number): string | undefined;
  /** pg_relation_size / pg_total_relation_size (bytes; approximate is fine). */
  relationSize?(oid: number, total: boolean): bigint | undefined;
  /** has_*_privilege: defaults to true. */
  hasPrivilege?(kind: 'table' | 'schema' | 'database' | 'sequence' | 'function' | 'column', object: string | number, privilege: string): boolean;
  /** nextval/currval/setval on sequences (by name or regclass oid). */
  nextval?(seq: string | number): Promise<bigint> | bigint;
  currval?(seq: string | number): bigint;
  setval?(seq: string | number, value: bigint, isCalled: boolean): Promise<bigint> | bigint;
  /** lastval(): the value of the session's most recent nextval. */
  lastval?(): bigint;
  /** pg_get_serial_sequence(table, column) → 'public.t_id_seq' or undefined. */
  serialSequence?(table: string, column: string): string | undefined;
  /** pg_get_viewdef etc. may come later. */
}

/** What every builtin receives. The engine implements it once per session (cheap to pass). */
export interface EvalContext extends TypeEnv {
  readonly session: SessionInfo;
  readonly catalog?: CatalogInfo;
}
