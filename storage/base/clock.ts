// Time as storage sees it: an injected wall clock. src/ implements it over the real clock
// (systemClock below is the default for tools and tests); the simulator supplies a fake.
// Only hlc/ and timers in the store read it; nothing in storage calls Date.now() directly.

export interface Clock {
  /** Wall time in nanoseconds since the Unix epoch. Need not be monotonic; the HLC makes it so. */
  now(): bigint;
}

/** A manually driven clock for tests and the simulator. */
export class ManualClock implements Clock {
  constructor(private nanos: bigint = 1_000_000_000n) {}
  now(): bigint {
    return this.nanos;
  }
  set(nanos: bigint): void {
    this.nanos = nanos;
  }
  advance(nanos: bigint): void {
    this.nanos += nanos;
  }
}

/**
 * The real wall clock, the default when no Clock is injected (tools, sql tests). The one
 * place storage reads real time; src/ and the simulator pass their own clocks.
 * Millisecond Date.now() refined with performance.now() for sub-millisecond resolution.
 */
export const systemClock: Clock = (() => {
  const originNanos = BigInt(Date.now()) * 1_000_000n;
  const originPerf = performance.now();
  return {
    now(): bigint {
      return originNanos + BigInt(Math.floor((performance.now() - originPerf) * 1e6));
    },
  };
})();
