// Public face of storage/range: the replica and its concurrency machinery.
export { Replica } from './replica.js';
export type { ReplicaHost } from './replica.js';
export { LatchManager } from './concurrency/latch.js';
export { LockTable } from './concurrency/lock-table.js';
export { TimestampCache } from './concurrency/tscache.js';
export { encodeRaftCommand, decodeRaftCommand, encodeBatchOps, decodeBatchOps, applyBatchOps, newCommandId, COMMAND_ID_BYTES } from './raft-command.js';
export type { RaftCommand, RaftCommandTrigger, RaftCommandTriggerKind } from './raft-command.js';
export { encodeSplitTrigger, decodeSplitTrigger } from './split-trigger.js';
export type { SplitTrigger, EvalEffects } from './eval/command.js';
export type { TxnStatusSource, TxnOutcome } from './txn-status.js';
export { LocalTxnStatusSource } from './txn-status.js';
export { WaitsForGraph } from './concurrency/waits-for.js';
