// Human-readable renderings of Raft data (etcd's util.go Describe*): one line per message or
// entry, used by the data-driven tests' expected output and by debug logging. Pure
// string building, never on a hot path.

import type { ConfState, Entry, HardState, Message, MessageType, Ready, Snapshot } from './types.js';
import { decodeConfChange } from './confchange.js';

const MSG_NAMES: Record<MessageType, string> = {
  hup: 'MsgHup',
  beat: 'MsgBeat',
  unreachable: 'MsgUnreachable',
  snapStatus: 'MsgSnapStatus',
  checkQuorum: 'MsgCheckQuorum',
  prop: 'MsgProp',
  app: 'MsgApp',
  appResp: 'MsgAppResp',
  vote: 'MsgVote',
  voteResp: 'MsgVoteResp',
  preVote: 'MsgPreVote',
  preVoteResp: 'MsgPreVoteResp',
  snap: 'MsgSnap',
  heartbeat: 'MsgHeartbeat',
  heartbeatResp: 'MsgHeartbeatResp',
  transferLeader: 'MsgTransferLeader',
  timeoutNow: 'MsgTimeoutNow',
  readIndex: 'MsgReadIndex',
  readIndexResp: 'MsgReadIndexResp',
};

function quote(b: Buffer): string {
  return JSON.stringify(b.toString('latin1'));
}

export function describeConfChangeData(data: Buffer): string {
  try {
    const cc = decodeConfChange(data);
    const letter = { addVoter: 'v', addLearner: 'l', removeNode: 'r' } as const;
    const parts = cc.changes.map((c) => `${letter[c.type]}${c.peerId}`);
    if (parts.length === 0) return 'leave-joint';
    const t = cc.transition === 'auto' ? '' : ` ${cc.transition}`;
    return parts.join(' ') + t;
  } catch {
    return `<malformed ${quote(data)}>`;
  }
}

export function describeEntry(e: Entry): string {
  if (e.type === 'confChange') return `${e.term}/${e.index} EntryConfChange ${describeConfChangeData(e.data)}`;
  return `${e.term}/${e.index} EntryNormal ${quote(e.data)}`;
}

export function describeConfState(cs: ConfState): string {
  let s = `Voters:[${cs.voters.join(' ')}] VotersOutgoing:[${cs.votersOutgoing.join(' ')}] Learners:[${cs.learners.join(' ')}] LearnersNext:[${cs.learnersNext.join(' ')}]`;
  s += ` AutoLeave:${cs.autoLeave}`;
  return s;
}

export function describeSnapshot(s: Snapshot): string {
  return `Index:${s.meta.index} Term:${s.meta.term} ConfState:${describeConfState(s.meta.confState)}`;
}

export function describeHardState(hs: HardState): string {
  return `Term:${hs.term} Vote:${hs.vote} Commit:${hs.commit}`;
}

export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${MSG_NAMES[m.type]} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) s += ` Commit:${m.commit}`;
  if (m.context !== null && m.context.length > 0) s += ` Context:${quote(m.context)}`;
  if (m.entries.length > 0) s += ` Entries:[${m.entries.map(describeEntry).join(', ')}]`;
  if (m.snapshot !== null) s += ` Snapshot: ${describeSnapshot(m.snapshot)}`;
  return s;
}

const ROLE_NAMES = { follower: 'StateFollower', preCandidate: 'StatePreCandidate', candidate: 'StateCandidate', leader: 'StateLeader' };

/** A multi-line rendering of a Ready (sections only when non-empty). */
export function describeReady(rd: Ready): string {
  const lines: string[] = [];
  if (rd.softState !== null) lines.push(`Lead:${rd.softState.lead} State:${ROLE_NAMES[rd.softState.role]}`);
  if (rd.hardState !== null) lines.push(`HardState ${describeHardState(rd.hardState)}`);
  if (rd.readStates.length > 0) {
    lines.push(`ReadStates: ${rd.readStates.map((r) => `{Index:${r.index} Context:${quote(r.context)}}`).join(' ')}`);
  }
  if (rd.entries.length > 0) lines.push('Entries:', ...rd.entries.map(describeEntry));
  if (rd.snapshot !== null) lines.push(`Snapshot ${describeSnapshot(rd.snapshot)}`);
  if (rd.committedEntries.length > 0) lines.push('CommittedEntries:', ...rd.committedEntries.map(describeEntry));
  if (rd.messages.length > 0) lines.push('Messages:', ...rd.messages.map(describeMessage));
  if (lines.length === 0) return '<empty Ready>';
  if (!rd.mustSync && (rd.hardState !== null || rd.entries.length > 0)) lines.push('(no sync)');
  return lines.join('\n');
}
