// Property tests (fast-check) of Raft's safety and liveness over a simulated network of 3–5
// RawNodes: random ticks, proposals, Ready handling, message delivery out of order, drops,
// duplicates, partitions, log compaction and crash/restart from the persisted MemoryStorage.
// Safety is checked after every step; liveness after healing the network.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Entry, Message, PeerId } from '../../../storage/raft/index.js';
import { seededRng } from '../../../storage/base/index.js';
import { Network } from './network.js';

type Action =
  | { t: 'tick'; node: number }
  | { t: 'tickAll' }
  | { t: 'ready'; node: number }
  | { t: 'readyAll' }
  | { t: 'deliverSome'; picks: number[] }
  | { t: 'deliver'; pick: number }
  | { t: 'deliverAll' }
  | { t: 'drop'; pick: number }
  | { t: 'dup'; pick: number }
  | { t: 'propose'; node: number }
  | { t: 'partition'; mask: number }
  | { t: 'heal' }
  | { t: 'restart'; node: number }
  | { t: 'compact'; node: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('tick' as const), node: fc.nat(4) }) },
  { weight: 8, arbitrary: fc.constant({ t: 'tickAll' as const }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('ready' as const), node: fc.nat(4) }) },
  { weight: 10, arbitrary: fc.constant({ t: 'readyAll' as const }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('deliver' as const), pick: fc.nat(1000) }) },
  { weight: 12, arbitrary: fc.record({ t: fc.constant('deliverSome' as const), picks: fc.array(fc.nat(1000), { minLength: 1, maxLength: 12 }) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'deliverAll' as const }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('drop' as const), pick: fc.nat(1000) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('dup' as const), pick: fc.nat(1000) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('propose' as const), node: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('partition' as const), mask: fc.nat(31) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'heal' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const), node: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('compact' as const), node: fc.nat(4) }) },
);

/** The cluster under test plus the invariants' memory. */
class Harness {
  readonly net: Network;
  readonly ids: PeerId[];
  /** The one leader seen in each term. */
  private readonly leaders = new Map<number, PeerId>();
  /** Every committed entry applied anywhere, by index: all replicas must agree. */
  readonly committed = new Map<number, { term: number; data: string }>();
  private proposals = 0;

  constructor(n: number, seed: number, preVote: boolean, checkQuorum: boolean) {
    this.ids = Array.from({ length: n }, (_, i) => i + 1);
    this.net = new Network({ preVote, checkQuorum, electionTicks: 5, heartbeatTicks: 1, inflightMsgsMax: 4, msgBytesMax: 64 });
    for (const id of this.ids) {
      const rng = seededRng(seed * 31 + id);
      this.net.add([id], this.ids, [], { randomInt: (k) => Math.floor(rng.next() * k) });
      this.net.peer(id).onApply = (pid, e) => this.recordApply(pid, e);
    }
  }

  private recordApply(id: PeerId, e: Entry): void {
    const data = e.data.toString('latin1');
    const prev = this.committed.get(e.index);
    if (prev === undefined) this.committed.set(e.index, { term: e.term, data });
    else if (prev.term !== e.term || prev.data !== data) {
      throw new Error(`node ${id} applied ${e.term}/${e.index} "${data}" but ${prev.term}/${e.index} "${prev.data}" was committed`);
    }
  }

  /** At most one leader per term, checked after every step. */
  checkLeaders(): void {
    for (const id of this.ids) {
      const s = this.net.peer(id).raw.status();
      if (s.role !== 'leader') continue;
      const l = this.leaders.get(s.term);
      if (l === undefined) this.leaders.set(s.term, id);
      else if (l !== id) throw new Error(`two leaders in term ${s.term}: ${l} and ${id}`);
    }
  }

  /** Every node's durable log agrees with the committed entries up to its commit index. */
  checkLogs(): void {
    for (const id of this.ids) {
      const p = this.net.peer(id);
      const commit = p.storage.hardStateNow().commit;
      for (let i = p.storage.firstIndex(); i <= Math.min(commit, p.storage.lastIndex()); i++) {
        const c = this.committed.get(i);
        if (c === undefined) continue;
        const e = p.storage.entries(i, i + 1, Infinity)[0]!;
        if (e.term !== c.term || e.data.toString('latin1') !== c.data) throw new Error(`node ${id} holds ${e.term}/${i} at a committed index of term ${c.term}`);
      }
    }
  }

  run(a: Action): void {
    const net = this.net;
    const node = (k: number): PeerId => this.ids[k % this.ids.length]!;
    const pick = (k: number): number => k % net.queue.length;
    switch (a.t) {
      case 'tick':
        net.peer(node(a.node)).raw.tick();
        break;
      case 'tickAll':
        net.tickAll();
        break;
      case 'ready':
        net.peer(node(a.node)).handleReady((m) => net.send(m));
        break;
      case 'deliver':
        if (net.queue.length > 0) this.deliver(net.queue.splice(pick(a.pick), 1)[0]!);
        break;
      case 'deliverAll':
        net.deliverAll();
        break;
      case 'readyAll':
        net.processReadies();
        break;
      case 'deliverSome':
        for (const k of a.picks) if (net.queue.length > 0) this.deliver(net.queue.splice(pick(k), 1)[0]!);
        break;
      case 'drop':
        if (net.queue.length > 0) net.lost(net.queue.splice(pick(a.pick), 1)[0]!);
        break;
      case 'dup':
        if (net.queue.length > 0) net.queue.push(net.queue[pick(a.pick)]!);
        break;
      case 'propose':
        this.propose(node(a.node));
        break;
      case 'partition': {
        const side = this.ids.filter((_, i) => (a.mask >> i) & 1);
        net.heal();
        net.partition(side, this.ids.filter((id) => !side.includes(id)));
        break;
      }
      case 'heal':
        net.heal();
        break;
      case 'restart':
        net.peer(node(a.node)).restart();
        break;
      case 'compact':
        net.peer(node(a.node)).compact();
        break;
    }
    this.checkLeaders();
  }

  private deliver(m: Message): void {
    this.net.deliver(m);
  }

  propose(id: PeerId): boolean {
    try {
      this.net.peer(id).raw.propose(Buffer.from(`p${this.proposals++}`));
      return true;
    } catch {
      return false; // dropped: no leader known
    }
  }

  /** Heals everything and runs the group normally; a leader must emerge and commit. */
  checkLiveness(ticksMax: number): void {
    const net = this.net;
    net.heal();
    net.stabilize();
    let leader: PeerId | null = null;
    for (let t = 0; t < ticksMax && leader === null; t++) {
      net.tickAll();
      net.stabilize();
      this.checkLeaders();
      leader = net.leader();
    }
    expect(leader, 'no leader elected after healing').not.toBeNull();
    // Like a client, re-propose after a while: a proposal to a leader that is deposed before
    // committing it is lost, by design.
    const marker = `final${this.proposals}`;
    for (let t = 0; t < ticksMax; t++) {
      if (t % 30 === 0) {
        const l = net.leader();
        if (l !== null) {
          net.peer(l).raw.propose(Buffer.from(marker));
        }
      }
      net.stabilize();
      if (this.ids.every((id) => net.peer(id).applied.some((x) => x.data === marker))) return;
      net.tickAll();
    }
    const states = this.ids.map((id) => {
      const p = net.peer(id);
      const st = p.raw.status();
      const prs = st.progress === null ? '' : [...st.progress].map(([k, v]) => `${k}:${v.state}/${v.match}/${v.next}`).join(',');
      return `${id}:${st.role} t${st.term} lead${st.lead} commit${st.commit} applied${st.applied} last${p.storage.lastIndex()} first${p.storage.firstIndex()} ${prs}`;
    });
    throw new Error(`proposal ${marker} not applied everywhere within ${ticksMax} ticks: ${states.join(' | ')}`);
  }

  /** Every node applied the same sequence (the longest is an extension of the others). */
  checkSameSequence(): void {
    const seqs = this.ids.map((id) => this.net.peer(id).applied.map((a) => `${a.index}:${a.data}`));
    const longest = seqs.reduce((a, b) => (b.length > a.length ? b : a));
    for (const s of seqs) expect(longest.slice(0, s.length)).toEqual(s);
  }
}

/** RAFT_SEED and RAFT_PATH replay a failing run (fast-check prints both). */
function replay(): { seed?: number; path?: string } {
  const seed = process.env['RAFT_SEED'];
  const path = process.env['RAFT_PATH'];
  return seed === undefined ? {} : { seed: Number(seed), ...(path === undefined ? {} : { path }) };
}

describe('raft properties', () => {
  const config = fc.record({
    n: fc.integer({ min: 3, max: 5 }),
    seed: fc.nat(1_000_000),
    preVote: fc.boolean(),
    checkQuorum: fc.boolean(),
    actions: fc.array(action, { minLength: 300, maxLength: 1000, size: 'max' }),
  });

  test('safety under faults, liveness after healing', () => {
    fc.assert(
      fc.property(config, ({ n, seed, preVote, checkQuorum, actions }) => {
        const h = new Harness(n, seed, preVote, checkQuorum);
        h.net.peer(1).raw.campaign();
        for (const a of actions) h.run(a);
        if (process.env['RAFT_STATS'] === '1') console.log(n, actions.length, 'committed', h.committed.size, 'terms', h.net.peer(1).raw.status().term);
        h.checkLogs();
        h.checkLiveness(300);
        h.checkLogs();
        h.checkSameSequence();
      }),
      { numRuns: Number(process.env['RAFT_RUNS'] ?? 100), ...replay() },
    );
  });

  test('many leader changes with steady proposals keep logs consistent', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 3, max: 5 }), (seed, n) => {
        const h = new Harness(n, seed, true, true);
        const rng = seededRng(seed);
        for (let round = 0; round < 60; round++) {
          const victim = h.ids[Math.floor(rng.next() * n)]!;
          h.net.isolate(victim);
          for (let t = 0; t < 25; t++) {
            h.net.tickAll();
            h.net.stabilize();
            h.checkLeaders();
            const l = h.net.leader();
            if (l !== null && rng.next() < 0.5) h.propose(l);
          }
          h.net.heal();
          if (rng.next() < 0.2) h.net.peer(h.ids[Math.floor(rng.next() * n)]!).restart();
          if (rng.next() < 0.2) h.net.peer(h.ids[Math.floor(rng.next() * n)]!).compact();
        }
        h.checkLogs();
        h.checkLiveness(300);
        h.checkSameSequence();
      }),
      { numRuns: 20 },
    );
  });
});
