// GrpcTransport: storage's NodeTransport over gRPC, the store's way to reach other nodes.
// One channel per peer address (lazy), one outgoing Raft stream per peer (raft-stream.ts)
// flushed once per event-loop turn, unary KV batches and range descriptors with a deadline,
// client-streamed snapshots with backpressure, and `call` for src/cluster's unary handlers.
// Built by src/server/node.ts; reachability failures reject with NodeUnreachableError.

import * as grpc from '@grpc/grpc-js';
import type { ChannelOptions, ClientWritableStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type {
  BatchRequest,
  BatchResponse,
  NodeService,
  NodeTransport,
  RaftMessageBatch,
  RangeDescriptor,
  SnapshotHeader,
  SnapshotResponse,
} from '../../storage/index.js';
import { assert } from '../../storage/index.js';
import { BufWriter } from './buf.js';
import {
  decodeBatchResponse,
  decodeRangeDescriptors,
  decodeSnapshotResponse,
  encodeBatchRequest,
  encodeSnapshotHeader,
  encodeUnaryFrame,
  decodeUnaryResponse,
} from './codec.js';
import { NodeUnreachableError, toRpcError } from './errors.js';
import { RaftPeerStream } from './raft-stream.js';
import type { RaftStreamOptions, RaftStreamStats } from './raft-stream.js';
import { channelOptions, METHOD } from './service.js';

export interface GrpcTransportOptions extends Partial<RaftStreamOptions> {
  /** This node's id (0 while it has none, before join): the `from` of its Raft batches. */
  readonly nodeId: number;
  /** A node's rpc address (host:port), or undefined when unknown. Called at connect time. */
  readonly resolve: (nodeId: number) => string | undefined;
  readonly logger?: Logger;
  /** Deadline of a KV batch (send) and of rangeDescriptors, in ms. */
  readonly sendTimeoutMs?: number;
  /** Deadline of a generic unary call, in ms (per call: the `timeoutMs` option). */
  readonly callTimeoutMs?: number;
  /** Deadline of a whole snapshot stream, in ms. */
  readonly snapshotTimeoutMs?: number;
  /** Largest snapshot chunk, in bytes (the store's chunks; grpc's limit is far above). */
  readonly snapshotChunkBytesMax?: number;
  /** grpc channel options over channelOptions()'s defaults. */
  readonly grpcOptions?: ChannelOptions;
}

export const transportDefaults = {
  raftQueueBatchesMax: 1_024,
  raftFrameBytesSoft: 4 << 20,
  reconnectBackoffMinMs: 50,
  reconnectBackoffMaxMs: 2_000,
  sendTimeoutMs: 10_000,
  callTimeoutMs: 10_000,
  snapshotTimeoutMs: 10 * 60_000,
  snapshotChunkBytesMax: 4 << 20,
} as const;

export type TransportStats = RaftStreamStats & { batchesSent: number; snapshotsSent: number; unaryCalls: number };

type Target = { nodeId: number | null; address: string | null };

const identity = (b: Buffer): Buffer => b;

export class GrpcTransport implements NodeTransport {
  private ownNodeId: number;
  /** This node's own service: calls to ownNodeId skip gRPC and serialization. */
  private local: NodeService | null = null;
  /** Raft batches to this node, delivered to `local` at the end of the turn. */
  private localRaft: RaftMessageBatch[] = [];
  private readonly resolveAddress: (nodeId: number) => string | undefined;
  private readonly log: Logger | undefined;
  private readonly streamOpts: RaftStreamOptions;
  private readonly grpcOptions: ChannelOptions;
  private sendTimeoutMs: number;
  private readonly callTimeoutMs: number;
  private readonly snapshotTimeoutMs: number;
  private readonly snapshotChunkBytesMax: number;
  private readonly clients = new Map<string, grpc.Client>();
  private readonly peers = new Map<number, RaftPeerStream>();
  /** Peers with queued batches, flushed together at the end of the turn. */
  private dirty: RaftPeerStream[] = [];
  private flushScheduled = false;
  private readonly frameWriter = new BufWriter(64 * 1024);
  private closed = false;
  readonly stats: TransportStats = {
    raftBatchesQueued: 0,
    raftBatchesDropped: 0,
    raftFramesSent: 0,
    raftWritesBlocked: 0,
    raftStreamsOpened: 0,
    raftStreamFailures: 0,
    batchesSent: 0,
    snapshotsSent: 0,
    unaryCalls: 0,
  };

  constructor(opts: GrpcTransportOptions) {
    this.ownNodeId = opts.nodeId;
    this.resolveAddress = opts.resolve;
    this.log = opts.logger;
    this.streamOpts = {
      raftQueueBatchesMax: opts.raftQueueBatchesMax ?? transportDefaults.raftQueueBatchesMax,
      raftFrameBytesSoft: opts.raftFrameBytesSoft ?? transportDefaults.raftFrameBytesSoft,
      reconnectBackoffMinMs: opts.reconnectBackoffMinMs ?? transportDefaults.reconnectBackoffMinMs,
      reconnectBackoffMaxMs: opts.reconnectBackoffMaxMs ?? transportDefaults.reconnectBackoffMaxMs,
    };
    this.grpcOptions = channelOptions(opts.grpcOptions);
    this.sendTimeoutMs = opts.sendTimeoutMs ?? transportDefaults.sendTimeoutMs;
    this.callTimeoutMs = opts.callTimeoutMs ?? transportDefaults.callTimeoutMs;
    this.snapshotTimeoutMs = opts.snapshotTimeoutMs ?? transportDefaults.snapshotTimeoutMs;
    this.snapshotChunkBytesMax = opts.snapshotChunkBytesMax ?? transportDefaults.snapshotChunkBytesMax;
    assert(this.sendTimeoutMs > 0 && this.callTimeoutMs > 0 && this.snapshotTimeoutMs > 0, 'timeouts must be positive');
    // Checked here so that a bad option fails at construction, never inside sendRaft.
    const so = this.streamOpts;
    assert(so.raftQueueBatchesMax >= 1 && so.raftFrameBytesSoft >= 1, 'raft queue and frame limits must be positive');
    assert(so.reconnectBackoffMinMs > 0 && so.reconnectBackoffMaxMs >= so.reconnectBackoffMinMs, 'bad reconnect backoff');
  }

  get nodeId(): number {
    return this.ownNodeId;
  }

  /** Sets the node's id once it is known (a joining node gets it from the cluster). */
  setNodeId(nodeId: number): void {
    assert(this.ownNodeId === 0 || this.ownNodeId === nodeId, `node id already ${this.ownNodeId}`);
    assert(nodeId > 0, 'node ids start at 1');
    this.ownNodeId = nodeId;
  }

  /**
   * Routes calls addressed to this node straight to its own service (no gRPC, no copy; the
   * ownership rules of batch.ts make sharing the request safe). Raft batches to self are
   * still delivered at the end of the turn, never inside sendRaft.
   */
  setLocalService(service: NodeService): void {
    assert(this.local === null, 'setLocalService called twice');
    this.local = service;
  }

  setSendTimeoutMs(ms: number): void {
    assert(ms > 0, 'send timeout must be positive');
    this.sendTimeoutMs = ms;
  }

  // ---- Raft ----

  sendRaft(batch: RaftMessageBatch): void {
    if (this.closed) {
      this.stats.raftBatchesDropped++;
      return;
    }
    if (batch.toNodeId === this.ownNodeId) {
      assert(this.local !== null, 'a Raft batch to this node, but no local service (setLocalService)');
      if (this.localRaft.length >= this.streamOpts.raftQueueBatchesMax) {
        this.localRaft.shift();
        this.stats.raftBatchesDropped++;
      }
      this.localRaft.push(batch);
      this.scheduleFlush();
      return;
    }
    let peer = this.peers.get(batch.toNodeId);
    if (peer === undefined) {
      const nodeId = batch.toNodeId;
      peer = new RaftPeerStream(nodeId, () => this.clientForNode(nodeId), this.streamOpts, this.stats, this.frameWriter, this.log);
      this.peers.set(nodeId, peer);
    }
    peer.enqueue(batch);
    if (!peer.dirty) {
      peer.dirty = true;
      this.dirty.push(peer);
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushDirty);
  }

  /** End of the turn: every peer's queued batches go out, coalesced. */
  private readonly flushDirty = (): void => {
    this.flushScheduled = false;
    if (this.localRaft.length > 0) {
      const local = this.localRaft;
      this.localRaft = [];
      for (const b of local) this.local!.handleRaft(b);
    }
    const dirty = this.dirty;
    this.dirty = [];
    for (const peer of dirty) {
      peer.dirty = false;
      peer.flush();
    }
  };

  /** Forgets a peer that left the cluster: its stream is ended and its queue dropped. */
  removePeer(nodeId: number): void {
    const peer = this.peers.get(nodeId);
    if (peer === undefined) return;
    peer.close();
    this.peers.delete(nodeId);
    this.dirty = this.dirty.filter((p) => p !== peer);
  }

  /** Whether the Raft stream to `nodeId` is open (status pages, tests). */
  raftConnected(nodeId: number): boolean {
    return this.peers.get(nodeId)?.connected ?? false;
  }

  // ---- unary calls ----

  async send(nodeId: number, ba: BatchRequest): Promise<BatchResponse> {
    if (nodeId === this.ownNodeId && this.local !== null) return this.local.send(ba);
    const buf = encodeBatchRequest(ba);
    const resp = await this.unary(this.target(nodeId), METHOD.batch, buf, this.sendTimeoutMs);
    this.stats.batchesSent++;
    return decodeBatchResponse(resp);
  }

  async rangeDescriptors(nodeId: number): Promise<readonly RangeDescriptor[]> {
    if (nodeId === this.ownNodeId && this.local !== null) return this.local.rangeDescriptors();
    const resp = await this.unary(this.target(nodeId), METHOD.rangeDescriptors, Buffer.alloc(0), this.sendTimeoutMs);
    return decodeRangeDescriptors(resp);
  }

  /**
   * Calls a handler registered with RpcServer.handle on a node (by id) or an address
   * (host:port: joining nodes have no id yet). Rejects with NodeUnreachableError or RpcRemoteError.
   */
  async call(nodeIdOrAddr: number | string, method: string, req: unknown, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    const target: Target = typeof nodeIdOrAddr === 'string' ? { nodeId: null, address: nodeIdOrAddr } : this.target(nodeIdOrAddr);
    const resp = await this.unary(target, METHOD.unary, encodeUnaryFrame(method, req), opts.timeoutMs ?? this.callTimeoutMs, method);
    this.stats.unaryCalls++;
    return decodeUnaryResponse(resp);
  }

  private unary(target: Target, path: string, req: Buffer, timeoutMs: number, what: string = path): Promise<Buffer> {
    const client = this.clientFor(target);
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(path, identity, identity, req, { deadline: Date.now() + timeoutMs }, (err, value) => {
        if (err) reject(toRpcError(err, what, target));
        else resolve(value!);
      });
    });
  }

  // ---- snapshots ----

  async sendSnapshot(toNodeId: number, header: SnapshotHeader, chunks: AsyncIterable<Buffer>): Promise<SnapshotResponse> {
    assert(toNodeId !== this.ownNodeId, 'a snapshot to the local node');
    const target = this.target(toNodeId);
    const client = this.clientFor(target);
    let finished = false;
    let call!: ClientWritableStream<Buffer>;
    const done = new Promise<Buffer>((resolve, reject) => {
      call = client.makeClientStreamRequest(METHOD.snapshot, identity, identity, { deadline: Date.now() + this.snapshotTimeoutMs }, (err, value) => {
        finished = true;
        if (err) reject(toRpcError(err, METHOD.snapshot, target));
        else resolve(value!);
      });
    });
    // Awaited below; until then a failure must not count as unhandled.
    done.catch(() => {});
    try {
      call.write(encodeSnapshotHeader(header));
      for await (const chunk of chunks) {
        // The receiver answered early (declined, failed) or the call broke: stop reading.
        if (finished) break;
        assert(chunk.length <= this.snapshotChunkBytesMax, `snapshot chunk of ${chunk.length} bytes above snapshotChunkBytesMax`);
        if (!call.write(chunk)) await drained(call, done);
      }
      if (!finished) call.end();
    } catch (e) {
      call.cancel();
      throw e;
    }
    const resp = decodeSnapshotResponse(await done);
    this.stats.snapshotsSent++;
    return resp;
  }

  // ---- channels ----

  private target(nodeId: number): Target {
    return { nodeId, address: this.resolveSafe(nodeId) ?? null };
  }

  private resolveSafe(nodeId: number): string | undefined {
    try {
      return this.resolveAddress(nodeId);
    } catch (e) {
      this.log?.warn({ peer: nodeId, err: (e as Error).message }, 'resolving a node address failed');
      return undefined;
    }
  }

  private clientFor(target: Target): grpc.Client {
    if (this.closed) throw new NodeUnreachableError(target, 'closed', false, 'transport closed');
    if (target.address === null) throw new NodeUnreachableError(target, 'unresolved', false, 'no address known');
    try {
      return this.clientAt(target.address);
    } catch (e) {
      throw new NodeUnreachableError(target, 'unresolved', false, `bad address: ${(e as Error).message}`);
    }
  }

  private clientForNode(nodeId: number): grpc.Client | null {
    const address = this.resolveSafe(nodeId);
    if (address === undefined || this.closed) return null;
    try {
      return this.clientAt(address);
    } catch (e) {
      this.log?.warn({ peer: nodeId, address, err: (e as Error).message }, 'bad peer address');
      return null;
    }
  }

  /** The channel to `address`, made on first use. Throws on an address grpc cannot parse. */
  private clientAt(address: string): grpc.Client {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = new grpc.Client(address, grpc.credentials.createInsecure(), this.grpcOptions);
      this.clients.set(address, client);
    }
    return client;
  }

  /** Ends every Raft stream and closes every channel; later sends reject, sendRaft drops. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.dirty = [];
    this.stats.raftBatchesDropped += this.localRaft.length;
    this.localRaft = [];
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/** Resolves when the stream drains or the call finishes (whichever first). */
function drained(call: ClientWritableStream<Buffer>, done: Promise<Buffer>): Promise<void> {
  return new Promise((resolve) => {
    const onDrain = () => {
      call.off('drain', onDrain);
      resolve();
    };
    call.on('drain', onDrain);
    done.then(onDrain, onDrain);
  });
}
