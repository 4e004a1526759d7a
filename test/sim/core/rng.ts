// The simulator's seeded randomness: every random choice of a run (delays, drops, faults,
// client workload, election timeouts) comes from one SimRng tree rooted at the run's seed,
// so a run is a pure function of its seed. Built on storage/base's seededRng (xorshift128+);
// each component takes a fork so adding draws in one does not shift the others.

import type { Rng } from '../../../storage/base/index.js';
import { assert, seededRng } from '../../../storage/base/index.js';

/** splitmix32: spreads neighbouring seeds (1, 2, 3…) into unrelated generator states. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export class SimRng implements Rng {
  private readonly base: Rng;
  private forks = 0;

  constructor(readonly seed: number) {
    assert(Number.isInteger(seed) && seed >= 0, `SimRng: seed must be a non-negative integer, got ${seed}`);
    this.base = seededRng(mix32(seed));
  }

  /** A float in [0, 1). */
  next(): number {
    return this.base.next();
  }

  fill(out: Buffer): Buffer {
    return this.base.fill(out);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    assert(n > 0 && Number.isInteger(n), `SimRng.int: bad bound ${n}`);
    return Math.floor(this.base.next() * n);
  }

  /** An integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    assert(hi >= lo, `SimRng.range: ${lo} > ${hi}`);
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return p > 0 && this.base.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'SimRng.pick: empty');
    return items[this.int(items.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  /** An independent stream derived from this one's seed and a fork counter (not from draws). */
  fork(): SimRng {
    this.forks++;
    return new SimRng(mix32(this.seed ^ Math.imul(this.forks, 0x27d4eb2d)) >>> 1);
  }
}
