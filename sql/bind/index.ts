// Public API of sql/bind: statement + catalog → bound statement. The only stage that reads
// the catalog: relation names are resolved up front (async), then the tree is bound
// synchronously. Raises the 42xxx errors. Called by sql/session (through the plan cache).

import { sqlError } from '../errors.js';
import { nodeTag } from '../parse/index.js';
import type { Node, SelectStmt, InsertStmt, UpdateStmt, DeleteStmt } from '../parse/index.js';
import type { Catalog, ResolvedRelation } from '../catalog/index.js';
import type { SqlType, TypeEnv } from '../types/index.js';
import { Binder, relationKey, setDmlBinder } from './binder.js';
import { bindDelete, bindInsert, bindUpdate } from './dml.js';
import type { BoundDelete, BoundInsert, BoundUpdate } from './dml.js';
import { ParamTypes } from './params.js';
import { Scope } from './scope.js';
import type { OutCol, Rel } from './types.js';

export type * from './types.js';
export type { BoundInsert, BoundUpdate, BoundDelete, BoundCheck, BoundOnConflict, Returning } from './dml.js';
export { ParamTypes } from './params.js';
export { loadRegResolver } from './reg.js';
export { mapChildren, visitExpr, rewriteExpr, colsUsed, isRowIndependent, needsAsync, shiftCols, remapCols } from './walk.js';
export { conjuncts, andOf, exprKey, resolveTypeName } from './expr.js';
export { figureColname, relationKey } from './binder.js';
export { notNullMessage } from './dml.js';

export interface BoundQuery {
  readonly kind: 'select';
  readonly rel: Rel;
  /** Visible output columns. */
  readonly cols: readonly OutCol[];
}

export type BoundStatement = BoundQuery | BoundInsert | BoundUpdate | BoundDelete;

export interface BindResult {
  readonly stmt: BoundStatement;
  readonly paramTypes: readonly SqlType[];
}

export interface NameEnv {
  readonly catalog: Catalog;
  readonly databaseId: number;
  readonly searchPath: readonly string[];
  readonly user: string;
}

/** True for statements bind handles (queries and DML). */
export function isBindable(ast: Node): boolean {
  const tag = nodeTag(ast);
  return tag === 'SelectStmt' || tag === 'InsertStmt' || tag === 'UpdateStmt' || tag === 'DeleteStmt';
}

/** Resolves every table name the statement mentions (CTE names resolve to null harmlessly). */
export async function resolveRelations(ast: Node, env: NameEnv): Promise<Map<string, ResolvedRelation | null>> {
  const wanted = new Map<string, { schema: string | null; name: string }>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    const o = v as Record<string, unknown>;
    const rv = o.RangeVar as { schemaname?: string; relname?: string } | undefined;
    if (rv !== undefined) wanted.set(relationKey(rv.schemaname ?? null, rv.relname ?? ''), { schema: rv.schemaname ?? null, name: rv.relname ?? '' });
    // INSERT/UPDATE/DELETE targets are bare RangeVar bodies under `relation`.
    const rel = o.relation as { relname?: string; schemaname?: string } | undefined;
    if (rel !== undefined && typeof rel === 'object' && typeof rel.relname === 'string') {
      wanted.set(relationKey(rel.schemaname ?? null, rel.relname), { schema: rel.schemaname ?? null, name: rel.relname });
    }
    for (const k in o) walk(o[k]);
  };
  walk(ast);
  const out = new Map<string, ResolvedRelation | null>();
  for (const [key, w] of wanted) {
    out.set(key, await env.catalog.resolveRelation(env.databaseId, env.searchPath, w.schema, w.name, env.user));
  }
  return out;
}

setDmlBinder((b, ast) => {
  const tag = nodeTag(ast);
  const body = (ast as Record<string, unknown>)[tag];
  if (tag === 'InsertStmt') return bindInsert(b, body as InsertStmt);
  if (tag === 'UpdateStmt') return bindUpdate(b, body as UpdateStmt);
  if (tag === 'DeleteStmt') return bindDelete(b, body as DeleteStmt);
  throw sqlError('0A000', `${tag} in WITH is not supported`);
});

/** Binds a query or DML statement. `declared`: parameter types from Parse (null = infer). */
export function bindStatement(
  ast: Node,
  relations: ReadonlyMap<string, ResolvedRelation | null>,
  declared: readonly (SqlType | null)[],
  typeEnv: TypeEnv,
): BindResult {
  const params = new ParamTypes(declared);
  const b = new Binder(relations, params, typeEnv);
  const tag = nodeTag(ast);
  const body = (ast as Record<string, unknown>)[tag];
  let stmt: BoundStatement;
  switch (tag) {
    case 'SelectStmt': {
      const s = body as SelectStmt;
      if (s.intoClause !== undefined) throw sqlError('0A000', 'SELECT INTO is not supported; use CREATE TABLE AS');
      const rel = b.bindSelect(s, new Scope(null, 0));
      stmt = { kind: 'select', rel, cols: rel.cols.filter((c) => c.hidden !== true) };
      break;
    }
    case 'InsertStmt':
      stmt = bindInsert(b, body as InsertStmt);
      break;
    case 'UpdateStmt':
      stmt = bindUpdate(b, body as UpdateStmt);
      break;
    case 'DeleteStmt':
      stmt = bindDelete(b, body as DeleteStmt);
      break;
    default:
      throw sqlError('0A000', `statement ${tag} is not supported`);
  }
  return { stmt, paramTypes: params.finish() };
}
