// The public shapes of Shoal's key-value layer: the requests a transaction sends, the
// errors it can get back, and the KvDb/Txn interfaces that sql/ programs against.
// Everything here is data or an interface; implementations live in storage/kvclient.
// Keys and values are raw bytes (Buffer); keys sort bytewise (see storage/keys).

/** A hybrid-logical-clock timestamp: wall time in nanoseconds since the Unix epoch plus a logical counter. */
export interface Timestamp {
  readonly wallNanos: bigint;
  readonly logical: number;
}

export interface KeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** Lock strength taken by a read: FOR UPDATE = 'exclusive', FOR SHARE = 'shared'. */
export type LockStrength = 'none' | 'shared' | 'exclusive';
/** What a locking read does when the row is locked by another transaction. */
export type LockWaitPolicy = 'block' | 'error' | 'skip';

export interface ReadOptions {
  readonly lock?: LockStrength;
  readonly waitPolicy?: LockWaitPolicy;
}

export interface ScanOptions extends ReadOptions {
  /** Maximum number of rows returned; 0 or undefined means no limit. */
  readonly limit?: number;
  readonly reverse?: boolean;
}

/** One request of a batch. Spans are [key, endKey). */
export type KvRequest =
  | { readonly kind: 'get'; readonly key: Buffer; readonly lock?: LockStrength; readonly waitPolicy?: LockWaitPolicy }
  | {
      readonly kind: 'scan';
      readonly key: Buffer;
      readonly endKey: Buffer;
      readonly limit?: number;
      readonly reverse?: boolean;
      readonly lock?: LockStrength;
      readonly waitPolicy?: LockWaitPolicy;
    }
  | { readonly kind: 'put'; readonly key: Buffer; readonly value: Buffer }
  /** Put that fails with ConditionFailed unless the current value equals `expected` (null: key absent). */
  | { readonly kind: 'conditionalPut'; readonly key: Buffer; readonly value: Buffer; readonly expected: Buffer | null }
  | { readonly kind: 'delete'; readonly key: Buffer }
  | { readonly kind: 'deleteRange'; readonly key: Buffer; readonly endKey: Buffer };

export type KvResponse =
  | { readonly kind: 'get'; readonly value: Buffer | null }
  | { readonly kind: 'scan'; readonly rows: readonly KeyValue[]; /** set when the limit cut the scan short: where to resume */ readonly resumeKey: Buffer | null }
  | { readonly kind: 'put' }
  | { readonly kind: 'conditionalPut' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'deleteRange'; readonly deleted: number };

/**
 * Errors the KV layer hands to its callers: a closed union, mapped to SQLSTATE once, in the
 * SQL session. `retryable` errors mean "restart the transaction" (SQLSTATE 40001).
 */
export type KvErrorCode =
  | 'ConditionFailed' // conditionalPut saw another value (carries actual)
  | 'TxnRetry' // serializability needs a restart (write too old, failed refresh, ...), SQLSTATE 40001
  | 'TxnAborted' // the transaction was aborted (pushed, expired, deadlock victim), SQLSTATE 40001
  | 'Deadlock' // chosen as a deadlock victim, SQLSTATE 40P01
  | 'LockNotAvailable' // NOWAIT read met a lock, SQLSTATE 55P03
  | 'TxnFinished' // use of a committed or rolled-back transaction (programmer error upstream)
  | 'Unavailable'; // the range cannot serve (no quorum, shutting down)

export class KvError extends Error {
  readonly code: KvErrorCode;
  readonly retryable: boolean;
  /** For ConditionFailed: the value found (null if absent). */
  readonly actual: Buffer | null;
  constructor(code: KvErrorCode, message: string, opts: { actual?: Buffer | null } = {}) {
    super(message);
    this.name = 'KvError';
    this.code = code;
    this.retryable = code === 'TxnRetry' || code === 'TxnAborted';
    this.actual = opts.actual ?? null;
  }
}

export type IsolationLevel = 'serializable' | 'read committed';

export interface TxnOptions {
  readonly isolation?: IsolationLevel;
  /** Read-only historical transaction (AS OF SYSTEM TIME). */
  readonly readTimestamp?: Timestamp;
  readonly priority?: 'low' | 'normal' | 'high';
  /** Free-form label for introspection and logs (e.g. the SQL session id). */
  readonly debugName?: string;
}

/** Opaque savepoint handle returned by Txn.savepoint(). */
export interface SavepointToken {
  readonly seq: number;
}

/**
 * A transaction. Not thread-safe in the JS sense: one caller at a time awaits each call
 * (the SQL session serializes statements). Reads see the transaction's own writes.
 */
export interface Txn {
  readonly id: string;
  /** The timestamp the transaction reads at (may move forward on refresh); now() in SQL. */
  readTimestamp(): Timestamp;
  get(key: Buffer, opts?: ReadOptions): Promise<Buffer | null>;
  scan(key: Buffer, endKey: Buffer, opts?: ScanOptions): Promise<KeyValue[]>;
  put(key: Buffer, value: Buffer): Promise<void>;
  conditionalPut(key: Buffer, value: Buffer, expected: Buffer | null): Promise<void>;
  delete(key: Buffer): Promise<void>;
  deleteRange(key: Buffer, endKey: Buffer): Promise<number>;
  /** Sends several requests together; responses in request order. Throws the first KvError. */
  send(requests: readonly KvRequest[]): Promise<KvResponse[]>;
  savepoint(): SavepointToken;
  /** Undo every write made after the savepoint; the transaction stays open. */
  rollbackToSavepoint(token: SavepointToken): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  readonly status: 'pending' | 'committed' | 'aborted';
}

/** One range as SHOW RANGES and shoal_internal.ranges report it. */
export interface RangeInfo {
  readonly rangeId: number;
  /** Inclusive start and exclusive end key of the range. */
  readonly startKey: Buffer;
  readonly endKey: Buffer;
  readonly replicas: ReadonlyArray<{ readonly nodeId: number; readonly storeId: number; readonly replicaId: number }>;
  /** Node id of the leaseholder, null if unknown (no lease, unreachable). */
  readonly leaseholder: number | null;
  /** Approximate bytes of live data (keys and values), null if unknown. */
  readonly sizeBytes: number | null;
}

/** The database as seen by sql/: a factory of transactions over the whole key space. */
export interface KvDb {
  begin(opts?: TxnOptions): Txn;
  /** The node's current HLC time. */
  now(): Timestamp;
  /**
   * Splits the range that contains `key` so that a range starts at `key` (no-op when one
   * already does). Used by ALTER TABLE … SPLIT AT and by CREATE TABLE (a table per range).
   */
  adminSplit(key: Buffer): Promise<void>;
  /** The ranges overlapping [key, endKey), in key order. */
  ranges(key: Buffer, endKey: Buffer): Promise<RangeInfo[]>;
  close(): Promise<void>;
}
