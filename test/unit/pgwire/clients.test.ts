// Real client libraries against the pgwire server and the fake session: node-postgres
// (`pg`) with simple and extended query, binary parameters, errors, cleartext and
// SCRAM-SHA-256 passwords, cancel; and `postgres` (porsager) which pipelines extended query.

import { connect } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { PasswordAuthenticator } from '../../../src/pgwire/auth.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

function client(port: number, extra: Partial<pg.ClientConfig> = {}): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port, user: 'root', database: 'defaultdb', ...extra });
}

describe('pg (node-postgres)', () => {
  it('runs simple and extended queries with text and binary params', async () => {
    h = await startHarness();
    const c = client(h.port);
    await c.connect();
    const simple = await c.query('select 5');
    expect(simple.rows).toEqual([{ '?column?': 5 }]);
    expect(simple.command).toBe('SELECT');

    const ext = await c.query('echo $1 $2 $3', ['hello', Buffer.from([0xde, 0xad]), null]);
    expect(ext.rows).toEqual([{ p1: 'hello', p2: '\\xdead', p3: null }]);

    const named = { name: 'cnt', text: 'count 3', values: [] };
    expect((await c.query(named)).rows.map((r) => r.n)).toEqual([1, 2, 3]);
    expect((await c.query(named)).rowCount).toBe(3);
    await c.end();
  });

  it('surfaces SqlErrors as DatabaseError and keeps the connection usable', async () => {
    h = await startHarness();
    const c = client(h.port);
    await c.connect();
    await expect(c.query('error')).rejects.toMatchObject({ code: '42601', position: '1', hint: 'try harder' });
    await expect(c.query('error $1', [1])).rejects.toMatchObject({ code: '42601' });
    await expect(c.query('crash')).rejects.toMatchObject({ code: 'XX000' });
    expect((await c.query('select 3')).rows).toEqual([{ '?column?': 3 }]);
    await c.end();
  });

  it('authenticates with SCRAM-SHA-256 and refuses a wrong password', async () => {
    h = await startHarness({ authenticator: new PasswordAuthenticator(new Map([['root', 'pässword']])) });
    const ok = client(h.port, { password: 'pässword' });
    await ok.connect();
    expect((await ok.query('select 1')).rows).toHaveLength(1);
    await ok.end();
    const bad = client(h.port, { password: 'nope' });
    await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
    const unknown = client(h.port, { user: 'ghost', password: 'pässword' });
    await expect(unknown.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('authenticates with a cleartext password', async () => {
    h = await startHarness({ authenticator: new PasswordAuthenticator(new Map([['root', 'pw']]), 'password') });
    const ok = client(h.port, { password: 'pw' });
    await ok.connect();
    await ok.end();
    await expect(client(h.port, { password: 'x' }).connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('cancels a running query through a second connection', async () => {
    h = await startHarness();
    const c = client(h.port);
    await c.connect();
    const running = c.query('sleep');
    await new Promise((r) => setTimeout(r, 50));
    // What pg.cancel does: a new connection sending CancelRequest with the client's key.
    const key = c as unknown as { processID: number; secretKey: number };
    const sock = connect(h.port, '127.0.0.1');
    sock.end(serialize.cancel(key.processID, key.secretKey));
    await expect(running).rejects.toMatchObject({ code: '57014' });
    expect((await c.query('select 2')).rows).toHaveLength(1);
    await c.end();
  });

  it('serves many clients concurrently', async () => {
    h = await startHarness();
    const clients = Array.from({ length: 20 }, () => client(h!.port));
    await Promise.all(clients.map((c) => c.connect()));
    const results = await Promise.all(clients.map((c, i) => c.query('echo $1', [String(i)])));
    expect(results.map((r) => r.rows[0].p1)).toEqual(clients.map((_, i) => String(i)));
    await Promise.all(clients.map((c) => c.end()));
  });
});

describe('postgres (porsager)', () => {
  it('runs pipelined extended queries', async () => {
    h = await startHarness();
    const sql = postgres({ host: '127.0.0.1', port: h.port, user: 'root', database: 'defaultdb', max: 1, fetch_types: false });
    const [a, b] = await Promise.all([sql.unsafe('select 11'), sql.unsafe('echo $1', ['x'])]);
    expect(a).toEqual([{ '?column?': 11 }]);
    expect(b).toEqual([{ p1: 'x' }]);
    await expect(sql.unsafe('error')).rejects.toMatchObject({ code: '42601' });
    const many = await sql.unsafe('count 1000');
    expect(many).toHaveLength(1000);
    await sql.end();
  });
});
