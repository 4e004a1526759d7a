// The node-wide plan cache: statement text (+ database, search path, time zone and declared
// parameter types) → bound, planned and compiled statement. Entries remember the catalog
// generation they were built at (DescriptorCache.generation, which moves with the cluster-wide
// catalog version) and are dropped when the schema has changed since; plans that use no catalog
// object match any generation. Bounded LRU. Used by sessions for simple-query texts and
// prepared statements alike.

import type { OutCol } from '../bind/index.js';
import type { Executable } from '../exec/index.js';
import type { StatementPlan } from '../plan/index.js';
import type { SqlType } from '../types/index.js';

export interface CachedPlan {
  readonly plan: StatementPlan;
  readonly exec: Executable;
  readonly paramTypes: readonly SqlType[];
  /** Result columns, or null when the statement returns no rows. */
  readonly cols: readonly OutCol[] | null;
  /** DescriptorCache.generation when bound. */
  readonly generation: number;
  /** The statement needs catalog-backed reg* I/O at run time. */
  readonly needsReg: boolean;
  /** The statement calls catalog-backed builtins (pg_get_indexdef, ...): see NEEDS_CATALOG_INFO. */
  readonly needsCatalog: boolean;
  /** The statement calls current_schema(s), which lists only schemas that exist. */
  readonly needsSchemas: boolean;
  /** Binding used no catalog object (no relation, no reg* or catalog-backed function): valid at every generation. */
  readonly catalogFree: boolean;
}

/** Bound on cached plans (each holds compiled closures; a few KB). */
export const planCacheEntriesMax = 1000;

export class PlanCache {
  private readonly map = new Map<string, CachedPlan>();

  get(key: string, generation: number): CachedPlan | undefined {
    const hit = this.map.get(key);
    if (hit === undefined) return undefined;
    if (!hit.catalogFree && hit.generation !== generation) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, hit);
    return hit;
  }

  /** The entry for `key` if it depends on no catalog object (no catalog version needed to use it). */
  getCatalogFree(key: string): CachedPlan | undefined {
    const hit = this.map.get(key);
    if (hit === undefined || !hit.catalogFree) return undefined;
    this.map.delete(key);
    this.map.set(key, hit);
    return hit;
  }

  set(key: string, plan: CachedPlan): void {
    if (this.map.size >= planCacheEntriesMax) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    this.map.set(key, plan);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
