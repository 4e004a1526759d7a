// Public face of storage/raft: the RawNode API, the data types, MemoryStorage, the ConfChange
// codec and the typed errors. storage/store, storage/range, src/rpc's codec and the
// simulator import from here only.
//
// Starting a brand-new group: every founder's storage starts from the same snapshot AT INDEX
// >= 1 holding the initial ConfState (CockroachDB starts ranges at index 10):
//   const storage = new MemoryStorage(bootstrapConfState([1, 2, 3]), 1, 1);
//   const node = new RawNode({ id: 1, storage, applied: 1, ... });
// Never at index 0: a replica added later starts empty (new MemoryStorage()) and must get its
// configuration from a snapshot, never rebuild it from a log suffix (the simulator found two
// leaders in one term that way). RaftStorage.snapshot() must describe the current applied
// state (made on demand), so it lists every member, including a just-added learner.
// Restarting a node: the same storage, with config.applied = the index it has applied.

export * from './types.js';
export { RawNode } from './raw-node.js';
export { MemoryStorage } from './memory-storage.js';
export {
  CompactedError,
  UnavailableError,
  SnapshotOutOfDateError,
  SnapshotTemporarilyUnavailableError,
  ProposalDroppedError,
  ConfChangeError,
} from './errors.js';
export type { ProposalDroppedReason } from './errors.js';
export { encodeConfChange, decodeConfChange, isLeaveJoint, enterJoint, LEAVE_JOINT } from './confchange.js';
export { makeMessage, entryBytes, payloadBytes, confStateEqual, EMPTY_CONF_STATE, ENTRY_OVERHEAD_BYTES } from './util.js';
export type { MessageInit } from './util.js';
export { CAMPAIGN_TRANSFER } from './raft.js';
export { PENDING_READ_INDEX_MAX } from './read-only.js';
export { describeMessage, describeEntry, describeReady, describeConfState, describeHardState } from './describe.js';

import type { ConfState, PeerId } from './types.js';

/** The ConfState of a new group with these voters (and learners). */
export function bootstrapConfState(voters: readonly PeerId[], learners: readonly PeerId[] = []): ConfState {
  return { voters: [...voters], learners: [...learners], votersOutgoing: [], learnersNext: [], autoLeave: false };
}
