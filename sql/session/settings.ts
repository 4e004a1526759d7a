// Session settings (GUCs): SET / SET LOCAL / RESET / SHOW / set_config / current_setting.
// Two layers, as PostgreSQL: session values and transaction-local values; a transaction
// that rolls back restores the session values it changed. Reported settings (GUC_REPORT)
// are queued for ParameterStatus. Owned by one Session; read by bind/exec via EvalEnv.

import { sqlError } from '../errors.js';
import { isValidTimeZone, normalizeTimeZone } from '../types/index.js';

interface SettingDef {
  /** Name as PostgreSQL spells it in SHOW and ParameterStatus. */
  readonly name: string;
  readonly initial: string;
  /** Sent as ParameterStatus at startup and on change. */
  readonly report?: boolean;
  readonly readOnly?: boolean;
  /** Validates and canonicalizes a new value; throws a SqlError when invalid. */
  readonly check?: (value: string) => string;
  readonly description?: string;
}

export const serverVersion = '16.4';
export const serverVersionNum = '160004';

function checkBool(name: string): (v: string) => string {
  return (v) => {
    const s = v.trim().toLowerCase();
    if (['on', 'true', 'yes', '1', 't', 'y'].includes(s)) return 'on';
    if (['off', 'false', 'no', '0', 'f', 'n'].includes(s)) return 'off';
    throw sqlError('22023', `parameter "${name}" requires a Boolean value`);
  };
}

function checkInt(name: string, min: number, max: number): (v: string) => string {
  return (v) => {
    const m = /^\s*(-?\d+)\s*(ms|s|min|h|d|kB|MB|GB)?\s*$/i.exec(v);
    if (m === null) throw sqlError('22023', `invalid value for parameter "${name}": "${v}"`);
    const n = Number(m[1]);
    if (n < min || n > max) {
      throw sqlError('22023', `${n} is outside the valid range for parameter "${name}" (${min} .. ${max})`);
    }
    return m[2] === undefined ? String(n) : `${n}${m[2]}`;
  };
}

function checkEnum(name: string, values: readonly string[]): (v: string) => string {
  return (v) => {
    const s = v.trim().toLowerCase();
    if (!values.includes(s)) throw sqlError('22023', `invalid value for parameter "${name}": "${v}"`);
    return s;
  };
}

function checkTimeZone(v: string): string {
  const z = v.trim();
  if (z.toLowerCase() === 'local' || z.toLowerCase() === 'default') return 'UTC';
  const n = normalizeTimeZone(z);
  if (n === undefined || !isValidTimeZone(n)) throw sqlError('22023', `invalid value for parameter "TimeZone": "${v}"`);
  return n;
}

function checkEncoding(v: string): string {
  const s = v.trim().toUpperCase().replace(/[-_]/g, '');
  if (s === 'UTF8' || s === 'UNICODE') return 'UTF8';
  if (s === 'SQLASCII') return 'SQL_ASCII';
  throw sqlError('0A000', `encoding "${v}" is not supported; only UTF8 is`);
}

function checkDateStyle(v: string): string {
  const parts = v.split(',').map((p) => p.trim().toLowerCase());
  let style = 'ISO';
  let order = 'MDY';
  for (const p of parts) {
    if (p === 'iso') style = 'ISO';
    else if (p === 'mdy' || p === 'us' || p === 'noneuropean') order = 'MDY';
    else if (p === 'dmy' || p === 'euro' || p === 'european') order = 'DMY';
    else if (p === 'ymd') order = 'YMD';
    else if (p === 'sql' || p === 'postgres' || p === 'german') {
      throw sqlError('0A000', `DateStyle "${p}" is not supported; only ISO output is`);
    } else throw sqlError('22023', `invalid value for parameter "DateStyle": "${v}"`);
  }
  return `${style}, ${order}`;
}

const isolationLevels = ['serializable', 'repeatable read', 'read committed', 'read uncommitted'];

const DEFS: readonly SettingDef[] = [
  { name: 'application_name', initial: '', report: true },
  { name: 'client_encoding', initial: 'UTF8', report: true, check: checkEncoding },
  { name: 'DateStyle', initial: 'ISO, MDY', report: true, check: checkDateStyle },
  { name: 'IntervalStyle', initial: 'postgres', report: true, check: checkEnum('IntervalStyle', ['postgres']) },
  { name: 'TimeZone', initial: 'UTC', report: true, check: checkTimeZone },
  { name: 'integer_datetimes', initial: 'on', report: true, readOnly: true },
  { name: 'is_superuser', initial: 'on', report: true, readOnly: true },
  { name: 'server_encoding', initial: 'UTF8', report: true, readOnly: true },
  { name: 'server_version', initial: serverVersion, report: true, readOnly: true },
  { name: 'server_version_num', initial: serverVersionNum, readOnly: true },
  { name: 'session_authorization', initial: '', report: true },
  { name: 'standard_conforming_strings', initial: 'on', report: true, check: checkEnum('standard_conforming_strings', ['on']) },
  { name: 'default_transaction_read_only', initial: 'off', report: true, check: checkBool('default_transaction_read_only') },
  { name: 'in_hot_standby', initial: 'off', report: true, readOnly: true },
  { name: 'search_path', initial: '"$user", public' },
  { name: 'extra_float_digits', initial: '1', check: checkInt('extra_float_digits', -15, 3) },
  { name: 'statement_timeout', initial: '0', check: checkInt('statement_timeout', 0, 2147483647) },
  { name: 'lock_timeout', initial: '0', check: checkInt('lock_timeout', 0, 2147483647) },
  { name: 'idle_in_transaction_session_timeout', initial: '0', check: checkInt('idle_in_transaction_session_timeout', 0, 2147483647) },
  { name: 'idle_session_timeout', initial: '0', check: checkInt('idle_session_timeout', 0, 2147483647) },
  { name: 'default_transaction_isolation', initial: 'serializable', check: checkEnum('default_transaction_isolation', isolationLevels) },
  { name: 'transaction_isolation', initial: 'serializable', check: checkEnum('transaction_isolation', isolationLevels) },
  { name: 'transaction_read_only', initial: 'off', check: checkBool('transaction_read_only') },
  { name: 'default_transaction_deferrable', initial: 'off', check: checkBool('default_transaction_deferrable') },
  { name: 'transaction_deferrable', initial: 'off', check: checkBool('transaction_deferrable') },
  { name: 'client_min_messages', initial: 'notice', check: checkEnum('client_min_messages', ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'debug', 'log', 'notice', 'warning', 'error', 'info']) },
  { name: 'max_identifier_length', initial: '63', readOnly: true },
  { name: 'max_index_keys', initial: '32', readOnly: true },
  { name: 'block_size', initial: '8192', readOnly: true },
  { name: 'max_connections', initial: '100', readOnly: true },
  { name: 'bytea_output', initial: 'hex', check: checkEnum('bytea_output', ['hex']) },
  { name: 'escape_string_warning', initial: 'on', check: checkBool('escape_string_warning') },
  { name: 'synchronous_commit', initial: 'on' },
  { name: 'work_mem', initial: '4MB' },
  { name: 'maintenance_work_mem', initial: '64MB' },
  { name: 'lc_messages', initial: 'C' },
  { name: 'lc_monetary', initial: 'C' },
  { name: 'lc_numeric', initial: 'C' },
  { name: 'lc_time', initial: 'C' },
  { name: 'lc_collate', initial: 'C', readOnly: true },
  { name: 'lc_ctype', initial: 'C', readOnly: true },
  { name: 'row_security', initial: 'on', check: checkBool('row_security') },
  { name: 'jit', initial: 'off', check: checkBool('jit') },
  { name: 'xmloption', initial: 'content' },
  { name: 'password_encryption', initial: 'scram-sha-256' },
  { name: 'ssl', initial: 'off', readOnly: true },
  { name: 'check_function_bodies', initial: 'on', check: checkBool('check_function_bodies') },
  { name: 'default_tablespace', initial: '' },
  { name: 'temp_tablespaces', initial: '' },
  { name: 'default_table_access_method', initial: 'heap' },
  { name: 'session_replication_role', initial: 'origin' },
  { name: 'timezone_abbreviations', initial: 'Default' },
  { name: 'lo_compat_privileges', initial: 'off' },
  { name: 'quote_all_identifiers', initial: 'off', check: checkBool('quote_all_identifiers') },
  { name: 'array_nulls', initial: 'on', check: checkBool('array_nulls') },
  { name: 'backslash_quote', initial: 'safe_encoding' },
  { name: 'geqo', initial: 'on', check: checkBool('geqo') },
  { name: 'random_page_cost', initial: '4' },
  { name: 'seq_page_cost', initial: '1' },
  { name: 'effective_cache_size', initial: '4GB' },
  { name: 'max_parallel_workers_per_gather', initial: '2' },
  { name: 'tcp_keepalives_idle', initial: '0' },
  { name: 'enable_seqscan', initial: 'on', check: checkBool('enable_seqscan') },
  { name: 'enable_indexscan', initial: 'on', check: checkBool('enable_indexscan') },
  { name: 'enable_hashjoin', initial: 'on', check: checkBool('enable_hashjoin') },
  { name: 'enable_mergejoin', initial: 'on', check: checkBool('enable_mergejoin') },
  { name: 'enable_nestloop', initial: 'on', check: checkBool('enable_nestloop') },
  { name: 'enable_bitmapscan', initial: 'on', check: checkBool('enable_bitmapscan') },
  { name: 'enable_sort', initial: 'on', check: checkBool('enable_sort') },
  { name: 'log_statement', initial: 'none' },
  { name: 'log_min_duration_statement', initial: '-1' },
  { name: 'track_io_timing', initial: 'off' },
  { name: 'data_directory_mode', initial: '0700', readOnly: true },
  { name: 'wal_level', initial: 'replica', readOnly: true },
  { name: 'max_wal_senders', initial: '0', readOnly: true },
  { name: 'default_text_search_config', initial: 'pg_catalog.english' },
];

const BY_KEY = new Map<string, SettingDef>(DEFS.map((d) => [d.name.toLowerCase(), d]));

/** Lower-cased keys of the settings reported by ParameterStatus at startup. */
export function reportedSettingNames(): readonly string[] {
  return DEFS.filter((d) => d.report === true).map((d) => d.name);
}

export interface ShowRow {
  readonly name: string;
  readonly setting: string;
  readonly description: string;
}

/** Per-session settings store. */
export class Settings {
  private readonly session = new Map<string, string>();
  private readonly local = new Map<string, string>();
  /** Session values as they were before the current transaction first changed them. */
  private txnUndo: Map<string, string | undefined> | null = null;
  private readonly changedReported = new Set<string>();
  /** Bumped on every change; caches derived from settings (search path, time zone) compare it. */
  version = 0;

  constructor(initial: Readonly<Record<string, string>>) {
    for (const [k, v] of Object.entries(initial)) {
      const key = k.toLowerCase();
      const def = BY_KEY.get(key);
      if (def === undefined && !key.includes('.')) continue; // unknown startup options are ignored
      try {
        this.session.set(key, def?.check ? def.check(v) : v);
      } catch {
        // A bad startup value keeps the default, as PostgreSQL does for most GUCs.
      }
    }
  }

  /** Current value; throws 42704 for unknown names unless missingOk. */
  get(name: string, missingOk = false): string | null {
    const key = name.toLowerCase();
    const v = this.local.get(key) ?? this.session.get(key);
    if (v !== undefined) return v;
    const def = BY_KEY.get(key);
    if (def !== undefined) return def.initial;
    if (missingOk) return null;
    throw sqlError('42704', `unrecognized configuration parameter "${name}"`);
  }

  /** SET [LOCAL] name = value (value null: RESET / SET ... TO DEFAULT). */
  set(name: string, value: string | null, isLocal: boolean, inTxn: boolean): void {
    const key = name.toLowerCase();
    const def = BY_KEY.get(key);
    if (def === undefined && !key.includes('.')) {
      throw sqlError('42704', `unrecognized configuration parameter "${name}"`);
    }
    if (def?.readOnly === true) {
      throw sqlError('55P02', `parameter "${def.name}" cannot be changed`);
    }
    const canonical = value === null ? null : def?.check ? def.check(value) : value;
    if (isLocal) {
      if (!inTxn) return; // PostgreSQL warns and ignores SET LOCAL outside a transaction block
      this.local.set(key, canonical ?? this.session.get(key) ?? def?.initial ?? '');
    } else {
      if (inTxn) {
        if (this.txnUndo === null) this.txnUndo = new Map();
        if (!this.txnUndo.has(key)) this.txnUndo.set(key, this.session.get(key));
      }
      this.local.delete(key);
      if (canonical === null) this.session.delete(key);
      else this.session.set(key, canonical);
    }
    this.version++;
    if (def?.report === true) this.changedReported.add(key);
  }

  /** RESET ALL. */
  resetAll(inTxn: boolean): void {
    for (const key of [...this.session.keys()]) {
      if (BY_KEY.get(key)?.readOnly === true) continue;
      this.set(key, null, false, inTxn);
    }
  }

  /** End of a transaction: local values go; a rollback also undoes session-level SETs. */
  endTxn(committed: boolean): void {
    for (const key of this.local.keys()) if (BY_KEY.get(key)?.report === true) this.changedReported.add(key);
    if (this.local.size > 0) this.version++;
    this.local.clear();
    if (!committed && this.txnUndo !== null) {
      for (const [key, prev] of this.txnUndo) {
        if (prev === undefined) this.session.delete(key);
        else this.session.set(key, prev);
        if (BY_KEY.get(key)?.report === true) this.changedReported.add(key);
      }
      this.version++;
    }
    this.txnUndo = null;
  }

  /** Reported settings changed since the last call, with their current values. */
  takeReportedChanges(): Array<[string, string]> {
    if (this.changedReported.size === 0) return [];
    const out: Array<[string, string]> = [];
    for (const key of this.changedReported) out.push([BY_KEY.get(key)!.name, this.get(key)!]);
    this.changedReported.clear();
    return out;
  }

  /** Display name of a setting (SHOW's column name), or the name as written for custom ones. */
  displayName(name: string): string {
    return BY_KEY.get(name.toLowerCase())?.name ?? name;
  }

  showAll(): ShowRow[] {
    const rows: ShowRow[] = DEFS.map((d) => ({ name: d.name, setting: this.get(d.name)!, description: d.description ?? '' }));
    for (const key of this.session.keys()) {
      if (!BY_KEY.has(key)) rows.push({ name: key, setting: this.get(key)!, description: '' });
    }
    rows.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
    return rows;
  }

  /** ParameterStatus pairs for the startup sequence. */
  reportedValues(): Array<[string, string]> {
    return DEFS.filter((d) => d.report === true).map((d) => [d.name, this.get(d.name)!]);
  }

  /** search_path as a list of schema names ("$user" resolved to `user`). */
  searchPath(user: string): string[] {
    const raw = this.get('search_path')!;
    const out: string[] = [];
    for (const part of raw.split(',')) {
      let s = part.trim();
      if (s === '') continue;
      if (s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).replace(/""/g, '"');
      else s = s.toLowerCase();
      out.push(s === '$user' ? user : s);
    }
    return out;
  }
}
