// Runs one statement on one server with node-postgres and records what the server sent,
// as raw text: command tag, columns (name, type OID), rows, or the error's SQLSTATE and
// message. Also compares two outcomes. Used by differential.test.ts for Shoal and for
// PostgreSQL alike, so both sides are observed through exactly the same client code.

import pg from 'pg';
import type { Statement } from './script.js';

export type Protocol = 'simple' | 'extended';

export interface Column {
  readonly name: string;
  readonly typeOid: number;
}

export type Outcome =
  | {
      readonly kind: 'ok';
      readonly tag: string;
      readonly rowCount: number | null;
      readonly columns: readonly Column[];
      readonly rows: readonly (readonly (string | null)[])[];
    }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }
  /** The client failed without an ErrorResponse: connection lost, timeout, protocol error. */
  | { readonly kind: 'broken'; readonly message: string };

const statementTimeoutMs = 15_000;
const connectTimeoutMs = 10_000;

/** Rejects when `p` has not settled after `ms`; a hung server must not hang the suite. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A pg client that returns every value as the text the server sent. */
export interface DiffClient {
  readonly client: pg.Client;
  /** Tag of the last CommandComplete message ("INSERT 0 3", "CREATE TABLE"). */
  lastTag: string;
  broken: boolean;
}

const rawText = { getTypeParser: () => (v: string) => v };

export async function openClient(config: pg.ClientConfig): Promise<DiffClient> {
  const client = new pg.Client({
    connectionTimeoutMillis: connectTimeoutMs,
    ...config,
    types: rawText as unknown as pg.CustomTypesConfig,
  });
  const dc: DiffClient = { client, lastTag: '', broken: false };
  client.on('error', () => {
    dc.broken = true;
  });
  // pg parses the tag into command + rowCount and drops the rest ("CREATE TABLE" → "CREATE").
  const conn = client.connection as unknown as { on(ev: string, fn: (msg: { text: string }) => void): void };
  conn.on('commandComplete', (msg) => {
    dc.lastTag = msg.text;
  });
  try {
    await withTimeout(client.connect(), connectTimeoutMs + 1000, 'connect');
  } catch (err) {
    await closeClient(dc);
    throw err;
  }
  return dc;
}

export async function closeClient(dc: DiffClient): Promise<void> {
  try {
    await withTimeout(dc.client.end(), 2000, 'disconnect');
  } catch {
    // Already closed, or the server hangs: drop the socket so the process can exit.
    const conn = dc.client.connection as unknown as { stream?: { destroy(): void } };
    conn.stream?.destroy();
  }
}

interface PgError {
  code?: string;
  message: string;
  severity?: string;
}

export async function runStatement(dc: DiffClient, stmt: Statement, protocol: Protocol): Promise<Outcome> {
  if (dc.broken) return { kind: 'broken', message: 'connection already broken' };
  dc.lastTag = '';
  const config: pg.QueryArrayConfig = { text: stmt.sql, rowMode: 'array' };
  if (stmt.params !== null) config.values = [...stmt.params];
  if (protocol === 'extended') (config as { queryMode?: string }).queryMode = 'extended';
  try {
    const res = await withTimeout(dc.client.query(config), statementTimeoutMs, 'statement');
    const columns = (res.fields ?? []).map((f) => ({ name: f.name, typeOid: f.dataTypeID }));
    const rows = (res.rows as unknown[][]).map((r) => r.map((v) => (v === null ? null : String(v))));
    return { kind: 'ok', tag: dc.lastTag, rowCount: res.rowCount, columns, rows };
  } catch (err) {
    const e = err as PgError;
    if (typeof e.code === 'string' && e.severity !== undefined) return { kind: 'error', code: e.code, message: e.message };
    dc.broken = true;
    return { kind: 'broken', message: e.message };
  }
}

function sortedRows(rows: readonly (readonly (string | null)[])[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** The differences between Shoal's outcome and PostgreSQL's, as short lines; empty if equal. */
export function compareOutcomes(stmt: Statement, shoal: Outcome, postgres: Outcome): string[] {
  if (shoal.kind !== postgres.kind || shoal.kind === 'broken' || postgres.kind === 'broken') {
    return [`shoal: ${describeOutcome(shoal)}`, `postgres: ${describeOutcome(postgres)}`];
  }
  if (shoal.kind === 'error' && postgres.kind === 'error') {
    const diffs: string[] = [];
    if (shoal.code !== postgres.code) diffs.push(`sqlstate: shoal ${shoal.code}, postgres ${postgres.code}`);
    if (!stmt.ignoreMessage && shoal.message !== postgres.message) {
      diffs.push(`message: shoal ${JSON.stringify(shoal.message)}, postgres ${JSON.stringify(postgres.message)}`);
    }
    return diffs;
  }
  if (shoal.kind !== 'ok' || postgres.kind !== 'ok') throw new Error('unreachable');
  const diffs: string[] = [];
  if (shoal.tag !== postgres.tag) diffs.push(`tag: shoal ${JSON.stringify(shoal.tag)}, postgres ${JSON.stringify(postgres.tag)}`);
  if (shoal.rowCount !== postgres.rowCount) diffs.push(`rowCount: shoal ${shoal.rowCount}, postgres ${postgres.rowCount}`);
  const cols = (o: typeof shoal) => o.columns.map((c) => `${c.name}:${c.typeOid}`).join(', ');
  if (cols(shoal) !== cols(postgres)) diffs.push(`columns: shoal [${cols(shoal)}], postgres [${cols(postgres)}]`);
  const a = stmt.rowsort ? sortedRows(shoal.rows) : shoal.rows.map((r) => JSON.stringify(r));
  const b = stmt.rowsort ? sortedRows(postgres.rows) : postgres.rows.map((r) => JSON.stringify(r));
  if (a.join('\n') !== b.join('\n')) diffs.push(...rowDiff(a, b));
  return diffs;
}

const rowDiffLinesMax = 8;

/** The first differing rows, then counts; enough to see the pattern without a wall of text. */
function rowDiff(shoal: string[], postgres: string[]): string[] {
  const out = [`rows: shoal ${shoal.length}, postgres ${postgres.length}`];
  const n = Math.max(shoal.length, postgres.length);
  for (let i = 0; i < n && out.length <= rowDiffLinesMax; i++) {
    if (shoal[i] !== postgres[i]) out.push(`  row ${i + 1}: shoal ${shoal[i] ?? '(none)'}, postgres ${postgres[i] ?? '(none)'}`);
  }
  return out;
}

export function describeOutcome(o: Outcome): string {
  if (o.kind === 'broken') return `client failure: ${o.message}`;
  if (o.kind === 'error') return `ERROR ${o.code}: ${o.message}`;
  const head = `${o.tag} [${o.columns.map((c) => `${c.name}:${c.typeOid}`).join(', ')}]`;
  const rows = o.rows.slice(0, 3).map((r) => JSON.stringify(r));
  return [head, ...rows, ...(o.rows.length > 3 ? [`… ${o.rows.length} rows`] : [])].join(' ');
}
