// Catalog-backed functions that psql and drivers call, answered synchronously from a
// CatalogSnapshot: pg_get_indexdef, pg_get_constraintdef, pg_get_expr, format_type,
// pg_table_is_visible, pg_get_userbyid, pg_get_serial_sequence and regclass/regnamespace
// I/O. The engine adapts them to builtins' CatalogInfo and sql/types' RegResolver
// (see catalogInfoFor / regResolverFor).

import type { SchemaDescriptor, TableDescriptor } from '../catalog/index.js';
import { constraintOid, decodeOid, descriptorOid, namespaceOid, quoteIdent, roleName } from '../catalog/index.js';
import type { CatalogInfo } from '../builtins/index.js';
import type { RegResolver } from '../types/index.js';
import { typeFromOid, typeName, withTypmod } from '../types/index.js';
import type { CatalogSnapshot } from './snapshot.js';

function colName(t: TableDescriptor, id: number): string {
  return quoteIdent(t.columns.find((c) => c.id === id)?.name ?? `col${id}`);
}

/**
 * pg_get_indexdef(oid, column, pretty): the CREATE INDEX statement, or one column's name.
 * Like PostgreSQL, the pretty form qualifies the table only when it is not visible.
 */
export function pgGetIndexdef(snap: CatalogSnapshot, oid: number, column = 0, pretty = false): string | null {
  const ref = snap.indexByOid(oid);
  if (ref === undefined) return null;
  const { table, index, schema } = ref;
  if (column > 0) {
    const id = index.columnIds[column - 1];
    return id === undefined ? '' : colName(table, id);
  }
  const cols = index.columnIds.map((id, i) => colName(table, id) + (index.directions[i] === 'desc' ? ' DESC' : '')).join(', ');
  const tableOid = descriptorOid(table.id);
  const on = pretty ? (snap.relationDisplayName(tableOid) ?? quoteIdent(table.name)) : `${quoteIdent(schema.name)}.${quoteIdent(table.name)}`;
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(index.name)} ON ${on} USING btree (${cols})`;
}

const FK_ACTION_WORDS: Record<string, string> = {
  restrict: 'RESTRICT',
  cascade: 'CASCADE',
  'set null': 'SET NULL',
  'set default': 'SET DEFAULT',
};

/** pg_get_constraintdef(oid, pretty). */
export function pgGetConstraintdef(snap: CatalogSnapshot, oid: number, pretty = false): string | null {
  const d = decodeOid(oid);
  if (d.kind !== 'constraint') return null;
  const t = snap.table(d.tableId);
  if (t === undefined) return null;
  const slot = d.slot;
  if (slot.kind === 'index') {
    const ix = [t.primaryIndex, ...t.secondaryIndexes].find((x) => x.id === slot.indexId);
    if (ix === undefined) return null;
    return `${ix.primary ? 'PRIMARY KEY' : 'UNIQUE'} (${ix.columnIds.map((id) => colName(t, id)).join(', ')})`;
  }
  if (slot.kind === 'check') {
    const c = t.checks[slot.ordinal];
    if (c === undefined) return null;
    return pretty ? `CHECK (${c.expr})` : `CHECK ((${c.expr}))`;
  }
  const fk = t.foreignKeys[slot.ordinal];
  if (fk === undefined) return null;
  const ref = snap.table(fk.referencedTableId);
  const refName = ref === undefined ? '?' : (snap.relationDisplayName(descriptorOid(ref.id)) ?? ref.name);
  let s = `FOREIGN KEY (${fk.columnIds.map((id) => colName(t, id)).join(', ')}) REFERENCES ${refName}(${fk.referencedColumnIds.map((id) => (ref === undefined ? '?' : colName(ref, id))).join(', ')})`;
  if (fk.onUpdate !== 'no action') s += ` ON UPDATE ${FK_ACTION_WORDS[fk.onUpdate]}`;
  if (fk.onDelete !== 'no action') s += ` ON DELETE ${FK_ACTION_WORDS[fk.onDelete]}`;
  return s;
}

/** OIDs of every constraint of a table, in pg_constraint order. */
export function constraintOidsOf(t: TableDescriptor): number[] {
  const out: number[] = [];
  for (const ix of [t.primaryIndex, ...t.secondaryIndexes]) if (ix.constraint === true) out.push(constraintOid(t.id, { kind: 'index', indexId: ix.id }));
  t.checks.forEach((_c, i) => out.push(constraintOid(t.id, { kind: 'check', ordinal: i })));
  t.foreignKeys.forEach((_c, i) => out.push(constraintOid(t.id, { kind: 'fk', ordinal: i })));
  return out;
}

/** pg_get_expr(adbin, relid, pretty): expressions are stored as SQL text already. */
export function pgGetExpr(exprText: string): string {
  return exprText;
}

/** format_type(oid, typmod): PostgreSQL's SQL-standard type name, '???' when unknown. */
export function formatTypeName(typeOid: number, typmod: number | null): string | null {
  const t = typeFromOid(typeOid);
  if (t === undefined) return '???';
  return typeName(typmod === null || typmod < 0 ? t : withTypmod(t, typmod));
}

export function pgTableIsVisible(snap: CatalogSnapshot, relOid: number): boolean {
  return snap.isVisible(relOid);
}

/** pg_get_userbyid: the role name, or PostgreSQL's "unknown (OID=n)". */
export function pgGetUserById(roleOid: number, known: Iterable<string> = []): string {
  return roleName(roleOid, known) ?? `unknown (OID=${roleOid})`;
}

/** Splits a possibly quoted, possibly qualified name the way PostgreSQL's parser folds it. */
export function parseQualifiedName(text: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  const s = text.trim();
  while (i <= s.length) {
    if (s[i] === '"') {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= s.length) return undefined;
        if (s[j] === '"') {
          if (s[j + 1] === '"') {
            out += '"';
            j += 2;
            continue;
          }
          break;
        }
        out += s[j++];
      }
      parts.push(out);
      i = j + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.') j++;
      const word = s.slice(i, j).trim();
      if (word === '') return undefined;
      parts.push(word.toLowerCase());
      i = j;
    }
    if (i >= s.length) break;
    if (s[i] !== '.') return undefined;
    i++;
  }
  return parts.length > 0 && parts.length <= 3 ? parts : undefined;
}

/** 'name'::regclass: the OID of the relation the name resolves to, or undefined (42P01). */
export function regclassIn(snap: CatalogSnapshot, text: string): number | undefined {
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const parts = parseQualifiedName(text);
  if (parts === undefined) return undefined;
  if (parts.length === 3 && parts[0] !== snap.databaseName) return undefined;
  const name = parts[parts.length - 1]!;
  if (parts.length >= 2) {
    const s = snap.schemaNamed(parts[parts.length - 2]!);
    return s === undefined ? undefined : snap.relationOid(s, name);
  }
  for (const sname of snap.path) {
    const s = snap.schemaNamed(sname);
    const oid = s === undefined ? undefined : snap.relationOid(s, name);
    if (oid !== undefined) return oid;
  }
  return undefined;
}

export function regclassOut(snap: CatalogSnapshot, oid: number): string {
  return snap.relationDisplayName(oid) ?? String(oid);
}

export function regnamespaceIn(snap: CatalogSnapshot, text: string): number | undefined {
  const parts = parseQualifiedName(text);
  if (parts === undefined || parts.length !== 1) return undefined;
  const s = snap.schemaNamed(parts[0]!);
  return s === undefined ? undefined : namespaceOid(s);
}

export function regnamespaceOut(snap: CatalogSnapshot, oid: number): string {
  const s = snap.schemaByOid(oid);
  return s === undefined ? String(oid) : quoteIdent(s.name);
}

/** pg_get_serial_sequence('t', 'id') → 'public.t_id_seq' (or undefined). */
export function pgGetSerialSequence(snap: CatalogSnapshot, tableText: string, column: string): string | undefined {
  const oid = regclassIn(snap, tableText);
  if (oid === undefined) return undefined;
  const d = decodeOid(oid);
  const t = d.kind === 'descriptor' ? snap.table(d.id) : undefined;
  const col = t?.columns.find((c) => c.name === column && !c.hidden);
  if (t === undefined || col === undefined) return undefined;
  const seqId = col.ownedSequenceId ?? snap.sequences.find((s) => s.ownedBy?.tableId === t.id && s.ownedBy.columnId === col.id)?.id;
  const seq = seqId === undefined ? undefined : snap.sequence(seqId);
  const schema: SchemaDescriptor | undefined = seq === undefined ? undefined : snap.schemaOf(seq.schemaId);
  return seq === undefined || schema === undefined ? undefined : `${quoteIdent(schema.name)}.${quoteIdent(seq.name)}`;
}

/** A sql/types RegResolver over the snapshot (regclass and regnamespace I/O). */
export function regResolverFor(snap: CatalogSnapshot): RegResolver {
  return {
    regclassIn: (name) => regclassIn(snap, name),
    regclassOut: (oid) => snap.relationDisplayName(oid),
    regnamespaceIn: (name) => regnamespaceIn(snap, name),
    regnamespaceOut: (oid) => {
      const s = snap.schemaByOid(oid);
      return s === undefined ? undefined : quoteIdent(s.name);
    },
  };
}

/** builtins' CatalogInfo over the snapshot (sequence functions are the engine's to add). */
export function catalogInfoFor(snap: CatalogSnapshot): CatalogInfo {
  return {
    userNameById: (oid) => roleName(oid, snap.ownerNames()),
    relationIsVisible: (oid) => snap.isVisible(oid),
    typeIsVisible: () => true,
    indexDef: (oid: number, column: number, pretty?: boolean) => pgGetIndexdef(snap, oid, column, pretty ?? false) ?? undefined,
    // psql always asks for the pretty form (the other only adds parentheses around CHECK
    // expressions), so a caller that does not pass `pretty` gets it.
    constraintDef: (oid: number, pretty?: boolean) => pgGetConstraintdef(snap, oid, pretty ?? true) ?? undefined,
    exprDef: (expr) => pgGetExpr(expr),
    description: () => undefined,
    relationSize: (oid) => (snap.relationByOid(oid) === undefined ? undefined : 0n),
    serialSequence: (table, column) => pgGetSerialSequence(snap, table, column),
  };
}

/**
 * Statements whose text matches this call catalog-backed builtins (pg_get_indexdef,
 * pg_table_is_visible, ...): the engine loads a snapshot for them (loadCatalogInfo) before
 * running, since builtins call CatalogInfo synchronously.
 */
export const NEEDS_CATALOG_INFO = /\b(pg_get_\w+|pg_table_is_visible|pg_type_is_visible|pg_function_is_visible|obj_description|col_description|shobj_description|pg_table_size|pg_relation_size|pg_total_relation_size|pg_indexes_size)\s*\(/i;
