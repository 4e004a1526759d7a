// The lock table: in-memory locks of one replica, with FIFO wait queues and deadlock
// detection over the waits-for graph. It holds unreplicated locks (FOR SHARE / FOR UPDATE
// reads), intents that requests discovered in MVCC, and claims (a woken writer's place at
// the head of a queue, so newcomers cannot barge past it). Locks are released when their
// transaction finishes (releaseTxn). The replica is the only caller.
//
// Conflicts: 'shared' is compatible with 'shared'; everything else conflicts across
// transactions. A non-locking read ('read') conflicts only with discovered intents.
// Waits are registered in a WaitsForGraph shared by the store's lock tables, so deadlocks
// spanning ranges are found too.

import { KvError } from '../../api/index.js';
import { assert } from '../../base/assert.js';
import { WaitsForGraph } from './waits-for.js';

export type HolderStrength = 'shared' | 'exclusive' | 'intent';
export type WantStrength = 'read' | 'shared' | 'exclusive';

interface Holder {
  readonly txn: string;
  strength: HolderStrength;
}

interface Waiter {
  readonly txn: string;
  readonly want: WantStrength;
  readonly priority: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  settled: boolean;
  /** The key this waiter waits on (latin1). */
  readonly key: string;
}

interface LockEntry {
  readonly key: Buffer;
  readonly holders: Map<string, Holder>;
  readonly waiters: Waiter[];
}

/** Limits: a lock table that grows past these is a bug or an abuse; fail loudly. */
const LOCKS_MAX = 1_000_000;
const WAITERS_PER_KEY_MAX = 10_000;

function compatible(want: WantStrength, have: HolderStrength): boolean {
  if (want === 'read') return have !== 'intent';
  return want === 'shared' && have === 'shared';
}

const STRENGTH_RANK: Record<HolderStrength, number> = { shared: 0, exclusive: 1, intent: 2 };

export class LockTable {
  private readonly locks = new Map<string, LockEntry>();
  /** txn → keys (latin1) it holds in this table. */
  private readonly held = new Map<string, Set<string>>();
  /** txn → its current wait here (a transaction sends one request to a range at a time). */
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly graph: WaitsForGraph = new WaitsForGraph()) {}

  /** Other transactions' holders that conflict with `txn` wanting `want` on key. */
  conflicts(key: Buffer, txn: string, want: WantStrength): string[] {
    const e = this.locks.get(key.toString('latin1'));
    if (!e) return NONE;
    let out: string[] | null = null;
    for (const h of e.holders.values()) {
      if (h.txn !== txn && !compatible(want, h.strength)) (out ??= []).push(h.txn);
    }
    return out ?? NONE;
  }

  /** Records that `txn` holds key at `strength` (upgrading, never downgrading). */
  acquire(key: Buffer, txn: string, strength: HolderStrength): void {
    const k = key.toString('latin1');
    let e = this.locks.get(k);
    if (!e) {
      assert(this.locks.size < LOCKS_MAX, 'lock table: too many locks');
      e = { key: Buffer.from(key), holders: new Map(), waiters: [] };
      this.locks.set(k, e);
    } else if (strength !== 'intent') {
      // Callers check conflicts in the same turn: two exclusive holders would be a lost update.
      for (const o of e.holders.values()) assert(o.txn === txn || (strength === 'shared' && o.strength === 'shared'), 'lock table: acquiring a conflicting lock');
    }
    const h = e.holders.get(txn);
    if (h) {
      if (STRENGTH_RANK[strength] > STRENGTH_RANK[h.strength]) h.strength = strength;
    } else {
      e.holders.set(txn, { txn, strength });
      let set = this.held.get(txn);
      if (!set) this.held.set(txn, (set = new Set()));
      set.add(k);
    }
  }

  /**
   * Waits until the holders of `key` that conflict with `txn` are gone (then the caller
   * re-evaluates). Rejects with KvError Deadlock if this wait closes a cycle and `txn` is
   * the victim; another transaction chosen as victim has its own wait rejected instead.
   */
  wait(key: Buffer, txn: string, want: WantStrength, priority: number): Promise<void> {
    const k = key.toString('latin1');
    const e = this.locks.get(k);
    assert(e !== undefined, 'lock table: wait on a key without locks');
    assert(!this.waiting.has(txn), 'lock table: transaction already waiting');
    assert(e.waiters.length < WAITERS_PER_KEY_MAX, 'lock table: wait queue overflow');
    const blockers = this.conflicts(key, txn, want);
    if (blockers.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { txn, want, priority, resolve, reject, settled: false, key: k };
      e.waiters.push(w);
      this.waiting.set(txn, w);
      this.setEdge(w, blockers);
      this.graph.detect(txn);
    });
  }

  /**
   * Removes every lock of keys in [start, end) (a split hands them to the new range) and
   * wakes their waiters, which re-evaluate and are redirected to the new range. Returns the
   * unreplicated locks and claims to re-acquire there (discovered intents are rediscovered).
   */
  extractSpan(start: Buffer, end: Buffer): Array<{ key: Buffer; txn: string; strength: 'shared' | 'exclusive' }> {
    const lo = start.toString('latin1');
    const hi = end.toString('latin1');
    const moved: Array<{ key: Buffer; txn: string; strength: 'shared' | 'exclusive' }> = [];
    for (const [k, e] of [...this.locks]) {
      if (k < lo || k >= hi) continue;
      this.locks.delete(k);
      for (const h of e.holders.values()) {
        this.held.get(h.txn)?.delete(k);
        if (h.strength !== 'intent') moved.push({ key: e.key, txn: h.txn, strength: h.strength });
      }
      for (const w of [...e.waiters]) this.settle(w, null);
    }
    return moved;
  }

  /** Releases everything `txn` holds and forgets its waits; wakes queues in FIFO order. */
  releaseTxn(txn: string): void {
    const w = this.waiting.get(txn);
    if (w) this.settle(w, new KvError('TxnAborted', 'transaction finished while waiting'));
    const keys = this.held.get(txn);
    if (!keys) return;
    this.held.delete(txn);
    for (const k of keys) {
      const e = this.locks.get(k);
      if (!e) continue;
      e.holders.delete(txn);
      this.wakeQueue(e);
      if (e.holders.size === 0 && e.waiters.length === 0) this.locks.delete(k);
    }
  }

  /** Drops one key's lock of txn (an intent resolved outside its txn's release, e.g. abandoned). */
  releaseKey(key: Buffer, txn: string): void {
    const k = key.toString('latin1');
    const e = this.locks.get(k);
    if (!e || !e.holders.delete(txn)) return;
    this.held.get(txn)?.delete(k);
    this.wakeQueue(e);
    if (e.holders.size === 0 && e.waiters.length === 0) this.locks.delete(k);
  }

  get lockCount(): number {
    return this.locks.size;
  }

  isWaiting(txn: string): boolean {
    return this.waiting.has(txn);
  }

  /**
   * Wakes waiters whose wants no longer conflict, in queue order. The first woken locking
   * waiter becomes a claimant (holds 'exclusive'/'shared') so later arrivals queue behind it;
   * the waiters still queued now wait on the new holders.
   */
  private wakeQueue(e: LockEntry): void {
    let i = 0;
    while (i < e.waiters.length) {
      const w = e.waiters[i]!;
      if (this.conflicts(e.key, w.txn, w.want).length > 0) {
        i++;
        continue;
      }
      e.waiters.splice(i, 1);
      if (w.want !== 'read') this.acquire(e.key, w.txn, w.want);
      this.settle(w, null);
    }
    for (const w of e.waiters) this.setEdge(w, this.conflicts(e.key, w.txn, w.want));
    for (const w of [...e.waiters]) if (!w.settled) this.graph.detect(w.txn);
  }

  private setEdge(w: Waiter, blockers: readonly string[]): void {
    this.graph.set(w.txn, this, { blockers: new Set(blockers), priority: w.priority, abort: (err) => this.settle(w, err) });
  }

  private settle(w: Waiter, err: Error | null): void {
    if (w.settled) return;
    w.settled = true;
    if (this.waiting.get(w.txn) === w) {
      this.waiting.delete(w.txn);
      this.graph.delete(w.txn, this);
    }
    const e = this.locks.get(w.key);
    if (e) {
      const i = e.waiters.indexOf(w);
      if (i >= 0) e.waiters.splice(i, 1);
      if (e.holders.size === 0 && e.waiters.length === 0) this.locks.delete(w.key);
    }
    if (err) w.reject(err);
    else w.resolve();
  }
}

const NONE: string[] = [];
