// Membership changes (etcd's confchange/confchange.go): from the active configuration and a
// ConfChange, compute the next configuration and progress map, enforcing the safety rules:
// a simple change alters at most one voter; several go through a joint configuration
// (enter, then leave, automatically when autoLeave). Also the compact binary encoding of a
// ConfChange inside a log entry. Called by raft.ts; the owner encodes proposals with it.

import { assert } from '../base/assert.js';
import type { ConfChange, ConfChangeSingle, ConfChangeType, ConfState, PeerId } from './types.js';
import { ConfChangeError } from './errors.js';
import { Inflights } from './inflights.js';
import { Progress } from './progress.js';
import type { ProgressMap, ProgressTracker, TrackerConfig } from './tracker.js';
import { cloneTrackerConfig, emptyTrackerConfig, isJoint } from './tracker.js';

/** An empty `changes` list with the 'auto' transition means: leave the joint configuration. */
export function isLeaveJoint(cc: ConfChange): boolean {
  return cc.transition === 'auto' && cc.changes.length === 0;
}

/** Whether cc enters a joint configuration, and if so whether it leaves it automatically. */
export function enterJoint(cc: ConfChange): { autoLeave: boolean } | null {
  if (cc.transition === 'auto' && cc.changes.length <= 1) return null;
  return { autoLeave: cc.transition !== 'jointExplicit' };
}

export const LEAVE_JOINT: ConfChange = { transition: 'auto', changes: [], context: Buffer.alloc(0) };

/** Computes configurations from the tracker's current one; never mutates the tracker. */
export class Changer {
  constructor(
    private readonly tracker: ProgressTracker,
    /** The leader's last index: where new members' progress starts. */
    private readonly lastIndex: number,
  ) {}

  enterJoint(autoLeave: boolean, ccs: readonly ConfChangeSingle[]): [TrackerConfig, ProgressMap] {
    const [cfg, prs] = this.checkAndCopy();
    if (isJoint(cfg)) throw new ConfChangeError('config is already joint');
    if (cfg.voters[0].size === 0) throw new ConfChangeError("can't make a zero-voter config joint");
    for (const id of cfg.voters[0]) cfg.voters[1].add(id);
    this.apply(cfg, prs, ccs);
    cfg.autoLeave = autoLeave;
    return checkAndReturn(cfg, prs);
  }

  leaveJoint(): [TrackerConfig, ProgressMap] {
    const [cfg, prs] = this.checkAndCopy();
    if (!isJoint(cfg)) throw new ConfChangeError("can't leave a non-joint config");
    for (const id of cfg.learnersNext) {
      cfg.learners.add(id);
      prs.get(id)!.isLearner = true;
    }
    cfg.learnersNext.clear();
    for (const id of cfg.voters[1]) {
      if (!cfg.voters[0].has(id) && !cfg.learners.has(id)) prs.delete(id);
    }
    cfg.voters[1].clear();
    cfg.autoLeave = false;
    return checkAndReturn(cfg, prs);
  }

  /** One change at a time: at most one voter may be added or removed. */
  simple(ccs: readonly ConfChangeSingle[]): [TrackerConfig, ProgressMap] {
    const [cfg, prs] = this.checkAndCopy();
    if (isJoint(cfg)) throw new ConfChangeError("can't apply simple config change in joint config");
    this.apply(cfg, prs, ccs);
    const before = this.tracker.config.voters[0];
    let diff = 0;
    for (const id of cfg.voters[0]) if (!before.has(id)) diff++;
    for (const id of before) if (!cfg.voters[0].has(id)) diff++;
    if (diff > 1) throw new ConfChangeError('more than one voter changed without entering joint config');
    return checkAndReturn(cfg, prs);
  }

  private apply(cfg: TrackerConfig, prs: ProgressMap, ccs: readonly ConfChangeSingle[]): void {
    for (const cc of ccs) {
      // An owner may zero the id of a change it decided not to apply.
      if (cc.peerId === 0) continue;
      switch (cc.type) {
        case 'addVoter':
          this.makeVoter(cfg, prs, cc.peerId);
          break;
        case 'addLearner':
          this.makeLearner(cfg, prs, cc.peerId);
          break;
        case 'removeNode':
          remove(cfg, prs, cc.peerId);
          break;
        default:
          throw new ConfChangeError(`unexpected conf type ${String(cc.type)}`);
      }
    }
    if (cfg.voters[0].size === 0) throw new ConfChangeError('removed all voters');
  }

  private makeVoter(cfg: TrackerConfig, prs: ProgressMap, id: PeerId): void {
    const pr = prs.get(id);
    if (pr === undefined) {
      this.initProgress(cfg, prs, id, false);
      return;
    }
    pr.isLearner = false;
    cfg.learners.delete(id);
    cfg.learnersNext.delete(id);
    cfg.voters[0].add(id);
  }

  /**
   * A voter of the outgoing config cannot become a learner at once (it still votes there):
   * it is staged in learnersNext and demoted when the joint config is left.
   */
  private makeLearner(cfg: TrackerConfig, prs: ProgressMap, id: PeerId): void {
    const pr = prs.get(id);
    if (pr === undefined) {
      this.initProgress(cfg, prs, id, true);
      return;
    }
    if (pr.isLearner) return;
    remove(cfg, prs, id);
    prs.set(id, pr);
    if (cfg.voters[1].has(id)) {
      cfg.learnersNext.add(id);
    } else {
      pr.isLearner = true;
      cfg.learners.add(id);
    }
  }

  private initProgress(cfg: TrackerConfig, prs: ProgressMap, id: PeerId, isLearner: boolean): void {
    if (isLearner) cfg.learners.add(id);
    else cfg.voters[0].add(id);
    // Probe the new member at our last index; new members count as recently active so
    // that CheckQuorum does not depose the leader before they had a chance to answer.
    const inflights = new Inflights(this.tracker.inflightMsgsMax, this.tracker.inflightBytesMax);
    prs.set(id, new Progress(0, Math.max(this.lastIndex, 1), inflights, isLearner, true));
  }

  private checkAndCopy(): [TrackerConfig, ProgressMap] {
    const cfg = cloneTrackerConfig(this.tracker.config);
    const prs: ProgressMap = new Map();
    for (const [id, pr] of this.tracker.progress) prs.set(id, pr.clone());
    checkInvariants(cfg, prs);
    return [cfg, prs];
  }
}

function remove(cfg: TrackerConfig, prs: ProgressMap, id: PeerId): void {
  if (!prs.has(id)) return;
  cfg.voters[0].delete(id);
  cfg.learners.delete(id);
  cfg.learnersNext.delete(id);
  // Still a voter of the outgoing config: keep its progress until the joint config is left.
  if (!cfg.voters[1].has(id)) prs.delete(id);
}

function checkAndReturn(cfg: TrackerConfig, prs: ProgressMap): [TrackerConfig, ProgressMap] {
  checkInvariants(cfg, prs);
  return [cfg, prs];
}

/** The structural rules of a configuration; a violation is a bug (assertion). */
export function checkInvariants(cfg: TrackerConfig, prs: ProgressMap): void {
  for (const ids of [cfg.voters[0], cfg.voters[1], cfg.learners, cfg.learnersNext]) {
    for (const id of ids) assert(prs.has(id), `no progress for ${id}`);
  }
  for (const id of cfg.learnersNext) {
    assert(cfg.voters[1].has(id), `${id} is in learnersNext, but not voters[1]`);
    assert(!prs.get(id)!.isLearner, `${id} is in learnersNext, but is already marked as learner`);
  }
  for (const id of cfg.learners) {
    assert(!cfg.voters[1].has(id) && !cfg.voters[0].has(id), `${id} is a learner and a voter`);
    assert(prs.get(id)!.isLearner, `${id} is in learners, but is not marked as learner`);
  }
  if (!isJoint(cfg)) {
    assert(cfg.learnersNext.size === 0, 'learnersNext must be empty when not joint');
    assert(!cfg.autoLeave, 'autoLeave must be false when not joint');
  }
}

/** The configuration and a fresh progress map described by a ConfState (restart, snapshot). */
export function restoreConfig(cs: ConfState, tracker: ProgressTracker, lastIndex: number): [TrackerConfig, ProgressMap] {
  const cfg = emptyTrackerConfig();
  const prs: ProgressMap = new Map();
  const add = (id: PeerId, isLearner: boolean): void => {
    if (prs.has(id)) return;
    const inflights = new Inflights(tracker.inflightMsgsMax, tracker.inflightBytesMax);
    prs.set(id, new Progress(0, Math.max(lastIndex, 1), inflights, isLearner, true));
  };
  for (const id of cs.voters) (cfg.voters[0].add(id), add(id, false));
  for (const id of cs.votersOutgoing) (cfg.voters[1].add(id), add(id, false));
  for (const id of cs.learners) (cfg.learners.add(id), add(id, true));
  for (const id of cs.learnersNext) (cfg.learnersNext.add(id), add(id, false));
  cfg.autoLeave = cs.autoLeave;
  if (cfg.voters[1].size === 0 && (cfg.learnersNext.size > 0 || cfg.autoLeave)) {
    throw new ConfChangeError('learnersNext/autoLeave without a joint configuration');
  }
  for (const id of cs.learners) {
    if (cfg.voters[0].has(id) || cfg.voters[1].has(id)) throw new ConfChangeError(`${id} is a learner and a voter`);
  }
  checkInvariants(cfg, prs);
  return [cfg, prs];
}

// ---- encoding: [version u8][transition u8][count u16]{[type u8][peer u32]}[ctxLen u32][ctx] ----

const CONF_CHANGE_VERSION = 1;
const TRANSITIONS: readonly ConfChange['transition'][] = ['auto', 'jointImplicit', 'jointExplicit'];
const CHANGE_TYPES: readonly ConfChangeType[] = ['addVoter', 'addLearner', 'removeNode'];
/** Changes in one ConfChange at most (a range has a handful of replicas). */
export const CONF_CHANGES_MAX = 0xffff;

export function encodeConfChange(cc: ConfChange): Buffer {
  assert(cc.changes.length <= CONF_CHANGES_MAX, 'too many changes in one ConfChange');
  const buf = Buffer.allocUnsafe(4 + cc.changes.length * 5 + 4 + cc.context.length);
  buf.writeUInt8(CONF_CHANGE_VERSION, 0);
  buf.writeUInt8(TRANSITIONS.indexOf(cc.transition), 1);
  buf.writeUInt16BE(cc.changes.length, 2);
  let at = 4;
  for (const c of cc.changes) {
    assert(Number.isInteger(c.peerId) && c.peerId >= 0 && c.peerId <= 0xffffffff, `peer id out of range: ${c.peerId}`);
    buf.writeUInt8(CHANGE_TYPES.indexOf(c.type), at);
    buf.writeUInt32BE(c.peerId, at + 1);
    at += 5;
  }
  buf.writeUInt32BE(cc.context.length, at);
  cc.context.copy(buf, at + 4);
  return buf;
}

/** Decodes encodeConfChange's output; empty data (the auto-leave entry) is LEAVE_JOINT. */
export function decodeConfChange(data: Buffer): ConfChange {
  if (data.length === 0) return LEAVE_JOINT;
  if (data.length < 8 || data.readUInt8(0) !== CONF_CHANGE_VERSION) throw new ConfChangeError('malformed conf change');
  const transition = TRANSITIONS[data.readUInt8(1)];
  const n = data.readUInt16BE(2);
  if (transition === undefined || data.length < 8 + n * 5) throw new ConfChangeError('malformed conf change');
  const changes: ConfChangeSingle[] = [];
  let at = 4;
  for (let i = 0; i < n; i++) {
    const type = CHANGE_TYPES[data.readUInt8(at)];
    if (type === undefined) throw new ConfChangeError('malformed conf change type');
    changes.push({ type, peerId: data.readUInt32BE(at + 1) });
    at += 5;
  }
  const ctxLen = data.readUInt32BE(at);
  if (data.length !== at + 4 + ctxLen) throw new ConfChangeError('malformed conf change context');
  return { transition, changes, context: Buffer.from(data.subarray(at + 4)) };
}
