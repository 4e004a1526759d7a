// KvDb: the factory of transactions that sql/ uses. Holds the HLC (transaction timestamps),
// the DistSender (routing through a Transport), the IntentResolver (post-commit resolution
// on other ranges) and the Rng (transaction ids). Also the admin operations: adminSplit
// (allocate a range id, split, then update the two meta records) and ranges (SHOW RANGES).

import type { KvDb, RangeInfo, Timestamp, Txn, TxnOptions } from '../api/index.js';
import { KvError } from '../api/index.js';
import type { RangeDescriptor } from '../api/range.js';
import { decodeRangeDescriptor, encodeRangeDescriptor } from '../api/range.js';
import { assert } from '../base/assert.js';
import type { Rng } from '../base/rng.js';
import type { Hlc } from '../hlc/hlc.js';
import { KEY_MAX, META_PREFIX, SYSTEM_PREFIX, TABLES_START } from '../keys/system.js';
import { metaKey, RANGE_ID_GEN_KEY } from '../keys/range-keys.js';
import type { DistSender } from './dist-sender.js';
import { NON_TXN_META } from './dist-sender.js';
import type { IntentResolver } from './intent-resolver.js';
import { TxnCoordinator } from './txn.js';

/** Attempts of an internal transaction (range id allocation, meta update) on retryable errors. */
const INTERNAL_TXN_ATTEMPTS_MAX = 100;
/** Attempts of a split whose range moved under it (another split, a stale cache). */
const SPLIT_ATTEMPTS_MAX = 10;

export class KvClientDb implements KvDb {
  constructor(
    private readonly hlc: Hlc,
    readonly sender: DistSender,
    private readonly rng: Rng,
    private readonly onClose: () => Promise<void>,
    readonly resolver: IntentResolver | null = null,
  ) {}

  begin(opts: TxnOptions = {}): Txn {
    const id = this.rng.fill(Buffer.allocUnsafe(16));
    return new TxnCoordinator({ sender: this.sender, id, now: this.hlc.now(), ...(this.resolver ? { resolver: this.resolver } : {}) }, opts);
  }

  now(): Timestamp {
    return this.hlc.now();
  }

  /**
   * Splits the range holding `key` so that a range starts there (no-op when one does). `key`
   * must be in the system span or a table key: the meta range never splits.
   */
  async adminSplit(key: Buffer): Promise<void> {
    const inSystem = Buffer.compare(key, SYSTEM_PREFIX) >= 0 && Buffer.compare(key, TABLES_START) < 0;
    const inTables = Buffer.compare(key, TABLES_START) >= 0 && Buffer.compare(key, KEY_MAX) < 0;
    assert(inSystem || inTables, 'adminSplit: split keys are system or table keys');
    for (let attempt = 0; attempt < SPLIT_ATTEMPTS_MAX; attempt++) {
      const desc = await this.sender.rangeFor(key);
      if (desc.startKey.equals(key)) return;
      const newRangeId = await this.allocateRangeId();
      const resp = await this.sender.send({ txn: NON_TXN_META }, [{ kind: 'adminSplit', key, newRangeId }]);
      if (!resp.ok) throw new KvError('Unavailable', `split at ${key.toString('hex')} failed: ${resp.error.kind}`);
      const r = resp.responses[0]!;
      assert(r.kind === 'adminSplit', 'adminSplit: response');
      if (r.lhs === null || r.rhs === null) return; // someone else split here first
      this.sender.updateCache([r.lhs, r.rhs]);
      await this.updateMeta([r.lhs, r.rhs]);
      return;
    }
    throw new KvError('Unavailable', `split at ${key.toString('hex')} kept racing other splits`);
  }

  /** The ranges overlapping [key, endKey), from meta and each range's own stats. */
  async ranges(key: Buffer, endKey: Buffer): Promise<RangeInfo[]> {
    const out: RangeInfo[] = [];
    let k = Buffer.compare(key, META_PREFIX) < 0 ? META_PREFIX : key;
    const end = Buffer.compare(endKey, KEY_MAX) > 0 ? KEY_MAX : endKey;
    while (Buffer.compare(k, end) < 0) {
      const resp = await this.sender.send({ txn: NON_TXN_META }, [{ kind: 'rangeStats', key: k }]);
      if (!resp.ok) throw new KvError('Unavailable', `range status at ${k.toString('hex')}: ${resp.error.kind}`);
      const r = resp.responses[0]!;
      assert(r.kind === 'rangeStats', 'ranges: response');
      const d = r.desc;
      out.push({ rangeId: d.rangeId, startKey: d.startKey, endKey: d.endKey, replicas: d.replicas, leaseholder: r.nodeId, sizeBytes: r.stats.liveBytes });
      assert(Buffer.compare(d.endKey, k) > 0, 'ranges: no progress');
      k = d.endKey;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.resolver?.drain();
    return this.onClose();
  }

  /** A cluster-unique range id: the next value of the system counter. */
  private allocateRangeId(): Promise<number> {
    return this.runInternal(async (txn) => {
      const raw = await txn.get(RANGE_ID_GEN_KEY, { lock: 'exclusive' });
      assert(raw !== null && raw.length === 8, 'range id counter missing (store not bootstrapped?)');
      const next = Number(raw.readBigUInt64BE(0)) + 1;
      const buf = Buffer.alloc(8);
      buf.writeBigUInt64BE(BigInt(next));
      await txn.put(RANGE_ID_GEN_KEY, buf);
      return next;
    });
  }

  /**
   * Writes the meta records of descriptors a split produced. Meta is a routing hint: an
   * older descriptor (lower generation) never overwrites a newer one, whatever the order
   * in which concurrent splits get here.
   */
  private updateMeta(descs: readonly RangeDescriptor[]): Promise<void> {
    return this.runInternal(async (txn) => {
      for (const d of descs) {
        const key = metaKey(d.endKey);
        const old = await txn.get(key, { lock: 'exclusive' });
        if (old !== null && decodeRangeDescriptor(old).generation > d.generation) continue;
        await txn.put(key, encodeRangeDescriptor(d));
      }
    });
  }

  private async runInternal<T>(fn: (txn: Txn) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const txn = this.begin({ priority: 'high', debugName: 'internal' });
      try {
        const out = await fn(txn);
        await txn.commit();
        return out;
      } catch (e) {
        await txn.rollback();
        if (!(e instanceof KvError) || !e.retryable || attempt + 1 >= INTERNAL_TXN_ATTEMPTS_MAX) throw e;
      }
    }
  }
}
