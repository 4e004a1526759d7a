// Runs one case file on PostgreSQL (the oracle) and on Shoal, statement by statement, and
// collects every mismatch plus every "script bug" (PostgreSQL not doing what the case file
// says: an unexpected error, or a `-- error:` that did not happen). Each case gets a fresh
// database on both servers. Called by differential.test.ts.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { closeClient, compareOutcomes, describeOutcome, runStatement, withTimeout } from './outcome.js';
import type { DiffClient, Outcome, Protocol } from './outcome.js';
import { parseScript } from './script.js';
import type { Statement } from './script.js';

/** Where a case runs: how to make its database and connect to it. */
export interface Target {
  /** Creates a fresh database for the case and returns a connected client. */
  open(db: string): Promise<DiffClient>;
  /** Another connection to the case's database (a second session, or after one broke). */
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

/** One server's connections during a case: number 1 comes with the database, others on first use. */
class Side {
  private readonly clients = new Map<number, DiffClient>();
  /** Why this side stopped answering (nothing more runs on it), or null. */
  deadReason: string | null = null;

  constructor(
    readonly target: Target,
    readonly db: string,
  ) {}

  async start(): Promise<void> {
    this.clients.set(1, await this.target.open(this.db));
  }

  /** The client for connection `conn`; a broken one is replaced (its session state is lost). */
  async client(conn: number): Promise<DiffClient | null> {
    if (this.deadReason !== null) return null;
    const old = this.clients.get(conn);
    if (old !== undefined && !old.broken) return old;
    if (old !== undefined) await closeClient(old);
    try {
      const fresh = await this.target.reconnect(this.db);
      this.clients.set(conn, fresh);
      return fresh;
    } catch (err) {
      this.deadReason = `could not connect: ${(err as Error).message}`;
      return null;
    }
  }

  async close(): Promise<void> {
    for (const c of this.clients.values()) await closeClient(c);
    this.clients.clear();
  }
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
  let skipped = 0; // statements not run on Shoal because it stopped answering
  const pgSide = new Side(postgres, db);
  await pgSide.start();
  let shoalSide: Side | null = null;
  let setupError: string | null = null;
  if (shoal !== null) {
    try {
      shoalSide = new Side(shoal, db);
      await shoalSide.start();
    } catch (err) {
      shoalSide = null;
      setupError = `could not open a database on Shoal: ${(err as Error).message}`;
    }
  }
  try {
    for (const stmt of stmts) {
      for (const protocol of protocolsOf(stmt)) {
        total++;
        const pgClient = await pgSide.client(stmt.conn);
        if (pgClient === null) throw new Error(`PostgreSQL stopped answering: ${pgSide.deadReason}`);
        const pgOut = await runStatement(pgClient, stmt, protocol);
        observe?.(stmt, protocol, pgOut);
        const bug = checkOracle(stmt, pgOut);
        if (bug.length > 0) scriptBugs.push({ line: stmt.line, protocol, sql: stmt.sql, diffs: bug });
        if (shoal === null) continue;
        const shoalClient = shoalSide === null ? null : await shoalSide.client(stmt.conn);
        if (shoalClient === null) {
          skipped++;
          continue;
        }
        const shoalOut = await runStatement(shoalClient, stmt, protocol);
        const diffs = compareOutcomes(stmt, shoalOut, pgOut);
        if (diffs.length === 0) matched++;
        else mismatches.push({ line: stmt.line, protocol, sql: stmt.sql, diffs });
      }
    }
    if (skipped > 0 && setupError === null) {
      const why = shoalSide?.deadReason ?? '';
      mismatches.push({ line: 0, protocol: 'simple', sql: '(rest of the case)', diffs: [`${skipped} statements not run: Shoal stopped answering (${why})`] });
    }
  } finally {
    await pgSide.close();
    await postgres.release(db);
    if (shoalSide !== null) {
      await shoalSide.close();
      await withTimeout(shoalSide.target.release(db), 30_000, 'release').catch(() => undefined);
    }
  }
  return { file: basename(file), total, matched, mismatches, scriptBugs, setupError };
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
