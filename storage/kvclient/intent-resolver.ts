// Resolution of finished transactions' intents on ranges other than their anchors': after
// EndTxn answered remoteSpans (the commit is already durable, or the abort recorded), the
// coordinator hands them here and acknowledges at once. Work arriving in the same turn
// (the commits of one group-commit write finish together) is coalesced: one batch of
// resolveIntent requests for all of them (the DistSender splits it by range, in parallel,
// and bounded replies are resumed), then one batch deleting their txn records
// (gcTxnRecord). Bounded: RESOLVE_TXNS_INFLIGHT_MAX transactions queued or in flight; a new
// one waits for a slot (backpressure on commits). A failure is only logged: readers that
// meet a leftover intent resolve it from the record, which then stays.

import type { Request, Span } from '../api/batch.js';
import type { TxnMeta } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';
import type { DistSender } from './dist-sender.js';
import { NON_TXN_META } from './dist-sender.js';

/** Finished transactions queued or being resolved at once. */
export const RESOLVE_TXNS_INFLIGHT_MAX = 256;
/** Transactions resolved together in one coalesced round. */
const RESOLVE_BATCH_TXNS_MAX = 64;
/** Resume rounds per coalesced batch (each resolves up to RESOLVE_KEYS_MAX intents per range and span). */
const RESOLVE_ROUNDS_MAX = 10_000;

export type ResolveFailureLog = (err: unknown, txnIds: readonly string[]) => void;
export type Defer = (fn: () => void) => void;

interface Work {
  readonly txn: TxnMeta;
  readonly status: 'committed' | 'aborted';
  readonly spans: readonly Span[];
}

export class IntentResolver {
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private queue: Work[] = [];
  private scheduled = false;
  private readonly tasks = new Set<Promise<void>>();
  failures = 0;
  resolvedTxns = 0;
  /** Coalesced rounds sent (metrics, tests). */
  rounds = 0;

  constructor(
    private readonly sender: DistSender,
    private readonly onFailure: ResolveFailureLog | null = null,
    private readonly defer: Defer = setImmediate,
  ) {}

  get pending(): number {
    return this.inFlight;
  }

  /** Queues `spans` of the finished `txn` for resolution; resolves once it has a slot. */
  async enqueue(txn: TxnMeta, status: 'committed' | 'aborted', spans: readonly Span[]): Promise<void> {
    assert(txn.anchorKey !== null, 'intent resolver: a finished transaction with remote intents has an anchor');
    while (this.inFlight >= RESOLVE_TXNS_INFLIGHT_MAX) await new Promise<void>((r) => this.slotWaiters.push(r));
    this.inFlight++;
    this.queue.push({ txn, status, spans });
    this.schedule();
  }

  /** Waits for every queued and running resolution (KvDb.close). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.tasks.size > 0 || this.scheduled) {
      if (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
      else await new Promise<void>((r) => this.defer(r));
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      while (this.queue.length > 0) this.start(this.queue.splice(0, RESOLVE_BATCH_TXNS_MAX));
    });
  }

  private start(batch: readonly Work[]): void {
    const p: Promise<void> = this.run(batch)
      .then(
        () => void (this.resolvedTxns += batch.length),
        (e: unknown) => {
          this.failures += batch.length;
          this.onFailure?.(
            e,
            batch.map((w) => w.txn.id.toString('hex')),
          );
        },
      )
      .finally(() => {
        this.tasks.delete(p);
        this.inFlight -= batch.length;
        for (let i = 0; i < batch.length; i++) this.slotWaiters.shift()?.();
      });
    this.tasks.add(p);
  }

  /** Resolves every span of the batch's transactions (resuming bounded replies), then deletes their records. */
  private async run(batch: readonly Work[]): Promise<void> {
    this.rounds++;
    let pending: Request[] = [];
    for (const w of batch) {
      const { txn, status } = w;
      for (const s of w.spans) pending.push({ kind: 'resolveIntent', key: s.key, endKey: s.endKey, txnId: txn.id, status, commitTs: txn.writeTs, epoch: txn.epoch, ignoredSeqs: txn.ignoredSeqs });
    }
    for (let round = 0; pending.length > 0; round++) {
      assert(round < RESOLVE_ROUNDS_MAX, 'intent resolver: too many rounds');
      const resp = await this.sender.send({ txn: NON_TXN_META }, pending);
      if (!resp.ok) throw new Error(`resolveIntent failed: ${resp.error.kind}`);
      const next: Request[] = [];
      for (let i = 0; i < resp.responses.length; i++) {
        const r = resp.responses[i]!;
        const req = pending[i]!;
        if (r.kind === 'resolveIntent' && r.resumeKey !== null && req.kind === 'resolveIntent') next.push({ ...req, key: r.resumeKey });
      }
      pending = next;
    }
    const gc: Request[] = batch.map((w) => ({ kind: 'gcTxnRecord', key: w.txn.anchorKey!, txnId: w.txn.id }));
    const resp = await this.sender.send({ txn: NON_TXN_META }, gc);
    if (!resp.ok) throw new Error(`gcTxnRecord failed: ${resp.error.kind}`);
  }
}
