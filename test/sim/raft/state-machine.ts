// The replicated state machine of the Raft-level simulation: a small register KV applied
// from committed entries, with client sessions (Raft thesis §6.3: each client's latest
// sequence number and result) so a retried proposal takes effect at most once, and a
// rolling digest of every applied entry so two replicas at the same index can be compared
// in O(1). Snapshots carry the whole state. Used by node.ts; commands come from client.ts.

import { assert } from '../../../storage/base/index.js';

export type Command =
  | { readonly kind: 'write'; readonly client: number; readonly seq: number; readonly key: string; readonly value: string }
  | { readonly kind: 'cas'; readonly client: number; readonly seq: number; readonly key: string; readonly expect: string | null; readonly value: string }
  | { readonly kind: 'read'; readonly client: number; readonly seq: number; readonly key: string };

/** write: null; cas: swapped; read: the value. */
export type CommandResult = { readonly value: string | null } | { readonly swapped: boolean } | null;

export function encodeCommand(c: Command): Buffer {
  return Buffer.from(JSON.stringify(c));
}

export function decodeCommand(data: Buffer): Command {
  const c = JSON.parse(data.toString()) as Command;
  assert(typeof c.client === 'number' && typeof c.seq === 'number', 'sm: malformed command');
  return c;
}

/** 32-bit FNV-1a step over a buffer, seeded with the previous digest. */
function fnv(h: number, data: Buffer): number {
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193) >>> 0;
  return h;
}

interface SnapshotData {
  readonly applied: number;
  readonly digest: number;
  readonly values: Array<[string, string]>;
  readonly sessions: Array<[number, number, CommandResult]>;
}

/** Planted bugs for checker self-tests: a state machine that misapplies on one node. */
export type SmBug = 'none' | 'dropEveryTenthWrite';

export class RegisterStateMachine {
  private values = new Map<string, string>();
  /** client → [latest applied seq, its result]. */
  private sessions = new Map<number, [number, CommandResult]>();
  applied = 0;
  /** Rolling hash of every applied entry (index, term, data) and command result, in order. */
  digest = 0x811c9dc5;
  private bug: SmBug = 'none';
  private writesApplied = 0;

  plantBug(bug: SmBug): void {
    this.bug = bug;
  }

  /** Applies entry `index`; returns the command's result or undefined for a no-op / conf change / duplicate seq. */
  apply(index: number, term: number, data: Buffer, isCommand: boolean): { cmd: Command; result: CommandResult } | undefined {
    assert(index === this.applied + 1, `sm: apply ${index} after ${this.applied}`);
    this.applied = index;
    const head = Buffer.allocUnsafe(8);
    head.writeUInt32LE(index >>> 0, 0);
    head.writeUInt32LE(term >>> 0, 4);
    this.digest = fnv(fnv(this.digest, head), data);
    if (!isCommand || data.length === 0) return undefined;
    const cmd = decodeCommand(data);
    const session = this.sessions.get(cmd.client);
    if (session !== undefined && session[0] >= cmd.seq) {
      // A retry of an op already applied: same result, no second effect.
      return session[0] === cmd.seq ? { cmd, result: session[1] } : undefined;
    }
    const result = this.execute(cmd);
    this.sessions.set(cmd.client, [cmd.seq, result]);
    // Fold the result in too: replicas whose states diverged disagree at the next read or cas.
    this.digest = fnv(this.digest, Buffer.from(result === null ? '-' : 'value' in result ? `v${result.value}` : `s${result.swapped}`));
    return { cmd, result };
  }

  private execute(cmd: Command): CommandResult {
    switch (cmd.kind) {
      case 'read':
        return { value: this.values.get(cmd.key) ?? null };
      case 'write':
        this.writesApplied++;
        if (this.bug === 'dropEveryTenthWrite' && this.writesApplied % 10 === 0) return null;
        this.values.set(cmd.key, cmd.value);
        return null;
      case 'cas': {
        const cur = this.values.get(cmd.key) ?? null;
        if (cur !== cmd.expect) return { swapped: false };
        this.values.set(cmd.key, cmd.value);
        return { swapped: true };
      }
    }
  }

  /** A local read (ReadIndex path, after applied >= the read index). */
  read(key: string): string | null {
    return this.values.get(key) ?? null;
  }

  snapshot(): Buffer {
    const d: SnapshotData = {
      applied: this.applied,
      digest: this.digest,
      values: [...this.values.entries()],
      sessions: [...this.sessions.entries()].map(([c, [s, r]]) => [c, s, r]),
    };
    return Buffer.from(JSON.stringify(d));
  }

  /** Replaces the state with a snapshot's (empty data: the bootstrap snapshot at `index`). */
  restore(data: Buffer, index: number): void {
    if (data.length === 0) {
      this.values = new Map();
      this.sessions = new Map();
      this.applied = index;
      this.digest = 0x811c9dc5;
      return;
    }
    const d = JSON.parse(data.toString()) as SnapshotData;
    assert(d.applied === index, `sm: snapshot data at ${d.applied}, meta at ${index}`);
    this.values = new Map(d.values);
    this.sessions = new Map(d.sessions.map(([c, s, r]) => [c, [s, r]]));
    this.applied = d.applied;
    this.digest = d.digest;
  }
}
