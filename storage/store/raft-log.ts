// RaftLogStorage: one range's Raft log, hard state and truncated state in the engine, as
// unreplicated range-id-local keys (LOCAL 'r' uvarint(rangeId) string('uhs' | 'utr' |
// 'ulog') [8-byte big-endian index]), behind a byte-bounded cache of the newest entries
// (the leader reads what it just appended to send it). Raft reads it synchronously through
// the RaftStorage contract; the replica stages writes into the scheduler's shared batch.

import { assert } from '../base/assert.js';
import type { EngineReader, WriteBatch } from '../engine/engine.js';
import { rangeIdUnreplicatedKey } from '../keys/index.js';
import { CompactedError, EMPTY_HARD_STATE, ENTRY_OVERHEAD_BYTES, UnavailableError } from '../raft/index.js';
import type { ConfState, Entry, EntryType, HardState, RaftStorage, Ready, Snapshot, SnapshotMeta } from '../raft/index.js';

/** Bytes of an encoded entry before its data: type, term, index. */
export const ENTRY_HEADER_BYTES = 17;
/** Default bound of one range's entry cache. */
export const ENTRY_CACHE_BYTES_MAX_DEFAULT = 1024 * 1024;
/** Default store-wide bound of all entry caches together (CockroachDB's is 16 MiB). */
export const ENTRY_CACHE_STORE_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;

/** The log position covered by the last truncation (or the initial snapshot). */
export interface TruncatedState {
  readonly index: number;
  readonly term: number;
}

// ---- keys: unreplicated range-id-local (keys/range-keys.ts), names starting with 'u' ----

export function raftHardStateKey(rangeId: number): Buffer {
  return rangeIdUnreplicatedKey(rangeId, 'uhs');
}

export function raftTruncatedStateKey(rangeId: number): Buffer {
  return rangeIdUnreplicatedKey(rangeId, 'utr');
}

/** The prefix of every log entry key of a range. */
export function raftLogPrefix(rangeId: number): Buffer {
  return rangeIdUnreplicatedKey(rangeId, 'ulog');
}

/** prefix + 8-byte big-endian index: keys sort by index. */
export function raftLogKey(prefix: Buffer, index: number): Buffer {
  assert(Number.isSafeInteger(index) && index >= 0, 'raft log: bad index');
  const key = Buffer.allocUnsafe(prefix.length + 8);
  prefix.copy(key, 0);
  writeU64(key, prefix.length, index);
  return key;
}

// ---- value encodings (fixed-width big-endian; numbers stay below 2^53) ----

function writeU64(buf: Buffer, at: number, n: number): void {
  buf.writeUInt32BE(Math.floor(n / 0x1_0000_0000), at);
  buf.writeUInt32BE(n >>> 0, at + 4);
}

function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

const ENTRY_TYPES: readonly EntryType[] = ['normal', 'confChange'];

/** An entry's size for maxBytes and the cache bound: counted as Raft counts it (entryBytes). */
export function entrySize(e: Entry): number {
  return ENTRY_OVERHEAD_BYTES + e.data.length;
}

/** type byte, term (8), index (8), data. */
export function encodeEntry(e: Entry): Buffer {
  const buf = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + e.data.length);
  buf[0] = e.type === 'normal' ? 0 : 1;
  writeU64(buf, 1, e.term);
  writeU64(buf, 9, e.index);
  e.data.copy(buf, ENTRY_HEADER_BYTES);
  return buf;
}

/** Decodes an entry; its data is a slice of `buf`. */
export function decodeEntry(buf: Buffer): Entry {
  assert(buf.length >= ENTRY_HEADER_BYTES, 'raft log: entry too short');
  const type = ENTRY_TYPES[buf[0]!];
  assert(type !== undefined, 'raft log: bad entry type');
  return { type, term: readU64(buf, 1), index: readU64(buf, 9), data: buf.subarray(ENTRY_HEADER_BYTES) };
}

export function encodeHardState(hs: HardState): Buffer {
  const buf = Buffer.allocUnsafe(24);
  writeU64(buf, 0, hs.term);
  writeU64(buf, 8, hs.vote);
  writeU64(buf, 16, hs.commit);
  return buf;
}

export function decodeHardState(buf: Buffer): HardState {
  assert(buf.length === 24, 'raft log: bad hard state');
  return { term: readU64(buf, 0), vote: readU64(buf, 8), commit: readU64(buf, 16) };
}

export function encodeTruncatedState(ts: TruncatedState): Buffer {
  const buf = Buffer.allocUnsafe(16);
  writeU64(buf, 0, ts.index);
  writeU64(buf, 8, ts.term);
  return buf;
}

export function decodeTruncatedState(buf: Buffer): TruncatedState {
  assert(buf.length === 16, 'raft log: bad truncated state');
  return { index: readU64(buf, 0), term: readU64(buf, 8) };
}

/**
 * Writes the Raft state of a range that starts from a (virtual) snapshot at `index`/`term`:
 * bootstrap and the right-hand side of a split (CockroachDB starts them at index 10, term 5,
 * so that a replica created empty by a message can tell it needs a snapshot). With `reader`,
 * a hard state already there (an uninitialized replica that voted in the new range's
 * election before the split applied here) keeps its newer term and vote: forgetting the
 * vote could let this replica vote twice in one term (CockroachDB's synthesizeHardState).
 */
export function writeInitialRaftState(batch: WriteBatch, rangeId: number, index: number, term: number, reader?: EngineReader): void {
  assert(index >= 0 && term >= 0 && (index === 0) === (term === 0), 'raft log: bad initial state');
  let hs: HardState = { term, vote: 0, commit: index };
  const old = reader?.get(raftHardStateKey(rangeId));
  if (old) {
    const prev = decodeHardState(old);
    if (prev.term > term) hs = { term: prev.term, vote: prev.vote, commit: Math.max(prev.commit, index) };
    else if (prev.term === term) hs = { term, vote: prev.vote, commit: Math.max(prev.commit, index) };
  }
  batch.put(raftTruncatedStateKey(rangeId), encodeTruncatedState({ index, term }));
  batch.put(raftHardStateKey(rangeId), encodeHardState(hs));
}

// ---- the entry cache ----

/**
 * A store-wide bound on the bytes of every range's entry cache (CockroachDB keeps one cache
 * per store): past it, the caches appended to least recently give up their oldest entries.
 * Evicting is always safe: an entry leaves a cache only after it was staged for the engine,
 * and Raft reads storage only for entries whose batch is durable.
 */
export class EntryCacheBudget {
  private used = 0;
  /** Caches in order of their last append (a Map keeps insertion order). */
  private readonly lru = new Map<EntryCache, true>();

  constructor(readonly bytesMax: number) {
    assert(bytesMax >= 0, 'entry cache budget: bad bytesMax');
  }

  get bytes(): number {
    return this.used;
  }

  /** @internal EntryCache's accounting. */
  charge(cache: EntryCache, bytes: number): void {
    this.used += bytes;
    this.lru.delete(cache);
    this.lru.set(cache, true);
  }

  /** @internal */
  refund(bytes: number): void {
    this.used -= bytes;
    assert(this.used >= 0, 'entry cache budget: negative usage');
  }

  /** @internal */
  forget(cache: EntryCache): void {
    this.lru.delete(cache);
  }

  /** Evicts from the least recently appended caches until the budget holds. */
  shrink(): void {
    for (const cache of this.lru.keys()) {
      if (this.used <= this.bytesMax) return;
      cache.evictDownTo(Math.max(0, cache.bytes - (this.used - this.bytesMax)));
      if (cache.bytes === 0) this.lru.delete(cache);
    }
  }
}

/**
 * The newest entries of one range's log, contiguous and ending at the log's last index (or
 * empty), evicted oldest first beyond bytesMax or the shared budget. Appends, conflicting-
 * suffix overwrites and truncations keep that shape, so a lookup is index arithmetic.
 */
export class EntryCache {
  private ents: Entry[] = [];
  private head = 0;
  private bytesUsed = 0;

  constructor(
    private readonly bytesMax: number,
    private readonly budget: EntryCacheBudget | null = null,
  ) {
    assert(bytesMax >= 0, 'entry cache: bad bytesMax');
  }

  get bytes(): number {
    return this.bytesUsed;
  }

  /** Index of the first cached entry, or 0 when empty. */
  firstIndex(): number {
    return this.head < this.ents.length ? this.ents[this.head]!.index : 0;
  }

  get(index: number): Entry | undefined {
    const first = this.firstIndex();
    if (first === 0 || index < first) return undefined;
    return this.ents[this.head + index - first];
  }

  /** Adds entries that follow or overwrite the cached tail; a gap restarts the cache. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const start = entries[0]!.index;
    const first = this.firstIndex();
    if (first === 0 || start < first || start > this.lastIndex() + 1) this.clear();
    else this.dropFrom(start);
    let added = 0;
    for (const e of entries) {
      this.ents.push(e);
      added += entrySize(e);
    }
    this.bytesUsed += added;
    this.budget?.charge(this, added);
    this.evictDownTo(this.bytesMax);
    if (this.budget && this.budget.bytes > this.budget.bytesMax) this.budget.shrink();
  }

  /** Forgets entries with index <= upTo (log truncation). */
  truncateFront(upTo: number): void {
    while (this.head < this.ents.length && this.ents[this.head]!.index <= upTo) this.dropHead();
    this.compact();
  }

  clear(): void {
    this.budget?.refund(this.bytesUsed);
    this.ents = [];
    this.head = 0;
    this.bytesUsed = 0;
  }

  /** Drops the cache and leaves the shared budget (the replica is gone). */
  release(): void {
    this.clear();
    this.budget?.forget(this);
  }

  /** Evicts oldest entries until the cache holds at most `bytes`. */
  evictDownTo(bytes: number): void {
    while (this.head < this.ents.length && this.bytesUsed > bytes) this.dropHead();
    this.compact();
  }

  private lastIndex(): number {
    return this.ents.length > this.head ? this.ents[this.ents.length - 1]!.index : 0;
  }

  private dropFrom(index: number): void {
    while (this.ents.length > this.head && this.ents[this.ents.length - 1]!.index >= index) {
      const size = entrySize(this.ents.pop()!);
      this.bytesUsed -= size;
      this.budget?.refund(size);
    }
  }

  private dropHead(): void {
    const size = entrySize(this.ents[this.head]!);
    this.bytesUsed -= size;
    this.budget?.refund(size);
    this.head++;
  }

  /** Reclaims the evicted head slots once they are the larger part of the array. */
  private compact(): void {
    if (this.head === this.ents.length) this.clear();
    else if (this.head > 64 && this.head * 2 > this.ents.length) {
      this.ents = this.ents.slice(this.head);
      this.head = 0;
    }
  }
}

// ---- the storage ----

export interface RaftLogStorageOptions {
  readonly rangeId: number;
  /** Reads go to the engine; writes only through batches the caller writes. */
  readonly engine: EngineReader;
  /** The membership, derived by the replica from its range descriptor. */
  readonly confState: () => ConfState;
  /** Index (the applied index), term and membership of the placeholder snapshot. */
  readonly snapshotMeta: () => SnapshotMeta;
  /** This range's cache bound (default ENTRY_CACHE_BYTES_MAX_DEFAULT)... */
  readonly entryCacheBytesMax?: number;
  /** ...and the store-wide one, shared by every range of the store (optional). */
  readonly entryCacheBudget?: EntryCacheBudget;
}

/**
 * RaftStorage over the engine. Mutations are staged into a caller's batch and take effect
 * in memory at once (last index, hard state, truncated state, cache): the owner must write
 * the batch durably before it calls advance(), as the Ready contract requires, because
 * Raft reads the storage only for entries it has been told are stable.
 */
export class RaftLogStorage implements RaftStorage {
  readonly rangeId: number;
  private readonly engine: EngineReader;
  private readonly logPrefix: Buffer;
  private readonly hardStateKey: Buffer;
  private readonly truncatedStateKey: Buffer;
  private readonly cache: EntryCache;
  private hs: HardState;
  private truncated: TruncatedState;
  private last: number;
  /** Entries read from the engine because the cache missed (tests, metrics). */
  engineEntryReads = 0;

  constructor(private readonly opts: RaftLogStorageOptions) {
    this.rangeId = opts.rangeId;
    this.engine = opts.engine;
    this.logPrefix = raftLogPrefix(opts.rangeId);
    this.hardStateKey = raftHardStateKey(opts.rangeId);
    this.truncatedStateKey = raftTruncatedStateKey(opts.rangeId);
    this.cache = new EntryCache(opts.entryCacheBytesMax ?? ENTRY_CACHE_BYTES_MAX_DEFAULT, opts.entryCacheBudget ?? null);
    const hs = this.engine.get(this.hardStateKey);
    this.hs = hs ? decodeHardState(hs) : EMPTY_HARD_STATE;
    const ts = this.engine.get(this.truncatedStateKey);
    this.truncated = ts ? decodeTruncatedState(ts) : { index: 0, term: 0 };
    this.last = this.loadLastIndex();
    assert(this.hs.commit <= this.last, 'raft log: commit index beyond the last entry');
  }

  private loadLastIndex(): number {
    const it = this.engine.iterator({ lower: this.logPrefix, upper: raftLogKey(this.logPrefix, Number.MAX_SAFE_INTEGER), reverse: true, prefetch: 1 });
    try {
      if (!it.valid()) return this.truncated.index;
      const index = readU64(it.key(), this.logPrefix.length);
      assert(index > this.truncated.index, 'raft log: entries below the truncated index');
      return index;
    } finally {
      it.close();
    }
  }

  // ---- RaftStorage (reads) ----

  initialState(): { readonly hardState: HardState; readonly confState: ConfState } {
    return { hardState: this.hs, confState: this.opts.confState() };
  }

  firstIndex(): number {
    return this.truncated.index + 1;
  }

  lastIndex(): number {
    return this.last;
  }

  hardState(): HardState {
    return this.hs;
  }

  truncatedState(): TruncatedState {
    return this.truncated;
  }

  term(i: number): number {
    if (i === this.truncated.index) return this.truncated.term;
    if (i < this.truncated.index) throw new CompactedError();
    if (i > this.last) throw new UnavailableError();
    return this.entry(i).term;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo <= this.truncated.index) throw new CompactedError();
    if (hi > this.last + 1) throw new UnavailableError();
    assert(lo <= hi, 'raft log: entries(lo > hi)');
    const out: Entry[] = [];
    if (lo === hi) return out;
    const cacheFirst = this.cache.firstIndex();
    let bytes = 0;
    let next = lo;
    if (cacheFirst === 0 || lo < cacheFirst) {
      const engineHi = cacheFirst === 0 ? hi : Math.min(hi, cacheFirst);
      bytes = this.readEngine(lo, engineHi, maxBytes, out);
      next = lo + out.length;
      if (next < engineHi) return out; // stopped by maxBytes
    }
    for (; next < hi; next++) {
      const e = this.cache.get(next);
      assert(e !== undefined && e.index === next, 'raft log: cache hole');
      bytes += entrySize(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  snapshot(): Snapshot {
    const meta = this.opts.snapshotMeta();
    assert(meta.index >= this.truncated.index || meta.index === 0, 'raft log: snapshot behind the truncated log');
    return { meta, data: EMPTY };
  }

  private entry(i: number): Entry {
    const cached = this.cache.get(i);
    if (cached) return cached;
    const value = this.engine.get(raftLogKey(this.logPrefix, i));
    // Messages are built only on failure: a template literal per read costs ~100 ns.
    if (value === undefined) assert(false, `raft log: r${this.rangeId} entry ${i} missing`);
    this.engineEntryReads++;
    const e = decodeEntry(value);
    assert(e.index === i, 'raft log: entry index mismatch');
    return e;
  }

  /** Reads [lo, hi) from the engine into out; returns the bytes read. */
  private readEngine(lo: number, hi: number, maxBytes: number, out: Entry[]): number {
    const it = this.engine.iterator({
      lower: raftLogKey(this.logPrefix, lo),
      upper: raftLogKey(this.logPrefix, hi),
      prefetch: Math.min(hi - lo, 256),
    });
    let bytes = 0;
    try {
      for (let want = lo; want < hi; want++, it.next()) {
        if (!it.valid()) assert(false, `raft log: r${this.rangeId} entry ${want} missing`);
        const e = decodeEntry(it.value());
        if (e.index !== want) assert(false, `raft log: r${this.rangeId} gap at ${want}`);
        bytes += entrySize(e);
        if (out.length > 0 && bytes > maxBytes) break;
        out.push(e);
        this.engineEntryReads++;
      }
    } finally {
      it.close();
    }
    return bytes;
  }

  // ---- writes (staged into the caller's batch) ----

  /** Persists a Ready's snapshot, entries and hard state, in that order. */
  persistReady(batch: WriteBatch, ready: Ready): void {
    if (ready.snapshot) this.applySnapshot(batch, ready.snapshot.meta);
    this.appendEntries(batch, ready.entries);
    if (ready.hardState) this.setHardState(batch, ready.hardState);
  }

  /** Appends entries, replacing any conflicting suffix (entries at or after the first one). */
  appendEntries(batch: WriteBatch, entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    assert(first > this.truncated.index, 'raft log: append below the truncated index');
    assert(first <= this.last + 1, 'raft log: append leaves a gap');
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      assert(e.index === first + k, 'raft log: appended entries not contiguous');
      batch.put(raftLogKey(this.logPrefix, e.index), encodeEntry(e));
    }
    const newLast = first + entries.length - 1;
    if (newLast < this.last) {
      batch.deleteRange(raftLogKey(this.logPrefix, newLast + 1), raftLogKey(this.logPrefix, this.last + 1));
    }
    this.last = newLast;
    this.cache.append(entries);
  }

  setHardState(batch: WriteBatch, hs: HardState): void {
    assert(hs.term >= this.hs.term, 'raft log: hard state term went back');
    assert(hs.commit <= this.last, 'raft log: commit beyond the last entry');
    batch.put(this.hardStateKey, encodeHardState(hs));
    this.hs = hs;
  }

  /**
   * Deletes entries <= upTo (the caller keeps upTo <= the applied index) and records the
   * truncated state. A no-op when already truncated that far.
   */
  truncateLog(batch: WriteBatch, upTo: number): void {
    if (upTo <= this.truncated.index) return;
    assert(upTo <= this.last, 'raft log: truncate beyond the last entry');
    const term = this.term(upTo);
    batch.deleteRange(raftLogKey(this.logPrefix, this.truncated.index + 1), raftLogKey(this.logPrefix, upTo + 1));
    this.truncated = { index: upTo, term };
    batch.put(this.truncatedStateKey, encodeTruncatedState(this.truncated));
    this.cache.truncateFront(upTo);
  }

  /** A snapshot replaces the whole log: it ends at the snapshot's index. */
  applySnapshot(batch: WriteBatch, meta: SnapshotMeta): void {
    assert(meta.index >= this.hs.commit, 'raft log: snapshot older than the commit index');
    batch.deleteRange(raftLogKey(this.logPrefix, 0), raftLogKey(this.logPrefix, Number.MAX_SAFE_INTEGER));
    this.truncated = { index: meta.index, term: meta.term };
    batch.put(this.truncatedStateKey, encodeTruncatedState(this.truncated));
    this.last = meta.index;
    this.cache.clear();
  }

  /** Deletes all of the range's Raft state (the replica is being removed from this store). */
  destroy(batch: WriteBatch): void {
    batch.deleteRange(raftLogKey(this.logPrefix, 0), raftLogKey(this.logPrefix, Number.MAX_SAFE_INTEGER));
    batch.delete(this.hardStateKey);
    batch.delete(this.truncatedStateKey);
    this.cache.release();
  }
}

const EMPTY = Buffer.alloc(0);
