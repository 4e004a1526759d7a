// The simulated NodeTransport (core/transport.ts) and the async scheduler loop that the
// cluster-level simulation will use: calls answered through the network, deadlines when a
// node is down or cut off, Raft batches delivered in order, snapshots streamed.

import { describe, expect, test } from 'vitest';
import type { NodeService, RaftMessageBatch, SnapshotHeader } from '../../storage/api/transport.js';
import type { BatchRequest, BatchResponse } from '../../storage/api/batch.js';
import { Scheduler } from './core/scheduler.js';
import { SimRng } from './core/rng.js';
import { SimNetwork } from './core/network.js';
import type { ClusterMsg } from './core/transport.js';
import { NodeUnreachableError, SimCluster } from './core/transport.js';

function fakeService(node: number, sched: Scheduler, got: RaftMessageBatch[]): NodeService {
  return {
    // Answers after a simulated 1ms of work, through a promise chain.
    send: (ba: BatchRequest) => new Promise<BatchResponse>((resolve) => sched.after(1000, () => resolve({ node, ba } as unknown as BatchResponse))),
    handleRaft: (b) => void got.push(b),
    receiveSnapshot: async (_h: SnapshotHeader, chunks: AsyncIterable<Buffer>) => {
      let n = 0;
      for await (const c of chunks) n += c.length;
      return { status: 'declined', message: `${n} bytes` };
    },
    rangeDescriptors: () => [],
  };
}

describe('sim transport', () => {
  test('calls, deadlines, ordered raft batches and snapshots', async () => {
    const sched = new Scheduler();
    const net = new SimNetwork<ClusterMsg>(sched, new SimRng(3), { delayMinUs: 100, delayMaxUs: 5000, dropP: 0, dupP: 0.2, reorder: false });
    const cluster = new SimCluster(sched, net, 100_000);
    const got: RaftMessageBatch[] = [];
    cluster.serve(2, fakeService(2, sched, got));
    const t1 = cluster.transportFor(1);
    const results: unknown[] = [];
    void t1.send(2, { tag: 'a' } as unknown as BatchRequest).then((r) => results.push(r));
    void t1.send(3, { tag: 'b' } as unknown as BatchRequest).catch((e: unknown) => results.push(e));
    for (let i = 0; i < 20; i++) t1.sendRaft({ fromNodeId: 1, toNodeId: 2, messages: [], heartbeats: [], heartbeatResps: [], seq: i } as unknown as RaftMessageBatch);
    const snap = t1.sendSnapshot(2, {} as SnapshotHeader, (async function* () {
      yield Buffer.alloc(10);
      yield Buffer.alloc(5);
    })());
    await sched.runUntilAsync(1_000_000);
    expect(results[0]).toEqual({ node: 2, ba: { tag: 'a' } });
    expect(results[1]).toBeInstanceOf(NodeUnreachableError);
    const seqs = got.map((b) => (b as unknown as { seq: number }).seq);
    // In order; duplicates possible (a batch may be delivered twice by a lossy network) but never reordered.
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(20);
    expect(await snap).toEqual({ status: 'declined', message: '15 bytes' });
  });
});
