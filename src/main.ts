#!/usr/bin/env node
// The `shoal` command line: argv → NodeConfig → command. `start` runs a node of a
// multi-node cluster in this process (waiting for `init` or a join on first start);
// `start-single-node` runs a standalone node; `init` bootstraps a cluster through one of its
// nodes; `node status` lists a cluster's nodes; `demo` runs a local cluster as child
// processes and stops it on Ctrl-C; `version` and `--help` print and exit.
// The only file besides src/server that reads process.argv, signals and exit codes.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  NodeStartError,
  httpPortDefault,
  hostPortString,
  nodeConfigDefault,
  parseHostPort,
  rpcPortDefault,
  sqlPortDefault,
  type HostPort,
  type NodeConfig,
} from './server/config.js';
import { createRootLogger } from './server/log.js';

const usage = `Usage: shoal <command> [options]

Commands:
  start               run a node of a multi-node cluster in the foreground
      --store DIR             data directory (required unless --in-memory)
      --in-memory             keep all data in memory (lost on exit; tests)
      --listen-addr HOST:PORT node-to-node (gRPC) address (default 127.0.0.1:${rpcPortDefault})
      --advertise-addr H:P    the rpc address other nodes dial (default: --listen-addr)
      --sql-addr HOST:PORT    PostgreSQL wire protocol address (default 127.0.0.1:${sqlPortDefault})
      --http-addr HOST:PORT   admin HTTP address for /health and /metrics (default: off)
      --join H:P[,H:P...]     nodes to join through (may list this node too)
      --insecure              plaintext between nodes (until security lands, the only mode)
      --password-file FILE    require passwords (user:password lines, SCRAM-SHA-256)
      --certs-dir DIR         serve TLS to SQL clients that ask, with DIR/node.crt and DIR/node.key
    A new node waits until \`shoal init\` is run against one node, or joins through --join;
    a restarted node keeps its node id (same command line).
  init                bootstrap a new cluster through the node at --host
      --host HOST:PORT        the node's --listen-addr (default 127.0.0.1:${rpcPortDefault})
      --insecure              accepted (the only mode for now)
  node status         list the cluster's nodes as the node at --host sees them
      --host HOST:PORT        a node's --listen-addr (default 127.0.0.1:${rpcPortDefault})
      --insecure              accepted (the only mode for now)
  start-single-node   run one standalone node in the foreground
      --store DIR             data directory (required unless --in-memory)
      --in-memory             keep all data in memory (lost on exit)
      --sql-addr HOST:PORT    PostgreSQL wire protocol address (default 127.0.0.1:${sqlPortDefault})
      --http-addr HOST:PORT   admin HTTP address for /health and /metrics (default: off)
      --password-file FILE    require passwords (user:password lines, SCRAM-SHA-256)
      --certs-dir DIR         serve TLS to clients that ask, with DIR/node.crt and DIR/node.key
      --node-id N             node id (default 1)
  demo                run a local cluster in the foreground; Ctrl-C stops it
      --nodes N               number of nodes (default 3; 1 runs start-single-node)
      --base-port P           SQL port of node 1; node i uses P+i-1 (default ${sqlPortDefault})
      --rpc-base-port P       rpc port of node 1; node i uses P+i-1 (default ${rpcPortDefault})
      --http-base-port P      admin HTTP port of node 1; node i uses P+i-1 (default ${httpPortDefault})
      --data DIR              data directory: DIR/n<i> per node, logs in DIR/n<i>/shoal.log (default ./data)
  version             print the version

Logs go to stderr; set SHOAL_LOG_LEVEL (trace, debug, info, warn, error) to change the level.
`;

/** Exit codes: 0 ok, 1 runtime failure, 2 usage error. */
class UsageError extends Error {}

/** A failure with a clear message for the terminal and exit code 1 (no stack). */
class CliError extends Error {}

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

/** Flags every node command takes: where the data lives and how clients reach the node. */
const nodeOptions = {
  store: { type: 'string' },
  'in-memory': { type: 'boolean' },
  'sql-addr': { type: 'string' },
  'http-addr': { type: 'string' },
  'password-file': { type: 'string' },
  'certs-dir': { type: 'string' },
} as const;

type NodeOptionValues = { [K in keyof typeof nodeOptions]?: (typeof nodeOptions)[K]['type'] extends 'boolean' ? boolean : string };

/** The part of a NodeConfig that nodeOptions set, validated. */
function nodeOptionsConfig(values: NodeOptionValues): Pick<NodeConfig, 'storeDir' | 'sqlAddr' | 'httpAddr' | 'passwordFile' | 'certsDir'> {
  if (values.store === undefined && values['in-memory'] !== true) throw new UsageError('--store DIR is required (or --in-memory)');
  if (values.store !== undefined && values['in-memory'] === true) throw new UsageError('--store and --in-memory exclude each other');
  return {
    storeDir: values.store === undefined ? null : resolve(values.store),
    sqlAddr: address(values['sql-addr'], '--sql-addr', nodeConfigDefault.sqlAddr),
    httpAddr: values['http-addr'] === undefined ? null : address(values['http-addr'], '--http-addr', { host: '127.0.0.1', port: 0 }),
    passwordFile: values['password-file'] ?? null,
    certsDir: values['certs-dir'] === undefined ? null : resolve(values['certs-dir']),
  };
}

function startConfig(args: string[]): NodeConfig {
  const { values } = parseArgs({ args, strict: true, options: { ...nodeOptions, 'node-id': { type: 'string' } } });
  const common = nodeOptionsConfig(values);
  const nodeId = positiveInt(values['node-id'], '--node-id', 1);
  if (nodeId > 255) throw new UsageError('--node-id must be at most 255');
  return { ...nodeConfigDefault, ...common, nodeId };
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
    stopWithParent(onSignal);
  });
  logger.flush();
  return 0;
}

/**
 * A node spawned by `shoal demo` gets SHOAL_STOP_WITH_PARENT=1 and a stdin pipe from the demo
 * process: when that pipe closes (the parent exited, even by SIGKILL) the node stops as on
 * SIGTERM, so no orphaned nodes keep their ports and stores.
 */
function stopWithParent(onSignal: (sig: NodeJS.Signals) => void): void {
  if (process.env['SHOAL_STOP_WITH_PARENT'] !== '1') return;
  process.stdin.on('end', () => onSignal('SIGTERM'));
  process.stdin.on('error', () => onSignal('SIGTERM'));
  process.stdin.resume();
}

function clusterStartConfig(args: string[]): NodeConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...nodeOptions,
      'listen-addr': { type: 'string' },
      'advertise-addr': { type: 'string' },
      join: { type: 'string' },
      insecure: { type: 'boolean' },
    },
  });
  const common = nodeOptionsConfig(values);
  const { sqlAddr, httpAddr } = common;
  const listenAddr = address(values['listen-addr'], '--listen-addr', { host: '127.0.0.1', port: rpcPortDefault });
  const advertiseAddr = address(values['advertise-addr'], '--advertise-addr', listenAddr);
  if (advertiseAddr.port === 0) throw new UsageError('--advertise-addr (or --listen-addr) needs a real port, not 0: other nodes dial it');
  const ports = [listenAddr.port, sqlAddr.port, ...(httpAddr ? [httpAddr.port] : [])].filter((p) => p !== 0);
  if (new Set(ports).size !== ports.length) throw new UsageError('--listen-addr, --sql-addr and --http-addr need different ports');
  return {
    ...nodeConfigDefault,
    ...common,
    nodeId: 0,
    cluster: { listenAddr, advertiseAddr, join: joinList(values.join), insecure: values.insecure === true },
  };
}

function joinList(text: string | undefined): HostPort[] {
  if (text === undefined) return [];
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`--join: empty address in "${text}"`);
  return parts.map((p) => address(p, '--join', { host: '', port: 0 }));
}

async function startClusterNode(args: string[]): Promise<number> {
  const config = clusterStartConfig(args);
  const logger = createRootLogger();
  const { ShoalNode } = await import('./server/node.js');
  const { AbortedError } = await import('./cluster/index.js');
  type Node = Awaited<ReturnType<typeof ShoalNode.start>>;
  // Signals count from the start: a node waiting for init stops cleanly too.
  const abort = new AbortController();
  let node: Node | null = null;
  let stopped!: () => void;
  const done = new Promise<void>((r) => (stopped = r));
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) {
      process.stderr.write(`shoal: second ${sig}, exiting now\n`);
      process.exit(1);
    }
    logger.info({ signal: sig }, 'stopping node');
    abort.abort();
    if (node !== null) void node.stop().then(stopped);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  stopWithParent(onSignal);
  try {
    node = await ShoalNode.start(config, {
      logger,
      signal: abort.signal,
      onWaiting: (rpcAddr) =>
        process.stdout.write(`shoal: this node has no cluster yet; waiting for \`shoal init --host ${rpcAddr}\` or to join through --join\n`),
    });
  } catch (e) {
    if (e instanceof AbortedError) {
      logger.flush();
      return 0;
    }
    throw e;
  }
  if (abort.signal.aborted) await node.stop();
  else {
    const c = node.cluster!;
    const http = node.httpAddress();
    process.stdout.write(`shoal node ${node.nodeId} cluster: ${c.ident.clusterId} rpc: ${c.rpc.address} (${c.source === 'store' ? 'restarted' : c.source === 'init' ? 'bootstrapped' : 'joined'})\n`);
    if (http !== null) process.stdout.write(`shoal node ${node.nodeId} admin: http://${http.host}:${http.port}\n`);
    // Last: scripts and tests wait for this line.
    process.stdout.write(`shoal node ${node.nodeId} ready: ${node.url()}\n`);
    await done;
  }
  logger.flush();
  return 0;
}

function hostOption(args: string[]): string {
  const { values } = parseArgs({ args, strict: true, options: { host: { type: 'string' }, insecure: { type: 'boolean' } } });
  return hostPortString(address(values.host, '--host', { host: '127.0.0.1', port: rpcPortDefault }));
}

/** A transport for one-shot CLI calls (init, node status); closed by the caller. */
async function cliTransport() {
  const { GrpcTransport } = await import('./rpc/index.js');
  return new GrpcTransport({ nodeId: 0, resolve: () => undefined });
}

async function init(args: string[]): Promise<number> {
  const host = hostOption(args);
  const { initCluster, AlreadyInitializedError } = await import('./cluster/index.js');
  const transport = await cliTransport();
  try {
    const clusterId = await initCluster((addr, m, req) => transport.call(addr, m, req), host);
    process.stdout.write(`Cluster successfully initialized: ${clusterId}\n`);
    return 0;
  } catch (e) {
    if (e instanceof AlreadyInitializedError) throw new CliError(`error: ${e.message}`);
    throw new CliError(`error: init through ${host} failed: ${(e as Error).message}`);
  } finally {
    transport.close();
  }
}

async function nodeCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'status') throw new UsageError(sub === undefined ? 'node: a subcommand is required (status)' : `node: unknown subcommand "${sub}"`);
  const host = hostOption(rest);
  const { CLUSTER_METHOD, formatNodeStatus, parseNodeStatusResponse } = await import('./cluster/index.js');
  const transport = await cliTransport();
  try {
    const status = parseNodeStatusResponse(await transport.call(host, CLUSTER_METHOD.nodeStatus, {}));
    process.stdout.write(formatNodeStatus(status));
    return 0;
  } catch (e) {
    throw new CliError(`error: node status through ${host} failed: ${(e as Error).message}`);
  } finally {
    transport.close();
  }
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      nodes: { type: 'string' },
      'base-port': { type: 'string' },
      'rpc-base-port': { type: 'string' },
      'http-base-port': { type: 'string' },
      data: { type: 'string' },
    },
  });
  const nodes = positiveInt(values.nodes, '--nodes', demoNodesDefault);
  if (nodes > demoNodesMax) throw new UsageError(`--nodes must be at most ${demoNodesMax}`);
  const { runDemo } = await import('./server/demo.js');
  return runDemo({
    nodes,
    sqlBasePort: positiveInt(values['base-port'], '--base-port', sqlPortDefault),
    rpcBasePort: positiveInt(values['rpc-base-port'], '--rpc-base-port', rpcPortDefault),
    httpBasePort: positiveInt(values['http-base-port'], '--http-base-port', httpPortDefault),
    dataDir: resolve(values.data ?? './data'),
    script: fileURLToPath(import.meta.url),
  });
}

const demoNodesDefault = 3;
/** Node processes a demo may start (ports are consecutive from each base). */
const demoNodesMax = 9;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return startClusterNode(rest);
    case 'init':
      return init(rest);
    case 'node':
      return nodeCommand(rest);
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

// A command whose promise never settles would otherwise exit 0 silently once the event loop
// empties (a forgotten unref'd timer): that is a bug, and it must not look like success.
let settled = false;
process.on('beforeExit', () => {
  if (settled) return;
  process.stderr.write('shoal: internal error: the command ended without a result\n');
  process.exit(1);
});

main(process.argv.slice(2)).finally(() => (settled = true)).then(
  (code) => {
    // Exit explicitly: a stopped node must not linger on a forgotten handle.
    process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof CliError || err instanceof NodeStartError) {
      process.stderr.write(`shoal: ${err instanceof NodeStartError ? 'error: ' : ''}${err.message}\n`);
      process.exitCode = 1;
    } else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`shoal: ${(err as Error).message}\n\n${usage}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`shoal: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
