// End-to-end test harness: real `shoal` processes (bench/lib/shoal.ts) plus a pg client
// helper. Tests drive the nodes with real clients (pg, psql, pgbench).

import pg from 'pg';

export * from '../../bench/lib/shoal.js';

/** A connected pg client; the caller ends it. */
export async function connect(node: { port: number }, database = 'defaultdb'): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port: node.port, user: 'root', database });
  await client.connect();
  return client;
}
