// The KV side of a node in a multi-node cluster (`shoal start`), composed for node.ts:
// engine → store ident → rpc server (init, join, nodeInfo, nodeStatus) → identity (the
// store's ident, or wait for `init` / join through --join) → the node's store served to
// peers → a gateway KvDb over the GrpcTransport (after finding the meta range) → node
// registry (publish + refresh) → liveness heartbeats. Stops in the reverse order, in steps
// node.ts interleaves with the SQL side.

import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import {
  MetaRangeUnknownError,
  connectNodeKvDb,
  openEngine,
  openNodeStore,
  readStoreIdent,
  type NodeKvDb,
  type NodeStore,
  type StoreIdent,
} from '../../storage/index.js';
import {
  AbortedError,
  Backoff,
  CLUSTER_METHOD,
  IdentGate,
  NodeLiveness,
  NodeRegistry,
  joinCluster,
  nodeStatus,
  serveJoin,
  sleep,
  type IdentDecision,
} from '../cluster/index.js';
import type { MetricsRegistry } from '../http/metrics.js';
import { GrpcTransport, RpcServer } from '../rpc/index.js';
import { NodeStartError, hostPortString, type ClusterConfig, type NodeConfig } from './config.js';
import { layerLogger } from './log.js';

export interface ClusterKvDeps {
  readonly logger: Logger;
  /** Aborts a start that is still waiting (for init, a join, the meta range). */
  readonly signal?: AbortSignal;
  /** Told once when the node has no ident and starts waiting for init or a join. */
  readonly onWaiting?: (listenAddr: string) => void;
}

type Undo = Array<[string, () => Promise<unknown>]>;

export class ClusterKv {
  private constructor(
    readonly ident: StoreIdent,
    readonly source: IdentDecision['source'],
    readonly kv: NodeKvDb,
    readonly rpc: RpcServer,
    readonly transport: GrpcTransport,
    readonly registry: NodeRegistry,
    readonly liveness: NodeLiveness,
    private readonly nodeStore: NodeStore,
  ) {}

  static async start(config: NodeConfig, cluster: ClusterConfig, deps: ClusterKvDeps): Promise<ClusterKv> {
    const log = deps.logger.child({ layer: 'cluster' });
    const undo: Undo = [];
    try {
      if (config.storeDir !== null) await mkdir(config.storeDir, { recursive: true });
      const engine = await openEngine(config.storeDir === null ? { engine: 'memory' } : { engine: 'rocksdb', dir: config.storeDir }).catch((e: unknown) => {
        // RocksDB allows one process per directory; its lock error says little.
        throw new NodeStartError(`cannot open the store in ${config.storeDir}: ${(e as Error).message} (is another shoal process using it?)`, { cause: e });
      });
      let nodeStore: NodeStore | null = null;
      // The store, once open, owns the engine and closes it.
      undo.push(['engine', () => (nodeStore ? nodeStore.close() : engine.close())]);
      const gate = new IdentGate(readStoreIdent(engine), randomUUID);
      let kv: NodeKvDb | null = null;
      const selfAddr = hostPortString(cluster.advertiseAddr);
      const joinAddrs = cluster.join.map(hostPortString);
      let transport!: GrpcTransport;
      const call = (addr: string, method: string, req: unknown) => transport.call(addr, method, req);
      const registry = new NodeRegistry({
        self: { rpcAddr: selfAddr, sqlAddr: hostPortString(config.sqlAddr), httpAddr: config.httpAddr && hostPortString(config.httpAddr), startedAt: Date.now() },
        ident: () => gate.ident,
        call,
        joinAddrs,
        logger: log,
      });
      transport = new GrpcTransport({ nodeId: gate.ident?.nodeId ?? 0, resolve: (id) => registry.resolve(id), logger: log });
      undo.push(['transport', async () => transport.close()]);
      const rpc = new RpcServer({ logger: log });
      let liveness: NodeLiveness | null = null;
      rpc.handle(CLUSTER_METHOD.init, async () => gate.handleInit());
      rpc.handle(CLUSTER_METHOD.nodeInfo, async () => registry.nodeInfo());
      rpc.handle(CLUSTER_METHOD.join, (req) => serveJoin(req, { ident: () => (kv === null ? null : gate.ident), kv: () => kv, peers: () => registry.nodes(), logger: log }));
      rpc.handle(CLUSTER_METHOD.nodeStatus, async () => {
        if (kv === null || gate.ident === null) throw new Error('node is not part of an initialized cluster yet');
        // Fresh, not as of the last periodic refresh: an operator asking wants the truth now.
        await Promise.all([registry.refresh(), liveness?.refresh().catch(() => {})]);
        return nodeStatus(gate.ident, registry, liveness);
      });
      const listen = `${cluster.listenAddr.host}:${cluster.listenAddr.port}`;
      await rpc.listen(listen).catch((e: unknown) => {
        const inUse = /EADDRINUSE/.test(String((e as Error).message));
        throw new NodeStartError(`cannot listen on --listen-addr ${listen}: ${inUse ? 'address already in use' : (e as Error).message}`, { cause: e });
      });
      undo.push(['rpc', () => rpc.stop()]);

      const decision = await decideIdent(gate, registry, { selfAddr, joinAddrs, call, log, deps, listenAddr: rpc.address });
      if (decision.source !== 'store') transport.setNodeId(decision.ident.nodeId);
      const nodeLog = deps.logger.child({ nodeId: decision.ident.nodeId });
      nodeStore = await openNodeStore(engine, {
        ident: decision.ident,
        transport,
        bootstrap: decision.bootstrap,
        logger: layerLogger(deps.logger, 'storage', decision.ident.nodeId),
      });
      log.info({ ...decision.ident, source: decision.source }, 'node identity');
      rpc.setService(nodeStore.service);
      transport.setLocalService(nodeStore.service);
      kv = await connectGateway(nodeStore, registry, deps.signal, log);
      undo.push(['kv', () => kv!.close()]);
      registry.attach(kv);
      await retry('publish the node descriptor', () => registry.publish(), deps.signal, log);
      registry.start();
      undo.push(['registry', () => registry.stop()]);
      liveness = new NodeLiveness({ kv, nodeId: decision.ident.nodeId, logger: nodeLog.child({ layer: 'liveness' }) });
      await liveness.start();
      return new ClusterKv(decision.ident, decision.source, kv, rpc, transport, registry, liveness, nodeStore);
    } catch (err) {
      for (const [name, step] of undo.reverse()) await step().catch((e: unknown) => log.error({ err: e, step: name }, 'cleanup after failed start'));
      throw err;
    }
  }

  /** Stops the background KV users (liveness, registry refresh): first in a stop. */
  async stopBackground(): Promise<void> {
    await this.liveness.stop();
    await this.registry.stop();
  }

  /** Stops serving peers (lets calls in flight finish up to the rpc server's deadline). */
  async stopRpc(): Promise<void> {
    await this.rpc.stop();
  }

  /** Closes the gateway, the store and its engine, then the transport. */
  async close(): Promise<void> {
    try {
      await this.kv.close();
    } finally {
      await this.nodeStore.close();
      this.transport.close();
    }
  }

  /** Adds the cluster's metrics (liveness heartbeats, rpc traffic) to the node's registry. */
  addMetrics(m: MetricsRegistry): void {
    const l = this.liveness.metrics;
    const r = this.rpc.stats;
    const t = this.transport.stats;
    m.add({ name: 'shoal_liveness_heartbeats_total', help: 'Liveness heartbeats written.', type: 'counter', value: () => l.heartbeatsOk });
    m.add({ name: 'shoal_liveness_heartbeat_failures_total', help: 'Liveness heartbeats that failed.', type: 'counter', value: () => l.heartbeatFailures });
    m.add({ name: 'shoal_liveness_heartbeat_latency_ms', help: 'Duration of the last successful heartbeat.', type: 'gauge', value: () => l.lastHeartbeatMs });
    m.add({ name: 'shoal_liveness_epoch', help: "This node's liveness epoch.", type: 'gauge', value: () => this.liveness.epoch });
    m.add({ name: 'shoal_cluster_nodes', help: 'Nodes in the registry.', type: 'gauge', value: () => this.registry.nodes().length });
    m.add({ name: 'shoal_rpc_batches_served_total', help: 'KV batches served to peers.', type: 'counter', value: () => r.batchesServed });
    m.add({ name: 'shoal_rpc_batches_sent_total', help: 'KV batches sent to peers.', type: 'counter', value: () => t.batchesSent });
    m.add({ name: 'shoal_rpc_unary_calls_total', help: 'Cluster RPCs served.', type: 'counter', value: () => r.unaryCalls });
    m.add({ name: 'shoal_raft_batches_dropped_total', help: 'Raft batches dropped (ranges not replicated yet).', type: 'counter', value: () => this.nodeStore.raftBatchesDropped() });
  }
}

interface DecideCtx {
  readonly selfAddr: string;
  readonly joinAddrs: readonly string[];
  readonly listenAddr: string;
  readonly call: (addr: string, method: string, req: unknown) => Promise<unknown>;
  readonly log: Logger;
  readonly deps: ClusterKvDeps;
}

/**
 * The node's ident: from its store, or whichever comes first of `init` and a join through
 * --join (with no other --join address the node only waits for init).
 */
async function decideIdent(gate: IdentGate, registry: NodeRegistry, ctx: DecideCtx): Promise<IdentDecision> {
  if (gate.ident !== null) return gate.decided;
  ctx.deps.onWaiting?.(ctx.listenAddr);
  ctx.log.info({ join: ctx.joinAddrs }, 'no store ident: waiting for `shoal init` or to join a cluster');
  const stopJoin = new AbortController();
  let failJoin: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (failJoin = reject));
  const peers = ctx.joinAddrs.filter((a) => a !== ctx.selfAddr);
  if (peers.length > 0) {
    const signal = ctx.deps.signal ? AbortSignal.any([ctx.deps.signal, stopJoin.signal]) : stopJoin.signal;
    joinCluster({ addrs: peers, selfAddr: ctx.selfAddr, call: ctx.call, signal, logger: ctx.log }).then(
      (admission) => {
        if (gate.offerJoin(admission.ident)) registry.learn(admission.peers);
      },
      (e: unknown) => {
        if (!(e instanceof AbortedError)) failJoin(e);
      },
    );
  }
  try {
    return await Promise.race([gate.decided, failed, aborted(ctx.deps.signal)]);
  } finally {
    stopJoin.abort();
  }
}

/** The gateway: retries until some node knows the meta range (after a restart it may not be up yet). */
async function connectGateway(node: NodeStore, registry: NodeRegistry, signal: AbortSignal | undefined, log: Logger): Promise<NodeKvDb> {
  const backoff = new Backoff();
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectNodeKvDb(node, { metaNodeIds: registry.nodeIds(), logger: log });
    } catch (e) {
      if (!(e instanceof MetaRangeUnknownError)) throw e;
      if (attempt === 1 || attempt % 10 === 0) log.info({ attempt, failures: e.failures }, 'waiting for a node that knows the meta range');
    }
    await registry.seedFromJoinAddrs();
    await sleep(backoff.next(), signal);
  }
}

/** Retries a KV write with backoff until it succeeds or the start is aborted. */
async function retry(what: string, fn: () => Promise<void>, signal: AbortSignal | undefined, log: Logger): Promise<void> {
  const backoff = new Backoff();
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      log.warn({ err: (e as Error).message }, `could not ${what}; retrying`);
    }
    await sleep(backoff.next(), signal);
  }
}

function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (signal === undefined) return;
    if (signal.aborted) return reject(new AbortedError('start aborted'));
    signal.addEventListener('abort', () => reject(new AbortedError('start aborted')), { once: true });
  });
}

