// Heartbeat coalescing (storage/store/heartbeats.ts): a turn's messages become one batch per
// destination node with heartbeats shrunk to RaftHeartbeat entries, and expand back exactly.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addressRaftMessages, coalesceRaftMessages, expandRaftMessageBatch, isCoalescible } from '../../../storage/store/heartbeats.js';
import type { RaftMessageOut } from '../../../storage/store/heartbeats.js';
import type { Message, MessageType } from '../../../storage/raft/types.js';

function msg(type: MessageType, from: number, to: number, extra: Partial<Message> = {}): Message {
  return { type, from, to, term: 3, logTerm: 0, index: 0, entries: [], commit: 0, snapshot: null, reject: false, rejectHint: 0, context: null, ...extra };
}

/** A message of range `rangeId` from node 1 (replica id = node id) to `toNode`. */
function out(rangeId: number, toNode: number, m: Message, quiesce?: boolean): RaftMessageOut {
  const req: RaftMessageOut = {
    rangeId,
    from: { nodeId: 1, storeId: 1, replicaId: m.from },
    to: { nodeId: toNode, storeId: toNode, replicaId: m.to },
    message: m,
  };
  return quiesce === undefined ? req : { ...req, quiesce };
}

describe('heartbeat coalescing', () => {
  it('groups by node, shrinks heartbeats and keeps per-node message order', () => {
    const msgs = [
      out(1, 2, msg('app', 1, 2, { index: 5, logTerm: 3, entries: [{ index: 6, term: 3, type: 'normal', data: Buffer.from('x') }], commit: 5 })),
      out(1, 2, msg('heartbeat', 1, 2, { commit: 5 })),
      out(2, 2, msg('heartbeat', 1, 2, { commit: 9 }), true),
      out(2, 3, msg('heartbeatResp', 1, 3)),
      out(3, 2, msg('app', 1, 2, { index: 7 })),
    ];
    const batches = coalesceRaftMessages(1, msgs);
    expect(batches.map((b) => b.toNodeId)).toEqual([2, 3]);
    const [to2, to3] = batches;
    expect(to2!.messages.map((m) => `${m.rangeId}:${m.message.type}:${m.message.index}`)).toEqual(['1:app:5', '3:app:7']);
    expect(to2!.heartbeats).toEqual([
      { rangeId: 1, fromReplicaId: 1, toReplicaId: 2, term: 3, commit: 5, quiesce: false },
      { rangeId: 2, fromReplicaId: 1, toReplicaId: 2, term: 3, commit: 9, quiesce: true },
    ]);
    expect(to3!.messages).toEqual([]);
    expect(to3!.heartbeatResps).toEqual([{ rangeId: 2, fromReplicaId: 1, toReplicaId: 3, term: 3, commit: 0, quiesce: false }]);
  });

  it('sends heartbeats carrying a ReadIndex context as full messages', () => {
    const withCtx = msg('heartbeat', 1, 2, { context: Buffer.from('ri-1') });
    expect(isCoalescible(withCtx)).toBe(false);
    expect(isCoalescible(msg('heartbeat', 1, 2, { context: Buffer.alloc(0) }))).toBe(true);
    expect(isCoalescible(msg('app', 1, 2))).toBe(false);
    const [b] = coalesceRaftMessages(1, [out(4, 2, withCtx)]);
    expect(b!.heartbeats).toEqual([]);
    expect(b!.messages[0]!.message.context?.toString()).toBe('ri-1');
  });

  it('expands a batch back into messages with descriptors', () => {
    const msgs = [out(1, 2, msg('heartbeat', 1, 2, { commit: 5 }), true), out(6, 2, msg('heartbeatResp', 1, 2)), out(7, 2, msg('vote', 1, 2, { index: 4, logTerm: 2 }))];
    const [b] = coalesceRaftMessages(1, msgs);
    const back = expandRaftMessageBatch(b!, 1, 2);
    expect(back.map((r) => `${r.rangeId}:${r.message.type}`)).toEqual(['7:vote', '1:heartbeat', '6:heartbeatResp']);
    expect(back[1]).toEqual({ ...msgs[0], quiesce: true });
    expect(back[2]).toEqual({ ...msgs[1], quiesce: false });
    expect(back[0]).toEqual(msgs[2]);
  });

  it('round-trips random turns: the same messages per node, heartbeats after the rest (property)', () => {
    const types: MessageType[] = ['heartbeat', 'heartbeatResp', 'app', 'appResp', 'vote'];
    const arb = fc.array(
      fc.record({ rangeId: fc.integer({ min: 1, max: 50 }), toNode: fc.integer({ min: 2, max: 5 }), type: fc.constantFrom(...types), commit: fc.nat(100), quiesce: fc.boolean() }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(arb, (spec) => {
        const msgs = spec.map((s) =>
          out(s.rangeId, s.toNode, msg(s.type, 1, s.toNode, { commit: s.type === 'heartbeatResp' ? 0 : s.commit }), s.type === 'heartbeat' ? s.quiesce : undefined),
        );
        const key = (r: RaftMessageOut): string => `${r.rangeId}/${r.message.type}/${r.message.commit}/${r.quiesce === true}`;
        for (const b of coalesceRaftMessages(1, msgs)) {
          const sent = msgs.filter((m) => m.to.nodeId === b.toNodeId);
          const back = expandRaftMessageBatch(b, 1, b.toNodeId);
          const isHb = (r: RaftMessageOut): boolean => r.message.type === 'heartbeat' || r.message.type === 'heartbeatResp';
          const order = (r: RaftMessageOut): number => (r.message.type === 'heartbeat' ? 1 : r.message.type === 'heartbeatResp' ? 2 : 0);
          const expected = [...sent].sort((x, y) => order(x) - order(y)); // stable sort keeps each group's order
          expect(back.map(key)).toEqual(expected.map(key));
          expect(b.messages.every((r) => !isHb(r))).toBe(true);
          expect(back.every((r) => r.from.nodeId === 1 && r.to.nodeId === b.toNodeId)).toBe(true);
        }
      }),
    );
  });

  it('asserts messages come from the coalescing node', () => {
    const m = out(1, 2, msg('app', 1, 2));
    expect(() => coalesceRaftMessages(9, [m])).toThrow(/another node/);
  });
});

describe('addressRaftMessages', () => {
  it('maps peer ids to descriptors and counts unknown peers', () => {
    const self = { nodeId: 1, storeId: 1, replicaId: 1 };
    const replicas = [self, { nodeId: 5, storeId: 5, replicaId: 2 }, { nodeId: 7, storeId: 7, replicaId: 3 }];
    const { out, unknown } = addressRaftMessages(4, self, replicas, [msg('app', 1, 3), msg('heartbeat', 1, 2), msg('app', 1, 9)]);
    expect(unknown).toBe(1);
    expect(out.map((r) => [r.rangeId, r.to.nodeId, r.message.type])).toEqual([[4, 7, 'app'], [4, 5, 'heartbeat']]);
    expect(() => addressRaftMessages(4, self, replicas, [msg('app', 2, 3)])).toThrow(/not from this replica/);
  });
});
