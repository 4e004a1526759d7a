// Every catalog query psql 15 sends for \l \dt \d \di \dn \du \ds ... (psql-queries.sql,
// captured from a real PostgreSQL 15) must only name pg_catalog / information_schema
// relations and columns that sql/vtables provides. (Running them end to end is the SQL
// engine's test; this one keeps the catalog side complete.)

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initParser, parseSql } from '../../../sql/parse/index.js';
import { getVirtualTable } from '../../../sql/vtables/index.js';
import type { VirtualTable } from '../../../sql/vtables/index.js';

const text = readFileSync(new URL('./psql-queries.sql', import.meta.url), 'utf8');

/** A FROM-clause entry in scope: a virtual table, or something opaque (function, subquery). */
type ScopeEntry = VirtualTable | 'opaque';
type Scope = Map<string, ScopeEntry>;

interface Problems {
  missing: string[];
}

function fromEntries(node: unknown, scope: Scope, p: Problems): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) fromEntries(n, scope, p);
    return;
  }
  const o = node as Record<string, any>;
  if ('RangeVar' in o) {
    const rv = o.RangeVar;
    const schema = rv.schemaname ?? (String(rv.relname).startsWith('pg_') ? 'pg_catalog' : undefined);
    const alias = rv.alias?.aliasname ?? rv.relname;
    if (schema === undefined) {
      scope.set(alias, 'opaque');
      return;
    }
    const t = getVirtualTable(schema, rv.relname);
    if (t === undefined) p.missing.push(`relation ${schema}.${rv.relname}`);
    scope.set(alias, t ?? 'opaque');
    return;
  }
  if ('JoinExpr' in o) {
    fromEntries(o.JoinExpr.larg, scope, p);
    fromEntries(o.JoinExpr.rarg, scope, p);
    return;
  }
  if ('RangeFunction' in o || 'RangeSubselect' in o) {
    const inner = o.RangeFunction ?? o.RangeSubselect;
    scope.set(inner.alias?.aliasname ?? `opaque${scope.size}`, 'opaque');
  }
}

function checkColumns(node: unknown, scopes: Scope[], p: Problems): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) checkColumns(n, scopes, p);
    return;
  }
  const o = node as Record<string, any>;
  if ('SelectStmt' in o) {
    const s = o.SelectStmt;
    if (s.larg !== undefined) {
      checkColumns({ SelectStmt: s.larg }, scopes, p);
      checkColumns({ SelectStmt: s.rarg }, scopes, p);
      return;
    }
    const scope: Scope = new Map();
    fromEntries(s.fromClause ?? [], scope, p);
    const inner = [...scopes, scope];
    for (const [k, v] of Object.entries(s)) if (k !== 'fromClause') checkColumns(v, inner, p);
    for (const f of s.fromClause ?? []) checkJoinQuals(f, inner, p);
    return;
  }
  if ('ColumnRef' in o) {
    const fields = (o.ColumnRef.fields as any[]).map((f) => f.String?.sval ?? '*');
    checkColumnRef(fields, scopes, p);
    return;
  }
  for (const v of Object.values(o)) checkColumns(v, scopes, p);
}

function checkJoinQuals(node: unknown, scopes: Scope[], p: Problems): void {
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, any>;
  if ('JoinExpr' in o) {
    checkColumns(o.JoinExpr.quals, scopes, p);
    checkJoinQuals(o.JoinExpr.larg, scopes, p);
    checkJoinQuals(o.JoinExpr.rarg, scopes, p);
  }
  if ('RangeSubselect' in o) checkColumns(o.RangeSubselect.subquery, scopes, p);
}

function checkColumnRef(fields: string[], scopes: Scope[], p: Problems): void {
  const all = scopes.flatMap((s) => [...s.entries()]);
  if (fields.length === 2) {
    const hit = [...scopes].reverse().map((s) => s.get(fields[0]!)).find((e) => e !== undefined);
    if (hit === undefined || hit === 'opaque') return; // an output alias or a function's columns
    if (!hit.columns.some((c) => c.name === fields[1])) p.missing.push(`column ${hit.schemaName}.${hit.name}.${fields[1]}`);
    return;
  }
  if (fields.length !== 1 || fields[0] === '*') return;
  if (all.some(([, e]) => e === 'opaque')) return;
  const name = fields[0]!;
  const found = all.some(([, e]) => e !== 'opaque' && e.columns.some((c) => c.name === name));
  // System columns (oid is a real column here) and output aliases referenced in ORDER BY.
  if (!found && !['nsp', 'columns', 'condef', 'ontable'].includes(name)) {
    p.missing.push(`column ${name} (in ${all.map(([, e]) => (e === 'opaque' ? '?' : e.name)).join(', ')})`);
  }
}

describe('psql catalog queries', () => {
  beforeAll(async () => {
    await initParser();
  });

  it('name only relations and columns that exist', () => {
    const queries = text.split(/^-- (?:psql: .*|next)$/m).map((q) => q.replace(/^--.*$/gm, '').trim()).filter((q) => q !== '');
    expect(queries.length).toBeGreaterThan(40);
    const p: Problems = { missing: [] };
    for (const q of queries) {
      for (const stmt of parseSql(q)) checkColumns(stmt.ast, [], p);
    }
    expect([...new Set(p.missing)]).toEqual([]);
  });

  it('the checker itself finds missing relations and columns', () => {
    const p: Problems = { missing: [] };
    for (const q of ['SELECT c.nosuch, relname, other FROM pg_catalog.pg_class c', 'SELECT 1 FROM pg_catalog.pg_nosuch']) {
      for (const stmt of parseSql(q)) checkColumns(stmt.ast, [], p);
    }
    expect(p.missing).toEqual(['column pg_catalog.pg_class.nosuch', 'column other (in pg_class)', 'relation pg_catalog.pg_nosuch']);
  });
});
