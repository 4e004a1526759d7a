// KV microbenchmark: the storage hot paths on RocksDB (and memory for comparison).
// Run: npx vite-node bench/kv-micro.ts [--dir /tmp/x] [--quick]
// Prints one table: operation, engine, ops/s, µs/op.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKvDb, KeyWriter, indexPrefix } from '../storage/index.js';
import type { LocalKvDb } from '../storage/index.js';
import { openEngine } from '../storage/engine/index.js';

const quick = process.argv.includes('--quick');
const rows: Array<[string, string, number, number]> = [];

function record(name: string, engine: string, ops: number, ms: number): void {
  rows.push([name, engine, Math.round((ops / ms) * 1000), (ms * 1000) / ops]);
}

function key(table: number, id: number): Buffer {
  return new KeyWriter(indexPrefix(table, 1)).int(id).finish();
}

async function timed(name: string, engine: string, ops: number, fn: (i: number) => Promise<void> | void): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) await fn(i);
  record(name, engine, ops, performance.now() - t0);
}

async function concurrent(name: string, engine: string, clients: number, perClient: number, fn: (c: number, i: number) => Promise<void>): Promise<void> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; i < perClient; i++) await fn(c, i);
  }));
  record(name, engine, clients * perClient, performance.now() - t0);
}

/** Key encoding alone (no engine): a table/index prefix plus one int column, as sql/rowenc builds point keys. */
function keyBench(): void {
  const n = quick ? 200_000 : 2_000_000;
  const prefix = indexPrefix(106, 1);
  const cases: Array<[string, (i: number) => number]> = [
    ['key encode: prefix + int (0..500k)', (i) => (i * 7919) % 500_000],
    ['key encode: prefix + small int (0..59)', (i) => i % 60],
  ];
  let bytes = 0;
  for (const [name, value] of cases) {
    const t0 = performance.now(); // synchronous loop: no per-op await in the measurement
    for (let i = 0; i < n; i++) bytes += new KeyWriter(prefix).int(value(i)).finish().length;
    record(name, '-', n, performance.now() - t0);
  }
  if (bytes === 0) throw new Error('unreachable: keys were encoded');
}

async function engineBench(dir: string): Promise<void> {
  const e = await openEngine({ engine: 'rocksdb', dir: join(dir, 'engine') });
  const n = quick ? 20_000 : 100_000;
  const value = Buffer.alloc(100, 1);
  const batch = e.newBatch();
  for (let i = 0; i < n; i++) batch.put(key(1, i), value);
  e.write(batch, { sync: false });
  await timed('engine get', 'rocksdb', n, (i) => void e.get(key(1, (i * 7919) % n)));
  await timed('engine iterator seek+2', 'rocksdb', n / 2, (i) => {
    const it = e.iterator({ lower: key(1, (i * 7919) % n), prefetch: 2 });
    it.next();
    it.close();
  });
  await timed('engine put (unsynced)', 'rocksdb', n / 4, (i) => {
    const b = e.newBatch();
    b.put(key(2, i), value);
    e.write(b, { sync: false });
  });
  await timed('engine put (synced)', 'rocksdb', quick ? 200 : 1000, (i) => {
    const b = e.newBatch();
    b.put(key(3, i), value);
    e.write(b, { sync: true });
  });
  await e.close();
}

async function load(db: LocalKvDb, n: number): Promise<void> {
  const value = Buffer.alloc(100, 2);
  for (let start = 0; start < n; start += 1000) {
    const t = db.begin();
    for (let i = start; i < Math.min(n, start + 1000); i++) await t.put(key(10, i), value);
    await t.commit();
  }
}

async function kvBench(kind: 'rocksdb' | 'rocksdb-inline-fsync' | 'memory', dir: string): Promise<void> {
  const engine = kind;
  const db =
    kind === 'memory'
      ? await openKvDb({ engine: 'memory' })
      : await openKvDb({ engine: 'rocksdb', dir: join(dir, kind), syncWorker: kind === 'rocksdb' });
  const n = quick ? 10_000 : 100_000;
  await load(db, n);
  const value = Buffer.alloc(100, 3);
  await timed('txn: 1 point read', engine, quick ? 10_000 : 50_000, async (i) => {
    const t = db.begin();
    await t.get(key(10, (i * 7919) % n));
    await t.commit();
  });
  await timed('txn: 1 write (1PC, 1 client)', engine, quick ? 300 : 2000, async (i) => {
    const t = db.begin();
    await t.put(key(10, i % n), value);
    await t.commit();
  });
  await concurrent('txn: 1 write (1PC, 16 clients)', engine, 16, quick ? 50 : 300, async (c, i) => {
    const t = db.begin();
    await t.put(key(10, (c * 5003 + i) % n), value);
    await t.commit();
  });
  // TPC-B shape as pgbench at scale 10: three read-modify-writes with FOR UPDATE (account,
  // one of 100 tellers, one of 10 branches), one read, one insert; 8 clients; serializable
  // and read committed (what PostgreSQL clients get by default).
  let hist = 0;
  for (const isolation of ['serializable', 'read committed'] as const) {
    await concurrent(`txn: TPC-B shape (8 clients, 10 branches, ${isolation})`, engine, 8, quick ? 60 : 400, async (c) => {
      for (;;) {
        const t = db.begin({ isolation });
        try {
          const a = (c * 7919 + hist * 31) % n;
          const teller = (hist * 17 + c) % 100;
          for (const k of [key(10, a), key(11, teller), key(12, teller % 10)]) {
            const v = await t.get(k, { lock: 'exclusive' });
            await t.put(k, v ?? value);
          }
          await t.get(key(10, a));
          await t.conditionalPut(key(13, hist++), value, null);
          await t.commit();
          return;
        } catch (e) {
          await t.rollback();
          if (!(e instanceof Error && 'retryable' in e)) throw e;
        }
      }
    });
  }
  rows.push(['  (synced writes during the run)', engine, db.store.syncCount, 0]);
  await db.close();
}

const dir = mkdtempSync(join(tmpdir(), 'shoal-kv-micro-'));
try {
  keyBench();
  await engineBench(dir);
  await kvBench('rocksdb', dir);
  await kvBench('rocksdb-inline-fsync', dir);
  await kvBench('memory', dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('| operation | engine | ops/s | µs/op |');
console.log('|---|---|---:|---:|');
for (const [name, engine, ops, us] of rows) console.log(`| ${name} | ${engine} | ${ops} | ${us ? us.toFixed(1) : ''} |`);
