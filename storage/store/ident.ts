// The store ident: which cluster, node and store an engine belongs to. Written once, synced,
// in a store-local (unreplicated) key when the node is initialized (`shoal init`) or joins a
// cluster; read at every start so a restarted node keeps its node id. Called by
// storage/node-db.ts and, through storage/index.ts, by src/server (before the store opens).
//
// Layout (fixed binary, version first): u8 version=1, 16 bytes cluster uuid, u32 node id,
// u32 store id.

import { assert } from '../base/assert.js';
import type { Engine, EngineReader } from '../engine/engine.js';
import { LOCAL_STORE_PREFIX } from '../keys/system.js';

export interface StoreIdent {
  /** The cluster's id, a UUID string (8-4-4-4-12 lowercase hex). */
  readonly clusterId: string;
  readonly nodeId: number;
  readonly storeId: number;
}

/** LOCAL 's' "ident": never replicated, never addressed by a request. */
export const STORE_IDENT_KEY = Buffer.concat([LOCAL_STORE_PREFIX, Buffer.from('ident')]);

const IDENT_VERSION = 1;
const IDENT_BYTES = 1 + 16 + 4 + 4;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Thrown when the stored ident cannot be decoded (a foreign or damaged store). */
export class StoreIdentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreIdentError';
  }
}

export function isClusterId(text: string): boolean {
  return UUID_RE.test(text);
}

function isId(n: number): boolean {
  return Number.isInteger(n) && n > 0 && n <= 0xffff_ffff;
}

export function encodeStoreIdent(ident: StoreIdent): Buffer {
  assert(isClusterId(ident.clusterId), `store ident: bad cluster id "${ident.clusterId}"`);
  assert(isId(ident.nodeId) && isId(ident.storeId), 'store ident: node and store ids are positive u32');
  const out = Buffer.alloc(IDENT_BYTES);
  out[0] = IDENT_VERSION;
  Buffer.from(ident.clusterId.replaceAll('-', ''), 'hex').copy(out, 1);
  out.writeUInt32BE(ident.nodeId, 17);
  out.writeUInt32BE(ident.storeId, 21);
  return out;
}

export function decodeStoreIdent(buf: Buffer): StoreIdent {
  if (buf.length !== IDENT_BYTES || buf[0] !== IDENT_VERSION) {
    throw new StoreIdentError(`store ident: unknown format (version ${buf[0]}, ${buf.length} bytes)`);
  }
  const hex = buf.toString('hex', 1, 17);
  const clusterId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const nodeId = buf.readUInt32BE(17);
  const storeId = buf.readUInt32BE(21);
  if (!isId(nodeId) || !isId(storeId)) throw new StoreIdentError(`store ident: bad ids (node ${nodeId}, store ${storeId})`);
  return { clusterId, nodeId, storeId };
}

/** The engine's ident, or null for a store that never joined a cluster. */
export function readStoreIdent(engine: EngineReader): StoreIdent | null {
  const raw = engine.get(STORE_IDENT_KEY);
  return raw === undefined ? null : decodeStoreIdent(raw);
}

/**
 * Writes the ident, synced. An engine keeps one ident for life: writing a different one
 * over it is a programmer error (a node never changes cluster or id).
 */
export function writeStoreIdent(engine: Engine, ident: StoreIdent): void {
  const existing = readStoreIdent(engine);
  if (existing !== null) {
    assert(
      existing.clusterId === ident.clusterId && existing.nodeId === ident.nodeId && existing.storeId === ident.storeId,
      `store ident: already ${existing.clusterId}/n${existing.nodeId}, not ${ident.clusterId}/n${ident.nodeId}`,
    );
    return;
  }
  const batch = engine.newBatch();
  batch.put(STORE_IDENT_KEY, encodeStoreIdent(ident));
  engine.write(batch, { sync: true });
}
