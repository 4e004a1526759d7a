// sql/parse: the only importer of libpg-query. Turns SQL text into PostgreSQL's own parse
// trees (one per statement), caches them by text, and maps syntax errors to 42601 with
// PostgreSQL's 1-based character position. Called by sql/session (and sql/index at startup).

import { loadModule, parseSync, scanSync } from 'libpg-query';
import type { Node } from 'libpg-query';
import { sqlError, SqlError } from '../errors.js';
import { buildShoalStatement, isShoalSegment, splitTokens } from './shoal.js';

export type * from 'libpg-query';
export { shoalStmtOf } from './shoal.js';
export type { ShoalStmt, IndexTarget, QualifiedName } from './shoal.js';

/** One statement of a (possibly multi-statement) query string. */
export interface ParsedStatement {
  /** The statement's parse tree, e.g. `{ SelectStmt: {...} }`. */
  readonly ast: Node;
  /** The statement's own text (without the separating semicolon). */
  readonly text: string;
  /** Byte offset of the statement in the whole query string (libpg-query locations are relative to it too). */
  readonly byteOffset: number;
}

/** Bound on cached query texts; least recently used entries go first. */
export const parseCacheEntriesMax = 2000;
/** Texts longer than this are parsed but not cached (bulk INSERTs would flush the cache). */
export const parseCacheTextCharsMax = 4096;

let loaded: Promise<void> | null = null;

/** Loads the WebAssembly parser once; every server awaits it before taking sessions. */
export function initParser(): Promise<void> {
  if (loaded === null) loaded = loadModule();
  return loaded;
}

const cache = new Map<string, readonly ParsedStatement[]>();

/**
 * Parses `sql` into its statements (empty array for an empty or comment-only string).
 * Results are shared and must be treated as immutable.
 */
export function parseSql(sql: string): readonly ParsedStatement[] {
  const hit = cache.get(sql);
  if (hit !== undefined) {
    // Refresh recency: Map iteration order is insertion order.
    cache.delete(sql);
    cache.set(sql, hit);
    return hit;
  }
  const stmts = parseUncached(sql);
  if (sql.length <= parseCacheTextCharsMax) {
    if (cache.size >= parseCacheEntriesMax) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(sql, stmts);
  }
  return stmts;
}

interface RawStmt {
  stmt?: Node;
  stmt_location?: number;
  stmt_len?: number;
}

/**
 * Cheap pre-check for text that may hold a Shoal-only statement (ALTER … SPLIT AT, SHOW
 * RANGES; see shoal.ts): only such texts pay for a scanner pass before parsing.
 */
const SHOAL_HINT = /\b(split|ranges)\b/i;

function parseUncached(sql: string): readonly ParsedStatement[] {
  if (isBlank(sql)) return [];
  if (SHOAL_HINT.test(sql)) {
    const withShoal = parseWithShoalStatements(sql);
    if (withShoal !== null) return withShoal;
  }
  return parsePostgres(sql);
}

/** The PostgreSQL grammar over the whole text. */
function parsePostgres(sql: string): readonly ParsedStatement[] {
  let result: { stmts?: RawStmt[] };
  try {
    result = parseSync(sql) as { stmts?: RawStmt[] };
  } catch (e) {
    throw syntaxErrorOf(e, sql);
  }
  const ascii = isAscii(sql);
  const bytes = ascii ? null : Buffer.from(sql, 'utf8');
  const out: ParsedStatement[] = [];
  for (const raw of result.stmts ?? []) {
    if (raw.stmt === undefined) continue;
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len === undefined || raw.stmt_len === 0 ? (bytes ? bytes.length : sql.length) : start + raw.stmt_len;
    const text = bytes ? bytes.subarray(start, end).toString('utf8') : sql.slice(start, end);
    out.push(Object.freeze({ ast: raw.stmt, text: text.trim(), byteOffset: start }));
  }
  return Object.freeze(out);
}

/**
 * Parses a text holding at least one Shoal-only statement: the scanner splits it into
 * statements, Shoal statements become { ShoalStmt } nodes and the others go to the grammar
 * one by one. Null when there is no Shoal statement (or the scanner fails: the grammar then
 * reports the error), so every other text parses exactly as before.
 */
function parseWithShoalStatements(sql: string): readonly ParsedStatement[] | null {
  let tokens;
  try {
    tokens = scanSync(sql).tokens;
  } catch {
    return null;
  }
  const bytes = Buffer.from(sql, 'utf8');
  const segments = splitTokens(tokens, bytes.length);
  if (!segments.some(isShoalSegment)) return null;
  const errorAt = (byteOffset: number): number => charPosition(sql, byteOffset) + 1;
  const out: ParsedStatement[] = [];
  for (const seg of segments) {
    const text = bytes.subarray(seg.start, seg.end).toString('utf8');
    if (isShoalSegment(seg)) {
      const parseQuery = (from: number): Node => parseSplitQuery(bytes.subarray(from, seg.end).toString('utf8'), charPosition(sql, from), errorAt(from));
      const ast = buildShoalStatement(seg, errorAt, parseQuery);
      out.push(Object.freeze({ ast, text: text.trim(), byteOffset: seg.start }));
      continue;
    }
    for (const st of shifted(() => parsePostgres(text), charPosition(sql, seg.start))) {
      out.push(Object.freeze({ ...st, byteOffset: seg.start + st.byteOffset }));
    }
  }
  return Object.freeze(out);
}

/** The VALUES list or query after SPLIT AT: exactly one SELECT-like statement. */
function parseSplitQuery(text: string, charOffset: number, position: number): Node {
  const stmts = shifted(() => parsePostgres(text), charOffset);
  const ast = stmts[0]?.ast;
  if (stmts.length !== 1 || ast === undefined || nodeTag(ast) !== 'SelectStmt') {
    throw sqlError('42601', 'SPLIT AT expects VALUES (…) or a SELECT query', { position });
  }
  return ast;
}

/** Runs a parse of a piece of the query, moving error positions to the whole query's. */
function shifted<T>(parse: () => T, charOffset: number): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof SqlError) || e.fields.position === undefined) throw e;
    throw sqlError(e.code, e.message, { ...e.fields, position: e.fields.position + charOffset });
  }
}

function syntaxErrorOf(e: unknown, sql: string): SqlError {
  const err = e as { message?: string; sqlDetails?: { message?: string; cursorPosition?: number } };
  const message = err.sqlDetails?.message ?? err.message ?? 'syntax error';
  const cursor = err.sqlDetails?.cursorPosition;
  // libpg-query reports the cursor in characters already (0-based); statement locations are bytes.
  const fields = cursor === undefined || cursor < 0 ? {} : { position: Math.min(cursor, sql.length) + 1 };
  // The grammar reports a few non-syntax errors too (e.g. invalid escapes); keep 42601 for all.
  return sqlError('42601', message, fields);
}

/** Converts a byte offset into `sql` (UTF-8) to a 0-based character offset. */
export function charPosition(sql: string, byteOffset: number): number {
  if (isAscii(sql)) return byteOffset;
  return Buffer.from(sql, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}

function isAscii(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s);
}

/** True when the string holds only whitespace, semicolons and comments. */
function isBlank(sql: string): boolean {
  const stripped = sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
  return /^[\s;]*$/.test(stripped);
}

/** The single key of a parse-tree node (`{ SelectStmt: ... }` → 'SelectStmt'). */
export function nodeTag(node: Node): string {
  for (const k in node) return k;
  throw new Error('empty parse node');
}
