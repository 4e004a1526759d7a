// Transports: how kvclient reaches stores (Transport) and how stores of different nodes talk
// (NodeTransport: Raft message streams, snapshots), plus NodeService, what a node serves to
// its peers. Declared here, in storage; implemented by src/rpc (gRPC between nodes), by
// store/local-transport.ts (in process) and by the simulator (test/sim).

import type { Message } from '../raft/types.js';
import type { BatchRequest, BatchResponse } from './batch.js';
import type { RangeDescriptor, ReplicaDescriptor } from './range.js';

export interface Transport {
  /** Sends a batch to the store on `nodeId`. Resolves with the replica's response (errors included); rejects only when the node cannot be reached. */
  send(nodeId: number, ba: BatchRequest): Promise<BatchResponse>;
  /** The range descriptors a node knows (bootstrap of the range cache: where the meta range lives). */
  rangeDescriptors(nodeId: number): Promise<readonly RangeDescriptor[]>;
}

/** One Raft message between two replicas of a range. */
export interface RaftMessageRequest {
  readonly rangeId: number;
  readonly from: ReplicaDescriptor;
  readonly to: ReplicaDescriptor;
  readonly message: Message;
}

/**
 * A heartbeat (or its response) of one range. Heartbeats of all ranges between one pair of
 * nodes travel coalesced in one RaftMessageBatch per turn (CockroachDB's coalesced heartbeats).
 */
export interface RaftHeartbeat {
  readonly rangeId: number;
  readonly fromReplicaId: number;
  readonly toReplicaId: number;
  readonly term: number;
  readonly commit: number;
  /** The leader asks the follower to stop ticking this idle range until the next message. */
  readonly quiesce: boolean;
}

/** Everything one node sends one peer in a turn: one frame on that peer's long-lived stream. */
export interface RaftMessageBatch {
  readonly fromNodeId: number;
  readonly toNodeId: number;
  readonly messages: readonly RaftMessageRequest[];
  readonly heartbeats: readonly RaftHeartbeat[];
  readonly heartbeatResps: readonly RaftHeartbeat[];
}

/**
 * Opens a snapshot stream. `message` is the MsgSnap Raft produced (its snapshot carries index,
 * term and configuration); the range's data follows as opaque chunks (the store's format).
 */
export interface SnapshotHeader {
  readonly rangeId: number;
  readonly from: ReplicaDescriptor;
  readonly to: ReplicaDescriptor;
  readonly desc: RangeDescriptor;
  readonly message: Message;
}

export type SnapshotResponse =
  | { readonly status: 'applied' }
  | { readonly status: 'declined' | 'error'; readonly message: string };

/** Node-to-node transport of a store (src/rpc over gRPC; the simulator in memory). */
export interface NodeTransport extends Transport {
  /**
   * Queues `batch` for its peer. Best effort: never throws, may drop (Raft retransmits);
   * batches to one peer arrive in the order sent or not at all.
   */
  sendRaft(batch: RaftMessageBatch): void;
  /** Streams a snapshot to a peer; `chunks` is read lazily (backpressure) and at most once. */
  sendSnapshot(toNodeId: number, header: SnapshotHeader, chunks: AsyncIterable<Buffer>): Promise<SnapshotResponse>;
}

/** What a node serves to peers and gateways: the store implements it, the rpc server calls it. */
export interface NodeService {
  send(ba: BatchRequest): Promise<BatchResponse>;
  /** Raft traffic from a peer. Must not block: queue and return. */
  handleRaft(batch: RaftMessageBatch): void;
  receiveSnapshot(header: SnapshotHeader, chunks: AsyncIterable<Buffer>): Promise<SnapshotResponse>;
  rangeDescriptors(): readonly RangeDescriptor[];
}
