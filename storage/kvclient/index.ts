// Public face of storage/kvclient: KvDb/Txn implementations, the DistSender and its range cache.
export { KvClientDb } from './db.js';
export { TxnCoordinator } from './txn.js';
export { DistSender, NON_TXN_META } from './dist-sender.js';
export { RangeCache } from './range-cache.js';
export { IntentResolver } from './intent-resolver.js';
