// Differential test: every case file in test/diff/cases runs on a real PostgreSQL 15 (the
// oracle) and on a single-node Shoal; each statement's columns, type OIDs, raw text rows,
// command tag and SQLSTATE/message must match. One vitest test per case file; its failure
// message lists every mismatch. Needs `npm run build` (the compiled CLI) and PostgreSQL.
//
// Environment: DIFF_PG_ONLY=1 checks the case files against PostgreSQL alone;
// DIFF_SELF=1 runs PostgreSQL against itself (checks the runner: every case must match);
// DIFF_PROTOCOL=extended sends every statement through the extended protocol;
// DIFF_CASES=<regex> picks case files; DIFF_REPORT_FILE=<path> writes per-case counts as
// JSON (test/diff/report.mjs prints them); DIFF_DUMP=<dir> writes PostgreSQL's outcomes.
//
// Known gaps: test/diff/known-gaps.txt lists, one per line, the statements (`file:line
// protocol`) where Shoal does not match PostgreSQL yet. The suite fails on any mismatch not
// listed (a regression) and on any listed statement that now matches (a stale entry: delete
// it). DIFF_UPDATE_GAPS=1 rewrites the list from the run. The list only ever shrinks by
// fixing Shoal; it is the to-do list of SQL compatibility, not a skip list.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPostgres, type PostgresHandle } from '../../bench/lib/postgres.js';
import { freePort, removeDir, startNode, type NodeHandle } from '../e2e/harness.js';
import { closeClient, describeOutcome, openClient, withTimeout, type Outcome } from './outcome.js';
import { formatReport, runCase, type CaseResult, type Target } from './runner.js';

const casesDir = join(import.meta.dirname, 'cases');
const caseFilter = new RegExp(process.env.DIFF_CASES ?? '.');
const caseFiles = readdirSync(casesDir)
  .filter((f) => f.endsWith('.sql') && caseFilter.test(f))
  .sort();
const pgOnly = process.env.DIFF_PG_ONLY === '1';
const selfDiff = process.env.DIFF_SELF === '1';
const dumpDir = process.env.DIFF_DUMP;
const caseTimeoutMs = 180_000;
const knownGapsFile = join(import.meta.dirname, 'known-gaps.txt');
const updateGaps = process.env.DIFF_UPDATE_GAPS === '1';

/** `file:line protocol` of every statement known not to match yet. */
function loadKnownGaps(): Set<string> {
  if (!existsSync(knownGapsFile)) return new Set();
  return new Set(
    readFileSync(knownGapsFile, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== ''),
  );
}
const knownGaps = loadKnownGaps();
const gapKey = (file: string, line: number, protocol: string) => `${file}:${line} ${protocol}`;

/** PostgreSQL settings that match Shoal's session defaults, so outputs are comparable. */
const postgresSettings = {
  timezone: 'UTC',
  lc_messages: 'C',
  intervalstyle: 'postgres',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
};

let postgres: PostgresHandle | undefined;
let node: NodeHandle | undefined;
let nodeStartError: string | null = null;
const results: CaseResult[] = [];

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** PostgreSQL; `prefix` keeps a second target's databases apart (DIFF_SELF). */
function postgresTarget(pgh: PostgresHandle, prefix = ''): Target {
  const conn = (database: string) => openClient({ host: '127.0.0.1', port: pgh.port, user: 'postgres', database });
  const admin = async (sql: string) => {
    const c = await conn('postgres');
    try {
      await c.client.query(sql);
    } finally {
      await closeClient(c);
    }
  };
  return {
    async open(db) {
      await admin(`DROP DATABASE IF EXISTS ${quoteIdent(prefix + db)} WITH (FORCE)`);
      // C collation: Shoal orders text by bytes.
      await admin(`CREATE DATABASE ${quoteIdent(prefix + db)} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'`);
      return conn(prefix + db);
    },
    reconnect: (db) => conn(prefix + db),
    diagnostics: () => '',
    release: (db) => admin(`DROP DATABASE IF EXISTS ${quoteIdent(prefix + db)} WITH (FORCE)`),
  };
}

/** Stops a node; one that ignores SIGTERM (a blocked event loop) is killed. */
async function stopNode(h: NodeHandle): Promise<void> {
  try {
    await withTimeout(h.stop(), 10_000, 'node stop');
  } catch {
    await h.kill9();
  }
  await removeDir(h.storeDir);
}

const shoalAdmin = (h: NodeHandle) => openClient({ host: '127.0.0.1', port: h.port, user: 'root', database: 'defaultdb' });

async function shoalAdminQuery(h: NodeHandle, sql: string): Promise<void> {
  const admin = await shoalAdmin(h);
  try {
    await withTimeout(admin.client.query(sql), 15_000, sql);
  } finally {
    await closeClient(admin);
  }
}

/** The shared node, replaced by a fresh one if it stopped answering (a statement hung it). */
async function healthyNode(): Promise<NodeHandle> {
  if (node === undefined) throw new Error(`Shoal node did not start: ${nodeStartError}`);
  try {
    await shoalAdminQuery(node, 'SELECT 1');
    return node;
  } catch {
    const old = node;
    node = undefined;
    await stopNode(old);
    node = await startNode();
    return node;
  }
}

/**
 * Shoal: a fresh database per case on the shared node; if CREATE DATABASE is not there yet,
 * a fresh node of its own (defaultdb) keeps the case independent all the same.
 */
function shoalTarget(): Target {
  let own: NodeHandle | null = null;
  let current: NodeHandle | null = null;
  let dbName = 'defaultdb';
  const conn = () => {
    if (current === null) throw new Error('no Shoal node');
    return openClient({ host: '127.0.0.1', port: current.port, user: 'root', database: dbName });
  };
  return {
    async open(db) {
      const shared = await healthyNode();
      try {
        await shoalAdminQuery(shared, `CREATE DATABASE ${quoteIdent(db)}`);
        current = shared;
        dbName = db;
        return await conn();
      } catch {
        own = await startNode();
        current = own;
        dbName = 'defaultdb';
        return conn();
      }
    },
    reconnect: () => conn(),
    diagnostics: () => (current === null ? '' : tail(current.stderr(), 40)),
    async release(db) {
      if (own !== null) {
        await stopNode(own);
        own = null;
      } else if (current !== null) {
        await shoalAdminQuery(current, `DROP DATABASE IF EXISTS ${quoteIdent(db)}`).catch(() => undefined);
      }
    },
  };
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n').trim();
}

beforeAll(async () => {
  postgres = await startPostgres(await freePort(), postgresSettings);
  if (pgOnly || selfDiff) return;
  try {
    node = await startNode();
  } catch (err) {
    nodeStartError = (err as Error).message;
  }
}, 120_000);

afterAll(async () => {
  await postgres?.stop();
  if (node !== undefined) await stopNode(node);
  if (updateGaps && !pgOnly && !selfDiff) writeKnownGaps();
  const reportFile = process.env.DIFF_REPORT_FILE;
  if (reportFile !== undefined) {
    writeFileSync(reportFile, JSON.stringify({ nodeStartError, results }, null, 1));
  }
}, 60_000);

function dumper(file: string): ((stmt: { sql: string; line: number }, protocol: string, o: Outcome) => void) | undefined {
  if (dumpDir === undefined) return undefined;
  mkdirSync(dumpDir, { recursive: true });
  const path = join(dumpDir, `${file}.out`);
  writeFileSync(path, '');
  return (stmt, protocol, o) => {
    const text = o.kind === 'ok' ? [`${o.tag} [${o.columns.map((c) => `${c.name}:${c.typeOid}`).join(', ')}]`, ...o.rows.map((r) => r.map((v) => v ?? 'NULL').join(' | '))].join('\n') : describeOutcome(o);
    writeFileSync(path, `-- line ${stmt.line} ${protocol}\n${stmt.sql};\n${text}\n\n`, { flag: 'a' });
  };
}

function writeKnownGaps(): void {
  const ran = new Set(results.map((r) => r.file));
  const kept = [...knownGaps].filter((k) => !ran.has(k.split(':')[0]!));
  const fresh = results.flatMap((r) => r.mismatches.map((m) => `${gapKey(r.file, m.line, m.protocol)}  # ${m.sql.replace(/\s+/g, ' ').slice(0, 80)}`));
  const header = '# Statements of test/diff/cases where Shoal does not yet match PostgreSQL (see differential.test.ts).\n';
  writeFileSync(knownGapsFile, header + [...kept, ...fresh].sort().join('\n') + '\n');
}

describe('differential: Shoal vs PostgreSQL', () => {
  test('case files exist', () => {
    expect(caseFiles.length).toBeGreaterThan(0);
  });

  test.each(caseFiles)('%s', async (file) => {
    const shoal = pgOnly ? null : selfDiff ? postgresTarget(postgres!, 'self_') : shoalTarget();
    const result = await runCase(join(casesDir, file), postgresTarget(postgres!), shoal, dumper(file));
    results.push(result);
    if (pgOnly || selfDiff) {
      if (result.scriptBugs.length > 0 || result.mismatches.length > 0) expect.fail(formatReport(result, ''));
      expect(result.total).toBeGreaterThan(0);
      return;
    }
    // Regressions: mismatches not on the known-gaps list; stale entries: listed but matching.
    const unexpected = result.mismatches.filter((m) => !knownGaps.has(gapKey(result.file, m.line, m.protocol)));
    const mismatching = new Set(result.mismatches.map((m) => gapKey(result.file, m.line, m.protocol)));
    const stale = [...knownGaps].filter((k) => k.startsWith(`${result.file}:`) && !mismatching.has(k));
    const failed = result.scriptBugs.length > 0 || result.setupError !== null || (!updateGaps && (unexpected.length > 0 || stale.length > 0));
    if (failed) {
      const diagnostics = shoal !== null && result.mismatches.some((m) => m.diffs.some((d) => d.includes('client failure'))) ? shoal.diagnostics() : '';
      const report = formatReport({ ...result, mismatches: unexpected }, diagnostics);
      const staleText = stale.length > 0 ? `\n${stale.length} known gap(s) now match PostgreSQL; delete them from known-gaps.txt:\n${stale.join('\n')}` : '';
      expect.fail(report + staleText);
    }
    expect(result.total).toBeGreaterThan(0);
  }, caseTimeoutMs);
});
