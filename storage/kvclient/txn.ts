// The transaction coordinator: implements Txn for sql/. Serializable snapshot isolation the
// CockroachDB way: reads at the read timestamp, writes as intents, the timestamp cache may
// push the write timestamp, and a transaction whose timestamp moved refreshes its read
// spans (or fails with KvError TxnRetry) before it commits at that timestamp. Read
// committed skips the refreshes (see `readCommitted`).
//
// Its steps run in a fixed order on every batch (CockroachDB's interceptor stack):
//   1. sequence numbers — each write gets the next seq; reads carry the current one
//      (first, so buffering and savepoints see numbered writes);
//   2. write buffer — puts/deletes (and conditional puts, after a locking read checked
//      them) wait in memory until something could observe them or the commit, so a
//      transaction's writes usually reach the store once, with EndTxn: a one-phase commit;
//   3. span refresher — records read spans; on writeTooOld it refreshes them to the new
//      timestamp and retries the batch (below the buffer, so a retry resends the flush);
//      a commit carries its refreshes in its own batch, atomically;
//   4. committer — EndTxn with the lock spans (condensed when many), sent to the range of
//      the anchor key (the first write's key, fixed from then on: intents carry it). When
//      every write lies in that range the DistSender sends writes and EndTxn together (1PC);
//      otherwise the writes go first to every range as intents (in parallel), then EndTxn
//      writes the record and answers the spans of other ranges, which the IntentResolver
//      resolves after the commit is acknowledged;
//   5. DistSender → Transport → store.

import { KvError } from '../api/index.js';
import type { KeyValue, KvRequest, KvResponse, ReadOptions, SavepointToken, ScanOptions, Timestamp, Txn, TxnOptions } from '../api/index.js';
import type { BatchError, Request, Response, Span } from '../api/batch.js';
import type { SeqRange, TxnMeta } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';
import { tsLess, tsMax } from '../hlc/timestamp.js';
import { keyNext } from '../keys/keys.js';
import { KEY_MAX } from '../keys/system.js';
import type { DistSender } from './dist-sender.js';
import type { IntentResolver } from './intent-resolver.js';
import { WriteBuffer } from './write-buffer.js';

/** Read spans kept for refreshing; beyond this a refresh is impossible (TxnRetry instead). */
const READ_SPANS_MAX = 10_000;
/** Refresh-and-retry rounds for one batch before giving up with TxnRetry. */
const REFRESH_ROUNDS_MAX = 20;
/**
 * Lock spans sent with EndTxn; beyond this they are condensed into one covering span, which
 * EndTxn resolves by scanning (cheaper than latching a million point spans).
 */
const LOCK_SPANS_MAX = 1024;
/** Read spans a commit batch re-validates itself; with more, the coordinator refreshes first. */
const IN_BATCH_REFRESH_SPANS_MAX = 256;
/** Conditional puts per transaction done as lock + buffered write; beyond, they write intents. */
const BUFFERED_CPUTS_MAX = 1024;
/** User keys start here: below is the store's LOCAL space. */
const USER_KEY_MIN = Buffer.from([0x02]);

export interface TxnDeps {
  readonly sender: DistSender;
  readonly id: Buffer;
  readonly now: Timestamp;
  /** Resolves intents on other ranges after EndTxn (absent: the coordinator leaves them to readers). */
  readonly resolver?: IntentResolver;
}

type Status = 'pending' | 'committed' | 'aborted';

export class TxnCoordinator implements Txn {
  readonly id: string;
  status: Status = 'pending';
  private meta: TxnMeta;
  private seq = 0;
  private ignored: SeqRange[] = [];
  private readonly buffer = new WriteBuffer();
  private readSpans: Span[] = [];
  private refreshInvalid = false;
  /** Keys and spans where intents may exist (sent writes). */
  private readonly lockSpans = new Map<string, Span>();
  /** Spans of locking reads sent (unreplicated locks live there until EndTxn releases them). */
  private readLockSpans: Span[] = [];
  /** The first key this transaction locked: the anchor when it never writes. */
  private firstLockKey: Buffer | null = null;
  private readonly resolver: IntentResolver | null;
  /**
   * A write or locking read was sent (successful or not): the store may hold locks or
   * queue claims for this transaction, so EndTxn must run to release them.
   */
  private mayHoldLocks = false;
  /** Conditional puts done as locking read + buffered write (bounded, see conditionalPut). */
  private bufferedCputs = 0;
  private readonly sender: DistSender;
  /**
   * Read committed: the transaction may move its read timestamp whenever it is pushed
   * without re-validating earlier reads (each read sees data committed before it; write
   * skew and non-repeatable reads are allowed, as in PostgreSQL's READ COMMITTED). Lost
   * updates stay impossible for locking reads (FOR UPDATE / UPDATE), which read the newest
   * version under an exclusive lock. No read spans are kept and no refresh ever fails.
   */
  private readonly readCommitted: boolean;

  constructor(deps: TxnDeps, opts: TxnOptions) {
    this.sender = deps.sender;
    this.resolver = deps.resolver ?? null;
    this.readCommitted = opts.isolation === 'read committed';
    this.id = deps.id.toString('hex');
    const ts = opts.readTimestamp ?? deps.now;
    const priority = opts.priority === 'low' ? 0 : opts.priority === 'high' ? 2 : 1;
    this.meta = { id: deps.id, epoch: 0, readTs: ts, writeTs: ts, seq: 0, ignoredSeqs: [], priority, anchorKey: null };
  }

  readTimestamp(): Timestamp {
    return this.meta.readTs;
  }

  async get(key: Buffer, opts: ReadOptions = {}): Promise<Buffer | null> {
    this.checkPending();
    checkKey(key);
    const lock = opts.lock ?? 'none';
    if (lock === 'none') {
      const buffered = this.buffer.get(key);
      if (buffered !== undefined) return buffered;
    }
    const [r] = await this.run([{ kind: 'get', key, lock, waitPolicy: opts.waitPolicy ?? 'block' }], opts);
    assert(r?.kind === 'get', 'txn: get response');
    return r.value;
  }

  async scan(key: Buffer, endKey: Buffer, opts: ScanOptions = {}): Promise<KeyValue[]> {
    this.checkPending();
    const start = clampStart(key);
    endKey = clampEnd(endKey);
    if (Buffer.compare(start, endKey) >= 0) return [];
    const req: KvRequest = { kind: 'scan', key: start, endKey, limit: opts.limit ?? 0, reverse: opts.reverse === true, lock: opts.lock ?? 'none', waitPolicy: opts.waitPolicy ?? 'block' };
    const [r] = await this.run([req], opts);
    assert(r?.kind === 'scan', 'txn: scan response');
    return r.rows as KeyValue[];
  }

  async put(key: Buffer, value: Buffer): Promise<void> {
    this.checkPending();
    checkKey(key);
    this.buffer.add(key, value, ++this.seq);
    if (this.buffer.full) await this.run([], {}); // mustFlush: the buffer is full
  }

  async delete(key: Buffer): Promise<void> {
    this.checkPending();
    checkKey(key);
    this.buffer.add(key, null, ++this.seq);
    if (this.buffer.full) await this.run([], {});
  }

  /**
   * A conditional put is a locking read (the key is locked even when absent, so no one else
   * can insert it) compared here, then a buffered put: the check answers now, the write
   * travels with the commit. Past BUFFERED_CPUTS_MAX per transaction (bulk loads) the lock
   * table would fill up, so it becomes a conditional intent write instead.
   */
  async conditionalPut(key: Buffer, value: Buffer, expected: Buffer | null): Promise<void> {
    this.checkPending();
    checkKey(key);
    if (this.bufferedCputs >= BUFFERED_CPUTS_MAX) {
      await this.run([{ kind: 'conditionalPut', key, value, expected, seq: ++this.seq }], {});
      return;
    }
    let actual = this.buffer.get(key);
    if (actual === undefined) {
      const [r] = await this.run([{ kind: 'get', key, lock: 'exclusive', lockNonExisting: true }], {});
      assert(r?.kind === 'get', 'txn: get response');
      actual = r.value;
    }
    const same = actual === null ? expected === null : expected !== null && actual.equals(expected);
    if (!same) throw new KvError('ConditionFailed', 'unexpected value', { actual });
    this.bufferedCputs++;
    this.buffer.add(key, value, ++this.seq);
    if (this.buffer.full) await this.run([], {});
  }

  async deleteRange(key: Buffer, endKey: Buffer): Promise<number> {
    this.checkPending();
    const start = clampStart(key);
    endKey = clampEnd(endKey);
    if (Buffer.compare(start, endKey) >= 0) return 0;
    const [r] = await this.run([{ kind: 'deleteRange', key: start, endKey, seq: ++this.seq }], {});
    assert(r?.kind === 'deleteRange', 'txn: deleteRange response');
    return r.deleted;
  }

  async send(requests: readonly KvRequest[]): Promise<KvResponse[]> {
    this.checkPending();
    const reqs: Request[] = requests.map((r) => {
      if (r.kind === 'get') {
        checkKey(r.key);
        return r;
      }
      if (r.kind === 'scan') return { ...r, key: clampStart(r.key), endKey: clampEnd(r.endKey) };
      if (r.kind === 'deleteRange') return { ...r, key: clampStart(r.key), endKey: clampEnd(r.endKey), seq: ++this.seq };
      checkKey(r.key);
      return { ...r, seq: ++this.seq };
    });
    // Empty spans after clamping answer locally.
    if (reqs.some((r) => (r.kind === 'scan' || r.kind === 'deleteRange') && Buffer.compare(r.key, r.endKey) >= 0)) {
      const out: KvResponse[] = [];
      for (const r of reqs) {
        if ((r.kind === 'scan' || r.kind === 'deleteRange') && Buffer.compare(r.key, r.endKey) >= 0) {
          out.push(r.kind === 'scan' ? { kind: 'scan', rows: [], resumeKey: null } : { kind: 'deleteRange', deleted: 0 });
        } else out.push(...((await this.run([r], {})) as KvResponse[]));
      }
      return out;
    }
    // The header carries the batch's wait policy: the strictest one any read asked for.
    let waitPolicy: ReadOptions['waitPolicy'] = 'block';
    for (const r of requests) if ((r.kind === 'get' || r.kind === 'scan') && r.waitPolicy && r.waitPolicy !== 'block') waitPolicy = r.waitPolicy;
    return (await this.run(reqs, { waitPolicy })) as KvResponse[];
  }

  savepoint(): SavepointToken {
    this.checkPending();
    return { seq: this.seq };
  }

  async rollbackToSavepoint(token: SavepointToken): Promise<void> {
    this.checkPending();
    assert(token.seq <= this.seq, 'txn: savepoint from the future');
    if (token.seq === this.seq) return;
    this.buffer.rollbackTo(token.seq);
    this.ignored.push({ start: token.seq + 1, end: this.seq });
    // Writes after the rollback must not reuse ignored numbers: seq keeps growing.
  }

  async commit(): Promise<void> {
    this.checkPending();
    if (this.buffer.size === 0 && this.lockSpans.size === 0 && !this.mayHoldLocks) {
      this.status = 'committed'; // read-only: nothing to resolve, nothing to release
      return;
    }
    try {
      const remote = await this.run([], {}, true);
      this.status = 'committed';
      if (remote) await this.resolveRemote('committed', remote);
    } catch (e) {
      if (this.status === 'pending') await this.abort();
      throw e;
    }
  }

  async rollback(): Promise<void> {
    if (this.status !== 'pending') return;
    await this.abort();
  }

  // ---- internals -------------------------------------------------------------------------

  private checkPending(): void {
    if (this.status !== 'pending') throw new KvError('TxnFinished', `transaction ${this.id} is already ${this.status}`);
  }

  /**
   * Sends buffered writes + `requests` (+ EndTxn when committing) as one batch, refreshing
   * and retrying on writeTooOld. Returns the responses to `requests` only.
   */
  private async run(requests: readonly Request[], opts: ReadOptions): Promise<Response[]>;
  private async run(requests: readonly Request[], opts: ReadOptions, commit: true): Promise<readonly Span[] | null>;
  private async run(requests: readonly Request[], opts: ReadOptions, commit = false): Promise<Response[] | readonly Span[] | null> {
    for (let round = 0; round < REFRESH_ROUNDS_MAX; round++) {
      // A commit re-validates its reads inside its own batch when they are few: atomic with
      // the writes, so the replica may move the timestamp freely (no refresh round trips, and
      // no livelock of transactions whose refreshes keep pushing each other's commits).
      const inBatchRefresh = commit && !this.readCommitted && !this.refreshInvalid && this.readSpans.length <= IN_BATCH_REFRESH_SPANS_MAX;
      if (commit && !inBatchRefresh && tsLess(this.meta.readTs, this.meta.writeTs) && !(await this.refresh(this.meta.writeTs))) {
        throw await this.fail('TxnRetry', 'serialization failure: reads changed before commit (refresh failed)');
      }
      const flushed = commit || this.mustFlush(requests) ? this.buffer.requests() : NO_REQUESTS;
      const refreshes: Request[] = inBatchRefresh ? this.readSpans.map((s) => ({ kind: 'refresh', key: s.key, endKey: s.endKey, fromTs: this.meta.readTs, toTs: null })) : NO_REQUESTS;
      const batch: Request[] = flushed.length === 0 && refreshes.length === 0 ? requests.slice() : [...refreshes, ...flushed, ...requests];
      if (batch.length === 0 && !commit) return [];
      this.noteLocks(batch);
      if (commit) batch.push(this.endTxnRequest(true));
      const header = {
        txn: { ...this.meta, seq: this.seq, ignoredSeqs: this.ignored.slice() },
        waitPolicy: opts.waitPolicy ?? 'block',
        canForwardReadTs: this.readCommitted || inBatchRefresh || (this.readSpans.length === 0 && !this.refreshInvalid),
      };
      if (!this.mayHoldLocks && batch.some(takesLocks)) this.mayHoldLocks = true;
      const resp = await this.sender.send(header, batch);
      const skip = refreshes.length + flushed.length;
      if (resp.ok) {
        this.afterSuccess(batch, resp);
        if (flushed.length > 0) this.buffer.clear();
        if (commit) return remoteSpansOf(resp.responses[resp.responses.length - 1]);
        return resp.responses.slice(skip, skip + requests.length) as Response[];
      }
      await this.handleError(resp.error, skip);
    }
    throw await this.fail('TxnRetry', 'transaction retried its timestamp too often');
  }

  /**
   * Buffered writes stay buffered until something could observe or reorder them: a scan or
   * range delete (which may cover them), any request on a buffered key, or a full buffer.
   * A point read of another key does not flush, so a transaction's writes usually reach
   * the store together with its commit.
   */
  private mustFlush(requests: readonly Request[]): boolean {
    if (this.buffer.size === 0) return false;
    if (this.buffer.full) return true;
    for (const r of requests) {
      if (r.kind === 'scan' || r.kind === 'deleteRange' || r.kind === 'endTxn' || r.kind === 'refresh') return true;
      if (this.buffer.get(r.key) !== undefined) return true;
    }
    return false;
  }

  private async handleError(err: BatchError, flushedCount: number): Promise<void> {
    switch (err.kind) {
      case 'writeTooOld':
        if (await this.refresh(err.actualTs)) return; // retry the batch at the new timestamp
        throw await this.fail('TxnRetry', 'serialization failure: write too old and reads could not be refreshed');
      case 'refreshFailed':
        throw await this.fail('TxnRetry', 'serialization failure: refresh failed');
      case 'rangeKeyMismatch':
        throw new KvError('Unavailable', `range ${err.rangeId} does not hold the keys`);
      case 'kv':
        if (err.code === 'Deadlock' || err.code === 'TxnAborted') throw await this.fail(err.code, err.message);
        if (err.code === 'ConditionFailed') {
          assert(err.index >= flushedCount, 'txn: condition failure on a buffered write');
          throw new KvError('ConditionFailed', err.message, { actual: err.actual ?? null });
        }
        throw new KvError(err.code, err.message);
    }
  }

  /** Records what a successful batch read and wrote. */
  private afterSuccess(batch: readonly Request[], resp: { readonly readTs: Timestamp; readonly writeTs: Timestamp }): void {
    // A batch allowed to forward its read timestamp may have been evaluated at a later one.
    if (tsLess(this.meta.readTs, resp.readTs)) this.meta = { ...this.meta, readTs: resp.readTs };
    if (tsLess(this.meta.writeTs, resp.writeTs)) this.meta = { ...this.meta, writeTs: resp.writeTs };
    for (const r of batch) {
      switch (r.kind) {
        case 'get':
          this.addRead({ key: r.key, endKey: null });
          break;
        case 'scan':
          this.addRead({ key: r.key, endKey: r.endKey });
          break;
        case 'conditionalPut':
          this.addRead({ key: r.key, endKey: null });
          this.addLock({ key: r.key, endKey: null });
          break;
        case 'put':
        case 'delete':
          this.addLock({ key: r.key, endKey: null });
          break;
        case 'deleteRange':
          this.addRead({ key: r.key, endKey: r.endKey });
          this.addLock({ key: r.key, endKey: r.endKey });
          break;
        case 'endTxn':
        case 'refresh':
          break;
      }
    }
  }

  private addRead(span: Span): void {
    if (this.refreshInvalid || this.readCommitted) return;
    if (this.readSpans.length >= READ_SPANS_MAX) {
      this.refreshInvalid = true;
      this.readSpans = [];
      return;
    }
    this.readSpans.push(span);
  }

  private addLock(span: Span): void {
    const k = (span.endKey ? 'r' : 'p') + span.key.toString('latin1') + (span.endKey ? `\u0000${span.endKey.toString('latin1')}` : '');
    this.lockSpans.set(k, span);
  }

  private commitSpans(): Span[] {
    const spans = [...this.lockSpans.values()];
    for (const key of this.buffer.keys()) if (!this.lockSpans.has(`p${key.toString('latin1')}`)) spans.push({ key, endKey: null });
    return condense(spans);
  }

  /** Moves the read timestamp to `toTs` if every read so far is still valid there. */
  private async refresh(toTs: Timestamp): Promise<boolean> {
    if (this.refreshInvalid) return false;
    if (!tsLess(this.meta.readTs, toTs)) {
      this.meta = { ...this.meta, writeTs: tsMax(this.meta.writeTs, toTs) };
      return true;
    }
    if (this.readSpans.length > 0) {
      const fromTs = this.meta.readTs;
      const reqs: Request[] = this.readSpans.map((s) => ({ kind: 'refresh', key: s.key, endKey: s.endKey, fromTs, toTs }));
      const header = { txn: { ...this.meta, seq: this.seq, ignoredSeqs: this.ignored.slice() } };
      const resp = await this.sender.send(header, reqs);
      if (!resp.ok) return false;
    }
    this.meta = { ...this.meta, readTs: toTs, writeTs: tsMax(this.meta.writeTs, toTs) };
    return true;
  }

  /** Aborts (releasing intents and locks) and returns the error to throw. */
  private async fail(code: KvError['code'], message: string): Promise<KvError> {
    await this.abort();
    return new KvError(code, message);
  }

  private async abort(): Promise<void> {
    this.status = 'aborted';
    this.buffer.clear();
    if (this.lockSpans.size === 0 && !this.mayHoldLocks) return;
    const end = this.endTxnRequest(false);
    const header = { txn: { ...this.meta, seq: this.seq, ignoredSeqs: this.ignored.slice() } };
    const resp = await this.sender.send(header, [end]);
    // An abort cannot conflict: intents are ours and EndTxn takes no locks. A closed store is
    // the only other answer (its intents are cleaned up as abandoned after a restart).
    assert(resp.ok || (resp.error.kind === 'kv' && resp.error.code === 'Unavailable'), `txn: abort failed: ${resp.ok ? '' : resp.error.kind}`);
    const remote = resp.ok ? remoteSpansOf(resp.responses[0]) : null;
    if (remote) await this.resolveRemote('aborted', remote);
  }

  /** EndTxn for this transaction; fixes the anchor (first lock) if no write fixed it. */
  private endTxnRequest(commit: boolean): Request {
    if (this.meta.anchorKey === null) {
      assert(this.firstLockKey !== null, 'txn: EndTxn of a transaction that never locked');
      this.meta = { ...this.meta, anchorKey: this.firstLockKey };
    }
    const lockSpans = commit ? this.commitSpans() : condense([...this.lockSpans.values()]);
    if (this.readLockSpans.length === 0) return { kind: 'endTxn', commit, lockSpans };
    return { kind: 'endTxn', commit, lockSpans, readLockSpans: condense(this.readLockSpans) };
  }

  /**
   * Before a batch leaves: the first write fixes the anchor key (every intent carries it);
   * locking reads are remembered so EndTxn can release their locks on every range.
   */
  private noteLocks(batch: readonly Request[]): void {
    for (const r of batch) {
      if (r.kind === 'put' || r.kind === 'delete' || r.kind === 'conditionalPut' || r.kind === 'deleteRange') {
        if (this.meta.anchorKey === null) {
          // A copy: the caller may reuse its key buffer; the anchor lives as long as the txn.
          const anchor = Buffer.from(r.key);
          this.firstLockKey ??= anchor;
          this.meta = { ...this.meta, anchorKey: anchor };
        }
        continue;
      }
      if ((r.kind === 'get' || r.kind === 'scan') && r.lock !== undefined && r.lock !== 'none') {
        this.firstLockKey ??= Buffer.from(r.key);
        if (this.readLockSpans.length < READ_SPANS_MAX) this.readLockSpans.push({ key: r.key, endKey: r.kind === 'scan' ? r.endKey : null });
      }
    }
  }

  /** Hands the intents outside the anchor's range to the resolver (after the outcome is durable). */
  private async resolveRemote(status: 'committed' | 'aborted', spans: readonly Span[]): Promise<void> {
    if (!this.resolver) return;
    await this.resolver.enqueue({ ...this.meta, seq: this.seq, ignoredSeqs: this.ignored.slice() }, status, spans);
  }
}

/** One span covering all of `spans` when there are too many to send one by one. */
function condense(spans: Span[]): Span[] {
  if (spans.length <= LOCK_SPANS_MAX) return spans;
  let lo = spans[0]!.key;
  let hi = spanEnd(spans[0]!);
  for (const s of spans) {
    if (Buffer.compare(s.key, lo) < 0) lo = s.key;
    const e = spanEnd(s);
    if (Buffer.compare(e, hi) > 0) hi = e;
  }
  return [{ key: lo, endKey: hi }];
}

function spanEnd(s: Span): Buffer {
  return s.endKey ?? keyNext(s.key);
}

const NO_REQUESTS: Request[] = [];

function remoteSpansOf(r: Response | undefined): readonly Span[] | null {
  assert(r?.kind === 'endTxn', 'txn: endTxn response');
  return r.remoteSpans !== undefined && r.remoteSpans.length > 0 ? r.remoteSpans : null;
}

/** Requests that may leave locks or queue claims behind in the store. */
function takesLocks(r: Request): boolean {
  if (r.kind === 'get' || r.kind === 'scan') return r.lock !== undefined && r.lock !== 'none';
  return r.kind !== 'refresh' && r.kind !== 'endTxn';
}

function checkKey(key: Buffer): void {
  assert(Buffer.compare(key, USER_KEY_MIN) >= 0, 'txn: keys below 0x02 are reserved for the store');
  assert(Buffer.compare(key, KEY_MAX) < 0, 'txn: keys at or above KEY_MAX (0xffff) are not addressable');
}

function clampStart(key: Buffer): Buffer {
  return Buffer.compare(key, USER_KEY_MIN) < 0 ? USER_KEY_MIN : key;
}

function clampEnd(key: Buffer): Buffer {
  return Buffer.compare(key, KEY_MAX) > 0 ? KEY_MAX : key;
}
