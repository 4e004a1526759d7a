// Range statements end to end through a Session: ALTER TABLE/INDEX … SPLIT AT, SHOW RANGES,
// shoal_internal.ranges, a range per table from CREATE TABLE, and queries returning the same
// rows before and after splits. Every scenario runs twice: over the real single-node KvDb
// (memory engine; needs storage's adminSplit and ranges) and over that KvDb with a fake range
// map (split points only), which pins the SQL side whatever storage does.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSqlServer } from '../../../sql/index.js';
import type { Session, SqlServer } from '../../../sql/index.js';
import { initParser, nodeTag, parseSql, shoalStmtOf } from '../../../sql/parse/index.js';
import { prettyKey, prettyKeyInTable } from '../../../sql/rowenc/index.js';
import { KEY_MAX, KEY_MIN, KeyWriter, indexPrefix, openKvDb, tablePrefix } from '../../../storage/index.js';
import type { KvDb, RangeInfo } from '../../../storage/index.js';
import { rows, run } from './harness.js';

/** The KvDb with its range map replaced by a list of split points (one node, one replica). */
function withFakeRanges(kv: KvDb): KvDb {
  const starts: Array<{ key: Buffer; id: number }> = [{ key: KEY_MIN, id: 1 }];
  let nextId = 2;
  const own = {
    async adminSplit(key: Buffer): Promise<void> {
      if (starts.some((s) => s.key.equals(key))) return;
      starts.push({ key, id: nextId++ });
      starts.sort((a, b) => Buffer.compare(a.key, b.key));
    },
    async ranges(key: Buffer, endKey: Buffer): Promise<RangeInfo[]> {
      return starts
        .map((s, i) => ({
          rangeId: s.id,
          startKey: s.key,
          endKey: starts[i + 1]?.key ?? KEY_MAX,
          replicas: [{ nodeId: 1, storeId: 1, replicaId: 1 }],
          leaseholder: 1,
          sizeBytes: 1234,
        }))
        .filter((r) => Buffer.compare(r.startKey, endKey) < 0 && Buffer.compare(r.endKey, key) > 0);
    },
  };
  // Everything else goes to the real KvDb (bound to it, whatever its class keeps privately).
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === 'adminSplit' || prop === 'ranges') return own[prop];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('Shoal statements parse', () => {
  beforeAll(async () => {
    await initParser();
  });

  test('mixed with PostgreSQL statements in one query string', () => {
    const stmts = parseSql("SELECT 'a;b'; ALTER TABLE s.t SPLIT AT VALUES (1, 'é'), (2); SHOW RANGES FROM INDEX t@t_pkey; SHOW ranges");
    expect(stmts.map((s) => nodeTag(s.ast))).toEqual(['SelectStmt', 'ShoalStmt', 'ShoalStmt', 'ShoalStmt']);
    expect(stmts[1]!.text).toBe("ALTER TABLE s.t SPLIT AT VALUES (1, 'é'), (2)");
    const split = shoalStmtOf(stmts[1]!.ast);
    expect(split?.kind === 'splitAt' && split.target).toEqual({ kind: 'table', table: { schema: 's', name: 't' } });
    expect(shoalStmtOf(stmts[2]!.ast)).toEqual({ kind: 'showRanges', target: { kind: 'tableIndex', table: { schema: null, name: 't' }, index: 't_pkey' } });
    expect(shoalStmtOf(stmts[3]!.ast)).toEqual({ kind: 'showRanges', target: null });
  });

  test('ALTER INDEX by bare name, quoted names, @primary', () => {
    const a = shoalStmtOf(parseSql('alter index public.t_k_idx split at select 1')[0]!.ast);
    expect(a?.kind === 'splitAt' && a.target).toEqual({ kind: 'index', index: { schema: 'public', name: 't_k_idx' } });
    const b = shoalStmtOf(parseSql('ALTER INDEX "My T"@primary SPLIT AT VALUES (1)')[0]!.ast);
    expect(b?.kind === 'splitAt' && b.target).toEqual({ kind: 'tableIndex', table: { schema: null, name: 'My T' }, index: 'primary' });
  });

  test('ordinary statements naming split or ranges are untouched', () => {
    expect(parseSql('SELECT split, ranges FROM t').map((s) => nodeTag(s.ast))).toEqual(['SelectStmt']);
    expect(nodeTag(parseSql('ALTER TABLE split ADD COLUMN ranges int')[0]!.ast)).toBe('AlterTableStmt');
  });

  test.each([
    ['ALTER TABLE t SPLIT AT', 23],
    ['ALTER TABLE t SPLIT VALUES (1)', 21],
    ['ALTER TABLE t SPLIT AT VALUES (1', 33],
    ['ALTER TABLE t SPLIT AT DELETE FROM t', 24],
    ['SHOW RANGES FROM t', 18],
    ['SHOW RANGES FROM TABLE t extra', 26],
  ])('%s is 42601 at position %i', (sql, position) => {
    let err: unknown = null;
    try {
      parseSql(sql);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: '42601', fields: { position } });
  });
});

describe('pretty keys', () => {
  const key = (id: number, ix: number, f: (w: KeyWriter) => void): Buffer => {
    const w = new KeyWriter(indexPrefix(id, ix));
    f(w);
    return w.finish();
  };

  test('whole keys', () => {
    expect(prettyKey(KEY_MIN)).toBe('/Min');
    expect(prettyKey(KEY_MAX)).toBe('/Max');
    expect(prettyKey(tablePrefix(104))).toBe('/Table/104');
    expect(prettyKey(key(104, 1, (w) => w.int(10).string('a"b')))).toBe('/Table/104/1/10/"a\\"b"');
    expect(prettyKey(key(104, 2, (w) => w.int(-7, true).bool(true).float(1.5)))).toBe('/Table/104/2/-7/true/1.5');
    expect(prettyKey(key(104, 1, (w) => w.bytes(Buffer.from([0, 1, 2]))))).toBe('/Table/104/1/0x000102');
    expect(prettyKey(key(104, 1, (w) => w.timestampMicros(1_700_000_000_123_000n)))).toBe('/Table/104/1/2023-11-14T22:13:20.123Z');
    expect(prettyKey(Buffer.concat([indexPrefix(104, 1), Buffer.from([0x7e])]))).toBe('/Table/104/1/NULL');
    expect(prettyKey(Buffer.from([0x03, 0xab]))).toBe('/System/0xab');
  });

  test('keys relative to a table', () => {
    expect(prettyKeyInTable(tablePrefix(104), 104)).toBe('…/<TableMin>');
    expect(prettyKeyInTable(tablePrefix(105), 104)).toBe('…/<TableMax>');
    expect(prettyKeyInTable(key(104, 1, (w) => w.int(10)), 104)).toBe('…/1/10');
    expect(prettyKeyInTable(tablePrefix(107), 104)).toBe('/Table/107');
    expect(prettyKeyInTable(KEY_MAX, 104)).toBe('/Max');
  });
});

type Row = (string | null)[];

for (const backend of ['fake range map', 'storage'] as const) {
  describe(`ranges over ${backend}`, () => {
    let kv: KvDb;
    let sql: SqlServer;
    let s: Session;

    beforeAll(async () => {
      const real = await openKvDb({ engine: 'memory' });
      kv = backend === 'storage' ? real : withFakeRanges(real);
      sql = await createSqlServer({ kv, logger: pino({ level: 'silent' }), nodeId: 1 });
      s = await sql.createSession({ user: 'root', database: 'defaultdb', startupParams: {} });
      await rows(s, 'CREATE TABLE t (id int PRIMARY KEY, k int, v text)');
      await rows(s, 'CREATE INDEX t_k_idx ON t (k)');
      await rows(s, "INSERT INTO t SELECT g, g % 7, 'v' || g FROM generate_series(1, 200) AS g");
      await rows(s, 'CREATE TABLE u (id int PRIMARY KEY, t_id int, w int)');
      await rows(s, 'INSERT INTO u SELECT g, (g * 3) % 200 + 1, g FROM generate_series(1, 100) AS g');
      await rows(s, 'CREATE TABLE c (a int, b text, n int, PRIMARY KEY (a, b))');
    });

    afterAll(async () => {
      await s?.close();
      await sql?.close();
      await kv?.close();
    });

    const showTable = async (name: string): Promise<Row[]> => rows(s, `SHOW RANGES FROM TABLE ${name}`);

    test('CREATE TABLE starts the table on its own range', async () => {
      const r = await showTable('c');
      expect(r).toHaveLength(1);
      expect(r[0]![0]).toBe('…/<TableMin>');
      const ranges = await rows(s, 'SELECT start_pretty FROM shoal_internal.ranges');
      const tid = (await rows(s, "SELECT 'c'::regclass::oid::int8 - 100000"))[0]![0];
      expect(ranges.map((x) => x[0])).toContain(`/Table/${tid}`);
    });

    test('queries return the same rows before and after splits', async () => {
      const queries = [
        'SELECT * FROM t WHERE id = 42',
        'SELECT * FROM t WHERE id = 150',
        'SELECT id, v FROM t WHERE id BETWEEN 45 AND 155 ORDER BY id',
        'SELECT id FROM t ORDER BY id DESC LIMIT 20',
        'SELECT id FROM t WHERE id > 90 ORDER BY id DESC',
        'SELECT id FROM t WHERE k = 3 ORDER BY id',
        'SELECT k, count(*), sum(id), min(v), max(v) FROM t GROUP BY k ORDER BY k',
        'SELECT count(*), sum(id) FROM t',
        'SELECT t.id, u.w FROM t JOIN u ON u.t_id = t.id ORDER BY t.id, u.w',
        'SELECT count(*) FROM t WHERE v LIKE $$v1%$$',
      ];
      const before: Row[][] = [];
      for (const q of queries) before.push(await rows(s, q));
      const split = await run(s, 'ALTER TABLE t SPLIT AT VALUES (50), (100), (150)');
      expect(split.error).toBeNull();
      expect(split.fields?.map((f) => f.name)).toEqual(['key', 'pretty', 'split_enforced_until']);
      expect(split.rows.map((r) => [r[1], r[2]])).toEqual([['/50', null], ['/100', null], ['/150', null]]);
      expect(split.rows[0]![0]).toMatch(/^\\x10/);
      expect(split.tag).toBe('SELECT 3');
      await rows(s, 'ALTER INDEX t@t_k_idx SPLIT AT VALUES (3)');
      expect((await rows(s, 'ALTER INDEX t_k_idx SPLIT AT VALUES (5, 100)')).map((r) => r[1])).toEqual(['/5/100']);
      await rows(s, 'ALTER TABLE u SPLIT AT SELECT g FROM generate_series(25, 75, 25) AS g');
      for (let i = 0; i < queries.length; i++) expect(await rows(s, queries[i]!), queries[i]).toEqual(before[i]);
      // Writes after the splits land on the right ranges too.
      await rows(s, "INSERT INTO t VALUES (201, 3, 'new'), (0, 5, 'zero')");
      await rows(s, 'UPDATE t SET v = v || $$!$$ WHERE id IN (49, 50, 51, 100)');
      expect(await rows(s, 'SELECT id, v FROM t WHERE id IN (0, 49, 50, 51, 100, 201) ORDER BY id')).toEqual([
        ['0', 'zero'], ['49', 'v49!'], ['50', 'v50!'], ['51', 'v51!'], ['100', 'v100!'], ['201', 'new'],
      ]);
      expect(await rows(s, 'SELECT count(*) FROM t WHERE k = 3')).toEqual([['30']]);
    });

    test('SHOW RANGES FROM TABLE and FROM INDEX list the ranges in key order', async () => {
      const r = await run(s, 'SHOW RANGES FROM TABLE t');
      expect(r.fields?.map((f) => f.name)).toEqual(['start_key', 'end_key', 'range_id', 'range_size_mb', 'lease_holder', 'replicas']);
      const spans = r.rows.map((x) => [x[0], x[1]]);
      // u was created right after t, so t's last range ends where u's table starts.
      expect(spans).toEqual([
        ['…/<TableMin>', '…/1/50'],
        ['…/1/50', '…/1/100'],
        ['…/1/100', '…/1/150'],
        ['…/1/150', '…/2/3'],
        ['…/2/3', '…/2/5/100'],
        ['…/2/5/100', '…/<TableMax>'],
      ]);
      for (const x of r.rows) {
        expect(x[4]).toBe('1');
        expect(x[5]).toBe('{1}');
        expect(Number(x[3])).toBeGreaterThanOrEqual(0);
      }
      expect(new Set(r.rows.map((x) => x[2])).size).toBe(r.rows.length);
      const ix = await rows(s, 'SHOW RANGES FROM INDEX t@t_k_idx');
      expect(ix.map((x) => x[0])).toEqual(['…/1/150', '…/2/3', '…/2/5/100']);
      expect(await rows(s, 'SHOW RANGES FROM INDEX t_k_idx')).toEqual(ix);
    });

    test('SHOW RANGES lists the database ranges with whole keys; shoal_internal.ranges tiles the key space', async () => {
      const all = await rows(s, 'SHOW RANGES');
      expect(all.length).toBeGreaterThanOrEqual(9);
      expect(all.map((x) => x[0])).toEqual(expect.arrayContaining([expect.stringMatching(/^\/Table\/\d+\/1\/50$/)]));
      const vt = await rows(s, 'SELECT start_pretty, end_pretty, start_key < end_key, lease_holder, replicas FROM shoal_internal.ranges ORDER BY start_key');
      // The store's first range starts where addressable keys do (META; LOCAL is replica-internal).
      expect(['/Min', '/Meta']).toContain(vt[0]![0]);
      expect(vt[vt.length - 1]![1]).toBe('/Max');
      for (let i = 0; i < vt.length; i++) {
        expect(vt[i]![2]).toBe('t');
        if (i > 0) expect(vt[i]![0]).toBe(vt[i - 1]![1]);
      }
      const splits = await rows(s, "SELECT regexp_replace(start_pretty, '^/Table/[0-9]+', '') FROM shoal_internal.ranges WHERE start_pretty ~ '^/Table/[0-9]+/' ORDER BY start_key");
      expect(splits.map((x) => x[0])).toEqual(['/1/50', '/1/100', '/1/150', '/2/3', '/2/5/100', '/1/25', '/1/50', '/1/75']);
    });

    test('SPLIT AT takes a key prefix, coerces values and is idempotent', async () => {
      expect((await rows(s, 'ALTER TABLE c SPLIT AT VALUES (1)')).map((x) => x[1])).toEqual(['/1']);
      const r = await rows(s, "ALTER TABLE c SPLIT AT VALUES (2, 'x'), ('3', 'y')");
      expect(r.map((x) => x[1])).toEqual(['/2/"x"', '/3/"y"']);
      const again = await run(s, "ALTER TABLE c SPLIT AT VALUES (2, 'x')");
      expect(again.error).toBeNull();
      expect((await showTable('c')).map((x) => x[0])).toEqual(['…/<TableMin>', '…/1/1', '…/1/2/"x"', '…/1/3/"y"']);
      expect((await rows(s, 'ALTER TABLE c SPLIT AT VALUES (4::int8)')).map((x) => x[1])).toEqual(['/4']);
    });

    test('hidden rowid keys, descending keys and NULLs', async () => {
      await rows(s, 'CREATE TABLE h (a int)');
      await rows(s, 'INSERT INTO h SELECT g FROM generate_series(1, 10) AS g');
      expect((await rows(s, 'ALTER TABLE h SPLIT AT VALUES (5)')).map((x) => x[1])).toEqual(['/5']);
      expect(await rows(s, 'SELECT count(*), sum(a) FROM h')).toEqual([['10', '55']]);
      await rows(s, 'CREATE TABLE d (id int PRIMARY KEY, x int)');
      await rows(s, 'CREATE INDEX d_x ON d (x DESC)');
      await rows(s, 'INSERT INTO d SELECT g, g FROM generate_series(1, 20) AS g');
      expect((await rows(s, 'ALTER INDEX d@d_x SPLIT AT VALUES (15), (5)')).map((x) => x[1])).toEqual(['/15', '/5']);
      expect((await rows(s, 'SHOW RANGES FROM INDEX d@d_x')).map((x) => x[0])).toEqual(['…/<TableMin>', '…/2/15', '…/2/5']);
      expect(await rows(s, 'SELECT x FROM d WHERE x BETWEEN 4 AND 16 ORDER BY x DESC LIMIT 3')).toEqual([['16'], ['15'], ['14']]);
      expect(await rows(s, 'SELECT min(x), max(x), count(*) FROM d WHERE x > 2')).toEqual([['3', '20', '18']]);
      expect((await rows(s, 'ALTER INDEX t@t_k_idx SPLIT AT VALUES (NULL)')).map((x) => x[1])).toEqual(['/NULL']);
    });

    test('ALTER TABLE IF EXISTS … SPLIT AT of a missing table is a notice', async () => {
      const r = await run(s, 'ALTER TABLE IF EXISTS nope SPLIT AT VALUES (1)');
      expect(r.error).toBeNull();
      expect(r.rows).toEqual([]);
      expect(r.sink.notices.map((n) => n.message)).toEqual(['relation "nope" does not exist, skipping']);
    });

    test('SHOW RANGES and SPLIT AT describe their rows in the extended protocol', async () => {
      await s.parse('sr', 'SHOW RANGES FROM TABLE t', []);
      expect(s.describeStatement('sr').fields?.map((f) => f.name)).toEqual(['start_key', 'end_key', 'range_id', 'range_size_mb', 'lease_holder', 'replicas']);
      await s.parse('sp', 'ALTER TABLE t SPLIT AT VALUES (175)', []);
      expect(s.describeStatement('sp').fields?.map((f) => f.name)).toEqual(['key', 'pretty', 'split_enforced_until']);
    });

    // Hidden from listings so psql's \dn and ORM introspection match PostgreSQL; queryable by name.
    test('shoal_internal resolves by name but is not listed', async () => {
      expect(await rows(s, "SELECT nspname FROM pg_namespace WHERE nspname = 'shoal_internal'")).toEqual([]);
      expect(await rows(s, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'shoal_internal'")).toEqual([]);
      const cols = await rows(s, 'SELECT * FROM shoal_internal.ranges LIMIT 0');
      expect(cols).toEqual([]);
      const got = await rows(s, 'SELECT count(*) > 0 FROM shoal_internal.ranges');
      expect(got).toEqual([['t']]);
    });

    test.each([
      ['ALTER TABLE nope SPLIT AT VALUES (1)', '42P01'],
      ['SHOW RANGES FROM TABLE nope', '42P01'],
      ['SHOW RANGES FROM INDEX t@nope', '42704'],
      ['ALTER INDEX nope SPLIT AT VALUES (1)', '42704'],
      ['ALTER TABLE t SPLIT VALUES (1)', '42601'],
      ["ALTER TABLE t SPLIT AT VALUES ('abc')", '22P02'],
      ['ALTER TABLE t SPLIT AT VALUES (true)', '42804'],
      ['ALTER TABLE t SPLIT AT VALUES (1, 2)', '42601'],
      ["ALTER TABLE c SPLIT AT VALUES (1, 'x', 3)", '42601'],
      ['ALTER TABLE pg_class SPLIT AT VALUES (1)', '42809'],
      ['ALTER TABLE t SPLIT AT SELECT', '42601'],
    ])('%s fails with %s', async (q, code) => {
      const r = await run(s, q);
      expect(r.error?.code, r.error?.message).toBe(code);
    });
  });
}

describe('size-based splits (storage, 16 KiB ranges)', () => {
  let kv: KvDb;
  let sql: SqlServer;
  let s: Session;

  beforeAll(async () => {
    kv = await openKvDb({ engine: 'memory' }, { rangeSizeMaxBytes: 16 * 1024 });
    sql = await createSqlServer({ kv, logger: pino({ level: 'silent' }), nodeId: 1 });
    s = await sql.createSession({ user: 'root', database: 'defaultdb', startupParams: {} });
  });

  afterAll(async () => {
    await s?.close();
    await sql?.close();
    await kv?.close();
  });

  test('a table loaded past the threshold spans several ranges and reads the same rows', async () => {
    await rows(s, 'CREATE TABLE big (id int PRIMARY KEY, k int, pad text)');
    await rows(s, 'CREATE INDEX big_k ON big (k)');
    const queries = [
      'SELECT count(*), sum(id), sum(k), min(pad), max(pad) FROM big',
      'SELECT id, k FROM big WHERE id IN (1, 777, 1500, 2999, 3000) ORDER BY id',
      'SELECT id FROM big WHERE id BETWEEN 1200 AND 1210 ORDER BY id DESC',
      'SELECT k, count(*) FROM big GROUP BY k ORDER BY k',
      'SELECT id FROM big WHERE k = 7 ORDER BY id DESC LIMIT 5',
    ];
    // Load in batches; size-based splits run in the background meanwhile.
    for (let from = 1; from <= 3000; from += 500) {
      await rows(s, `INSERT INTO big SELECT g, g % 13, repeat('x', 40) || g FROM generate_series(${from}, ${from + 499}) AS g`);
    }
    const before: Row[][] = [];
    for (const q of queries) before.push(await rows(s, q));
    expect(before[0]).toEqual([['3000', '4501500', String(sumMod(3000, 13)), `${'x'.repeat(40)}1`, `${'x'.repeat(40)}999`]]);
    // Wait (bounded, not timed) for the split queue to cut the table into several ranges.
    let ranges: Row[] = [];
    for (let i = 0; i < 500 && ranges.length < 3; i++) {
      await new Promise<void>((r) => setTimeout(r, 10));
      ranges = await rows(s, 'SHOW RANGES FROM TABLE big');
    }
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    expect(ranges[0]![0]).toBe('…/<TableMin>');
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
    for (let i = 0; i < queries.length; i++) expect(await rows(s, queries[i]!), queries[i]).toEqual(before[i]);
  });
});

function sumMod(n: number, m: number): number {
  let t = 0;
  for (let g = 1; g <= n; g++) t += g % m;
  return t;
}
