// A linearizability checker: the Wing–Gong search with Lowe's memoization (WGL, as in
// Porcupine and Knossos). Given a sequential model and a history of operations with call
// and return times, it looks for an order that respects real time and the model. An op
// whose outcome is unknown (timed out, client gave up) returns at +∞ with any result, so it
// may take effect at any point after its call or never. checkPartitioned splits a history
// by key first (linearizability is compositional: Herlihy & Wing), which keeps searches small.

import { assert } from '../../../storage/base/index.js';

/** What Model.step returns when the observed output is impossible in that state. */
export const ILLEGAL: unique symbol = Symbol('illegal');

export interface Model<S, I, O> {
  readonly init: S;
  /** The state after applying `input` in `state` with observed `output` (undefined: unknown), or ILLEGAL. */
  step(state: S, input: I, output: O | undefined): S | typeof ILLEGAL;
  /** A canonical string for memoization. */
  stateKey(state: S): string;
}

export interface HistoryOp<I, O> {
  readonly client: number;
  readonly input: I;
  /** undefined: the outcome is unknown (ambiguous). */
  readonly output: O | undefined;
  readonly callUs: number;
  /** Infinity when the outcome is unknown. */
  readonly returnUs: number;
}

export type LinResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'violation'; readonly partition: string; readonly ops: number; readonly longestPrefix: number }
  | { readonly kind: 'budget'; readonly partition: string; readonly ops: number };

/** Search steps per partition at most before giving up (reported as 'budget', never as ok). */
export const LIN_SEARCH_STEPS_MAX = 5_000_000;

interface Node {
  readonly op: number;
  readonly isCall: boolean;
  /** For a call node: its return node. */
  match: Node | null;
  prev: Node | null;
  next: Node | null;
}

/** The time-ordered list of call/return events; at equal times calls sort first, so ops that touch count as concurrent. */
function buildList<I, O>(ops: readonly HistoryOp<I, O>[]): Node {
  type Ev = { time: number; isCall: boolean; op: number };
  const evs: Ev[] = [];
  ops.forEach((o, i) => {
    assert(o.returnUs >= o.callUs, `lin: op ${i} returns before its call`);
    evs.push({ time: o.callUs, isCall: true, op: i }, { time: o.returnUs, isCall: false, op: i });
  });
  evs.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1));
  const head: Node = { op: -1, isCall: false, match: null, prev: null, next: null };
  const calls = new Map<number, Node>();
  let tail = head;
  for (const e of evs) {
    const n: Node = { op: e.op, isCall: e.isCall, match: null, prev: tail, next: null };
    tail.next = n;
    tail = n;
    if (e.isCall) calls.set(e.op, n);
    else calls.get(e.op)!.match = n;
  }
  return head;
}

function lift(call: Node): void {
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Node): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next) call.next.prev = call;
}

/** Checks one history against the model. */
export function checkLinearizable<S, I, O>(model: Model<S, I, O>, ops: readonly HistoryOp<I, O>[], partition = '', stepsMax = LIN_SEARCH_STEPS_MAX): LinResult {
  if (ops.length === 0) return { kind: 'ok' };
  const head = buildList(ops);
  const linearized = new Uint8Array(ops.length);
  const cache = new Set<string>();
  const stack: Array<{ call: Node; state: S }> = [];
  let state = model.init;
  let entry = head.next;
  let longest = 0;
  let steps = 0;
  while (head.next !== null) {
    if (++steps > stepsMax) return { kind: 'budget', partition, ops: ops.length };
    assert(entry !== null, 'lin: ran off the event list');
    if (entry.isCall) {
      const o = ops[entry.op]!;
      const next = model.step(state, o.input, o.output);
      let advanced = false;
      if (next !== ILLEGAL) {
        linearized[entry.op] = 1;
        const key = `${model.stateKey(next)}|${Buffer.from(linearized).toString('latin1')}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ call: entry, state });
          state = next;
          lift(entry);
          longest = Math.max(longest, stack.length);
          entry = head.next;
          advanced = true;
        } else {
          linearized[entry.op] = 0;
        }
      }
      if (!advanced) entry = entry.next;
    } else {
      // A return whose call is not linearized yet: undo the last choice.
      const top = stack.pop();
      if (top === undefined) return { kind: 'violation', partition, ops: ops.length, longestPrefix: longest };
      linearized[top.call.op] = 0;
      state = top.state;
      unlift(top.call);
      entry = top.call.next;
    }
  }
  return { kind: 'ok' };
}

/** Splits `ops` by `keyOf` and checks each partition; returns the first failure. */
export function checkPartitioned<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly HistoryOp<I, O>[],
  keyOf: (input: I) => string,
  stepsMax = LIN_SEARCH_STEPS_MAX,
): LinResult {
  const parts = new Map<string, HistoryOp<I, O>[]>();
  for (const o of ops) {
    const k = keyOf(o.input);
    let list = parts.get(k);
    if (list === undefined) parts.set(k, (list = []));
    list.push(o);
  }
  for (const k of [...parts.keys()].sort()) {
    const r = checkLinearizable(model, parts.get(k)!, k, stepsMax);
    if (r.kind !== 'ok') return r;
  }
  return { kind: 'ok' };
}

// ---- The register model used by the Raft and KV workloads ----

export type RegisterInput =
  | { readonly kind: 'read'; readonly key: string }
  | { readonly kind: 'write'; readonly key: string; readonly value: string }
  | { readonly kind: 'cas'; readonly key: string; readonly expect: string | null; readonly value: string };

/** read: the value seen; write: null; cas: whether it swapped. */
export type RegisterOutput = { readonly value: string | null } | { readonly swapped: boolean } | null;

export const registerModel: Model<string | null, RegisterInput, RegisterOutput> = {
  init: null,
  step(state, input, output) {
    switch (input.kind) {
      case 'read':
        if (output === undefined) return state;
        return output !== null && 'value' in output && output.value === state ? state : ILLEGAL;
      case 'write':
        return input.value;
      case 'cas': {
        const matches = state === input.expect;
        if (output === undefined) return matches ? input.value : state;
        const swapped = output !== null && 'swapped' in output && output.swapped;
        if (swapped) return matches ? input.value : ILLEGAL;
        return matches ? ILLEGAL : state;
      }
    }
  },
  stateKey: (s) => (s === null ? '\u0000' : s),
};

/** Drops reads with unknown outcome (they constrain nothing) and checks per key. */
export function checkRegisterHistory(ops: readonly HistoryOp<RegisterInput, RegisterOutput>[], stepsMax = LIN_SEARCH_STEPS_MAX): LinResult {
  const useful = ops.filter((o) => !(o.input.kind === 'read' && o.output === undefined));
  return checkPartitioned(registerModel, useful, (i) => i.key, stepsMax);
}
