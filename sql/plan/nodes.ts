// Physical plan nodes: immutable kind-tagged data produced by sql/plan from bound
// relations, consumed by sql/exec (operators) and by explain. Expressions are the bound
// Expr of sql/bind, each over its node's input row.

import type {
  AggCall,
  BoundCheck,
  Expr,
  JoinType,
  LockSpec,
  OutCol,
  Returning,
  SrfCall,
  SortKey,
} from '../bind/index.js';
import type { IndexDescriptor, TableDescriptor, VirtualTable } from '../catalog/index.js';

/**
 * How a table scan reaches its rows. `eq` holds, per leading index column, the values it
 * must equal (several values: an IN list, one span each); `range` bounds the next column.
 */
export interface IndexAccess {
  readonly index: IndexDescriptor;
  readonly eq: ReadonlyArray<readonly Expr[]>;
  readonly lower: { readonly expr: Expr; readonly inclusive: boolean } | null;
  readonly upper: { readonly expr: Expr; readonly inclusive: boolean } | null;
  /** Every primary-key column fixed by equality on the primary index: gets, not scans. */
  readonly point: boolean;
}

export type Plan =
  | TableScanPlan
  | VirtualScanPlan
  | ValuesPlan
  | OneRowPlan
  | FilterPlan
  | ProjectPlan
  | HashJoinPlan
  | NestedLoopPlan
  | AggPlan
  | SortPlan
  | LimitPlan
  | DistinctPlan
  | SetOpPlan
  | SrfPlan
  | CteScanPlan
  | WithPlan
  | DmlPlan;

interface PlanBase {
  readonly cols: readonly OutCol[];
}

export interface TableScanPlan extends PlanBase {
  readonly kind: 'tablescan';
  readonly table: TableDescriptor;
  /** null: full scan of the primary index. */
  readonly access: IndexAccess | null;
  /** Residual predicate over the table row. */
  readonly filter: Expr | null;
  readonly lock: LockSpec | null;
  readonly reverse: boolean;
}
export interface VirtualScanPlan extends PlanBase {
  readonly kind: 'vscan';
  readonly table: VirtualTable;
  readonly filter: Expr | null;
}
export interface ValuesPlan extends PlanBase {
  readonly kind: 'values';
  readonly rows: ReadonlyArray<readonly Expr[]>;
}
export interface OneRowPlan extends PlanBase {
  readonly kind: 'onerow';
}
export interface FilterPlan extends PlanBase {
  readonly kind: 'filter';
  readonly input: Plan;
  readonly pred: Expr;
}
export interface ProjectPlan extends PlanBase {
  readonly kind: 'project';
  readonly input: Plan;
  readonly exprs: readonly Expr[];
}
/** Equi-join: builds a hash table on the right side. `residual` is over the joined row. */
export interface HashJoinPlan extends PlanBase {
  readonly kind: 'hashjoin';
  readonly type: JoinType;
  readonly left: Plan;
  readonly right: Plan;
  readonly leftKeys: readonly Expr[];
  /** Over the right row. */
  readonly rightKeys: readonly Expr[];
  readonly residual: Expr | null;
}
export interface NestedLoopPlan extends PlanBase {
  readonly kind: 'nestedloop';
  readonly type: JoinType;
  readonly left: Plan;
  readonly right: Plan;
  readonly on: Expr | null;
  /** LATERAL: re-run the right side per left row, publishing it at this depth. */
  readonly lateralDepth: number | null;
  readonly leftOffset: number;
}
export interface AggPlan extends PlanBase {
  readonly kind: 'agg';
  readonly input: Plan;
  readonly groupBy: readonly Expr[];
  readonly aggs: readonly AggCall[];
}
export interface SortPlan extends PlanBase {
  readonly kind: 'sort';
  readonly input: Plan;
  readonly keys: readonly SortKey[];
}
export interface LimitPlan extends PlanBase {
  readonly kind: 'limit';
  readonly input: Plan;
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}
export interface DistinctPlan extends PlanBase {
  readonly kind: 'distinct';
  readonly input: Plan;
  readonly on: readonly Expr[] | null;
}
export interface SetOpPlan extends PlanBase {
  readonly kind: 'setop';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: Plan;
  readonly right: Plan;
}
export interface SrfPlan extends PlanBase {
  readonly kind: 'srf';
  readonly calls: readonly SrfCall[];
  readonly withOrdinality: boolean;
}
/** A data-modifying CTE: runs the write once; its rows are the RETURNING rows. */
export interface DmlPlan extends PlanBase {
  readonly kind: 'dml';
  readonly stmt: InsertPlan | UpdatePlan | DeletePlan;
}
export interface CteScanPlan extends PlanBase {
  readonly kind: 'ctescan';
  readonly cteId: number;
}
export interface WithPlan extends PlanBase {
  readonly kind: 'with';
  readonly ctes: ReadonlyArray<{
    readonly id: number;
    readonly name: string;
    readonly plan: Plan;
    readonly recursive: { readonly step: Plan; readonly all: boolean } | null;
  }>;
  readonly body: Plan;
}

// ---------------------------------------------------------------- statements

export interface QueryPlan {
  readonly kind: 'query';
  readonly root: Plan;
  readonly cols: readonly OutCol[];
}

export interface InsertPlan {
  readonly kind: 'insert';
  readonly table: TableDescriptor;
  readonly source: Plan;
  readonly checks: readonly BoundCheck[];
  readonly onConflict: {
    readonly action: 'nothing' | 'update';
    readonly arbiter: IndexDescriptor | null;
    readonly sets: ReadonlyArray<{ readonly col: number; readonly expr: Expr }>;
    readonly where: Expr | null;
  } | null;
  readonly returning: Returning | null;
}

export interface UpdatePlan {
  readonly kind: 'update';
  readonly table: TableDescriptor;
  readonly input: Plan;
  readonly sets: ReadonlyArray<{ readonly col: number; readonly expr: Expr }>;
  readonly checks: readonly BoundCheck[];
  readonly returning: Returning | null;
  /** True when a SET touches a primary-key column (the row moves: delete + insert). */
  readonly pkChanges: boolean;
  /** Secondary indexes whose columns a SET touches (only these are rewritten). */
  readonly touchedIndexes: readonly IndexDescriptor[];
}

export interface DeletePlan {
  readonly kind: 'delete';
  readonly table: TableDescriptor;
  readonly input: Plan;
  readonly returning: Returning | null;
}

export type StatementPlan = QueryPlan | InsertPlan | UpdatePlan | DeletePlan;
