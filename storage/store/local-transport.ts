// In-process Transport: delivers batches straight to the stores of this process (a single
// node, tests). src/rpc implements the same interface over gRPC.

import type { BatchRequest, BatchResponse } from '../api/batch.js';
import type { RangeDescriptor } from '../api/range.js';
import type { Transport } from '../api/transport.js';
import type { Store } from './store.js';

export class LocalTransport implements Transport {
  constructor(private readonly stores: ReadonlyMap<number, Store>) {}

  send(nodeId: number, ba: BatchRequest): Promise<BatchResponse> {
    const store = this.stores.get(nodeId);
    if (!store) return Promise.resolve({ ok: false, error: { kind: 'kv', code: 'Unavailable', message: `no node ${nodeId}`, index: -1 } });
    return store.send(ba);
  }

  async rangeDescriptors(nodeId: number): Promise<readonly RangeDescriptor[]> {
    return this.stores.get(nodeId)?.descriptors() ?? [];
  }
}
