// Exponential backoff with a cap, and an abortable sleep: the retry loops of src/cluster
// (join, finding the meta range, the init client) wait through these. Jitter comes from an
// injected random source so tests and the simulator stay deterministic.

export interface BackoffOptions {
  readonly minMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
  /** Fraction of each delay drawn at random (0: none; 0.2: ±20%). */
  readonly jitter: number;
}

export const backoffDefault: BackoffOptions = { minMs: 100, maxMs: 3_000, multiplier: 2, jitter: 0.2 };

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly opts: BackoffOptions = backoffDefault,
    private readonly random: () => number = Math.random,
  ) {
    if (!(opts.minMs > 0 && opts.maxMs >= opts.minMs && opts.multiplier >= 1 && opts.jitter >= 0 && opts.jitter < 1)) {
      throw new Error(`bad backoff options ${JSON.stringify(opts)}`);
    }
  }

  /** The next delay in ms: min, min·m, min·m², … capped at max, each with its jitter. */
  next(): number {
    const base = Math.min(this.opts.maxMs, this.opts.minMs * this.opts.multiplier ** this.attempt);
    this.attempt++;
    const spread = base * this.opts.jitter * (2 * this.random() - 1);
    return Math.max(1, Math.round(base + spread));
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Raised by sleep (and the loops using it) when the node is asked to stop while waiting. */
export class AbortedError extends Error {
  constructor(what = 'aborted') {
    super(what);
    this.name = 'AbortedError';
  }
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Real-time sleep; rejects with AbortedError as soon as `signal` aborts. The timer keeps the
 * process alive (a CLI retrying `init` has nothing else pending).
 */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) return reject(new AbortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
