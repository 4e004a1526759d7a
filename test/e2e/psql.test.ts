// psql against Shoal, checked differentially against a real PostgreSQL 15 started in a
// temp dir: both get the same pgbench schema (pgbench -i), then psql's meta-commands
// (\dt, \d TABLE, \di, \dn, \du) must print the same text on both.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPostgres, type PostgresHandle } from '../../bench/lib/postgres.js';
import { freePort, removeDir, startNode, type NodeHandle } from './harness.js';
import { pgbenchInit, psql, type Target } from '../../bench/lib/tools.js';

let node: NodeHandle;
let postgres: PostgresHandle;
let shoal: Target;
let oracle: Target;

beforeAll(async () => {
  [node, postgres] = await Promise.all([startNode(), freePort().then((p) => startPostgres(p))]);
  // Same user name on both, so owners print alike.
  shoal = { port: node.port, user: 'postgres', database: 'defaultdb' };
  oracle = { port: postgres.port, user: 'postgres', database: 'postgres' };
  await Promise.all([pgbenchInit(shoal, 1), pgbenchInit(oracle, 1)]);
}, 300_000);

afterAll(async () => {
  await node?.stop();
  await removeDir(node.storeDir);
  await postgres?.stop();
});

describe('psql meta-commands match PostgreSQL', () => {
  test('psql -c runs a query', async () => {
    const out = await psql(shoal, 'SELECT 1 + 1 AS two');
    expect(out).toBe(' two \n-----\n   2\n(1 row)\n\n');
  });

  for (const cmd of ['\\dt', '\\d pgbench_accounts', '\\d pgbench_branches', '\\d pgbench_history', '\\di', '\\dn']) {
    test(`${cmd} prints what PostgreSQL prints`, async () => {
      const [got, want] = await Promise.all([psql(shoal, cmd), psql(oracle, cmd)]);
      expect(got).toBe(want);
    });
  }

  test('\\du lists the superuser', async () => {
    const out = await psql(shoal, '\\du');
    expect(out).toMatch(/List of roles/);
    expect(out).toMatch(/root\s+\|\s+Superuser/);
  });

  test('\\l lists the databases', async () => {
    const out = await psql(shoal, '\\l');
    expect(out).toMatch(/List of databases/);
    expect(out).toMatch(/defaultdb/);
    expect(out).toMatch(/postgres/);
  });
});
