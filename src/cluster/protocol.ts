// The cluster RPCs between nodes and from the CLI, carried by src/rpc's generic Unary method
// as msgpack: init (bootstrap a new cluster), join (get a node id), nodeInfo (who is at this
// address, and whom does it know) and nodeStatus (the node table of `shoal node status`).
// Requests and responses are plain data; every decoded payload is checked here before use
// (a peer is not trusted to send the right shape). Used by init.ts, join.ts, node-registry.ts.

export const CLUSTER_METHOD = {
  init: 'cluster.init',
  join: 'cluster.join',
  nodeInfo: 'cluster.nodeInfo',
  nodeStatus: 'cluster.nodeStatus',
} as const;

/** Bumped on an incompatible change of these messages; a peer with another version is refused. */
export const CLUSTER_PROTOCOL_VERSION = 1;

/** What a node publishes about itself (/system/nodes/<id>). Addresses are host:port. */
export interface NodeDescriptor {
  readonly nodeId: number;
  readonly rpcAddr: string;
  readonly sqlAddr: string;
  readonly httpAddr: string | null;
  /** When this process started, in ms since the Unix epoch. */
  readonly startedAt: number;
}

export type InitResponse =
  | { readonly status: 'ok'; readonly clusterId: string; readonly nodeId: number }
  | { readonly status: 'alreadyInitialized'; readonly clusterId: string | null };

export interface JoinRequest {
  readonly version: number;
  /** The joiner's rpc address (logs). */
  readonly rpcAddr: string;
  /** The cluster the joiner belongs to, if it knows one: a node of another cluster refuses. */
  readonly clusterId: string | null;
}

export type JoinResponse =
  | { readonly status: 'ok'; readonly clusterId: string; readonly nodeId: number; readonly storeId: number; readonly peers: readonly NodeDescriptor[] }
  | { readonly status: 'notInitialized' }
  | { readonly status: 'wrongCluster'; readonly clusterId: string }
  | { readonly status: 'badVersion'; readonly version: number };

export interface NodeInfoResponse {
  readonly version: number;
  /** null: the node waits for init or join. */
  readonly clusterId: string | null;
  /** 0 while the node has no id. */
  readonly nodeId: number;
  readonly rpcAddr: string;
  /** Every node this one knows (its registry), itself included once it has an id. */
  readonly peers: readonly NodeDescriptor[];
}

export interface NodeStatusRow extends NodeDescriptor {
  readonly live: boolean;
  /** Liveness epoch (0: no record yet). */
  readonly epoch: number;
  /** Liveness expiration in ms since the Unix epoch (0: no record yet). */
  readonly expiresAt: number;
}

export interface NodeStatusResponse {
  readonly clusterId: string;
  readonly nodes: readonly NodeStatusRow[];
}

/** A peer sent a payload of the wrong shape. */
export class ClusterProtocolError extends Error {
  constructor(message: string) {
    super(`cluster protocol: ${message}`);
    this.name = 'ClusterProtocolError';
  }
}

type Obj = Record<string, unknown>;

function obj(x: unknown, what: string): Obj {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) throw new ClusterProtocolError(`${what} is not an object`);
  return x as Obj;
}

function str(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new ClusterProtocolError(`${what}.${k} is not a string`);
  return v;
}

function strOrNull(o: Obj, k: string, what: string): string | null {
  return o[k] === null || o[k] === undefined ? null : str(o, k, what);
}

function num(o: Obj, k: string, what: string): number {
  const v = o[k];
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ClusterProtocolError(`${what}.${k} is not a number`);
  return n;
}

function nodeId(o: Obj, k: string, what: string, allowZero = false): number {
  const n = num(o, k, what);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 0xffff_ffff) throw new ClusterProtocolError(`${what}.${k} is not a node id`);
  return n;
}

export function parseNodeDescriptor(x: unknown): NodeDescriptor {
  const o = obj(x, 'node descriptor');
  return {
    nodeId: nodeId(o, 'nodeId', 'node descriptor'),
    rpcAddr: str(o, 'rpcAddr', 'node descriptor'),
    sqlAddr: str(o, 'sqlAddr', 'node descriptor'),
    httpAddr: strOrNull(o, 'httpAddr', 'node descriptor'),
    startedAt: num(o, 'startedAt', 'node descriptor'),
  };
}

function peers(o: Obj, what: string): NodeDescriptor[] {
  const v = o['peers'] ?? [];
  if (!Array.isArray(v)) throw new ClusterProtocolError(`${what}.peers is not a list`);
  return v.map(parseNodeDescriptor);
}

export function parseInitResponse(x: unknown): InitResponse {
  const o = obj(x, 'init response');
  switch (o['status']) {
    case 'ok':
      return { status: 'ok', clusterId: str(o, 'clusterId', 'init response'), nodeId: nodeId(o, 'nodeId', 'init response') };
    case 'alreadyInitialized':
      return { status: 'alreadyInitialized', clusterId: strOrNull(o, 'clusterId', 'init response') };
    default:
      throw new ClusterProtocolError(`init response status ${String(o['status'])}`);
  }
}

export function parseJoinRequest(x: unknown): JoinRequest {
  const o = obj(x, 'join request');
  return { version: num(o, 'version', 'join request'), rpcAddr: str(o, 'rpcAddr', 'join request'), clusterId: strOrNull(o, 'clusterId', 'join request') };
}

export function parseJoinResponse(x: unknown): JoinResponse {
  const o = obj(x, 'join response');
  const w = 'join response';
  switch (o['status']) {
    case 'ok':
      return { status: 'ok', clusterId: str(o, 'clusterId', w), nodeId: nodeId(o, 'nodeId', w), storeId: nodeId(o, 'storeId', w), peers: peers(o, w) };
    case 'notInitialized':
      return { status: 'notInitialized' };
    case 'wrongCluster':
      return { status: 'wrongCluster', clusterId: str(o, 'clusterId', w) };
    case 'badVersion':
      return { status: 'badVersion', version: num(o, 'version', w) };
    default:
      throw new ClusterProtocolError(`join response status ${String(o['status'])}`);
  }
}

export function parseNodeInfoResponse(x: unknown): NodeInfoResponse {
  const o = obj(x, 'node info');
  return {
    version: num(o, 'version', 'node info'),
    clusterId: strOrNull(o, 'clusterId', 'node info'),
    nodeId: nodeId(o, 'nodeId', 'node info', true),
    rpcAddr: str(o, 'rpcAddr', 'node info'),
    peers: peers(o, 'node info'),
  };
}

export function parseNodeStatusResponse(x: unknown): NodeStatusResponse {
  const o = obj(x, 'node status');
  const rows = o['nodes'];
  if (!Array.isArray(rows)) throw new ClusterProtocolError('node status.nodes is not a list');
  return {
    clusterId: str(o, 'clusterId', 'node status'),
    nodes: rows.map((r) => {
      const d = parseNodeDescriptor(r);
      const ro = obj(r, 'node status row');
      return { ...d, live: ro['live'] === true, epoch: num(ro, 'epoch', 'node status row'), expiresAt: num(ro, 'expiresAt', 'node status row') };
    }),
  };
}
