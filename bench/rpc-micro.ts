// RPC microbenchmark: the node-to-node transport's hot paths (src/rpc). Codec cost per Raft
// message and per KV batch (hand-written vs msgpack), Raft messages/s over one stream sent
// one per turn vs coalesced, and unary KV batch round trips/s, all on 127.0.0.1.
// Run: npm run build && node dist/bench/rpc-micro.js [--quick]    Prints one table; writes
// nothing. (npx vite-node bench/rpc-micro.ts works too, but its module wrapper inflates the
// tight codec loops several times over.)

import type { BatchRequest, BatchResponse, NodeService, RaftMessageBatch, RangeDescriptor, SnapshotResponse } from '../storage/index.js';
import {
  GrpcTransport,
  RpcServer,
  decodeBatchRequest,
  decodeBatchResponse,
  decodeRaftFrame,
  encodeBatchRequest,
  encodeBatchResponse,
  encodeRaftBatch,
  msgpackDecode,
  msgpackEncode,
} from '../src/rpc/index.js';

const quick = process.argv.includes('--quick');
const rows: Array<[string, string, string]> = [];

function record(name: string, ops: number, ms: number): void {
  rows.push([name, Math.round((ops / ms) * 1000).toLocaleString('en-US'), ((ms * 1000) / ops).toFixed(2)]);
}

function raftBatch(i: number, messages: number): RaftMessageBatch {
  const data = Buffer.alloc(256, i & 0xff);
  return {
    fromNodeId: 1,
    toNodeId: 2,
    messages: Array.from({ length: messages }, (_, j) => ({
      rangeId: 1 + (j % 64),
      from: { nodeId: 1, storeId: 1, replicaId: 1 },
      to: { nodeId: 2, storeId: 2, replicaId: 2 },
      message: {
        type: 'app' as const, from: 1, to: 2, term: 5, logTerm: 5, index: 1000 + i, commit: 999 + i, snapshot: null, reject: false, rejectHint: 0, context: null,
        entries: [{ term: 5, index: 1001 + i, type: 'normal' as const, data }],
      },
    })),
    heartbeats: [],
    heartbeatResps: [],
  };
}

const ts = { wallNanos: 1_700_000_000_000_000_000n, logical: 0 };
const txn = { id: Buffer.alloc(16, 7), epoch: 0, readTs: ts, writeTs: ts, seq: 2, ignoredSeqs: [], priority: 1, anchorKey: Buffer.from('/t/106/1/7') };
const batchRequest: BatchRequest = {
  header: { rangeId: 12, txn },
  requests: [
    { kind: 'put', key: Buffer.from('/t/106/1/7'), value: Buffer.alloc(100, 1), seq: 1 },
    { kind: 'endTxn', commit: true, lockSpans: [{ key: Buffer.from('/t/106/1/7'), endKey: null }] },
  ],
};
const batchResponse: BatchResponse = { ok: true, responses: [{ kind: 'put' }, { kind: 'endTxn' }], writeTs: ts, readTs: ts };

/** Times `fn` n times after a warm-up of n/5 (so the JIT has settled). */
function timedLoop(name: string, n: number, ops: number, fn: () => void): void {
  for (let i = 0; i < n / 5; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  record(name, ops, performance.now() - t0);
}

function codecBench(): void {
  const n = quick ? 20_000 : 200_000;
  const one = raftBatch(1, 1);
  const hundred = raftBatch(1, 100);
  timedLoop('raft msg (256 B entry) encode+decode, codec', n, n, () => decodeRaftFrame(encodeRaftBatch(one)));
  timedLoop('raft msg (256 B entry) encode+decode, msgpack', n, n, () => msgpackDecode(msgpackEncode(one)));
  timedLoop('raft msg in 100-msg frame encode+decode (per msg)', n / 100, n, () => decodeRaftFrame(encodeRaftBatch(hundred)));
  timedLoop('batch put+endTxn encode+decode, codec', n, n, () => decodeBatchRequest(encodeBatchRequest(batchRequest)));
  timedLoop('batch put+endTxn encode+decode, msgpack', n, n, () => msgpackDecode(msgpackEncode(batchRequest)));
  timedLoop('batch response encode+decode, codec', n, n, () => decodeBatchResponse(encodeBatchResponse(batchResponse)));
}

class CountingService implements NodeService {
  messages = 0;
  waiter: { target: number; resolve: () => void } | null = null;
  handleRaft(b: RaftMessageBatch): void {
    this.messages += b.messages.length;
    if (this.waiter !== null && this.messages >= this.waiter.target) this.waiter.resolve();
  }
  until(target: number): Promise<void> {
    if (this.messages >= target) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { target, resolve }));
  }
  send(): Promise<BatchResponse> {
    return Promise.resolve(batchResponse);
  }
  receiveSnapshot(): Promise<SnapshotResponse> {
    return Promise.resolve({ status: 'applied' });
  }
  rangeDescriptors(): readonly RangeDescriptor[] {
    return [];
  }
}

const turn = () => new Promise<void>((r) => setImmediate(r));

async function streamBench(): Promise<void> {
  const svc = new CountingService();
  const server = new RpcServer();
  await server.listen('127.0.0.1:0');
  server.setService(svc);
  const t = new GrpcTransport({ nodeId: 1, resolve: () => server.address, raftQueueBatchesMax: 100_000 });
  const batch = raftBatch(1, 1);
  t.sendRaft(batch);
  await svc.until(1);

  const unbatched = quick ? 5_000 : 30_000;
  let base = svc.messages;
  let t0 = performance.now();
  for (let i = 0; i < unbatched; i++) {
    t.sendRaft(batch);
    await turn();
  }
  await svc.until(base + unbatched);
  record('raft stream, one message per turn (msgs/s)', unbatched, performance.now() - t0);

  const perTurn = 100;
  const turns = quick ? 200 : 2_000;
  base = svc.messages;
  t0 = performance.now();
  for (let i = 0; i < turns; i++) {
    for (let j = 0; j < perTurn; j++) t.sendRaft(batch);
    await turn();
  }
  await svc.until(base + turns * perTurn);
  record(`raft stream, ${perTurn} messages per turn (msgs/s)`, turns * perTurn, performance.now() - t0);

  const calls = quick ? 2_000 : 10_000;
  for (let i = 0; i < calls / 5; i++) await t.send(2, batchRequest);
  t0 = performance.now();
  for (let i = 0; i < calls; i++) await t.send(2, batchRequest);
  record('unary batch round trip, sequential', calls, performance.now() - t0);
  const clients = 16;
  t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = 0; i < calls / clients; i++) await t.send(2, batchRequest);
  }));
  record(`unary batch round trip, ${clients} concurrent`, calls, performance.now() - t0);

  t.close();
  await server.stop();
}

codecBench();
await streamBench();
const w0 = Math.max(...rows.map((r) => r[0].length));
console.log(`${'operation'.padEnd(w0)}  ${'ops/s'.padStart(12)}  ${'µs/op'.padStart(8)}`);
for (const [name, ops, us] of rows) console.log(`${name.padEnd(w0)}  ${ops.padStart(12)}  ${us.padStart(8)}`);
