// Hybrid logical clock (Kulkarni et al.; CockroachDB's hlc.Clock): timestamps that follow
// wall time, never go backwards, and move past every timestamp this node has seen. The
// store and kvclient call now() for transaction timestamps and update() on remote ones.

import type { Timestamp } from '../api/index.js';
import type { Clock } from '../base/clock.js';
import { LOGICAL_MAX } from './timestamp.js';

export class ClockOffsetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClockOffsetError';
  }
}

export class Hlc {
  private wallNanos = 0n;
  private logical = 0;

  /**
   * @param clock physical clock source
   * @param maxOffsetNanos the maximum tolerated offset between node clocks; a remote
   *   timestamp further ahead than this is rejected (0 disables the check).
   */
  constructor(
    private readonly clock: Clock,
    readonly maxOffsetNanos = 500_000_000n,
  ) {}

  now(): Timestamp {
    const phys = this.clock.now();
    if (phys > this.wallNanos) {
      this.wallNanos = phys;
      this.logical = 0;
    } else {
      this.bumpLogical();
    }
    return { wallNanos: this.wallNanos, logical: this.logical };
  }

  /** The latest timestamp handed out or seen, without advancing. */
  last(): Timestamp {
    return { wallNanos: this.wallNanos, logical: this.logical };
  }

  /**
   * Moves the clock past a timestamp received from elsewhere. Throws ClockOffsetError when
   * the remote time is more than maxOffset ahead of our physical clock.
   */
  update(remote: Timestamp): void {
    const phys = this.clock.now();
    if (this.maxOffsetNanos > 0n && remote.wallNanos - phys > this.maxOffsetNanos) {
      throw new ClockOffsetError(`remote wall time ${remote.wallNanos} is ahead of local ${phys} by more than ${this.maxOffsetNanos}ns`);
    }
    if (remote.wallNanos > this.wallNanos) {
      this.wallNanos = remote.wallNanos;
      this.logical = remote.logical;
    } else if (remote.wallNanos === this.wallNanos && remote.logical > this.logical) {
      this.logical = remote.logical;
    }
  }

  private bumpLogical(): void {
    if (this.logical < LOGICAL_MAX) this.logical++;
    else {
      this.wallNanos += 1n;
      this.logical = 0;
    }
  }
}
