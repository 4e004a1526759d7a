// Expression compilation: a bound Expr becomes a tree of closures built once per plan
// (no per-row allocation beyond results). Subqueries and async functions are "leaves"
// evaluated by an async prepare step before the synchronous evaluator runs on a row; their
// values live in the ExecContext, so compiled plans are shareable. Called by exec operators.

import { sqlError } from '../errors.js';
import type { Expr, SubqueryExpr } from '../bind/index.js';
import { castDatum, compareDatums, coerceToTypmod, datumsEqual } from '../types/index.js';
import type { ArrayDatum, Datum, SqlType } from '../types/index.js';
import type { ExecContext, Row } from './context.js';

export type Evaluator = (row: Row, cx: ExecContext) => Datum;

export interface CompiledExpr {
  readonly ev: Evaluator;
  /** Runs the async leaves for `row`; null when the expression has none. */
  readonly prep: ((row: Row, cx: ExecContext) => Promise<void>) | null;
}

/** Runs a subquery plan for the current outer rows and returns its rows (the caller stops early when it can). */
export type SubqueryRunner = (sub: SubqueryExpr, cx: ExecContext, want: 'one' | 'exists' | 'all') => Promise<Row[]>;

let runSubquery: SubqueryRunner | null = null;

/** Wired by exec/index.ts (breaks the import cycle between expressions and operators). */
export function setSubqueryRunner(r: SubqueryRunner): void {
  runSubquery = r;
}

let nextLeafId = 1;

type Prep = (row: Row, cx: ExecContext) => Promise<void>;

export function compileExpr(e: Expr): CompiledExpr {
  const preps: Prep[] = [];
  const ev = build(e, preps);
  if (preps.length === 0) return { ev, prep: null };
  const prep = async (row: Row, cx: ExecContext): Promise<void> => {
    for (const p of preps) await p(row, cx);
  };
  return { ev, prep };
}

/** Evaluates a compiled expression on `row`, running its async leaves first. */
export async function evalAsync(c: CompiledExpr, row: Row, cx: ExecContext): Promise<Datum> {
  if (c.prep !== null) await c.prep(row, cx);
  return c.ev(row, cx);
}

function build(e: Expr, preps: Prep[]): Evaluator {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'param': {
      const i = e.index;
      return (_r, cx) => cx.params[i] ?? null;
    }
    case 'col': {
      const i = e.index;
      return (r) => r[i] ?? null;
    }
    case 'outer': {
      const d = e.depth;
      const i = e.index;
      return (_r, cx) => cx.outer[d]?.[i] ?? null;
    }
    case 'op': {
      const fn = e.op.fn;
      const r = build(e.right, preps);
      if (e.left === null) {
        return (row, cx) => {
          const b = r(row, cx);
          return b === null ? null : fn(b, b, cx.evalCtx);
        };
      }
      const l = build(e.left, preps);
      return (row, cx) => {
        const a = l(row, cx);
        if (a === null) return null;
        const b = r(row, cx);
        return b === null ? null : fn(a, b, cx.evalCtx);
      };
    }
    case 'func':
      return buildFunc(e, preps);
    case 'and':
    case 'or':
      return buildBool(e.kind, e.args.map((a) => build(a, preps)));
    case 'not': {
      const a = build(e.arg, preps);
      return (row, cx) => {
        const v = a(row, cx);
        return v === null ? null : !v;
      };
    }
    case 'isnull': {
      const a = build(e.arg, preps);
      const neg = e.negated;
      const isRow = e.arg.type.kind === 'record';
      return (row, cx) => {
        const v = a(row, cx);
        if (isRow && Array.isArray(v)) {
          // ROW(...) IS NULL: every field null; IS NOT NULL: every field non-null.
          const fields = v as readonly Datum[];
          return neg ? fields.every((f) => f !== null) : fields.every((f) => f === null);
        }
        return neg ? v !== null : v === null;
      };
    }
    case 'booltest': {
      const a = build(e.arg, preps);
      const { test, negated } = e;
      return (row, cx) => {
        const v = a(row, cx);
        const hit = test === 'unknown' ? v === null : test === 'true' ? v === true : v === false;
        return negated ? !hit : hit;
      };
    }
    case 'distinct': {
      const l = build(e.left, preps);
      const r = build(e.right, preps);
      const fn = e.eq.fn;
      const neg = e.negated;
      return (row, cx) => {
        const a = l(row, cx);
        const b = r(row, cx);
        let same: boolean;
        if (a === null || b === null) same = a === b;
        else same = fn(a, b, cx.evalCtx) === true;
        return neg ? same : !same;
      };
    }
    case 'case': {
      const whens = e.whens.map((w) => ({ when: build(w.when, preps), then: build(w.then, preps) }));
      const dflt = build(e.else, preps);
      return (row, cx) => {
        for (let i = 0; i < whens.length; i++) if (whens[i]!.when(row, cx) === true) return whens[i]!.then(row, cx);
        return dflt(row, cx);
      };
    }
    case 'cast':
      return buildCast(build(e.arg, preps), e.arg.type, e.type, e.explicit);
    case 'coalesce': {
      const args = e.args.map((a) => build(a, preps));
      return (row, cx) => {
        for (let i = 0; i < args.length; i++) {
          const v = args[i]!(row, cx);
          if (v !== null) return v;
        }
        return null;
      };
    }
    case 'nullif': {
      const l = build(e.left, preps);
      const r = build(e.right, preps);
      const fn = e.eq.fn;
      return (row, cx) => {
        const a = l(row, cx);
        const b = r(row, cx);
        if (a === null || b === null) return a;
        return fn(a, b, cx.evalCtx) === true ? null : a;
      };
    }
    case 'greatest':
    case 'least': {
      const args = e.args.map((a) => build(a, preps));
      const t = e.type;
      const sign = e.kind === 'greatest' ? 1 : -1;
      return (row, cx) => {
        let best: Datum = null;
        for (const a of args) {
          const v = a(row, cx);
          if (v !== null && (best === null || sign * compareDatums(t, v, best) > 0)) best = v;
        }
        return best;
      };
    }
    case 'array': {
      const elems = e.elems.map((a) => build(a, preps));
      if (e.nested === true) return (row, cx) => stackArrays(elems.map((f) => f(row, cx)) as (ArrayDatum | null)[]);
      return (row, cx) => {
        const out = elems.map((f) => f(row, cx));
        const arr: ArrayDatum = { dims: out.length === 0 ? [] : [out.length], lowerBounds: out.length === 0 ? [] : [1], elements: out };
        return arr;
      };
    }
    case 'anyall':
      return buildAnyAll(e, build(e.left, preps), build(e.right, preps));
    case 'inlist':
      return buildInList(e, build(e.left, preps), e.list.map((x) => build(x, preps)));
    case 'subquery':
      return buildSubquery(e, preps);
    case 'row': {
      const args = e.args.map((a) => build(a, preps));
      return (row, cx) => args.map((f) => f(row, cx));
    }
    case 'subscript': {
      const a = build(e.arg, preps);
      const ix = build(e.index, preps);
      return (row, cx) => {
        const arr = a(row, cx) as ArrayDatum | null;
        const i = ix(row, cx);
        if (arr === null || i === null) return null;
        const k = (i as number) - (arr.lowerBounds[0] ?? 1);
        return k >= 0 && k < arr.elements.length && arr.dims.length === 1 ? (arr.elements[k] ?? null) : null;
      };
    }
  }
}

function buildFunc(e: Expr & { kind: 'func' }, preps: Prep[]): Evaluator {
  const args = e.args.map((a) => build(a, preps));
  const { fn, strict } = e.fn;
  const n = args.length;
  const evalArgs = (row: Row, cx: ExecContext): Datum[] | null => {
    const vals = new Array<Datum>(n);
    for (let i = 0; i < n; i++) {
      const v = args[i]!(row, cx);
      if (v === null && strict) return null;
      vals[i] = v;
    }
    return vals;
  };
  if (e.fn.async) {
    // An async function is a leaf: computed in prepare (after its own arguments' leaves).
    const id = nextLeafId++;
    preps.push(async (row, cx) => {
      const vals = evalArgs(row, cx);
      cx.leafValues.set(id, vals === null ? null : await fn(vals, cx.evalCtx));
    });
    return (_row, cx) => cx.leafValues.get(id) ?? null;
  }
  return (row, cx) => {
    const vals = evalArgs(row, cx);
    return vals === null ? null : (fn(vals, cx.evalCtx) as Datum);
  };
}

function buildBool(kind: 'and' | 'or', args: Evaluator[]): Evaluator {
  const stop = kind === 'or'; // value that decides the result
  if (args.length === 2) {
    const [a, b] = args as [Evaluator, Evaluator];
    return (row, cx) => {
      const x = a(row, cx);
      if (x === stop) return stop;
      const y = b(row, cx);
      if (y === stop) return stop;
      return x === null || y === null ? null : !stop;
    };
  }
  return (row, cx) => {
    let sawNull = false;
    for (let i = 0; i < args.length; i++) {
      const v = args[i]!(row, cx);
      if (v === stop) return stop;
      if (v === null) sawNull = true;
    }
    return sawNull ? null : !stop;
  };
}

function buildCast(arg: Evaluator, from: SqlType, to: SqlType, explicit: boolean): Evaluator {
  const ctx = explicit ? 'explicit' : 'assignment';
  const applyTypmod = to.typmod >= 0;
  return (row, cx) => {
    const v = arg(row, cx);
    if (v === null) return null;
    const c = castDatum(v, from, to, ctx, cx.evalCtx);
    return applyTypmod && c !== null ? coerceToTypmod(to, c, explicit) : c;
  };
}

function buildAnyAll(e: Expr & { kind: 'anyall' }, l: Evaluator, r: Evaluator): Evaluator {
  const fn = e.op.fn;
  const all = e.all;
  return (row, cx) => {
    const a = l(row, cx);
    const arr = r(row, cx) as ArrayDatum | null;
    if (arr === null) return null;
    if (arr.elements.length === 0) return all;
    if (a === null) return null;
    let sawNull = false;
    for (const el of arr.elements) {
      if (el === null) {
        sawNull = true;
        continue;
      }
      const v = fn(a, el, cx.evalCtx);
      if (v === !all) return !all;
      if (v === null) sawNull = true;
    }
    return sawNull ? null : all;
  };
}

function buildInList(e: Expr & { kind: 'inlist' }, l: Evaluator, list: Evaluator[]): Evaluator {
  const eqs = e.eqs.map((o) => o.fn);
  const neg = e.negated;
  return (row, cx) => {
    const a = l(row, cx);
    if (a === null) return null;
    let sawNull = false;
    for (let i = 0; i < list.length; i++) {
      const b = list[i]!(row, cx);
      if (b === null) {
        sawNull = true;
        continue;
      }
      if (eqs[i]!(a, b, cx.evalCtx) === true) return !neg;
    }
    return sawNull ? null : neg;
  };
}

function buildSubquery(e: SubqueryExpr, preps: Prep[]): Evaluator {
  const id = nextLeafId++;
  const left = e.left === null ? null : build(e.left, preps);
  const opFn = e.op?.fn ?? null;
  const rowFns = e.rowOps === undefined ? null : e.rowOps.map((o) => o.fn);
  const rowIsEq = e.rowOps?.[0]?.name === '=';
  const want = e.mode === 'exists' ? 'exists' : e.mode === 'scalar' ? 'one' : 'all';
  preps.push(async (row, cx) => {
    if (!e.correlated && e.mode !== 'any' && e.mode !== 'all') {
      const hit = cx.subqueryCache.get(id);
      if (hit !== undefined || cx.subqueryCache.has(id)) {
        cx.leafValues.set(id, hit ?? null);
        return;
      }
    }
    cx.outer[e.depth - 1] = row;
    const rows = await runSubquery!(e, cx, want);
    let v: Datum;
    switch (e.mode) {
      case 'exists':
        v = rows.length > 0;
        break;
      case 'scalar':
        if (rows.length > 1) throw sqlError('21000', 'more than one row returned by a subquery used as an expression');
        v = rows.length === 0 ? null : (rows[0]![0] ?? null);
        break;
      case 'array': {
        const els = rows.map((r) => r[0] ?? null);
        v = { dims: els.length === 0 ? [] : [els.length], lowerBounds: els.length === 0 ? [] : [1], elements: els } as ArrayDatum;
        break;
      }
      case 'any':
      case 'all': {
        const a = left!(row, cx);
        v = rowFns === null ? quantified(a, rows, e.mode === 'all', opFn!, cx) : quantifiedRows(a as Datum[], rows, e.mode === 'all', rowFns, rowIsEq, cx);
        break;
      }
    }
    if (!e.correlated && e.mode !== 'any' && e.mode !== 'all') cx.subqueryCache.set(id, v);
    cx.leafValues.set(id, v);
  });
  return (_row, cx) => cx.leafValues.get(id) ?? null;
}

function quantified(a: Datum, rows: readonly Row[], all: boolean, fn: (a: Datum, b: Datum, c: ExecContext['evalCtx']) => Datum, cx: ExecContext): Datum {
  if (rows.length === 0) return all;
  if (a === null) return null;
  let sawNull = false;
  for (const r of rows) {
    const b = r[0] ?? null;
    if (b === null) {
      sawNull = true;
      continue;
    }
    const v = fn(a, b, cx.evalCtx);
    if (v === !all) return !all;
    if (v === null) sawNull = true;
  }
  return sawNull ? null : all;
}

/** ARRAY[sub, sub, ...] of arrays: one more dimension; every sub-array must have the same shape. */
function stackArrays(subs: readonly (ArrayDatum | null)[]): ArrayDatum {
  const empty: ArrayDatum = { dims: [], lowerBounds: [], elements: [] };
  const live = subs.filter((a): a is ArrayDatum => a !== null && a.dims.length > 0);
  if (live.length === 0) return empty;
  const first = live[0]!;
  const same = (a: ArrayDatum | null): boolean =>
    a !== null && a.dims.length === first.dims.length && a.dims.every((d, i) => d === first.dims[i] && a.lowerBounds[i] === first.lowerBounds[i]);
  if (!subs.every(same)) throw sqlError('2202E', 'multidimensional arrays must have array expressions with matching dimensions');
  return { dims: [subs.length, ...first.dims], lowerBounds: [1, ...first.lowerBounds], elements: subs.flatMap((a) => a!.elements) };
}

type CmpFn = (a: Datum, b: Datum, c: ExecContext['evalCtx']) => Datum;

/** Row comparison of `a` with one subquery row: = is the AND of the columns, <> their OR (three-valued). */
function compareRow(a: readonly Datum[], r: Row, fns: readonly CmpFn[], isEq: boolean, cx: ExecContext): Datum {
  let sawNull = false;
  for (let i = 0; i < fns.length; i++) {
    const x = a[i] ?? null;
    const y = r[i] ?? null;
    const v = x === null || y === null ? null : fns[i]!(x, y, cx.evalCtx);
    if (v === null) sawNull = true;
    else if (v === !isEq) return !isEq;
  }
  return sawNull ? null : isEq;
}

/** (a, b) = ANY / <> ALL (SELECT x, y ...), with SQL's NULL rules. */
function quantifiedRows(a: readonly Datum[], rows: readonly Row[], all: boolean, fns: readonly CmpFn[], isEq: boolean, cx: ExecContext): Datum {
  if (rows.length === 0) return all;
  let sawNull = false;
  for (const r of rows) {
    const v = compareRow(a, r, fns, isEq, cx);
    if (v === !all) return !all;
    if (v === null) sawNull = true;
  }
  return sawNull ? null : all;
}

/** Compiles a predicate: true only when the expression is TRUE (NULL and FALSE reject). */
export function compilePredicate(e: Expr | null): CompiledExpr | null {
  return e === null ? null : compileExpr(e);
}

export { datumsEqual };
