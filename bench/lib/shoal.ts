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

