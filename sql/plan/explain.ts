// EXPLAIN: a plan as PostgreSQL-style text lines ("Index Scan using t_pkey on t",
// "  Index Cond: (id = $1)", "Seq Scan on t", "Hash Join", ...). Expressions are printed
// with the column names of the row they read. Called by sql/session for EXPLAIN.

import type { Expr, OutCol } from '../bind/index.js';
import { typeName } from '../types/index.js';
import type { IndexAccess, Plan, StatementPlan } from './nodes.js';

export function explainPlan(p: StatementPlan): string[] {
  const out: string[] = [];
  switch (p.kind) {
    case 'query':
      node(p.root, 0, out, null);
      break;
    case 'insert':
      out.push(`Insert on ${p.table.name}`);
      child(p.source, 1, out);
      break;
    case 'update':
      out.push(`Update on ${p.table.name}`);
      child(p.input, 1, out);
      break;
    case 'delete':
      out.push(`Delete on ${p.table.name}`);
      child(p.input, 1, out);
      break;
  }
  return out;
}

function pad(level: number): string {
  return level === 0 ? '' : ' '.repeat(level * 6 - 4);
}

function child(p: Plan, level: number, out: string[]): void {
  node(p, level, out, '->  ');
}

function line(level: number, arrow: string | null, text: string, out: string[]): void {
  out.push(level === 0 ? text : `${pad(level)}${arrow ?? ''}${text}`);
}

function detail(level: number, text: string, out: string[]): void {
  out.push(`${' '.repeat(level === 0 ? 2 : level * 6 + 2)}${text}`);
}

function node(p: Plan, level: number, out: string[], arrow: string | null): void {
  switch (p.kind) {
    case 'tablescan': {
      const a = p.access;
      if (a === null) {
        const text = p.reverse ? `Index Scan Backward using ${p.table.primaryIndex.name} on ${p.table.name}` : `Seq Scan on ${p.table.name}`;
        line(level, arrow, text, out);
      } else {
        const kind = a.index.primary || p.reverse ? 'Index Scan' : 'Index Scan';
        line(level, arrow, `${kind}${p.reverse ? ' Backward' : ''} using ${a.index.name} on ${p.table.name}`, out);
        detail(level, `Index Cond: ${indexCond(p.table.columns.map((c) => c.name), a, p)}`, out);
      }
      if (p.filter !== null) detail(level, `Filter: ${expr(p.filter, p.cols)}`, out);
      if (p.lock !== null) detail(level, `Lock: ${p.lock.strength}${p.lock.waitPolicy === 'block' ? '' : ` (${p.lock.waitPolicy})`}`, out);
      return;
    }
    case 'vscan':
      line(level, arrow, `Virtual Scan on ${p.table.name}`, out);
      if (p.filter !== null) detail(level, `Filter: ${expr(p.filter, p.cols)}`, out);
      return;
    case 'values':
      line(level, arrow, `Values Scan (${p.rows.length} row${p.rows.length === 1 ? '' : 's'})`, out);
      return;
    case 'onerow':
      line(level, arrow, 'Result', out);
      return;
    case 'filter':
      line(level, arrow, 'Filter', out);
      detail(level, `Filter: ${expr(p.pred, p.input.cols)}`, out);
      child(p.input, level + 1, out);
      return;
    case 'project':
      // Projections are part of every PostgreSQL node; show only their input.
      node(p.input, level, out, arrow);
      return;
    case 'hashjoin': {
      line(level, arrow, `Hash ${joinName(p.type)}`, out);
      const both = [...p.left.cols, ...p.right.cols];
      const conds = p.leftKeys.map((k, i) => `(${expr(k, p.left.cols)} = ${expr(p.rightKeys[i]!, p.right.cols)})`);
      detail(level, `Hash Cond: ${conds.join(' AND ')}`, out);
      if (p.residual !== null) detail(level, `Join Filter: ${expr(p.residual, both)}`, out);
      child(p.left, level + 1, out);
      line(level + 1, '->  ', 'Hash', out);
      child(p.right, level + 2, out);
      return;
    }
    case 'nestedloop':
      line(level, arrow, `Nested Loop${p.type === 'inner' ? '' : ` ${joinName(p.type).replace(' Join', ' Join')}`}`, out);
      if (p.on !== null) detail(level, `Join Filter: ${expr(p.on, [...p.left.cols, ...p.right.cols])}`, out);
      child(p.left, level + 1, out);
      child(p.right, level + 1, out);
      return;
    case 'agg':
      line(level, arrow, p.groupBy.length === 0 ? 'Aggregate' : 'HashAggregate', out);
      if (p.groupBy.length > 0) detail(level, `Group Key: ${p.groupBy.map((g) => expr(g, p.input.cols)).join(', ')}`, out);
      child(p.input, level + 1, out);
      return;
    case 'sort':
      line(level, arrow, 'Sort', out);
      detail(level, `Sort Key: ${p.keys.map((k) => expr(k.expr, p.input.cols) + (k.desc ? ' DESC' : '') + (k.nullsFirst !== k.desc ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : '')).join(', ')}`, out);
      child(p.input, level + 1, out);
      return;
    case 'limit':
      line(level, arrow, 'Limit', out);
      child(p.input, level + 1, out);
      return;
    case 'distinct':
      line(level, arrow, p.on === null ? 'HashAggregate' : 'Unique', out);
      child(p.input, level + 1, out);
      return;
    case 'setop':
      line(level, arrow, p.op === 'union' ? (p.all ? 'Append' : 'HashAggregate') : `HashSetOp ${p.op === 'intersect' ? 'Intersect' : 'Except'}${p.all ? ' All' : ''}`, out);
      child(p.left, level + 1, out);
      child(p.right, level + 1, out);
      return;
    case 'srf':
      line(level, arrow, `Function Scan on ${p.calls.map((c) => c.name).join(', ')}`, out);
      return;
    case 'ctescan':
      line(level, arrow, `CTE Scan (cte ${p.cteId})`, out);
      return;
    case 'dml':
      line(level, arrow, `${p.stmt.kind === 'insert' ? 'Insert on' : p.stmt.kind === 'update' ? 'Update on' : 'Delete on'} ${p.stmt.table.name}`, out);
      return;
    case 'with':
      node(p.body, level, out, arrow);
      for (const c of p.ctes) {
        detail(level, `CTE ${c.name}`, out);
        child(c.plan, level + 1, out);
      }
      return;
  }
}

function joinName(t: string): string {
  return t === 'inner' ? 'Join' : `${t[0]!.toUpperCase()}${t.slice(1)} Join`;
}

function indexCond(names: readonly string[], a: IndexAccess, p: Plan & { kind: 'tablescan' }): string {
  const posById = new Map(p.table.columns.map((c, i) => [c.id, i]));
  const parts: string[] = [];
  a.eq.forEach((vals, i) => {
    const col = names[posById.get(a.index.columnIds[i]!)!]!;
    parts.push(vals.length === 1 ? `(${col} = ${expr(vals[0]!, p.cols)})` : `(${col} = ANY (ARRAY[${vals.map((v) => expr(v, p.cols)).join(', ')}]))`);
  });
  const next = a.index.columnIds[a.eq.length];
  if (next !== undefined) {
    const col = names[posById.get(next)!]!;
    if (a.lower !== null) parts.push(`(${col} ${a.lower.inclusive ? '>=' : '>'} ${expr(a.lower.expr, p.cols)})`);
    if (a.upper !== null) parts.push(`(${col} ${a.upper.inclusive ? '<=' : '<'} ${expr(a.upper.expr, p.cols)})`);
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
}

/** Prints an expression over a row with columns `cols`. */
export function expr(e: Expr, cols: readonly OutCol[]): string {
  const r = (x: Expr): string => expr(x, cols);
  switch (e.kind) {
    case 'const':
      if (e.value === null) return 'NULL';
      if (typeof e.value === 'number' || typeof e.value === 'bigint' || typeof e.value === 'boolean') return String(e.value);
      return `'${String(e.value).replace(/'/g, "''")}'::${typeName(e.type)}`;
    case 'param':
      return `$${e.index + 1}`;
    case 'col':
      return cols[e.index]?.name ?? `col${e.index}`;
    case 'outer':
      return `outer${e.depth}.col${e.index}`;
    case 'op':
      return e.left === null ? `(${e.op.name} ${r(e.right)})` : `(${r(e.left)} ${e.op.name} ${r(e.right)})`;
    case 'func':
      return `${e.fn.name}(${e.args.map(r).join(', ')})`;
    case 'and':
    case 'or':
      return `(${e.args.map(r).join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${r(e.arg)})`;
    case 'isnull':
      return `(${r(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'booltest':
      return `(${r(e.arg)} IS ${e.negated ? 'NOT ' : ''}${e.test.toUpperCase()})`;
    case 'distinct':
      return `(${r(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${r(e.right)})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${r(w.when)} THEN ${r(w.then)}`).join(' ')} ELSE ${r(e.else)} END`;
    case 'cast':
      return `(${r(e.arg)})::${typeName(e.type)}`;
    case 'coalesce':
      return `COALESCE(${e.args.map(r).join(', ')})`;
    case 'nullif':
      return `NULLIF(${r(e.left)}, ${r(e.right)})`;
    case 'greatest':
    case 'least':
      return `${e.kind.toUpperCase()}(${e.args.map(r).join(', ')})`;
    case 'array':
      return `ARRAY[${e.elems.map(r).join(', ')}]`;
    case 'anyall':
      return `(${r(e.left)} ${e.op.name} ${e.all ? 'ALL' : 'ANY'} (${r(e.right)}))`;
    case 'inlist':
      return `(${r(e.left)} ${e.negated ? '<> ALL' : '= ANY'} (ARRAY[${e.list.map(r).join(', ')}]))`;
    case 'subquery':
      return e.mode === 'exists' ? '(EXISTS (SubPlan))' : '(SubPlan)';
    case 'row':
      return `ROW(${e.args.map(r).join(', ')})`;
    case 'subscript':
      return `${r(e.arg)}[${r(e.index)}]`;
  }
}
