// Who is in the cluster and where: node id → rpc, SQL and HTTP addresses. Each node writes
// its own descriptor to /system/nodes/<id> at start and keeps an in-memory cache of all of
// them, refreshed by a periodic scan; the cache is GrpcTransport's `resolve`. Before the
// node's KvDb exists (waiting to join, or finding the meta range after a restart) the cache
// is seeded by `nodeInfo` calls on the --join addresses, which answer with the peers they
// know. Built and driven by src/server/cluster-kv.ts; serves the nodeInfo RPC.

import type { Logger } from 'pino';
import type { KvDb, StoreIdent } from '../../storage/index.js';
import { KvError } from '../../storage/index.js';
import { msgpackDecode, msgpackEncode } from '../rpc/index.js';
import { nodeDescriptorKey, nodeIdOfDescriptorKey, NODES_SPAN } from './keys.js';
import {
  CLUSTER_METHOD,
  CLUSTER_PROTOCOL_VERSION,
  parseNodeDescriptor,
  parseNodeInfoResponse,
  type NodeDescriptor,
  type NodeInfoResponse,
} from './protocol.js';

/** How often the cache is refreshed from KV, in ms. */
export const registryRefreshIntervalMs = 3_000;
/** Nodes the registry keeps (a scan returning more is cut: a bound on memory and on the status table). */
export const registryNodesMax = 10_000;
/** Attempts of the descriptor write on retryable KV errors. */
const PUBLISH_ATTEMPTS_MAX = 20;

export interface NodeRegistryOptions {
  /** This node's addresses; nodeId filled in once the ident is known. */
  readonly self: Omit<NodeDescriptor, 'nodeId'>;
  readonly ident: () => StoreIdent | null;
  readonly call: (addr: string, method: string, req: unknown) => Promise<unknown>;
  readonly joinAddrs: readonly string[];
  readonly logger?: Logger;
  readonly refreshIntervalMs?: number;
}

export class NodeRegistry {
  private readonly cache = new Map<number, NodeDescriptor>();
  private kv: KvDb | null = null;
  private published = false;
  private refreshing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private ticking: Promise<void> | null = null;
  readonly stats = { refreshes: 0, refreshFailures: 0, publishFailures: 0, seedCalls: 0 };

  constructor(private readonly opts: NodeRegistryOptions) {}

  /** The rpc address of `nodeId` (GrpcTransport's resolve). An unknown id triggers a refresh for the next try. */
  resolve(nodeId: number): string | undefined {
    const hit = this.cache.get(nodeId);
    if (hit !== undefined) return hit.rpcAddr;
    const ident = this.opts.ident();
    if (ident !== null && ident.nodeId === nodeId) return this.opts.self.rpcAddr;
    if (this.kv !== null) void this.refresh();
    return undefined;
  }

  get(nodeId: number): NodeDescriptor | undefined {
    return this.cache.get(nodeId);
  }

  /** Every known node, by id. */
  nodes(): NodeDescriptor[] {
    return [...this.cache.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  nodeIds(): number[] {
    return this.nodes().map((d) => d.nodeId);
  }

  /** This node's descriptor, or null before it has an id. */
  selfDescriptor(): NodeDescriptor | null {
    const ident = this.opts.ident();
    return ident === null ? null : { nodeId: ident.nodeId, ...this.opts.self };
  }

  /** Adds descriptors learned from a peer; a newer start of the same node wins. */
  learn(descs: readonly NodeDescriptor[]): void {
    for (const d of descs) {
      const old = this.cache.get(d.nodeId);
      if (old !== undefined && old.startedAt > d.startedAt) continue;
      if (old === undefined && this.cache.size >= registryNodesMax) continue;
      this.cache.set(d.nodeId, d);
    }
  }

  /** The nodeInfo RPC. */
  nodeInfo(): NodeInfoResponse {
    const ident = this.opts.ident();
    const self = this.selfDescriptor();
    const peers = this.nodes().filter((d) => d.nodeId !== self?.nodeId);
    return {
      version: CLUSTER_PROTOCOL_VERSION,
      clusterId: ident?.clusterId ?? null,
      nodeId: ident?.nodeId ?? 0,
      rpcAddr: this.opts.self.rpcAddr,
      peers: self === null ? peers : [self, ...peers],
    };
  }

  /**
   * Asks every --join address who it is and whom it knows (in parallel). Nodes of another
   * cluster are ignored with a warning. Resolves with the number of nodes now known.
   */
  async seedFromJoinAddrs(): Promise<number> {
    const ours = this.opts.ident()?.clusterId ?? null;
    const addrs = this.opts.joinAddrs.filter((a) => a !== this.opts.self.rpcAddr);
    await Promise.all(
      addrs.map(async (addr) => {
        this.stats.seedCalls++;
        let info: NodeInfoResponse;
        try {
          info = parseNodeInfoResponse(await this.opts.call(addr, CLUSTER_METHOD.nodeInfo, {}));
        } catch (e) {
          this.opts.logger?.debug({ addr, err: (e as Error).message }, 'node info failed');
          return;
        }
        if (info.clusterId !== null && ours !== null && info.clusterId !== ours) {
          this.opts.logger?.warn({ addr, theirCluster: info.clusterId, ourCluster: ours }, '--join address belongs to another cluster; ignored');
          return;
        }
        this.learn(info.peers);
      }),
    );
    return this.cache.size;
  }

  /** From now on the registry reads and writes KV (publish, refresh). */
  attach(kv: KvDb): void {
    this.kv = kv;
    const self = this.selfDescriptor();
    if (self !== null) this.learn([self]);
  }

  /** Starts the periodic refresh (which also retries a failed publish). */
  start(): void {
    if (this.kv === null) throw new Error('node registry: start before attach');
    this.schedule(0);
  }

  /** Writes this node's descriptor (at every start: addresses may change between runs). */
  async publish(): Promise<void> {
    const kv = this.kv;
    const self = this.selfDescriptor();
    if (kv === null || self === null) throw new Error('node registry: publish before attach');
    for (let attempt = 1; ; attempt++) {
      const txn = kv.begin({ debugName: 'publish-node' });
      try {
        await txn.put(nodeDescriptorKey(self.nodeId), msgpackEncode(self));
        await txn.commit();
        this.published = true;
        return;
      } catch (e) {
        if (txn.status === 'pending') await txn.rollback();
        if (!(e instanceof KvError && e.retryable) || attempt >= PUBLISH_ATTEMPTS_MAX) throw e;
      }
    }
  }

  /** Reloads every descriptor from KV (one scan); concurrent callers share one scan. */
  refresh(): Promise<void> {
    // The scan starts on a later microtask: started synchronously, its KV read could reach
    // resolve() for an unknown node before `refreshing` is set, and recurse without end.
    this.refreshing ??= Promise.resolve()
      .then(() => this.scan())
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async scan(): Promise<void> {
    const kv = this.kv;
    if (kv === null) return;
    const txn = kv.begin({ debugName: 'scan-nodes' });
    try {
      const rows = await txn.scan(NODES_SPAN.key, NODES_SPAN.endKey, { limit: registryNodesMax });
      await txn.commit();
      const descs: NodeDescriptor[] = [];
      for (const { key, value } of rows) {
        const id = nodeIdOfDescriptorKey(key);
        if (id === null) continue;
        try {
          const d = parseNodeDescriptor(msgpackDecode(value));
          if (d.nodeId === id) descs.push(d);
        } catch (e) {
          this.opts.logger?.warn({ nodeId: id, err: (e as Error).message }, 'unreadable node descriptor');
        }
      }
      this.learn(descs);
      this.stats.refreshes++;
    } catch (e) {
      if (txn.status === 'pending') await txn.rollback().catch(() => {});
      this.stats.refreshFailures++;
      this.opts.logger?.warn({ err: (e as Error).message }, 'node registry refresh failed');
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.published) {
      await this.publish().catch((e: unknown) => {
        this.stats.publishFailures++;
        this.opts.logger?.warn({ err: (e as Error).message }, 'publishing the node descriptor failed; will retry');
      });
    }
    await this.refresh();
    this.schedule(this.opts.refreshIntervalMs ?? registryRefreshIntervalMs);
  }

  /** Stops the periodic refresh and waits for a scan in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await this.refreshing;
  }
}
