// Public face of storage/kvclient: KvDb/Txn implementations and the DistSender.
export { KvClientDb } from './db.js';
export { TxnCoordinator } from './txn.js';
export { DistSender } from './dist-sender.js';
