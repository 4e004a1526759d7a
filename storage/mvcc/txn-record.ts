// Persisted transaction records. A transaction whose intents outlive its EndTxn batch (large
// commits resolved in chunks, or intents on other ranges) writes its outcome here in the
// EndTxn batch: COMMITTED (synced: it is the commit point) with the commit timestamp, epoch
// and rolled-back sequence ranges, or ABORTED. The record is a range-local key anchored at
// the transaction's anchor key (LOCAL 'k' escaped(anchor) 0x00 0x01 't' <txn id>), so it
// lives on — and moves with — the range holding that key. Deleted once every intent is
// resolved. A missing record means the transaction did not commit.

import type { Timestamp } from '../api/index.js';
import type { SeqRange } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';
import { rangeLocalKey } from '../keys/range-keys.js';
import { TXN_ID_BYTES } from './record.js';

export type FinishedTxnStatus = 'committed' | 'aborted';

export interface TxnRecordValue {
  readonly status: FinishedTxnStatus;
  /** Commit timestamp (meaningful when committed). */
  readonly commitTs: Timestamp;
  readonly epoch: number;
  readonly ignoredSeqs: readonly SeqRange[];
}

/** @deprecated the committed-only shape; TxnRecordValue carries the status. */
export type CommittedTxnRecord = Omit<TxnRecordValue, 'status'>;

const TXN_RECORD_SUFFIX = 0x74; // 't'

export function txnRecordKey(anchorKey: Buffer, txnId: Buffer): Buffer {
  assert(txnId.length === TXN_ID_BYTES, 'txn record: bad txn id');
  const suffix = Buffer.allocUnsafe(1 + TXN_ID_BYTES);
  suffix[0] = TXN_RECORD_SUFFIX;
  txnId.copy(suffix, 1);
  return rangeLocalKey(anchorKey, suffix);
}

const STATUS_COMMITTED = 1;
const STATUS_ABORTED = 2;

export function encodeTxnRecord(r: TxnRecordValue): Buffer {
  const buf = Buffer.allocUnsafe(1 + 12 + 4 + 2 + 8 * r.ignoredSeqs.length);
  buf[0] = r.status === 'committed' ? STATUS_COMMITTED : STATUS_ABORTED;
  buf.writeBigUInt64BE(r.commitTs.wallNanos, 1);
  buf.writeUInt32BE(r.commitTs.logical, 9);
  buf.writeUInt32BE(r.epoch, 13);
  buf.writeUInt16BE(r.ignoredSeqs.length, 17);
  let o = 19;
  for (const s of r.ignoredSeqs) {
    buf.writeUInt32BE(s.start, o);
    buf.writeUInt32BE(s.end, o + 4);
    o += 8;
  }
  return buf;
}

export function decodeTxnRecord(buf: Buffer): TxnRecordValue {
  assert(buf[0] === STATUS_COMMITTED || buf[0] === STATUS_ABORTED, 'txn record: unknown status');
  const n = buf.readUInt16BE(17);
  const ignoredSeqs: SeqRange[] = [];
  for (let i = 0; i < n; i++) ignoredSeqs.push({ start: buf.readUInt32BE(19 + 8 * i), end: buf.readUInt32BE(23 + 8 * i) });
  return {
    status: buf[0] === STATUS_COMMITTED ? 'committed' : 'aborted',
    commitTs: { wallNanos: buf.readBigUInt64BE(1), logical: buf.readUInt32BE(9) },
    epoch: buf.readUInt32BE(13),
    ignoredSeqs,
  };
}
