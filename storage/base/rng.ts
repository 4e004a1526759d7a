// Randomness as storage sees it: an injected source (deadlock victims, txn ids, jitter), so a
// seeded simulator replays runs exactly. src/ may use cryptoRng; tests use seededRng.

import { randomFillSync } from 'node:crypto';

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** Fills `out` with random bytes and returns it. */
  fill(out: Buffer): Buffer;
}

/** Deterministic xorshift128+ generator for tests and the simulator. */
export function seededRng(seed: number): Rng {
  let s0 = (seed >>> 0) ^ 0x9e3779b9;
  let s1 = (Math.imul(seed, 0x85ebca6b) >>> 0) ^ 0xc2b2ae35;
  const step = (): number => {
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    s1 = x >>> 0;
    return ((s0 + s1) >>> 0) / 4294967296;
  };
  return {
    next: step,
    fill(out: Buffer): Buffer {
      for (let i = 0; i < out.length; i++) out[i] = Math.floor(step() * 256);
      return out;
    },
  };
}

/** Bytes fetched from the OS per refill: one syscall serves hundreds of transaction ids. */
const CRYPTO_POOL_BYTES = 8192;

/** Cryptographic randomness (the default outside tests), served from a refilled pool. */
export const cryptoRng: Rng = (() => {
  const pool = Buffer.allocUnsafe(CRYPTO_POOL_BYTES);
  let pos = CRYPTO_POOL_BYTES;
  const take = (n: number): number => {
    if (pos + n > CRYPTO_POOL_BYTES) {
      randomFillSync(pool);
      pos = 0;
    }
    const at = pos;
    pos += n;
    return at;
  };
  return {
    next: () => pool.readUInt32BE(take(4)) / 4294967296,
    fill: (out) => {
      if (out.length > CRYPTO_POOL_BYTES) return randomFillSync(out);
      const at = take(out.length);
      pool.copy(out, 0, at, at + out.length);
      return out;
    },
  };
})();
