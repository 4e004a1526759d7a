// The node registry and node liveness over a real (in-memory) KvDb shared by several nodes'
// instances, as nodes of one cluster share the KV: descriptors published by each node are
// found by the others' refresh and become the transport's resolve; nodeInfo seeds a node
// that has no KV yet and ignores other clusters; liveness records are heartbeated and expire
// on the (manual) clock.

import { afterEach, describe, expect, test } from 'vitest';
import { ManualClock, openKvDb, type LocalKvDb, type StoreIdent } from '../../../storage/index.js';
import { CLUSTER_METHOD, NodeLiveness, NodeRegistry, nodeStatus, type NodeDescriptor } from '../../../src/cluster/index.js';

const CLUSTER = '0f8e6a2c-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER = '11111111-2222-4333-8444-555555555555';

const dbs: LocalKvDb[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  for (const db of dbs.splice(0)) await db.close();
});

async function kvDb(clock?: ManualClock): Promise<LocalKvDb> {
  const db = await openKvDb({ engine: 'memory' }, clock ? { clock } : {});
  dbs.push(db);
  return db;
}

function identOf(nodeId: number): StoreIdent {
  return { clusterId: CLUSTER, nodeId, storeId: nodeId };
}

function registry(nodeId: number | null, opts: { call?: (addr: string, m: string, r: unknown) => Promise<unknown>; joinAddrs?: string[] } = {}) {
  const r = new NodeRegistry({
    self: { rpcAddr: `h:${nodeId ?? 0}`, sqlAddr: `h:${1000 + (nodeId ?? 0)}`, httpAddr: null, startedAt: 100 },
    ident: () => (nodeId === null ? null : identOf(nodeId)),
    call: opts.call ?? (async () => Promise.reject(new Error('no network'))),
    joinAddrs: opts.joinAddrs ?? [],
  });
  stops.push(() => r.stop());
  return r;
}

describe('node registry', () => {
  test('each node publishes itself; a refresh finds the others; resolve answers from the cache', async () => {
    const kv = await kvDb();
    const regs = [1, 2, 3].map((id) => registry(id));
    for (const r of regs) {
      r.attach(kv);
      await r.publish();
    }
    // Before a refresh node 1 only knows itself.
    expect(regs[0]!.resolve(1)).toBe('h:1');
    expect(regs[0]!.nodeIds()).toEqual([1]);
    await regs[0]!.refresh();
    expect(regs[0]!.nodeIds()).toEqual([1, 2, 3]);
    expect(regs[0]!.resolve(3)).toBe('h:3');
    expect(regs[0]!.get(2)?.sqlAddr).toBe('h:1002');
    expect(regs[0]!.resolve(9)).toBeUndefined();
  });

  test('a newer start of a node replaces its older descriptor, never the reverse', () => {
    const r = registry(1);
    const d = (startedAt: number, rpcAddr: string): NodeDescriptor => ({ nodeId: 2, rpcAddr, sqlAddr: 's', httpAddr: null, startedAt });
    r.learn([d(10, 'old:1')]);
    r.learn([d(20, 'new:1')]);
    r.learn([d(15, 'stale:1')]);
    expect(r.resolve(2)).toBe('new:1');
  });

  test('nodeInfo lists this node first, then its peers; a node without ident answers node 0', () => {
    const r = registry(2);
    r.learn([{ nodeId: 1, rpcAddr: 'h:1', sqlAddr: 's', httpAddr: null, startedAt: 1 }]);
    const info = r.nodeInfo();
    expect(info.clusterId).toBe(CLUSTER);
    expect(info.peers.map((p) => p.nodeId)).toEqual([2, 1]);
    const waiting = registry(null).nodeInfo();
    expect(waiting).toMatchObject({ clusterId: null, nodeId: 0, peers: [] });
  });

  test('seeding from --join addresses learns every peer they know, ignoring other clusters and dead addresses', async () => {
    const peers = (ids: number[]) => ids.map((id) => ({ nodeId: id, rpcAddr: `h:${id}`, sqlAddr: 's', httpAddr: null, startedAt: 1 }));
    const r = registry(3, {
      joinAddrs: ['h:1', 'h:3', 'x:1', 'dead:1'],
      call: async (addr, method) => {
        expect(method).toBe(CLUSTER_METHOD.nodeInfo);
        if (addr === 'h:1') return { version: 1, clusterId: CLUSTER, nodeId: 1, rpcAddr: 'h:1', peers: peers([1, 2]) };
        if (addr === 'x:1') return { version: 1, clusterId: OTHER, nodeId: 1, rpcAddr: 'x:1', peers: peers([7]) };
        throw new Error('unreachable');
      },
    });
    expect(await r.seedFromJoinAddrs()).toBe(2);
    expect(r.nodeIds()).toEqual([1, 2]);
    expect(r.stats.seedCalls).toBe(3); // its own address is not asked
  });
});

describe('node liveness', () => {
  test('heartbeats make a node live; it expires on the clock; another node sees it after a refresh', async () => {
    const clock = new ManualClock(1_000_000_000_000n);
    const kv = await kvDb(clock);
    const l1 = new NodeLiveness({ kv, nodeId: 1, intervalMs: 1_000, expirationMs: 3_000 });
    const l2 = new NodeLiveness({ kv, nodeId: 2, intervalMs: 1_000, expirationMs: 3_000 });
    stops.push(() => l1.stop(), () => l2.stop());
    await l1.heartbeat();
    expect(l1.isLive(1)).toBe(true);
    expect(l1.epoch).toBe(1);
    expect(l2.isLive(1)).toBe(false);
    await l2.heartbeat();
    expect(l2.isLive(1)).toBe(true);
    expect(l2.isLive(2)).toBe(true);
    clock.advance(3_000_000_000n);
    expect(l2.isLive(1)).toBe(false);
    // Node 2 heartbeats again and stays live; node 1 did not.
    await l2.heartbeat();
    expect(l2.isLive(2)).toBe(true);
    expect(l2.isLive(1)).toBe(false);
    expect(l1.metrics.heartbeatsOk).toBe(1);
  });

  test('a restarted process whose record expired comes back with the next epoch', async () => {
    const clock = new ManualClock(1_000_000_000_000n);
    const kv = await kvDb(clock);
    const first = new NodeLiveness({ kv, nodeId: 1, intervalMs: 1_000, expirationMs: 3_000 });
    await first.heartbeat();
    await first.heartbeat();
    expect(first.epoch).toBe(1);
    await first.stop();
    clock.advance(10_000_000_000n);
    const second = new NodeLiveness({ kv, nodeId: 1, intervalMs: 1_000, expirationMs: 3_000 });
    stops.push(() => second.stop());
    await second.heartbeat();
    expect(second.epoch).toBe(2);
  });

  test('nodeStatus joins the registry with liveness', async () => {
    const kv = await kvDb();
    const reg = registry(1);
    reg.attach(kv);
    await reg.publish();
    reg.learn([{ nodeId: 2, rpcAddr: 'h:2', sqlAddr: 's', httpAddr: null, startedAt: 1 }]);
    const l = new NodeLiveness({ kv, nodeId: 1 });
    stops.push(() => l.stop());
    await l.heartbeat();
    const s = nodeStatus(identOf(1), reg, l);
    expect(s.nodes.map((n) => [n.nodeId, n.live, n.epoch])).toEqual([
      [1, true, 1],
      [2, false, 0],
    ]);
  });

  test('the expiration must exceed the heartbeat interval', async () => {
    const kv = await kvDb();
    expect(() => new NodeLiveness({ kv, nodeId: 1, intervalMs: 1_000, expirationMs: 1_000 })).toThrow();
  });
});
