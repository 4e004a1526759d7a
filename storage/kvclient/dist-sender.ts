// DistSender: routes a BatchRequest to the range that holds its keys, using a cache of range
// descriptors, and sends it through the Transport to the replica's node. With one range
// every batch goes to range 1, but through the same lookup that many ranges will use;
// a rangeKeyMismatch reply refreshes the cache and retries.

import type { BatchRequest, BatchResponse, Request } from '../api/batch.js';
import type { RangeDescriptor } from '../api/range.js';
import { rangeContainsKey } from '../api/range.js';
import type { Transport } from '../api/transport.js';
import { assert } from '../base/assert.js';

const MISMATCH_RETRIES_MAX = 3;

export class DistSender {
  private cache: readonly RangeDescriptor[] = [];

  constructor(
    private readonly transport: Transport,
    /** The node asked for descriptors (the gateway itself for now). */
    private readonly nodeId: number,
  ) {}

  async init(): Promise<void> {
    this.cache = await this.transport.rangeDescriptors(this.nodeId);
    assert(this.cache.length > 0, 'dist sender: no ranges');
  }

  /** Sends `requests` under `header` (whose rangeId is filled in here). */
  async send(header: Omit<BatchRequest['header'], 'rangeId'>, requests: readonly Request[]): Promise<BatchResponse> {
    for (let attempt = 0; ; attempt++) {
      const desc = this.rangeFor(requests);
      const replica = desc.replicas[0]!;
      const resp = await this.transport.send(replica.nodeId, { header: { ...header, rangeId: desc.rangeId }, requests });
      if (resp.ok || resp.error.kind !== 'rangeKeyMismatch' || attempt >= MISMATCH_RETRIES_MAX) return resp;
      await this.init();
    }
  }

  private rangeFor(requests: readonly Request[]): RangeDescriptor {
    let key: Buffer | null = null;
    for (const r of requests) {
      if (r.kind === 'endTxn') {
        if (r.lockSpans.length > 0) key = r.lockSpans[0]!.key;
      } else key = r.key;
      if (key) break;
    }
    if (key === null) return this.cache[0]!;
    const desc = this.cache.find((d) => rangeContainsKey(d, key));
    assert(desc !== undefined, 'dist sender: no range for key');
    // Batches spanning ranges are split here once there are several ranges.
    assert(this.cache.length === 1, 'dist sender: multi-range batches not implemented');
    return desc;
  }
}
