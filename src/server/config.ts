// Node configuration: every knob with its default, limits named with their unit last.
// src/main.ts builds a NodeConfig from argv; src/server/node.ts consumes it. Pure data and
// parsing helpers; nothing here opens files or sockets.

import { pgwireLimitsDefault, type PasswordMethod, type PgwireLimits } from '../pgwire/index.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface NodeConfig {
  readonly nodeId: number;
  /** Where the node's store lives; null keeps everything in memory (tests). */
  readonly storeDir: string | null;
  readonly sqlAddr: HostPort;
  /** Admin HTTP (/health, /metrics); null disables it. */
  readonly httpAddr: HostPort | null;
  /** user:password lines; null means trust authentication. */
  readonly passwordFile: string | null;
  readonly passwordMethod: PasswordMethod;
  /** Directory with node.crt and node.key (PEM); clients asking for TLS get it. null: no TLS. */
  readonly certsDir: string | null;
  /** Authenticated SQL connections allowed at once. */
  readonly connectionsMax: number;
  /** How long shutdown waits for sessions to end before cutting them off. */
  readonly shutdownTimeoutMs: number;
  readonly pgwire: PgwireLimits;
  /** Multi-node settings (`shoal start`); null for `start-single-node`. */
  readonly cluster: ClusterConfig | null;
}

/** How a node of a multi-node cluster finds and serves its peers. */
export interface ClusterConfig {
  /** The node-to-node gRPC address to bind. */
  readonly listenAddr: HostPort;
  /** The rpc address other nodes dial (default: listenAddr). */
  readonly advertiseAddr: HostPort;
  /** Nodes to join through (any live member; the list may name this node too). */
  readonly join: readonly HostPort[];
  /** Plaintext between nodes; until security lands the only mode, so only accepted. */
  readonly insecure: boolean;
}

export const sqlPortDefault = 26257;
export const httpPortDefault = 8080;
/** Node-to-node gRPC port of `shoal start` (and node 1 of `shoal demo`; node i uses +i-1). */
export const rpcPortDefault = 26357;

export const nodeConfigDefault: NodeConfig = {
  nodeId: 1,
  storeDir: null,
  sqlAddr: { host: '127.0.0.1', port: sqlPortDefault },
  httpAddr: null,
  passwordFile: null,
  passwordMethod: 'scram-sha-256',
  certsDir: null,
  connectionsMax: 500,
  shutdownTimeoutMs: 10_000,
  pgwire: pgwireLimitsDefault,
  cluster: null,
};

/** Parses "HOST:PORT", ":PORT", "PORT" or "[v6]:PORT". Throws a usage error message. */
export function parseHostPort(text: string, defaultHost = '127.0.0.1'): HostPort {
  let host = defaultHost;
  let portText = text;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (v6 !== null) {
    host = v6[1]!;
    portText = v6[2]!;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0) {
      if (colon > 0) host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  if (!/^\d+$/.test(portText)) throw new Error(`invalid address "${text}": expected HOST:PORT`);
  const port = Number(portText);
  if (port > 65535) throw new Error(`invalid port in "${text}"`);
  return { host, port };
}

/** How clients should write the host in a URL (brackets for IPv6, a real host for 0.0.0.0). */
export function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export function connectionUrl(addr: HostPort, user = 'root', database = 'defaultdb'): string {
  return `postgresql://${user}@${connectHost(addr.host)}:${addr.port}/${database}?sslmode=disable`;
}

/** host:port as gRPC dials it (brackets for IPv6; a wildcard bind address becomes loopback). */
export function hostPortString(addr: HostPort): string {
  return `${connectHost(addr.host)}:${addr.port}`;
}

/** A node could not start for an operating reason (address in use, ...): a clear message, exit code 1. */
export class NodeStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NodeStartError';
  }
}
