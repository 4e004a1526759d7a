// Where a replica learns the outcome of a transaction it does not know (not in the store's
// TxnRegistry): an intent left by a coordinator that died, or written by a transaction
// coordinated elsewhere. The answer comes from the transaction's record at the intent's
// anchor key. On one node the engine holds every record (LocalTxnStatusSource); issue 4
// plugs a QueryTxn/PushTxn RPC here for records on other nodes.

import type { SeqRange } from '../api/txn-meta.js';
import type { Timestamp } from '../api/index.js';
import type { EngineReader } from '../engine/engine.js';
import { decodeTxnRecord, txnRecordKey } from '../mvcc/index.js';
import type { Intent } from '../mvcc/index.js';

export type TxnOutcome =
  | { readonly status: 'pending' }
  | {
      readonly status: 'committed' | 'aborted';
      readonly commitTs: Timestamp;
      readonly epoch: number;
      readonly ignoredSeqs: readonly SeqRange[];
    };

export interface TxnStatusSource {
  /** The outcome of the transaction that wrote `intent` (which carries its anchor key). */
  query(intent: Intent): Promise<TxnOutcome>;
}

/**
 * Reads the record from the local engine. A missing record means aborted: records are
 * written before a commit is acknowledged and deleted only after every intent is resolved,
 * and every transaction still running on this node is in the registry (asked first).
 */
export class LocalTxnStatusSource implements TxnStatusSource {
  constructor(private readonly reader: EngineReader) {}

  query(intent: Intent): Promise<TxnOutcome> {
    return Promise.resolve(this.querySync(intent));
  }

  querySync(intent: Intent): TxnOutcome {
    const raw = intent.anchorKey === null ? undefined : this.reader.get(txnRecordKey(intent.anchorKey, intent.txnId));
    if (raw === undefined) return { status: 'aborted', commitTs: intent.writeTs, epoch: intent.epoch, ignoredSeqs: [] };
    return decodeTxnRecord(raw);
  }
}
