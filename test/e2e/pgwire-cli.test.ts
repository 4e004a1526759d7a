// The `shoal` CLI as a user runs it (dist/src/main.js, built by `npm run build`):
// start-single-node prints its ready line, serves psql and pg, /health and /metrics, and
// stops cleanly on SIGTERM; demo runs in the foreground, stops on SIGINT and resumes from
// its data directory; version and --help print and exit.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort, removeDir, repoRoot, tempDir } from './harness.js';
import { psql, run } from '../../bench/lib/tools.js';

const mainJs = join(repoRoot, 'dist/src/main.js');
const dirs: string[] = [];
const procs: ChildProcess[] = [];

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const d of dirs) await removeDir(d);
});

interface Running {
  child: ChildProcess;
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the CLI and waits until stdout contains `readyText`. */
async function launch(args: string[], readyText = 'ready'): Promise<Running> {
  const child = spawn(process.execPath, [mainJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal })),
  );
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`not ready in time\n${out}\n${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(readyText)) {
        clearTimeout(timer);
        res();
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      rej(new Error(`exited early (${code})\n${out}\n${err}`));
    });
  });
  return { child, stdout: () => out, exited };
}

describe('shoal CLI', () => {
  test('version and help', async () => {
    const v = await run(process.execPath, [mainJs, 'version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^shoal \d+\.\d+\.\d+\n$/);
    const h = await run(process.execPath, [mainJs, '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('start-single-node');
    const bad = await run(process.execPath, [mainJs, 'start-single-node', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage');
  });

  test('start-single-node serves clients and stops on SIGTERM', async () => {
    const dir = tempDir('cli');
    dirs.push(dir);
    const [port, httpPort] = [await freePort(), await freePort()];
    const node = await launch(['start-single-node', '--store', dir, '--sql-addr', `127.0.0.1:${port}`, '--http-addr', `127.0.0.1:${httpPort}`]);
    expect(node.stdout()).toContain(`shoal node 1 ready: postgresql://root@127.0.0.1:${port}/defaultdb?sslmode=disable\n`);

    expect(await psql({ port, user: 'root', database: 'defaultdb' }, 'select 1')).toContain('(1 row)');
    const client = new pg.Client({ connectionString: `postgresql://root@127.0.0.1:${port}/defaultdb` });
    const errors: Array<{ code?: string }> = [];
    client.on('error', (e) => errors.push(e as { code?: string }));
    await client.connect();
    expect((await client.query('SELECT $1::int + 1 AS n', [41])).rows).toEqual([{ n: 42 }]);

    const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect([health.status, await health.text()]).toEqual([200, 'ok']);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^shoal_sql_connections_open 1$/m);

    node.child.kill('SIGTERM');
    expect(await node.exited).toEqual({ code: 0, signal: null });
    expect(errors[0]?.code).toBe('57P01');
  });

  test('demo runs in the foreground, stops on SIGINT and resumes from its data', async () => {
    const data = tempDir('demo');
    dirs.push(data);
    const [port, httpPort, rpcPort] = [await freePort(), await freePort(), await freePort()];
    const args = ['demo', '--data', data, '--base-port', String(port), '--http-base-port', String(httpPort), '--rpc-base-port', String(rpcPort)];
    const first = await launch(args, 'logs: ');
    expect(first.stdout()).toContain(`postgresql://root@127.0.0.1:${port}/defaultdb?sslmode=disable`);
    const c1 = new pg.Client({ host: '127.0.0.1', port, user: 'root', database: 'defaultdb' });
    c1.on('error', () => {});
    await c1.connect();
    await c1.query('CREATE TABLE kept (id INT PRIMARY KEY, v TEXT)');
    await c1.query("INSERT INTO kept VALUES (1, 'one'), (2, 'two')");
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(0);

    const second = await launch(args, 'logs: ');
    const c2 = new pg.Client({ host: '127.0.0.1', port, user: 'root', database: 'defaultdb' });
    c2.on('error', () => {});
    await c2.connect();
    expect((await c2.query('SELECT id, v FROM kept ORDER BY id')).rows).toEqual([
      { id: 1, v: 'one' },
      { id: 2, v: 'two' },
    ]);
    second.child.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
  }, 120_000);
});
