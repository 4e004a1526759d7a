// Session behaviour through the pgwire contract (sql/session/api.ts): extended protocol,
// transaction states, COPY, settings and result metadata.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Session } from '../../../sql/index.js';
import { Oid } from '../../../sql/types/index.js';
import { RecordingSink, rows, run, startServer } from './harness.js';
import type { TestServer } from './harness.js';

let srv: TestServer;
let s: Session;

beforeAll(async () => {
  srv = await startServer();
  s = await srv.session();
  await rows(s, 'CREATE TABLE acc (aid int PRIMARY KEY, bal int, name varchar(10))');
  await rows(s, "INSERT INTO acc SELECT g, g * 10, 'n' || g FROM generate_series(1, 5) AS g");
});

afterAll(async () => {
  await srv.close();
});

describe('extended protocol', () => {
  test('infers parameter types from context', async () => {
    await s.parse('p1', 'UPDATE acc SET bal = bal + $1 WHERE aid = $2', []);
    expect(s.describeStatement('p1')).toEqual({ paramTypeOids: [Oid.int4, Oid.int4], fields: null });
    await s.parse('p2', 'SELECT bal, name FROM acc WHERE aid = $1', []);
    const d = s.describeStatement('p2');
    expect(d.paramTypeOids).toEqual([Oid.int4]);
    expect(d.fields!.map((f) => [f.name, f.typeOid, f.typeModifier, f.columnAttrNum])).toEqual([
      ['bal', Oid.int4, -1, 2],
      ['name', Oid.varchar, 14, 3],
    ]);
    expect(d.fields![0]!.tableOid).toBeGreaterThan(0);
    await s.sync();
  });

  test('bind, execute with a row limit, suspend and resume', async () => {
    await s.parse('', 'SELECT aid FROM acc WHERE aid >= $1 ORDER BY aid', [Oid.int4]);
    await s.bind('', '', [0], [Buffer.from('2')], []);
    const sink = new RecordingSink();
    expect(await s.execute('', 2, sink)).toBe('suspended');
    expect(sink.results[0]!.rows).toEqual([['2'], ['3']]);
    expect(await s.execute('', 0, sink)).toBe('complete');
    expect(sink.results[0]!.rows).toEqual([['2'], ['3'], ['4'], ['5']]);
    expect(sink.results[0]!.tag).toBe('SELECT 4');
    await s.sync();
  });

  test('binary parameters and results', async () => {
    await s.parse('', 'SELECT bal FROM acc WHERE aid = $1', [Oid.int4]);
    const p = Buffer.alloc(4);
    p.writeInt32BE(3);
    await s.bind('', '', [1], [p], [1]);
    const fields = s.describePortal('');
    expect(fields![0]!.format).toBe(1);
    const sink = new RecordingSink();
    let bin: Buffer | null = null;
    sink.dataRow = (values) => {
      bin = values[0] as Buffer;
    };
    await s.execute('', 0, sink);
    expect(bin!.readInt32BE(0)).toBe(30);
    await s.sync();
  });

  test('DML through the extended protocol reports its tag', async () => {
    await s.parse('', 'UPDATE acc SET bal = bal + $1 WHERE aid = $2', []);
    await s.bind('', '', [], [Buffer.from('5'), Buffer.from('1')], []);
    const sink = new RecordingSink();
    await s.execute('', 0, sink);
    expect(sink.results[0]!.tag).toBe('UPDATE 1');
    await s.sync();
    expect(await rows(s, 'SELECT bal FROM acc WHERE aid = 1')).toEqual([['15']]);
  });

  test('an error before Sync rolls the implicit transaction back', async () => {
    await s.parse('', 'INSERT INTO acc VALUES ($1, 0, NULL)', []);
    await s.bind('', '', [], [Buffer.from('100')], []);
    await s.execute('', 0, new RecordingSink());
    await s.parse('', 'SELECT 1/0', []);
    await s.bind('', '', [], [], []);
    const err = await s.execute('', 0, new RecordingSink()).catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('22012');
    s.abortExtended(err as never);
    await s.sync();
    expect(await rows(s, 'SELECT count(*) FROM acc WHERE aid = 100')).toEqual([['0']]);
  });
});

describe('transaction states', () => {
  test('idle, in transaction, failed, and COMMIT of a failed transaction', async () => {
    expect(s.txnStatus()).toBe('I');
    await rows(s, 'BEGIN');
    expect(s.txnStatus()).toBe('T');
    const r = await run(s, 'SELECT 1/0');
    expect(r.error!.code).toBe('22012');
    expect(s.txnStatus()).toBe('E');
    const r2 = await run(s, 'SELECT 1');
    expect(r2.error!.code).toBe('25P02');
    expect(r2.error!.message).toBe('current transaction is aborted, commands ignored until end of transaction block');
    const c = await run(s, 'COMMIT');
    expect(c.error).toBeNull();
    expect(c.tag).toBe('ROLLBACK');
    expect(s.txnStatus()).toBe('I');
  });

  test('COMMIT outside a transaction warns', async () => {
    const r = await run(s, 'COMMIT');
    expect(r.tag).toBe('COMMIT');
    expect(r.sink.notices[0]!.code).toBe('25P01');
  });

  test('multi-statement simple query is one implicit transaction', async () => {
    const r = await run(s, 'INSERT INTO acc VALUES (50, 0, NULL); INSERT INTO acc VALUES (50, 0, NULL)');
    expect(r.error!.code).toBe('23505');
    expect(await rows(s, 'SELECT count(*) FROM acc WHERE aid = 50')).toEqual([['0']]);
  });

  test('savepoints undo later writes', async () => {
    await rows(s, 'BEGIN');
    await rows(s, 'INSERT INTO acc VALUES (60, 0, NULL)');
    await rows(s, 'SAVEPOINT a');
    await rows(s, 'INSERT INTO acc VALUES (61, 0, NULL)');
    expect((await run(s, 'INSERT INTO acc VALUES (61, 0, NULL)')).error!.code).toBe('23505');
    expect(s.txnStatus()).toBe('E');
    await rows(s, 'ROLLBACK TO SAVEPOINT a');
    expect(s.txnStatus()).toBe('T');
    await rows(s, 'COMMIT');
    expect(await rows(s, 'SELECT aid FROM acc WHERE aid >= 60 ORDER BY aid')).toEqual([['60']]);
  });
});

describe('settings and metadata', () => {
  test('SET application_name reports ParameterStatus', async () => {
    const r = await run(s, "SET application_name = 'x1'");
    expect(r.tag).toBe('SET');
    expect(r.sink.params).toEqual([['application_name', 'x1']]);
  });

  test('column names follow PostgreSQL', async () => {
    const r = await run(s, "SELECT 1, count(*), 'a'::text, 'acc'::regclass::oid, aid AS k, now() IS NOT NULL FROM acc GROUP BY aid LIMIT 1");
    expect(r.fields!.map((f) => f.name)).toEqual(['?column?', 'count', 'text', 'oid', 'k', '?column?']);
  }, 10_000);

  test('SQL-level PREPARE / EXECUTE / DEALLOCATE', async () => {
    await rows(s, 'PREPARE q (int) AS SELECT name FROM acc WHERE aid = $1');
    expect(await rows(s, 'EXECUTE q(2)')).toEqual([['n2']]);
    await rows(s, 'DEALLOCATE q');
    expect((await run(s, 'EXECUTE q(2)')).error!.code).toBe('26000');
  });
});

describe('COPY', () => {
  test('FROM STDIN in text and csv, TO STDOUT', async () => {
    await rows(s, 'CREATE TABLE cp (a int PRIMARY KEY, b text)');
    const sink = new RecordingSink();
    sink.copyInput = ['1\tone\n2\t\\N\n', '3\tth', 'ree\n\\.\n'];
    const r = await run(s, 'COPY cp FROM STDIN', sink);
    expect(r.error).toBeNull();
    expect(r.tag).toBe('COPY 3');
    const csv = new RecordingSink();
    csv.copyInput = ['a,b\n4,"x,y"\n5,\n'];
    expect((await run(s, 'COPY cp (a, b) FROM STDIN WITH (FORMAT csv, HEADER true)', csv)).tag).toBe('COPY 2');
    const out = new RecordingSink();
    await run(s, 'COPY cp TO STDOUT', out);
    expect(out.copyOut.join('')).toBe('1\tone\n2\t\\N\n3\tthree\n4\tx,y\n5\t\\N\n');
    const dup = new RecordingSink();
    dup.copyInput = ['1\tagain\n'];
    expect((await run(s, 'COPY cp FROM STDIN', dup)).error!.code).toBe('23505');
  });
});
