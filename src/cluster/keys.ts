// The cluster's keys in the SYSTEM span (below every SQL table, above meta): the node id
// counter, one node descriptor and one liveness record per node. Node ids are u32 big-endian
// so records sort by id and one scan lists them all. Used by join.ts, node-registry.ts and
// liveness.ts; pure functions.

import { SYSTEM_PREFIX, assert, prefixEnd } from '../../storage/index.js';

/** The last node id handed out (absent: only the bootstrap node, n1, exists). */
export const NODE_ID_GEN_KEY = Buffer.concat([SYSTEM_PREFIX, Buffer.from('node-id-gen')]);
/** /system/nodes/<id> → the node's descriptor (addresses, start time). */
export const NODES_PREFIX = Buffer.concat([SYSTEM_PREFIX, Buffer.from('nodes/')]);
/** /system/liveness/<id> → the node's liveness record (epoch, expiration). */
export const LIVENESS_PREFIX = Buffer.concat([SYSTEM_PREFIX, Buffer.from('liveness/')]);

/** The largest node id: ids are u32 on disk (and 8 bits of a pgwire backend pid are the node's). */
export const NODE_ID_MAX = 0xffff_ffff;

function idKey(prefix: Buffer, nodeId: number): Buffer {
  assert(Number.isInteger(nodeId) && nodeId > 0 && nodeId <= NODE_ID_MAX, `bad node id ${nodeId}`);
  const out = Buffer.allocUnsafe(prefix.length + 4);
  prefix.copy(out, 0);
  out.writeUInt32BE(nodeId, prefix.length);
  return out;
}

function idOf(prefix: Buffer, key: Buffer): number | null {
  if (key.length !== prefix.length + 4 || !key.subarray(0, prefix.length).equals(prefix)) return null;
  return key.readUInt32BE(prefix.length);
}

export function nodeDescriptorKey(nodeId: number): Buffer {
  return idKey(NODES_PREFIX, nodeId);
}

/** The node id of a descriptor key, or null for a key that is not one. */
export function nodeIdOfDescriptorKey(key: Buffer): number | null {
  return idOf(NODES_PREFIX, key);
}

export function livenessKey(nodeId: number): Buffer {
  return idKey(LIVENESS_PREFIX, nodeId);
}

export function nodeIdOfLivenessKey(key: Buffer): number | null {
  return idOf(LIVENESS_PREFIX, key);
}

export const NODES_SPAN = { key: NODES_PREFIX, endKey: prefixEnd(NODES_PREFIX) } as const;
export const LIVENESS_SPAN = { key: LIVENESS_PREFIX, endKey: prefixEnd(LIVENESS_PREFIX) } as const;
