// Latches: short-lived, in-memory read/write locks over key spans that serialize requests
// touching the same keys while they evaluate and until their writes are durable (like
// CockroachDB's spanlatch manager). Held only for one request, never across a lock-table
// wait. Readers share; a writer excludes overlapping readers and writers. FIFO among
// conflicting requests: a request waits for every earlier overlapping, conflicting guard.

import type { Span } from '../../api/batch.js';
import { assert } from '../../base/assert.js';
import { spansOverlap } from './spans.js';

export interface LatchSpans {
  readonly reads: Span[];
  readonly writes: Span[];
}

export interface LatchGuard {
  readonly spans: LatchSpans;
}

interface GuardState extends LatchGuard {
  done: boolean;
  waitingOn: number;
  dependents: GuardState[];
  /** Set only when someone waits (the common uncontended path allocates no promise). */
  wake: (() => void) | null;
}

/** The maximum number of guards held or waiting at once; beyond it is a bug (no backpressure here). */
const LATCH_GUARDS_MAX = 100_000;

function conflicts(a: LatchSpans, b: LatchSpans): boolean {
  for (const w of a.writes) {
    for (const s of b.writes) if (spansOverlap(w, s)) return true;
    for (const s of b.reads) if (spansOverlap(w, s)) return true;
  }
  for (const r of a.reads) for (const s of b.writes) if (spansOverlap(r, s)) return true;
  return false;
}

export class LatchManager {
  private readonly guards = new Set<GuardState>();

  /** Registers a request's latches; unless isReady(guard), await ready(guard) before evaluating. */
  acquire(spans: LatchSpans): LatchGuard {
    assert(this.guards.size < LATCH_GUARDS_MAX, 'latches: too many guards');
    const g: GuardState = { spans, done: false, waitingOn: 0, dependents: [], wake: null };
    for (const other of this.guards) {
      if (conflicts(spans, other.spans)) {
        other.dependents.push(g);
        g.waitingOn++;
      }
    }
    this.guards.add(g);
    return g;
  }

  /** Resolves when every conflicting earlier guard has been released. */
  ready(guard: LatchGuard): Promise<void> {
    const g = guard as GuardState;
    if (g.waitingOn === 0) return Promise.resolve();
    assert(g.wake === null, 'latches: ready() awaited twice');
    return new Promise<void>((resolve) => (g.wake = resolve));
  }

  /** True when the guard could be acquired without waiting (fast path, no promise). */
  isReady(guard: LatchGuard): boolean {
    return (guard as GuardState).waitingOn === 0;
  }

  release(guard: LatchGuard): void {
    const g = guard as GuardState;
    assert(!g.done && this.guards.has(g), 'latches: double release');
    g.done = true;
    this.guards.delete(g);
    for (const d of g.dependents) {
      d.waitingOn--;
      assert(d.waitingOn >= 0, 'latches: negative wait count');
      if (d.waitingOn === 0 && d.wake) d.wake();
    }
  }

  get size(): number {
    return this.guards.size;
  }
}
