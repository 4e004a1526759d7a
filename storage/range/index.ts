// Public face of storage/range: the replica and its concurrency machinery.
export { Replica } from './replica.js';
export type { ReplicaHost } from './replica.js';
export { LatchManager } from './concurrency/latch.js';
export { LockTable } from './concurrency/lock-table.js';
export { TimestampCache } from './concurrency/tscache.js';
