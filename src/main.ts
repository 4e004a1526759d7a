#!/usr/bin/env node
// The `shoal` command line: argv → NodeConfig → command. `start-single-node` runs one node
// in this process; `demo` runs the default local cluster as child processes (one node
// until replication lands) and stops it on Ctrl-C; `version` and `--help` print and exit.
// The only file besides src/server that reads process.argv, signals and exit codes.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { httpPortDefault, nodeConfigDefault, parseHostPort, sqlPortDefault, type NodeConfig } from './server/config.js';
import { createRootLogger } from './server/log.js';

const usage = `Usage: shoal <command> [options]

Commands:
  start-single-node   run one node in the foreground
      --store DIR             data directory (required unless --in-memory)
      --in-memory             keep all data in memory (lost on exit)
      --sql-addr HOST:PORT    PostgreSQL wire protocol address (default 127.0.0.1:${sqlPortDefault})
      --http-addr HOST:PORT   admin HTTP address for /health and /metrics (default: off)
      --password-file FILE    require passwords (user:password lines, SCRAM-SHA-256)
      --certs-dir DIR         serve TLS to clients that ask, with DIR/node.crt and DIR/node.key
      --node-id N             node id (default 1)
  demo                run a local cluster in the foreground; Ctrl-C stops it
      --nodes N               number of nodes (default 1)
      --base-port P           SQL port of node 1; node i uses P+i-1 (default ${sqlPortDefault})
      --http-base-port P      admin HTTP port of node 1 (default ${httpPortDefault})
      --data DIR              data directory, one subdirectory per node (default ./data)
  version             print the version

Logs go to stderr; set SHOAL_LOG_LEVEL (trace, debug, info, warn, error) to change the level.
`;

/** Exit codes: 0 ok, 1 runtime failure, 2 usage error. */
class UsageError extends Error {}

function version(): string {
  // Walk up from this file to the package.json (dist/src/main.js and src/main.ts both work).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'shoal') return pkg.version ?? 'unknown';
    } catch {
      // not here; go up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} must be a positive integer, got "${text}"`);
  return Number(text);
}

function address(text: string | undefined, name: string, fallback: { host: string; port: number }) {
  if (text === undefined) return fallback;
  try {
    return parseHostPort(text);
  } catch (e) {
    throw new UsageError(`${name}: ${(e as Error).message}`);
  }
}

function startConfig(args: string[]): NodeConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      store: { type: 'string' },
      'in-memory': { type: 'boolean' },
      'sql-addr': { type: 'string' },
      'http-addr': { type: 'string' },
      'password-file': { type: 'string' },
      'certs-dir': { type: 'string' },
      'node-id': { type: 'string' },
    },
  });
  if (values.store === undefined && values['in-memory'] !== true) throw new UsageError('--store DIR is required (or --in-memory)');
  if (values.store !== undefined && values['in-memory'] === true) throw new UsageError('--store and --in-memory exclude each other');
  const nodeId = positiveInt(values['node-id'], '--node-id', 1);
  if (nodeId > 255) throw new UsageError('--node-id must be at most 255');
  return {
    ...nodeConfigDefault,
    nodeId,
    storeDir: values.store === undefined ? null : resolve(values.store),
    sqlAddr: address(values['sql-addr'], '--sql-addr', nodeConfigDefault.sqlAddr),
    httpAddr: values['http-addr'] === undefined ? null : address(values['http-addr'], '--http-addr', { host: '127.0.0.1', port: 0 }),
    passwordFile: values['password-file'] ?? null,
    certsDir: values['certs-dir'] === undefined ? null : resolve(values['certs-dir']),
  };
}

async function startSingleNode(args: string[]): Promise<number> {
  const config = startConfig(args);
  const logger = createRootLogger();
  // Loaded here, not at the top: `version`, `--help` and the demo parent need none of the
  // SQL engine or storage.
  const { ShoalNode } = await import('./server/node.js');
  const node = await ShoalNode.start(config, { logger });
  const http = node.httpAddress();
  if (http !== null) process.stdout.write(`shoal node ${config.nodeId} admin: http://${http.host}:${http.port}\n`);
  // Last: scripts and tests wait for this line.
  process.stdout.write(`shoal node ${config.nodeId} ready: ${node.url()}\n`);
  await new Promise<void>((done) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        process.stderr.write(`shoal: second ${sig}, exiting now\n`);
        process.exit(1);
      }
      logger.info({ signal: sig }, 'stopping node');
      void node.stop().then(done);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  logger.flush();
  return 0;
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      nodes: { type: 'string' },
      'base-port': { type: 'string' },
      'http-base-port': { type: 'string' },
      data: { type: 'string' },
    },
  });
  let nodes = positiveInt(values.nodes, '--nodes', 1);
  const basePort = positiveInt(values['base-port'], '--base-port', sqlPortDefault);
  const httpBasePort = positiveInt(values['http-base-port'], '--http-base-port', httpPortDefault);
  const dataDir = resolve(values.data ?? './data');
  if (nodes > 1) {
    process.stderr.write(`shoal demo: replication is not available yet; starting 1 node instead of ${nodes}\n`);
    nodes = 1;
  }
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = () => {
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  // Children run detached: if this process dies, take them along.
  process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  const exits: Promise<number>[] = [];
  let ready = 0;
  for (let i = 1; i <= nodes; i++) {
    const child = spawnNode(i, dataDir, basePort + i - 1, httpBasePort + i - 1, () => {
      if (++ready === nodes) process.stdout.write(`shoal demo: ${nodes} node(s) up, data in ${dataDir}; Ctrl-C stops\n`);
    });
    children.push(child);
    exits.push(
      new Promise<number>((done) =>
        child.on('exit', (code, signal) => {
          if (!stopping) {
            process.stderr.write(`shoal demo: node ${i} exited (${signal ?? code}); stopping the others\n`);
            stopAll();
          }
          done(code ?? 1);
        }),
      ),
    );
  }
  const codes = await Promise.all(exits);
  return codes.every((c) => c === 0) ? 0 : 1;
}

/** One node as a child process running this same CLI; its ready line is relayed. */
function spawnNode(nodeId: number, dataDir: string, sqlPort: number, httpPort: number, onReady: () => void): ChildProcess {
  const script = fileURLToPath(import.meta.url);
  const args = [
    ...process.execArgv,
    script,
    'start-single-node',
    '--node-id',
    String(nodeId),
    '--store',
    join(dataDir, `node${nodeId}`),
    '--sql-addr',
    `127.0.0.1:${sqlPort}`,
    '--http-addr',
    `127.0.0.1:${httpPort}`,
  ];
  // Children ignore the terminal's Ctrl-C (detached process group); the parent stops them
  // with SIGTERM so shutdown happens once, in order.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    process.stdout.write(`${line}\n`);
    if (line.includes(' ready: ')) onReady();
  });
  return child;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start-single-node':
      return startSingleNode(rest);
    case 'demo':
      return demo(rest);
    case 'version':
    case '--version':
      process.stdout.write(`shoal ${version()}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: a stopped node must not linger on a forgotten handle.
    process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`shoal: ${(err as Error).message}\n\n${usage}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`shoal: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
