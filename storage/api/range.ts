// Range descriptors: which contiguous key span a range covers and where its replicas live.
// Stored by the store (range-local key) and cached by kvclient's DistSender.

export interface ReplicaDescriptor {
  readonly nodeId: number;
  readonly storeId: number;
  readonly replicaId: number;
}

export interface RangeDescriptor {
  readonly rangeId: number;
  /** Inclusive start key. */
  readonly startKey: Buffer;
  /** Exclusive end key. */
  readonly endKey: Buffer;
  readonly replicas: readonly ReplicaDescriptor[];
  /** Bumped by every split, merge and membership change. */
  readonly generation: number;
}

/** Approximate statistics of a range's data, maintained with every write (see range/stats.ts). */
export interface RangeStats {
  /** Keys whose newest committed version is a value (not a deletion). */
  readonly liveCount: number;
  /** Bytes of those keys and values. */
  readonly liveBytes: number;
}

export function rangeContainsKey(d: RangeDescriptor, key: Buffer): boolean {
  return Buffer.compare(key, d.startKey) >= 0 && Buffer.compare(key, d.endKey) < 0;
}

export function encodeRangeDescriptor(d: RangeDescriptor): Buffer {
  return Buffer.from(
    JSON.stringify({ ...d, startKey: d.startKey.toString('hex'), endKey: d.endKey.toString('hex') }),
  );
}

export function decodeRangeDescriptor(b: Buffer): RangeDescriptor {
  const o = JSON.parse(b.toString()) as Omit<RangeDescriptor, 'startKey' | 'endKey'> & { startKey: string; endKey: string };
  return { ...o, startKey: Buffer.from(o.startKey, 'hex'), endKey: Buffer.from(o.endKey, 'hex') };
}
