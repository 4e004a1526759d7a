// Public face of storage/mvcc: versioned reads/writes, intents, and their conflicts.
export {
  mvccGet,
  mvccScan,
  mvccPut,
  mvccConditionalPut,
  mvccDeleteRange,
  mvccResolveIntent,
  mvccRefreshOk,
  readRecord,
  historyAt,
  ownIntentValue,
  mvccComputeStats,
  mvccAddStats,
} from './mvcc.js';
export type { ReadOpts, ScanOpts, ScanResult, WriteOpts, ResolveOpts, MvccStatsDelta } from './mvcc.js';
export { WriteIntentError, WriteTooOldError, ConditionFailedError } from './errors.js';
export { encodeRecord, decodeRecord, HISTORY_PREFIX, TXN_ID_BYTES } from './record.js';
export type { MvccRecord, Intent, Version, IntentHistoryEntry } from './record.js';
export { txnRecordKey, encodeTxnRecord, decodeTxnRecord } from './txn-record.js';
export type { CommittedTxnRecord, TxnRecordValue, FinishedTxnStatus } from './txn-record.js';
