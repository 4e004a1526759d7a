// Relational operators over rows: filter, project, values, limit, sort, distinct, hash
// aggregation, hash and nested-loop joins (LATERAL included), set operations,
// set-returning functions and CTEs. compilePlan() turns a plan tree into operator
// factories once; each execution instantiates fresh operators from them.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import type { AggCall, Expr, SortKey } from '../bind/index.js';
import type { Plan } from '../plan/index.js';
import { compareDatums, datumKey, types } from '../types/index.js';
import type { ArrayDatum, Datum, Interval, SqlType } from '../types/index.js';
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
      return srfFactory(p.name, p.args, p.withOrdinality);
    case 'ctescan': {
      const id = p.cteId;
      return (cx) => arrayOp(cx.cteRows.get(id) ?? []);
    }
    case 'with':
      return withFactory(p);
  }
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

export async function drain(op: Op, max = operatorRowsMax): Promise<Row[]> {
  const out: Row[] = [];
  try {
    for (let r = await op.next(); r !== null; r = await op.next()) {
      if (out.length >= max) throw sqlError('54000', `operator row limit of ${max} rows exceeded`);
      out.push(r);
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
  if (n < 0) throw sqlError('2201W', `${what} must not be negative`);
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
        if (rows === null) {
          rows = await drain(input(cx));
          rows.sort(cmp);
        }
        return i < rows.length ? rows[i++]! : null;
      },
      close() {},
    };
  };
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
      rightRows = await drain(right(cx));
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
    return {
      async next() {
        if (table === null) await build();
        for (;;) {
          if (pending.length > 0) return pending.shift()!;
          if (!leftDone) {
            const l = await src.next();
            if (l === null) leftDone = true;
            else {
              pending = await probe(l);
              continue;
            }
          }
          if (type !== 'right' && type !== 'full') return null;
          if (tail === null) tail = rightRows.filter((r) => !matched.has(r)).map((r) => nullRow(lw).concat(r));
          return tail.shift() ?? null;
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
        if (rightRows === null) rightRows = await drain(right(cx));
        return rightRows;
      }
      // LATERAL: the right side sees the left row at its place in the level's row.
      const published = leftOffset === 0 ? l : new Array<Datum>(leftOffset).fill(null).concat(l);
      cx.outer[lateralDepth] = published;
      return drain(right(cx));
    };
    return {
      async next() {
        for (;;) {
          if (pending.length > 0) return pending.shift()!;
          if (!leftDone) {
            const l = await src.next();
            if (l === null) {
              leftDone = true;
              continue;
            }
            const out: Row[] = [];
            for (const r of await rowsFor(l)) {
              const joined = l.concat(r);
              if (on !== null && (await evalOn(on, joined, cx)) !== true) continue;
              if (type === 'right' || type === 'full') matched.add(r);
              out.push(joined);
            }
            if (out.length === 0 && (type === 'left' || type === 'full')) out.push(l.concat(nullRow(rw)));
            pending = out;
            continue;
          }
          if (type !== 'right' && type !== 'full') return null;
          if (tail === null) tail = (rightRows ?? []).filter((r) => !matched.has(r)).map((r) => nullRow(lw).concat(r));
          return tail.shift() ?? null;
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
      const l = await drain(left(cx));
      const r = await drain(right(cx));
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

function srfFactory(name: string, args: readonly Expr[], withOrdinality: boolean): OpFactory {
  const ac = args.map((e) => compileExpr(e));
  const argTypes = args.map((e) => e.type);
  return (cx) => {
    let gen: Iterator<Datum> | null = null;
    let n = 0;
    return {
      async next() {
        if (gen === null) {
          const vals: Datum[] = [];
          for (const c of ac) vals.push(await evalOn(c, [], cx));
          gen = seriesOf(name, vals, argTypes);
        }
        const r = gen.next();
        if (r.done === true) return null;
        const t = cx.tick();
        if (t !== null) await t;
        n++;
        return withOrdinality ? [r.value, BigInt(n)] : [r.value];
      },
      close() {},
    };
  };
}

function* seriesOf(name: string, vals: readonly Datum[], argTypes: readonly SqlType[]): Generator<Datum> {
  if (name === 'scalar') {
    yield vals[0] ?? null;
    return;
  }
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
    if (iv.months !== 0) throw sqlError('0A000', 'generate_series with month intervals is not supported');
    const step = BigInt(iv.days) * 86_400_000_000n + iv.micros;
    if (step === 0n) throw sqlError('22023', 'step size cannot equal zero');
    for (; step > 0n ? cur <= stop : cur >= stop; cur += step) yield cur;
    return;
  }
  if (t.kind === 'numeric') {
    let cur = vals[0] as Decimal;
    const stop = vals[1] as Decimal;
    const step = vals.length > 2 ? (vals[2] as Decimal) : new Decimal(1);
    if (step.isZero()) throw sqlError('22023', 'step size cannot equal zero');
    const up = step.isPositive();
    while (up ? cur.lte(stop) : cur.gte(stop)) {
      yield cur;
      cur = cur.plus(step);
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
  const rows = await drain(c.base(cx));
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
    working = addNew(await drain(c.step(cx)));
  }
  return result;
}

export { types };
