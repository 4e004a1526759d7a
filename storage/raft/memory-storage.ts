// MemoryStorage: a RaftStorage held in memory (etcd's MemoryStorage), used by the unit tests,
// the property tests and the deterministic simulator. What it holds is what "persisted" means
// there: a restarted node rebuilds its RawNode from this object alone. The owner calls
// append / setHardState / applySnapshot while handling a Ready, and createSnapshot / compact
// to truncate the log once entries are applied.

import { assert } from '../base/assert.js';
import type { ConfState, Entry, HardState, RaftStorage, Snapshot } from './types.js';
import { EMPTY_HARD_STATE } from './types.js';
import { CompactedError, SnapshotOutOfDateError, UnavailableError } from './errors.js';
import { EMPTY_CONF_STATE, limitSize } from './util.js';

export class MemoryStorage implements RaftStorage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot;
  /** ents[0] is a dummy standing for the snapshot's last entry (index and term only). */
  private ents: Entry[];

  /**
   * A new storage. With a ConfState it starts a brand-new group: the configuration sits in a
   * snapshot at `index` (term `term`), which is how a group is bootstrapped (see index.ts).
   */
  constructor(confState: ConfState = EMPTY_CONF_STATE, index = 0, term = 0) {
    assert(index >= 0 && (index === 0 ? term === 0 : term > 0), `bad bootstrap index ${index} term ${term}`);
    this.snap = { meta: { index, term, confState }, data: Buffer.alloc(0) };
    this.ents = [dummy(index, term)];
    if (index > 0) this.hardState = { term, vote: 0, commit: index };
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.meta.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  hardStateNow(): HardState {
    return this.hardState;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw new CompactedError();
    assert(hi <= this.lastIndex() + 1, `entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    assert(lo <= hi, 'entries: lo > hi');
    if (this.ents.length === 1) throw new UnavailableError();
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.ents[0]!.index;
    if (i < offset) throw new CompactedError();
    if (i - offset >= this.ents.length) throw new UnavailableError();
    return this.ents[i - offset]!.term;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log by a snapshot received from the leader. */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.meta.index >= snap.meta.index) throw new SnapshotOutOfDateError();
    this.snap = snap;
    this.ents = [dummy(snap.meta.index, snap.meta.term)];
  }

  /**
   * Records a snapshot of the applied state at index i (i <= the applied index, which the
   * caller knows); the log is not truncated until compact().
   */
  createSnapshot(i: number, confState: ConfState | null, data: Buffer): Snapshot {
    if (i <= this.snap.meta.index) throw new SnapshotOutOfDateError();
    const offset = this.ents[0]!.index;
    assert(i <= this.lastIndex(), `snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    const term = this.ents[i - offset]!.term;
    this.snap = { meta: { index: i, term, confState: confState ?? this.snap.meta.confState }, data };
    return this.snap;
  }

  /** Discards entries up to and including compactIndex (which must be applied and snapshotted by the caller). */
  compact(compactIndex: number): void {
    const offset = this.ents[0]!.index;
    if (compactIndex <= offset) throw new CompactedError();
    assert(compactIndex <= this.lastIndex(), `compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    const i = compactIndex - offset;
    const rest = this.ents.slice(i + 1);
    this.ents = [dummy(this.ents[i]!.index, this.ents[i]!.term), ...rest];
  }

  /** Appends entries, replacing any suffix they conflict with. They must be contiguous with the log. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return; // all already compacted
    let es = entries;
    if (first > es[0]!.index) es = es.slice(first - es[0]!.index);
    const offset = es[0]!.index - this.ents[0]!.index;
    assert(offset <= this.ents.length, `missing log entry [last: ${this.lastIndex()}, append at: ${es[0]!.index}]`);
    if (offset < this.ents.length) this.ents = this.ents.slice(0, offset);
    for (const e of es) this.ents.push(e);
  }
}

function dummy(index: number, term: number): Entry {
  return { index, term, type: 'normal', data: EMPTY_BUFFER };
}

const EMPTY_BUFFER = Buffer.alloc(0);
