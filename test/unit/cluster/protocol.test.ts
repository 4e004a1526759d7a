// The pure parts of src/cluster: backoff delays, the init client (retries while the node is
// unreachable, a clear error when the cluster exists), the join client (skips itself, moves
// to the next address on failure, stops at once on a fatal answer), node id allocation under
// concurrency, payload validation, liveness records and the status table.

import { describe, expect, test } from 'vitest';
import { openKvDb } from '../../../storage/index.js';
import {
  AbortedError,
  AlreadyInitializedError,
  Backoff,
  CLUSTER_METHOD,
  ClusterProtocolError,
  NODE_ID_GEN_KEY,
  ProtocolVersionError,
  WrongClusterError,
  allocateNodeId,
  decodeLiveness,
  encodeLiveness,
  formatNodeStatus,
  initCluster,
  isLiveAt,
  joinCluster,
  nextLiveness,
  parseNodeStatusResponse,
} from '../../../src/cluster/index.js';
import { livenessKey, nodeDescriptorKey, nodeIdOfDescriptorKey, nodeIdOfLivenessKey } from '../../../src/cluster/keys.js';
import { parseJoinResponse, parseNodeInfoResponse } from '../../../src/cluster/protocol.js';
import { NodeUnreachableError } from '../../../src/rpc/index.js';

const CLUSTER = '0f8e6a2c-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
const unreachable = (addr: string) => new NodeUnreachableError({ nodeId: null, address: addr }, 'unavailable', false, 'connection refused');
const noSleep = async () => {};

describe('backoff', () => {
  test('doubles from min to max without jitter', () => {
    const b = new Backoff({ minMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0 });
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  test('jitter stays within its fraction', () => {
    const b = new Backoff({ minMs: 1000, maxMs: 1000, multiplier: 2, jitter: 0.2 }, () => 0.999);
    const d = b.next();
    expect(d).toBeGreaterThan(1000);
    expect(d).toBeLessThanOrEqual(1200);
  });

  test('bad options throw', () => {
    expect(() => new Backoff({ minMs: 0, maxMs: 1, multiplier: 2, jitter: 0 })).toThrow();
    expect(() => new Backoff({ minMs: 10, maxMs: 5, multiplier: 2, jitter: 0 })).toThrow();
  });
});

describe('init client', () => {
  test('retries an unreachable node, then returns the new cluster id', async () => {
    let calls = 0;
    const id = await initCluster(
      async (addr, method) => {
        expect(method).toBe(CLUSTER_METHOD.init);
        if (++calls < 3) throw unreachable(addr);
        return { status: 'ok', clusterId: CLUSTER, nodeId: 1 };
      },
      'h:1',
      { sleep: noSleep },
    );
    expect(id).toBe(CLUSTER);
    expect(calls).toBe(3);
  });

  test('an initialized node answers with AlreadyInitializedError naming the cluster', async () => {
    const p = initCluster(async () => ({ status: 'alreadyInitialized', clusterId: CLUSTER }), 'h:1');
    await expect(p).rejects.toThrow(AlreadyInitializedError);
    await expect(p).rejects.toThrow(CLUSTER);
  });

  test('gives up once the wait is over, with the transport error', async () => {
    let now = 0;
    const p = initCluster(
      async (addr) => {
        now += 1_000;
        throw unreachable(addr);
      },
      'h:1',
      { sleep: noSleep, waitMs: 5_000, now: () => now },
    );
    await expect(p).rejects.toThrow(NodeUnreachableError);
  });

  test('other failures are not retried', async () => {
    let calls = 0;
    const p = initCluster(async () => {
      calls++;
      return { status: 'weird' };
    }, 'h:1');
    await expect(p).rejects.toThrow(ClusterProtocolError);
    expect(calls).toBe(1);
  });
});

describe('join client', () => {
  const admit = { status: 'ok', clusterId: CLUSTER, nodeId: 7, storeId: 7, peers: [{ nodeId: 1, rpcAddr: 'a:1', sqlAddr: 'a:2', httpAddr: null, startedAt: 5 }] };

  test('skips its own address and moves past unreachable and uninitialized nodes', async () => {
    const asked: string[] = [];
    const a = await joinCluster({
      addrs: ['a:1', 'self:1', 'b:1', 'c:1'],
      selfAddr: 'self:1',
      sleep: noSleep,
      call: async (addr, method, req) => {
        expect(method).toBe(CLUSTER_METHOD.join);
        expect(req).toMatchObject({ rpcAddr: 'self:1', clusterId: null });
        asked.push(addr);
        if (addr === 'a:1') throw unreachable(addr);
        if (addr === 'b:1') return { status: 'notInitialized' };
        return admit;
      },
    });
    expect(asked).toEqual(['a:1', 'b:1', 'c:1']);
    expect(a).toEqual({ ident: { clusterId: CLUSTER, nodeId: 7, storeId: 7 }, addr: 'c:1', peers: admit.peers });
  });

  test('a node of another cluster or protocol stops the loop at once', async () => {
    const base = { addrs: ['a:1', 'b:1'], selfAddr: 's:1', sleep: noSleep };
    await expect(joinCluster({ ...base, call: async () => ({ status: 'wrongCluster', clusterId: CLUSTER }) })).rejects.toThrow(WrongClusterError);
    await expect(joinCluster({ ...base, call: async () => ({ status: 'badVersion', version: 9 }) })).rejects.toThrow(ProtocolVersionError);
  });

  test('an abort ends the waiting', async () => {
    const abort = new AbortController();
    let rounds = 0;
    const p = joinCluster({
      addrs: ['a:1'],
      selfAddr: 's:1',
      signal: abort.signal,
      call: async () => ({ status: 'notInitialized' }),
      sleep: async () => {
        if (++rounds === 4) abort.abort();
      },
    });
    await expect(p).rejects.toThrow(AbortedError);
    expect(rounds).toBe(4);
  });

  test('a join list naming only this node is an error', async () => {
    await expect(joinCluster({ addrs: ['s:1'], selfAddr: 's:1', call: async () => admit })).rejects.toThrow(/other than this node/);
  });
});

describe('node id allocation', () => {
  test('concurrent joins get distinct ids from 2 up', async () => {
    const kv = await openKvDb({ engine: 'memory' });
    try {
      const ids = await Promise.all(Array.from({ length: 8 }, () => allocateNodeId(kv)));
      expect([...ids].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      const txn = kv.begin();
      expect(Number((await txn.get(NODE_ID_GEN_KEY))!.readBigUInt64BE(0))).toBe(9);
      await txn.commit();
    } finally {
      await kv.close();
    }
  });
});

describe('keys and payloads', () => {
  test('node keys sort by id and decode back', () => {
    const keys = [1, 2, 255, 256, 70_000].map(nodeDescriptorKey);
    expect([...keys].sort(Buffer.compare)).toEqual(keys);
    expect(keys.map(nodeIdOfDescriptorKey)).toEqual([1, 2, 255, 256, 70_000]);
    expect(nodeIdOfDescriptorKey(livenessKey(3))).toBeNull();
    expect(nodeIdOfLivenessKey(livenessKey(3))).toBe(3);
  });

  test('malformed payloads from a peer are ClusterProtocolErrors', () => {
    expect(() => parseJoinResponse(null)).toThrow(ClusterProtocolError);
    expect(() => parseJoinResponse({ status: 'ok', clusterId: CLUSTER, nodeId: 0, storeId: 1 })).toThrow(ClusterProtocolError);
    expect(() => parseJoinResponse({ status: 'ok', clusterId: CLUSTER, nodeId: 2, storeId: 2, peers: 'x' })).toThrow(ClusterProtocolError);
    expect(() => parseNodeInfoResponse({ version: 1, clusterId: 5, nodeId: 0, rpcAddr: 'a' })).toThrow(ClusterProtocolError);
    expect(parseNodeInfoResponse({ version: 1n, clusterId: null, nodeId: 0, rpcAddr: 'a:1' })).toEqual({ version: 1, clusterId: null, nodeId: 0, rpcAddr: 'a:1', peers: [] });
  });
});

describe('liveness records', () => {
  const s = 1_000_000_000n;

  test('codec round-trips', () => {
    const r = { epoch: 7, expirationNanos: 1_700_000_000_123_456_789n };
    expect(decodeLiveness(encodeLiveness(r))).toEqual(r);
  });

  test('epochs: a first record is epoch 1; a restart after expiry bumps it; a live restart keeps it', () => {
    expect(nextLiveness(null, 10n * s, 4n * s, true)).toEqual({ epoch: 1, expirationNanos: 14n * s });
    const rec = { epoch: 3, expirationNanos: 14n * s };
    expect(nextLiveness(rec, 20n * s, 4n * s, true)).toEqual({ epoch: 4, expirationNanos: 24n * s });
    expect(nextLiveness(rec, 12n * s, 4n * s, true)).toEqual({ epoch: 3, expirationNanos: 16n * s });
    // Not a restart: a late heartbeat keeps the epoch (only another node may bump it).
    expect(nextLiveness(rec, 20n * s, 4n * s, false)).toEqual({ epoch: 3, expirationNanos: 24n * s });
    // The expiration never moves backwards (a clock that stepped back).
    expect(nextLiveness(rec, 5n * s, 4n * s, false)).toEqual({ epoch: 3, expirationNanos: 14n * s });
  });

  test('live strictly before the expiration', () => {
    const r = { epoch: 1, expirationNanos: 10n };
    expect(isLiveAt(r, 9n)).toBe(true);
    expect(isLiveAt(r, 10n)).toBe(false);
    expect(isLiveAt(undefined, 0n)).toBe(false);
  });
});

describe('node status table', () => {
  test('one row per node with its liveness', () => {
    const status = parseNodeStatusResponse({
      clusterId: CLUSTER,
      nodes: [
        { nodeId: 1, rpcAddr: '127.0.0.1:26357', sqlAddr: '127.0.0.1:26257', httpAddr: '127.0.0.1:8080', startedAt: 0, live: true, epoch: 1, expiresAt: 5 },
        { nodeId: 2, rpcAddr: '127.0.0.1:26358', sqlAddr: '127.0.0.1:26258', httpAddr: null, startedAt: 0, live: false, epoch: 2, expiresAt: 5 },
      ],
    });
    expect(formatNodeStatus(status)).toBe(
      [
        `cluster ${CLUSTER}`,
        'id  address          sql_address      http_address    started_at                is_live',
        '1   127.0.0.1:26357  127.0.0.1:26257  127.0.0.1:8080  1970-01-01T00:00:00.000Z  true',
        '2   127.0.0.1:26358  127.0.0.1:26258                  1970-01-01T00:00:00.000Z  false',
        '(2 nodes)',
        '',
      ].join('\n'),
    );
  });
});

