// The simulated NodeTransport for the cluster-level simulation (next step of issue 3): the
// store's Transport / NodeTransport over a SimNetwork, so batch requests, Raft message
// batches and snapshots between simulated nodes are delayed, dropped, partitioned and
// clogged like everything else. Raft batches keep the contract "in order or not at all"
// (give the network a FIFO profile); a request or snapshot whose message or answer is lost
// rejects after rpcTimeoutUs, as a gRPC deadline would. Drive with Scheduler.runUntilAsync.

import type { NodeService, NodeTransport, RaftMessageBatch, SnapshotHeader, SnapshotResponse } from '../../../storage/api/transport.js';
import type { BatchRequest, BatchResponse } from '../../../storage/api/batch.js';
import type { RangeDescriptor } from '../../../storage/api/range.js';
import { assert } from '../../../storage/base/index.js';
import type { SimNetwork } from './network.js';
import type { Scheduler, SimTimeUs } from './scheduler.js';

export type ClusterMsg =
  | { readonly kind: 'raft'; readonly batch: RaftMessageBatch }
  | { readonly kind: 'call'; readonly id: number; readonly call: Call }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: boolean; readonly value: unknown };

type Call =
  | { readonly kind: 'batch'; readonly ba: BatchRequest }
  | { readonly kind: 'descriptors' }
  | { readonly kind: 'snapshot'; readonly header: SnapshotHeader; readonly chunks: readonly Buffer[] };

/** Calls awaiting an answer per node at most (a leak guard: each has a deadline). */
const CALLS_INFLIGHT_MAX = 100_000;

export class NodeUnreachableError extends Error {
  constructor(readonly nodeId: number) {
    super(`node ${nodeId} unreachable`);
    this.name = 'NodeUnreachableError';
  }
}

/** The network side shared by every node: routes deliveries to services and pending calls. */
export class SimCluster {
  private readonly services = new Map<number, NodeService>();
  private readonly endpoints = new Map<number, SimNodeTransport>();
  private readonly callsSeen = new Set<string>();

  constructor(
    readonly sched: Scheduler,
    readonly net: SimNetwork<ClusterMsg>,
    readonly rpcTimeoutUs: SimTimeUs,
  ) {
    net.onDeliver((from, to, msg) => this.deliver(from, to, msg));
  }

  /** The transport node `nodeId` uses to reach the others. */
  transportFor(nodeId: number): SimNodeTransport {
    let t = this.endpoints.get(nodeId);
    if (t === undefined) this.endpoints.set(nodeId, (t = new SimNodeTransport(nodeId, this)));
    return t;
  }

  /** Registers (or, after a restart, replaces; null on crash) what node `nodeId` serves. */
  serve(nodeId: number, service: NodeService | null): void {
    if (service === null) this.services.delete(nodeId);
    else this.services.set(nodeId, service);
  }

  private deliver(from: number, to: number, msg: ClusterMsg): void {
    if (msg.kind === 'reply') {
      this.endpoints.get(to)?.settle(msg.id, msg.ok, msg.value);
      return;
    }
    const svc = this.services.get(to);
    if (svc === undefined) return; // crashed: the caller's deadline fires
    if (msg.kind === 'call') {
      // A request stream never delivers one request twice (the network may duplicate packets).
      const key = `${from}:${msg.id}`;
      if (this.callsSeen.has(key)) return;
      this.callsSeen.add(key);
    }
    if (msg.kind === 'raft') {
      svc.handleRaft(msg.batch);
      return;
    }
    const reply = (ok: boolean, value: unknown) => this.net.send(to, from, { kind: 'reply', id: msg.id, ok, value });
    const call = msg.call;
    let p: Promise<unknown>;
    if (call.kind === 'batch') p = svc.send(call.ba);
    else if (call.kind === 'descriptors') p = Promise.resolve(svc.rangeDescriptors());
    else p = svc.receiveSnapshot(call.header, chunksOf(call.chunks));
    p.then(
      (v) => reply(true, v),
      (e: unknown) => reply(false, e instanceof Error ? e.message : String(e)),
    );
  }
}

async function* chunksOf(chunks: readonly Buffer[]): AsyncIterable<Buffer> {
  for (const c of chunks) yield c;
}

export class SimNodeTransport implements NodeTransport {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: { cancel(): void } }>();

  constructor(
    readonly nodeId: number,
    private readonly cluster: SimCluster,
  ) {}

  send(nodeId: number, ba: BatchRequest): Promise<BatchResponse> {
    return this.call(nodeId, { kind: 'batch', ba }) as Promise<BatchResponse>;
  }

  rangeDescriptors(nodeId: number): Promise<readonly RangeDescriptor[]> {
    return this.call(nodeId, { kind: 'descriptors' }) as Promise<readonly RangeDescriptor[]>;
  }

  sendRaft(batch: RaftMessageBatch): void {
    assert(batch.fromNodeId === this.nodeId, 'sim transport: batch from another node');
    this.cluster.net.send(this.nodeId, batch.toNodeId, { kind: 'raft', batch });
  }

  async sendSnapshot(toNodeId: number, header: SnapshotHeader, chunks: AsyncIterable<Buffer>): Promise<SnapshotResponse> {
    const all: Buffer[] = [];
    for await (const c of chunks) all.push(c);
    return (await this.call(toNodeId, { kind: 'snapshot', header, chunks: all })) as SnapshotResponse;
  }

  /** Fails every call in flight (this node crashed: its process and sockets are gone). */
  failAll(): void {
    for (const [id, p] of this.pending) {
      p.timer.cancel();
      p.reject(new NodeUnreachableError(this.nodeId));
      this.pending.delete(id);
    }
  }

  settle(id: number, ok: boolean, value: unknown): void {
    const p = this.pending.get(id);
    if (p === undefined) return; // answered already, timed out, or a duplicate
    this.pending.delete(id);
    p.timer.cancel();
    if (ok) p.resolve(value);
    else p.reject(new Error(String(value)));
  }

  private call(to: number, call: Call): Promise<unknown> {
    assert(this.pending.size < CALLS_INFLIGHT_MAX, 'sim transport: too many calls in flight');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.cluster.sched.after(this.cluster.rpcTimeoutUs, () => {
        if (this.pending.delete(id)) reject(new NodeUnreachableError(to));
      });
      this.pending.set(id, { resolve, reject, timer });
      this.cluster.net.send(this.nodeId, to, { kind: 'call', id, call });
    });
  }
}
