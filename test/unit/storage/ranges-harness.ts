// Shared helpers for the multi-range tests: a second kv client over the same store (its own
// DistSender and range cache, as another gateway would have), engine inspection helpers.

import { Hlc, LocalTransport, seededRng, systemClock } from '../../../storage/index.js';
import type { KvDb, LocalKvDb, RangeDescriptor } from '../../../storage/index.js';
import { DistSender } from '../../../storage/kvclient/dist-sender.js';
import { KvClientDb } from '../../../storage/kvclient/db.js';
import { IntentResolver } from '../../../storage/kvclient/intent-resolver.js';
import { decodeRecord } from '../../../storage/mvcc/index.js';
import { KEY_MAX, LOCAL_RANGE_KEY_PREFIX, TABLES_START } from '../../../storage/keys/index.js';
import { prefixEnd } from '../../../storage/keys/index.js';
import type { Store } from '../../../storage/store/store.js';

export const b = (s: string): Buffer => Buffer.from(s);

/** Another client of `db`'s store, with a cold cache that knows only the meta range. */
export async function secondClient(db: LocalKvDb, seed = 7): Promise<KvClientDb> {
  const sender = new DistSender(new LocalTransport(new Map([[1, db.store]])), 1);
  await sender.init({ warm: false });
  return new KvClientDb(new Hlc(systemClock, 500_000_000n), sender, seededRng(seed), () => Promise.resolve(), new IntentResolver(sender));
}

export function senderOf(db: KvDb): DistSender {
  return (db as unknown as KvClientDb).sender;
}

/** Keys in the user table span holding an intent. */
export function intentKeys(store: Store): string[] {
  const out: string[] = [];
  const it = store.engine.iterator({ lower: TABLES_START, upper: KEY_MAX });
  for (; it.valid(); it.next()) if (decodeRecord(it.value()).intent) out.push(it.key().toString());
  it.close();
  return out;
}

/** Number of transaction records (range-local keys) in the engine. */
export function txnRecordCount(store: Store): number {
  let n = 0;
  const it = store.engine.iterator({ lower: LOCAL_RANGE_KEY_PREFIX, upper: prefixEnd(LOCAL_RANGE_KEY_PREFIX) });
  for (; it.valid(); it.next()) n++;
  it.close();
  return n;
}

export function userRanges(store: Store): RangeDescriptor[] {
  return store.descriptors().filter((d) => Buffer.compare(d.startKey, TABLES_START) >= 0);
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Waits until the store and the client's resolver have no background work left. */
export async function quiesce(db: LocalKvDb): Promise<void> {
  await (db as unknown as KvClientDb).resolver?.drain();
  for (let i = 0; i < 1000 && db.store.backgroundTasks > 0; i++) await tick();
}
