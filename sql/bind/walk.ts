// Generic traversal of bound expressions: a child mapper (every node kind handled, so a new
// kind fails to compile until added here) and the small analyses built on it (which row
// slots an expression reads, whether it is constant for one execution, slot shifting).
// Used by bind (aggregate rewrite, joins), plan (predicate pushdown, spans) and exec.

import type { Expr } from './types.js';

/** Rebuilds `e` with each direct child replaced by `f(child)`; subquery bodies are not entered. */
export function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'col':
    case 'outer':
      return e;
    case 'op':
      return { ...e, left: e.left === null ? null : f(e.left), right: f(e.right) };
    case 'func':
      return { ...e, args: e.args.map(f) };
    case 'and':
    case 'or':
      return { ...e, args: e.args.map(f) };
    case 'not':
      return { ...e, arg: f(e.arg) };
    case 'isnull':
      return { ...e, arg: f(e.arg) };
    case 'booltest':
      return { ...e, arg: f(e.arg) };
    case 'distinct':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })), else: f(e.else) };
    case 'cast':
      return { ...e, arg: f(e.arg) };
    case 'coalesce':
      return { ...e, args: e.args.map(f) };
    case 'nullif':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'greatest':
    case 'least':
      return { ...e, args: e.args.map(f) };
    case 'array':
      return { ...e, elems: e.elems.map(f) };
    case 'anyall':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'inlist':
      return { ...e, left: f(e.left), list: e.list.map(f) };
    case 'subquery':
      return { ...e, left: e.left === null ? null : f(e.left) };
    case 'row':
      return { ...e, args: e.args.map(f) };
    case 'subscript':
      return { ...e, arg: f(e.arg), index: f(e.index) };
  }
}

/** Visits every node of `e` (pre-order), not entering subquery bodies. */
export function visitExpr(e: Expr, visit: (n: Expr) => void): void {
  visit(e);
  mapChildren(e, (c) => {
    visitExpr(c, visit);
    return c;
  });
}

/** Post-order rewrite: children first, then `f` on the rebuilt node. */
export function rewriteExpr(e: Expr, f: (n: Expr) => Expr): Expr {
  return f(mapChildren(e, (c) => rewriteExpr(c, f)));
}

/** Slots of the current row that `e` reads. */
export function colsUsed(e: Expr, out: Set<number> = new Set()): Set<number> {
  visitExpr(e, (n) => {
    if (n.kind === 'col') out.add(n.index);
  });
  return out;
}

/** True when `e` reads no column of the current row and has no subquery or volatile call: its value is fixed for one execution. */
export function isRowIndependent(e: Expr): boolean {
  let ok = true;
  visitExpr(e, (n) => {
    if (n.kind === 'col' || n.kind === 'outer' || n.kind === 'subquery') ok = false;
    else if (n.kind === 'func' && (n.fn.volatility === 'volatile' || n.fn.async)) ok = false;
  });
  return ok;
}

/** True when `e` contains a subquery or an async function (evaluation needs an await). */
export function needsAsync(e: Expr): boolean {
  let yes = false;
  visitExpr(e, (n) => {
    if (n.kind === 'subquery' || (n.kind === 'func' && n.fn.async)) yes = true;
  });
  return yes;
}

/** Shifts every current-row slot by `delta` (join inputs see their own row layout). */
export function shiftCols(e: Expr, delta: number): Expr {
  if (delta === 0) return e;
  return rewriteExpr(e, (n) => (n.kind === 'col' ? { ...n, index: n.index + delta } : n));
}

/** Replaces current-row slot i by `map[i]` (an expression over another row layout). */
export function remapCols(e: Expr, map: (index: number) => Expr): Expr {
  return rewriteExpr(e, (n) => (n.kind === 'col' ? map(n.index) : n));
}
