// Joining a cluster. The server side (serveJoin) runs on every initialized node: it checks
// the joiner's protocol version and cluster, allocates a node id with a KV increment of the
// system key /system/node-id-gen, and answers {clusterId, nodeId, storeId = nodeId, peers}.
// The client side (joinCluster) runs on a node started with --join and no ident: it asks the
// --join addresses in turn, round after round with backoff, until one admits it. Both take
// their I/O as parameters (KvDb, a unary call, a sleep) so tests drive them directly.

import type { Logger } from 'pino';
import type { KvDb, StoreIdent } from '../../storage/index.js';
import { KvError } from '../../storage/index.js';
import { AbortedError, Backoff, backoffDefault, sleep as realSleep, type BackoffOptions, type Sleep } from './backoff.js';
import { BOOTSTRAP_NODE_ID } from './init.js';
import { NODE_ID_GEN_KEY, NODE_ID_MAX } from './keys.js';
import {
  CLUSTER_METHOD,
  CLUSTER_PROTOCOL_VERSION,
  parseJoinRequest,
  parseJoinResponse,
  type JoinRequest,
  type JoinResponse,
  type NodeDescriptor,
} from './protocol.js';

/** Attempts of the node id allocation transaction on retryable KV errors. */
const ALLOCATE_ATTEMPTS_MAX = 20;

export interface JoinServerDeps {
  /** This node's ident; null while it has none (then it cannot admit anyone). */
  readonly ident: () => StoreIdent | null;
  /** The node's KvDb; null until it is connected. */
  readonly kv: () => KvDb | null;
  /** The nodes this one knows, handed to the joiner to seed its registry. */
  readonly peers: () => readonly NodeDescriptor[];
  readonly logger?: Logger;
}

/** The join RPC handler. */
export async function serveJoin(raw: unknown, deps: JoinServerDeps): Promise<JoinResponse> {
  const req = parseJoinRequest(raw);
  if (req.version !== CLUSTER_PROTOCOL_VERSION) return { status: 'badVersion', version: CLUSTER_PROTOCOL_VERSION };
  const ident = deps.ident();
  const kv = deps.kv();
  if (ident === null || kv === null) return { status: 'notInitialized' };
  if (req.clusterId !== null && req.clusterId !== ident.clusterId) {
    deps.logger?.warn({ joiner: req.rpcAddr, theirCluster: req.clusterId }, 'refused a node of another cluster');
    return { status: 'wrongCluster', clusterId: ident.clusterId };
  }
  const nodeId = await allocateNodeId(kv);
  deps.logger?.info({ joiner: req.rpcAddr, nodeId }, 'admitted a new node');
  return { status: 'ok', clusterId: ident.clusterId, nodeId, storeId: nodeId, peers: deps.peers() };
}

/** The next node id: one transaction reading and bumping the cluster-wide counter. */
export async function allocateNodeId(kv: KvDb): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const txn = kv.begin({ priority: 'high', debugName: 'allocate-node-id' });
    try {
      const raw = await txn.get(NODE_ID_GEN_KEY, { lock: 'exclusive' });
      // Absent: no node joined yet; the bootstrap node holds id 1.
      const last = raw === null ? BOOTSTRAP_NODE_ID : decodeCounter(raw);
      const next = last + 1;
      if (next > NODE_ID_MAX) throw new Error('node ids exhausted');
      await txn.put(NODE_ID_GEN_KEY, encodeCounter(next));
      await txn.commit();
      return next;
    } catch (e) {
      if (txn.status === 'pending') await txn.rollback();
      if (!(e instanceof KvError && e.retryable) || attempt >= ALLOCATE_ATTEMPTS_MAX) throw e;
    }
  }
}

export function encodeCounter(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export function decodeCounter(b: Buffer): number {
  if (b.length !== 8) throw new Error(`node id counter has ${b.length} bytes, expected 8`);
  return Number(b.readBigUInt64BE(0));
}

/** The --join addresses belong to another cluster than this node's store. */
export class WrongClusterError extends Error {
  constructor(
    readonly addr: string,
    readonly theirs: string,
    ours: string | null,
  ) {
    super(`node at ${addr} belongs to cluster ${theirs}${ours === null ? '' : `, not to this node's cluster ${ours}`}`);
    this.name = 'WrongClusterError';
  }
}

/** A node at a --join address speaks another version of the cluster protocol. */
export class ProtocolVersionError extends Error {
  constructor(
    readonly addr: string,
    readonly theirs: number,
  ) {
    super(`node at ${addr} speaks cluster protocol ${theirs}, this node ${CLUSTER_PROTOCOL_VERSION}`);
    this.name = 'ProtocolVersionError';
  }
}

export interface JoinClientOptions {
  /** The --join addresses (host:port), asked in this order every round. */
  readonly addrs: readonly string[];
  /** This node's own rpc address: skipped in `addrs` (a list shared by all nodes names it too). */
  readonly selfAddr: string;
  readonly call: (addr: string, method: string, req: unknown) => Promise<unknown>;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
  readonly sleep?: Sleep;
  /** Stops the loop (the node is stopping, or init won): rejects with AbortedError. */
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

export interface Admission {
  readonly ident: StoreIdent;
  readonly addr: string;
  readonly peers: readonly NodeDescriptor[];
}

/**
 * Asks each join address in turn until one admits this node; waits with backoff after
 * every round in which none did (nodes not up, or none initialized yet). Fatal answers
 * (another cluster, another protocol version) reject at once.
 */
export async function joinCluster(opts: JoinClientOptions): Promise<Admission> {
  const addrs = opts.addrs.filter((a) => a !== opts.selfAddr);
  if (addrs.length === 0) throw new Error('no --join address other than this node itself');
  const backoff = new Backoff(opts.backoff ?? backoffDefault, opts.random);
  const req: JoinRequest = { version: CLUSTER_PROTOCOL_VERSION, rpcAddr: opts.selfAddr, clusterId: null };
  for (let round = 1; ; round++) {
    const reasons: string[] = [];
    for (const addr of addrs) {
      if (opts.signal?.aborted === true) throw new AbortedError('join aborted');
      let resp: JoinResponse;
      try {
        resp = parseJoinResponse(await opts.call(addr, CLUSTER_METHOD.join, req));
      } catch (e) {
        reasons.push(`${addr}: ${(e as Error).message}`);
        continue;
      }
      switch (resp.status) {
        case 'ok':
          opts.logger?.info({ addr, nodeId: resp.nodeId, clusterId: resp.clusterId }, 'joined the cluster');
          return { ident: { clusterId: resp.clusterId, nodeId: resp.nodeId, storeId: resp.storeId }, addr, peers: resp.peers };
        case 'notInitialized':
          reasons.push(`${addr}: not initialized`);
          break;
        case 'wrongCluster':
          throw new WrongClusterError(addr, resp.clusterId, null);
        case 'badVersion':
          throw new ProtocolVersionError(addr, resp.version);
      }
    }
    const delay = backoff.next();
    opts.logger?.info({ round, retryInMs: delay, reasons }, 'no node admitted this one yet (waiting for `shoal init` or for a node to start)');
    await (opts.sleep ?? realSleep)(delay, opts.signal);
  }
}
