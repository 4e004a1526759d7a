// Shoal-only statements that PostgreSQL's grammar cannot parse (CockroachDB's range
// statements), recognized on the token stream of libpg-query's own scanner, so quoting,
// comments and dollar strings follow PostgreSQL's rules. Called by sql/parse/index.ts; the
// resulting { ShoalStmt } node is dispatched by sql/session (ranges.ts).

import type { Node, ScanToken } from 'libpg-query';
import { sqlError } from '../errors.js';

// The statements:
//
//   ALTER TABLE [IF EXISTS] [schema.]table SPLIT AT <query>
//   ALTER INDEX [schema.]table@index SPLIT AT <query>      (@primary: the primary index)
//   ALTER INDEX [schema.]index SPLIT AT <query>
//   SHOW RANGES
//   SHOW RANGES FROM TABLE [schema.]table
//   SHOW RANGES FROM INDEX [schema.]table@index | [schema.]index
//
// <query> is VALUES (…), (…) or any SELECT, parsed by the real grammar. The recognizer is
// strict: a statement commits to this path only once it reads `ALTER TABLE|INDEX <name> SPLIT`
// or `SHOW RANGES` (PostgreSQL would reject the first and read the second as the unknown
// setting "ranges"); anything malformed after that is 42601. Every other statement goes to
// the grammar untouched. These statements have no PostgreSQL equivalent, so the differential
// suite has no case for them; test/logic/ranges.slt and test/unit/sql/ranges.test.ts cover them.

/** A possibly schema-qualified name, folded like PostgreSQL identifiers. */
export interface QualifiedName {
  readonly schema: string | null;
  readonly name: string;
}

/** The index a statement names: a table's primary index, `table@index`, or an index by name. */
export type IndexTarget =
  | { readonly kind: 'table'; readonly table: QualifiedName }
  | { readonly kind: 'tableIndex'; readonly table: QualifiedName; readonly index: string }
  | { readonly kind: 'index'; readonly index: QualifiedName };

export type ShoalStmt =
  /** `rows` is the SelectStmt node of the VALUES list or query. */
  | { readonly kind: 'splitAt'; readonly target: IndexTarget; readonly ifExists: boolean; readonly rows: Node }
  /** `target` null: every range of the current database's tables. */
  | { readonly kind: 'showRanges'; readonly target: IndexTarget | null };

/** The parse-tree node carrying a ShoalStmt (not a libpg-query node: see shoalStmtOf). */
export function shoalNode(stmt: ShoalStmt): Node {
  return Object.freeze({ ShoalStmt: stmt }) as unknown as Node;
}

/** The Shoal statement in `ast`, or null for an ordinary PostgreSQL statement. */
export function shoalStmtOf(ast: Node): ShoalStmt | null {
  const s = (ast as { ShoalStmt?: ShoalStmt }).ShoalStmt;
  return s === undefined ? null : s;
}

/** One statement's tokens (comments removed) and its byte span in the query string. */
export interface TokenSegment {
  readonly tokens: readonly ScanToken[];
  /** Bytes [start, end) of the statement's text, without the separating semicolons. */
  readonly start: number;
  readonly end: number;
}

/** Splits scanner tokens at top-level semicolons (the scanner already skips those in strings). */
export function splitTokens(all: readonly ScanToken[], totalBytes: number): TokenSegment[] {
  const out: TokenSegment[] = [];
  let tokens: ScanToken[] = [];
  let start = 0;
  for (const t of all) {
    if (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') continue;
    if (t.text === ';' && t.tokenName === 'ASCII_59') {
      if (tokens.length > 0) out.push({ tokens, start, end: t.start });
      tokens = [];
      start = t.end;
      continue;
    }
    tokens.push(t);
  }
  if (tokens.length > 0) out.push({ tokens, start, end: totalBytes });
  return out;
}

const RESERVED_KEYWORD = 4;

function word(t: ScanToken | undefined): string | null {
  if (t === undefined) return null;
  if (t.tokenName === 'IDENT' || (t.keywordKind > 0 && t.keywordKind !== RESERVED_KEYWORD)) return t.text.toLowerCase();
  return null;
}

function is(t: ScanToken | undefined, kw: string): boolean {
  return t !== undefined && t.text.toLowerCase() === kw && (t.tokenName === 'IDENT' || t.keywordKind > 0);
}

/** True when the segment is one of the statements above (possibly malformed after the lead-in). */
export function isShoalSegment(seg: TokenSegment): boolean {
  const t = seg.tokens;
  if (is(t[0], 'show')) return is(t[1], 'ranges');
  if (!is(t[0], 'alter') || !(is(t[1], 'table') || is(t[1], 'index'))) return false;
  let i = 2;
  if (is(t[i], 'if') && is(t[i + 1], 'exists')) i += 2;
  const name = readTarget(t, i, is(t[1], 'index'));
  return name !== null && is(t[name.next], 'split');
}

/** Reads `[schema.]name[@index]` at tokens[i]; null when no name is there. */
function readTarget(t: readonly ScanToken[], i: number, allowAt: boolean): { name: QualifiedName; index: string | null; next: number } | null {
  const first = identOf(t[i]);
  if (first === null) return null;
  let name: QualifiedName = { schema: null, name: first };
  let next = i + 1;
  if (t[next]?.text === '.') {
    const second = identOf(t[next + 1]);
    if (second === null) return null;
    name = { schema: first, name: second };
    next += 2;
  }
  if (allowAt && t[next]?.text === '@') {
    // After '@' any keyword names an index (t@primary).
    const ix = t[next + 1];
    const index = ix !== undefined && (ix.tokenName === 'IDENT' || ix.keywordKind > 0) ? identOf(ix, true) : null;
    if (index === null) return null;
    return { name, index, next: next + 2 };
  }
  return { name, index: null, next };
}

/** An identifier token's name: quoted as written, else folded to lower case. */
function identOf(t: ScanToken | undefined, anyKeyword = false): string | null {
  if (t === undefined) return null;
  if (t.tokenName === 'IDENT' && t.text.startsWith('"')) return t.text.slice(1, -1).replace(/""/g, '"');
  if (anyKeyword && t.keywordKind > 0) return t.text.toLowerCase();
  return word(t);
}

/**
 * Builds the node of a segment for which isShoalSegment() holds. `parseQuery` parses the
 * text after SPLIT AT (with its byte offset in the query, for error positions) into one node.
 */
export function buildShoalStatement(
  seg: TokenSegment,
  errorAt: (byteOffset: number) => number,
  parseQuery: (fromByte: number) => Node,
): Node {
  const t = seg.tokens;
  const fail = (i: number, what: string): never => {
    const tok = t[i];
    const near = tok === undefined ? 'at end of input' : `at or near "${tok.text}"`;
    throw sqlError('42601', `syntax error ${near}`, { position: errorAt(tok?.start ?? seg.end), hint: what });
  };
  if (is(t[0], 'show')) return shoalNode({ kind: 'showRanges', target: showTarget(t, fail) });
  const isIndex = is(t[1], 'index');
  let i = 2;
  const ifExists = is(t[i], 'if') && is(t[i + 1], 'exists');
  if (ifExists) i += 2;
  const target = readTarget(t, i, isIndex)!;
  i = target.next + 1; // past SPLIT
  if (!is(t[i], 'at')) fail(i, 'expected SPLIT AT VALUES (…) or SPLIT AT SELECT …');
  if (t[i + 1] === undefined) fail(i + 1, 'SPLIT AT needs VALUES (…) or a SELECT');
  const rows = parseQuery(t[i + 1]!.start);
  return shoalNode({ kind: 'splitAt', target: indexTarget(isIndex, target), ifExists, rows });
}

function indexTarget(isIndex: boolean, r: { name: QualifiedName; index: string | null }): IndexTarget {
  if (!isIndex) return { kind: 'table', table: r.name };
  return r.index === null ? { kind: 'index', index: r.name } : { kind: 'tableIndex', table: r.name, index: r.index };
}

function showTarget(t: readonly ScanToken[], fail: (i: number, what: string) => never): IndexTarget | null {
  if (t.length === 2) return null;
  const what = 'expected SHOW RANGES [FROM TABLE t | FROM INDEX t@i]';
  if (!is(t[2], 'from')) fail(2, what);
  const isIndex = is(t[3], 'index');
  if (!isIndex && !is(t[3], 'table')) fail(3, what);
  const r = readTarget(t, 4, isIndex);
  if (r === null) fail(4, what);
  if (r!.next !== t.length) fail(r!.next, what);
  return indexTarget(isIndex, r!);
}
