// The simulated network between sim endpoints (Raft nodes, stores, clients): every message
// gets a random delay within bounds (so messages reorder unless the profile asks for
// per-link FIFO), may be dropped or duplicated, is dropped across a partition (symmetric or
// one-way), and is held on a clogged link until it is unclogged (FoundationDB's clogging).
// Endpoints that are down lose what arrives. Driven by the scheduler; faults by faults.ts.

import { assert } from '../../../storage/base/index.js';
import type { SimRng } from './rng.js';
import type { Scheduler, SimTimeUs } from './scheduler.js';

export interface NetProfile {
  readonly delayMinUs: SimTimeUs;
  readonly delayMaxUs: SimTimeUs;
  readonly dropP: number;
  readonly dupP: number;
  /** false: each link delivers in send order (TCP-like); true: independent delays reorder. */
  readonly reorder: boolean;
}

export const CALM_NET: NetProfile = { delayMinUs: 200, delayMaxUs: 2_000, dropP: 0, dupP: 0, reorder: false };

/** Messages held on one clogged link at most; beyond it the oldest are dropped (a full socket buffer). */
const CLOGGED_MSGS_MAX = 10_000;

export interface NetStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  held: number;
}

type Deliver<M> = (from: number, to: number, msg: M) => void;

const linkKey = (from: number, to: number): number => from * 65_536 + to;

export class SimNetwork<M> {
  profile: NetProfile;
  readonly stats: NetStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, held: 0 };
  /** Directed links that drop everything (partitions). */
  private readonly blocked = new Set<number>();
  /** Directed links that hold everything until unclogged. */
  private readonly clogged = new Map<number, Array<{ from: number; to: number; msg: M }>>();
  private readonly down = new Set<number>();
  /** Per-link time of the last scheduled delivery, for FIFO links. */
  private readonly lastDelivery = new Map<number, SimTimeUs>();
  private deliver: Deliver<M> = () => {};

  constructor(
    private readonly sched: Scheduler,
    private readonly rng: SimRng,
    profile: NetProfile,
    private readonly log: ((text: string) => void) | null = null,
  ) {
    this.profile = profile;
  }

  /** Where delivered messages go (set once by the cluster that owns the endpoints). */
  onDeliver(deliver: Deliver<M>): void {
    this.deliver = deliver;
  }

  send(from: number, to: number, msg: M): void {
    assert(from !== to, 'network: message to self');
    this.stats.sent++;
    const key = linkKey(from, to);
    if (this.blocked.has(key) || this.down.has(from) || this.rng.chance(this.profile.dropP)) {
      this.stats.dropped++;
      return;
    }
    const held = this.clogged.get(key);
    if (held !== undefined) {
      if (held.length >= CLOGGED_MSGS_MAX) {
        held.shift();
        this.stats.dropped++;
      }
      held.push({ from, to, msg });
      this.stats.held++;
      return;
    }
    this.schedule(from, to, msg);
    if (this.rng.chance(this.profile.dupP)) {
      this.stats.duplicated++;
      this.schedule(from, to, msg);
    }
  }

  private schedule(from: number, to: number, msg: M): void {
    const p = this.profile;
    let at = this.sched.now + this.rng.range(p.delayMinUs, p.delayMaxUs);
    if (!p.reorder) {
      const key = linkKey(from, to);
      at = Math.max(at, this.lastDelivery.get(key) ?? 0);
      this.lastDelivery.set(key, at);
    }
    this.sched.at(at, () => {
      // A partition or crash that began while the message was in flight also loses it.
      if (this.blocked.has(linkKey(from, to)) || this.down.has(to)) {
        this.stats.dropped++;
        return;
      }
      this.stats.delivered++;
      this.deliver(from, to, msg);
    });
  }

  isUp(node: number): boolean {
    return !this.down.has(node);
  }

  /** A down endpoint sends nothing and loses what arrives (crash); up again on restart. */
  setUp(node: number, up: boolean): void {
    if (up) this.down.delete(node);
    else this.down.add(node);
  }

  /** Cuts a→b for every a in `side`, b in `other`; both ways unless `oneWay`. */
  partition(side: readonly number[], other: readonly number[], oneWay = false): void {
    for (const a of side) {
      for (const b of other) {
        if (a === b) continue;
        this.blocked.add(linkKey(a, b));
        if (!oneWay) this.blocked.add(linkKey(b, a));
      }
    }
    this.log?.(`net partition ${JSON.stringify(side)} ${oneWay ? '-/->' : '<-/->'} ${JSON.stringify(other)}`);
  }

  /** Removes every partition. */
  heal(): void {
    if (this.blocked.size > 0) this.log?.('net heal');
    this.blocked.clear();
  }

  isBlocked(from: number, to: number): boolean {
    return this.blocked.has(linkKey(from, to));
  }

  clog(from: number, to: number): void {
    const key = linkKey(from, to);
    if (this.clogged.has(key)) return;
    this.clogged.set(key, []);
    this.log?.(`net clog ${from}->${to}`);
  }

  /** Releases a clogged link: held messages leave now, each with a fresh delay. */
  unclog(from: number, to: number): void {
    const key = linkKey(from, to);
    const held = this.clogged.get(key);
    if (held === undefined) return;
    this.clogged.delete(key);
    this.log?.(`net unclog ${from}->${to} (${held.length} held)`);
    for (const h of held) {
      if (this.blocked.has(key)) this.stats.dropped++;
      else this.schedule(h.from, h.to, h.msg);
    }
  }

  unclogAll(): void {
    for (const key of [...this.clogged.keys()]) this.unclog(Math.floor(key / 65_536), key % 65_536);
  }

  get cloggedLinks(): number {
    return this.clogged.size;
  }
}
