// How a node gets its identity. IdentGate holds the one decision per store: the ident read
// from the store at start, or — for a new store — whichever comes first of the `init` RPC
// (this node bootstraps a new cluster: fresh cluster id, node 1, store 1, the first ranges)
// and a successful join (join.ts). initCluster is the client of `shoal init`. The gate is
// pure state (no I/O); src/server/cluster-kv.ts registers it as the init handler.

import type { StoreIdent } from '../../storage/index.js';
import { NodeUnreachableError } from '../rpc/index.js';
import { AbortedError, Backoff, sleep as realSleep, type Sleep } from './backoff.js';
import { CLUSTER_METHOD, parseInitResponse, type InitResponse } from './protocol.js';

/** The node id and store id of the node that bootstraps a cluster. */
export const BOOTSTRAP_NODE_ID = 1;

export type IdentSource = 'store' | 'init' | 'join';

export interface IdentDecision {
  readonly ident: StoreIdent;
  /** True on the node that ran init: it writes the first ranges. */
  readonly bootstrap: boolean;
  readonly source: IdentSource;
}

/** `shoal init` on a node that already belongs to a cluster. */
export class AlreadyInitializedError extends Error {
  constructor(readonly clusterId: string | null) {
    super(`cluster has already been initialized${clusterId === null ? '' : ` (cluster ${clusterId})`}`);
    this.name = 'AlreadyInitializedError';
  }
}

export class IdentGate {
  private current: IdentDecision | null = null;
  private resolveDecided!: (d: IdentDecision) => void;
  /** Resolves once the node has an ident (at once for a store that has one). */
  readonly decided: Promise<IdentDecision>;

  constructor(
    stored: StoreIdent | null,
    private readonly newClusterId: () => string,
  ) {
    this.decided = new Promise((resolve) => (this.resolveDecided = resolve));
    if (stored !== null) this.decide({ ident: stored, bootstrap: false, source: 'store' });
  }

  get ident(): StoreIdent | null {
    return this.current?.ident ?? null;
  }

  /** The init RPC: bootstraps a new cluster on a node without ident; answers alreadyInitialized otherwise. */
  handleInit(): InitResponse {
    if (this.current !== null) return { status: 'alreadyInitialized', clusterId: this.current.ident.clusterId };
    const ident: StoreIdent = { clusterId: this.newClusterId(), nodeId: BOOTSTRAP_NODE_ID, storeId: BOOTSTRAP_NODE_ID };
    this.decide({ ident, bootstrap: true, source: 'init' });
    return { status: 'ok', clusterId: ident.clusterId, nodeId: ident.nodeId };
  }

  /**
   * A join answered with `ident`. Taken unless the node already decided (init won the race;
   * the id the cluster allocated is then simply never used). Returns whether it was taken.
   */
  offerJoin(ident: StoreIdent): boolean {
    if (this.current !== null) return false;
    this.decide({ ident, bootstrap: false, source: 'join' });
    return true;
  }

  private decide(d: IdentDecision): void {
    this.current = d;
    this.resolveDecided(d);
  }
}

export interface InitClientOptions {
  /** How long to keep retrying a node that cannot be reached yet, in ms. */
  readonly waitMs?: number;
  readonly sleep?: Sleep;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

/** Default of InitClientOptions.waitMs: a node being started next to the init call gets this long to listen. */
export const initWaitMsDefault = 15_000;

export type UnaryCall = (addr: string, method: string, req: unknown) => Promise<unknown>;

/**
 * Asks the node at `addr` to bootstrap a new cluster. Resolves with the new cluster id;
 * rejects with AlreadyInitializedError on a node that has an ident, and with the transport's
 * NodeUnreachableError once `waitMs` passed without reaching the node.
 */
export async function initCluster(call: UnaryCall, addr: string, opts: InitClientOptions = {}): Promise<string> {
  const now = opts.now ?? Date.now;
  const deadline = now() + (opts.waitMs ?? initWaitMsDefault);
  const backoff = new Backoff({ minMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0 });
  for (;;) {
    let resp: InitResponse;
    try {
      resp = parseInitResponse(await call(addr, CLUSTER_METHOD.init, {}));
    } catch (e) {
      if (!(e instanceof NodeUnreachableError) || now() >= deadline) throw e;
      await (opts.sleep ?? realSleep)(backoff.next(), opts.signal);
      if (opts.signal?.aborted === true) throw new AbortedError();
      continue;
    }
    if (resp.status === 'alreadyInitialized') throw new AlreadyInitializedError(resp.clusterId);
    return resp.clusterId;
  }
}
