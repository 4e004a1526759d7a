// The composition root with the SQL layer replaced by the fake: a node serves pgwire,
// /health and /metrics, honours a password file, and stops in order.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeConfigDefault, parseHostPort, connectionUrl, type NodeConfig } from '../../../src/server/config.js';
import { ShoalNode } from '../../../src/server/node.js';
import { FakeSqlServer } from './fake-session.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function start(overrides: Partial<NodeConfig> = {}): Promise<{ node: ShoalNode; sql: FakeSqlServer }> {
  const sql = new FakeSqlServer();
  let closed = false;
  sql.close = async () => {
    closed = true;
  };
  const node = await ShoalNode.start(
    { ...nodeConfigDefault, sqlAddr: { host: '127.0.0.1', port: 0 }, httpAddr: { host: '127.0.0.1', port: 0 }, ...overrides },
    { logger: pino({ level: 'silent' }), createSqlServer: async () => sql },
  );
  stops.push(async () => {
    await node.stop();
    expect(closed).toBe(true);
  });
  return { node, sql };
}

describe('ShoalNode', () => {
  it('serves SQL, /health and /metrics', async () => {
    const { node } = await start();
    expect(node.url()).toMatch(/^postgresql:\/\/root@127\.0\.0\.1:\d+\/defaultdb\?sslmode=disable$/);
    const c = new pg.Client({ connectionString: node.url() });
    await c.connect();
    expect((await c.query('select 4')).rows).toEqual([{ '?column?': 4 }]);
    const http = node.httpAddress()!;
    const health = await fetch(`http://127.0.0.1:${http.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    const metrics = await (await fetch(`http://127.0.0.1:${http.port}/metrics`)).text();
    expect(metrics).toContain('# TYPE shoal_sql_connections_total counter');
    expect(metrics).toMatch(/^shoal_sql_connections_open 1$/m);
    expect(metrics).toMatch(/^shoal_sql_queries_total 1$/m);
    expect((await fetch(`http://127.0.0.1:${http.port}/nope`)).status).toBe(404);
    await c.end();
  });

  it('stops: clients are told, the ports close', async () => {
    const { node } = await start();
    const c = new pg.Client({ connectionString: node.url() });
    const errors: unknown[] = [];
    c.on('error', (e) => errors.push(e));
    await c.connect();
    const http = node.httpAddress()!;
    await node.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(errors[0]).toMatchObject({ code: '57P01' });
    await expect(fetch(`http://127.0.0.1:${http.port}/health`)).rejects.toThrow();
    await expect(new pg.Client({ connectionString: node.url() }).connect()).rejects.toThrow();
  });

  it('requires passwords from a password file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shoal-node-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'passwords');
    await writeFile(file, '# users\nroot:hunter2\n\nalice:a:b\n');
    const { node } = await start({ passwordFile: file });
    const port = node.sqlAddress().port;
    const ok = new pg.Client({ host: '127.0.0.1', port, user: 'alice', password: 'a:b', database: 'd' });
    await ok.connect();
    await ok.end();
    const bad = new pg.Client({ host: '127.0.0.1', port, user: 'root', password: 'hunter3', database: 'd' });
    await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('serves TLS from a certs dir', async () => {
    const certsDir = join(import.meta.dirname, 'fixtures');
    const { node } = await start({ certsDir });
    const c = new pg.Client({
      host: '127.0.0.1',
      port: node.sqlAddress().port,
      user: 'root',
      database: 'd',
      ssl: { ca: await readFile(join(certsDir, 'node.crt')), servername: 'localhost' },
    });
    await c.connect();
    expect((await c.query('select 1')).rows).toHaveLength(1);
    await c.end();
  });

  it('fails to start on a busy port and cleans up', async () => {
    const { node } = await start();
    const sql = new FakeSqlServer();
    let closed = false;
    sql.close = async () => {
      closed = true;
    };
    await expect(
      ShoalNode.start(
        { ...nodeConfigDefault, sqlAddr: node.sqlAddress(), httpAddr: null },
        { logger: pino({ level: 'silent' }), createSqlServer: async () => sql },
      ),
    ).rejects.toThrow(/EADDRINUSE/);
    expect(closed).toBe(true);
  });
});

describe('config helpers', () => {
  it('parses addresses', () => {
    expect(parseHostPort('localhost:5432')).toEqual({ host: 'localhost', port: 5432 });
    expect(parseHostPort(':26257')).toEqual({ host: '127.0.0.1', port: 26257 });
    expect(parseHostPort('26258')).toEqual({ host: '127.0.0.1', port: 26258 });
    expect(parseHostPort('[::1]:1')).toEqual({ host: '::1', port: 1 });
    expect(() => parseHostPort('host:')).toThrow();
    expect(() => parseHostPort('host:99999')).toThrow();
    expect(connectionUrl({ host: '0.0.0.0', port: 5 })).toBe('postgresql://root@127.0.0.1:5/defaultdb?sslmode=disable');
  });
});
