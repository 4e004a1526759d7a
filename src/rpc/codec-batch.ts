// Binary codec of BatchRequest / BatchResponse, the KV hop between nodes (DistSender →
// GrpcTransport → RpcServer → Store). The hot kinds (get, scan, put, conditionalPut, delete,
// deleteRange, endTxn, refresh, resolveIntent, their responses, every BatchError) are hand-coded; any
// other kind, or a value that does not fit its slot, travels as tagged msgpack, so a kind
// added to storage/api/batch.ts works before the codec learns it. Fields a struct gains go
// in its extras slot (codec-common.ts). Called by transport.ts, server.ts and the tests.

import type {
  BatchError,
  BatchHeader,
  BatchRequest,
  BatchResponse,
  KvErrorCode,
  LockStrength,
  LockWaitPolicy,
  Request,
  Response,
  SeqRange,
  Span,
  Timestamp,
  TxnMeta,
} from '../../storage/index.js';
import { BufReader, BufWriter, CodecError, ShapeError, encodeWith } from './buf.js';
import {
  decodeMsgpack,
  readExtras,
  readRangeDescriptors,
  readReplica,
  writeExtras,
  writeExtrasFixed,
  writeRangeDescriptors,
  writeReplica,
} from './codec-common.js';
import { msgpackEncode } from './msgpack.js';

const FORMAT_HOT = 1;
const FORMAT_MSGPACK = 2;
/** Item code of a request, response or error sent as msgpack. */
const ITEM_MSGPACK = 255;

// ---- enums ----

function enumCodec<T extends string>(values: readonly T[]) {
  const code = new Map<string, number>(values.map((v, i) => [v, i]));
  return {
    write(w: BufWriter, v: T): void {
      const c = code.get(v);
      if (c === undefined) throw new ShapeError(`enum value ${String(v)}`);
      w.u8(c);
    },
    read(r: BufReader): T {
      const c = r.u8();
      const v = values[c];
      if (v === undefined) throw new CodecError(`bad enum code ${c}`);
      return v;
    },
  };
}

const lockCodec = enumCodec<LockStrength>(['none', 'shared', 'exclusive']);
const waitCodec = enumCodec<LockWaitPolicy>(['block', 'error', 'skip']);
const txnStatusCodec = enumCodec<'committed' | 'aborted'>(['committed', 'aborted']);
const kvCodeCodec = enumCodec<KvErrorCode>([
  'ConditionFailed', 'TxnRetry', 'TxnAborted', 'Deadlock', 'LockNotAvailable', 'TxnFinished', 'Unavailable',
]);

function writeBool(w: BufWriter, v: unknown): void {
  if (typeof v !== 'boolean') throw new ShapeError('not a boolean');
  w.bool(v);
}

// ---- timestamps and transaction metadata ----

const TS_FIELDS: ReadonlySet<string> = new Set(['wallNanos', 'logical']);

export function writeTimestamp(w: BufWriter, ts: Timestamp): void {
  w.int64(ts.wallNanos);
  w.uvarint(ts.logical);
  writeExtrasFixed(w, ts, TS_FIELDS);
}

export function readTimestamp(r: BufReader): Timestamp {
  const ts = { wallNanos: r.int64(), logical: r.uvarint() };
  return readExtras(r, ts);
}

function writeNullableTimestamp(w: BufWriter, ts: Timestamp | null): void {
  w.bool(ts !== null);
  if (ts !== null) writeTimestamp(w, ts);
}

function readNullableTimestamp(r: BufReader): Timestamp | null {
  return r.bool() ? readTimestamp(r) : null;
}

function writeSeqRanges(w: BufWriter, ranges: readonly SeqRange[]): void {
  if (!Array.isArray(ranges)) throw new ShapeError('ignoredSeqs');
  w.uvarint(ranges.length);
  for (const s of ranges) {
    for (const k in s) if (k !== 'start' && k !== 'end') throw new ShapeError(`SeqRange field ${k}`);
    w.uvarint(s.start);
    w.uvarint(s.end);
  }
}

function readSeqRanges(r: BufReader): SeqRange[] {
  const n = r.count();
  const out = new Array<SeqRange>(n);
  for (let i = 0; i < n; i++) out[i] = { start: r.uvarint(), end: r.uvarint() };
  return out;
}

const TXN_FIELDS: ReadonlySet<string> = new Set(['id', 'epoch', 'readTs', 'writeTs', 'seq', 'ignoredSeqs', 'priority', 'anchorKey']);

function writeTxn(w: BufWriter, t: TxnMeta): void {
  w.bytes(t.id);
  w.uvarint(t.epoch);
  writeTimestamp(w, t.readTs);
  writeTimestamp(w, t.writeTs);
  w.uvarint(t.seq);
  writeSeqRanges(w, t.ignoredSeqs);
  w.uvarint(t.priority);
  w.nullableBytes(t.anchorKey);
  writeExtrasFixed(w, t, TXN_FIELDS);
}

function readTxn(r: BufReader): TxnMeta {
  const id = r.bytes();
  const epoch = r.uvarint();
  const readTs = readTimestamp(r);
  const writeTs = readTimestamp(r);
  const seq = r.uvarint();
  const ignoredSeqs = readSeqRanges(r);
  const priority = r.uvarint();
  const t = { id, epoch, readTs, writeTs, seq, ignoredSeqs, priority, anchorKey: r.nullableBytes() };
  return readExtras(r, t);
}

// ---- header ----

const HEADER_FIELDS: ReadonlySet<string> = new Set(['rangeId', 'txn', 'waitPolicy', 'lock', 'canForwardReadTs']);
const H_WAIT = 1;
const H_LOCK = 2;
const H_FORWARD = 4;

function writeHeader(w: BufWriter, h: BatchHeader): void {
  w.uvarint(h.rangeId);
  writeTxn(w, h.txn);
  const mask = (h.waitPolicy !== undefined ? H_WAIT : 0) | (h.lock !== undefined ? H_LOCK : 0) | (h.canForwardReadTs !== undefined ? H_FORWARD : 0);
  w.u8(mask);
  if (h.waitPolicy !== undefined) waitCodec.write(w, h.waitPolicy);
  if (h.lock !== undefined) lockCodec.write(w, h.lock);
  if (h.canForwardReadTs !== undefined) writeBool(w, h.canForwardReadTs);
  writeExtras(w, h, HEADER_FIELDS);
}

function readHeader(r: BufReader): BatchHeader {
  const rangeId = r.uvarint();
  const txn = readTxn(r);
  const mask = r.u8();
  if (mask > 7) throw new CodecError(`bad header mask ${mask}`);
  const h: { rangeId: number; txn: TxnMeta; waitPolicy?: LockWaitPolicy; lock?: LockStrength; canForwardReadTs?: boolean } = { rangeId, txn };
  if (mask & H_WAIT) h.waitPolicy = waitCodec.read(r);
  if (mask & H_LOCK) h.lock = lockCodec.read(r);
  if (mask & H_FORWARD) h.canForwardReadTs = r.bool();
  return readExtras(r, h);
}

// ---- requests ----

/** Optional fields every KV request may carry (KvRequest & Sequenced & LockFlags), as a mask. */
const O_LOCK = 1;
const O_WAIT = 2;
const O_SEQ = 4;
const O_LOCK_NON_EXISTING = 8;
const O_LIMIT = 16;
const O_REVERSE = 32;
const KV_OPTIONAL = ['lock', 'waitPolicy', 'seq', 'lockNonExisting', 'limit', 'reverse'];

type AnyRequest = Request & Record<string, unknown>;

/** Request kind → item code and its hand-coded fields (beyond kind and the optional ones). */
const REQ_KINDS = ['get', 'scan', 'put', 'conditionalPut', 'delete', 'deleteRange', 'endTxn', 'refresh', 'resolveIntent'] as const;
const REQ_CODE: ReadonlyMap<string, number> = new Map(REQ_KINDS.map((k, i) => [k, i]));
const REQ_FIELDS: readonly ReadonlySet<string>[] = REQ_KINDS.map((k) => {
  const own: Record<(typeof REQ_KINDS)[number], string[]> = {
    get: ['key'],
    scan: ['key', 'endKey'],
    put: ['key', 'value'],
    conditionalPut: ['key', 'value', 'expected'],
    delete: ['key'],
    deleteRange: ['key', 'endKey'],
    endTxn: ['commit', 'lockSpans', 'readLockSpans'],
    refresh: ['key', 'endKey', 'fromTs', 'toTs'],
    resolveIntent: ['key', 'endKey', 'txnId', 'status', 'commitTs', 'epoch', 'ignoredSeqs'],
  };
  const kv = k !== 'endTxn' && k !== 'refresh' && k !== 'resolveIntent';
  return new Set(['kind', ...own[k], ...(kv ? KV_OPTIONAL : [])]);
});

function writeKvOptional(w: BufWriter, q: Record<string, unknown>): void {
  const lock = q['lock'] as LockStrength | undefined;
  const wait = q['waitPolicy'] as LockWaitPolicy | undefined;
  const seq = q['seq'];
  const lne = q['lockNonExisting'];
  const limit = q['limit'];
  const reverse = q['reverse'];
  const mask =
    (lock !== undefined ? O_LOCK : 0) |
    (wait !== undefined ? O_WAIT : 0) |
    (seq !== undefined ? O_SEQ : 0) |
    (lne !== undefined ? O_LOCK_NON_EXISTING : 0) |
    (limit !== undefined ? O_LIMIT : 0) |
    (reverse !== undefined ? O_REVERSE : 0);
  w.u8(mask);
  if (lock !== undefined) lockCodec.write(w, lock);
  if (wait !== undefined) waitCodec.write(w, wait);
  if (seq !== undefined) w.uvarint(seq as number);
  if (lne !== undefined) writeBool(w, lne);
  if (limit !== undefined) w.uvarint(limit as number);
  if (reverse !== undefined) writeBool(w, reverse);
}

function readKvOptional(r: BufReader, q: Record<string, unknown>): void {
  const mask = r.u8();
  if (mask > 63) throw new CodecError(`bad request mask ${mask}`);
  if (mask & O_LOCK) q['lock'] = lockCodec.read(r);
  if (mask & O_WAIT) q['waitPolicy'] = waitCodec.read(r);
  if (mask & O_SEQ) q['seq'] = r.uvarint();
  if (mask & O_LOCK_NON_EXISTING) q['lockNonExisting'] = r.bool();
  if (mask & O_LIMIT) q['limit'] = r.uvarint();
  if (mask & O_REVERSE) q['reverse'] = r.bool();
}

function writeSpans(w: BufWriter, spans: readonly Span[]): void {
  if (!Array.isArray(spans)) throw new ShapeError('lockSpans');
  w.uvarint(spans.length);
  for (const s of spans) {
    for (const k in s) if (k !== 'key' && k !== 'endKey') throw new ShapeError(`Span field ${k}`);
    w.bytes(s.key);
    w.nullableBytes(s.endKey);
  }
}

function writeOptionalSpans(w: BufWriter, spans: readonly Span[] | undefined): void {
  w.bool(spans !== undefined);
  if (spans !== undefined) writeSpans(w, spans);
}

function readSpans(r: BufReader): Span[] {
  const n = r.count();
  const out = new Array<Span>(n);
  for (let i = 0; i < n; i++) out[i] = { key: r.bytes(), endKey: r.nullableBytes() };
  return out;
}

function writeRequestBody(w: BufWriter, code: number, q: AnyRequest): void {
  switch (REQ_KINDS[code]!) {
    case 'get': case 'delete':
      w.bytes(q['key'] as Buffer);
      break;
    case 'scan': case 'deleteRange':
      w.bytes(q['key'] as Buffer);
      w.bytes(q['endKey'] as Buffer);
      break;
    case 'put':
      w.bytes(q['key'] as Buffer);
      w.bytes(q['value'] as Buffer);
      break;
    case 'conditionalPut':
      w.bytes(q['key'] as Buffer);
      w.bytes(q['value'] as Buffer);
      w.nullableBytes(q['expected'] as Buffer | null);
      break;
    case 'endTxn':
      writeBool(w, q['commit']);
      writeSpans(w, q['lockSpans'] as Span[]);
      writeOptionalSpans(w, q['readLockSpans'] as Span[] | undefined);
      return;
    case 'resolveIntent':
      w.bytes(q['key'] as Buffer);
      w.nullableBytes(q['endKey'] as Buffer | null);
      w.bytes(q['txnId'] as Buffer);
      txnStatusCodec.write(w, q['status'] as 'committed' | 'aborted');
      writeTimestamp(w, q['commitTs'] as Timestamp);
      w.uvarint(q['epoch'] as number);
      writeSeqRanges(w, q['ignoredSeqs'] as SeqRange[]);
      return;
    case 'refresh':
      w.bytes(q['key'] as Buffer);
      w.nullableBytes(q['endKey'] as Buffer | null);
      writeTimestamp(w, q['fromTs'] as Timestamp);
      writeNullableTimestamp(w, q['toTs'] as Timestamp | null);
      return;
  }
  writeKvOptional(w, q);
}

function readRequestBody(r: BufReader, code: number): Record<string, unknown> {
  const kind = REQ_KINDS[code];
  if (kind === undefined) throw new CodecError(`bad request code ${code}`);
  let q: Record<string, unknown>;
  switch (kind) {
    case 'get': case 'delete': q = { kind, key: r.bytes() }; break;
    case 'scan': case 'deleteRange': q = { kind, key: r.bytes(), endKey: r.bytes() }; break;
    case 'put': q = { kind, key: r.bytes(), value: r.bytes() }; break;
    case 'conditionalPut': q = { kind, key: r.bytes(), value: r.bytes(), expected: r.nullableBytes() }; break;
    case 'endTxn': {
      const e: Record<string, unknown> = { kind, commit: r.bool(), lockSpans: readSpans(r) };
      if (r.bool()) e['readLockSpans'] = readSpans(r);
      return e;
    }
    case 'resolveIntent':
      return {
        kind,
        key: r.bytes(),
        endKey: r.nullableBytes(),
        txnId: r.bytes(),
        status: txnStatusCodec.read(r),
        commitTs: readTimestamp(r),
        epoch: r.uvarint(),
        ignoredSeqs: readSeqRanges(r),
      };
    case 'refresh': return { kind, key: r.bytes(), endKey: r.nullableBytes(), fromTs: readTimestamp(r), toTs: readNullableTimestamp(r) };
  }
  readKvOptional(r, q);
  return q;
}

/** Writes one item (request, response or error): hand-coded when it fits, msgpack otherwise. */
function writeItem<T extends { readonly kind: string }>(
  w: BufWriter,
  v: T,
  codes: ReadonlyMap<string, number>,
  fields: readonly ReadonlySet<string>[],
  body: (w: BufWriter, code: number, v: T) => void,
): void {
  const code = codes.get(v.kind);
  const mark = w.pos;
  if (code !== undefined) {
    try {
      w.u8(code);
      body(w, code, v);
      writeExtras(w, v, fields[code]!);
      return;
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      w.pos = mark;
    }
  }
  w.u8(ITEM_MSGPACK);
  w.bytes(msgpackEncode(v));
}

function readItem<T>(r: BufReader, body: (r: BufReader, code: number) => Record<string, unknown>): T {
  const code = r.u8();
  if (code === ITEM_MSGPACK) {
    const v = decodeMsgpack(r.bytes());
    if (v === null || typeof v !== 'object' || typeof (v as { kind?: unknown }).kind !== 'string') throw new CodecError('msgpack item without kind');
    return v as T;
  }
  return readExtras(r, body(r, code)) as T;
}

// ---- responses ----

const RESP_KINDS = ['get', 'scan', 'put', 'conditionalPut', 'delete', 'deleteRange', 'endTxn', 'refresh', 'resolveIntent'] as const;
const RESP_CODE: ReadonlyMap<string, number> = new Map(RESP_KINDS.map((k, i) => [k, i]));
const RESP_OWN: Partial<Record<(typeof RESP_KINDS)[number], string[]>> = {
  get: ['value'],
  scan: ['rows', 'resumeKey'],
  deleteRange: ['deleted'],
  endTxn: ['remoteSpans'],
  resolveIntent: ['resolved', 'resumeKey'],
};
const RESP_FIELDS: readonly ReadonlySet<string>[] = RESP_KINDS.map((k) => new Set(['kind', ...(RESP_OWN[k] ?? [])]));

function writeResponseBody(w: BufWriter, code: number, p: Response): void {
  const q = p as Response & Record<string, unknown>;
  switch (RESP_KINDS[code]!) {
    case 'get':
      w.nullableBytes(q['value'] as Buffer | null);
      return;
    case 'scan': {
      const rows = q['rows'] as readonly { key: Buffer; value: Buffer }[];
      if (!Array.isArray(rows)) throw new ShapeError('rows');
      w.uvarint(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        for (const k in row) if (k !== 'key' && k !== 'value') throw new ShapeError(`KeyValue field ${k}`);
        w.bytes(row.key);
        w.bytes(row.value);
      }
      w.nullableBytes(q['resumeKey'] as Buffer | null);
      return;
    }
    case 'deleteRange':
      w.uvarint(q['deleted'] as number);
      return;
    case 'endTxn':
      writeOptionalSpans(w, q['remoteSpans'] as Span[] | undefined);
      return;
    case 'resolveIntent':
      w.uvarint(q['resolved'] as number);
      w.nullableBytes(q['resumeKey'] as Buffer | null);
      return;
    default:
      return;
  }
}

function readResponseBody(r: BufReader, code: number): Record<string, unknown> {
  const kind = RESP_KINDS[code];
  if (kind === undefined) throw new CodecError(`bad response code ${code}`);
  switch (kind) {
    case 'get':
      return { kind, value: r.nullableBytes() };
    case 'scan': {
      const n = r.count();
      const rows = new Array<{ key: Buffer; value: Buffer }>(n);
      for (let i = 0; i < n; i++) rows[i] = { key: r.bytes(), value: r.bytes() };
      return { kind, rows, resumeKey: r.nullableBytes() };
    }
    case 'deleteRange':
      return { kind, deleted: r.uvarint() };
    case 'endTxn': {
      const e: Record<string, unknown> = { kind };
      if (r.bool()) e['remoteSpans'] = readSpans(r);
      return e;
    }
    case 'resolveIntent':
      return { kind, resolved: r.uvarint(), resumeKey: r.nullableBytes() };
    default:
      return { kind };
  }
}

// ---- errors ----

const ERR_KINDS = ['writeTooOld', 'refreshFailed', 'kv', 'rangeKeyMismatch', 'notLeaseholder', 'rangeNotFound'] as const;
const ERR_CODE: ReadonlyMap<string, number> = new Map(ERR_KINDS.map((k, i) => [k, i]));
const ERR_OWN: Record<(typeof ERR_KINDS)[number], string[]> = {
  writeTooOld: ['actualTs', 'key'],
  refreshFailed: ['key'],
  kv: ['code', 'message', 'actual', 'index'],
  rangeKeyMismatch: ['rangeId', 'ranges'],
  notLeaseholder: ['rangeId', 'leaseholder'],
  rangeNotFound: ['rangeId'],
};
const ERR_FIELDS: readonly ReadonlySet<string>[] = ERR_KINDS.map((k) => new Set(['kind', ...ERR_OWN[k]]));

function writeErrorBody(w: BufWriter, code: number, e: BatchError): void {
  switch (e.kind) {
    case 'writeTooOld':
      writeTimestamp(w, e.actualTs);
      w.bytes(e.key);
      return;
    case 'refreshFailed':
      w.bytes(e.key);
      return;
    case 'kv':
      kvCodeCodec.write(w, e.code);
      w.string(e.message);
      // actual: absent (0), null (1) or bytes (2).
      if (e.actual === undefined) w.u8(0);
      else if (e.actual === null) w.u8(1);
      else {
        w.u8(2);
        w.bytes(e.actual);
      }
      w.svarint(e.index);
      return;
    case 'rangeKeyMismatch':
      w.uvarint(e.rangeId);
      w.bool(e.ranges !== undefined);
      if (e.ranges !== undefined) writeRangeDescriptors(w, e.ranges);
      return;
    case 'notLeaseholder':
      w.uvarint(e.rangeId);
      w.bool(e.leaseholder !== null);
      if (e.leaseholder !== null) writeReplica(w, e.leaseholder);
      return;
    case 'rangeNotFound':
      w.uvarint(e.rangeId);
      return;
  }
  throw new ShapeError(`error kind ${String((e as { kind: unknown }).kind)} at code ${code}`);
}

function readErrorBody(r: BufReader, code: number): Record<string, unknown> {
  const kind = ERR_KINDS[code];
  if (kind === undefined) throw new CodecError(`bad error code ${code}`);
  switch (kind) {
    case 'writeTooOld':
      return { kind, actualTs: readTimestamp(r), key: r.bytes() };
    case 'refreshFailed':
      return { kind, key: r.bytes() };
    case 'kv': {
      const e: Record<string, unknown> = { kind, code: kvCodeCodec.read(r), message: r.string() };
      const a = r.u8();
      if (a > 2) throw new CodecError(`bad actual tag ${a}`);
      if (a === 1) e['actual'] = null;
      else if (a === 2) e['actual'] = r.bytes();
      e['index'] = r.svarint();
      return e;
    }
    case 'rangeKeyMismatch': {
      const e: Record<string, unknown> = { kind, rangeId: r.uvarint() };
      if (r.bool()) e['ranges'] = readRangeDescriptors(r);
      return e;
    }
    case 'notLeaseholder': {
      const rangeId = r.uvarint();
      return { kind, rangeId, leaseholder: r.bool() ? readReplica(r) : null };
    }
    case 'rangeNotFound':
      return { kind, rangeId: r.uvarint() };
  }
}

// ---- batches ----

const BATCH_REQUEST_FIELDS: ReadonlySet<string> = new Set(['header', 'requests']);
const BATCH_OK_FIELDS: ReadonlySet<string> = new Set(['ok', 'responses', 'writeTs', 'readTs']);
const BATCH_ERR_FIELDS: ReadonlySet<string> = new Set(['ok', 'error']);

/** Encodes a batch request into `w` (which the caller resets and finishes). */
export function writeBatchRequest(w: BufWriter, ba: BatchRequest): void {
  const mark = w.pos;
  try {
    w.u8(FORMAT_HOT);
    writeHeader(w, ba.header);
    const reqs = ba.requests;
    if (!Array.isArray(reqs)) throw new ShapeError('requests');
    w.uvarint(reqs.length);
    for (let i = 0; i < reqs.length; i++) {
      writeItem(w, reqs[i] as AnyRequest, REQ_CODE, REQ_FIELDS, writeRequestBody);
    }
    writeExtras(w, ba, BATCH_REQUEST_FIELDS);
  } catch (e) {
    // The header or the batch itself has an unknown shape: the whole batch as msgpack.
    if (!(e instanceof ShapeError)) throw e;
    w.pos = mark;
    w.u8(FORMAT_MSGPACK);
    w.raw(msgpackEncode(ba));
  }
}

export function readBatchRequest(r: BufReader): BatchRequest {
  const format = r.u8();
  if (format === FORMAT_MSGPACK) return readWholeMsgpack(r) as unknown as BatchRequest;
  if (format !== FORMAT_HOT) throw new CodecError(`bad batch request format ${format}`);
  const header = readHeader(r);
  const n = r.count();
  const requests = new Array<Request>(n);
  for (let i = 0; i < n; i++) requests[i] = readItem<Request>(r, readRequestBody);
  return readExtras(r, { header, requests });
}

export function writeBatchResponse(w: BufWriter, br: BatchResponse): void {
  const mark = w.pos;
  try {
    w.u8(FORMAT_HOT);
    if (br.ok === true) {
      w.u8(1);
      writeTimestamp(w, br.writeTs);
      writeTimestamp(w, br.readTs);
      if (!Array.isArray(br.responses)) throw new ShapeError('responses');
      w.uvarint(br.responses.length);
      for (let i = 0; i < br.responses.length; i++) writeItem(w, br.responses[i]!, RESP_CODE, RESP_FIELDS, writeResponseBody);
      writeExtras(w, br, BATCH_OK_FIELDS);
    } else if (br.ok === false) {
      w.u8(0);
      writeItem(w, br.error, ERR_CODE, ERR_FIELDS, writeErrorBody);
      writeExtras(w, br, BATCH_ERR_FIELDS);
    } else {
      throw new ShapeError('ok is not a boolean');
    }
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    w.pos = mark;
    w.u8(FORMAT_MSGPACK);
    w.raw(msgpackEncode(br));
  }
}

export function readBatchResponse(r: BufReader): BatchResponse {
  const format = r.u8();
  if (format === FORMAT_MSGPACK) return readWholeMsgpack(r) as unknown as BatchResponse;
  if (format !== FORMAT_HOT) throw new CodecError(`bad batch response format ${format}`);
  const ok = r.bool();
  if (!ok) {
    const error = readItem<BatchError>(r, readErrorBody);
    return readExtras(r, { ok: false as const, error });
  }
  const writeTs = readTimestamp(r);
  const readTs = readTimestamp(r);
  const n = r.count();
  const responses = new Array<Response>(n);
  for (let i = 0; i < n; i++) responses[i] = readItem<Response>(r, readResponseBody);
  return readExtras(r, { ok: true as const, responses, writeTs, readTs });
}

function readWholeMsgpack(r: BufReader): Record<string, unknown> {
  const v = decodeMsgpack(r.buf.subarray(r.pos, r.end));
  r.pos = r.end;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CodecError('msgpack batch is not a map');
  return v as Record<string, unknown>;
}

export function encodeBatchRequest(ba: BatchRequest): Buffer {
  return encodeWith(writeBatchRequest, ba);
}

export function decodeBatchRequest(buf: Buffer): BatchRequest {
  const r = new BufReader(buf);
  const ba = readBatchRequest(r);
  r.expectDone();
  return ba;
}

export function encodeBatchResponse(br: BatchResponse): Buffer {
  return encodeWith(writeBatchResponse, br);
}

export function decodeBatchResponse(buf: Buffer): BatchResponse {
  const r = new BufReader(buf);
  const br = readBatchResponse(r);
  r.expectDone();
  return br;
}
