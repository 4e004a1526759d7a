// A real 3-node cluster (`shoal start` processes + `shoal init`, bench/lib/shoal.ts): every
// node serves SQL; a table created through node 1 is read and written through nodes 2 and 3
// with the same rows everywhere; pgbench -i through node 2, a run through node 2, and the
// TPC-B consistency check through node 3; a node restarted with the same command line comes
// back with the same node id; a second `shoal init` fails clearly; bad flags exit 2; and
// `shoal demo --nodes 3` prints three connection strings and stops on SIGTERM with code 0.
// Needs `npm run build`. Waits are bounded polls, never timing assertions.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consistency, pgbench, pgbenchInit, type Target } from '../../bench/lib/tools.js';
import { connect, removeDir, repoRoot, runShoal, startCluster, tempDir, type ClusterHandle } from './harness.js';

let cluster: ClusterHandle;
let baseDir: string;

beforeAll(async () => {
  baseDir = tempDir('e2e-cluster');
  cluster = await startCluster(3, { baseDir });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  if (baseDir) await removeDir(baseDir);
});

async function rows(nodeIndex: number, sql: string): Promise<unknown[]> {
  const client = await connect(cluster.nodes[nodeIndex]!);
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const target = (nodeIndex: number): Target => ({ port: cluster.nodes[nodeIndex]!.port, user: 'root', database: 'defaultdb' });

describe('3-node cluster', () => {
  test('every node has its own id and serves SQL; node status lists three live nodes', async () => {
    expect(cluster.nodes.map((n) => n.nodeId).sort()).toEqual([1, 2, 3]);
    expect(cluster.nodes[0]!.nodeId).toBe(1);
    for (let i = 0; i < 3; i++) expect(await rows(i, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    const status = await runShoal(['node', 'status', '--host', `127.0.0.1:${cluster.nodes[2]!.rpcPort}`]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(cluster.clusterId);
    const live = status.stdout.split('\n').filter((l) => /^\d+\s/.test(l) && l.trimEnd().endsWith('true'));
    expect(live).toHaveLength(3);
  });

  test('a table created through node 1 is readable and writable through nodes 2 and 3', async () => {
    await rows(0, 'CREATE TABLE kv (k INT PRIMARY KEY, v TEXT NOT NULL)');
    await rows(0, "INSERT INTO kv VALUES (1, 'one')");
    await rows(1, "INSERT INTO kv VALUES (2, 'two')");
    await rows(2, "INSERT INTO kv VALUES (3, 'three')");
    await rows(1, "UPDATE kv SET v = 'uno' WHERE k = 1");
    await rows(2, 'DELETE FROM kv WHERE k = 2');
    const expected = [
      { k: 1, v: 'uno' },
      { k: 3, v: 'three' },
    ];
    for (let i = 0; i < 3; i++) expect(await rows(i, 'SELECT k, v FROM kv ORDER BY k')).toEqual(expected);
  });

  test('pgbench -i -s 1 and a run through node 2, consistent through node 3', async () => {
    await pgbenchInit(target(1), 1);
    const s = await pgbench(target(1), ['-n', '-c', '2', '-j', '2', '-T', '3', '-M', 'prepared', '--max-tries', '10']);
    expect(s.failed, s.output).toBe(0);
    expect(s.processed, s.output).toBeGreaterThan(0);
    const client = await connect(cluster.nodes[2]!);
    try {
      const c = await consistency(client);
      expect(c.tellers).toBe(c.accounts);
      expect(c.branches).toBe(c.accounts);
      expect(c.history).toBe(c.accounts);
      expect(c.historyRows).toBe(s.processed);
      expect((await client.query('SELECT count(*)::int AS n FROM pgbench_accounts')).rows[0].n).toBe(100_000);
    } finally {
      await client.end();
    }
  }, 60_000);

  test('node 2 restarted with the same command line keeps its node id', async () => {
    const node = cluster.nodes[1]!;
    const id = node.nodeId;
    expect(await node.stop()).toBe(0);
    await node.restart();
    expect(node.nodeId).toBe(id);
    expect(node.stdout()).toContain('(restarted)');
    expect(await rows(1, 'SELECT k, v FROM kv ORDER BY k')).toEqual([
      { k: 1, v: 'uno' },
      { k: 3, v: 'three' },
    ]);
  }, 30_000);

  test('a second shoal init fails clearly with exit code 1', async () => {
    for (const n of [cluster.nodes[0]!, cluster.nodes[2]!]) {
      const r = await runShoal(['init', '--insecure', '--host', `127.0.0.1:${n.rpcPort}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('cluster has already been initialized');
      expect(r.stderr).toContain(cluster.clusterId);
    }
  });
});

describe('CLI', () => {
  test('bad flags exit with code 2', async () => {
    const cases = [
      ['start', '--store', 'x', '--join', 'a:1,,b:2'],
      ['start', '--listen-addr', 'nope'],
      ['start', '--store', 'x', '--bogus'],
      ['init', '--host', 'h:notaport'],
      ['node', 'frobnicate'],
      ['demo', '--nodes', '0'],
    ];
    for (const args of cases) {
      const r = await runShoal(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^shoal: /);
    }
  });

  test('demo --nodes 3 prints three connection strings and stops on SIGTERM with exit code 0', async () => {
    const dataDir = tempDir('e2e-demo');
    const [sql, rpc, http] = [await freeRun(3), await freeRun(3), await freeRun(3)];
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'dist/src/main.js'), 'demo', '--nodes', '3', '--data', dataDir, '--base-port', `${sql}`, '--rpc-base-port', `${rpc}`, '--http-base-port', `${http}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await until(() => (out.match(/postgresql:\/\/root@127\.0\.0\.1:\d+\/defaultdb\?sslmode=disable/g) ?? []).length >= 3 || child.exitCode !== null, 45_000);
      expect(out, err).toContain('3 nodes up');
      for (let i = 0; i < 3; i++) expect(out).toContain(`postgresql://root@127.0.0.1:${sql + i}/defaultdb?sslmode=disable`);
      child.kill('SIGTERM');
      expect(await exited, `${out}\n${err}`).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await removeDir(dataDir);
    }
  }, 60_000);
});

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** The first of `n` consecutive ports that are free right now. */
async function freeRun(n: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let p = base; p < base + n && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}
