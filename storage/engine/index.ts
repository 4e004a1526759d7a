// Public face of storage/engine: the Engine contract and its two implementations.
export type { Engine, EngineReader, EngineIterator, EngineSnapshot, IterOptions, WriteBatch, WriteOptions, BatchOp } from './engine.js';
export { OpsBatch } from './engine.js';
export { MemEngine } from './mem.js';
export { RocksEngine } from './rocks.js';
export type { RocksEngineOptions } from './rocks.js';

import type { Engine } from './engine.js';
import { MemEngine } from './mem.js';
import { RocksEngine } from './rocks.js';

export type EngineOptions =
  | {
      readonly engine: 'rocksdb';
      readonly dir: string;
      /** Durable writes in a worker thread so fsync never blocks the event loop (default true). */
      readonly syncWorker?: boolean;
    }
  | { readonly engine: 'memory' };

export async function openEngine(opts: EngineOptions): Promise<Engine> {
  if (opts.engine === 'memory') return new MemEngine();
  return RocksEngine.open(opts.dir, opts.syncWorker === undefined ? {} : { syncWorker: opts.syncWorker });
}
export { IndexedBatch } from './indexed.js';
