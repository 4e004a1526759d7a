import { openKvDb, KeyWriter, indexPrefix } from '/work/main/storage/index.js';
import { mkdtempSync } from 'node:fs';
const key = (t: number, id: number) => new KeyWriter(indexPrefix(t, 1)).int(id).finish();
async function run(syncWorker: boolean): Promise<number> {
  const db = await openKvDb({ engine: 'rocksdb', dir: mkdtempSync('/tmp/ab-'), syncWorker });
  const n = 10000; const value = Buffer.alloc(100, 1);
  const t0 = db.begin(); for (let i = 0; i < n; i++) await t0.put(key(10, i), value); await t0.commit();
  let hist = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: 8 }, async (_, c) => {
    for (let j = 0; j < 150; j++) {
      for (;;) {
        const t = db.begin();
        try {
          const a = (c * 7919 + hist * 31) % n; const teller = (hist * 17 + c) % 100;
          for (const k of [key(10, a), key(11, teller), key(12, teller % 10)]) { const v = await t.get(k, { lock: 'exclusive' }); await t.put(k, v ?? value); }
          await t.get(key(10, a)); await t.conditionalPut(key(13, hist++), value, null); await t.commit(); break;
        } catch (e) { await t.rollback(); if (!(e instanceof Error && 'retryable' in e)) throw e; }
      }
      // emulate client/network think time between transactions, desynchronizing clients
      await new Promise((r) => setTimeout(r, (c * 37 + j) % 3));
    }
  }));
  const tps = 1200 / ((performance.now() - start) / 1000);
  console.log(syncWorker ? 'worker' : 'inline', Math.round(tps), 'syncs', db.store.syncCount);
  await db.close();
  return tps;
}
for (let i = 0; i < 3; i++) { await run(true); await run(false); }
