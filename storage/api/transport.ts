// Transport: how kvclient reaches stores. Declared here, implemented by src/rpc (gRPC between
// nodes), by store/local-transport.ts (in process, one node) and by the simulator.

import type { BatchRequest, BatchResponse } from './batch.js';
import type { RangeDescriptor } from './range.js';

export interface Transport {
  /** Sends a batch to the store on `nodeId`. Resolves with the replica's response (errors included). */
  send(nodeId: number, ba: BatchRequest): Promise<BatchResponse>;
  /** The range descriptors a node knows (the range cache's source until the meta range exists). */
  rangeDescriptors(nodeId: number): Promise<readonly RangeDescriptor[]>;
}
