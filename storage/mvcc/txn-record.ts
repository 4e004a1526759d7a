// Persisted transaction records, for commits whose intents are resolved after the commit
// (large transactions): the record (LOCAL 't' <txn id>) says COMMITTED with the commit
// timestamp, epoch and rolled-back sequence ranges, so an intent found later — even after
// a restart — resolves correctly. Written in the commit batch, deleted (synced) once every
// intent is resolved. A missing record means the transaction did not commit.

import type { Timestamp } from '../api/index.js';
import type { SeqRange } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';
import { LOCAL_TXN_PREFIX } from '../keys/system.js';
import { TXN_ID_BYTES } from './record.js';

export interface CommittedTxnRecord {
  readonly commitTs: Timestamp;
  readonly epoch: number;
  readonly ignoredSeqs: readonly SeqRange[];
}

export function txnRecordKey(txnId: Buffer): Buffer {
  assert(txnId.length === TXN_ID_BYTES, 'txn record: bad txn id');
  return Buffer.concat([LOCAL_TXN_PREFIX, txnId]);
}

const STATUS_COMMITTED = 1;

export function encodeTxnRecord(r: CommittedTxnRecord): Buffer {
  const buf = Buffer.allocUnsafe(1 + 12 + 4 + 2 + 8 * r.ignoredSeqs.length);
  buf[0] = STATUS_COMMITTED;
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

export function decodeTxnRecord(buf: Buffer): CommittedTxnRecord {
  assert(buf[0] === STATUS_COMMITTED, 'txn record: unknown status');
  const n = buf.readUInt16BE(17);
  const ignoredSeqs: SeqRange[] = [];
  for (let i = 0; i < n; i++) ignoredSeqs.push({ start: buf.readUInt32BE(19 + 8 * i), end: buf.readUInt32BE(23 + 8 * i) });
  return {
    commitTs: { wallNanos: buf.readBigUInt64BE(1), logical: buf.readUInt32BE(9) },
    epoch: buf.readUInt32BE(13),
    ignoredSeqs,
  };
}
