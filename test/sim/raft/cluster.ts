// The Raft-level simulation: N Raft nodes (plus spares that join later), clients running a
// register workload, a fault injector and a membership controller on one seeded scheduler.
// A run has a fault phase (faults, membership changes, leader transfers, client load), then
// a liveness phase (everything healed: a leader must emerge, a probe write must complete
// and every member must converge), then the checks: the invariants of invariants.ts, a
// linearizability check of the client history, liveness. runRaftSim(opts) is a pure
// function of opts (the seed above all). Used by run.ts and sim.test.ts.

import type { ConfChange, ConfState } from '../../../storage/raft/index.js';
import { bootstrapConfState } from '../../../storage/raft/index.js';
import { AssertionError } from '../../../storage/base/index.js';
import { setBuggify } from '../core/buggify.js';
import { SimClock } from '../core/clock.js';
import type { FaultTarget } from '../core/faults.js';
import { FAULT_PROFILES, FaultInjector } from '../core/faults.js';
import type { HistoryOp, RegisterInput, RegisterOutput } from '../core/linearizability.js';
import { checkRegisterHistory } from '../core/linearizability.js';
import { CALM_NET, SimNetwork } from '../core/network.js';
import { SimRng } from '../core/rng.js';
import { Scheduler } from '../core/scheduler.js';
import { Trace } from '../core/trace.js';
import type { ClientConfig, ClientHost, ClientRequest } from './client.js';
import { SimClient } from './client.js';
import { RaftInvariants } from './invariants.js';
import type { NodeBug, NodeConfig, SimMsg } from './node.js';
import { SimRaftNode } from './node.js';

export interface RaftSimOptions {
  readonly seed: number;
  /** Founding voters (3 or 5). */
  readonly nodes: number;
  /** Spare nodes the membership controller may add. */
  readonly spares: number;
  readonly profile: string;
  /** Length of the fault phase in Raft ticks. */
  readonly steps: number;
  readonly clients: number;
  readonly membership: boolean;
  readonly bug: NodeBug;
  /** Index of the founders' bootstrap snapshot: 1, or 0 to reproduce raft-bugs.md #1. */
  readonly bootstrapIndex: number;
  /** ReadIndex by CheckQuorum lease instead of a heartbeat round (clock-drift sensitive). */
  readonly leaseReads: boolean;
  /** Receives every trace line (verbose replay); the trace hash is computed either way when tracing. */
  readonly traceSink: ((line: string) => void) | null;
  readonly trace: boolean;
}

export const DEFAULT_OPTIONS: Omit<RaftSimOptions, 'seed'> = {
  nodes: 3,
  spares: 2,
  profile: 'chaos',
  steps: 400,
  clients: 4,
  membership: true,
  bug: 'none',
  bootstrapIndex: 1,
  leaseReads: false,
  traceSink: null,
  trace: false,
};

export interface RaftSimResult {
  readonly seed: number;
  readonly profile: string;
  readonly ok: boolean;
  readonly failures: readonly string[];
  readonly traceHash: string;
  readonly stats: {
    readonly events: number;
    readonly virtualMs: number;
    readonly opsCompleted: number;
    readonly opsUnknown: number;
    readonly leaders: number;
    readonly committed: number;
    readonly faults: number;
    readonly crashes: number;
    readonly confChanges: number;
    readonly messages: number;
  };
}

const TICK_US = 10_000;
/** After the fault phase: a write must complete and members converge within this much virtual time. */
const LIVENESS_BOUND_US = 10_000_000;
/** Extra time after the probe write for every member to apply everything. */
const CONVERGE_US = 3_000_000;
/** Scheduler events per run at most (a guard against a run that never settles). */
const EVENTS_MAX = 5_000_000;
const CLIENT_ID_BASE = 1000;
const MAX_CLOCK_OFFSET_NANOS = 500_000_000;

const NODE_CONFIG: NodeConfig = {
  tickUs: TICK_US,
  electionTicks: 10,
  heartbeatTicks: 1,
  syncUsMin: 100,
  syncUsMax: 3_000,
  snapshotEveryEntries: 40,
  compactKeepEntries: 10,
  msgBytesMax: 4096,
  inflightMsgsMax: 16,
  inflightBytesMax: 0,
  uncommittedBytesMax: 0,
  readOnlyOption: 'safe',
  bug: 'none',
  bootstrapIndex: 1,
  snapshotOnDemand: true,
};

const CLIENT_CONFIG: ClientConfig = {
  keys: 4,
  requestTimeoutUs: 300_000,
  opDeadlineUs: 2_000_000,
  thinkUsMax: 50_000,
  readP: 0.4,
  casP: 0.2,
  readIndexP: 0.6,
};

/** Per-run Raft settings drawn from the seed, so flow control and timing corners get covered. */
function nodeConfigFor(rng: SimRng, opts: RaftSimOptions): NodeConfig {
  return {
    ...NODE_CONFIG,
    electionTicks: rng.pick([5, 10, 10, 20]),
    heartbeatTicks: rng.pick([1, 1, 2]),
    msgBytesMax: rng.pick([200, 4096, 1 << 20]),
    inflightMsgsMax: rng.pick([1, 4, 16, 256]),
    inflightBytesMax: rng.pick([0, 0, 1024]),
    uncommittedBytesMax: rng.pick([0, 0, 2048]),
    snapshotEveryEntries: rng.pick([10, 40, 200]),
    compactKeepEntries: rng.pick([0, 10, 50]),
    readOnlyOption: opts.leaseReads ? 'leaseBased' : 'safe',
    bug: opts.bug,
    bootstrapIndex: opts.bootstrapIndex,
  };
}

class RaftCluster {
  readonly sched = new Scheduler();
  readonly trace: Trace | null;
  readonly log: ((text: string) => void) | null;
  readonly rng: SimRng;
  readonly net: SimNetwork<SimMsg>;
  readonly inv: RaftInvariants;
  readonly nodes = new Map<number, SimRaftNode>();
  readonly clocks = new Map<number, SimClock>();
  readonly clients: SimClient[] = [];
  readonly history: HistoryOp<RegisterInput, RegisterOutput>[] = [];
  readonly faults: FaultInjector<SimMsg>;
  confChanges = 0;
  /** Nodes booted to join but not yet in the configuration, with the time of the last add. */
  private readonly joining = new Map<number, number>();

  constructor(readonly opts: RaftSimOptions) {
    this.trace = opts.trace || opts.traceSink !== null ? new Trace(opts.traceSink) : null;
    this.log = this.trace === null ? null : (text) => this.trace!.log(this.sched.now, text);
    this.rng = new SimRng(opts.seed);
    const profile = FAULT_PROFILES[opts.profile];
    if (profile === undefined) throw new Error(`unknown fault profile ${opts.profile}`);
    this.net = new SimNetwork<SimMsg>(this.sched, this.rng.fork(), profile.net, this.log);
    this.net.onDeliver((from, to, msg) => this.deliver(from, to, msg));
    this.inv = new RaftInvariants(() => this.sched.now);
    const cfg = nodeConfigFor(this.rng.fork(), opts);
    this.log?.(`node config ${JSON.stringify(cfg)}`);
    const host = {
      sched: this.sched,
      inv: this.inv,
      send: (f: number, t: number, m: SimMsg) => this.net.send(f, t, m),
      reachable: (t: number) => this.net.isUp(t),
      log: this.log,
    };
    for (let id = 1; id <= opts.nodes + opts.spares; id++) {
      this.nodes.set(id, new SimRaftNode(id, host, this.rng.fork(), cfg));
      this.clocks.set(id, new SimClock(this.sched, MAX_CLOCK_OFFSET_NANOS));
      this.net.setUp(id, false);
    }
    this.faults = new FaultInjector(this.sched, this.rng.fork(), this.net, this.faultTarget(), profile, this.log);
    const clientHost: ClientHost = {
      targets: () => this.members(),
      send: (client: number, node: number, req: ClientRequest) => this.net.send(client, node, { kind: 'req', req }),
    };
    for (let i = 0; i < opts.clients + 1; i++) {
      const id = CLIENT_ID_BASE + i;
      this.clients.push(new SimClient(id, this.sched, this.rng.fork(), CLIENT_CONFIG, clientHost, this.history, this.log));
    }
  }

  private deliver(from: number, to: number, msg: SimMsg): void {
    if (to >= CLIENT_ID_BASE) {
      if (msg.kind === 'resp') this.clients[to - CLIENT_ID_BASE]!.receive(msg.resp);
      return;
    }
    this.nodes.get(to)!.receive(from, msg);
  }

  /** Booted and not removed: the nodes clients and faults may address. */
  members(): number[] {
    const out: number[] = [];
    for (const n of this.nodes.values()) if (n.raw !== null || (!n.up && n.crashes > 0)) if (!n.removed) out.push(n.id);
    return out;
  }

  /** The up node that believes it leads the highest term. */
  leader(): SimRaftNode | null {
    let best: SimRaftNode | null = null;
    let bestTerm = -1;
    for (const n of this.nodes.values()) {
      if (!n.up) continue;
      const st = n.raw!.status();
      if (st.role === 'leader' && st.term > bestTerm) {
        best = n;
        bestTerm = st.term;
      }
    }
    return best;
  }

  private faultTarget(): FaultTarget {
    return {
      nodes: () => this.members(),
      isUp: (id) => this.nodes.get(id)!.up,
      crash: (id) => this.crash(id),
      restart: (id) => this.restart(id),
      leader: () => this.leader()?.id ?? null,
      skewClock: (id) => {
        this.clocks.get(id)!.jitter(this.rng);
        this.log?.(`clock skew node ${id} = ${this.clocks.get(id)!.skew}ns`);
      },
    };
  }

  crash(id: number): void {
    const n = this.nodes.get(id)!;
    if (!n.up || n.removed) return;
    n.crash();
    this.net.setUp(id, false);
  }

  restart(id: number): void {
    const n = this.nodes.get(id)!;
    if (n.up || n.removed) return;
    this.net.setUp(id, true);
    n.restart();
  }

  boot(): void {
    const voters = Array.from({ length: this.opts.nodes }, (_, i) => i + 1);
    for (const id of voters) {
      this.net.setUp(id, true);
      this.nodes.get(id)!.boot(bootstrapConfState(voters));
    }
  }

  // ---- membership controller ----

  startMembership(endUs: number): void {
    const rng = this.rng.fork();
    const next = (): void => {
      if (this.sched.now >= endUs) return;
      this.membershipStep(rng);
      this.sched.after(rng.range(200_000, 1_200_000), next);
    };
    this.sched.after(rng.range(300_000, 1_000_000), next);
  }

  private membershipStep(rng: SimRng): void {
    const leader = this.leader();
    if (leader === null) return;
    const cs = leader.raw!.status().confState;
    this.stopRemoved(cs);
    if (cs.votersOutgoing.length > 0) return; // in a joint configuration: wait for the auto-leave
    const inConf = (id: number) => cs.voters.includes(id) || cs.learners.includes(id);
    for (const id of [...this.joining.keys()]) if (inConf(id)) this.joining.delete(id);
    const spares = [...this.nodes.values()].filter((n) => n.raw === null && !n.removed && n.crashes === 0);
    const learners = cs.learners.filter((id) => this.nodes.get(id)!.up);
    const choices: Array<() => void> = [];
    if (spares.length > 0 && this.joining.size === 0) {
      choices.push(() => {
        const n = spares[0]!;
        this.net.setUp(n.id, true);
        n.boot(null);
        this.joining.set(n.id, this.sched.now);
        this.propose(leader, { transition: 'auto', changes: [{ type: 'addLearner', peerId: n.id }], context: Buffer.alloc(0) });
      });
    }
    for (const [id, at] of this.joining) {
      if (this.sched.now - at > 2_000_000) choices.push(() => this.propose(leader, { transition: 'auto', changes: [{ type: 'addLearner', peerId: id }], context: Buffer.alloc(0) }));
    }
    if (learners.length > 0) choices.push(() => this.propose(leader, { transition: 'auto', changes: [{ type: 'addVoter', peerId: rng.pick(learners) }], context: Buffer.alloc(0) }));
    if (cs.voters.length > 3) {
      const victim = rng.pick(cs.voters);
      choices.push(() => this.propose(leader, { transition: 'auto', changes: [{ type: 'removeNode', peerId: victim }], context: Buffer.alloc(0) }));
      if (learners.length > 0) {
        const promote = rng.pick(learners);
        choices.push(() =>
          this.propose(leader, {
            transition: 'jointImplicit',
            changes: [
              { type: 'addVoter', peerId: promote },
              { type: 'removeNode', peerId: victim },
            ],
            context: Buffer.alloc(0),
          }),
        );
      }
    }
    const others = cs.voters.filter((v) => v !== leader.id);
    if (others.length > 0) {
      choices.push(() => {
        const to = rng.pick(others);
        this.log?.(`controller: transfer leadership ${leader.id} → ${to}`);
        leader.raw!.transferLeader(to);
        leader.kick();
      });
    }
    if (choices.length > 0) rng.pick(choices)();
  }

  private propose(leader: SimRaftNode, cc: ConfChange): void {
    this.log?.(`controller: propose ${cc.transition} ${JSON.stringify(cc.changes)} at leader ${leader.id}`);
    this.confChanges++;
    try {
      leader.raw!.proposeConfChange(cc);
      leader.kick();
    } catch (err) {
      this.log?.(`controller: dropped (${(err as Error).message})`);
    }
  }

  /** Stops nodes the configuration no longer has (never re-added: ids are not reused). */
  private stopRemoved(cs: ConfState): void {
    const all = new Set([...cs.voters, ...cs.learners, ...cs.votersOutgoing, ...cs.learnersNext]);
    for (const n of this.nodes.values()) {
      if (n.removed || all.has(n.id) || this.joining.has(n.id)) continue;
      if (n.raw === null && n.crashes === 0) continue; // a spare not yet booted
      this.log?.(`controller: node ${n.id} left the configuration; stopping it`);
      if (n.up) this.crash(n.id);
      n.stop();
      this.net.setUp(n.id, false);
    }
  }
}

function describeError(err: unknown): string {
  if (err instanceof AssertionError) return `assertion: ${err.message}`;
  if (err instanceof Error) return `exception: ${err.name}: ${err.message} @ ${(err.stack ?? '').split('\n')[1]?.trim() ?? ''}`;
  return `exception: ${String(err)}`;
}

/** Runs one seeded simulation and checks every invariant. */
export function runRaftSim(opts: RaftSimOptions): RaftSimResult {
  const c = new RaftCluster(opts);
  setBuggify(c.rng.fork());
  const failures: string[] = [];
  try {
    runPhases(c, failures);
  } catch (err) {
    failures.push(describeError(err));
  } finally {
    setBuggify(null);
  }
  failures.unshift(...c.inv.failures);
  if (failures.length === 0) {
    const lin = checkRegisterHistory(c.history);
    if (lin.kind === 'violation') failures.push(`linearizability: history of key ${lin.partition} (${lin.ops} ops) is not linearizable`);
    if (lin.kind === 'budget') failures.push(`linearizability: checker budget exhausted on key ${lin.partition} (${lin.ops} ops)`);
  }
  let opsCompleted = 0;
  let opsUnknown = 0;
  for (const cl of c.clients) {
    opsCompleted += cl.completed;
    opsUnknown += cl.gaveUp;
  }
  let crashes = 0;
  for (const n of c.nodes.values()) crashes += n.crashes;
  return {
    seed: opts.seed,
    profile: opts.profile,
    ok: failures.length === 0,
    failures,
    traceHash: c.trace?.hash() ?? '',
    stats: {
      events: c.sched.eventsRun,
      virtualMs: Math.round(c.sched.now / 1000),
      opsCompleted,
      opsUnknown,
      leaders: c.inv.leadersElected,
      committed: c.inv.committedMax,
      faults: c.faults.injected,
      crashes,
      confChanges: c.confChanges,
      messages: c.net.stats.sent,
    },
  };
}

function runPhases(c: RaftCluster, failures: string[]): void {
  const s = c.sched;
  const budgetHit = () => s.eventsRun > EVENTS_MAX || !c.inv.ok;
  c.boot();
  const faultEndUs = c.opts.steps * TICK_US;
  c.faults.start(faultEndUs);
  if (c.opts.membership) c.startMembership(faultEndUs);
  const workers = c.clients.slice(0, c.opts.clients);
  for (const cl of workers) cl.start();
  s.runUntil(faultEndUs, budgetHit);
  if (!c.inv.ok) return;
  // Liveness phase: heal everything, stop the workload, then a probe write must complete.
  for (const cl of workers) cl.stop();
  c.faults.heal(CALM_NET);
  const healedUs = s.now;
  const probe = c.clients[c.opts.clients]!;
  probe.stop();
  probe.issue({ kind: 'write', key: 'probe', value: 'after-heal' });
  s.runUntil(healedUs + LIVENESS_BOUND_US, () => budgetHit() || (probe.idle && workers.every((w) => w.idle)));
  if (budgetHit()) {
    if (s.eventsRun > EVENTS_MAX) failures.push(`budget: more than ${EVENTS_MAX} events`);
    return;
  }
  if (probe.completed !== 1) {
    failures.push(`liveness: no write completed within ${LIVENESS_BOUND_US / 1000}ms of virtual time after the network healed (leader: ${c.leader()?.id ?? 'none'})`);
    return;
  }
  c.log?.(`liveness: probe write completed ${((s.now - healedUs) / 1000).toFixed(1)}ms after heal`);
  s.runUntil(s.now + CONVERGE_US, budgetHit);
  const leader = c.leader();
  if (leader === null) {
    failures.push(`liveness: no leader ${CONVERGE_US / 1000}ms after the probe write`);
    return;
  }
  // Every node of the final configuration must be up and have applied everything.
  const cs = leader.raw!.status().confState;
  const members = [...cs.voters, ...cs.learners].map((id) => c.nodes.get(id)!);
  const maxApplied = Math.max(...members.map((n) => n.applied));
  for (const n of members) {
    if (!n.up) failures.push(`liveness: member ${n.id} is down after heal`);
    else if (n.applied < maxApplied) failures.push(`liveness: member ${n.id} applied ${n.applied} < ${maxApplied} ${CONVERGE_US / 1000}ms after the probe write`);
    else c.inv.matchCommitted(n.id, n.logView(), n.raw!.status().commit, 'final log matching');
  }
}
