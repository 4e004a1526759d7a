// Public face of storage/store.
export { Store, USER_KEY_MIN, bootstrap, RANGE_SIZE_MAX_BYTES_DEFAULT, BOOTSTRAP_RANGE_IDS_MAX } from './store.js';
export type { StoreOptions } from './store.js';
export { SplitQueue } from './split-queue.js';
export type { SplitRequester } from './split-queue.js';
export { LocalTransport } from './local-transport.js';
export { WriteScheduler } from './scheduler.js';
export type { Defer } from './scheduler.js';
export { TxnRegistry } from './txn-registry.js';
export { RaftLogStorage, EntryCache, EntryCacheBudget, ENTRY_CACHE_STORE_BYTES_MAX_DEFAULT, writeInitialRaftState, raftHardStateKey, raftTruncatedStateKey, raftLogPrefix, raftLogKey, encodeEntry, decodeEntry, entrySize, ENTRY_CACHE_BYTES_MAX_DEFAULT } from './raft-log.js';
export type { RaftLogStorageOptions, TruncatedState } from './raft-log.js';
export { RaftScheduler, RAFT_SCHEDULER_LIMITS_DEFAULT } from './raft-scheduler.js';
export type { RaftReplica, RaftSchedulerLimits, RaftSchedulerOptions } from './raft-scheduler.js';
export { coalesceRaftMessages, expandRaftMessageBatch, addressRaftMessages, isCoalescible } from './heartbeats.js';
export type { RaftMessageOut } from './heartbeats.js';
export { leaderShouldQuiesce, followerMayQuiesce, quiesceHeartbeats } from './quiesce.js';
export type { LeaderQuiesceInput } from './quiesce.js';
export { raftLogTruncationIndex, RAFT_LOG_TRUNCATION_LIMITS_DEFAULT } from './raft-log-truncation.js';
export type { RaftLogTruncationInput, RaftLogTruncationLimits } from './raft-log-truncation.js';
