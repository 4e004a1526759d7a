// COPY: FROM STDIN (text and csv, HEADER / DELIMITER / NULL / QUOTE / ESCAPE options) and
// TO STDOUT (a table or a query). Incoming rows are inserted in batches through a prepared
// multi-row INSERT, so defaults, constraints and index maintenance are exactly INSERT's.
// Called by the session for CopyStmt.

import { sqlError } from '../errors.js';
import { parseSql } from '../parse/index.js';
import type { CopyStmt, Node } from '../parse/index.js';
import { quoteIdent } from '../catalog/index.js';
import { formatText, parseText } from '../types/index.js';
import type { Datum } from '../types/index.js';
import type { ResultSink } from './api.js';
import type { SqlSession } from './session.js';

/** Rows per INSERT batch while copying in. */
export const copyBatchRows = 1000;
/** Longest line accepted from a COPY stream (bytes). */
export const copyLineBytesMax = 64 * 1024 * 1024;

interface CopyOptions {
  readonly csv: boolean;
  readonly header: boolean;
  readonly delimiter: string;
  readonly nullString: string;
  readonly quote: string;
  readonly escape: string;
}

function optionsOf(list: readonly Node[] | undefined): CopyOptions {
  let csv = false;
  let header = false;
  let delimiter: string | null = null;
  let nullString: string | null = null;
  let quote = '"';
  let escape: string | null = null;
  for (const o of list ?? []) {
    const d = (o as { DefElem?: { defname?: string; arg?: Node } }).DefElem;
    if (d === undefined) continue;
    const arg = d.arg === undefined ? 'true' : argString(d.arg);
    switch (d.defname) {
      case 'format':
        if (arg === 'binary') throw sqlError('0A000', 'COPY BINARY is not supported');
        if (arg !== 'csv' && arg !== 'text') throw sqlError('22023', `COPY format "${arg}" not recognized`);
        csv = arg === 'csv';
        break;
      case 'header':
        header = !['false', 'off', '0'].includes(arg.toLowerCase());
        break;
      case 'delimiter':
        if (arg.length !== 1) throw sqlError('22023', 'COPY delimiter must be a single one-byte character');
        delimiter = arg;
        break;
      case 'null':
        nullString = arg;
        break;
      case 'quote':
        quote = arg;
        break;
      case 'escape':
        escape = arg;
        break;
      case 'freeze':
      case 'encoding':
      case 'force_not_null':
      case 'force_null':
      case 'force_quote':
        break;
      default:
        throw sqlError('42601', `option "${d.defname}" not recognized`);
    }
  }
  return {
    csv,
    header,
    delimiter: delimiter ?? (csv ? ',' : '\t'),
    nullString: nullString ?? (csv ? '' : '\\N'),
    quote,
    escape: escape ?? quote,
  };
}

function argString(n: Node): string {
  const s = (n as { String?: { sval?: string } }).String;
  if (s !== undefined) return s.sval ?? '';
  const i = (n as { Integer?: { ival?: number } }).Integer;
  if (i !== undefined) return String(i.ival ?? 0);
  const b = (n as { Boolean?: { boolval?: boolean } }).Boolean;
  if (b !== undefined) return b.boolval === true ? 'true' : 'false';
  return 'true';
}

export async function runCopy(s: SqlSession, ast: Node, sink: ResultSink): Promise<void> {
  const c = (ast as { CopyStmt: CopyStmt }).CopyStmt;
  if (c.filename !== undefined || c.is_program === true) {
    throw sqlError('42501', 'COPY to or from a file is not supported; use STDIN/STDOUT');
  }
  const opts = optionsOf(c.options);
  if (c.is_from === true) return copyIn(s, c, opts, sink);
  return copyOut(s, c, opts, sink);
}

function tableName(c: CopyStmt): string {
  const rel = c.relation!;
  return rel.schemaname === undefined ? quoteIdent(rel.relname ?? '') : `${quoteIdent(rel.schemaname)}.${quoteIdent(rel.relname ?? '')}`;
}

function attList(c: CopyStmt): string[] {
  return (c.attlist ?? []).map((n) => (n as { String?: { sval?: string } }).String?.sval ?? '');
}

// ---------------------------------------------------------------- COPY FROM STDIN

async function copyIn(s: SqlSession, c: CopyStmt, opts: CopyOptions, sink: ResultSink): Promise<void> {
  if (c.relation === undefined) throw sqlError('42601', 'COPY FROM requires a table');
  const table = tableName(c);
  // Learn the target columns (and their types) from a one-row INSERT's plan.
  let cols = attList(c);
  if (cols.length === 0) {
    const probe = await s.planFor(parseSql(`SELECT * FROM ${table}`)[0]!.ast, `SELECT * FROM ${table}`, []);
    cols = probe.cols!.map((col) => col.name);
  }
  const colList = cols.map(quoteIdent).join(', ');
  const types = await columnTypes(s, table, cols);
  const stmtFor = async (rows: number): Promise<import('./plancache.js').CachedPlan> => {
    const values: string[] = [];
    for (let r = 0; r < rows; r++) values.push(`(${cols.map((_, k) => `$${r * cols.length + k + 1}`).join(', ')})`);
    const sql = `INSERT INTO ${table} (${colList}) VALUES ${values.join(', ')}`;
    const parsed = parseSql(sql)[0]!;
    return s.planFor(parsed.ast, sql, Array.from({ length: rows * cols.length }, (_, i) => types[i % cols.length]!));
  };
  const full = await stmtFor(copyBatchRows);
  let pending: Datum[] = [];
  let count = 0;
  const flushRows = async (): Promise<void> => {
    const n = pending.length / cols.length;
    if (n === 0) return;
    const plan = n === copyBatchRows ? full : await stmtFor(n);
    await s.execPlan(plan, pending, [], 0, sink, null);
    pending = [];
    // One macrotask turn per batch: buffered input and KV calls may never leave the
    // microtask queue, and other sessions, /health and cancel requests must get a turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
    s.checkCancel();
  };
  let lineNo = 0;
  const stream = sink.copyIn({ format: 0, columnFormats: cols.map(() => 0 as const) });
  for await (const record of records(stream, opts)) {
    lineNo++;
    if (lineNo === 1 && opts.header) continue;
    if (record.length !== cols.length) {
      throw sqlError('22P04', record.length < cols.length ? `missing data for column "${cols[record.length]}"` : 'extra data after last expected column', {
        detail: `COPY ${c.relation.relname}, line ${lineNo}`,
      });
    }
    for (let k = 0; k < record.length; k++) {
      const f = record[k]!;
      pending.push(f === null ? null : parseText(types[k]!, f, s.evalCtx));
    }
    count++;
    if (pending.length >= copyBatchRows * cols.length) await flushRows();
  }
  await flushRows();
  sink.commandComplete(`COPY ${count}`);
}

async function columnTypes(s: SqlSession, table: string, cols: readonly string[]): Promise<import('../types/index.js').SqlType[]> {
  const sql = `SELECT ${cols.map(quoteIdent).join(', ')} FROM ${table}`;
  const plan = await s.planFor(parseSql(sql)[0]!.ast, sql, []);
  return plan.cols!.map((col) => ({ ...col.type, typmod: -1 }));
}

/** Splits the COPY stream into records of fields (null = SQL NULL). */
async function* records(stream: AsyncIterable<Buffer>, opts: CopyOptions): AsyncGenerator<(string | null)[]> {
  let carry = '';
  let ended = false;
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream) {
    // After the end-of-data marker the stream is drained (to CopyDone) but ignored.
    if (ended) continue;
    carry += decoder.decode(chunk, { stream: true });
    if (carry.length > copyLineBytesMax) throw sqlError('54000', 'COPY line is too long');
    let start = 0;
    for (;;) {
      const end = opts.csv ? csvRecordEnd(carry, start, opts.quote) : carry.indexOf('\n', start);
      if (end < 0) break;
      let line = carry.slice(start, end);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      start = end + 1;
      if (line === '\\.') {
        ended = true; // end-of-data marker
        break;
      }
      yield opts.csv ? csvFields(line, opts) : textFields(line, opts);
    }
    carry = ended ? '' : carry.slice(start);
  }
  if (ended) return;
  carry += decoder.decode();
  if (carry.length > 0) {
    const line = carry.endsWith('\r') ? carry.slice(0, -1) : carry;
    if (line === '\\.') return;
    yield opts.csv ? csvFields(line, opts) : textFields(line, opts);
  }
}

/** Index of the newline ending the CSV record at `start` (quoted newlines skipped), or -1. */
function csvRecordEnd(s: string, start: number, quote: string): number {
  let inQuote = false;
  for (let i = start; i < s.length; i++) {
    const ch = s[i];
    if (ch === quote) inQuote = !inQuote;
    else if (ch === '\n' && !inQuote) return i;
  }
  return -1;
}

function textFields(line: string, opts: CopyOptions): (string | null)[] {
  return line.split(opts.delimiter).map((raw) => (raw === opts.nullString ? null : unescapeText(raw)));
}

function unescapeText(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return /^[0-7]+$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e;
    }
  });
}

function csvFields(line: string, opts: CopyOptions): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    let quoted = false;
    while (i < line.length && line[i] !== opts.delimiter) {
      const ch = line[i]!;
      if (ch === opts.quote) {
        quoted = true;
        i++;
        while (i < line.length) {
          if (line[i] === opts.escape && line[i + 1] === opts.quote) {
            value += opts.quote;
            i += 2;
          } else if (line[i] === opts.quote) {
            i++;
            break;
          } else value += line[i++];
        }
      } else {
        value += ch;
        i++;
      }
    }
    out.push(!quoted && value === opts.nullString ? null : value);
    if (i >= line.length) break;
    i++; // delimiter
  }
  return out;
}

// ---------------------------------------------------------------- COPY TO STDOUT

async function copyOut(s: SqlSession, c: CopyStmt, opts: CopyOptions, sink: ResultSink): Promise<void> {
  let sql: string;
  let ast: Node;
  if (c.query !== undefined) {
    ast = c.query;
    sql = `COPY-QUERY:${JSON.stringify(c.query)}`;
  } else {
    const cols = attList(c);
    sql = `SELECT ${cols.length === 0 ? '*' : cols.map(quoteIdent).join(', ')} FROM ${tableName(c)}`;
    ast = parseSql(sql)[0]!.ast;
  }
  const plan = await s.planFor(ast, sql, []);
  const cols = plan.cols ?? [];
  sink.copyOutStart({ format: 0, columnFormats: cols.map(() => 0 as const) });
  if (opts.header) sink.copyData(cols.map((col) => (opts.csv ? csvQuote(col.name, opts, false) : col.name)).join(opts.delimiter) + '\n');
  const cursor = plan.exec.open(s.newExecContext([]));
  let n = 0;
  let chunk = '';
  try {
    for (let row = await cursor.next(); row !== null; row = await cursor.next()) {
      const fields = cols.map((col, k) => {
        const d = row[k] ?? null;
        if (d === null) return opts.nullString;
        const text = formatText(col.type, d, s.evalCtx);
        return opts.csv ? csvQuote(text, opts, true) : escapeText(text, opts.delimiter);
      });
      chunk += fields.join(opts.delimiter) + '\n';
      n++;
      if (chunk.length >= 64 * 1024) {
        sink.copyData(chunk);
        chunk = '';
        await sink.drain();
      }
    }
  } finally {
    cursor.close();
  }
  if (chunk.length > 0) sink.copyData(chunk);
  sink.copyDone();
  sink.commandComplete(`COPY ${n}`);
}

function escapeText(s: string, delimiter: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t' && delimiter === '\t') out += '\\t';
    else if (ch === delimiter) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function csvQuote(s: string, opts: CopyOptions, isValue: boolean): string {
  const needs = s.includes(opts.delimiter) || s.includes(opts.quote) || s.includes('\n') || s.includes('\r') || (isValue && s === opts.nullString);
  if (!needs) return s;
  return opts.quote + s.split(opts.quote).join(opts.escape + opts.quote) + opts.quote;
}
