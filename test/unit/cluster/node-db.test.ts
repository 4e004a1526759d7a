// storage/node-db.ts without sockets: two nodes' stores behind an in-memory NodeTransport.
// The node that ran init bootstraps the first ranges and a joiner starts empty; the joiner's
// gateway finds the meta range on the other node and reads and writes through it; the ident
// is recorded; with nobody knowing the meta range the gateway reports MetaRangeUnknownError;
// Raft traffic and snapshots are refused politely until the store runs Raft.

import { afterEach, describe, expect, test } from 'vitest';
import {
  MetaRangeUnknownError,
  TABLES_START,
  connectNodeKvDb,
  openEngine,
  openNodeStore,
  readStoreIdent,
  type BatchRequest,
  type BatchResponse,
  type NodeService,
  type NodeStore,
  type NodeTransport,
  type RangeDescriptor,
  type SnapshotResponse,
} from '../../../storage/index.js';

const CLUSTER = '0f8e6a2c-1b3d-4e5f-8a9b-0c1d2e3f4a5b';

class MemTransport implements NodeTransport {
  readonly services = new Map<number, NodeService>();
  sends = 0;
  async send(nodeId: number, ba: BatchRequest): Promise<BatchResponse> {
    const s = this.services.get(nodeId);
    if (s === undefined) throw new Error(`node ${nodeId} unreachable`);
    this.sends++;
    return s.send(ba);
  }
  async rangeDescriptors(nodeId: number): Promise<readonly RangeDescriptor[]> {
    const s = this.services.get(nodeId);
    if (s === undefined) throw new Error(`node ${nodeId} unreachable`);
    return s.rangeDescriptors();
  }
  sendRaft(): void {}
  async sendSnapshot(): Promise<SnapshotResponse> {
    return { status: 'declined', message: 'test' };
  }
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function node(transport: MemTransport, nodeId: number, bootstrap: boolean): Promise<NodeStore> {
  const engine = await openEngine({ engine: 'memory' });
  const n = await openNodeStore(engine, { ident: { clusterId: CLUSTER, nodeId, storeId: nodeId }, transport, bootstrap });
  transport.services.set(nodeId, n.service);
  closers.push(() => n.close());
  return n;
}

describe('node db', () => {
  test('a joiner starts empty and reaches the bootstrap node’s ranges through the transport', async () => {
    const t = new MemTransport();
    const n1 = await node(t, 1, true);
    const n2 = await node(t, 2, false);
    expect(n1.store.rangeCount).toBeGreaterThan(0);
    expect(n2.store.rangeCount).toBe(0);
    expect(readStoreIdent(n2.store.engine)).toEqual({ clusterId: CLUSTER, nodeId: 2, storeId: 2 });
    const db2 = await connectNodeKvDb(n2, { metaNodeIds: [3, 1] });
    closers.push(() => db2.close());
    expect(db2.metaNodeId).toBe(1);
    const key = Buffer.concat([TABLES_START, Buffer.from('k')]);
    const txn = db2.begin();
    await txn.put(key, Buffer.from('v'));
    await txn.commit();
    const db1 = await connectNodeKvDb(n1, { metaNodeIds: [] });
    closers.push(() => db1.close());
    expect(db1.metaNodeId).toBe(1);
    const read = db1.begin();
    expect((await read.get(key))?.toString()).toBe('v');
    await read.commit();
    expect(t.sends).toBeGreaterThan(0);
  });

  test('without a node that knows the meta range the gateway reports MetaRangeUnknownError', async () => {
    const t = new MemTransport();
    const n2 = await node(t, 2, false);
    await expect(connectNodeKvDb(n2, { metaNodeIds: [1, 2] })).rejects.toThrow(MetaRangeUnknownError);
  });

  test('Raft batches are dropped and snapshots declined until the store runs Raft', async () => {
    const t = new MemTransport();
    const n1 = await node(t, 1, true);
    n1.service.handleRaft({ fromNodeId: 2, toNodeId: 1, messages: [], heartbeats: [], heartbeatResps: [] });
    expect(n1.raftBatchesDropped()).toBe(1);
    const chunks = (async function* () {})();
    const r = await n1.service.receiveSnapshot({} as never, chunks);
    expect(r.status).toBe('declined');
    expect(n1.service.rangeDescriptors().length).toBe(n1.store.rangeCount);
  });
});
