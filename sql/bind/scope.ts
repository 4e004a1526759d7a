// Name resolution scopes of sql/bind: the FROM items visible at one query level (each with
// its alias and columns mapped to slots of the level's row), chained to enclosing levels
// for correlated references. Used only by the binder.

import { sqlError } from '../errors.js';
import type { SqlType } from '../types/index.js';
import type { OutCol } from './types.js';

export interface ScopeColumn {
  readonly name: string;
  readonly type: SqlType;
  /** Slot in the level's row. */
  readonly slot: number;
  readonly hidden: boolean;
}

/** One FROM item (table, subquery, function, join alias) as seen by name resolution. */
export interface RangeEntry {
  /** The name the entry is referenced by (alias, or the table name). */
  readonly alias: string;
  /** Schema of a plain table referenced without alias, to accept `schema.table.col`. */
  readonly schemaName: string | null;
  readonly columns: readonly ScopeColumn[];
  /** USING/NATURAL join columns merged away: hidden from `*` on the right side. */
  readonly starExcluded?: ReadonlySet<string>;
  /** The table's own name when an alias hides it (for PostgreSQL's "invalid reference" error). */
  readonly relName?: string;
}

export interface CteDef {
  readonly id: number;
  readonly name: string;
  readonly cols: readonly OutCol[];
  /** True while binding the recursive term of the CTE itself. */
  readonly recursiveWorking?: boolean;
}

export type ColumnLookup =
  | { readonly kind: 'local'; readonly col: ScopeColumn }
  | { readonly kind: 'outer'; readonly col: ScopeColumn; readonly depth: number };

/** The names visible at one query level. */
export class Scope {
  readonly entries: RangeEntry[] = [];
  /** Columns of USING joins addressable without qualification: name → slot. */
  readonly mergedColumns = new Map<string, ScopeColumn>();
  readonly ctes = new Map<string, CteDef>();
  /** Set when a reference from this level (or below) reached an enclosing level. */
  outerRefs = 0;

  constructor(
    readonly parent: Scope | null,
    /** 0 for the outermost query of a statement. */
    readonly depth: number,
  ) {}

  child(): Scope {
    return new Scope(this, this.depth + 1);
  }

  add(entry: RangeEntry): void {
    for (const e of this.entries) {
      if (e.alias === entry.alias && e.alias !== '') {
        throw sqlError('42712', `table name "${entry.alias}" specified more than once`);
      }
    }
    this.entries.push(entry);
  }

  findCte(name: string): CteDef | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const c = s.ctes.get(name);
      if (c !== undefined) return c;
    }
    return undefined;
  }

  /** Resolves `qualifier.name` (qualifier null: unqualified) through this and enclosing scopes. */
  lookupColumn(qualifier: string | null, name: string, schema: string | null = null): ColumnLookup {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const col = s.findLocal(qualifier, name, schema);
      if (col !== undefined) {
        if (s === this) return { kind: 'local', col };
        for (let t: Scope | null = this; t !== s; t = t!.parent) t!.outerRefs++;
        return { kind: 'outer', col, depth: s.depth };
      }
    }
    if (qualifier !== null && this.findEntry(qualifier) === undefined) {
      const hidden = this.findAliasedTable(qualifier);
      if (hidden !== undefined) {
        throw sqlError('42P01', `invalid reference to FROM-clause entry for table "${qualifier}"`, {
          hint: `Perhaps you meant to reference the table alias "${hidden.alias}".`,
        });
      }
      throw sqlError('42P01', `missing FROM-clause entry for table "${qualifier}"`);
    }
    const shown = qualifier === null ? name : `${qualifier}.${name}`;
    throw sqlError('42703', `column "${shown}" does not exist`);
  }

  /** `alias.column` of the column at `slot` of this level (error messages name columns so). */
  labelOf(slot: number): string | undefined {
    for (const e of this.entries) for (const c of e.columns) if (c.slot === slot) return e.alias === '' ? c.name : `${e.alias}.${c.name}`;
    return undefined;
  }

  /** An entry whose table is named `name` but referenced by another alias. */
  private findAliasedTable(name: string): RangeEntry | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      for (const e of s.entries) if (e.relName === name) return e;
    }
    return undefined;
  }

  /** Finds an entry by alias in this scope or an enclosing one. */
  findEntry(alias: string): RangeEntry | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      for (const e of s.entries) if (e.alias === alias) return e;
    }
    return undefined;
  }

  private findLocal(qualifier: string | null, name: string, schema: string | null): ScopeColumn | undefined {
    if (qualifier === null) {
      const merged = this.mergedColumns.get(name);
      if (merged !== undefined) return merged;
      let found: ScopeColumn | undefined;
      for (const e of this.entries) {
        for (const c of e.columns) {
          if (c.name !== name) continue;
          if (found !== undefined && found.slot !== c.slot) {
            throw sqlError('42702', `column reference "${name}" is ambiguous`);
          }
          found = c;
        }
      }
      return found;
    }
    for (const e of this.entries) {
      if (e.alias !== qualifier) continue;
      if (schema !== null && e.schemaName !== schema) continue;
      for (const c of e.columns) if (c.name === name) return c;
      const shown = `${qualifier}.${name}`;
      throw sqlError('42703', `column ${shown} does not exist`);
    }
    return undefined;
  }
}
