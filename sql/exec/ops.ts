// Relational operators over rows: filter, project, values, limit, sort, distinct, hash
// aggregation, hash and nested-loop joins (LATERAL included), set operations,
// set-returning functions and CTEs. compilePlan() turns a plan tree into operator
// factories once; each execution instantiates fresh operators from them.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import type { AggCall, Expr, SortKey, SrfCall } from '../bind/index.js';
import type { Plan } from '../plan/index.js';
import { compareDatums, datumKey, numericScale, setScale, types } from '../types/index.js';
import type { ArrayDatum, Datum, Interval, NumericDatum, SqlType } from '../types/index.js';
import { addInterval } from '../builtins/index.js';
import type { SetFunctionImpl } from '../builtins/index.js';
import { compileExpr } from './expr.js';
import type { CompiledExpr } from './expr.js';
import { tableScanFactory, virtualScanFactory } from './scan.js';
import type { ExecContext, Row } from './context.js';
import type { Op, OpFactory } from './op.js';

/** Rows a blocking operator (sort, hash, aggregate) may hold; past it the statement fails with 54000. */
export const operatorRowsMax = 5_000_000;

export function compilePlan(p: Plan): OpFactory {
  switch (p.kind) {
    case 'tablescan':
      return tableScanFactory(p);
    case 'vscan':
      return virtualScanFactory(p);
    case 'values':
      return valuesFactory(p.rows);
    case 'onerow':
      return () => arrayOp([[]]);
    case 'filter':
      return filterFactory(compilePlan(p.input), compileExpr(p.pred));
    case 'project':
      return projectFactory(compilePlan(p.input), p.exprs);
    case 'limit':
      return limitFactory(compilePlan(p.input), p.limit, p.offset);
    case 'sort':
      return sortFactory(compilePlan(p.input), p.keys);
    case 'distinct':
      return distinctFactory(compilePlan(p.input), p.on, p.cols.map((c) => c.type), p.cols.filter((c) => c.hidden !== true).length);
    case 'agg':
      return aggFactory(compilePlan(p.input), p.groupBy, p.aggs);
    case 'hashjoin':
      return hashJoinFactory(p);
    case 'nestedloop':
      return nestedLoopFactory(p);
    case 'setop':
      return setOpFactory(p);
    case 'srf':
      return srfFactory(p.calls, p.withOrdinality);
    case 'ctescan': {
      const id = p.cteId;
      return (cx) => arrayOp(cx.cteRows.get(id) ?? []);
    }
    case 'with':
      return withFactory(p);
    case 'dml':
      return dmlCompiler(p.stmt);
  }
}

type DmlCompiler = (stmt: (Plan & { kind: 'dml' })['stmt']) => OpFactory;
let dmlCompiler: DmlCompiler = () => {
  throw new Error('exec: DML compiler not registered');
};
/** exec/index.ts registers the write operators (modify.ts imports this module). */
export function setDmlCompiler(f: DmlCompiler): void {
  dmlCompiler = f;
}

// ---------------------------------------------------------------- helpers

export function arrayOp(rows: readonly Row[]): Op {
  let i = 0;
  return {
    async next() {
      return i < rows.length ? rows[i++]! : null;
    },
    close() {},
  };
}

/**
 * All rows of `op` (for blocking operators). With `cx`, counts them toward the statement's
 * event-loop yields: an input that multiplies rows (a join) may not tick often enough itself.
 */
export async function drain(op: Op, cx: ExecContext | null, max = operatorRowsMax): Promise<Row[]> {
  const out: Row[] = [];
  try {
    for (let r = await op.next(); r !== null; r = await op.next()) {
      if (out.length >= max) throw sqlError('54000', `operator row limit of ${max} rows exceeded`);
      out.push(r);
      if (cx !== null) {
        const t = cx.tick();
        if (t !== null) await t;
      }
    }
  } finally {
    op.close();
  }
  return out;
}

async function evalOn(c: CompiledExpr, row: Row, cx: ExecContext): Promise<Datum> {
  if (c.prep !== null) await c.prep(row, cx);
  return c.ev(row, cx);
}

type HashKey = string | number | bigint | boolean | null;

/** A hashable key for a list of datums (NULLs compare equal here: grouping semantics). */
export function keyOf(vals: readonly Datum[], ts: readonly SqlType[]): HashKey {
  if (vals.length === 1) return datumKey(ts[0]!, vals[0]!);
  let s = '';
  for (let i = 0; i < vals.length; i++) {
    const k = datumKey(ts[i]!, vals[i]!);
    s += `${typeof k}:${String(k)}\u0001`;
  }
  return s;
}

// ---------------------------------------------------------------- simple operators

function valuesFactory(rows: ReadonlyArray<readonly Expr[]>): OpFactory {
  const compiled = rows.map((r) => r.map((e) => compileExpr(e)));
  return (cx) => {
    let i = 0;
    return {
      async next() {
        if (i >= compiled.length) return null;
        const r = compiled[i++]!;
        const out = new Array<Datum>(r.length);
        for (let k = 0; k < r.length; k++) out[k] = await evalOn(r[k]!, [], cx);
        return out;
      },
      close() {},
    };
  };
}

function filterFactory(input: OpFactory, pred: CompiledExpr): OpFactory {
  return (cx) => {
    const src = input(cx);
    return {
      async next() {
        for (let r = await src.next(); r !== null; r = await src.next()) {
          if (pred.prep !== null) await pred.prep(r, cx);
          if (pred.ev(r, cx) === true) return r;
          const t = cx.tick(); // a filter rejecting everything must still yield
          if (t !== null) await t;
        }
        return null;
      },
      close: () => src.close(),
    };
  };
}

function projectFactory(input: OpFactory, exprs: readonly Expr[]): OpFactory {
  const compiled = exprs.map((e) => compileExpr(e));
  const anyAsync = compiled.some((c) => c.prep !== null);
  const evs = compiled.map((c) => c.ev);
  const n = evs.length;
  return (cx) => {
    const src = input(cx);
    return {
      async next() {
        const r = await src.next();
        if (r === null) return null;
        if (anyAsync) for (const c of compiled) if (c.prep !== null) await c.prep(r, cx);
        const out = new Array<Datum>(n);
        for (let i = 0; i < n; i++) out[i] = evs[i]!(r, cx);
        return out;
      },
      close: () => src.close(),
    };
  };
}

function toCount(v: Datum, what: string): number {
  if (v === null) return -1;
  const n = typeof v === 'bigint' ? Number(v) : (v as number);
  if (n < 0) throw sqlError(what === 'OFFSET' ? '2201X' : '2201W', `${what} must not be negative`);
  return n;
}

function limitFactory(input: OpFactory, limit: Expr | null, offset: Expr | null): OpFactory {
  const lc = limit === null ? null : compileExpr(limit);
  const oc = offset === null ? null : compileExpr(offset);
  return (cx) => {
    let src: Op | null = null;
    let remaining = -1;
    let skip = 0;
    return {
      async next() {
        if (src === null) {
          remaining = lc === null ? -1 : toCount(await evalOn(lc, [], cx), 'LIMIT');
          skip = oc === null ? 0 : Math.max(0, toCount(await evalOn(oc, [], cx), 'OFFSET'));
          src = input(cx);
        }
        if (remaining === 0) return null;
        for (; skip > 0; skip--) if ((await src.next()) === null) return null;
        const r = await src.next();
        if (r !== null && remaining > 0) remaining--;
        return r;
      },
      close: () => src?.close(),
    };
  };
}

export function compareRows(keys: readonly SortKey[]): (a: Row, b: Row) => number {
  const idx = keys.map((k) => (k.expr.kind === 'col' ? k.expr.index : -1));
  if (idx.some((i) => i < 0)) throw new Error('sort keys must be column references');
  return (a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const x = a[idx[k]!] ?? null;
      const y = b[idx[k]!] ?? null;
      let c: number;
      if (x === null || y === null) {
        if (x === y) continue;
        // NULL placement is absolute: NULLS FIRST puts them first whatever the direction.
        const xFirst = x === null ? key.nullsFirst : !key.nullsFirst;
        return xFirst ? -1 : 1;
      }
      c = compareDatums(key.expr.type, x, y);
      if (c !== 0) return key.desc ? -c : c;
    }
    return 0;
  };
}

function sortFactory(input: OpFactory, keys: readonly SortKey[]): OpFactory {
  const cmp = compareRows(keys);
  return (cx) => {
    let rows: Row[] | null = null;
    let i = 0;
    return {
      async next() {
        if (rows === null) rows = await sortRows(await drain(input(cx), cx), cmp, cx);
        if (i >= rows.length) return null;
        const t = cx.tick(); // the consumer may loop over many sorted rows (OFFSET, aggregation)
        if (t !== null) await t;
        return rows[i++]!;
      },
      close() {},
    };
  };
}

/** Rows sorted in one synchronous step; larger inputs are sorted in runs and merged, yielding between. */
export const sortRunRows = 16_384;

/** A stable sort that never holds the event loop for more than one run or merge step. */
async function sortRows(rows: Row[], cmp: (a: Row, b: Row) => number, cx: ExecContext): Promise<Row[]> {
  if (rows.length <= sortRunRows) return rows.sort(cmp);
  let runs: Row[][] = [];
  for (let i = 0; i < rows.length; i += sortRunRows) {
    runs.push(rows.slice(i, i + sortRunRows).sort(cmp));
    await cx.yieldTurn();
  }
  while (runs.length > 1) {
    const next: Row[][] = [];
    for (let i = 0; i < runs.length; i += 2) next.push(i + 1 < runs.length ? await mergeRuns(runs[i]!, runs[i + 1]!, cmp, cx) : runs[i]!);
    runs = next;
  }
  return runs[0]!;
}

/** Merges two sorted runs; ties take the left run first (stability). */
async function mergeRuns(a: Row[], b: Row[], cmp: (x: Row, y: Row) => number, cx: ExecContext): Promise<Row[]> {
  const out = new Array<Row>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    out[k++] = cmp(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!;
    if (k % sortRunRows === 0) await cx.yieldTurn();
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function distinctFactory(input: OpFactory, on: readonly Expr[] | null, colTypes: readonly SqlType[], width: number): OpFactory {
  const onC = on === null ? null : on.map((e) => compileExpr(e));
  const onTypes = on === null ? colTypes.slice(0, width) : on.map((e) => e.type);
  return (cx) => {
    const src = input(cx);
    const seen = new Set<HashKey>();
    return {
      async next() {
        for (let r = await src.next(); r !== null; r = await src.next()) {
          const vals = onC === null ? r.slice(0, width) : onC.map((c) => c.ev(r, cx));
          const k = keyOf(vals, onTypes);
          if (seen.has(k)) continue;
          if (seen.size >= operatorRowsMax) throw sqlError('54000', 'DISTINCT row limit exceeded');
          seen.add(k);
          return r;
        }
        return null;
      },
      close: () => src.close(),
    };
  };
}

// ---------------------------------------------------------------- aggregation

interface CompiledAgg {
  readonly call: AggCall;
  readonly args: readonly CompiledExpr[];
  readonly filter: CompiledExpr | null;
  readonly argTypes: readonly SqlType[];
  readonly order: readonly CompiledExpr[];
  readonly orderCmp: ((a: Datum[], b: Datum[]) => number) | null;
}

interface Group {
  readonly keys: Datum[];
  readonly states: unknown[];
  readonly seen: (Set<HashKey> | null)[];
  /** Ordered aggregates: [args, sort values] per accepted row, fed at the end. */
  readonly buffered: (Array<[Datum[], Datum[]]> | null)[];
}

function aggFactory(input: OpFactory, groupBy: readonly Expr[], aggs: readonly AggCall[]): OpFactory {
  const gc = groupBy.map((e) => compileExpr(e));
  const gTypes = groupBy.map((e) => e.type);
  const ac: CompiledAgg[] = aggs.map((call) => ({
    call,
    args: call.args.map((e) => compileExpr(e)),
    filter: call.filter === null ? null : compileExpr(call.filter),
    argTypes: call.args.map((e) => e.type),
    order: call.order.map((o) => compileExpr(o.expr)),
    orderCmp:
      call.order.length === 0
        ? null
        : compareRows(call.order.map((o, i) => ({ expr: { kind: 'col', type: o.expr.type, index: i } as Expr, desc: o.desc, nullsFirst: o.nullsFirst }))),
  }));
  const newGroup = (keys: Datum[]): Group => ({
    keys,
    states: ac.map((a) => a.call.agg.init()),
    seen: ac.map((a) => (a.call.distinct ? new Set<HashKey>() : null)),
    buffered: ac.map((a) => (a.orderCmp === null ? null : [])),
  });
  const finish = (grp: Group, j: number, cx: ExecContext): Datum => {
    const a = ac[j]!;
    const buf = grp.buffered[j];
    if (buf !== null && buf !== undefined) {
      buf.sort((x, y) => a.orderCmp!(x[1], y[1]));
      let st = grp.states[j];
      for (const [vals] of buf) st = a.call.agg.step(st, vals, cx.evalCtx);
      grp.states[j] = st;
    }
    return a.call.agg.final(grp.states[j], cx.evalCtx);
  };
  return (cx) => {
    let out: Row[] | null = null;
    let i = 0;
    const run = async (): Promise<Row[]> => {
      const groups = new Map<HashKey, Group>();
      const src = input(cx);
      try {
        for (let r = await src.next(); r !== null; r = await src.next()) {
          const keys: Datum[] = [];
          for (const g of gc) keys.push(await evalOn(g, r, cx));
          const k = keyOf(keys, gTypes);
          let grp = groups.get(k);
          if (grp === undefined) {
            if (groups.size >= operatorRowsMax) throw sqlError('54000', 'GROUP BY group limit exceeded');
            grp = newGroup(keys);
            groups.set(k, grp);
          }
          await stepAggs(ac, grp, r, cx);
          const t = cx.tick();
          if (t !== null) await t;
        }
      } finally {
        src.close();
      }
      if (groups.size === 0 && gc.length === 0) groups.set(null, newGroup([]));
      const rows: Row[] = [];
      for (const grp of groups.values()) {
        rows.push([...grp.keys, ...ac.map((_, j) => finish(grp, j, cx))]);
      }
      return rows;
    };
    return {
      async next() {
        if (out === null) out = await run();
        return i < out.length ? out[i++]! : null;
      },
      close() {},
    };
  };
}

async function stepAggs(ac: readonly CompiledAgg[], grp: Group, r: Row, cx: ExecContext): Promise<void> {
  for (let j = 0; j < ac.length; j++) {
    const a = ac[j]!;
    if (a.filter !== null && (await evalOn(a.filter, r, cx)) !== true) continue;
    const vals: Datum[] = [];
    for (const c of a.args) vals.push(await evalOn(c, r, cx));
    const seen = grp.seen[j];
    if (seen !== null && seen !== undefined) {
      if (vals.some((v) => v === null)) continue;
      const k = keyOf(vals, a.argTypes);
      if (seen.has(k)) continue;
      seen.add(k);
    }
    const buf = grp.buffered[j];
    if (buf !== null && buf !== undefined) {
      const keys: Datum[] = [];
      for (const o of a.order) keys.push(await evalOn(o, r, cx));
      buf.push([vals, keys]);
      continue;
    }
    grp.states[j] = a.call.agg.step(grp.states[j], vals, cx.evalCtx);
  }
}

// ---------------------------------------------------------------- joins

function nullRow(n: number): Row {
  return new Array<Datum>(n).fill(null);
}

function hashJoinFactory(p: Plan & { kind: 'hashjoin' }): OpFactory {
  const left = compilePlan(p.left);
  const right = compilePlan(p.right);
  const lk = p.leftKeys.map((e) => compileExpr(e));
  const rk = p.rightKeys.map((e) => compileExpr(e));
  const kTypes = p.leftKeys.map((e) => e.type);
  const residual = p.residual === null ? null : compileExpr(p.residual);
  const lw = p.left.cols.length;
  const rw = p.right.cols.length;
  const type = p.type;
  return (cx) => {
    let table: Map<HashKey, Row[]> | null = null;
    let rightRows: Row[] = [];
    const matched = new Set<Row>();
    const src = left(cx);
    let pending: Row[] = [];
    let leftDone = false;
    let tail: Row[] | null = null;
    const build = async (): Promise<void> => {
      rightRows = await drain(right(cx), cx);
      table = new Map();
      for (const r of rightRows) {
        const vals: Datum[] = [];
        for (const c of rk) vals.push(await evalOn(c, r, cx));
        if (vals.some((v) => v === null)) continue;
        const k = keyOf(vals, kTypes);
        const list = table.get(k);
        if (list === undefined) table.set(k, [r]);
        else list.push(r);
      }
    };
    const probe = async (l: Row): Promise<Row[]> => {
      const vals: Datum[] = [];
      for (const c of lk) vals.push(await evalOn(c, l, cx));
      const out: Row[] = [];
      if (!vals.some((v) => v === null)) {
        for (const r of table!.get(keyOf(vals, kTypes)) ?? []) {
          const joined = l.concat(r);
          if (residual !== null && (await evalOn(residual, joined, cx)) !== true) continue;
          if (type === 'right' || type === 'full') matched.add(r);
          out.push(joined);
        }
      }
      if (out.length === 0 && (type === 'left' || type === 'full')) out.push(l.concat(nullRow(rw)));
      return out;
    };
    let pendingAt = 0;
    let tailAt = 0;
    return {
      async next() {
        if (table === null) await build();
        for (;;) {
          if (pendingAt < pending.length) {
            // One left row may match many: the output counts toward the yields.
            const t = cx.tick();
            if (t !== null) await t;
            return pending[pendingAt++]!;
          }
          if (!leftDone) {
            const l = await src.next();
            if (l === null) leftDone = true;
            else {
              pending = await probe(l);
              pendingAt = 0;
              continue;
            }
          }
          if (type !== 'right' && type !== 'full') return null;
          if (tail === null) tail = rightRows.filter((r) => !matched.has(r)).map((r) => nullRow(lw).concat(r));
          return tailAt < tail.length ? tail[tailAt++]! : null;
        }
      },
      close: () => src.close(),
    };
  };
}

function nestedLoopFactory(p: Plan & { kind: 'nestedloop' }): OpFactory {
  const left = compilePlan(p.left);
  const right = compilePlan(p.right);
  const on = p.on === null ? null : compileExpr(p.on);
  const lw = p.left.cols.length;
  const rw = p.right.cols.length;
  const { type, lateralDepth, leftOffset } = p;
  return (cx) => {
    let rightRows: Row[] | null = null;
    const matched = new Set<Row>();
    const src = left(cx);
    let pending: Row[] = [];
    let leftDone = false;
    let tail: Row[] | null = null;
    const rowsFor = async (l: Row): Promise<Row[]> => {
      if (lateralDepth === null) {
        if (rightRows === null) rightRows = await drain(right(cx), cx);
        return rightRows;
      }
      // LATERAL: the right side sees the left row at its place in the level's row.
      const published = leftOffset === 0 ? l : new Array<Datum>(leftOffset).fill(null).concat(l);
      cx.outer[lateralDepth] = published;
      return drain(right(cx), cx);
    };
    let pendingAt = 0;
    let tailAt = 0;
    return {
      async next() {
        for (;;) {
          if (pendingAt < pending.length) return pending[pendingAt++]!;
          if (!leftDone) {
            const l = await src.next();
            if (l === null) {
              leftDone = true;
              continue;
            }
            const out: Row[] = [];
            for (const r of await rowsFor(l)) {
              // Every pair counts toward the yields, matched or not (a cross join filters a lot).
              const t = cx.tick();
              if (t !== null) await t;
              const joined = l.concat(r);
              if (on !== null && (await evalOn(on, joined, cx)) !== true) continue;
              if (type === 'right' || type === 'full') matched.add(r);
              out.push(joined);
            }
            if (out.length === 0 && (type === 'left' || type === 'full')) out.push(l.concat(nullRow(rw)));
            pending = out;
            pendingAt = 0;
            continue;
          }
          if (type !== 'right' && type !== 'full') return null;
          if (tail === null) tail = (rightRows ?? []).filter((r) => !matched.has(r)).map((r) => nullRow(lw).concat(r));
          return tailAt < tail.length ? tail[tailAt++]! : null;
        }
      },
      close: () => src.close(),
    };
  };
}

// ---------------------------------------------------------------- set operations

function setOpFactory(p: Plan & { kind: 'setop' }): OpFactory {
  const left = compilePlan(p.left);
  const right = compilePlan(p.right);
  const ts = p.cols.map((c) => c.type);
  const { op, all } = p;
  return (cx) => {
    let out: Row[] | null = null;
    let i = 0;
    const run = async (): Promise<Row[]> => {
      const l = await drain(left(cx), cx);
      const r = await drain(right(cx), cx);
      if (op === 'union') {
        if (all) return l.concat(r);
        const seen = new Set<HashKey>();
        return l.concat(r).filter((row) => {
          const k = keyOf(row, ts);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
      }
      const counts = new Map<HashKey, number>();
      for (const row of r) {
        const k = keyOf(row, ts);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const emitted = new Set<HashKey>();
      const res: Row[] = [];
      for (const row of l) {
        const k = keyOf(row, ts);
        const c = counts.get(k) ?? 0;
        if (op === 'intersect') {
          if (c === 0) continue;
          if (all) counts.set(k, c - 1);
          else if (emitted.has(k)) continue;
        } else {
          if (all) {
            if (c > 0) {
              counts.set(k, c - 1);
              continue;
            }
          } else if (c > 0 || emitted.has(k)) continue;
        }
        emitted.add(k);
        res.push(row);
      }
      return res;
    };
    return {
      async next() {
        if (out === null) out = await run();
        return i < out.length ? out[i++]! : null;
      },
      close() {},
    };
  };
}

// ---------------------------------------------------------------- set-returning functions

/** Rows a generate_series may produce (a runaway series must not exhaust memory silently). */
export const seriesRowsMax = 100_000_000;

/**
 * Set-returning functions: one call streams its rows; several (ROWS FROM, SRFs in a select
 * list) run in lock-step until all are exhausted, the finished ones padded with NULLs.
 */
function srfFactory(calls: readonly SrfCall[], withOrdinality: boolean): OpFactory {
  const compiled = calls.map((c) => ({ name: c.name, width: c.width, impl: c.impl, args: c.args.map((e) => compileExpr(e)), argTypes: c.args.map((e) => e.type) }));
  return (cx) => {
    let gens: (Iterator<Row> | null)[] | null = null;
    let n = 0;
    return {
      async next() {
        if (gens === null) {
          gens = [];
          for (const c of compiled) {
            const vals: Datum[] = [];
            for (const a of c.args) vals.push(await evalOn(a, [], cx));
            gens.push(c.impl === undefined ? rowsOf(c.name, vals, c.argTypes, cx.evalCtx.timeZone) : builtinRows(c.impl, vals, cx));
          }
        }
        let out: Row | null = null;
        if (gens.length === 1) {
          const r = gens[0]!.next();
          if (r.done === true) return null;
          out = r.value;
        } else {
          let any = false;
          const parts: Datum[] = [];
          for (let i = 0; i < gens.length; i++) {
            const g = gens[i];
            const r = g === null ? null : g!.next();
            if (r === null || r.done === true) {
              gens[i] = null;
              for (let k = 0; k < compiled[i]!.width; k++) parts.push(null);
            } else {
              any = true;
              parts.push(...r.value);
            }
          }
          if (!any) return null;
          out = parts;
        }
        const t = cx.tick();
        if (t !== null) await t;
        n++;
        return withOrdinality ? [...out, BigInt(n)] : out;
      },
      close() {},
    };
  };
}

/** Rows (one datum per output column) of one of the engine's own set-returning functions. */
function* rowsOf(name: string, vals: readonly Datum[], argTypes: readonly SqlType[], timeZone: string): Generator<Row> {
  for (const v of seriesOf(name, vals, argTypes, timeZone)) yield [v];
}

/** Rows of a set-returning builtin (strict: a NULL argument yields none). */
function* builtinRows(impl: SetFunctionImpl, vals: readonly Datum[], cx: ExecContext): Generator<Row> {
  if (impl.strict && vals.some((v) => v === null)) return;
  for (const r of impl.rows(vals, cx.evalCtx)) yield [...r];
}

function* seriesOf(name: string, vals: readonly Datum[], argTypes: readonly SqlType[], timeZone: string): Generator<Datum> {
  if (name === 'scalar') {
    yield vals[0] ?? null;
    return;
  }
  if (name === 'pg_partition_ancestors') return; // no partitions (see the binder)
  if (name === 'unnest') {
    const arr = vals[0] as ArrayDatum | null;
    if (arr === null) return;
    for (const e of arr.elements) yield e;
    return;
  }
  // generate_series(start, stop [, step])
  if (vals.some((v) => v === null)) return;
  const t = argTypes[0]!;
  if (t.kind === 'int4' || t.kind === 'int8') {
    const big = t.kind === 'int8';
    let cur = BigInt(vals[0] as number | bigint);
    const stop = BigInt(vals[1] as number | bigint);
    const step = vals.length > 2 ? BigInt(vals[2] as number | bigint) : 1n;
    if (step === 0n) throw sqlError('22023', 'step size cannot equal zero');
    for (let count = 0; step > 0n ? cur <= stop : cur >= stop; cur += step) {
      if (++count > seriesRowsMax) throw sqlError('54000', 'generate_series row limit exceeded');
      yield big ? cur : Number(cur);
    }
    return;
  }
  if (t.kind === 'timestamp' || t.kind === 'timestamptz') {
    let cur = vals[0] as bigint;
    const stop = vals[1] as bigint;
    const iv = vals[2] as Interval;
    // PostgreSQL compares the step with a zero interval (a month counts as 30 days) and adds
    // it value by value, so month steps follow the calendar (Jan 31, Feb 29, Mar 29, ...).
    const span = (BigInt(iv.months) * 30n + BigInt(iv.days)) * 86_400_000_000n + iv.micros;
    if (span === 0n) throw sqlError('22023', 'step size cannot equal zero');
    const zone = t.kind === 'timestamptz' ? timeZone : null;
    for (let count = 0; span > 0n ? cur <= stop : cur >= stop; cur = addInterval(cur, iv, zone)) {
      if (++count > seriesRowsMax) throw sqlError('54000', 'generate_series row limit exceeded');
      yield cur;
    }
    return;
  }
  if (t.kind === 'numeric') {
    let cur = vals[0] as NumericDatum;
    const stop = vals[1] as NumericDatum;
    const step = vals.length > 2 ? (vals[2] as NumericDatum) : setScale(new Decimal(1), 0);
    if (step.isZero()) throw sqlError('22023', 'step size cannot equal zero');
    const up = step.isPositive();
    // Each value keeps the larger display scale of its addends, as numeric addition does (0.5, 1.0, 1.5).
    const stepScale = numericScale(step);
    while (up ? cur.lte(stop) : cur.gte(stop)) {
      yield cur;
      cur = setScale(cur.plus(step), Math.max(numericScale(cur), stepScale));
    }
    return;
  }
  throw sqlError('42883', `function generate_series(${t.kind}) does not exist`);
}

// ---------------------------------------------------------------- CTEs

/** Bound on iterations of a recursive CTE before it is declared runaway. */
export const recursiveCteIterationsMax = 1_000_000;

function withFactory(p: Plan & { kind: 'with' }): OpFactory {
  const ctes = p.ctes.map((c) => ({
    id: c.id,
    base: compilePlan(c.plan),
    step: c.recursive === null ? null : compilePlan(c.recursive.step),
    all: c.recursive?.all ?? true,
    types: c.plan.cols.map((col) => col.type),
  }));
  const body = compilePlan(p.body);
  return (cx) => {
    let src: Op | null = null;
    return {
      async next() {
        if (src === null) {
          for (const c of ctes) cx.cteRows.set(c.id, await materialize(c, cx));
          src = body(cx);
        }
        return src.next();
      },
      close: () => src?.close(),
    };
  };
}

async function materialize(
  c: { id: number; base: OpFactory; step: OpFactory | null; all: boolean; types: SqlType[] },
  cx: ExecContext,
): Promise<Row[]> {
  const rows = await drain(c.base(cx), cx);
  if (c.step === null) return rows;
  const seen = new Set<HashKey>();
  const result: Row[] = [];
  const addNew = (rs: Row[]): Row[] => {
    if (c.all) {
      result.push(...rs);
      return rs;
    }
    const fresh = rs.filter((r) => {
      const k = keyOf(r, c.types);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    result.push(...fresh);
    return fresh;
  };
  let working = addNew(rows);
  for (let iter = 0; working.length > 0; iter++) {
    if (iter >= recursiveCteIterationsMax || result.length > operatorRowsMax) throw sqlError('54000', 'recursive query exceeded its iteration limit');
    cx.cteRows.set(c.id, working);
    working = addNew(await drain(c.step(cx), cx));
  }
  return result;
}

export { types };
