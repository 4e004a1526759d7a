// Public face of storage/store.
export { Store, USER_KEY_MIN } from './store.js';
export type { StoreOptions } from './store.js';
export { LocalTransport } from './local-transport.js';
export { WriteScheduler } from './scheduler.js';
export type { Defer } from './scheduler.js';
export { TxnRegistry } from './txn-registry.js';
