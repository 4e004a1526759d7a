// pgbench, unmodified, against a real single-node Shoal: initialization, then TPC-B-like
// runs in each query mode (simple, extended, prepared) with zero failed transactions, and
// afterwards the TPC-B consistency check (runs use -n so pgbench keeps the history table): every balance total equals the history's delta
// total, and history holds one row per processed transaction.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connect, removeDir, startNode, type NodeHandle } from './harness.js';
import { consistency, pgbench, pgbenchInit, type Target } from '../../bench/lib/tools.js';

let node: NodeHandle;
let target: Target;

beforeAll(async () => {
  node = await startNode();
  target = { port: node.port, user: 'postgres', database: 'defaultdb' };
}, 120_000);

afterAll(async () => {
  await node?.stop();
  await removeDir(node.storeDir);
});

describe('pgbench', () => {
  test('pgbench -i -s 1 builds the tables', async () => {
    await pgbenchInit(target, 1);
    const client = await connect(node);
    try {
      const counts = await client.query(
        'SELECT (SELECT count(*) FROM pgbench_accounts) AS a, (SELECT count(*) FROM pgbench_tellers) AS t, (SELECT count(*) FROM pgbench_branches) AS b',
      );
      expect(counts.rows[0]).toEqual({ a: '100000', t: '10', b: '1' });
    } finally {
      await client.end();
    }
  }, 300_000);

  let processed = 0;
  for (const mode of ['simple', 'extended', 'prepared']) {
    test(`pgbench -c 4 -T 5 -M ${mode}: zero failures, consistent`, async () => {
      const s = await pgbench(target, ['-n', '-c', '4', '-j', '2', '-T', '5', '-M', mode, '--max-tries', '10']);
      expect(s.failed, s.output).toBe(0);
      expect(s.processed, s.output).toBeGreaterThan(0);
      processed += s.processed;
      const client = await connect(node);
      try {
        const c = await consistency(client);
        expect(c.tellers).toBe(c.accounts);
        expect(c.branches).toBe(c.accounts);
        expect(c.history).toBe(c.accounts);
        expect(c.historyRows).toBe(processed);
      } finally {
        await client.end();
      }
    }, 120_000);
  }
});
