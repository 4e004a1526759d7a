// Small shared helpers of the Raft modules: building Messages with every field present
// (one object shape for the whole program, so hot paths stay monomorphic), entry sizes,
// and ConfState comparison. Imported by raft.ts, log.ts, progress.ts and the owner's tests.

import type { ConfState, Entry, Message, MessageType, PeerId, Snapshot } from './types.js';
import { NONE } from './types.js';
import { assert } from '../base/assert.js';

/** Bytes counted per entry on top of its payload (term, index, type) for size limits. */
export const ENTRY_OVERHEAD_BYTES = 16;

const EMPTY_ENTRIES: readonly Entry[] = Object.freeze([]);

export interface MessageInit {
  type: MessageType;
  from?: PeerId;
  to?: PeerId;
  term?: number;
  logTerm?: number;
  index?: number;
  entries?: readonly Entry[];
  commit?: number;
  snapshot?: Snapshot | null;
  reject?: boolean;
  rejectHint?: number;
  context?: Buffer | null;
}

/** A Message with defaults for the fields its type does not use. */
export function makeMessage(m: MessageInit): Message {
  return {
    type: m.type,
    from: m.from ?? NONE,
    to: m.to ?? NONE,
    term: m.term ?? 0,
    logTerm: m.logTerm ?? 0,
    index: m.index ?? 0,
    entries: m.entries ?? EMPTY_ENTRIES,
    commit: m.commit ?? 0,
    snapshot: m.snapshot ?? null,
    reject: m.reject ?? false,
    rejectHint: m.rejectHint ?? 0,
    context: m.context ?? null,
  };
}

/** A copy of `m` with a different recipient / sender (forwarding). */
export function readdress(m: Message, from: PeerId, to: PeerId): Message {
  return { ...m, from, to };
}

/** Size of an entry for message and in-flight byte limits. */
export function entryBytes(e: Entry): number {
  return e.data.length + ENTRY_OVERHEAD_BYTES;
}

/** Sum of the payloads only: what the uncommitted-bytes limit counts (etcd's payloadSize). */
export function payloadBytes(entries: readonly Entry[]): number {
  let s = 0;
  for (const e of entries) s += e.data.length;
  return s;
}

/** A prefix of `entries` (at least one) whose total entryBytes stays within maxBytes. */
export function limitSize<T extends Entry>(entries: T[], maxBytes: number): T[] {
  if (entries.length === 0) return entries;
  let size = entryBytes(entries[0]!);
  let n = 1;
  for (; n < entries.length; n++) {
    size += entryBytes(entries[n]!);
    if (size > maxBytes) break;
  }
  return n === entries.length ? entries : entries.slice(0, n);
}

export function isLocalMessage(t: MessageType): boolean {
  return t === 'hup' || t === 'beat' || t === 'unreachable' || t === 'snapStatus' || t === 'checkQuorum';
}

export function isResponseMessage(t: MessageType): boolean {
  return t === 'appResp' || t === 'voteResp' || t === 'heartbeatResp' || t === 'unreachable' || t === 'preVoteResp';
}

export function voteResponseType(t: MessageType): MessageType {
  if (t === 'vote') return 'voteResp';
  assert(t === 'preVote', `not a vote message: ${t}`);
  return 'preVoteResp';
}

function sameIds(a: readonly PeerId[], b: readonly PeerId[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  return sa.every((v, i) => v === sb[i]);
}

/** Equality of two ConfStates regardless of id order. */
export function confStateEqual(a: ConfState, b: ConfState): boolean {
  return (
    sameIds(a.voters, b.voters) &&
    sameIds(a.learners, b.learners) &&
    sameIds(a.votersOutgoing, b.votersOutgoing) &&
    sameIds(a.learnersNext, b.learnersNext) &&
    a.autoLeave === b.autoLeave
  );
}

export const EMPTY_CONF_STATE: ConfState = { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

export const EMPTY_SNAPSHOT: Snapshot = { meta: { index: 0, term: 0, confState: EMPTY_CONF_STATE }, data: Buffer.alloc(0) };
