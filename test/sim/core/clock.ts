// Per-node simulated wall clocks: virtual time plus a skew that the fault injector moves
// within ±maxOffset/2, so any two nodes disagree by at most maxOffset (the bound the
// range lease and the HLC rely on). Implements storage's Clock for the cluster-level sim.

import type { Clock } from '../../../storage/base/index.js';
import { assert } from '../../../storage/base/index.js';
import type { Scheduler } from './scheduler.js';
import type { SimRng } from './rng.js';

/** Virtual time 0 maps to this wall time (2025-01-01T00:00:00Z), so timestamps look real. */
const EPOCH_NANOS = 1_735_689_600_000_000_000n;

export class SimClock implements Clock {
  private skewNanos = 0;

  constructor(
    private readonly sched: Scheduler,
    /** The cluster's configured maximum offset between any two clocks. */
    readonly maxOffsetNanos: number,
  ) {
    assert(maxOffsetNanos >= 0, 'SimClock: negative max offset');
  }

  now(): bigint {
    return EPOCH_NANOS + BigInt(this.sched.now) * 1000n + BigInt(this.skewNanos);
  }

  get skew(): number {
    return this.skewNanos;
  }

  /** Sets the skew; asserts it stays within ±maxOffset/2 (a jump backwards is allowed). */
  setSkew(nanos: number): void {
    assert(Math.abs(nanos) * 2 <= this.maxOffsetNanos, `SimClock: skew ${nanos} beyond max offset ${this.maxOffsetNanos}`);
    this.skewNanos = Math.trunc(nanos);
  }

  /** A random skew within bounds. */
  jitter(rng: SimRng): void {
    const half = Math.floor(this.maxOffsetNanos / 2);
    this.setSkew(half === 0 ? 0 : rng.range(-half, half));
  }
}
