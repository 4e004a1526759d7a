// RpcServer + GrpcTransport over real sockets on 127.0.0.1 ephemeral ports, with fake
// NodeServices: Raft batches arrive in order and coalesced, bounded queues drop and count,
// unary batches and cluster calls round-trip, snapshots stream with backpressure, a
// restarted peer's stream reconnects, a dead peer rejects send() with NodeUnreachableError
// and never throws from sendRaft. Conditions are awaited with a bounded poll, never timed.

import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import type {
  BatchRequest,
  BatchResponse,
  NodeService,
  RaftMessageBatch,
  RangeDescriptor,
  SnapshotHeader,
  SnapshotResponse,
} from '../../../storage/index.js';
import { GrpcTransport, NodeUnreachableError, RpcRemoteError, RpcServer } from '../../../src/rpc/index.js';
import * as arb from './arbitraries.js';

async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const turn = () => new Promise<void>((r) => setImmediate(r));

class FakeService implements NodeService {
  readonly raft: RaftMessageBatch[] = [];
  readonly batches: BatchRequest[] = [];
  descriptors: RangeDescriptor[] = [];
  respond: (ba: BatchRequest) => BatchResponse = () => ({ ok: false, error: { kind: 'rangeNotFound', rangeId: 0 } });
  receive: (h: SnapshotHeader, chunks: AsyncIterable<Buffer>) => Promise<SnapshotResponse> = async () => ({ status: 'applied' });

  send(ba: BatchRequest): Promise<BatchResponse> {
    this.batches.push(ba);
    return Promise.resolve(this.respond(ba));
  }
  handleRaft(batch: RaftMessageBatch): void {
    this.raft.push(batch);
  }
  receiveSnapshot(header: SnapshotHeader, chunks: AsyncIterable<Buffer>): Promise<SnapshotResponse> {
    return this.receive(header, chunks);
  }
  rangeDescriptors(): readonly RangeDescriptor[] {
    return this.descriptors;
  }
  messages(): number[] {
    return this.raft.flatMap((b) => b.messages.map((m) => m.rangeId));
  }
}

const fastReconnect = {
  reconnectBackoffMinMs: 10,
  reconnectBackoffMaxMs: 100,
  grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 20, 'grpc.max_reconnect_backoff_ms': 100 },
};

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function startServer(service: NodeService | null, addr = '127.0.0.1:0'): Promise<RpcServer> {
  const server = new RpcServer({ shutdownTimeoutMs: 1_000 });
  await server.listen(addr);
  if (service !== null) server.setService(service);
  cleanups.push(() => server.stop());
  return server;
}

function transport(nodeId: number, addresses: Map<number, string>, opts: Partial<ConstructorParameters<typeof GrpcTransport>[0]> = {}): GrpcTransport {
  const t = new GrpcTransport({ nodeId, resolve: (id) => addresses.get(id), ...fastReconnect, ...opts });
  cleanups.push(() => t.close());
  return t;
}

/** A batch from node 1 to node 2 whose one message is tagged with `tag` (as its rangeId). */
function raftBatch(tag: number, to = 2): RaftMessageBatch {
  return {
    fromNodeId: 1,
    toNodeId: to,
    messages: [
      {
        rangeId: tag,
        from: { nodeId: 1, storeId: 1, replicaId: 1 },
        to: { nodeId: to, storeId: to, replicaId: 2 },
        message: {
          type: 'app', from: 1, to: 2, term: 3, logTerm: 3, index: tag, commit: tag, snapshot: null, reject: false, rejectHint: 0, context: null,
          entries: [{ term: 3, index: tag + 1, type: 'normal', data: Buffer.from(`entry ${tag}`) }],
        },
      },
    ],
    heartbeats: [{ rangeId: tag, fromReplicaId: 1, toReplicaId: 2, term: 3, commit: tag, quiesce: false }],
    heartbeatResps: [],
  };
}

describe('raft streams', () => {
  test('batches sent in one turn arrive as one frame, in order', async () => {
    const svc = new FakeService();
    const server = await startServer(svc);
    const t = transport(1, new Map([[2, server.address]]));
    for (let i = 0; i < 100; i++) t.sendRaft(raftBatch(i));
    await waitFor(() => svc.messages().length === 100, '100 messages');
    expect(svc.messages()).toEqual([...Array(100).keys()]);
    expect(svc.raft).toHaveLength(1);
    expect(svc.raft[0]!.heartbeats.map((h) => h.rangeId)).toEqual([...Array(100).keys()]);
    expect(server.stats.raftFramesReceived).toBe(1);
    expect(t.stats.raftBatchesDropped).toBe(0);
  });

  test('batches of successive turns keep their order across frames, and contents survive the trip', async () => {
    const svc = new FakeService();
    const server = await startServer(svc);
    const t = transport(1, new Map([[2, server.address]]));
    const sent = fc.sample(arb.raftBatch(fc.constant(1), fc.constant(2)), { numRuns: 60, seed: 7 });
    for (let i = 0; i < sent.length; i++) {
      t.sendRaft(sent[i]!);
      if (i % 7 === 0) await turn();
    }
    const total = sent.reduce((n, b) => n + b.messages.length, 0);
    await waitFor(() => svc.raft.reduce((n, b) => n + b.messages.length, 0) === total, 'all messages');
    expect(svc.raft.flatMap((b) => b.messages)).toStrictEqual(sent.flatMap((b) => b.messages));
    expect(svc.raft.flatMap((b) => b.heartbeatResps)).toStrictEqual(sent.flatMap((b) => b.heartbeatResps));
    expect(svc.raft.length).toBeLessThan(sent.length);
  });

  test('a full queue drops its oldest batches and counts them', async () => {
    const svc = new FakeService();
    const server = await startServer(svc);
    const t = transport(1, new Map([[2, server.address]]), { raftQueueBatchesMax: 4 });
    for (let i = 0; i < 10; i++) t.sendRaft(raftBatch(i));
    await waitFor(() => svc.messages().length === 4, 'the 4 newest');
    expect(svc.messages()).toEqual([6, 7, 8, 9]);
    expect(t.stats.raftBatchesDropped).toBe(6);
  });

  test('frames are cut at raftFrameBytesSoft without losing or reordering batches', async () => {
    const svc = new FakeService();
    const server = await startServer(svc);
    const t = transport(1, new Map([[2, server.address]]), { raftFrameBytesSoft: 300 });
    for (let i = 0; i < 50; i++) t.sendRaft(raftBatch(i));
    await waitFor(() => svc.messages().length === 50, '50 messages');
    expect(svc.messages()).toEqual([...Array(50).keys()]);
    expect(svc.raft.length).toBeGreaterThan(1);
  });

  test('a stream that pushes back is waited for (drain), losing and reordering nothing', async () => {
    const svc = new FakeService();
    const server = await startServer(svc);
    // One frame per batch, all written in one turn: grpc's write buffer fills synchronously.
    const t = transport(1, new Map([[2, server.address]]), { raftFrameBytesSoft: 1 });
    for (let i = 0; i < 100; i++) t.sendRaft(raftBatch(i));
    await waitFor(() => svc.messages().length === 100, '100 messages');
    expect(svc.messages()).toEqual([...Array(100).keys()]);
    expect(t.stats.raftWritesBlocked).toBeGreaterThan(0);
    expect(t.stats.raftFramesSent).toBe(100);
    expect(t.stats.raftBatchesDropped).toBe(0);
  });

  test('frames arriving before setService are dropped, later ones delivered', async () => {
    const server = await startServer(null);
    const t = transport(1, new Map([[2, server.address]]));
    t.sendRaft(raftBatch(1));
    await waitFor(() => server.stats.raftFramesDropped === 1, 'the dropped frame');
    const svc = new FakeService();
    server.setService(svc);
    t.sendRaft(raftBatch(2));
    await waitFor(() => svc.messages().length === 1, 'the delivered frame');
    expect(svc.messages()).toEqual([2]);
  });

  test('a restarted peer (same port) gets the stream back', async () => {
    const svc1 = new FakeService();
    const server1 = await startServer(svc1);
    const addr = server1.address;
    const t = transport(1, new Map([[2, addr]]));
    t.sendRaft(raftBatch(1));
    await waitFor(() => svc1.messages().length === 1, 'first delivery');
    await server1.stop();
    // While the peer is down sendRaft keeps accepting (and dropping) without throwing.
    for (let i = 0; i < 20; i++) {
      t.sendRaft(raftBatch(100 + i));
      await turn();
    }
    await waitFor(() => t.stats.raftStreamFailures >= 1, 'the stream failure');
    const svc2 = new FakeService();
    await startServer(svc2, addr);
    let tag = 1000;
    await waitFor(() => {
      t.sendRaft(raftBatch(tag++));
      return svc2.messages().length > 0;
    }, 'delivery after the restart');
    expect(t.raftConnected(2)).toBe(true);
    expect(t.stats.raftStreamsOpened).toBeGreaterThanOrEqual(2);
    // Nothing from before the restart reaches the new incarnation out of order.
    const got = svc2.messages();
    expect([...got].sort((a, b) => a - b)).toEqual(got);
  });

  test('a peer back on another address is found through resolve', async () => {
    const svc1 = new FakeService();
    const server1 = await startServer(svc1);
    const addresses = new Map([[2, server1.address]]);
    const t = transport(1, addresses);
    t.sendRaft(raftBatch(1));
    await waitFor(() => svc1.messages().length === 1, 'first delivery');
    await server1.stop();
    const svc2 = new FakeService();
    const server2 = await startServer(svc2);
    addresses.set(2, server2.address);
    let tag = 10;
    await waitFor(() => {
      t.sendRaft(raftBatch(tag++));
      return svc2.messages().length > 0;
    }, 'delivery at the new address');
    expect(await t.rangeDescriptors(2)).toEqual([]);
  });

  test('stopping a server with open peer streams is graceful (the streams are ended, not cut)', async () => {
    const svc = new FakeService();
    const server = new RpcServer({ shutdownTimeoutMs: 60_000 });
    await server.listen('127.0.0.1:0');
    server.setService(svc);
    const t = transport(1, new Map([[2, server.address]]));
    t.sendRaft(raftBatch(1));
    await waitFor(() => svc.messages().length === 1 && t.raftConnected(2), 'an open stream');
    expect(await server.stop()).toBe('graceful');
  });

  test('a malformed frame closes that stream only; the server keeps serving', async () => {
    const svc = new FakeService();
    const server = await startServer(svc);
    const raw = new grpc.Client(server.address, grpc.credentials.createInsecure());
    cleanups.push(() => raw.close());
    const stream = raw.makeBidiStreamRequest('/shoal.Node/RaftStream', (b: Buffer) => b, (b: Buffer) => b);
    const closed = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('error', () => {});
    stream.write(Buffer.from([9, 9, 9]));
    const st = await closed;
    expect(st.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(server.stats.badFrames).toBe(1);
    const t = transport(1, new Map([[2, server.address]]));
    t.sendRaft(raftBatch(5));
    await waitFor(() => svc.messages().length === 1, 'a good frame after the bad one');
  });
});

describe('unary calls', () => {
  test('KV batches round-trip through send', async () => {
    const svc = new FakeService();
    const server = await startServer(svc);
    const t = transport(1, new Map([[2, server.address]]));
    const requests = fc.sample(arb.batchRequest, { numRuns: 30, seed: 11 });
    const responses = fc.sample(arb.batchResponse, { numRuns: 30, seed: 12 });
    let i = 0;
    svc.respond = () => responses[i]!;
    for (; i < requests.length; i++) {
      const br = await t.send(2, requests[i]!);
      expect(br).toStrictEqual(responses[i]);
      expect(svc.batches[i]).toStrictEqual(requests[i]);
    }
    expect(t.stats.batchesSent).toBe(30);
  });

  test('range descriptors', async () => {
    const svc = new FakeService();
    svc.descriptors = fc.sample(arb.rangeDescriptor, { numRuns: 5, seed: 3 });
    const server = await startServer(svc);
    const t = transport(1, new Map([[2, server.address]]));
    expect(await t.rangeDescriptors(2)).toStrictEqual(svc.descriptors);
  });

  test('a node without its service yet answers notReady (not ambiguous), then serves', async () => {
    const server = await startServer(null);
    const t = transport(1, new Map([[2, server.address]]));
    const ba = fc.sample(arb.batchRequest, { numRuns: 1, seed: 1 })[0]!;
    const err = await t.send(2, ba).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeUnreachableError);
    expect((err as NodeUnreachableError).reason).toBe('notReady');
    expect((err as NodeUnreachableError).ambiguous).toBe(false);
    const svc = new FakeService();
    server.setService(svc);
    expect(await t.send(2, ba)).toStrictEqual({ ok: false, error: { kind: 'rangeNotFound', rangeId: 0 } });
  });

  test('cluster handlers: by node id and by address; remote failures are RpcRemoteError', async () => {
    const server = await startServer(null);
    server.handle('echo', async (req) => ({ got: req }));
    server.handle('fail', async () => {
      throw new Error('no quorum for init');
    });
    const t = transport(1, new Map([[2, server.address]]));
    const payload = { id: Buffer.from([0, 1, 0]), n: 5n, big: 1n << 80n, list: [null, 'x'] };
    expect(await t.call(2, 'echo', payload)).toStrictEqual({ got: payload });
    expect(await t.call(server.address, 'echo', null)).toStrictEqual({ got: null });
    const failed = await t.call(2, 'fail', {}).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RpcRemoteError);
    expect((failed as RpcRemoteError).details).toContain('no quorum for init');
    const missing = await t.call(2, 'nope', {}).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(RpcRemoteError);
    expect((missing as RpcRemoteError).code).toBe('UNIMPLEMENTED');
  });

  test('a dead peer: send rejects with NodeUnreachableError, sendRaft never throws', async () => {
    const gone = await startServer(null);
    const addr = gone.address;
    await gone.stop();
    const t = transport(1, new Map([[2, addr]]), { sendTimeoutMs: 5_000 });
    const ba = fc.sample(arb.batchRequest, { numRuns: 1, seed: 2 })[0]!;
    const err = await t.send(2, ba).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeUnreachableError);
    expect((err as NodeUnreachableError).nodeId).toBe(2);
    expect((err as NodeUnreachableError).reason).toBe('unavailable');
    // The connection was refused: grpc never sent the request, so the failure is not ambiguous.
    expect((err as NodeUnreachableError).ambiguous).toBe(false);
    for (let i = 0; i < 50; i++) expect(() => t.sendRaft(raftBatch(i))).not.toThrow();
    await waitFor(() => t.stats.raftStreamFailures >= 1, 'the stream failure');
    expect(() => t.sendRaft(raftBatch(99))).not.toThrow();
    // A node nobody knows the address of: rejected at once, and certainly not sent.
    const unknown = await t.send(7, ba).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NodeUnreachableError);
    expect((unknown as NodeUnreachableError).reason).toBe('unresolved');
    expect((unknown as NodeUnreachableError).ambiguous).toBe(false);
    expect(() => t.sendRaft(raftBatch(1, 7))).not.toThrow();
  });

  test('addresses grpc cannot parse or resolve: typed rejections, sendRaft drops', async () => {
    const t = transport(1, new Map([[3, ''], [4, 'no such host:1']]));
    const ba = fc.sample(arb.batchRequest, { numRuns: 1, seed: 2 })[0]!;
    const bad = await t.send(3, ba).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(NodeUnreachableError);
    expect((bad as NodeUnreachableError).reason).toBe('unresolved');
    const unresolvable = await t.send(4, ba).catch((e: unknown) => e);
    expect(unresolvable).toBeInstanceOf(NodeUnreachableError);
    t.sendRaft(raftBatch(1, 3));
    t.sendRaft(raftBatch(1, 4));
    // The first never leaves (no channel); the second is written, then its stream fails.
    await waitFor(() => t.stats.raftBatchesDropped === 1 && t.stats.raftStreamFailures >= 1, 'a drop and a stream failure');
  });
});

describe('the local node', () => {
  test('calls to its own id go straight to the local service; Raft to self at the end of the turn', async () => {
    const local = new FakeService();
    local.descriptors = fc.sample(arb.rangeDescriptor, { numRuns: 2, seed: 9 });
    const t = transport(0, new Map());
    t.setNodeId(2);
    t.setLocalService(local);
    const ba = fc.sample(arb.batchRequest, { numRuns: 1, seed: 4 })[0]!;
    expect(await t.send(2, ba)).toStrictEqual({ ok: false, error: { kind: 'rangeNotFound', rangeId: 0 } });
    expect(local.batches[0]).toBe(ba);
    expect(await t.rangeDescriptors(2)).toBe(local.descriptors);
    t.sendRaft(raftBatch(1));
    t.sendRaft(raftBatch(2));
    expect(local.raft).toHaveLength(0);
    await turn();
    expect(local.messages()).toEqual([1, 2]);
  });
});

describe('snapshots', () => {
  const header = fc.sample(arb.snapshotHeader, { numRuns: 1, seed: 5 })[0]!;
  const chunkBytes = 64 * 1024;
  const chunkCount = 200;
  const chunk = (i: number) => Buffer.alloc(chunkBytes, i % 251);

  test('many chunks stream in order, with the sender held back by a slow receiver', async () => {
    const svc = new FakeService();
    let consumed = 0;
    let produced = 0;
    let aheadMax = 0;
    const digest = createHash('sha256');
    svc.receive = async (h, chunks) => {
      expect(h).toStrictEqual(header);
      for await (const c of chunks) {
        digest.update(c);
        consumed++;
        if (consumed % 10 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      return { status: 'applied' };
    };
    const server = await startServer(svc);
    const t = transport(1, new Map([[2, server.address]]));
    async function* source(): AsyncGenerator<Buffer> {
      for (let i = 0; i < chunkCount; i++) {
        produced++;
        aheadMax = Math.max(aheadMax, produced - consumed);
        yield chunk(i);
      }
    }
    expect(await t.sendSnapshot(2, header, source())).toStrictEqual({ status: 'applied' });
    const expected = createHash('sha256');
    for (let i = 0; i < chunkCount; i++) expected.update(chunk(i));
    expect(consumed).toBe(chunkCount);
    expect(digest.digest('hex')).toBe(expected.digest('hex'));
    // Backpressure: the sender never ran the whole snapshot ahead of the receiver.
    expect(aheadMax).toBeLessThan(chunkCount / 2);
  });

  test('a receiver that declines early stops the sender reading chunks', async () => {
    const svc = new FakeService();
    svc.receive = async (_h, chunks) => {
      let n = 0;
      for await (const _c of chunks) if (++n === 3) break;
      return { status: 'declined', message: 'have a newer one' };
    };
    const server = await startServer(svc);
    const t = transport(1, new Map([[2, server.address]]));
    let produced = 0;
    async function* source(): AsyncGenerator<Buffer> {
      for (let i = 0; i < chunkCount; i++) {
        produced++;
        yield chunk(i);
      }
    }
    expect(await t.sendSnapshot(2, header, source())).toStrictEqual({ status: 'declined', message: 'have a newer one' });
    expect(produced).toBeLessThan(chunkCount);
  });

  test('a snapshot to a dead peer rejects with NodeUnreachableError', async () => {
    const gone = await startServer(null);
    const addr = gone.address;
    await gone.stop();
    const t = transport(1, new Map([[2, addr]]));
    async function* source(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 3; i++) yield chunk(i);
    }
    await expect(t.sendSnapshot(2, header, source())).rejects.toBeInstanceOf(NodeUnreachableError);
  });
});
