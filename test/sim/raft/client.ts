// Simulated clients of the Raft register: each is a sequential process with at most one
// operation outstanding (so its history is well formed), sending requests over the
// simulated network to a node, following redirects to the leader, retrying on timeout
// with the same sequence number (the state machine's sessions apply it at most once) and
// giving up after a deadline, which leaves the outcome unknown. Every op lands in the
// shared history that the linearizability checker reads.

import type { HistoryOp, RegisterInput, RegisterOutput } from '../core/linearizability.js';
import type { SimRng } from '../core/rng.js';
import type { Scheduler, TimerHandle } from '../core/scheduler.js';
import type { Command, CommandResult } from './state-machine.js';

export type ReadMode = 'readIndex' | 'log';

export interface ClientRequest {
  readonly cmd: Command;
  readonly attempt: number;
  readonly readMode: ReadMode;
}

export type ClientResponse =
  | { readonly kind: 'result'; readonly client: number; readonly seq: number; readonly result: CommandResult }
  /** Not the leader (lead: the leader it knows, 0 if none) or the proposal was dropped. */
  | { readonly kind: 'redirect'; readonly client: number; readonly seq: number; readonly lead: number };

export interface ClientConfig {
  readonly keys: number;
  readonly requestTimeoutUs: number;
  /** After this long an op is given up (outcome unknown). */
  readonly opDeadlineUs: number;
  readonly thinkUsMax: number;
  readonly readP: number;
  readonly casP: number;
  readonly readIndexP: number;
}

export interface ClientHost {
  /** Nodes a client may contact (the current members). */
  targets(): readonly number[];
  send(client: number, node: number, req: ClientRequest): void;
}

interface Outstanding {
  readonly cmd: Command;
  readonly input: RegisterInput;
  readonly readMode: ReadMode;
  readonly callUs: number;
  attempt: number;
  timer: TimerHandle | null;
}

export class SimClient {
  private seq = 0;
  private op: Outstanding | null = null;
  private target = 0;
  /** key → the value this client last read or wrote there (cas expectations). */
  private readonly lastSeen = new Map<string, string | null>();
  private stopped = false;
  completed = 0;
  gaveUp = 0;

  constructor(
    readonly id: number,
    private readonly sched: Scheduler,
    private readonly rng: SimRng,
    private readonly cfg: ClientConfig,
    private readonly host: ClientHost,
    private readonly history: HistoryOp<RegisterInput, RegisterOutput>[],
    private readonly log: ((text: string) => void) | null,
  ) {}

  start(): void {
    this.sched.after(this.rng.int(this.cfg.thinkUsMax + 1), () => this.issue());
  }

  /** No new ops after this; the outstanding one still completes or gives up. */
  stop(): void {
    this.stopped = true;
  }

  get idle(): boolean {
    return this.op === null;
  }

  /** Issues one op now (also used by the liveness probe); returns false when one is outstanding. */
  issue(forced?: RegisterInput): boolean {
    if (this.op !== null || (this.stopped && forced === undefined)) return false;
    const input = forced ?? this.randomInput();
    const seq = ++this.seq;
    const cmd: Command =
      input.kind === 'write'
        ? { kind: 'write', client: this.id, seq, key: input.key, value: input.value }
        : input.kind === 'cas'
          ? { kind: 'cas', client: this.id, seq, key: input.key, expect: input.expect, value: input.value }
          : { kind: 'read', client: this.id, seq, key: input.key };
    const readMode: ReadMode = this.rng.chance(this.cfg.readIndexP) ? 'readIndex' : 'log';
    this.op = { cmd, input, readMode, callUs: this.sched.now, attempt: 0, timer: null };
    this.log?.(`client ${this.id} invoke #${seq} ${JSON.stringify(input)}${input.kind === 'read' ? ` via ${readMode}` : ''}`);
    this.send(this.pickTarget());
    return true;
  }

  private randomInput(): RegisterInput {
    const key = `k${this.rng.int(this.cfg.keys)}`;
    const x = this.rng.next();
    if (x < this.cfg.readP) return { kind: 'read', key };
    const value = `c${this.id}.${this.seq + 1}`;
    if (x < this.cfg.readP + this.cfg.casP) {
      // Expect the value this client last saw, so a fair share of swaps succeed.
      return { kind: 'cas', key, expect: this.lastSeen.get(key) ?? null, value };
    }
    return { kind: 'write', key, value };
  }

  private pickTarget(): number {
    const targets = this.host.targets();
    if (this.target === 0 || !targets.includes(this.target)) this.target = this.rng.pick(targets);
    return this.target;
  }

  private send(node: number): void {
    const op = this.op!;
    op.attempt++;
    op.timer?.cancel();
    const attempt = op.attempt;
    op.timer = this.sched.after(this.cfg.requestTimeoutUs, () => this.onTimeout(attempt));
    this.host.send(this.id, node, { cmd: op.cmd, attempt, readMode: op.readMode });
  }

  private onTimeout(attempt: number): void {
    const op = this.op;
    if (op === null || op.attempt !== attempt) return;
    if (this.sched.now - op.callUs >= this.cfg.opDeadlineUs) {
      this.finish(undefined);
      return;
    }
    this.target = this.rng.pick(this.host.targets());
    this.send(this.target);
  }

  receive(resp: ClientResponse): void {
    const op = this.op;
    if (op === null || resp.seq !== op.cmd.seq) return; // a late or duplicated answer to an earlier op
    if (resp.kind === 'result') {
      this.finish(resp.result);
      return;
    }
    // Redirect: follow the hint, or back off briefly when nobody knows a leader.
    op.timer?.cancel();
    const attempt = op.attempt;
    const hint = resp.lead !== 0 && this.host.targets().includes(resp.lead) ? resp.lead : 0;
    this.target = hint !== 0 ? hint : this.rng.pick(this.host.targets());
    const backoffUs = hint !== 0 ? 0 : this.rng.range(1_000, 20_000);
    op.timer = this.sched.after(backoffUs, () => {
      if (this.op !== op || op.attempt !== attempt) return;
      if (this.sched.now - op.callUs >= this.cfg.opDeadlineUs) this.finish(undefined);
      else this.send(this.target);
    });
  }

  private finish(result: CommandResult | undefined): void {
    const op = this.op!;
    op.timer?.cancel();
    this.op = null;
    if (result === undefined) this.gaveUp++;
    else this.completed++;
    if (op.input.kind === 'write' && result !== undefined) this.lastSeen.set(op.input.key, op.input.value);
    if (result !== null && result !== undefined && 'value' in result) this.lastSeen.set(op.input.key, result.value);
    this.history.push({
      client: this.id,
      input: op.input,
      output: result,
      callUs: op.callUs,
      returnUs: result === undefined ? Infinity : this.sched.now,
    });
    this.log?.(`client ${this.id} ${result === undefined ? 'gave up' : 'complete'} #${op.cmd.seq} → ${result === undefined ? '?' : JSON.stringify(result)}`);
    if (!this.stopped) this.sched.after(this.rng.int(this.cfg.thinkUsMax + 1), () => this.issue());
  }
}
