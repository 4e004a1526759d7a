// DistSender: routes a BatchRequest to the ranges holding its keys, using a cache of range
// descriptors filled from the meta range (rangeLookup), and sends the parts through the
// Transport to each range's leaseholder. The common case — every request in one cached
// range — is one binary search and one send. Otherwise the batch is divided:
//   * consecutive requests without limits form a stage: each is cut at range boundaries,
//     the pieces are grouped by range (keeping request order within a range) and the parts
//     are sent in parallel, then reassembled per request in key order;
//   * a scan with a limit is a stage of its own that walks range by range (forward or
//     reverse) until the limit is met, answering the right resume key;
//   * endTxn comes last, alone, on its anchor's range, after every intent is written
//     (the 2PC prepare is the earlier stages; the commit record is this one).
// A divided batch never lets a replica move its read timestamp (the parts must agree on it).
// Retries: rangeKeyMismatch (cache updated from the reply, batch re-divided), rangeNotFound
// (entry evicted), notLeaseholder (resent to the named leaseholder); all bounded.

import type { BatchError, BatchHeader, BatchRequest, BatchResponse, Request, Response, Span } from '../api/batch.js';
import type { Timestamp } from '../api/index.js';
import type { KeyValue } from '../api/index.js';
import type { RangeDescriptor } from '../api/range.js';
import type { Transport } from '../api/transport.js';
import type { TxnMeta } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';
import { tsLess, ZERO_TS } from '../hlc/timestamp.js';
import { META_PREFIX } from '../keys/system.js';
import { RangeCache } from './range-cache.js';

/** Re-divisions of one batch after stale routing before giving up (Unavailable). */
const ROUTING_RETRIES_MAX = 12;
/** Descriptors prefetched by each meta lookup. */
const LOOKUP_PREFETCH = 8;
/** Distinct meta lookups in flight at once (each is one small request to the meta range). */
const LOOKUPS_INFLIGHT_MAX = 100_000;

export type SendHeader = Omit<BatchHeader, 'rangeId'>;

type OkResponse = Extract<BatchResponse, { ok: true }>;

/** The header rangeLookup and other non-transactional requests travel under. */
export const NON_TXN_META: TxnMeta = Object.freeze({
  id: Buffer.alloc(16),
  epoch: 0,
  readTs: ZERO_TS,
  writeTs: ZERO_TS,
  seq: 0,
  ignoredSeqs: [],
  priority: 1,
  anchorKey: null,
});

interface Piece {
  readonly req: Request;
  /** Index of the original request in the stage's batch. */
  readonly origin: number;
  /** Order of this piece among the pieces of its request (key order). */
  readonly order: number;
}

export class DistSender {
  readonly cache = new RangeCache();
  private meta: RangeDescriptor | null = null;
  /** Meta lookups in flight, by key. */
  private readonly lookups = new Map<string, Promise<RangeDescriptor>>();
  /** rangeId → node of its leaseholder, learned from notLeaseholder replies. */
  private readonly leaseholders = new Map<number, number>();
  /** Batches that needed more than one range (metrics, tests). */
  dividedCount = 0;
  lookupCount = 0;

  constructor(
    private readonly transport: Transport,
    /** The node asked for descriptors (the gateway itself for now). */
    private readonly nodeId: number,
  ) {}

  /**
   * Learns where the meta range is (the bootstrap of every other lookup) and warms the cache
   * with the other descriptors the node knows (its own replicas': a free prefetch).
   */
  async init(opts: { readonly warm?: boolean } = {}): Promise<void> {
    const descs = await this.transport.rangeDescriptors(this.nodeId);
    this.meta = descs.find((d) => d.startKey.equals(META_PREFIX)) ?? null;
    assert(this.meta !== null, 'dist sender: the node does not know the meta range');
    if (opts.warm !== false) for (const d of descs) if (d !== this.meta) this.cache.insert(d);
  }

  /** Sends `requests` under `header` (whose rangeId is filled in per part). */
  send(header: SendHeader, requests: readonly Request[]): Promise<BatchResponse> {
    const desc = this.cachedSingleRange(header, requests);
    if (desc !== undefined) return this.sendToRange(header, requests, desc, 0);
    return this.sendDivided(header, requests, 0);
  }

  /** The descriptor of the range holding `key` (cache, else meta). */
  async rangeFor(key: Buffer): Promise<RangeDescriptor> {
    return this.lookup(key);
  }

  /** Adds descriptors learned elsewhere (a split this client made). */
  updateCache(descs: readonly RangeDescriptor[]): void {
    for (const d of descs) this.cache.insert(d);
  }

  // ---- routing ----------------------------------------------------------------------------

  /** The cached range holding every request of the batch, if there is one (no allocation). */
  private cachedSingleRange(header: SendHeader, requests: readonly Request[]): RangeDescriptor | undefined {
    let desc: RangeDescriptor | undefined;
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i]!;
      const key = routingKey(header, r);
      if (desc === undefined) {
        desc = this.cache.lookup(key);
        if (desc === undefined) return undefined;
      } else if (Buffer.compare(key, desc.startKey) < 0 || Buffer.compare(key, desc.endKey) >= 0) return undefined;
      const end = spanEndOf(r);
      if (end !== null && Buffer.compare(end, desc.endKey) > 0) return undefined;
    }
    return desc;
  }

  private async lookup(key: Buffer): Promise<RangeDescriptor> {
    const hit = this.cache.lookup(key);
    if (hit) return hit;
    const meta = this.metaDesc();
    if (Buffer.compare(key, meta.startKey) >= 0 && Buffer.compare(key, meta.endKey) < 0) return meta;
    return this.lookupMeta(key, false);
  }

  private async lookupEndInclusive(key: Buffer): Promise<RangeDescriptor> {
    const hit = this.cache.lookupEndInclusive(key);
    if (hit) return hit;
    const meta = this.metaDesc();
    if (Buffer.compare(key, meta.startKey) > 0 && Buffer.compare(key, meta.endKey) <= 0) return meta;
    return this.lookupMeta(key, true);
  }

  private metaDesc(): RangeDescriptor {
    assert(this.meta !== null, 'dist sender: init() first');
    return this.meta;
  }

  /** Concurrent misses for one key share one meta lookup (a split makes many at once). */
  private lookupMeta(key: Buffer, endInclusive: boolean): Promise<RangeDescriptor> {
    const k = (endInclusive ? 'i' : 'x') + key.toString('latin1');
    const inflight = this.lookups.get(k);
    if (inflight) return inflight;
    assert(this.lookups.size < LOOKUPS_INFLIGHT_MAX, 'dist sender: too many range lookups in flight');
    const p = this.lookupMetaOnce(key, endInclusive).finally(() => this.lookups.delete(k));
    this.lookups.set(k, p);
    return p;
  }

  private async lookupMetaOnce(key: Buffer, endInclusive: boolean): Promise<RangeDescriptor> {
    this.lookupCount++;
    const req: Request = { kind: 'rangeLookup', key, endInclusive, prefetch: LOOKUP_PREFETCH };
    const resp = await this.sendToRange({ txn: NON_TXN_META }, [req], this.metaDesc(), 0);
    if (!resp.ok) throw new Error(`dist sender: range lookup failed: ${resp.error.kind}`);
    const r = resp.responses[0]!;
    assert(r.kind === 'rangeLookup' && r.ranges.length > 0, 'dist sender: meta has no range for the key');
    for (const d of r.ranges) this.cache.insert(d);
    return r.ranges[0]!;
  }

  private nodeFor(desc: RangeDescriptor): number {
    return this.leaseholders.get(desc.rangeId) ?? desc.replicas[0]!.nodeId;
  }

  // ---- sending ----------------------------------------------------------------------------

  /** Sends a batch that lies in `desc`; on stale routing re-divides it. */
  private async sendToRange(header: SendHeader, requests: readonly Request[], desc: RangeDescriptor, attempt: number): Promise<BatchResponse> {
    const ba: BatchRequest = { header: { ...header, rangeId: desc.rangeId }, requests };
    const resp = await this.transport.send(this.nodeFor(desc), ba);
    if (resp.ok || attempt >= ROUTING_RETRIES_MAX) return resp;
    const err = resp.error;
    switch (err.kind) {
      case 'rangeKeyMismatch':
        this.cache.evict(desc);
        for (const d of err.ranges ?? []) this.cache.insert(d);
        return this.sendDivided(header, requests, attempt + 1);
      case 'rangeNotFound':
        this.cache.evict(desc);
        this.leaseholders.delete(desc.rangeId);
        return this.sendDivided(header, requests, attempt + 1);
      case 'notLeaseholder':
        if (err.leaseholder) this.leaseholders.set(desc.rangeId, err.leaseholder.nodeId);
        return this.sendToRange(header, requests, desc, attempt + 1);
      default:
        return resp;
    }
  }

  /** The general path: routes every request (looking ranges up), then sends stage by stage. */
  private async sendDivided(header: SendHeader, requests: readonly Request[], attempt: number): Promise<BatchResponse> {
    const single = await this.singleRange(header, requests);
    if (single) return this.sendToRange(header, requests, single, attempt);
    if (header.canForwardReadTs === true && requests.some(isInBatchRefresh)) return this.sendWithoutInBatchRefreshes(header, requests, attempt);
    this.dividedCount++;
    const out: Response[] = new Array<Response>(requests.length);
    let writeTs = header.txn.writeTs;
    let i = 0;
    while (i < requests.length) {
      const r = requests[i]!;
      let j = i + 1;
      if (r.kind !== 'endTxn' && !isLimitedScan(r)) {
        while (j < requests.length && requests[j]!.kind !== 'endTxn' && !isLimitedScan(requests[j]!)) j++;
      }
      const stageHeader: SendHeader = { ...header, canForwardReadTs: false, txn: writeTs === header.txn.writeTs ? header.txn : { ...header.txn, writeTs } };
      // The last stage before EndTxn: the anchor range's part travels with EndTxn.
      const end = j === requests.length - 1 && requests[j]!.kind === 'endTxn' && r.kind !== 'endTxn' && !isLimitedScan(r) ? requests[j]! : null;
      const stage = requests.slice(i, j);
      let resp: BatchResponse;
      if (r.kind === 'endTxn') resp = await this.sendToRange(stageHeader, stage, await this.lookup(routingKey(header, r)), attempt);
      else if (isLimitedScan(r)) resp = await this.sendLimitedScan(stageHeader, r as ScanRequest, attempt);
      else resp = await this.sendParallel(stageHeader, stage, attempt, end);
      if (end) j++;
      if (!resp.ok) return resp.error.kind === 'kv' && resp.error.index >= 0 ? { ok: false, error: { ...resp.error, index: resp.error.index + i } } : resp;
      for (let k = 0; k < resp.responses.length; k++) out[i + k] = resp.responses[k]!;
      if (tsLess(writeTs, resp.writeTs)) writeTs = resp.writeTs;
      i = j;
    }
    return { ok: true, responses: out, writeTs, readTs: header.txn.readTs };
  }

  /**
   * In-batch refreshes (toTs null) validate reads at whatever read timestamp the replica
   * moves the batch to; a divided batch cannot move it, so they would check nothing. Drop
   * them and forbid the move instead: the rest (say, every write and EndTxn) may then still
   * fit one range — a one-phase commit — and a pushed commit gets writeTooOld, which the
   * coordinator answers with an explicit refresh.
   */
  private async sendWithoutInBatchRefreshes(header: SendHeader, requests: readonly Request[], attempt: number): Promise<BatchResponse> {
    const kept: number[] = [];
    for (let i = 0; i < requests.length; i++) if (!isInBatchRefresh(requests[i]!)) kept.push(i);
    const resp = await this.sendDivided({ ...header, canForwardReadTs: false }, kept.map((i) => requests[i]!), attempt);
    if (!resp.ok) {
      const e = resp.error;
      if (e.kind !== 'kv' || e.index < 0) return resp;
      return { ok: false, error: { ...e, index: kept[e.index]! } };
    }
    const responses: Response[] = [];
    let k = 0;
    for (const r of requests) responses.push(isInBatchRefresh(r) ? REFRESH_RESPONSE : resp.responses[k++]!);
    return { ...resp, responses };
  }

  /** The range holding the whole batch, looking ranges up as needed; undefined if several. */
  private async singleRange(header: SendHeader, requests: readonly Request[]): Promise<RangeDescriptor | undefined> {
    let desc: RangeDescriptor | undefined;
    for (const r of requests) {
      const key = routingKey(header, r);
      if (desc === undefined) desc = await this.lookup(key);
      else if (Buffer.compare(key, desc.startKey) < 0 || Buffer.compare(key, desc.endKey) >= 0) return undefined;
      const end = spanEndOf(r);
      if (end !== null && Buffer.compare(end, desc.endKey) > 0) return undefined;
    }
    return desc;
  }

  /**
   * Cuts each request at range boundaries, sends one part per range in parallel, reassembles.
   * With `endTxn`, the part on the anchor's range is held back and sent after the others,
   * together with EndTxn (its intents and the commit record in one write).
   */
  private async sendParallel(header: SendHeader, requests: readonly Request[], attempt: number, endTxn: Request | null = null): Promise<BatchResponse> {
    const parts = new Map<number, { desc: RangeDescriptor; pieces: Piece[] }>();
    for (let i = 0; i < requests.length; i++) {
      const pieces = await this.cut(requests[i]!);
      for (let k = 0; k < pieces.length; k++) {
        const { desc, req } = pieces[k]!;
        let p = parts.get(desc.rangeId);
        if (!p) parts.set(desc.rangeId, (p = { desc, pieces: [] }));
        p.pieces.push({ req, origin: i, order: k });
      }
    }
    let anchor: { desc: RangeDescriptor; pieces: Piece[] } | null = null;
    if (endTxn) {
      const desc = await this.lookup(routingKey(header, endTxn));
      anchor = parts.get(desc.rangeId) ?? { desc, pieces: [] };
      parts.delete(desc.rangeId);
    }
    const list = [...parts.values()];
    const resps = await Promise.all(list.map((p) => this.sendToRange(header, p.pieces.map((x) => x.req), p.desc, attempt)));
    const errors: BatchError[] = [];
    for (let n = 0; n < resps.length; n++) {
      const resp = resps[n]!;
      if (resp.ok) continue;
      const e = resp.error;
      errors.push(e.kind === 'kv' && e.index >= 0 ? { ...e, index: list[n]!.pieces[e.index]!.origin } : e);
    }
    if (errors.length > 0) return { ok: false, error: pickError(errors) };
    if (!anchor || !endTxn) return this.reassemble(header, requests, list, resps as OkResponse[]);
    // Phase two: every other range holds its intents; the anchor part commits with EndTxn.
    let writeTs = header.txn.writeTs;
    for (const r of resps as OkResponse[]) if (tsLess(writeTs, r.writeTs)) writeTs = r.writeTs;
    const h: SendHeader = writeTs === header.txn.writeTs ? header : { ...header, txn: { ...header.txn, writeTs } };
    const pieces = anchor.pieces;
    const last = await this.sendToRange(h, [...pieces.map((x) => x.req), endTxn], anchor.desc, attempt);
    if (!last.ok) {
      const e = last.error;
      if (e.kind !== 'kv' || e.index < 0) return last;
      return { ok: false, error: { ...e, index: e.index < pieces.length ? pieces[e.index]!.origin : requests.length } };
    }
    list.push(anchor);
    (resps as OkResponse[]).push({ ...last, responses: last.responses.slice(0, pieces.length) });
    const out = this.reassemble(header, requests, list, resps as OkResponse[]);
    if (!out.ok) return out;
    return { ...out, responses: [...out.responses, last.responses[pieces.length]!] };
  }

  /** One request's pieces, one per range it touches, in key order. */
  private async cut(req: Request): Promise<Array<{ desc: RangeDescriptor; req: Request }>> {
    const end = spanEndOf(req);
    if (end === null) return [{ desc: await this.lookup(routingKey(null, req)), req }];
    const r = req as SpanRequest;
    const out: Array<{ desc: RangeDescriptor; req: Request }> = [];
    let key = r.key;
    while (Buffer.compare(key, end) < 0) {
      const desc = await this.lookup(key);
      const pieceEnd = Buffer.compare(desc.endKey, end) < 0 ? desc.endKey : end;
      out.push({ desc, req: key === r.key && pieceEnd === end ? req : ({ ...r, key, endKey: pieceEnd } as Request) });
      key = pieceEnd;
    }
    // An empty span still gets its (empty) answer from the range holding its key.
    if (out.length === 0) out.push({ desc: await this.lookup(r.key), req });
    return out;
  }

  private reassemble(header: SendHeader, requests: readonly Request[], parts: ReadonlyArray<{ pieces: Piece[] }>, resps: readonly OkResponse[]): BatchResponse {
    const byOrigin: Array<Array<{ order: number; resp: Response }>> = requests.map(() => []);
    let writeTs: Timestamp = header.txn.writeTs;
    for (let n = 0; n < parts.length; n++) {
      const resp = resps[n]!;
      if (tsLess(writeTs, resp.writeTs)) writeTs = resp.writeTs;
      const pieces = parts[n]!.pieces;
      for (let k = 0; k < pieces.length; k++) byOrigin[pieces[k]!.origin]!.push({ order: pieces[k]!.order, resp: resp.responses[k]! });
    }
    const responses = requests.map((req, i) => mergePieces(req, byOrigin[i]!.sort((a, b) => a.order - b.order).map((x) => x.resp)));
    return { ok: true, responses, writeTs, readTs: header.txn.readTs };
  }

  /** A scan with a limit: range by range in its direction until the limit is met. */
  private async sendLimitedScan(header: SendHeader, req: ScanRequest, attempt: number): Promise<BatchResponse> {
    const reverse = req.reverse === true;
    let remaining = req.limit!;
    const rows: KeyValue[] = [];
    let writeTs = header.txn.writeTs;
    let lo = req.key;
    let hi = req.endKey;
    for (;;) {
      const desc = reverse ? await this.lookupEndInclusive(hi) : await this.lookup(lo);
      const pieceLo = !reverse || Buffer.compare(desc.startKey, lo) <= 0 ? lo : desc.startKey;
      const pieceHi = reverse || Buffer.compare(desc.endKey, hi) >= 0 ? hi : desc.endKey;
      const piece: ScanRequest = { ...req, key: pieceLo, endKey: pieceHi, limit: remaining };
      const resp = await this.sendToRange(header, [piece], desc, attempt);
      if (!resp.ok) return resp;
      if (tsLess(writeTs, resp.writeTs)) writeTs = resp.writeTs;
      const r = resp.responses[0]!;
      assert(r.kind === 'scan', 'dist sender: scan response');
      for (const row of r.rows) rows.push(row);
      remaining -= r.rows.length;
      let resumeKey: Buffer | null = r.resumeKey;
      const done = reverse ? Buffer.compare(pieceLo, req.key) <= 0 : Buffer.compare(pieceHi, req.endKey) >= 0;
      if (resumeKey === null && remaining <= 0 && !done) resumeKey = reverse ? pieceLo : pieceHi;
      if (resumeKey !== null || done) return { ok: true, responses: [{ kind: 'scan', rows, resumeKey }], writeTs, readTs: header.txn.readTs };
      if (reverse) hi = pieceLo;
      else lo = pieceHi;
    }
  }
}

type ScanRequest = Extract<Request, { kind: 'scan' }>;
type SpanRequest = Extract<Request, { kind: 'scan' | 'deleteRange' | 'refresh' | 'resolveIntent' }>;

const REFRESH_RESPONSE: Response = Object.freeze({ kind: 'refresh' });

function isInBatchRefresh(r: Request): boolean {
  return r.kind === 'refresh' && r.toTs === null;
}

function isLimitedScan(r: Request): boolean {
  return r.kind === 'scan' && r.limit !== undefined && r.limit > 0;
}

/** The key that decides where a request goes. */
function routingKey(header: SendHeader | null, r: Request): Buffer {
  if (r.kind === 'endTxn') {
    const anchor = header?.txn.anchorKey ?? null;
    assert(anchor !== null, 'dist sender: endTxn without an anchor key');
    return anchor;
  }
  return r.key;
}

/** The exclusive end of a span request; null for point requests. */
function spanEndOf(r: Request): Buffer | null {
  switch (r.kind) {
    case 'scan':
    case 'deleteRange':
      return r.endKey;
    case 'refresh':
    case 'resolveIntent':
      return r.endKey;
    default:
      return null;
  }
}

/** Combines the responses of one request's pieces (in key order). */
function mergePieces(req: Request, resps: readonly Response[]): Response {
  if (resps.length === 1) return resps[0]!;
  assert(resps.length > 1, 'dist sender: a request without a response');
  switch (req.kind) {
    case 'scan': {
      const ordered = req.reverse ? [...resps].reverse() : resps;
      const rows: KeyValue[] = [];
      for (const r of ordered) if (r.kind === 'scan') for (const row of r.rows) rows.push(row);
      return { kind: 'scan', rows, resumeKey: null };
    }
    case 'deleteRange': {
      let deleted = 0;
      for (const r of resps) if (r.kind === 'deleteRange') deleted += r.deleted;
      return { kind: 'deleteRange', deleted };
    }
    case 'resolveIntent': {
      let resolved = 0;
      let resumeKey: Buffer | null = null;
      for (const r of resps) {
        if (r.kind !== 'resolveIntent') continue;
        resolved += r.resolved;
        if (r.resumeKey !== null && (resumeKey === null || Buffer.compare(r.resumeKey, resumeKey) < 0)) resumeKey = r.resumeKey;
      }
      return { kind: 'resolveIntent', resolved, resumeKey };
    }
    default:
      return resps[0]!;
  }
}

/** The error a divided batch reports: a KvError for the caller first, then the largest push. */
function pickError(errors: readonly BatchError[]): BatchError {
  const rank = (e: BatchError): number => (e.kind === 'kv' ? 0 : e.kind === 'refreshFailed' ? 1 : e.kind === 'writeTooOld' ? 2 : 3);
  let best = errors[0]!;
  for (const e of errors) {
    if (rank(e) < rank(best)) best = e;
    else if (e.kind === 'writeTooOld' && best.kind === 'writeTooOld' && tsLess(best.actualTs, e.actualTs)) best = e;
  }
  return best;
}

export type { Span };
