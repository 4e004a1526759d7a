// Starts real `shoal` node processes (the compiled CLI, as a user would run it) on
// 127.0.0.1 ports with data in a temp dir, and stops, kills or restarts them. Used by the
// end-to-end tests (test/e2e) and the benchmark harness.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file holding package.json (works from dist/ too). */
export const repoRoot = findRoot(import.meta.dirname);
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'tsconfig.build.json')) === false) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${start}`);
    dir = up;
  }
  return dir;
}
const mainJs = join(repoRoot, 'dist/src/main.js');

/** A port the OS just handed out; free for a moment. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') throw new Error('no port');
      srv.close(() => res(addr.port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `shoal-${prefix}-`));
}

export interface NodeHandle {
  readonly port: number;
  readonly storeDir: string;
  readonly url: string;
  process: ChildProcess;
  /** Everything the process wrote to stderr (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  restart(): Promise<void>;
}

const readyTimeoutMs = 30_000;

async function launch(storeDir: string, port: number, httpPort: number, extraEnv: Record<string, string>) {
  if (!existsSync(mainJs)) throw new Error(`${mainJs} missing: run npm run build`);
  const child = spawn(
    process.execPath,
    [mainJs, 'start-single-node', '--store', storeDir, '--sql-addr', `127.0.0.1:${port}`, '--http-addr', `127.0.0.1:${httpPort}`],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...extraEnv } },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`node did not become ready in ${readyTimeoutMs} ms\n${out}\n${err}`)), readyTimeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) {
        clearTimeout(timer);
        res();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`node exited early (code ${code}, signal ${signal})\n${out}\n${err}`));
    });
  });
  return { child, stderr: () => err };
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => child.once('exit', () => res()));
}

/** Starts one single-node Shoal process with a fresh (or given) store directory. */
export async function startNode(opts: { storeDir?: string; env?: Record<string, string> } = {}): Promise<NodeHandle> {
  const storeDir = opts.storeDir ?? tempDir('store');
  const port = await freePort();
  const httpPort = await freePort();
  const env = opts.env ?? {};
  let launched = await launch(storeDir, port, httpPort, env);
  const handle: NodeHandle = {
    port,
    storeDir,
    url: `postgresql://root@127.0.0.1:${port}/defaultdb?sslmode=disable`,
    process: launched.child,
    stderr: () => launched.stderr(),
    async stop() {
      handle.process.kill('SIGTERM');
      await waitExit(handle.process);
    },
    async kill9() {
      handle.process.kill('SIGKILL');
      await waitExit(handle.process);
    },
    async restart() {
      launched = await launch(storeDir, port, httpPort, env);
      handle.process = launched.child;
    },
  };
  return handle;
}

export async function removeDir(dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
}


// ---- multi-node clusters (`shoal start` + `shoal init`) ----

/** A node process of a cluster started by startCluster. */
export interface ClusterNodeHandle {
  /** 1-based position in the cluster (process order; node ids are assigned at join). */
  readonly index: number;
  /** The node id from the ready line (kept across restarts). */
  nodeId: number;
  /** SQL port. */
  readonly port: number;
  readonly rpcPort: number;
  readonly httpPort: number;
  readonly storeDir: string;
  readonly url: string;
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** SIGTERM and wait; resolves with the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
  /** Starts the node again with the same command line and waits until it serves SQL. */
  restart(): Promise<void>;
}

export interface ClusterHandle {
  readonly nodes: ClusterNodeHandle[];
  readonly clusterId: string;
  /** The --join list every node was started with. */
  readonly joinList: string;
  /** Stops every node still running (SIGTERM), resolves with their exit codes. */
  stop(): Promise<Array<number | null>>;
}

/** Runs the CLI once (init, node status, ...) and collects its output. */
export async function runShoal(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (!existsSync(mainJs)) throw new Error(`${mainJs} missing: run npm run build`);
  const child = spawn(process.execPath, [mainJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.env ?? {}) } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const clusterReadyRe = /shoal node (\d+) ready: (\S+)/;

interface ClusterLaunch {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  ready: Promise<number>;
}

function launchClusterNode(args: string[], env: Record<string, string>): ClusterLaunch {
  if (!existsSync(mainJs)) throw new Error(`${mainJs} missing: run npm run build`);
  const child = spawn(process.execPath, [mainJs, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  const ready = new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`node did not become ready in ${readyTimeoutMs} ms\n${out}\n${err}`)), readyTimeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = clusterReadyRe.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`node exited early (code ${code}, signal ${signal})\n${out}\n${err}`));
    });
  });
  // Callers may not await ready before the node dies (stop during start).
  ready.catch(() => {});
  return { child, stdout: () => out, stderr: () => err, ready };
}

/**
 * Starts `n` `shoal start` processes on free ports (stores in a temp dir, --join = every
 * node's rpc address), runs `shoal init` on node 1 and waits until every node serves SQL.
 */
export async function startCluster(n: number, opts: { env?: Record<string, string>; baseDir?: string } = {}): Promise<ClusterHandle> {
  const baseDir = opts.baseDir ?? tempDir('cluster');
  const env = opts.env ?? {};
  const ports = await Promise.all(Array.from({ length: n }, async () => ({ sql: await freePort(), rpc: await freePort(), http: await freePort() })));
  const joinList = ports.map((p) => `127.0.0.1:${p.rpc}`).join(',');
  const readies: Array<Promise<number>> = [];
  const nodes: ClusterNodeHandle[] = ports.map((p, k) => {
    const storeDir = join(baseDir, `n${k + 1}`);
    const args = ['--insecure', '--store', storeDir, '--listen-addr', `127.0.0.1:${p.rpc}`, '--sql-addr', `127.0.0.1:${p.sql}`, '--http-addr', `127.0.0.1:${p.http}`, '--join', joinList];
    let launched = launchClusterNode(args, env);
    readies.push(launched.ready);
    const handle: ClusterNodeHandle = {
      index: k + 1,
      nodeId: 0,
      port: p.sql,
      rpcPort: p.rpc,
      httpPort: p.http,
      storeDir,
      url: `postgresql://root@127.0.0.1:${p.sql}/defaultdb?sslmode=disable`,
      process: launched.child,
      stdout: () => launched.stdout(),
      stderr: () => launched.stderr(),
      async stop() {
        if (handle.process.exitCode === null && handle.process.signalCode === null) handle.process.kill('SIGTERM');
        await waitExit(handle.process);
        return handle.process.exitCode;
      },
      async kill9() {
        handle.process.kill('SIGKILL');
        await waitExit(handle.process);
      },
      async restart() {
        launched = launchClusterNode(args, env);
        handle.process = launched.child;
        handle.nodeId = await launched.ready;
      },
    };
    return handle;
  });
  const init = await runShoal(['init', '--insecure', '--host', `127.0.0.1:${ports[0]!.rpc}`]);
  if (init.code !== 0) {
    await Promise.all(nodes.map((h) => h.stop()));
    throw new Error(`shoal init failed (${init.code}): ${init.stdout}${init.stderr}`);
  }
  const clusterId = /initialized: (\S+)/.exec(init.stdout)?.[1] ?? '';
  try {
    const ids = await Promise.all(readies);
    ids.forEach((id, k) => (nodes[k]!.nodeId = id));
  } catch (e) {
    await Promise.all(nodes.map((h) => h.stop()));
    throw e;
  }
  return { nodes, clusterId, joinList, stop: () => Promise.all(nodes.map((h) => h.stop())) };
}
