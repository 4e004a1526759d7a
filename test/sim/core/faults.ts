// The fault injector: during a run's fault phase it draws faults from a profile and applies
// them through the network and a FaultTarget (crash / restart / clock skew), each fault with
// its own random duration; heal() ends them all so the liveness phase starts from a clean
// cluster. Fault kinds: random minority/majority partitions (symmetric or one-way), leader
// isolation, swizzle-clogging (clog a random set of links one by one, unclog in random
// order), crashes with restarts (now and then all nodes at once: power loss), clock skew
// jumps, and a lossy/duplicating/reordering net.

import { assert } from '../../../storage/base/index.js';
import type { NetProfile, SimNetwork } from './network.js';
import type { SimRng } from './rng.js';
import type { Scheduler, SimTimeUs } from './scheduler.js';

export interface FaultTarget {
  /** Endpoints that take part (the node pool, members or not). */
  nodes(): readonly number[];
  isUp(node: number): boolean;
  crash(node: number): void;
  restart(node: number): void;
  /** The node the cluster currently considers leader, if any (for targeted faults). */
  leader(): number | null;
  /** Moves a node's clock to a random skew within the max offset. */
  skewClock(node: number): void;
}

export interface FaultProfile {
  readonly name: string;
  readonly net: NetProfile;
  /** Mean virtual time between two fault draws. */
  readonly faultEveryUs: SimTimeUs;
  readonly partitionP: number;
  readonly clogP: number;
  readonly crashP: number;
  readonly skewP: number;
  /** Nodes down at once at most (a minority keeps the cluster live while faults run). */
  readonly downMax: number;
}

const ms = (n: number): SimTimeUs => n * 1000;

export const FAULT_PROFILES: Readonly<Record<string, FaultProfile>> = {
  calm: { name: 'calm', net: { delayMinUs: 200, delayMaxUs: 3_000, dropP: 0, dupP: 0, reorder: false }, faultEveryUs: ms(1000), partitionP: 0, clogP: 0, crashP: 0, skewP: 0.2, downMax: 0 },
  lossy: { name: 'lossy', net: { delayMinUs: 200, delayMaxUs: 20_000, dropP: 0.05, dupP: 0.03, reorder: true }, faultEveryUs: ms(500), partitionP: 0, clogP: 0, crashP: 0, skewP: 0.2, downMax: 0 },
  partition: { name: 'partition', net: { delayMinUs: 200, delayMaxUs: 5_000, dropP: 0.01, dupP: 0.01, reorder: true }, faultEveryUs: ms(400), partitionP: 0.8, clogP: 0, crashP: 0, skewP: 0.1, downMax: 0 },
  clog: { name: 'clog', net: { delayMinUs: 200, delayMaxUs: 5_000, dropP: 0, dupP: 0.01, reorder: true }, faultEveryUs: ms(400), partitionP: 0, clogP: 0.8, crashP: 0, skewP: 0.1, downMax: 0 },
  crash: { name: 'crash', net: { delayMinUs: 200, delayMaxUs: 5_000, dropP: 0.01, dupP: 0, reorder: false }, faultEveryUs: ms(300), partitionP: 0, clogP: 0, crashP: 0.8, skewP: 0.1, downMax: 2 },
  chaos: { name: 'chaos', net: { delayMinUs: 100, delayMaxUs: 30_000, dropP: 0.03, dupP: 0.03, reorder: true }, faultEveryUs: ms(250), partitionP: 0.3, clogP: 0.2, crashP: 0.3, skewP: 0.1, downMax: 2 },
};

export const PROFILE_NAMES = Object.keys(FAULT_PROFILES);

/** Chance that a crash fault takes every node down at once (FoundationDB's power-loss tests). */
const POWER_LOSS_P = 0.05;

/** Links clogged by one swizzle at most. */
const SWIZZLE_LINKS_MAX = 12;

export class FaultInjector<M> {
  private active = false;
  private faults = 0;
  /** Nodes this injector crashed and has not restarted yet. */
  private readonly crashed = new Set<number>();
  private readonly log: (text: string) => void;

  constructor(
    private readonly sched: Scheduler,
    private readonly rng: SimRng,
    private readonly net: SimNetwork<M>,
    private readonly target: FaultTarget,
    readonly profile: FaultProfile,
    log: ((text: string) => void) | null,
  ) {
    this.log = log ?? (() => {});
  }

  get injected(): number {
    return this.faults;
  }

  /** Starts drawing faults until `endUs`. */
  start(endUs: SimTimeUs): void {
    this.active = true;
    this.net.profile = this.profile.net;
    const next = (): void => {
      if (!this.active || this.sched.now >= endUs) return;
      this.draw(endUs);
      this.sched.after(this.rng.range(this.profile.faultEveryUs / 2, (this.profile.faultEveryUs * 3) / 2), next);
    };
    this.sched.after(this.rng.int(this.profile.faultEveryUs), next);
  }

  private draw(endUs: SimTimeUs): void {
    const p = this.profile;
    const x = this.rng.next();
    const durationUs = Math.min(this.rng.range(ms(50), ms(1500)), Math.max(0, endUs - this.sched.now));
    if (x < p.partitionP) this.partition(durationUs);
    else if (x < p.partitionP + p.clogP) this.swizzle(durationUs);
    else if (x < p.partitionP + p.clogP + p.crashP) this.crash(durationUs);
    else if (x < p.partitionP + p.clogP + p.crashP + p.skewP) this.target.skewClock(this.rng.pick(this.target.nodes()));
    else return;
    this.faults++;
  }

  private partition(durationUs: SimTimeUs): void {
    const nodes = this.rng.shuffle(this.target.nodes());
    const leader = this.target.leader();
    const kind = this.rng.int(3);
    let side: number[];
    if (kind === 0 && leader !== null) side = [leader]; // isolate the leader
    else side = nodes.slice(0, 1 + this.rng.int(Math.max(1, Math.floor(nodes.length / 2)))); // a random minority
    const other = nodes.filter((n) => !side.includes(n));
    this.net.partition(side, other, this.rng.chance(0.3));
    this.sched.after(durationUs, () => this.net.heal());
  }

  /** FoundationDB's swizzle: clog random links one at a time, then unclog them in random order. */
  private swizzle(durationUs: SimTimeUs): void {
    const nodes = this.target.nodes();
    const links: Array<[number, number]> = [];
    for (const a of nodes) for (const b of nodes) if (a !== b) links.push([a, b]);
    const chosen = this.rng.shuffle(links).slice(0, 1 + this.rng.int(Math.min(SWIZZLE_LINKS_MAX, links.length)));
    const stepUs = Math.max(1, Math.floor(durationUs / (2 * chosen.length + 1)));
    chosen.forEach(([a, b], i) => this.sched.after(stepUs * i, () => this.active && this.net.clog(a, b)));
    const order = this.rng.shuffle(chosen);
    order.forEach(([a, b], i) => this.sched.after(stepUs * (chosen.length + i), () => this.net.unclog(a, b)));
  }

  private crash(downUs: SimTimeUs): void {
    const up = this.target.nodes().filter((n) => this.target.isUp(n));
    if (this.rng.chance(POWER_LOSS_P) && this.crashed.size === 0) {
      // Power loss: every node at once; each comes back after its own delay.
      this.log(`fault power loss: nodes ${up.join(',')}`);
      for (const n of up) {
        this.crashed.add(n);
        this.target.crash(n);
        this.sched.after(this.rng.range(Math.floor(downUs / 4), downUs), () => this.restartOne(n));
      }
      return;
    }
    if (this.crashed.size >= this.profile.downMax || up.length === 0) return;
    const node = this.rng.chance(0.3) && this.target.leader() !== null ? this.target.leader()! : this.rng.pick(up);
    if (!this.target.isUp(node)) return;
    this.crashed.add(node);
    this.log(`fault crash node ${node} for ${(downUs / 1000).toFixed(1)}ms`);
    this.target.crash(node);
    this.sched.after(downUs, () => this.restartOne(node));
  }

  private restartOne(node: number): void {
    if (!this.crashed.delete(node)) return;
    this.log(`fault restart node ${node}`);
    this.target.restart(node);
  }

  /** Ends the fault phase: heals partitions, unclogs, restarts crashed nodes, calms the network. */
  heal(calm: NetProfile): void {
    this.active = false;
    this.net.heal();
    this.net.unclogAll();
    for (const n of [...this.crashed]) this.restartOne(n);
    assert(this.crashed.size === 0, 'faults: nodes still down after heal');
    this.net.profile = calm;
    this.log('fault phase over: network healed, all nodes up');
  }
}
