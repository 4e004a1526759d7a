// Durability under kill -9: while clients run transfer transactions (and pgbench runs
// TPC-B), the node is killed with SIGKILL and restarted on the same store. Every
// transaction acknowledged before the kill must be there afterwards, money is conserved,
// and the pgbench consistency check holds.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connect, removeDir, startNode, type NodeHandle } from './harness.js';
import { consistency, pgbench, pgbenchInit, type Target } from '../../bench/lib/tools.js';

let node: NodeHandle;
const accounts = 20;
const initialBalance = 1000;

beforeAll(async () => {
  node = await startNode();
  const c = await connect(node);
  await c.query('CREATE TABLE bank (id INT PRIMARY KEY, balance INT NOT NULL)');
  await c.query('CREATE TABLE ledger (id INT PRIMARY KEY, src INT, dst INT, amount INT)');
  await c.query(`INSERT INTO bank SELECT g, ${initialBalance} FROM generate_series(1, ${accounts}) AS g`);
  await c.end();
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await removeDir(node.storeDir);
});

/** Runs transfers until the connection dies; returns the ledger ids whose COMMIT was acknowledged. */
async function transferLoop(worker: number, acked: number[]): Promise<void> {
  let client: pg.Client;
  try {
    client = await connect(node);
  } catch {
    return;
  }
  client.on('error', () => {});
  for (let i = 0; ; i++) {
    const id = worker * 1_000_000 + i;
    const src = 1 + ((worker * 7 + i) % accounts);
    const dst = 1 + ((worker * 3 + i * 5 + 1) % accounts);
    if (src === dst) continue;
    try {
      await client.query('BEGIN');
      await client.query('UPDATE bank SET balance = balance - 1 WHERE id = $1', [src]);
      await client.query('UPDATE bank SET balance = balance + 1 WHERE id = $1', [dst]);
      await client.query('INSERT INTO ledger VALUES ($1, $2, $3, 1)', [id, src, dst]);
      await client.query('COMMIT');
      acked.push(id);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '40001' || code === '40P01') {
        await client.query('ROLLBACK').catch(() => {});
        continue;
      }
      return; // the node is gone
    }
  }
}

describe('kill -9 and restart', () => {
  test('acknowledged transfers survive; money is conserved', async () => {
    const acked: number[] = [];
    const workers = [0, 1, 2, 3].map((w) => transferLoop(w, acked));
    await new Promise((r) => setTimeout(r, 3000));
    const ackedBeforeKill = acked.length;
    await node.kill9();
    await Promise.all(workers);
    expect(ackedBeforeKill).toBeGreaterThan(10);
    await node.restart();
    const c = await connect(node);
    try {
      const ids = new Set((await c.query('SELECT id FROM ledger')).rows.map((r) => Number(r.id)));
      const missing = acked.filter((id) => !ids.has(id));
      expect(missing).toEqual([]);
      const total = (await c.query('SELECT sum(balance)::int AS s FROM bank')).rows[0].s;
      expect(total).toBe(accounts * initialBalance);
      // Every ledger row (acknowledged or in flight at the kill) moved exactly one unit.
      const net = await c.query('SELECT id, balance FROM bank ORDER BY id');
      const expected = new Map<number, number>();
      for (let i = 1; i <= accounts; i++) expected.set(i, initialBalance);
      for (const row of (await c.query('SELECT src, dst FROM ledger')).rows) {
        expected.set(row.src, expected.get(row.src)! - 1);
        expected.set(row.dst, expected.get(row.dst)! + 1);
      }
      for (const row of net.rows) expect(row.balance).toBe(expected.get(row.id));
    } finally {
      await c.end();
    }
  }, 120_000);

  test('pgbench killed mid-run: consistency holds after restart', async () => {
    const target: Target = { port: node.port, user: 'root', database: 'defaultdb' };
    await pgbenchInit(target, 1);
    const run = pgbench(target, ['-c', '4', '-j', '2', '-T', '30', '-M', 'prepared']).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 4000));
    await node.kill9();
    await run; // pgbench reports the lost connections; that is expected
    await node.restart();
    const c = await connect(node);
    try {
      const s = await consistency(c);
      expect(s.tellers).toBe(s.accounts);
      expect(s.branches).toBe(s.accounts);
      expect(s.history).toBe(s.accounts);
      expect(s.historyRows).toBeGreaterThan(0);
    } finally {
      await c.end();
    }
  }, 300_000);
});
