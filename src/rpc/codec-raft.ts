// Binary codec of the Raft hot path: a RaftStream frame carries one or more coalesced
// RaftMessageBatches of one node pair (messages with entries and snapshots, coalesced
// heartbeats) and a snapshot stream opens with a SnapshotHeader. Called by raft-stream.ts
// (encode, per peer per turn), server.ts (decode) and the tests. Layout of a frame:
//   u8 version | uvarint fromNodeId | uvarint toNodeId | item* | u8 0
// where an item is a tag byte (ITEM_*) and its body; unknown shapes travel as msgpack.

import type {
  ConfState,
  Entry,
  Message,
  MessageType,
  RaftHeartbeat,
  RaftMessageBatch,
  RaftMessageRequest,
  Snapshot,
  SnapshotHeader,
} from '../../storage/index.js';
import { MESSAGE_TYPES, assert } from '../../storage/index.js';
import { BufReader, BufWriter, CodecError, ShapeError, encodeWith } from './buf.js';
import {
  decodeMsgpack,
  readExtras,
  readRangeDescriptor,
  readReplica,
  readUintArray,
  writeExtrasFixed,
  writeRangeDescriptor,
  writeReplica,
  writeUintArray,
} from './codec-common.js';
import { msgpackEncode } from './msgpack.js';

export const RAFT_FRAME_VERSION = 1;

const ITEM_END = 0;
const ITEM_MESSAGE = 1;
const ITEM_MESSAGE_MSGPACK = 2;
const ITEM_HEARTBEAT = 3;
const ITEM_HEARTBEAT_RESP = 4;
const ITEM_HEARTBEAT_MSGPACK = 5;
const ITEM_HEARTBEAT_RESP_MSGPACK = 6;

const MESSAGE_TYPE_CODE: ReadonlyMap<MessageType, number> = new Map(MESSAGE_TYPES.map((t, i) => [t, i]));

const MESSAGE_FIELDS: ReadonlySet<string> = new Set([
  'type', 'from', 'to', 'term', 'logTerm', 'index', 'entries', 'commit', 'snapshot', 'reject', 'rejectHint', 'context',
]);
const ENTRY_FIELDS: ReadonlySet<string> = new Set(['term', 'index', 'type', 'data']);
const SNAPSHOT_FIELDS: ReadonlySet<string> = new Set(['meta', 'data']);
const SNAPSHOT_META_FIELDS: ReadonlySet<string> = new Set(['index', 'term', 'confState']);
const CONF_STATE_FIELDS: ReadonlySet<string> = new Set(['voters', 'learners', 'votersOutgoing', 'learnersNext', 'autoLeave']);
const REQUEST_FIELDS: ReadonlySet<string> = new Set(['rangeId', 'from', 'to', 'message']);
const HEARTBEAT_FIELDS: ReadonlySet<string> = new Set(['rangeId', 'fromReplicaId', 'toReplicaId', 'term', 'commit', 'quiesce']);
const BATCH_FIELDS: ReadonlySet<string> = new Set(['fromNodeId', 'toNodeId', 'messages', 'heartbeats', 'heartbeatResps']);
const HEADER_FIELDS: ReadonlySet<string> = new Set(['rangeId', 'from', 'to', 'desc', 'message']);

// ---- entries, snapshots, messages ----

function writeEntry(w: BufWriter, e: Entry): void {
  w.uvarint(e.term);
  w.uvarint(e.index);
  if (e.type === 'normal') w.u8(0);
  else if (e.type === 'confChange') w.u8(1);
  else throw new ShapeError(`entry type ${String(e.type)}`);
  w.bytes(e.data);
  writeExtrasFixed(w, e, ENTRY_FIELDS);
}

function readEntry(r: BufReader): Entry {
  const term = r.uvarint();
  const index = r.uvarint();
  const t = r.u8();
  if (t > 1) throw new CodecError(`bad entry type ${t}`);
  const e = { term, index, type: t === 0 ? ('normal' as const) : ('confChange' as const), data: r.bytes() };
  return readExtras(r, e);
}

function writeConfState(w: BufWriter, c: ConfState): void {
  writeUintArray(w, c.voters);
  writeUintArray(w, c.learners);
  writeUintArray(w, c.votersOutgoing);
  writeUintArray(w, c.learnersNext);
  if (typeof c.autoLeave !== 'boolean') throw new ShapeError('autoLeave');
  w.bool(c.autoLeave);
  writeExtrasFixed(w, c, CONF_STATE_FIELDS);
}

function readConfState(r: BufReader): ConfState {
  const c = {
    voters: readUintArray(r),
    learners: readUintArray(r),
    votersOutgoing: readUintArray(r),
    learnersNext: readUintArray(r),
    autoLeave: r.bool(),
  };
  return readExtras(r, c);
}

function writeSnapshot(w: BufWriter, s: Snapshot): void {
  w.uvarint(s.meta.index);
  w.uvarint(s.meta.term);
  writeConfState(w, s.meta.confState);
  writeExtrasFixed(w, s.meta, SNAPSHOT_META_FIELDS);
  w.bytes(s.data);
  writeExtrasFixed(w, s, SNAPSHOT_FIELDS);
}

function readSnapshot(r: BufReader): Snapshot {
  const index = r.uvarint();
  const term = r.uvarint();
  const confState = readConfState(r);
  const meta = readExtras(r, { index, term, confState });
  const s = { meta, data: r.bytes() };
  return readExtras(r, s);
}

const FLAG_REJECT = 1;
const FLAG_SNAPSHOT = 2;
const FLAG_CONTEXT = 4;

export function writeMessage(w: BufWriter, m: Message): void {
  const code = MESSAGE_TYPE_CODE.get(m.type);
  if (code === undefined) throw new ShapeError(`message type ${String(m.type)}`);
  w.u8(code);
  w.uvarint(m.from);
  w.uvarint(m.to);
  w.uvarint(m.term);
  w.uvarint(m.logTerm);
  w.uvarint(m.index);
  w.uvarint(m.commit);
  w.uvarint(m.rejectHint);
  if (typeof m.reject !== 'boolean') throw new ShapeError('reject');
  w.u8((m.reject ? FLAG_REJECT : 0) | (m.snapshot !== null ? FLAG_SNAPSHOT : 0) | (m.context !== null ? FLAG_CONTEXT : 0));
  if (m.context !== null) w.bytes(m.context);
  if (m.snapshot !== null) writeSnapshot(w, m.snapshot);
  const entries = m.entries;
  if (!Array.isArray(entries)) throw new ShapeError('entries');
  w.uvarint(entries.length);
  for (let i = 0; i < entries.length; i++) writeEntry(w, entries[i]!);
  writeExtrasFixed(w, m, MESSAGE_FIELDS);
}

export function readMessage(r: BufReader): Message {
  const code = r.u8();
  const type = MESSAGE_TYPES[code];
  if (type === undefined) throw new CodecError(`bad message type ${code}`);
  const from = r.uvarint();
  const to = r.uvarint();
  const term = r.uvarint();
  const logTerm = r.uvarint();
  const index = r.uvarint();
  const commit = r.uvarint();
  const rejectHint = r.uvarint();
  const flags = r.u8();
  if (flags > 7) throw new CodecError(`bad message flags ${flags}`);
  const context = (flags & FLAG_CONTEXT) !== 0 ? r.bytes() : null;
  const snapshot = (flags & FLAG_SNAPSHOT) !== 0 ? readSnapshot(r) : null;
  const n = r.count();
  const entries = new Array<Entry>(n);
  for (let i = 0; i < n; i++) entries[i] = readEntry(r);
  // Same property order as the contract, so decoded messages share one hidden class.
  const m = { type, from, to, term, logTerm, index, entries, commit, snapshot, reject: (flags & FLAG_REJECT) !== 0, rejectHint, context };
  return readExtras(r, m);
}

// ---- raft messages, heartbeats, frames ----

function writeRequest(w: BufWriter, q: RaftMessageRequest): void {
  w.uvarint(q.rangeId);
  writeReplica(w, q.from);
  writeReplica(w, q.to);
  writeMessage(w, q.message);
  writeExtrasFixed(w, q, REQUEST_FIELDS);
}

function readRequest(r: BufReader): RaftMessageRequest {
  const rangeId = r.uvarint();
  const from = readReplica(r);
  const to = readReplica(r);
  const q = { rangeId, from, to, message: readMessage(r) };
  return readExtras(r, q);
}

function writeHeartbeat(w: BufWriter, h: RaftHeartbeat): void {
  w.uvarint(h.rangeId);
  w.uvarint(h.fromReplicaId);
  w.uvarint(h.toReplicaId);
  w.uvarint(h.term);
  w.uvarint(h.commit);
  if (typeof h.quiesce !== 'boolean') throw new ShapeError('quiesce');
  w.bool(h.quiesce);
  writeExtrasFixed(w, h, HEARTBEAT_FIELDS);
}

function readHeartbeat(r: BufReader): RaftHeartbeat {
  const h = {
    rangeId: r.uvarint(),
    fromReplicaId: r.uvarint(),
    toReplicaId: r.uvarint(),
    term: r.uvarint(),
    commit: r.uvarint(),
    quiesce: r.bool(),
  };
  return readExtras(r, h);
}

/** Writes one item hand-coded, or, when its shape is unknown, as msgpack under `fallbackTag`. */
function writeItem<T>(w: BufWriter, tag: number, fallbackTag: number, v: T, write: (w: BufWriter, v: T) => void): void {
  const mark = w.pos;
  try {
    w.u8(tag);
    write(w, v);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    w.pos = mark;
    w.u8(fallbackTag);
    w.bytes(msgpackEncode(v));
  }
}

function writeBatchItems(w: BufWriter, b: RaftMessageBatch): void {
  for (const k in b) assert(BATCH_FIELDS.has(k), `RaftMessageBatch field ${k} is not carried by the rpc codec`);
  for (let i = 0; i < b.messages.length; i++) writeItem(w, ITEM_MESSAGE, ITEM_MESSAGE_MSGPACK, b.messages[i]!, writeRequest);
  for (let i = 0; i < b.heartbeats.length; i++) writeItem(w, ITEM_HEARTBEAT, ITEM_HEARTBEAT_MSGPACK, b.heartbeats[i]!, writeHeartbeat);
  for (let i = 0; i < b.heartbeatResps.length; i++) {
    writeItem(w, ITEM_HEARTBEAT_RESP, ITEM_HEARTBEAT_RESP_MSGPACK, b.heartbeatResps[i]!, writeHeartbeat);
  }
}

/**
 * Encodes batches[start..] of one node pair into `w` (after w.reset()) as one frame, stopping
 * after the first batch that brings the frame to `frameBytesSoft` bytes (a batch is never
 * split). Returns the index of the first batch left out (batches.length when all fit).
 */
export function encodeRaftFrame(w: BufWriter, batches: readonly RaftMessageBatch[], start: number, frameBytesSoft: number): number {
  assert(start < batches.length, 'encodeRaftFrame: no batch to encode');
  const first = batches[start]!;
  w.u8(RAFT_FRAME_VERSION);
  w.uvarint(first.fromNodeId);
  w.uvarint(first.toNodeId);
  let i = start;
  while (i < batches.length) {
    const b = batches[i]!;
    assert(b.fromNodeId === first.fromNodeId && b.toNodeId === first.toNodeId, 'one frame carries one node pair');
    writeBatchItems(w, b);
    i++;
    if (w.pos >= frameBytesSoft) break;
  }
  w.u8(ITEM_END);
  return i;
}

/** One batch as one frame (tests, benchmarks; the transport coalesces with encodeRaftFrame). */
export function encodeRaftBatch(b: RaftMessageBatch): Buffer {
  return encodeWith((w: BufWriter, v: RaftMessageBatch) => encodeRaftFrame(w, [v], 0, Infinity), b);
}

function asRecord(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CodecError(`${what} is not a map`);
  return v as Record<string, unknown>;
}

/** Decodes a frame into one batch (the coalesced batches' messages and heartbeats, in order). */
export function decodeRaftFrame(buf: Buffer): RaftMessageBatch {
  const r = new BufReader(buf);
  const version = r.u8();
  if (version !== RAFT_FRAME_VERSION) throw new CodecError(`raft frame version ${version}`);
  const fromNodeId = r.uvarint();
  const toNodeId = r.uvarint();
  const messages: RaftMessageRequest[] = [];
  const heartbeats: RaftHeartbeat[] = [];
  const heartbeatResps: RaftHeartbeat[] = [];
  for (;;) {
    const tag = r.u8();
    if (tag === ITEM_END) break;
    switch (tag) {
      case ITEM_MESSAGE: messages.push(readRequest(r)); break;
      case ITEM_HEARTBEAT: heartbeats.push(readHeartbeat(r)); break;
      case ITEM_HEARTBEAT_RESP: heartbeatResps.push(readHeartbeat(r)); break;
      case ITEM_MESSAGE_MSGPACK: messages.push(asRecord(decodeMsgpack(r.bytes()), 'message') as unknown as RaftMessageRequest); break;
      case ITEM_HEARTBEAT_MSGPACK: heartbeats.push(asRecord(decodeMsgpack(r.bytes()), 'heartbeat') as unknown as RaftHeartbeat); break;
      case ITEM_HEARTBEAT_RESP_MSGPACK:
        heartbeatResps.push(asRecord(decodeMsgpack(r.bytes()), 'heartbeat') as unknown as RaftHeartbeat);
        break;
      default:
        throw new CodecError(`bad raft frame item ${tag}`);
    }
  }
  r.expectDone();
  return { fromNodeId, toNodeId, messages, heartbeats, heartbeatResps };
}

// ---- snapshot header ----

const HEADER_HOT = 1;
const HEADER_MSGPACK = 2;

function writeSnapshotHeader(w: BufWriter, h: SnapshotHeader): void {
  const mark = w.pos;
  try {
    w.u8(HEADER_HOT);
    w.uvarint(h.rangeId);
    writeReplica(w, h.from);
    writeReplica(w, h.to);
    writeRangeDescriptor(w, h.desc);
    writeMessage(w, h.message);
    writeExtrasFixed(w, h, HEADER_FIELDS);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    w.pos = mark;
    w.u8(HEADER_MSGPACK);
    w.raw(msgpackEncode(h));
  }
}

export function encodeSnapshotHeader(h: SnapshotHeader): Buffer {
  return encodeWith(writeSnapshotHeader, h);
}

export function decodeSnapshotHeader(buf: Buffer): SnapshotHeader {
  const r = new BufReader(buf);
  const format = r.u8();
  if (format === HEADER_MSGPACK) return asRecord(decodeMsgpack(buf.subarray(1)), 'snapshot header') as unknown as SnapshotHeader;
  if (format !== HEADER_HOT) throw new CodecError(`bad snapshot header format ${format}`);
  const rangeId = r.uvarint();
  const from = readReplica(r);
  const to = readReplica(r);
  const desc = readRangeDescriptor(r);
  const h = readExtras(r, { rangeId, from, to, desc, message: readMessage(r) });
  r.expectDone();
  return h;
}
