// ReadIndex bookkeeping (etcd's read_only.go). In 'safe' mode the leader records the commit
// index when a read arrives, piggybacks the read's context on a heartbeat round and answers
// once a quorum acknowledged that heartbeat (it is still the leader). In 'leaseBased' mode it
// answers at once, relying on CheckQuorum's lease (clock-drift sensitive). Owned by raft.ts.

import { assert } from '../base/assert.js';
import type { Message, PeerId } from './types.js';

export type ReadOnlyOption = 'safe' | 'leaseBased';

/** Read requests pending a heartbeat quorum at most (each waits one heartbeat round). */
export const PENDING_READ_INDEX_MAX = 4096;

export interface ReadIndexStatus {
  readonly req: Message;
  readonly index: number;
  readonly acks: Map<PeerId, boolean>;
}

function keyOf(ctx: Buffer): string {
  return ctx.toString('latin1');
}

export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  constructor(readonly option: ReadOnlyOption) {}

  /** Queues a read: `index` is the commit index when it arrived, m carries its context. */
  addRequest(index: number, m: Message): boolean {
    assert(m.context !== null, 'read index request without context');
    const key = keyOf(m.context);
    if (this.pending.has(key)) return true; // a duplicate of a pending read
    if (this.queue.length >= PENDING_READ_INDEX_MAX) return false;
    this.pending.set(key, { req: m, index, acks: new Map() });
    this.queue.push(key);
    return true;
  }

  /** Records a heartbeat acknowledgement carrying ctx; returns that read's acks so far. */
  recvAck(id: PeerId, ctx: Buffer): ReadonlyMap<PeerId, boolean> | null {
    const rs = this.pending.get(keyOf(ctx));
    if (rs === undefined) return null;
    rs.acks.set(id, true);
    return rs.acks;
  }

  /**
   * The read with context ctx is confirmed: it and every read queued before it (their
   * heartbeats went out no later) are released, in order.
   */
  advance(ctx: Buffer): ReadIndexStatus[] {
    const key = keyOf(ctx);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const released: ReadIndexStatus[] = [];
    for (let i = 0; i <= at; i++) {
      const k = this.queue[i]!;
      const rs = this.pending.get(k);
      assert(rs !== undefined, 'cannot find corresponding read state from pending map');
      released.push(rs);
      this.pending.delete(k);
    }
    this.queue = this.queue.slice(at + 1);
    return released;
  }

  /** The context of the newest pending read (heartbeats carry it), or null. */
  lastPendingRequestCtx(): Buffer | null {
    if (this.queue.length === 0) return null;
    return this.pending.get(this.queue[this.queue.length - 1]!)!.req.context;
  }

  pendingCount(): number {
    return this.queue.length;
  }
}
