// Two SQL nodes over one KV store (two SqlServers, each with its own descriptor cache, plan
// cache and sequence blocks, over ONE KvDb — exactly what two node processes share): DDL
// committed on one node must be visible to every later transaction on the other, through the
// catalog version key (sql/catalog/catalog.ts).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openKvDb } from '../../../storage/index.js';
import type { KvDb, Txn } from '../../../storage/index.js';
import { createSqlServer } from '../../../sql/index.js';
import type { Session, SqlServer } from '../../../sql/index.js';
import { Catalog, DescriptorCache } from '../../../sql/catalog/index.js';
import type { CatalogVersion } from '../../../sql/catalog/index.js';
import { CATALOG_VERSION_KEY } from '../../../sql/catalog/system.js';
import { RecordingSink, rows, run } from '../sql/harness.js';
import { fmtValue, parseLogicFile } from '../../logic/slt.js';
import type { LogicCase } from '../../logic/slt.js';

/** Counts the reads of the catalog version key made through a KvDb. */
class CountingKv implements KvDb {
  versionReads = 0;
  constructor(private readonly inner: KvDb) {}
  begin(opts?: Parameters<KvDb['begin']>[0]): Txn {
    const txn = this.inner.begin(opts);
    const get = txn.get.bind(txn);
    txn.get = async (key, o) => {
      if (key.equals(CATALOG_VERSION_KEY)) this.versionReads++;
      return get(key, o);
    };
    return txn;
  }
  now(): ReturnType<KvDb['now']> {
    return this.inner.now();
  }
  adminSplit(key: Buffer): Promise<void> {
    return this.inner.adminSplit(key);
  }
  ranges(key: Buffer, endKey: Buffer): ReturnType<KvDb['ranges']> {
    return this.inner.ranges(key, endKey);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

let kv: KvDb;
let countingB: CountingKv;
let nodeA: SqlServer;
let nodeB: SqlServer;
let a: Session;
let b: Session;
const extra: Session[] = [];

beforeAll(async () => {
  kv = await openKvDb({ engine: 'memory' });
  countingB = new CountingKv(kv);
  nodeA = await createSqlServer({ kv, logger: pino({ level: 'silent' }), nodeId: 1 });
  nodeB = await createSqlServer({ kv: countingB, logger: pino({ level: 'silent' }), nodeId: 2 });
  a = await nodeA.createSession({ user: 'root', database: 'defaultdb', startupParams: {} });
  b = await nodeB.createSession({ user: 'root', database: 'defaultdb', startupParams: {} });
});

afterAll(async () => {
  for (const s of [a, b, ...extra]) await s?.close();
  await nodeA?.close();
  await nodeB?.close();
  await kv?.close();
});

// A failed test must not leave its explicit transaction open for the next one.
afterEach(async () => {
  for (const s of [a, b]) if (s.txnStatus() !== 'I') await run(s, 'ROLLBACK');
});

async function sessionOn(node: SqlServer, database = 'defaultdb'): Promise<Session> {
  const s = await node.createSession({ user: 'root', database, startupParams: {} });
  extra.push(s);
  return s;
}

/** The SQLSTATE a statement fails with (null: it succeeded). */
async function code(s: Session, sql: string): Promise<string | null> {
  return (await run(s, sql)).error?.code ?? null;
}

/** Extended protocol: bind + execute an already parsed statement, then Sync. */
async function execPrepared(s: Session, name: string, params: string[]): Promise<{ rows: (string | null)[][]; tag: string | null }> {
  const sink = new RecordingSink();
  try {
    await s.bind('', name, [], params.map((p) => Buffer.from(p)), []);
    await s.execute('', 0, sink);
  } finally {
    await s.sync();
  }
  const last = sink.results[sink.results.length - 1];
  return { rows: last?.rows ?? [], tag: last?.tag ?? null };
}

describe('DDL on one node, DML on the other', () => {
  it('CREATE TABLE on A is visible on B even after B cached "does not exist"', async () => {
    expect(await code(b, 'SELECT * FROM late')).toBe('42P01');
    expect(await code(b, 'INSERT INTO late VALUES (1)')).toBe('42P01');
    await rows(a, 'CREATE TABLE late (id int PRIMARY KEY, v text)');
    await rows(b, "INSERT INTO late VALUES (1, 'from b')");
    expect(await rows(b, 'SELECT id, v FROM late')).toEqual([['1', 'from b']]);
    expect(await rows(a, 'SELECT id, v FROM late')).toEqual([['1', 'from b']]);
    expect(await rows(b, "SELECT relname FROM pg_catalog.pg_class WHERE relname = 'late'")).toEqual([['late']]);
  });

  it('ALTER TABLE ADD COLUMN on A: INSERT on B fills it, SELECT * on B shows it', async () => {
    await rows(a, 'CREATE TABLE wide (id int PRIMARY KEY, a int)');
    await rows(b, 'INSERT INTO wide VALUES (1, 10)');
    expect(await rows(b, 'SELECT * FROM wide')).toEqual([['1', '10']]);
    await rows(a, 'ALTER TABLE wide ADD COLUMN c int DEFAULT 7');
    await rows(b, 'INSERT INTO wide (id, a) VALUES (2, 20)');
    await rows(b, 'INSERT INTO wide VALUES (3, 30, 33)');
    const expected = [['1', '10', '7'], ['2', '20', '7'], ['3', '30', '33']];
    expect(await rows(b, 'SELECT * FROM wide ORDER BY id')).toEqual(expected);
    expect(await rows(a, 'SELECT * FROM wide ORDER BY id')).toEqual(expected);
    await rows(a, 'ALTER TABLE wide DROP COLUMN a');
    expect(await rows(b, 'SELECT * FROM wide ORDER BY id')).toEqual([['1', '7'], ['2', '7'], ['3', '33']]);
    expect(await code(b, 'INSERT INTO wide (id, a) VALUES (4, 40)')).toBe('42703');
  });

  it('DROP TABLE on A: B gets 42P01 and writes nothing under the dropped table', async () => {
    await rows(a, 'CREATE TABLE doomed (id int PRIMARY KEY)');
    await rows(b, 'INSERT INTO doomed VALUES (1)');
    expect(await rows(b, 'SELECT count(*) FROM doomed')).toEqual([['1']]);
    await rows(a, 'DROP TABLE doomed');
    expect(await code(b, 'SELECT * FROM doomed')).toBe('42P01');
    expect(await code(b, 'INSERT INTO doomed VALUES (2)')).toBe('42P01');
    // A new table of the same name is a new object with its own (empty) contents.
    await rows(a, 'CREATE TABLE doomed (id int PRIMARY KEY, x text)');
    expect(await rows(b, 'SELECT * FROM doomed')).toEqual([]);
  });

  it('CREATE INDEX on A: B plans with it and keeps it up to date', async () => {
    await rows(a, 'CREATE TABLE ix (id int PRIMARY KEY, k int)');
    await rows(b, 'INSERT INTO ix SELECT g, g % 10 FROM generate_series(1, 50) g');
    const explain = 'EXPLAIN SELECT id FROM ix WHERE k = 3';
    expect((await rows(b, explain))[0]).toEqual(['Seq Scan on ix']);
    await rows(a, 'CREATE INDEX ix_k ON ix (k)');
    expect((await rows(b, explain))[0]).toEqual(['Index Scan using ix_k on ix']);
    // Writes through B maintain the index: A's index scan sees them.
    await rows(b, 'INSERT INTO ix VALUES (100, 3)');
    await rows(b, 'UPDATE ix SET k = 3 WHERE id = 1');
    await rows(b, 'DELETE FROM ix WHERE id = 13');
    expect((await rows(a, explain))[0]).toEqual(['Index Scan using ix_k on ix']);
    expect(await rows(a, 'SELECT id FROM ix WHERE k = 3 ORDER BY id')).toEqual([['1'], ['3'], ['23'], ['33'], ['43'], ['100']]);
    await rows(a, 'DROP INDEX ix_k');
    expect((await rows(b, explain))[0]).toEqual(['Seq Scan on ix']);
  });

  it('renames on A (table, column) are seen by B', async () => {
    await rows(a, 'CREATE TABLE before_name (id int PRIMARY KEY, old_col int)');
    await rows(b, 'INSERT INTO before_name VALUES (1, 1)');
    await rows(a, 'ALTER TABLE before_name RENAME TO after_name');
    expect(await code(b, 'SELECT * FROM before_name')).toBe('42P01');
    expect(await rows(b, 'SELECT id FROM after_name')).toEqual([['1']]);
    await rows(a, 'ALTER TABLE after_name RENAME COLUMN old_col TO new_col');
    expect(await code(b, 'SELECT old_col FROM after_name')).toBe('42703');
    expect(await rows(b, 'SELECT new_col FROM after_name')).toEqual([['1']]);
  });

  it('schemas and databases created on A are usable on B', async () => {
    expect(await code(b, 'CREATE TABLE app.t (id int PRIMARY KEY)')).toBe('3F000');
    await expect(nodeB.createSession({ user: 'root', database: 'other', startupParams: {} })).rejects.toMatchObject({ code: '3D000' });
    await rows(a, 'CREATE SCHEMA app');
    await rows(b, 'CREATE TABLE app.t (id int PRIMARY KEY)');
    await rows(a, 'INSERT INTO app.t VALUES (5)');
    expect(await rows(b, 'SELECT id FROM app.t')).toEqual([['5']]);
    await rows(a, 'CREATE DATABASE other');
    const s = await sessionOn(nodeB, 'other');
    await rows(s, 'CREATE TABLE o (id int)');
    const t = await sessionOn(nodeA, 'other');
    expect(await rows(t, 'SELECT count(*) FROM o')).toEqual([['0']]);
  });

  it('sequences and serial columns created on A hand out distinct values on both nodes', async () => {
    await rows(a, 'CREATE SEQUENCE shared_seq');
    const vb = await rows(b, "SELECT nextval('shared_seq')");
    const va = await rows(a, "SELECT nextval('shared_seq')");
    expect(vb[0]![0]).not.toBe(va[0]![0]);
    expect(await code(b, "INSERT INTO ser (who) VALUES ('b')")).toBe('42P01');
    await rows(a, 'CREATE TABLE ser (id serial PRIMARY KEY, who text)');
    for (let i = 0; i < 5; i++) {
      await rows(a, "INSERT INTO ser (who) VALUES ('a')");
      await rows(b, "INSERT INTO ser (who) VALUES ('b')");
    }
    const ids = (await rows(a, 'SELECT id FROM ser')).map((r) => r[0]);
    expect(new Set(ids).size).toBe(10);
    await rows(a, 'ALTER SEQUENCE shared_seq INCREMENT BY 1000');
    const [x, y] = [(await rows(b, "SELECT nextval('shared_seq')"))[0]![0]!, (await rows(b, "SELECT nextval('shared_seq')"))[0]![0]!];
    expect(Number(y) - Number(x)).toBe(1000);
    await rows(a, 'DROP SEQUENCE shared_seq');
    expect(await code(b, "SELECT nextval('shared_seq')")).toBe('42P01');
  });

  it('concurrent DDL on both nodes serializes (a loser may retry on 40001)', async () => {
    const create = async (s: Session, sql: string): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        const c = await code(s, sql);
        if (c === null) return;
        expect(c).toBe('40001');
        expect(attempt).toBeLessThan(20);
      }
    };
    await Promise.all([create(a, 'CREATE TABLE race_a (id int)'), create(b, 'CREATE TABLE race_b (id int)')]);
    for (const s of [a, b]) {
      expect(await rows(s, "SELECT relname FROM pg_catalog.pg_class WHERE relname LIKE 'race_%' ORDER BY 1")).toEqual([['race_a'], ['race_b']]);
    }
  });
});

describe('prepared statements across nodes', () => {
  it('a prepared INSERT on B is re-planned after ALTER on A and fills the new default', async () => {
    await rows(a, 'CREATE TABLE prep (id int PRIMARY KEY, v int)');
    await b.parse('prep_ins', 'INSERT INTO prep (id, v) VALUES ($1, $2)', []);
    await b.sync();
    await execPrepared(b, 'prep_ins', ['1', '10']);
    await rows(a, "ALTER TABLE prep ADD COLUMN note text NOT NULL DEFAULT 'n/a'");
    await execPrepared(b, 'prep_ins', ['2', '20']);
    expect(await rows(a, 'SELECT id, v, note FROM prep ORDER BY id')).toEqual([['1', '10', 'n/a'], ['2', '20', 'n/a']]);
  });

  it('a prepared SELECT * whose result columns changed fails with 0A000, like PostgreSQL', async () => {
    await rows(a, 'CREATE TABLE shape (id int PRIMARY KEY)');
    await rows(a, 'INSERT INTO shape VALUES (1)');
    await b.parse('shape_all', 'SELECT * FROM shape WHERE id = $1', []);
    await b.parse('shape_id', 'SELECT id FROM shape WHERE id = $1', []);
    await b.sync();
    expect((await execPrepared(b, 'shape_all', ['1'])).rows).toEqual([['1']]);
    await rows(a, 'ALTER TABLE shape ADD COLUMN extra int');
    const err = await execPrepared(b, 'shape_all', ['1']).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('0A000');
    expect((err as Error).message).toBe('cached plan must not change result type');
    // The same shape after the change is re-planned silently; a fresh prepare sees the new shape.
    expect((await execPrepared(b, 'shape_id', ['1'])).rows).toEqual([['1']]);
    await b.parse('shape_all2', 'SELECT * FROM shape WHERE id = $1', []);
    await b.sync();
    expect((await execPrepared(b, 'shape_all2', ['1'])).rows).toEqual([['1', null]]);
  });

  it('SQL-level PREPARE / EXECUTE on B follows DDL on A', async () => {
    await rows(a, 'CREATE TABLE sqlprep (id int PRIMARY KEY, v int)');
    await rows(b, 'PREPARE put_v (int, int) AS INSERT INTO sqlprep (id, v) VALUES ($1, $2)');
    await rows(b, 'PREPARE get_all AS SELECT * FROM sqlprep ORDER BY id');
    await rows(b, 'EXECUTE put_v (1, 1)');
    await rows(a, 'ALTER TABLE sqlprep ADD COLUMN w int DEFAULT 9');
    await rows(b, 'EXECUTE put_v (2, 2)');
    expect(await code(b, 'EXECUTE get_all')).toBe('0A000');
    expect(await rows(b, 'SELECT * FROM sqlprep ORDER BY id')).toEqual([['1', '1', '9'], ['2', '2', '9']]);
  });
});

describe('transactions that span a DDL on another node', () => {
  it('a read-only transaction on B keeps the view it started with and commits', async () => {
    await rows(a, 'CREATE TABLE snap (id int PRIMARY KEY, a int)');
    await rows(a, 'INSERT INTO snap VALUES (1, 1)');
    await rows(b, 'BEGIN');
    expect(await rows(b, 'SELECT * FROM snap')).toEqual([['1', '1']]);
    await rows(a, 'ALTER TABLE snap ADD COLUMN b int DEFAULT 2');
    await rows(a, 'CREATE TABLE snap_new (id int)');
    // Still the old schema, consistently: old columns, and the new table does not exist yet.
    expect(await rows(b, 'SELECT * FROM snap')).toEqual([['1', '1']]);
    expect(await code(b, 'SELECT * FROM snap_new')).toBe('42P01');
    await rows(b, 'ROLLBACK');
    await rows(b, 'BEGIN');
    expect(await rows(b, 'SELECT * FROM snap')).toEqual([['1', '1', '2']]);
    await rows(a, 'ALTER TABLE snap ADD COLUMN c int DEFAULT 3');
    expect(await rows(b, 'SELECT * FROM snap')).toEqual([['1', '1', '2']]);
    await rows(b, 'COMMIT');
    // A new transaction on B (and a fresh statement on A) sees the new schema.
    expect(await rows(b, 'SELECT * FROM snap')).toEqual([['1', '1', '2', '3']]);
  });

  it('a writing transaction on B that must commit after the DDL fails with 40001', async () => {
    await rows(a, 'CREATE TABLE snapw (id int PRIMARY KEY, a int)');
    await rows(b, 'BEGIN');
    expect(await rows(b, 'SELECT * FROM snapw')).toEqual([]);
    await rows(a, 'ALTER TABLE snapw ADD COLUMN b int NOT NULL DEFAULT 2');
    // B still binds against the old schema; its write would land after A's backfill and miss
    // the new column, so the commit cannot be ordered before the DDL: serialization failure.
    const insert = await run(b, 'INSERT INTO snapw VALUES (1, 1)');
    const commit = insert.error === null ? await run(b, 'COMMIT') : null;
    expect(insert.error?.code ?? commit?.error?.code).toBe('40001');
    if (insert.error !== null) await rows(b, 'ROLLBACK');
    expect(b.txnStatus()).toBe('I');
    await rows(b, 'INSERT INTO snapw VALUES (1, 1)');
    expect(await rows(a, 'SELECT * FROM snapw')).toEqual([['1', '1', '2']]);
  });

  it('an old transaction never puts its old view into the node cache', async () => {
    await rows(a, 'CREATE TABLE stale_probe (id int)');
    await rows(b, 'BEGIN');
    await rows(b, 'SELECT * FROM stale_probe');
    await rows(a, 'DROP TABLE stale_probe');
    await rows(a, 'CREATE TABLE appears_later (id int)');
    const other = await sessionOn(nodeB);
    // A current transaction on B moves B's cache to the new version first...
    expect(await code(other, 'SELECT * FROM stale_probe')).toBe('42P01');
    // ... then the old one reads its snapshot (the dropped table is there, the new one is not) ...
    expect(await rows(b, 'SELECT * FROM stale_probe')).toEqual([]);
    expect(await code(b, 'SELECT * FROM appears_later')).toBe('42P01');
    await rows(b, 'ROLLBACK');
    // ... and current transactions still see the current catalog.
    expect(await rows(other, 'SELECT * FROM appears_later')).toEqual([]);
    expect(await code(other, 'SELECT * FROM stale_probe')).toBe('42P01');
  });
});

describe('online schema changes under load', () => {
  it('DDL on A while B writes: every DDL completes and no row misses a column or an index entry', async () => {
    await rows(a, 'CREATE TABLE load (id int PRIMARY KEY, v int)');
    const writers = [await sessionOn(nodeB), await sessionOn(nodeB)];
    let done = false;
    const written: number[] = [];
    const write = async (s: Session, base: number): Promise<void> => {
      for (let i = 0; !done && i < 2000; i++) {
        const id = base + i;
        const r = await run(s, `INSERT INTO load (id, v) VALUES (${id}, ${id % 7})`);
        // Implicit statements are retried by the gateway; what reaches us must be a success.
        expect(r.error === null ? null : `${r.error.code} ${r.error.message}`).toBeNull();
        written.push(id);
      }
    };
    const ddl = async (sql: string): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        const c = await code(a, sql);
        if (c === null) return;
        expect(c).toBe('40001');
        expect(attempt).toBeLessThan(50);
      }
    };
    /** Lets the writers add `n` more rows (they run between this session's awaits). */
    const letWrite = async (n: number): Promise<void> => {
      const target = written.length + n;
      for (let turns = 0; written.length < target && turns < 100_000; turns++) await new Promise<void>((r) => setImmediate(r));
    };
    const load = Promise.all(writers.map((s, n) => write(s, 1 + n * 100_000)));
    for (const sql of ['ALTER TABLE load ADD COLUMN w int NOT NULL DEFAULT 42', 'CREATE INDEX load_v ON load (v)', 'ALTER TABLE load ADD COLUMN x text DEFAULT \'d\'']) {
      await letWrite(100);
      const before = written.length;
      await ddl(sql);
      expect(written.length, `${sql} must not wait for the writers to stop`).toBeLessThan(before + 1500);
    }
    await letWrite(100);
    done = true;
    await load;
    expect(written.length).toBeGreaterThan(0);
    expect(await rows(b, 'SELECT count(*) FROM load')).toEqual([[String(written.length)]]);
    expect(await rows(b, "SELECT count(*) FROM load WHERE w = 42 AND x = 'd'")).toEqual([[String(written.length)]]);
    // The index holds exactly the table's rows: an index scan per value agrees with a full scan.
    expect((await rows(a, 'EXPLAIN SELECT id FROM load WHERE v = 3'))[0]).toEqual(['Index Scan using load_v on load']);
    let viaIndex = 0;
    for (let v = 0; v < 7; v++) viaIndex += Number((await rows(a, `SELECT count(*) FROM load WHERE v = ${v}`))[0]![0]);
    expect(viaIndex).toBe(written.length);
  });
});

describe('read committed', () => {
  it('a write whose read timestamp moved past a DDL restarts (40001) instead of using the old schema', async () => {
    await rows(a, 'CREATE TABLE rc (id int PRIMARY KEY, a int)');
    await rows(a, 'INSERT INTO rc VALUES (1, 1)');
    await rows(b, 'BEGIN ISOLATION LEVEL READ COMMITTED');
    expect(await rows(b, 'SELECT * FROM rc')).toEqual([['1', '1']]);
    await rows(a, 'ALTER TABLE rc ADD COLUMN c int DEFAULT 5');
    // The UPDATE meets the row A's backfill rewrote: read committed moves its read timestamp
    // past the DDL without a refresh. Writing (1, 2) under the old schema would lose c = 5.
    expect(await code(b, 'UPDATE rc SET a = 2 WHERE id = 1')).toBe('40001');
    await rows(b, 'ROLLBACK');
    await rows(b, 'BEGIN ISOLATION LEVEL READ COMMITTED');
    await rows(b, 'UPDATE rc SET a = 2 WHERE id = 1');
    await rows(b, 'COMMIT');
    expect(await rows(a, 'SELECT * FROM rc')).toEqual([['1', '2', '5']]);
    // B's node cache holds the current catalog (nothing old was filled under the new version).
    const other = await sessionOn(nodeB);
    expect(await rows(other, 'SELECT * FROM rc')).toEqual([['1', '2', '5']]);
  });

  it('a read-committed transaction whose read timestamp moved reads the catalog again', async () => {
    await rows(a, 'CREATE TABLE rc2 (id int PRIMARY KEY, a int)');
    await rows(a, 'INSERT INTO rc2 VALUES (1, 1)');
    await rows(b, 'BEGIN ISOLATION LEVEL READ COMMITTED');
    expect(await rows(b, 'SELECT * FROM rc2')).toEqual([['1', '1']]);
    await rows(a, 'CREATE TABLE rc2_later (id int)');
    await rows(a, 'UPDATE rc2 SET a = 3 WHERE id = 1');
    // A locking read meets the newer row: the read timestamp moves past both commits.
    expect(await rows(b, 'SELECT a FROM rc2 WHERE id = 1 FOR UPDATE')).toEqual([['3']]);
    expect(await rows(b, 'SELECT * FROM rc2_later')).toEqual([]);
    await rows(b, 'COMMIT');
  });
});

describe('cost', () => {
  it('reads the catalog version once per transaction, not per statement; SELECT 1 not at all', async () => {
    await rows(a, 'CREATE TABLE acct (id int PRIMARY KEY, bal int)');
    await rows(a, 'CREATE TABLE hist (id int, delta int)');
    await rows(b, 'INSERT INTO acct VALUES (1, 0), (2, 0)');
    await rows(b, 'SELECT 1'); // warm the plan cache
    const before = countingB.versionReads;
    await rows(b, 'BEGIN');
    await rows(b, 'UPDATE acct SET bal = bal + 5 WHERE id = 1');
    await rows(b, 'SELECT bal FROM acct WHERE id = 1');
    await rows(b, 'UPDATE acct SET bal = bal - 5 WHERE id = 2');
    await rows(b, 'INSERT INTO hist VALUES (1, 5)');
    await rows(b, 'COMMIT');
    expect(countingB.versionReads - before).toBe(1);
    await rows(b, 'SELECT bal FROM acct WHERE id = 2');
    expect(countingB.versionReads - before).toBe(2);
    await rows(b, 'SELECT 1');
    expect(countingB.versionReads - before).toBe(2);
  });
});

// ---------------------------------------------------------------- the cache protocol itself

describe('DescriptorCache and the catalog version', () => {
  const v = (counter: number, id: string): CatalogVersion => ({ counter, token: `${counter}:${id}` });

  it('starts over only for a newer version; an older reader bypasses it', () => {
    const cache = new DescriptorCache(kv);
    const v1 = v(1, 'a');
    expect(cache.observe(v1)).toBe(v1);
    const g1 = cache.generation;
    expect(cache.observe(v(1, 'a'))).toBe(v1); // same token: the cache's own object
    expect(cache.generation).toBe(g1);
    const v3 = v(3, 'b');
    expect(cache.observe(v3)).toBe(v3);
    expect(cache.generation).toBe(g1 + 1);
    expect(cache.observe(v(2, 'c'))).toBe(null); // an older transaction
    expect(cache.version).toBe(v3);
    // Equal counters with different tokens (racing read-committed DDLs): the reader wins.
    const twin = v(3, 'd');
    expect(cache.observe(twin)).toBe(twin);
    expect(cache.generation).toBe(g1 + 2);
  });

  it('a rolled-back DDL publishes nothing; a committed one moves other nodes once', async () => {
    const nodeX = new DescriptorCache(kv);
    const read = async (cache: DescriptorCache): Promise<number | null> => {
      const txn = kv.begin();
      const c = new Catalog(txn, cache);
      const g = await c.planGeneration();
      await txn.commit();
      return g;
    };
    const g0 = await read(nodeX);
    expect(await read(nodeX)).toBe(g0);
    const txn = kv.begin();
    const c = new Catalog(txn, new DescriptorCache(kv));
    await c.putName(999_999, 0, 'ghost', 999_999);
    await c.beforeCommit();
    await txn.rollback();
    c.afterRollback();
    expect(await read(nodeX)).toBe(g0);
    await rows(a, 'CREATE TABLE moves_x (id int)');
    const g1 = await read(nodeX);
    expect(g1).not.toBe(g0);
    expect(await read(nodeX)).toBe(g1);
  });

  it('committing a schema change without beforeCommit() is a programmer error', async () => {
    const txn = kv.begin();
    const c = new Catalog(txn, new DescriptorCache(kv));
    await c.putName(999_998, 0, 'forgot', 999_998);
    await txn.rollback();
    expect(() => c.afterCommit()).toThrow(/without beforeCommit/);
  });
});

// ---------------------------------------------------------------- logic tests on two nodes

const logicDir = join(import.meta.dirname, '..', '..', 'logic');
/**
 * Files whose statements can alternate between nodes: the others keep session state across
 * statements (SET, PREPARE, currval) or expect serial values from one node's sequence block.
 */
const twoNodeFiles = ['basic.slt', 'dml.slt', 'explain.slt', 'fk.slt', 'index.slt', 'ranges.slt', 'schema_change.slt', 'select.slt'];

const READ_ONLY = /^\s*(SELECT|EXPLAIN|SHOW|VALUES|TABLE)\b/i;

async function checkCase(s: Session, c: LogicCase, where: string): Promise<void> {
  const sink = new RecordingSink();
  const error = await s.simpleQuery(c.sql, sink);
  if (c.kind === 'error') {
    expect(error, `${where} should fail`).not.toBeNull();
    const pat = c.expectError!;
    if (/^[0-9A-Z]{5}$/.test(pat)) expect(error!.code, `${where}: ${error!.message}`).toBe(pat);
    else expect(error!.message, where).toMatch(new RegExp(pat));
    return;
  }
  expect(error === null ? null : `${error.code} ${error.message}`, where).toBeNull();
  if (c.kind !== 'query') return;
  let got = (sink.results[sink.results.length - 1]?.rows ?? []).map((r) => r.map(fmtValue).join(' '));
  let want = c.expected!;
  if (c.rowsort) {
    got = [...got].sort();
    want = [...want].sort();
  }
  expect(got, where).toEqual(want);
}

describe('logic tests with statements alternating between two nodes', () => {
  for (const f of twoNodeFiles) {
    it(f, async () => {
      const db = `two_${f.replace(/\W/g, '_')}`;
      await rows(a, `CREATE DATABASE ${db}`);
      const sessions = [await sessionOn(nodeA, db), await sessionOn(nodeB, db)];
      let turn = 0;
      for (const c of parseLogicFile(readFileSync(join(logicDir, f), 'utf8'))) {
        // Switch nodes between statements, never inside an explicit transaction.
        if (sessions[turn]!.txnStatus() === 'I') turn = 1 - turn;
        // Read-only statements run on both nodes, so both caches hold what the next DDL changes.
        const both = sessions[0]!.txnStatus() === 'I' && sessions[1]!.txnStatus() === 'I' && READ_ONLY.test(c.sql) && !/nextval|setval|FOR UPDATE|FOR SHARE/i.test(c.sql);
        for (const n of both ? [1 - turn, turn] : [turn]) await checkCase(sessions[n]!, c, `${f}:${c.line} on node ${n === 0 ? 'A' : 'B'}: ${c.sql}`);
      }
    });
  }
});
