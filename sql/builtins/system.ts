// System information and administration functions that psql, drivers and ORMs call:
// version(), current_database/schema/user, format_type, pg_get_*def, *_description,
// privileges, sizes, current_setting/set_config, sequences (nextval...), pg_typeof,
// gen_random_uuid. Catalog and session facts come from the EvalContext only.

import { randomUUID } from 'node:crypto';
import { sqlError } from '../errors.js';
import { arrayOf, typeFromOid, typeName, types, withTypmod } from '../types/index.js';
import type { Datum, SqlType } from '../types/index.js';
import type { EvalContext } from './context.js';
import type { Registry, ScalarFn } from './registry.js';
import { poly } from './registry.js';
import { def } from './string.js';

const T = types;
const DEFAULT_VERSION = 'PostgreSQL 15.0 (Shoal) on x86_64-pc-linux-gnu, compiled by TypeScript, 64-bit';

function halfRounded(x: bigint): bigint {
  return (x + (x < 0n ? -1n : 1n)) / 2n;
}

/** pg_size_pretty(bigint) as PostgreSQL 15. */
export function sizePretty(bytes: bigint): string {
  const limit = 10n * 1024n, limit2 = limit * 2n - 1n;
  const abs = (v: bigint) => (v < 0n ? -v : v);
  if (abs(bytes) < limit) return `${bytes} bytes`;
  let size = bytes >> 9n;
  for (const unit of ['kB', 'MB', 'GB', 'TB']) {
    if (abs(size) < limit2 || unit === 'TB') return `${halfRounded(size)} ${unit}`;
    size >>= 10n;
  }
  return `${halfRounded(size)} PB`;
}

/** format_type(oid, typmod): NULL typmod means "no typmod given" (bpchar prints as character). */
function formatType(oid: number, typmod: number | null): string {
  const t = typeFromOid(oid);
  if (t === undefined) return '???';
  if (typmod === null && t.kind === 'bpchar') return 'character';
  return typeName(typmod === null || typmod < 0 ? t : withTypmod(t, typmod));
}

function setting(ctx: EvalContext, name: string, missingOk: boolean): Datum {
  const v = ctx.session.getSetting(name.toLowerCase());
  if (v === undefined) {
    if (missingOk) return null;
    throw sqlError('42704', `unrecognized configuration parameter "${name}"`);
  }
  return v;
}

function priv(kind: 'table' | 'schema' | 'database' | 'sequence' | 'function' | 'column'): ScalarFn {
  return (a, ctx) => {
    const object = a.length >= 3 ? a[a.length - 2]! : a[0]!;
    const privilege = a[a.length - 1] as string;
    return ctx.catalog?.hasPrivilege?.(kind, object as string | number, privilege) ?? true;
  };
}

function seqArg(d: Datum): string | number {
  return typeof d === 'number' ? d : String(d);
}

export function registerSystemFunctions(r: Registry): void {
  const stable = { volatility: 'stable' as const };
  const fixed = (name: string, ret: SqlType, f: (ctx: EvalContext) => Datum) =>
    r.addFunction({ name, args: [], ret, ...stable, fn: (_a, ctx) => f(ctx) });
  fixed('version', T.text, (ctx) => ctx.session.serverVersion ?? DEFAULT_VERSION);
  fixed('current_database', T.name, (ctx) => ctx.session.database);
  fixed('current_catalog', T.name, (ctx) => ctx.session.database);
  fixed('current_schema', T.name, (ctx) => ctx.session.searchPath?.(false)[0] ?? 'public');
  for (const n of ['current_user', 'session_user', 'user', 'current_role']) fixed(n, T.name, (ctx) => ctx.session.user);
  fixed('pg_backend_pid', T.int4, (ctx) => ctx.session.backendPid);
  fixed('pg_postmaster_start_time', T.timestamptz, (ctx) => ctx.session.serverStartMicros ?? 0n);
  fixed('pg_conf_load_time', T.timestamptz, (ctx) => ctx.session.serverStartMicros ?? 0n);
  fixed('pg_is_in_recovery', T.bool, () => false);
  fixed('pg_client_encoding', T.name, () => 'UTF8');
  fixed('inet_server_addr', T.text, () => null);
  fixed('inet_server_port', T.int4, () => null);
  fixed('inet_client_addr', T.text, () => null);
  fixed('inet_client_port', T.int4, () => null);
  fixed('pg_trigger_depth', T.int4, () => 0);
  r.addFunction({ name: 'lastval', args: [], ret: T.int8, volatility: 'volatile', fn: (_a, ctx) => {
    const f = ctx.catalog?.lastval;
    if (f === undefined) throw sqlError('55000', 'lastval is not yet defined in this session');
    return f();
  } });
  r.addFunction({ name: 'txid_current', args: [], ret: T.int8, volatility: 'volatile', fn: (_a, ctx) => ctx.session.txnId?.() ?? 1n });
  r.addFunction({ name: 'pg_current_xact_id', args: [], ret: T.int8, volatility: 'volatile', fn: (_a, ctx) => ctx.session.txnId?.() ?? 1n });
  r.addFunction({
    name: 'current_schemas', args: [T.bool], ret: arrayOf(T.name), ...stable,
    fn: (a, ctx) => {
      const path = ctx.session.searchPath?.(a[0] as boolean) ?? (a[0] ? ['pg_catalog', 'public'] : ['public']);
      return { dims: [path.length], lowerBounds: [1], elements: path };
    },
  });
  r.addFunction({ name: 'pg_get_userbyid', args: [T.oid], ret: T.name, ...stable, fn: (a, ctx) => ctx.catalog?.userNameById?.(a[0] as number) ?? (a[0] === 10 ? ctx.session.user : `unknown (OID=${a[0]})`) });
  r.addFunction({ name: 'format_type', args: [T.oid, T.int4], ret: T.text, strict: false, ...stable, fn: (a) => (a[0] === null ? null : formatType(a[0] as number, a[1] as number | null)) });
  for (const n of ['pg_table_is_visible', 'pg_type_is_visible', 'pg_function_is_visible', 'pg_opclass_is_visible', 'pg_collation_is_visible', 'pg_conversion_is_visible', 'pg_ts_config_is_visible']) {
    const kind = n === 'pg_type_is_visible' ? 'type' : 'rel';
    r.addFunction({ name: n, args: [T.oid], ret: T.bool, ...stable, fn: (a, ctx) => (kind === 'type' ? ctx.catalog?.typeIsVisible?.(a[0] as number) : ctx.catalog?.relationIsVisible?.(a[0] as number)) ?? true });
  }
  const exprDef: ScalarFn = (a, ctx) => ctx.catalog?.exprDef?.(a[0] as string, a[1] as number) ?? (a[0] as string);
  r.addFunction({ name: 'pg_get_expr', args: [T.text, T.oid], ret: T.text, ...stable, fn: exprDef });
  r.addFunction({ name: 'pg_get_expr', args: [T.text, T.oid, T.bool], ret: T.text, ...stable, fn: exprDef });
  const indexDef: ScalarFn = (a, ctx) => ctx.catalog?.indexDef?.(a[0] as number, (a[1] as number | undefined) ?? 0) ?? null;
  r.addFunction({ name: 'pg_get_indexdef', args: [T.oid], ret: T.text, ...stable, fn: indexDef });
  r.addFunction({ name: 'pg_get_indexdef', args: [T.oid, T.int4, T.bool], ret: T.text, ...stable, fn: indexDef });
  const consDef: ScalarFn = (a, ctx) => ctx.catalog?.constraintDef?.(a[0] as number) ?? null;
  r.addFunction({ name: 'pg_get_constraintdef', args: [T.oid], ret: T.text, ...stable, fn: consDef });
  r.addFunction({ name: 'pg_get_constraintdef', args: [T.oid, T.bool], ret: T.text, ...stable, fn: consDef });
  for (const n of ['pg_get_viewdef', 'pg_get_triggerdef', 'pg_get_ruledef', 'pg_get_partkeydef', 'pg_get_statisticsobjdef', 'pg_get_statisticsobjdef_columns', 'pg_get_functiondef', 'pg_get_function_arguments', 'pg_get_function_result', 'pg_get_function_identity_arguments']) {
    r.addFunction({ name: n, args: [T.oid], ret: T.text, ...stable, fn: () => null });
    r.addFunction({ name: n, args: [T.oid, T.bool], ret: T.text, ...stable, fn: () => null });
  }
  // Every Shoal table is a plain, permanent table: publishable (psql's \d asks).
  r.addFunction({ name: 'pg_relation_is_publishable', args: [T.regclass], ret: T.bool, ...stable, fn: () => true });
  r.addFunction({ name: 'obj_description', args: [T.oid, T.name], ret: T.text, ...stable, fn: (a, ctx) => ctx.catalog?.description?.(a[0] as number, a[1] as string, 0) ?? null });
  r.addFunction({ name: 'obj_description', args: [T.oid], ret: T.text, ...stable, fn: (a, ctx) => ctx.catalog?.description?.(a[0] as number, '', 0) ?? null });
  r.addFunction({ name: 'shobj_description', args: [T.oid, T.name], ret: T.text, ...stable, fn: (a, ctx) => ctx.catalog?.description?.(a[0] as number, a[1] as string, 0) ?? null });
  r.addFunction({ name: 'col_description', args: [T.oid, T.int4], ret: T.text, ...stable, fn: (a, ctx) => ctx.catalog?.description?.(a[0] as number, 'pg_class', a[1] as number) ?? null });
  def(r, 'pg_encoding_to_char', [T.int4], T.name, (e: number) => (e === 6 ? 'UTF8' : e === 0 ? 'SQL_ASCII' : ''));
  def(r, 'pg_char_to_encoding', [T.name], T.int4, (s: string) => (s.toUpperCase() === 'UTF8' ? 6 : s.toUpperCase() === 'SQL_ASCII' ? 0 : -1));
  const privKinds = [['table', T.text], ['schema', T.text], ['database', T.text], ['sequence', T.text], ['function', T.text], ['column', T.text]] as const;
  for (const [kind, objType] of privKinds) {
    const name = `has_${kind}_privilege`;
    r.addFunction({ name, args: [objType, T.text], ret: T.bool, ...stable, fn: priv(kind) });
    r.addFunction({ name, args: [T.oid, T.text], ret: T.bool, ...stable, fn: priv(kind) });
    r.addFunction({ name, args: [T.name, objType, T.text], ret: T.bool, ...stable, fn: priv(kind) });
    r.addFunction({ name, args: [T.oid, T.oid, T.text], ret: T.bool, ...stable, fn: priv(kind) });
  }
  r.addFunction({ name: 'has_column_privilege', args: [T.regclass, T.text, T.text], ret: T.bool, ...stable, fn: () => true });
  r.addFunction({ name: 'pg_has_role', args: [T.name, T.text], ret: T.bool, ...stable, fn: () => true });
  r.addFunction({ name: 'pg_has_role', args: [T.name, T.name, T.text], ret: T.bool, ...stable, fn: () => true });
  const size = (total: boolean): ScalarFn => (a, ctx) => ctx.catalog?.relationSize?.(a[0] as number, total) ?? 0n;
  for (const [n, total] of [['pg_relation_size', false], ['pg_table_size', false], ['pg_total_relation_size', true], ['pg_indexes_size', true]] as const) {
    r.addFunction({ name: n, args: [T.regclass], ret: T.int8, volatility: 'volatile', fn: size(total) });
  }
  r.addFunction({ name: 'pg_relation_size', args: [T.regclass, T.text], ret: T.int8, volatility: 'volatile', fn: size(false) });
  r.addFunction({ name: 'pg_database_size', args: [T.name], ret: T.int8, volatility: 'volatile', fn: () => 0n });
  r.addFunction({ name: 'pg_database_size', args: [T.oid], ret: T.int8, volatility: 'volatile', fn: () => 0n });
  def(r, 'pg_size_pretty', [T.int8], T.text, (b: bigint) => sizePretty(b));
  r.addFunction({ name: 'current_setting', args: [T.text], ret: T.text, ...stable, fn: (a, ctx) => setting(ctx, a[0] as string, false) });
  r.addFunction({ name: 'current_setting', args: [T.text, T.bool], ret: T.text, ...stable, fn: (a, ctx) => setting(ctx, a[0] as string, a[1] as boolean) });
  r.addFunction({ name: 'set_config', args: [T.text, T.text, T.bool], ret: T.text, volatility: 'volatile', strict: false, fn: (a, ctx) => {
    if (a[0] === null) throw sqlError('22004', 'SET requires parameter name');
    return ctx.session.setSetting((a[0] as string).toLowerCase(), (a[1] as string | null) ?? '', (a[2] as boolean | null) ?? false);
  } });
  const catalogFn = <K extends 'nextval' | 'currval'>(k: K): ScalarFn => (a, ctx) => {
    const f = ctx.catalog?.[k];
    if (f === undefined) throw sqlError('0A000', `${k} is not supported here`);
    return f(seqArg(a[0]!));
  };
  r.addFunction({ name: 'nextval', args: [T.regclass], ret: T.int8, volatility: 'volatile', async: true, fn: catalogFn('nextval') });
  r.addFunction({ name: 'currval', args: [T.regclass], ret: T.int8, volatility: 'volatile', fn: catalogFn('currval') });
  const setval: ScalarFn = (a, ctx) => {
    const f = ctx.catalog?.setval;
    if (f === undefined) throw sqlError('0A000', 'setval is not supported here');
    return f(seqArg(a[0]!), a[1] as bigint, (a[2] as boolean | undefined) ?? true);
  };
  r.addFunction({ name: 'setval', args: [T.regclass, T.int8], ret: T.int8, volatility: 'volatile', async: true, fn: setval });
  r.addFunction({ name: 'setval', args: [T.regclass, T.int8, T.bool], ret: T.int8, volatility: 'volatile', async: true, fn: setval });
  r.addFunction({ name: 'pg_get_serial_sequence', args: [T.text, T.text], ret: T.text, ...stable, fn: (a, ctx) => ctx.catalog?.serialSequence?.(a[0] as string, a[1] as string) ?? null });
  r.addFunction({ name: 'pg_typeof', args: [poly.any], ret: T.regtype, strict: false, ...stable, make: (ts) => () => ts[0]!.oid });
  r.addFunction({ name: 'pg_column_size', args: [poly.any], ret: T.int4, ...stable, make: () => (a) => {
    const d = a[0]!;
    return typeof d === 'string' ? Buffer.byteLength(d) + 1 : Buffer.isBuffer(d) ? d.length + 1 : typeof d === 'bigint' ? 8 : 4;
  } });
  r.addFunction({ name: 'gen_random_uuid', args: [], ret: T.uuid, volatility: 'volatile', fn: () => randomUUID() });
  r.addFunction({ name: 'uuid_generate_v4', args: [], ret: T.uuid, volatility: 'volatile', fn: () => randomUUID() });
  r.addFunction({ name: 'num_nulls', args: [], variadic: poly.any, ret: T.int4, strict: false, fn: (a) => a.filter((x) => x === null).length });
  r.addFunction({ name: 'num_nonnulls', args: [], variadic: poly.any, ret: T.int4, strict: false, fn: (a) => a.filter((x) => x !== null).length });
  r.addFunction({ name: 'pg_sleep', args: [T.float8], ret: T.void, volatility: 'volatile', fn: () => null });
  for (const n of ['pg_cancel_backend', 'pg_terminate_backend']) r.addFunction({ name: n, args: [T.int4], ret: T.bool, volatility: 'volatile', fn: () => false });
  for (const n of ['pg_advisory_lock', 'pg_advisory_xact_lock', 'pg_advisory_unlock_all']) {
    r.addFunction({ name: n, args: n === 'pg_advisory_unlock_all' ? [] : [T.int8], ret: T.void, volatility: 'volatile', fn: () => null });
  }
  for (const n of ['pg_try_advisory_lock', 'pg_try_advisory_xact_lock', 'pg_advisory_unlock']) {
    r.addFunction({ name: n, args: [T.int8], ret: T.bool, volatility: 'volatile', fn: () => true });
  }
  r.addFunction({ name: 'pg_tablespace_location', args: [T.oid], ret: T.text, ...stable, fn: () => '' });
  r.addFunction({ name: 'pg_jit_available', args: [], ret: T.bool, ...stable, fn: () => false });
}
