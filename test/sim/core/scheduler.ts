// The simulator's only source of time and order: a priority queue of events keyed by
// (virtual time, insertion sequence). Nothing in a simulation uses real timers; every
// callback runs from here, one at a time, so a run is a pure function of its seed.
// Used by every sim component (network, disks, nodes, clients, fault injector).

import { assert } from '../../../storage/base/index.js';

/** Virtual time unit: microseconds (integers). */
export type SimTimeUs = number;

export const US_PER_MS = 1000;

/** Events queued at once at most: a run that grows past it has a feedback loop (a sim bug). */
const EVENTS_QUEUED_MAX = 1_000_000;

interface Event {
  readonly time: SimTimeUs;
  readonly seq: number;
  readonly task: () => void;
  cancelled: boolean;
}

export interface TimerHandle {
  cancel(): void;
}

/** Lets every queued microtask (and the microtasks they queue) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function before(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

export class Scheduler {
  private heap: Event[] = [];
  private seq = 0;
  private time: SimTimeUs = 0;
  /** Events run so far (stats, step budgets). */
  eventsRun = 0;

  get now(): SimTimeUs {
    return this.time;
  }

  get queued(): number {
    return this.heap.length;
  }

  /** Runs `task` at virtual time `time` (>= now); ties run in scheduling order. */
  at(time: SimTimeUs, task: () => void): TimerHandle {
    assert(Number.isInteger(time) && time >= this.time, `scheduler: event at ${time} before now ${this.time}`);
    assert(this.heap.length < EVENTS_QUEUED_MAX, 'scheduler: event queue overflow');
    const ev: Event = { time, seq: this.seq++, task, cancelled: false };
    this.push(ev);
    return { cancel: () => void (ev.cancelled = true) };
  }

  after(delayUs: SimTimeUs, task: () => void): TimerHandle {
    assert(delayUs >= 0, `scheduler: negative delay ${delayUs}`);
    return this.at(this.time + Math.round(delayUs), task);
  }

  /** Runs the next event; false when the queue is empty. */
  step(): boolean {
    for (;;) {
      const ev = this.pop();
      if (ev === undefined) return false;
      if (ev.cancelled) continue;
      assert(ev.time >= this.time, 'scheduler: time went backwards');
      this.time = ev.time;
      this.eventsRun++;
      ev.task();
      return true;
    }
  }

  /** Runs events with time <= `until`, then sets now = until. Stops early when `stop()` says so. */
  runUntil(until: SimTimeUs, stop: () => boolean = () => false): void {
    assert(until >= this.time, 'scheduler: runUntil in the past');
    while (this.heap.length > 0 && !stop()) {
      const top = this.heap[0]!;
      if (top.time > until) break;
      this.step();
    }
    if (!stop()) this.time = until;
  }

  /**
   * runUntil for code that awaits promises (the store, kv client): after each event the
   * microtasks it queued settle (one setImmediate turn) before the next event runs, so
   * promise chains stay deterministic. Nothing else may schedule real I/O or timers.
   */
  async runUntilAsync(until: SimTimeUs, stop: () => boolean = () => false): Promise<void> {
    assert(until >= this.time, 'scheduler: runUntil in the past');
    await settle();
    while (this.heap.length > 0 && !stop()) {
      if (this.heap[0]!.time > until) break;
      this.step();
      await settle();
    }
    if (!stop()) this.time = until;
  }

  /** A Defer (storage/store's injected "after this turn") that runs on the scheduler. */
  defer = (fn: () => void): void => {
    this.after(0, fn);
  };

  private push(ev: Event): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >>> 1;
      if (!before(ev, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = ev;
  }

  private pop(): Event | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
