// End to end with node-postgres against a real single-node Shoal process: DDL, DML,
// transactions, both protocols, binary parameters, and the SQLSTATEs of common errors.
// Each error leaves the session usable, and other sessions are never disturbed.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connect, removeDir, startNode, type NodeHandle } from './harness.js';

let node: NodeHandle;
let client: pg.Client;

beforeAll(async () => {
  node = await startNode();
  client = await connect(node);
});

afterAll(async () => {
  await client?.end();
  await node?.stop();
  await removeDir(node.storeDir);
});

async function sqlstateOf(promise: Promise<unknown>): Promise<{ code: string; position?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code: string; position?: string; message: string };
    return { code: e.code, position: e.position, message: e.message };
  }
  throw new Error('expected an error');
}

describe('pg client end to end', () => {
  test('select without a table', async () => {
    const r = await client.query('SELECT 1 AS one, $1::text AS two', ['x']);
    expect(r.rows).toEqual([{ one: 1, two: 'x' }]);
  });

  test('create, insert, select, update, delete', async () => {
    await client.query('CREATE TABLE kv (k INT PRIMARY KEY, v TEXT NOT NULL, n NUMERIC(10,2) DEFAULT 0)');
    const ins = await client.query("INSERT INTO kv VALUES (1, 'a', 1.5), (2, 'b', 2.25), (3, 'c', DEFAULT) RETURNING k");
    expect(ins.rowCount).toBe(3);
    expect(ins.rows.map((r) => r.k)).toEqual([1, 2, 3]);
    const sel = await client.query('SELECT k, v, n FROM kv WHERE k >= $1 ORDER BY k DESC', [2]);
    expect(sel.rows).toEqual([
      { k: 3, v: 'c', n: '0.00' },
      { k: 2, v: 'b', n: '2.25' },
    ]);
    const upd = await client.query("UPDATE kv SET v = v || '!' WHERE k = 1");
    expect(upd.rowCount).toBe(1);
    expect((await client.query('SELECT v FROM kv WHERE k = 1')).rows[0].v).toBe('a!');
    const del = await client.query('DELETE FROM kv WHERE k = 2');
    expect(del.rowCount).toBe(1);
    expect((await client.query('SELECT count(*)::int AS c FROM kv')).rows[0].c).toBe(2);
  });

  test('explicit transactions commit and roll back', async () => {
    await client.query('CREATE TABLE acct (id INT PRIMARY KEY, bal INT)');
    await client.query('BEGIN');
    await client.query('INSERT INTO acct VALUES (1, 100)');
    await client.query('ROLLBACK');
    expect((await client.query('SELECT count(*)::int AS c FROM acct')).rows[0].c).toBe(0);
    await client.query('BEGIN');
    await client.query('INSERT INTO acct VALUES (1, 100), (2, 50)');
    await client.query('SAVEPOINT s');
    await client.query('UPDATE acct SET bal = 0');
    await client.query('ROLLBACK TO SAVEPOINT s');
    await client.query('COMMIT');
    const r = await client.query('SELECT id, bal FROM acct ORDER BY id');
    expect(r.rows).toEqual([
      { id: 1, bal: 100 },
      { id: 2, bal: 50 },
    ]);
  });

  test('a failed transaction refuses commands until rollback (25P02)', async () => {
    await client.query('BEGIN');
    await sqlstateOf(client.query('SELECT * FROM no_such_table'));
    const e = await sqlstateOf(client.query('SELECT 1'));
    expect(e.code).toBe('25P02');
    await client.query('ROLLBACK');
    expect((await client.query('SELECT 2 AS x')).rows[0].x).toBe(2);
  });

  test('syntax error: 42601 with position', async () => {
    const e = await sqlstateOf(client.query('SELECT * FORM kv'));
    expect(e.code).toBe('42601');
    expect(e.position).toBe('10');
  });

  test('unknown table: 42P01', async () => {
    const e = await sqlstateOf(client.query('SELECT * FROM nope'));
    expect(e.code).toBe('42P01');
    expect(e.message).toBe('relation "nope" does not exist');
  });

  test('bad integer literal: 22P02', async () => {
    const e = await sqlstateOf(client.query("SELECT 'abc'::int"));
    expect(e.code).toBe('22P02');
    expect(e.message).toBe('invalid input syntax for type integer: "abc"');
  });

  test('unique violation: 23505', async () => {
    await client.query('CREATE TABLE u (id INT PRIMARY KEY, email TEXT UNIQUE)');
    await client.query("INSERT INTO u VALUES (1, 'a@x')");
    const e1 = await sqlstateOf(client.query("INSERT INTO u VALUES (1, 'b@x')"));
    expect(e1.code).toBe('23505');
    expect(e1.message).toBe('duplicate key value violates unique constraint "u_pkey"');
    const e2 = await sqlstateOf(client.query("INSERT INTO u VALUES (2, 'a@x')"));
    expect(e2.code).toBe('23505');
    expect(e2.message).toBe('duplicate key value violates unique constraint "u_email_key"');
  });

  test('not-null violation: 23502', async () => {
    const e = await sqlstateOf(client.query('INSERT INTO kv (k) VALUES (10)'));
    expect(e.code).toBe('23502');
    expect(e.message).toBe('null value in column "v" of relation "kv" violates not-null constraint');
  });

  test('binary parameters and results through prepared statements', async () => {
    await client.query('CREATE TABLE bin (id BIGINT PRIMARY KEY, f FLOAT8, b BOOL, ts TIMESTAMPTZ, u UUID, d DATE, by BYTEA)');
    const ts = new Date('2024-05-06T07:08:09.123Z');
    await client.query({
      name: 'ins-bin',
      text: 'INSERT INTO bin VALUES ($1, $2, $3, $4, $5, $6, $7)',
      values: ['9007199254740993', 1.5, true, ts, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29', Buffer.from([0, 1, 255])],
    });
    const r = await client.query({ name: 'sel-bin', text: 'SELECT * FROM bin WHERE id = $1', values: ['9007199254740993'] });
    expect(r.rows[0].id).toBe('9007199254740993');
    expect(r.rows[0].f).toBe(1.5);
    expect(r.rows[0].b).toBe(true);
    expect((r.rows[0].ts as Date).toISOString()).toBe(ts.toISOString());
    expect(r.rows[0].u).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(Buffer.compare(r.rows[0].by, Buffer.from([0, 1, 255]))).toBe(0);
  });

  test('other sessions keep working while one fails', async () => {
    const other = await connect(node);
    try {
      await sqlstateOf(client.query('SELECT 1/0'));
      expect((await other.query('SELECT 42 AS x')).rows[0].x).toBe(42);
      expect((await client.query('SELECT 43 AS x')).rows[0].x).toBe(43);
    } finally {
      await other.end();
    }
  });
});
