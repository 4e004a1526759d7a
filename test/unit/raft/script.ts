// The data-driven Raft script runner (etcd's rafttest interaction env, in our words). A
// script is blocks of `command args` / `----` / expected output; the environment keeps
// peers (RaftPeer over MemoryStorage) and the messages in flight, and prints Readies,
// deliveries and state so the expected output documents the protocol step by step.
// script.test.ts runs every testdata/*.txt; REWRITE=1 regenerates the expected output.

import type { ConfChangeSingle, ConfChange, Message, PeerId } from '../../../storage/raft/index.js';
import { MemoryStorage, ProposalDroppedError, bootstrapConfState, confStateEqual, describeConfState, describeEntry, describeMessage, describeReady } from '../../../storage/raft/index.js';
import type { PeerOptions } from './network.js';
import { RaftPeer } from './network.js';

export interface Block {
  /** Line number of the command (1-based), for failure messages. */
  readonly line: number;
  readonly command: string;
  readonly expected: string;
}

/** Parses `cmd` / `----` / output blocks; output ends at an empty line. Comments: `#`. */
export function parseScript(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.trim() === '' || l.startsWith('#')) {
      i++;
      continue;
    }
    const line = i + 1;
    const command = l.trim();
    i++;
    if (lines[i] !== '----') throw new Error(`line ${i + 1}: expected ---- after "${command}"`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') out.push(lines[i++]!);
    blocks.push({ line, command, expected: out.join('\n') });
  }
  return blocks;
}

/** Renders blocks back to a script (with the header comment lines of the original file kept). */
export function renderScript(original: string, blocks: readonly { command: string; output: string }[]): string {
  const header: string[] = [];
  const parts: string[] = [];
  const lines = original.split('\n');
  // Keep each block's preceding comments: walk the original and re-emit comments before commands.
  let bi = 0;
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.startsWith('#')) {
      header.push(l);
      i++;
      continue;
    }
    if (l.trim() === '') {
      i++;
      continue;
    }
    const b = blocks[bi++]!;
    parts.push([...header, b.command, '----', b.output === '' ? 'ok' : b.output].join('\n'));
    header.length = 0;
    i += 2;
    while (i < lines.length && lines[i] !== '') i++;
  }
  if (header.length > 0) parts.push(header.join('\n'));
  return parts.join('\n\n') + '\n';
}

interface Args {
  readonly pos: string[];
  readonly kv: Map<string, string>;
}

function parseArgs(tokens: string[]): Args {
  const pos: string[] = [];
  const kv = new Map<string, string>();
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq > 0) kv.set(t.slice(0, eq), t.slice(eq + 1));
    else pos.push(t);
  }
  return { pos, kv };
}

function idList(s: string | undefined): PeerId[] {
  if (s === undefined) return [];
  const inner = s.replace(/^\(/, '').replace(/\)$/, '');
  return inner === '' ? [] : inner.split(/[ ,]/).filter((x) => x !== '').map(Number);
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');
}

const ROLE = { follower: 'StateFollower', preCandidate: 'StatePreCandidate', candidate: 'StateCandidate', leader: 'StateLeader' };

export class ScriptEnv {
  readonly peers = new Map<PeerId, RaftPeer>();
  /** Messages sent and not yet delivered. */
  private queue: Message[] = [];
  /** Links (from-to) that drop messages. */
  private readonly cut = new Set<string>();
  private out: string[] = [];

  run(command: string): string {
    this.out = [];
    const [cmd, ...rest] = command.split(/\s+/);
    const a = parseArgs(rest);
    try {
      this.dispatch(cmd!, a);
    } catch (e) {
      if (e instanceof Error && e.name === 'AssertionError') throw e;
      this.out.push(`error: ${(e as Error).message}`);
    }
    return this.out.join('\n');
  }

  private dispatch(cmd: string, a: Args): void {
    const handlers: Record<string, (a: Args) => void> = {
      'add-nodes': (x) => this.addNodes(x),
      campaign: (x) => this.peer(x.pos[0]).raw.campaign(),
      propose: (x) => this.propose(x),
      'propose-conf-change': (x) => this.proposeConfChange(x),
      'process-ready': (x) => this.ids(x).forEach((id) => this.processReady(id)),
      'deliver-msgs': (x) => this.deliverMsgs(x),
      stabilize: (x) => this.stabilize(x),
      'tick-election': (x) => this.tick(x, 'election'),
      'tick-heartbeat': (x) => this.tick(x, 'heartbeat'),
      tick: (x) => this.tick(x, 'count'),
      'transfer-leadership': (x) => this.peer(x.kv.get('from')).raw.transferLeader(Number(x.kv.get('to'))),
      status: (x) => this.status(x),
      'raft-state': () => this.raftState(),
      'raft-log': (x) => this.raftLog(x),
      'read-index': (x) => this.peer(x.pos[0]).raw.readIndex(Buffer.from(x.pos[1] ?? '')),
      'read-states': (x) => this.readStates(x),
      compact: (x) => this.compact(x),
      isolate: (x) => this.isolate(Number(x.pos[0])),
      partition: (x) => this.partition(idList(x.pos[0]), idList(x.pos[1])),
      heal: () => this.cut.clear(),
      'report-unreachable': (x) => this.peer(x.pos[0]).raw.reportUnreachable(Number(x.pos[1])),
      'report-snapshot': (x) => this.peer(x.pos[0]).raw.reportSnapshot(Number(x.pos[1]), x.kv.get('ok') !== 'false'),
      restart: (x) => this.restart(x),
      applied: (x) => this.appliedCmd(x),
      'drop-msgs': (x) => this.dropMsgs(x),
    };
    const h = handlers[cmd];
    if (h === undefined) throw new Error(`unknown command ${cmd}`);
    h(a);
  }

  private peer(s: string | number | undefined): RaftPeer {
    const p = this.peers.get(Number(s));
    if (p === undefined) throw new Error(`no peer ${String(s)}`);
    return p;
  }

  private ids(a: Args): PeerId[] {
    return a.pos.length > 0 ? a.pos.map(Number) : [...this.peers.keys()].sort((x, y) => x - y);
  }

  private addNodes(a: Args): void {
    const n = Number(a.pos[0]);
    const voters = a.kv.has('voters') ? idList(a.kv.get('voters')) : null;
    const learners = idList(a.kv.get('learners'));
    const index = Number(a.kv.get('index') ?? 0);
    const opts: PeerOptions = {
      preVote: a.kv.get('prevote') === 'true',
      checkQuorum: a.kv.get('checkquorum') === 'true',
      inflightMsgsMax: a.kv.has('max-inflight') ? Number(a.kv.get('max-inflight')) : 256,
      inflightBytesMax: Number(a.kv.get('max-inflight-bytes') ?? 0),
      msgBytesMax: Number(a.kv.get('max-msg-bytes') ?? 1 << 20),
      uncommittedBytesMax: Number(a.kv.get('max-uncommitted-bytes') ?? 0),
      readOnlyOption: a.kv.get('read-only') === 'lease' ? 'leaseBased' : 'safe',
      electionTicks: Number(a.kv.get('election-ticks') ?? 10),
      heartbeatTicks: Number(a.kv.get('heartbeat-ticks') ?? 1),
    };
    const first = this.peers.size + 1;
    for (let id = first; id < first + n; id++) {
      const storage = voters === null ? new MemoryStorage() : new MemoryStorage(bootstrapConfState(voters, learners), index, index > 0 ? 1 : 0);
      this.peers.set(id, new RaftPeer(id, storage, opts));
      this.out.push(`INFO ${id} created: ${describeConfState(storage.initialState().confState)} first=${storage.firstIndex()} last=${storage.lastIndex()}`);
    }
  }

  private propose(a: Args): void {
    try {
      this.peer(a.pos[0]).raw.propose(Buffer.from(a.pos[1] ?? ''));
    } catch (e) {
      if (!(e instanceof ProposalDroppedError)) throw e;
      this.out.push(`proposal dropped: ${e.reason}`);
    }
  }

  private proposeConfChange(a: Args): void {
    const letter: Record<string, ConfChangeSingle['type']> = { v: 'addVoter', l: 'addLearner', r: 'removeNode' };
    const changes = a.pos.slice(1).map((t) => ({ type: letter[t[0]!]!, peerId: Number(t.slice(1)) }));
    const tr = a.kv.get('transition') ?? 'auto';
    const transition: ConfChange['transition'] = tr === 'implicit' ? 'jointImplicit' : tr === 'explicit' ? 'jointExplicit' : 'auto';
    try {
      this.peer(a.pos[0]).raw.proposeConfChange({ transition, changes, context: Buffer.alloc(0) });
    } catch (e) {
      if (!(e instanceof ProposalDroppedError)) throw e;
      this.out.push(`proposal dropped: ${e.reason}`);
    }
  }

  private processReady(id: PeerId): boolean {
    const p = this.peer(id);
    const before = p.confState;
    const rd = p.handleReady((m) => this.queue.push(m));
    if (rd === null) return false;
    this.out.push(`> ${id} handling Ready`, indent(describeReady(rd)));
    for (const r of p.refusedConfChanges) this.out.push(`  INFO ${id} refused conf change at ${r}`);
    p.refusedConfChanges = [];
    if (!confStateEqual(p.confState, before)) this.out.push(`  INFO ${id} switched to configuration ${describeConfState(p.confState)}`);
    return true;
  }

  /** Delivers queued messages addressed to the given peers (all when none given). */
  private deliverMsgs(a: Args): boolean {
    const targets = new Set(this.ids(a));
    const type = a.kv.get('type');
    let any = false;
    for (const id of [...targets].sort((x, y) => x - y)) {
      const mine = this.queue.filter((m) => m.to === id && (type === undefined || m.type === type));
      if (mine.length === 0) continue;
      this.queue = this.queue.filter((m) => !mine.includes(m));
      any = true;
      this.out.push(`> ${id} receiving messages`);
      for (const m of mine) {
        if (this.cut.has(`${m.from}-${m.to}`)) {
          this.out.push(`  ${describeMessage(m)} DROPPED`);
          continue;
        }
        this.out.push(`  ${describeMessage(m)}`);
        this.peers.get(id)?.raw.step(m);
      }
    }
    return any;
  }

  private dropMsgs(a: Args): void {
    const targets = new Set(this.ids(a));
    const dropped = this.queue.filter((m) => targets.has(m.to));
    this.queue = this.queue.filter((m) => !targets.has(m.to));
    this.out.push(`dropped ${dropped.length} messages`);
  }

  private stabilize(a: Args): void {
    const ids = this.ids(a);
    for (let round = 0; round < 1000; round++) {
      let any = false;
      for (const id of ids) if (this.processReady(id)) any = true;
      if (this.deliverMsgs({ pos: ids.map(String), kv: new Map() })) any = true;
      if (!any) return;
    }
    throw new Error('stabilize did not converge');
  }

  private tick(a: Args, kind: 'election' | 'heartbeat' | 'count'): void {
    const p = this.peer(a.pos[0]);
    const cfg = p.config(0);
    const n = kind === 'election' ? cfg.electionTicks : kind === 'heartbeat' ? cfg.heartbeatTicks : Number(a.pos[1] ?? 1);
    for (let i = 0; i < n; i++) p.raw.tick();
  }

  private status(a: Args): void {
    const s = this.peer(a.pos[0]).raw.status();
    if (s.progress === null) {
      this.out.push(`${s.id}: ${ROLE[s.role]} Term:${s.term} Lead:${s.lead} Commit:${s.commit} Applied:${s.applied}`);
      return;
    }
    const prs = this.peer(a.pos[0]).raw.raftForTest.tracker;
    prs.visit((id, pr) => this.out.push(`${id}: ${pr.toString()}`));
  }

  private raftState(): void {
    for (const id of [...this.peers.keys()].sort((x, y) => x - y)) {
      const s = this.peer(id).raw.status();
      const kind = s.confState.voters.includes(id) || s.confState.votersOutgoing.includes(id) ? 'Voter' : s.confState.learners.includes(id) ? 'Learner' : 'NonMember';
      this.out.push(`${id}: ${ROLE[s.role]} (${kind}) Term:${s.term} Lead:${s.lead}`);
    }
  }

  private raftLog(a: Args): void {
    const st = this.peer(a.pos[0]).storage;
    const first = st.firstIndex();
    const last = st.lastIndex();
    if (last < first) {
      this.out.push(`log is empty: first index=${first}, last index=${last}`);
      return;
    }
    for (const e of st.entries(first, last + 1, Number.MAX_SAFE_INTEGER)) this.out.push(describeEntry(e));
  }

  private readStates(a: Args): void {
    const p = this.peer(a.pos[0]);
    if (p.readStates.length === 0) this.out.push('no read states');
    for (const rs of p.readStates) this.out.push(`{Index:${rs.index} Context:${JSON.stringify(rs.context.toString())}}`);
    p.readStates = [];
  }

  private compact(a: Args): void {
    const p = this.peer(a.pos[0]);
    p.compact(a.pos[1] !== undefined ? Number(a.pos[1]) : undefined);
    this.out.push(`compacted: first index=${p.storage.firstIndex()} snapshot index=${p.storage.snapshot().meta.index}`);
  }

  private isolate(id: PeerId): void {
    this.partition([id], [...this.peers.keys()].filter((x) => x !== id));
  }

  private partition(a: PeerId[], b: PeerId[]): void {
    for (const x of a) {
      for (const y of b) {
        this.cut.add(`${x}-${y}`);
        this.cut.add(`${y}-${x}`);
      }
    }
  }

  private restart(a: Args): void {
    const p = this.peer(a.pos[0]);
    // Messages not yet delivered from the crashed node's last Ready were already sent: keep them.
    p.restart();
    this.out.push(`INFO ${p.id} restarted: HardState ${JSON.stringify(p.storage.hardStateNow())} applied=${p.appliedIndex}`);
  }

  private appliedCmd(a: Args): void {
    const p = this.peer(a.pos[0]);
    this.out.push(`applied=${p.appliedIndex} [${p.applied.map((x) => x.data).join(' ')}]`);
  }
}
