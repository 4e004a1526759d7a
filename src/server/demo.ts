// `shoal demo`: a local cluster of real node processes for trying Shoal (`npm start`).
// With --nodes N > 1 it spawns N `shoal start` children (node i: SQL sqlBasePort+i-1, rpc
// rpcBasePort+i-1, HTTP httpBasePort+i-1, store <data>/n<i>, logs <data>/n<i>/shoal.log,
// --join = every node's rpc address), runs `init` on node 1 (a node that already has a
// cluster answers "already initialized": the demo then resumes from its data), waits until
// every node serves SQL, prints the connection strings, and on Ctrl-C / SIGTERM stops the
// children with SIGTERM and waits for them. --nodes 1 runs one `start-single-node` child in
// <data>/node1, as before multi-node existed. Called by src/main.ts only.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AlreadyInitializedError, initCluster } from '../cluster/index.js';
import { GrpcTransport } from '../rpc/index.js';

export interface DemoOptions {
  readonly nodes: number;
  readonly sqlBasePort: number;
  readonly rpcBasePort: number;
  readonly httpBasePort: number;
  readonly dataDir: string;
  /** The CLI script the children run (this process's main.js). */
  readonly script: string;
}

/** How long the demo waits for every node to serve SQL, in ms. */
export const demoReadyTimeoutMs = 60_000;
/** How long `init` on node 1 keeps retrying while node 1 starts listening, in ms. */
const demoInitWaitMs = 30_000;

const READY_RE = /^shoal node (\d+) ready: (\S+)/;

interface Child {
  readonly index: number;
  readonly process: ChildProcess;
  readonly exited: Promise<number>;
  url: string | null;
  nodeId: number | null;
}

export async function runDemo(opts: DemoOptions): Promise<number> {
  const children: Child[] = [];
  let stopping = false;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill(signal);
  };
  let signals = 0;
  const onSignal = () => {
    signals++;
    // A second Ctrl-C does not wait for a clean stop.
    stopAll(signals > 1 ? 'SIGKILL' : 'SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Children run detached: if this process dies, take them along.
  process.on('exit', () => children.forEach((c) => c.process.exitCode === null && c.process.kill('SIGKILL')));

  let readyCount = 0;
  let allReady!: () => void;
  const ready = new Promise<void>((r) => (allReady = r));
  const onReady = () => {
    if (++readyCount === opts.nodes) allReady();
  };
  const joinList = Array.from({ length: opts.nodes }, (_, k) => `127.0.0.1:${opts.rpcBasePort + k}`).join(',');
  for (let i = 1; i <= opts.nodes; i++) {
    const child = opts.nodes === 1 ? spawnSingle(opts, onReady) : spawnClusterNode(opts, i, joinList, onReady);
    children.push(child);
    void child.exited.then((code) => {
      if (!stopping) {
        process.stderr.write(`shoal demo: node ${i} exited (${code}) — see its log; stopping the others\n`);
        stopAll('SIGTERM');
      }
    });
  }
  const exits = Promise.all(children.map((c) => c.exited));
  if (opts.nodes > 1) {
    const status = await initNode1(opts);
    if (status !== null) out(status);
  }
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), demoReadyTimeoutMs).unref());
  const first = await Promise.race([ready.then(() => 'ready' as const), exits.then(() => 'exited' as const), timeout]);
  if (first === 'ready') printReady(opts, children, out);
  else if (first === 'timeout' && !stopping) {
    process.stderr.write(`shoal demo: not every node served SQL within ${demoReadyTimeoutMs / 1000} s; stopping (logs in ${opts.dataDir})\n`);
    stopAll('SIGTERM');
  }
  const codes = await exits;
  const clean = codes.every((c) => c === 0);
  if (stopping) out(clean ? 'shoal demo: every node stopped cleanly' : `shoal demo: nodes stopped with exit codes ${codes.join(', ')}`);
  return clean && first === 'ready' ? 0 : 1;
}

/** Bootstraps the cluster on node 1; on a later run node 1 answers "already initialized". */
async function initNode1(opts: DemoOptions): Promise<string | null> {
  const transport = new GrpcTransport({ nodeId: 0, resolve: () => undefined });
  try {
    const clusterId = await initCluster((addr, m, req) => transport.call(addr, m, req), `127.0.0.1:${opts.rpcBasePort}`, { waitMs: demoInitWaitMs });
    return `shoal demo: initialized a new cluster ${clusterId}`;
  } catch (e) {
    if (e instanceof AlreadyInitializedError) return `shoal demo: resuming cluster ${e.clusterId ?? ''} from ${opts.dataDir}`;
    process.stderr.write(`shoal demo: init failed: ${(e as Error).message}\n`);
    return null;
  } finally {
    transport.close();
  }
}

function printReady(opts: DemoOptions, children: readonly Child[], out: (line: string) => void): void {
  out(`shoal demo: ${opts.nodes} node${opts.nodes === 1 ? '' : 's'} up, data in ${opts.dataDir}; Ctrl-C stops`);
  for (const c of children) out(`  node ${c.nodeId ?? c.index}: ${c.url ?? '?'}`);
  if (opts.nodes > 1) out(`  logs: ${join(opts.dataDir, 'n<i>', 'shoal.log')}; \`shoal node status --host 127.0.0.1:${opts.rpcBasePort}\` lists the nodes`);
}

function spawnClusterNode(opts: DemoOptions, i: number, joinList: string, onReady: () => void): Child {
  const dir = join(opts.dataDir, `n${i}`);
  mkdirSync(dir, { recursive: true });
  const logFd = openSync(join(dir, 'shoal.log'), 'a');
  const args = [
    ...process.execArgv,
    opts.script,
    'start',
    '--insecure',
    '--store',
    dir,
    '--listen-addr',
    `127.0.0.1:${opts.rpcBasePort + i - 1}`,
    '--sql-addr',
    `127.0.0.1:${opts.sqlBasePort + i - 1}`,
    '--http-addr',
    `127.0.0.1:${opts.httpBasePort + i - 1}`,
    '--join',
    joinList,
  ];
  // Children ignore the terminal's Ctrl-C (own process group); the parent stops them with
  // SIGTERM so shutdown happens once, in order. Their logs (stderr) go to the node's file.
  const env = { ...process.env, SHOAL_LOG_LEVEL: process.env['SHOAL_LOG_LEVEL'] ?? 'info', SHOAL_STOP_WITH_PARENT: '1' };
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', logFd], detached: true, env });
  return watch(proc, i, onReady, (line) => writeSync(logFd, `${line}\n`), () => closeSync(logFd));
}

function spawnSingle(opts: DemoOptions, onReady: () => void): Child {
  const args = [
    ...process.execArgv,
    opts.script,
    'start-single-node',
    '--node-id',
    '1',
    '--store',
    join(opts.dataDir, 'node1'),
    '--sql-addr',
    `127.0.0.1:${opts.sqlBasePort}`,
    '--http-addr',
    `127.0.0.1:${opts.httpBasePort}`,
  ];
  const env = { ...process.env, SHOAL_STOP_WITH_PARENT: '1' };
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'], detached: true, env });
  return watch(proc, 1, onReady, () => {}, () => {});
}

/** Follows a child's stdout for its ready line; other lines go to `other`; `onEnd` once stdout ends. */
function watch(proc: ChildProcess, index: number, onReady: () => void, other: (line: string) => void, onEnd: () => void): Child {
  const exited = new Promise<number>((resolve) =>
    proc.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + signalNumber(signal)))),
  );
  const child: Child = { index, process: proc, exited, url: null, nodeId: null };
  const lines = createInterface({ input: proc.stdout! });
  lines.on('line', (line) => {
    const m = READY_RE.exec(line);
    if (m === null) return other(line);
    child.nodeId = Number(m[1]);
    child.url = m[2]!;
    onReady();
  });
  lines.on('close', onEnd);
  return child;
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 0;
}
