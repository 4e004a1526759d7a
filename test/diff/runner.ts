// Runs one case file on PostgreSQL (the oracle) and on Shoal, statement by statement, and
// collects every mismatch plus every "script bug" (PostgreSQL not doing what the case file
// says: an unexpected error, or a `-- error:` that did not happen). Each case gets a fresh
// database on both servers. Called by differential.test.ts.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { closeClient, compareOutcomes, describeOutcome, openClient, runStatement } from './outcome.js';
import type { DiffClient, Outcome, Protocol } from './outcome.js';
import { parseScript } from './script.js';
import type { Statement } from './script.js';

/** Where a case runs: how to make its database and connect to it. */
export interface Target {
  /** Creates a fresh database for the case and returns a connected client. */
  open(db: string): Promise<DiffClient>;
  /** A new connection to the same database (after the old one broke). */
  reconnect(db: string): Promise<DiffClient>;
  /** Text to append to a failure report (e.g. the node's stderr tail). */
  diagnostics(): string;
  /** Called when the case is over. */
  release(db: string): Promise<void>;
}

export interface Mismatch {
  readonly line: number;
  readonly protocol: Protocol;
  readonly sql: string;
  readonly diffs: readonly string[];
}

export interface CaseResult {
  readonly file: string;
  /** Statement runs (a statement run on both protocols counts twice). */
  readonly total: number;
  readonly matched: number;
  readonly mismatches: readonly Mismatch[];
  readonly scriptBugs: readonly Mismatch[];
  /** Set when the case could not run at all on Shoal. */
  readonly setupError: string | null;
}

/** DIFF_PROTOCOL=extended runs every statement through the extended protocol only. */
const allExtended = process.env.DIFF_PROTOCOL === 'extended';

function protocolsOf(stmt: Statement): Protocol[] {
  if (stmt.params !== null || allExtended) return ['extended'];
  return stmt.extended ? ['simple', 'extended'] : ['simple'];
}

/** What the case file promises PostgreSQL does; a difference is a bug in the case file. */
function checkOracle(stmt: Statement, pg: Outcome): string[] {
  if (pg.kind === 'broken') return [`postgres client failure: ${pg.message}`];
  if (stmt.expectError === null && pg.kind === 'error') return [`postgres failed unexpectedly: ${describeOutcome(pg)}`];
  if (stmt.expectError !== null && (pg.kind !== 'error' || pg.code !== stmt.expectError)) {
    return [`expected error ${stmt.expectError}, postgres gave ${describeOutcome(pg)}`];
  }
  return [];
}

export function databaseNameOf(file: string): string {
  return `diff_${basename(file, '.sql').replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
}

/** Runs a case; `shoal` null means PostgreSQL only (checks the case file itself). */
export async function runCase(
  file: string,
  postgres: Target,
  shoal: Target | null,
  observe?: (stmt: Statement, protocol: Protocol, pg: Outcome) => void,
): Promise<CaseResult> {
  const stmts = parseScript(readFileSync(file, 'utf8'), basename(file));
  const db = databaseNameOf(file);
  const mismatches: Mismatch[] = [];
  const scriptBugs: Mismatch[] = [];
  let total = 0;
  let matched = 0;
  const pgClient = await postgres.open(db);
  let shoalClient: DiffClient | null = null;
  let setupError: string | null = null;
  if (shoal !== null) {
    try {
      shoalClient = await shoal.open(db);
    } catch (err) {
      setupError = `could not open a database on Shoal: ${(err as Error).message}`;
    }
  }
  try {
    for (const stmt of stmts) {
      for (const protocol of protocolsOf(stmt)) {
        total++;
        const pgOut = await runStatement(pgClient, stmt, protocol);
        observe?.(stmt, protocol, pgOut);
        const bug = checkOracle(stmt, pgOut);
        if (bug.length > 0) scriptBugs.push({ line: stmt.line, protocol, sql: stmt.sql, diffs: bug });
        if (shoalClient === null || shoal === null) continue;
        const shoalOut = await runStatement(shoalClient, stmt, protocol);
        const diffs = compareOutcomes(stmt, shoalOut, pgOut);
        if (diffs.length === 0) matched++;
        else mismatches.push({ line: stmt.line, protocol, sql: stmt.sql, diffs });
        if (shoalClient.broken) shoalClient = await reopen(shoal, shoalClient, db, mismatches);
      }
    }
  } finally {
    await closeClient(pgClient);
    await postgres.release(db);
    if (shoalClient !== null) await closeClient(shoalClient);
    if (shoal !== null && setupError === null) await shoal.release(db).catch(() => undefined);
  }
  return { file: basename(file), total, matched, mismatches, scriptBugs, setupError };
}

/** After a broken connection the session state is gone; say so and carry on with a new one. */
async function reopen(target: Target, old: DiffClient, db: string, mismatches: Mismatch[]): Promise<DiffClient | null> {
  await closeClient(old);
  try {
    return await target.reconnect(db);
  } catch (err) {
    mismatches.push({ line: 0, protocol: 'simple', sql: '(reconnect)', diffs: [`could not reconnect: ${(err as Error).message}`] });
    return null;
  }
}

const sqlShownMax = 300;

/** The failure message of a case: every script bug and mismatch, Shoal next to PostgreSQL. */
export function formatReport(r: CaseResult, diagnostics: string): string {
  const lines: string[] = [];
  const show = (m: Mismatch) => {
    const sql = m.sql.length > sqlShownMax ? `${m.sql.slice(0, sqlShownMax)}…` : m.sql;
    lines.push(`${r.file}:${m.line} [${m.protocol}] ${sql.replace(/\s+/g, ' ')}`);
    for (const d of m.diffs) lines.push(`    ${d}`);
  };
  if (r.setupError !== null) lines.push(`SETUP: ${r.setupError}`);
  if (r.scriptBugs.length > 0) {
    lines.push(`${r.scriptBugs.length} SCRIPT BUG(S): PostgreSQL does not do what the case file says`);
    r.scriptBugs.forEach(show);
  }
  if (r.mismatches.length > 0 || r.setupError !== null) {
    lines.push(`${r.file}: ${r.matched}/${r.total} statements match PostgreSQL; ${r.mismatches.length} mismatches:`);
    r.mismatches.forEach(show);
  }
  if (diagnostics !== '') lines.push('--- diagnostics ---', diagnostics);
  return lines.join('\n');
}
