// Child process for crash.test.ts: commits transactions on a RocksDB KvDb and prints
// "acked <i>" after each commit is acknowledged; also leaves uncommitted intents behind
// ("pending <i>"). The parent kills it with SIGKILL at an arbitrary point.

import { openKvDb } from '../../../storage/index.js';
import type { Txn } from '../../../storage/index.js';

const dir = process.argv[2]!;
const db = await openKvDb({ engine: 'rocksdb', dir });
const b = (s: string): Buffer => Buffer.from(s);
const flush = async (t: Txn): Promise<void> => void (await t.scan(b('~flush'), b('~flush~')));

// An open transaction whose intents reach the engine but never commit.
const pending = db.begin();
await pending.put(b('pending-0'), b('never'));
await pending.put(b('acct-1'), b('never'));
await flush(pending);
process.stdout.write('pending 0\n');

for (let i = 0; ; i++) {
  const t = db.begin();
  await t.put(b(`acct-${String(i).padStart(6, '0')}`), b(String(i)));
  await t.put(b('counter'), b(String(i)));
  await t.commit();
  process.stdout.write(`acked ${i}\n`);
  if (i % 50 === 0) {
    // Interleave: an explicit transaction with an intent flushed mid-way and a commit.
    const u = db.begin();
    await u.put(b(`mid-${i}`), b('x'));
    await flush(u);
    await u.commit();
    process.stdout.write(`acked-mid ${i}\n`);
  }
}
