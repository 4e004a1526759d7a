// Heartbeat coalescing (CockroachDB's coalesced heartbeats): a turn's outgoing Raft messages
// become one RaftMessageBatch per destination node, where each range's MsgHeartbeat and
// MsgHeartbeatResp shrink to a RaftHeartbeat; the receiving store expands them back into
// Raft messages. Pure functions: the scheduler coalesces, the store's handleRaft expands.

import { assert } from '../base/assert.js';
import type { ReplicaDescriptor } from '../api/range.js';
import type { RaftHeartbeat, RaftMessageBatch, RaftMessageRequest } from '../api/transport.js';
import type { Message } from '../raft/index.js';

/**
 * An outgoing (or received) Raft message of one range. `quiesce` marks a leader's heartbeat
 * that asks the follower to stop ticking the idle range; it travels in RaftHeartbeat.quiesce.
 */
export interface RaftMessageOut extends RaftMessageRequest {
  readonly quiesce?: boolean;
}

const NO_ENTRIES: readonly never[] = [];

/**
 * A Ready's messages addressed with replica descriptors (what RaftReplica.outgoing returns).
 * A message to a peer missing from `replicas` (removed from the descriptor) is dropped and
 * counted in `unknown`: Raft retransmits or the peer is gone.
 */
export function addressRaftMessages(
  rangeId: number,
  self: ReplicaDescriptor,
  replicas: readonly ReplicaDescriptor[],
  msgs: readonly Message[],
  out: RaftMessageOut[] = [],
): { readonly out: RaftMessageOut[]; readonly unknown: number } {
  let unknown = 0;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    assert(m.from === self.replicaId, 'heartbeats: message not from this replica');
    let to: ReplicaDescriptor | undefined;
    for (let j = 0; j < replicas.length; j++) {
      if (replicas[j]!.replicaId === m.to) {
        to = replicas[j];
        break;
      }
    }
    if (to === undefined) unknown++;
    else out.push({ rangeId, from: self, to, message: m });
  }
  return { out, unknown };
}

/**
 * True when a message carries nothing but what RaftHeartbeat holds. A heartbeat with a
 * ReadIndex context (or any other field set) travels as a full message.
 */
export function isCoalescible(m: Message): boolean {
  if (m.type !== 'heartbeat' && m.type !== 'heartbeatResp') return false;
  return (
    (m.context === null || m.context.length === 0) &&
    m.entries.length === 0 &&
    m.snapshot === null &&
    m.logTerm === 0 &&
    m.index === 0 &&
    !m.reject &&
    m.rejectHint === 0 &&
    (m.type === 'heartbeat' || m.commit === 0)
  );
}

interface Builder {
  readonly toNodeId: number;
  readonly messages: RaftMessageRequest[];
  readonly heartbeats: RaftHeartbeat[];
  readonly heartbeatResps: RaftHeartbeat[];
}

/**
 * Groups a turn's messages by destination node, in order of first appearance; messages to
 * one node keep their relative order (Raft relies on per-peer order for MsgApp pipelining).
 */
export function coalesceRaftMessages(fromNodeId: number, msgs: readonly RaftMessageOut[]): RaftMessageBatch[] {
  const byNode = new Map<number, Builder>();
  for (let i = 0; i < msgs.length; i++) {
    const req = msgs[i]!;
    assert(req.from.nodeId === fromNodeId, 'heartbeats: message from another node');
    assert(req.message.from === req.from.replicaId && req.message.to === req.to.replicaId, 'heartbeats: descriptor/message ids differ');
    let b = byNode.get(req.to.nodeId);
    if (!b) {
      b = { toNodeId: req.to.nodeId, messages: [], heartbeats: [], heartbeatResps: [] };
      byNode.set(req.to.nodeId, b);
    }
    const m = req.message;
    if (!isCoalescible(m)) {
      b.messages.push(req.quiesce === undefined ? req : { rangeId: req.rangeId, from: req.from, to: req.to, message: m });
      continue;
    }
    const hb: RaftHeartbeat = {
      rangeId: req.rangeId,
      fromReplicaId: m.from,
      toReplicaId: m.to,
      term: m.term,
      commit: m.commit,
      quiesce: req.quiesce === true,
    };
    (m.type === 'heartbeat' ? b.heartbeats : b.heartbeatResps).push(hb);
  }
  const out: RaftMessageBatch[] = [];
  for (const b of byNode.values()) {
    out.push({ fromNodeId, toNodeId: b.toNodeId, messages: b.messages, heartbeats: b.heartbeats, heartbeatResps: b.heartbeatResps });
  }
  return out;
}

function heartbeatMessage(type: 'heartbeat' | 'heartbeatResp', hb: RaftHeartbeat): Message {
  return {
    type,
    from: hb.fromReplicaId,
    to: hb.toReplicaId,
    term: hb.term,
    logTerm: 0,
    index: 0,
    entries: NO_ENTRIES,
    commit: hb.commit,
    snapshot: null,
    reject: false,
    rejectHint: 0,
    context: null,
  };
}

/**
 * The inverse, on receipt: full messages first (in order), then heartbeats, then heartbeat
 * responses. One store per node, so the caller passes both ends' store ids.
 */
export function expandRaftMessageBatch(batch: RaftMessageBatch, fromStoreId: number, toStoreId: number): RaftMessageOut[] {
  const out: RaftMessageOut[] = batch.messages.slice();
  const expand = (type: 'heartbeat' | 'heartbeatResp', list: readonly RaftHeartbeat[]): void => {
    for (let i = 0; i < list.length; i++) {
      const hb = list[i]!;
      out.push({
        rangeId: hb.rangeId,
        from: { nodeId: batch.fromNodeId, storeId: fromStoreId, replicaId: hb.fromReplicaId },
        to: { nodeId: batch.toNodeId, storeId: toStoreId, replicaId: hb.toReplicaId },
        message: heartbeatMessage(type, hb),
        quiesce: hb.quiesce,
      });
    }
  };
  expand('heartbeat', batch.heartbeats);
  expand('heartbeatResp', batch.heartbeatResps);
  return out;
}
