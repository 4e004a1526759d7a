// The artifacts of sql/bind: bound expressions (names resolved to row slots, operators and
// functions resolved to implementations, every node typed) and logical relations (what to
// compute, not how). Immutable kind-tagged data; sql/plan turns relations into physical plans,
// sql/exec compiles expressions into evaluators.

import type { AggregateImpl, FunctionImpl, OperatorImpl } from '../builtins/index.js';
import type { TableDescriptor, VirtualTable } from '../catalog/index.js';
import type { Datum, SqlType } from '../types/index.js';
import type { LockStrength, LockWaitPolicy } from '../../storage/index.js';

// ---------------------------------------------------------------- expressions

export type Expr =
  | ConstExpr
  | ParamExpr
  | ColExpr
  | OuterExpr
  | OpExpr
  | FuncExpr
  | BoolExpr
  | NotExpr
  | IsNullExpr
  | BoolTestExpr
  | DistinctExpr
  | CaseExpr
  | CastExpr
  | CoalesceExpr
  | NullIfExpr
  | MinMaxExpr
  | ArrayExpr
  | AnyAllExpr
  | InListExpr
  | SubqueryExpr
  | RowExpr
  | SubscriptExpr;

export interface ConstExpr {
  readonly kind: 'const';
  readonly type: SqlType;
  readonly value: Datum;
}
/** $n: `index` is 0-based; the type is the statement's (possibly inferred) parameter type. */
export interface ParamExpr {
  readonly kind: 'param';
  readonly type: SqlType;
  readonly index: number;
}
/** A column of the current input row. */
export interface ColExpr {
  readonly kind: 'col';
  readonly type: SqlType;
  readonly index: number;
  /** `alias.column` as written in the query, for error messages only (not part of identity). */
  readonly label?: string;
}
/** A column of an enclosing query's row (correlated subquery, LATERAL): depth of the scope that owns it. */
export interface OuterExpr {
  readonly kind: 'outer';
  readonly type: SqlType;
  readonly depth: number;
  readonly index: number;
}
export interface OpExpr {
  readonly kind: 'op';
  readonly type: SqlType;
  readonly op: OperatorImpl;
  /** null for a prefix operator. */
  readonly left: Expr | null;
  readonly right: Expr;
}
export interface FuncExpr {
  readonly kind: 'func';
  readonly type: SqlType;
  readonly fn: FunctionImpl;
  readonly args: readonly Expr[];
}
export interface BoolExpr {
  readonly kind: 'and' | 'or';
  readonly type: SqlType;
  readonly args: readonly Expr[];
}
export interface NotExpr {
  readonly kind: 'not';
  readonly type: SqlType;
  readonly arg: Expr;
}
export interface IsNullExpr {
  readonly kind: 'isnull';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly negated: boolean;
}
/** IS [NOT] TRUE / FALSE / UNKNOWN. */
export interface BoolTestExpr {
  readonly kind: 'booltest';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly test: 'true' | 'false' | 'unknown';
  readonly negated: boolean;
}
/** IS [NOT] DISTINCT FROM, with the equality operator of the common type. */
export interface DistinctExpr {
  readonly kind: 'distinct';
  readonly type: SqlType;
  readonly left: Expr;
  readonly right: Expr;
  readonly eq: OperatorImpl;
  /** true: IS NOT DISTINCT FROM. */
  readonly negated: boolean;
}
export interface CaseExpr {
  readonly kind: 'case';
  readonly type: SqlType;
  /** Each `when` is a boolean condition (simple CASE is rewritten to operand = value). */
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly else: Expr;
}
export interface CastExpr {
  readonly kind: 'cast';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly explicit: boolean;
}
export interface CoalesceExpr {
  readonly kind: 'coalesce';
  readonly type: SqlType;
  readonly args: readonly Expr[];
}
export interface NullIfExpr {
  readonly kind: 'nullif';
  readonly type: SqlType;
  readonly left: Expr;
  readonly right: Expr;
  readonly eq: OperatorImpl;
}
export interface MinMaxExpr {
  readonly kind: 'greatest' | 'least';
  readonly type: SqlType;
  readonly args: readonly Expr[];
}
export interface ArrayExpr {
  readonly kind: 'array';
  readonly type: SqlType;
  readonly elems: readonly Expr[];
  /** The elements are arrays of `type` stacked into one more dimension (ARRAY[[1, 2], [3, 4]]). */
  readonly nested?: boolean;
}
/** left op ANY/ALL (array). */
export interface AnyAllExpr {
  readonly kind: 'anyall';
  readonly type: SqlType;
  readonly op: OperatorImpl;
  readonly left: Expr;
  readonly right: Expr;
  readonly all: boolean;
}
/** left [NOT] IN (list), each comparison with its resolved `=`. */
export interface InListExpr {
  readonly kind: 'inlist';
  readonly type: SqlType;
  readonly left: Expr;
  readonly list: readonly Expr[];
  readonly eqs: readonly OperatorImpl[];
  readonly negated: boolean;
}
/**
 * A subquery. `correlated` subqueries run per outer row (the outer row is published at
 * `depth` - 1); others run once per statement execution and are cached.
 */
export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly type: SqlType;
  readonly mode: 'scalar' | 'exists' | 'any' | 'all' | 'array';
  readonly rel: Rel;
  /** For any/all: the left operand and the comparison (left op subquery column). */
  readonly left: Expr | null;
  readonly op: OperatorImpl | null;
  /** Row-valued any/all ((a, b) IN (SELECT x, y ...)): `left` is a row, one operator per column. */
  readonly rowOps?: readonly OperatorImpl[];
  readonly correlated: boolean;
  /** Depth of the scope the subquery's own rows live at. */
  readonly depth: number;
}
export interface RowExpr {
  readonly kind: 'row';
  readonly type: SqlType;
  readonly args: readonly Expr[];
}
/** array[i] (1-based, NULL when out of range). */
export interface SubscriptExpr {
  readonly kind: 'subscript';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly index: Expr;
}

// ---------------------------------------------------------------- relations

/** Metadata of one output column of a relation. */
export interface OutCol {
  readonly name: string;
  readonly type: SqlType;
  /** Source table OID and attribute number for plain table columns, else 0. */
  readonly tableOid: number;
  readonly attnum: number;
  readonly hidden?: boolean;
}

export interface LockSpec {
  readonly strength: LockStrength;
  readonly waitPolicy: LockWaitPolicy;
}

export type Rel =
  | ScanRel
  | VirtualScanRel
  | ValuesRel
  | OneRowRel
  | FilterRel
  | ProjectRel
  | JoinRel
  | AggRel
  | SortRel
  | LimitRel
  | DistinctRel
  | SetOpRel
  | SrfRel
  | CteRefRel
  | WithRel
  | DmlRel;

interface RelBase {
  readonly cols: readonly OutCol[];
}
/** All columns of a table, in descriptor order (hidden ones included). */
export interface ScanRel extends RelBase {
  readonly kind: 'scan';
  readonly table: TableDescriptor;
  readonly lock: LockSpec | null;
}
export interface VirtualScanRel extends RelBase {
  readonly kind: 'vscan';
  readonly table: VirtualTable;
}
export interface ValuesRel extends RelBase {
  readonly kind: 'values';
  readonly rows: readonly (readonly Expr[])[];
}
export interface OneRowRel extends RelBase {
  readonly kind: 'onerow';
}
export interface FilterRel extends RelBase {
  readonly kind: 'filter';
  readonly input: Rel;
  readonly pred: Expr;
}
export interface ProjectRel extends RelBase {
  readonly kind: 'project';
  readonly input: Rel;
  readonly exprs: readonly Expr[];
}
export type JoinType = 'inner' | 'left' | 'right' | 'full';
/** Output: left columns then right columns. A lateral right side sees the left row at `lateralDepth`. */
export interface JoinRel extends RelBase {
  readonly kind: 'join';
  readonly type: JoinType;
  readonly left: Rel;
  readonly right: Rel;
  /** Over the concatenated row; null = cross join / TRUE. */
  readonly on: Expr | null;
  readonly lateralDepth: number | null;
  /** Slot of the query level's row where this join's row starts (lateral sides see the level's row). */
  readonly leftOffset: number;
}
export interface AggCall {
  readonly agg: AggregateImpl;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly filter: Expr | null;
  readonly type: SqlType;
  /** ORDER BY inside the call (array_agg(x ORDER BY y)): rows are fed in this order. */
  readonly order: readonly { readonly expr: Expr; readonly desc: boolean; readonly nullsFirst: boolean }[];
}
/** Output: group keys, then aggregate results. No group keys: exactly one row. */
export interface AggRel extends RelBase {
  readonly kind: 'agg';
  readonly input: Rel;
  readonly groupBy: readonly Expr[];
  readonly aggs: readonly AggCall[];
}
export interface SortKey {
  readonly expr: Expr;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}
export interface SortRel extends RelBase {
  readonly kind: 'sort';
  readonly input: Rel;
  readonly keys: readonly SortKey[];
}
export interface LimitRel extends RelBase {
  readonly kind: 'limit';
  readonly input: Rel;
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}
/** DISTINCT over the first `width` columns; `on` (DISTINCT ON): keep the first row per key. */
export interface DistinctRel extends RelBase {
  readonly kind: 'distinct';
  readonly input: Rel;
  readonly on: readonly Expr[] | null;
}
export interface SetOpRel extends RelBase {
  readonly kind: 'setop';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: Rel;
  readonly right: Rel;
}
/** One function of a FROM item: name, bound arguments and how many columns it yields. */
export interface SrfCall {
  readonly name: string;
  readonly args: readonly Expr[];
  readonly width: number;
  /** A set-returning builtin; absent for the engine's own (generate_series, unnest, ...). */
  readonly impl?: import('../builtins/index.js').SetFunctionImpl;
}
/**
 * Set-returning functions in FROM (generate_series, unnest, jsonb_each, ...; several for
 * ROWS FROM or SRFs in a select list, run in lock-step, shorter ones padded with NULLs).
 * Arguments see outer rows only.
 */
export interface SrfRel extends RelBase {
  readonly kind: 'srf';
  readonly calls: readonly SrfCall[];
  readonly withOrdinality: boolean;
}
export interface CteRefRel extends RelBase {
  readonly kind: 'cteref';
  readonly cteId: number;
}
/** WITH: materializes each CTE once per execution, then runs `body`. */
export interface WithRel extends RelBase {
  readonly kind: 'with';
  readonly ctes: readonly { readonly id: number; readonly name: string; readonly rel: Rel; readonly recursive: RecursiveCte | null }[];
  readonly body: Rel;
}
/**
 * A data-modifying statement in WITH (INSERT/UPDATE/DELETE ... RETURNING): runs once when the
 * CTE is materialized; its RETURNING rows are the CTE's rows (`cols`; none without RETURNING).
 */
export interface DmlRel extends RelBase {
  readonly kind: 'dml';
  readonly stmt: import('./dml.js').BoundInsert | import('./dml.js').BoundUpdate | import('./dml.js').BoundDelete;
}
/** A recursive CTE: `rel` is the non-recursive term; `step` references the working table by id. */
export interface RecursiveCte {
  readonly step: Rel;
  readonly all: boolean;
}
