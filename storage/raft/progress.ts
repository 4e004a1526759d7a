// Progress (etcd's tracker/progress.go): the leader's view of one follower's log: match and
// next index and the flow-control state. probe: one MsgApp at a time until the follower's
// position is known; replicate: pipelined MsgApps within the Inflights limits; snapshot:
// nothing is sent until the pending snapshot is reported. Used by raft.ts and confchange.ts.

import { assert } from '../base/assert.js';
import { Inflights } from './inflights.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  /** The highest index known to be in the follower's log. */
  match: number;
  /** The next index to send (match < next). */
  next: number;
  state: ProgressState = 'probe';
  /** In snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last CheckQuorum (new peers start active). */
  recentActive: boolean;
  /** probe: a probe is outstanding; replicate: the Inflights are full. */
  msgAppFlowPaused = false;
  /** The highest commit index sent to the follower. */
  sentCommit = 0;
  isLearner: boolean;
  readonly inflights: Inflights;

  constructor(match: number, next: number, inflights: Inflights, isLearner: boolean, recentActive: boolean) {
    assert(match < next, `progress: match ${match} >= next ${next}`);
    this.match = match;
    this.next = next;
    this.inflights = inflights;
    this.isLearner = isLearner;
    this.recentActive = recentActive;
  }

  clone(): Progress {
    const p = new Progress(this.match, this.next, this.inflights.clone(), this.isLearner, this.recentActive);
    p.state = this.state;
    p.pendingSnapshot = this.pendingSnapshot;
    p.msgAppFlowPaused = this.msgAppFlowPaused;
    p.sentCommit = this.sentCommit;
    return p;
  }

  /** A fresh view at the start of a term: nothing known, probe from the leader's last index. */
  resetForTerm(match: number, next: number): void {
    assert(match < next, `progress reset: match ${match} >= next ${next}`);
    this.resetState('probe');
    this.match = match;
    this.next = next;
    this.recentActive = false;
    this.sentCommit = 0;
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot, resume right after it (the follower restored it unless told otherwise).
    if (this.state === 'snapshot') {
      const pendingSnapshot = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pendingSnapshot + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
    this.sentCommit = Math.min(this.sentCommit, this.next - 1);
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
    this.next = snapshotIndex + 1;
    this.sentCommit = snapshotIndex;
  }

  /** A MsgApp with `entries` entries totalling `bytes` was sent (next already at its first entry). */
  sentEntries(entries: number, bytes: number): void {
    switch (this.state) {
      case 'replicate':
        if (entries > 0) {
          this.next += entries;
          this.inflights.add(this.next - 1, bytes);
        }
        this.msgAppFlowPaused = this.inflights.full();
        break;
      case 'probe':
        // Any MsgApp in probe state is a probe: wait for its answer (or a heartbeat response).
        this.msgAppFlowPaused = true;
        break;
      default:
        assert(false, `sending append in unhandled state ${this.state}`);
    }
  }

  sentCommitTo(commit: number): void {
    if (commit > this.sentCommit) this.sentCommit = commit;
  }

  /** The follower acknowledged up to n; false if that is stale. */
  maybeUpdate(n: number): boolean {
    if (n <= this.match) return false;
    this.match = n;
    this.next = Math.max(this.next, n + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * The follower rejected a MsgApp at index `rejected`, hinting that its log matches at most
   * up to matchHint. Returns false when the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      this.sentCommit = Math.min(this.sentCommit, this.next - 1);
      return true;
    }
    // Probes go one at a time, so a rejection not for next-1 is stale.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.sentCommit = Math.min(this.sentCommit, this.next - 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /** Whether sending more MsgApps to this follower must wait. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
      case 'replicate':
        return this.msgAppFlowPaused;
      case 'snapshot':
        return true;
    }
  }

  toString(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.isPaused()) s += ' paused';
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    const n = this.inflights.countNow();
    if (n > 0) s += ` inflight=${n}${this.inflights.full() ? '[full]' : ''}`;
    return s;
  }
}
