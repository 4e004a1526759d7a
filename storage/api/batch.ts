// The one request shape of every KV hop inside storage: BatchRequest → BatchResponse
// (kvclient → DistSender → Transport → Store → Replica). Plain data, so a transport can
// serialize it. Ownership: the sender must not mutate a request after sending it; the
// receiver must not mutate it either, and owns nothing in it beyond the call.

import type { KvRequest, KvResponse, LockStrength, LockWaitPolicy, Timestamp } from './index.js';
import type { KvErrorCode } from './index.js';
import type { RangeDescriptor, RangeStats, ReplicaDescriptor } from './range.js';
import type { SeqRange, TxnMeta } from './txn-meta.js';

/** [key, endKey) or, with endKey null, the single key. */
export interface Span {
  readonly key: Buffer;
  readonly endKey: Buffer | null;
}

/**
 * Finishes a transaction: commit (at header.txn.writeTs) or abort, resolving its intents.
 * Sent to the range holding header.txn.anchorKey (where the transaction record lives). When
 * every span lies in that range it commits in one step (1PC); otherwise it writes the txn
 * record (COMMITTED or ABORTED), resolves this range's part and answers the rest as
 * `remoteSpans`, which the coordinator resolves with resolveIntent.
 */
export interface EndTxnRequest {
  readonly kind: 'endTxn';
  readonly commit: boolean;
  /** Every key or span where the transaction may have written intents. */
  readonly lockSpans: readonly Span[];
  /** Spans where it took unreplicated locks only (locking reads): released with it, never resolved. */
  readonly readLockSpans?: readonly Span[];
}

/** Resolves the intents of a finished transaction in [key, endKey) (or at key); releases its locks here. */
export interface ResolveIntentRequest {
  readonly kind: 'resolveIntent';
  readonly key: Buffer;
  readonly endKey: Buffer | null;
  readonly txnId: Buffer;
  readonly status: 'committed' | 'aborted';
  /** The commit timestamp (status committed); ignored for aborts. */
  readonly commitTs: Timestamp;
  readonly epoch: number;
  readonly ignoredSeqs: readonly SeqRange[];
}

/** Deletes the record of a finished transaction (anchored at key) once all its intents are resolved. */
export interface GcTxnRecordRequest {
  readonly kind: 'gcTxnRecord';
  readonly key: Buffer;
  readonly txnId: Buffer;
}

/**
 * Served by the meta range: the descriptor of the range holding `key` (endInclusive: the range
 * R with R.start < key <= R.end, for reverse scans), then up to `prefetch` following ones.
 * Reads meta records without blocking on intents (see eval/range-lookup.ts).
 */
export interface RangeLookupRequest {
  readonly kind: 'rangeLookup';
  readonly key: Buffer;
  readonly endInclusive?: boolean;
  readonly prefetch: number;
}

/** Splits the range holding `key` so that a new range `newRangeId` starts at `key` (no-op when one does). */
export interface AdminSplitRequest {
  readonly kind: 'adminSplit';
  readonly key: Buffer;
  readonly newRangeId: number;
}

/** The descriptor and statistics of the range holding `key` (SHOW RANGES, split decisions). */
export interface RangeStatsRequest {
  readonly kind: 'rangeStats';
  readonly key: Buffer;
}

/**
 * Checks that nothing changed in the span between fromTs (exclusive) and toTs (inclusive).
 * toTs null: the read timestamp the batch is evaluated at (a commit re-validating its reads
 * in its own batch, which lets the replica move the batch's timestamp).
 */
export interface RefreshRequest {
  readonly kind: 'refresh';
  readonly key: Buffer;
  readonly endKey: Buffer | null;
  readonly fromTs: Timestamp;
  readonly toTs: Timestamp | null;
}

/**
 * Writes carry their own sequence number (assigned by the coordinator when the caller issued
 * them), so writes buffered and sent together still roll back per savepoint.
 */
export interface Sequenced {
  readonly seq?: number;
}

/** Internal read flags. lockNonExisting: a locking get locks the key even when it holds no row. */
export interface LockFlags {
  readonly lockNonExisting?: boolean;
}

export type Request =
  | (KvRequest & Sequenced & LockFlags)
  | EndTxnRequest
  | RefreshRequest
  | ResolveIntentRequest
  | GcTxnRecordRequest
  | RangeLookupRequest
  | AdminSplitRequest
  | RangeStatsRequest;
export type RequestKind = Request['kind'];

export type Response =
  | KvResponse
  /** remoteSpans: parts of the lock spans outside the anchor's range, for the coordinator to resolve. */
  | { readonly kind: 'endTxn'; readonly remoteSpans?: readonly Span[] }
  | { readonly kind: 'refresh' }
  /** resumeKey: set when the request stopped early (work bound); resend from there. */
  | { readonly kind: 'resolveIntent'; readonly resolved: number; readonly resumeKey: Buffer | null }
  | { readonly kind: 'gcTxnRecord' }
  | { readonly kind: 'rangeLookup'; readonly ranges: readonly RangeDescriptor[] }
  /** lhs/rhs null: a range already started at the key (nothing done). */
  | { readonly kind: 'adminSplit'; readonly lhs: RangeDescriptor | null; readonly rhs: RangeDescriptor | null }
  | { readonly kind: 'rangeStats'; readonly desc: RangeDescriptor; readonly stats: RangeStats; readonly nodeId: number };

export interface BatchHeader {
  readonly rangeId: number;
  /** Every request in Shoal is transactional. */
  readonly txn: TxnMeta;
  readonly waitPolicy?: LockWaitPolicy;
  readonly lock?: LockStrength;
  /**
   * The transaction has read nothing yet (no read spans to refresh), so the replica may move
   * its read timestamp along with its write timestamp and re-evaluate (server-side refresh).
   */
  readonly canForwardReadTs?: boolean;
}

export interface BatchRequest {
  readonly header: BatchHeader;
  readonly requests: readonly Request[];
}

/**
 * Errors a replica returns instead of responses. `writeTooOld`: move the transaction to
 * actualTs (refresh, then retry); `refreshFailed`: the reads are stale; `kv`: a KvError for
 * the caller (ConditionFailed, LockNotAvailable, Deadlock, TxnAborted, Unavailable);
 * `rangeKeyMismatch`: the range cache is stale (`ranges`: the replica's current descriptor
 * and, after a split, its neighbour's — the cache's update); `notLeaseholder`: retry on the
 * leaseholder (if known); `rangeNotFound`: the node holds no replica of the range.
 */
export type BatchError =
  | { readonly kind: 'writeTooOld'; readonly actualTs: Timestamp; readonly key: Buffer }
  | { readonly kind: 'refreshFailed'; readonly key: Buffer }
  | { readonly kind: 'kv'; readonly code: KvErrorCode; readonly message: string; readonly actual?: Buffer | null; readonly index: number }
  | { readonly kind: 'rangeKeyMismatch'; readonly rangeId: number; readonly ranges?: readonly RangeDescriptor[] }
  | { readonly kind: 'notLeaseholder'; readonly rangeId: number; readonly leaseholder: ReplicaDescriptor | null }
  | { readonly kind: 'rangeNotFound'; readonly rangeId: number };

export type BatchResponse =
  | {
      readonly ok: true;
      readonly responses: readonly Response[];
      /** The transaction's write timestamp after evaluation (pushed by the timestamp cache). */
      readonly writeTs: Timestamp;
      /** The read timestamp the batch was evaluated at (moved only with canForwardReadTs). */
      readonly readTs: Timestamp;
    }
  | { readonly ok: false; readonly error: BatchError };
