// The data Raft exchanges with its owner: log entries, hard state, configuration, messages,
// snapshots and the Ready bundle (the etcd-io/raft design). Plain immutable data so the store
// can persist it, src/rpc can encode it and the simulator can copy it. Imported by raft's
// own modules, by storage/store and storage/range (through raft/index.ts) and by the codec.
// Terms and indexes are JS numbers (exact below 2^53: centuries of entries).

/** A replica id within one Raft group (never 0; 0 = NONE means "nobody"). */
export type PeerId = number;
export const NONE: PeerId = 0;

export type EntryType = 'normal' | 'confChange';

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** normal: the owner's command (empty for the leader's no-op); confChange: encodeConfChange(...). */
  readonly data: Buffer;
}

/** What must be durable before any message of the same Ready is sent. */
export interface HardState {
  readonly term: number;
  readonly vote: PeerId;
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: NONE, commit: 0 };

/**
 * The group's membership. Outside a joint configuration votersOutgoing is empty. During a
 * joint configuration (C_old,new) both voter sets must agree; learnersNext are voters of
 * the outgoing config that become learners when the joint config is left.
 */
export interface ConfState {
  readonly voters: readonly PeerId[];
  readonly learners: readonly PeerId[];
  readonly votersOutgoing: readonly PeerId[];
  readonly learnersNext: readonly PeerId[];
  /** Leave the joint configuration automatically once it is applied. */
  readonly autoLeave: boolean;
}

export type ConfChangeType = 'addVoter' | 'addLearner' | 'removeNode';

export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly peerId: PeerId;
}

/**
 * A membership change (etcd's ConfChangeV2). One change with transition 'auto' is applied
 * one-at-a-time (simple); several changes, or transition 'joint*', go through a joint
 * configuration. An empty `changes` list means "leave the joint configuration".
 * `context` is the owner's (the store puts the new range descriptor there).
 */
export interface ConfChange {
  readonly transition: 'auto' | 'jointImplicit' | 'jointExplicit';
  readonly changes: readonly ConfChangeSingle[];
  readonly context: Buffer;
}

export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

/**
 * A snapshot as Raft sees it. For ranges `data` is small (the owner streams the range's
 * data separately, next to the MsgSnap, as CockroachDB does); Raft never looks inside.
 */
export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Buffer;
}

export type MessageType =
  // local messages (never sent over the network)
  | 'hup' // start an election (campaign)
  | 'beat' // leader: send heartbeats now
  | 'unreachable' // the owner could not deliver to `from`
  | 'snapStatus' // the owner reports a snapshot's outcome (reject = failure)
  | 'checkQuorum' // leader: step down without a recently active quorum
  // network messages
  | 'prop' // proposal (forwarded to the leader by followers)
  | 'app'
  | 'appResp'
  | 'vote'
  | 'voteResp'
  | 'preVote'
  | 'preVoteResp'
  | 'snap'
  | 'heartbeat'
  | 'heartbeatResp'
  | 'transferLeader'
  | 'timeoutNow'
  | 'readIndex'
  | 'readIndexResp';

export const MESSAGE_TYPES: readonly MessageType[] = [
  'hup', 'beat', 'unreachable', 'snapStatus', 'checkQuorum',
  'prop', 'app', 'appResp', 'vote', 'voteResp', 'preVote', 'preVoteResp', 'snap',
  'heartbeat', 'heartbeatResp', 'transferLeader', 'timeoutNow', 'readIndex', 'readIndexResp',
];

/** One Raft message. Fields a type does not use are 0 / [] / null / false. */
export interface Message {
  readonly type: MessageType;
  readonly from: PeerId;
  readonly to: PeerId;
  readonly term: number;
  /** app: term of the entry at `index` (the entry before `entries`). */
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot: Snapshot | null;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** readIndex / heartbeat context, transfer and campaign markers. */
  readonly context: Buffer | null;
}

export type RaftRole = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Volatile state, reported in Ready only when it changed. */
export interface SoftState {
  readonly lead: PeerId;
  readonly role: RaftRole;
}

/** A ReadIndex answer: reads issued with `context` may be served once `index` is applied. */
export interface ReadState {
  readonly index: number;
  readonly context: Buffer;
}

/**
 * What the owner must do, in this order (etcd's contract, doc.go):
 *   1. persist hardState (if not null), entries and snapshot — synced when mustSync;
 *   2. send messages (only after 1 is durable);
 *   3. apply snapshot, then committedEntries, in order;
 *   4. call advance(ready).
 */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  readonly readStates: readonly ReadState[];
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | null;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly mustSync: boolean;
}

/**
 * The log as the owner stores it, read synchronously by Raft (etcd's Storage). Entries
 * below firstIndex() are compacted (covered by the snapshot at firstIndex()-1).
 * Implementations: raft/memory-storage.ts (tests, simulator) and the store's RocksDB-backed one.
 */
export interface RaftStorage {
  initialState(): { readonly hardState: HardState; readonly confState: ConfState };
  /** Entries [lo, hi), at least one if lo < hi, stopping before maxBytes is exceeded. Throws CompactedError / UnavailableError. */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i, for firstIndex()-1 <= i <= lastIndex(). Throws CompactedError / UnavailableError. */
  term(i: number): number;
  firstIndex(): number;
  lastIndex(): number;
  /**
   * A snapshot of the current applied state (made on demand, so its ConfState lists every
   * member, including a learner added since the last compaction). Throws
   * SnapshotTemporarilyUnavailableError if it is being made.
   */
  snapshot(): Snapshot;
}

export interface RaftConfig {
  readonly id: PeerId;
  readonly storage: RaftStorage;
  /** Ticks without hearing from a leader before campaigning (randomized in [e, 2e)). */
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** The last applied index (on restart); entries up to it are not returned again. */
  readonly applied: number;
  /** Bytes of entries per MsgApp at most. */
  readonly msgBytesMax: number;
  /** MsgApp in flight to one follower at most (pipelining window by count)... */
  readonly inflightMsgsMax: number;
  /** ...and by bytes of entries (0: no byte limit). */
  readonly inflightBytesMax: number;
  /** Bytes of uncommitted entries a leader accepts before dropping proposals (0: no limit). */
  readonly uncommittedBytesMax: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Randomness for election timeouts (injected: the simulator seeds it). Returns [0, n). */
  readonly randomInt: (n: number) => number;
  /**
   * How ReadIndex confirms leadership: 'safe' (default) waits for a heartbeat quorum;
   * 'leaseBased' trusts CheckQuorum's lease (requires checkQuorum; sensitive to clock drift).
   */
  readonly readOnlyOption?: 'safe' | 'leaseBased';
  /** Bytes of committed entries in one Ready at most (default 64 MiB; at least one entry). */
  readonly committedBytesPerReadyMax?: number;
}

/** What a RawNode reports about itself (status pages, tests, the store's lease logic). */
export interface RaftStatus {
  readonly id: PeerId;
  readonly term: number;
  readonly vote: PeerId;
  readonly commit: number;
  readonly applied: number;
  readonly lead: PeerId;
  readonly role: RaftRole;
  readonly leadTransferee: PeerId;
  readonly confState: ConfState;
  /** Leader only: each peer's match and next index, and whether it is recently active. */
  readonly progress: ReadonlyMap<PeerId, { readonly match: number; readonly next: number; readonly state: 'probe' | 'replicate' | 'snapshot'; readonly recentActive: boolean }> | null;
}
