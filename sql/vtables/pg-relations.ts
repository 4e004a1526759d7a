// pg_catalog tables about relations, generated from the snapshot: pg_namespace, pg_class,
// pg_attribute, pg_index, pg_constraint, pg_attrdef, pg_sequence, pg_depend. OIDs come from
// catalog/oids.ts so they agree with pgwire's RowDescription and regclass. The hidden rowid
// column and its primary index are never shown (PostgreSQL has no such objects).

import type { ColumnDescriptor, IndexDescriptor, TableDescriptor } from '../catalog/index.js';
import {
  FixedOid,
  attrdefOid,
  constraintOid,
  descriptorOid,
  indexOid,
  namespaceOid,
  roleOid,
} from '../catalog/index.js';
import type { SqlType } from '../types/index.js';
import { typeMeta } from '../types/index.js';
import { arr, defineTable } from './define.js';
import type { RowObject, TableDef } from './define.js';
import { constraintOidsOf } from './introspect.js';
import type { CatalogSnapshot } from './snapshot.js';

const PG = 'pg_catalog';
/** pg_class.oid of pg_class itself: pg_depend.classid/refclassid for relations. */
export const PG_CLASS_OID = 1259;

/** Collation of values of a type: 100 (default) for strings, 950 ("C") for name, else 0. */
export function typeCollation(t: SqlType): number {
  const k = t.kind === 'array' ? t.elem?.kind : t.kind;
  if (k === 'text' || k === 'varchar' || k === 'bpchar') return FixedOid.defaultCollation;
  if (k === 'name') return FixedOid.cCollation;
  return 0;
}

function visibleColumns(t: TableDescriptor): ColumnDescriptor[] {
  return t.columns.filter((c) => !c.hidden);
}

function relOptions(t: TableDescriptor): RowObject['reloptions'] {
  const entries = Object.entries(t.storageParams);
  return entries.length === 0 ? null : arr(entries.map(([k, v]) => `${k}=${v}`));
}

const pgNamespace = defineTable(PG, 'pg_namespace', 2615, 'oid oid, nspname name, nspowner oid, nspacl aclitem[]', (snap) =>
  snap.schemas.map((s) => ({ oid: namespaceOid(s), nspname: s.name, nspowner: roleOid(s.owner) })),
);

const CLASS_SPEC =
  'oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid, relfilenode oid, ' +
  'reltablespace oid, relpages int4, reltuples float4, relallvisible int4, reltoastrelid oid, relhasindex bool, ' +
  'relisshared bool, relpersistence char, relkind char, relnatts int2, relchecks int2, relhasrules bool, ' +
  'relhastriggers bool, relhassubclass bool, relrowsecurity bool, relforcerowsecurity bool, relispopulated bool, ' +
  'relreplident char, relispartition bool, relrewrite oid, relfrozenxid xid, relminmxid xid, relacl aclitem[], ' +
  'reloptions text[], relpartbound pg_node_tree';

function classRow(oid: number, name: string, nsp: number, owner: string, kind: string, am: number, natts: number): RowObject {
  return {
    oid, relname: name, relnamespace: nsp, reltype: 0, reloftype: 0, relowner: roleOid(owner), relam: am,
    relfilenode: kind === 'v' ? 0 : oid, reltablespace: 0, relpages: 0, reltuples: -1, relallvisible: 0,
    reltoastrelid: 0, relhasindex: false, relisshared: false, relpersistence: 'p', relkind: kind, relnatts: natts,
    relchecks: 0, relhasrules: false, relhastriggers: false, relhassubclass: false, relrowsecurity: false,
    relforcerowsecurity: false, relispopulated: true, relreplident: kind === 'r' ? 'd' : 'n', relispartition: false,
    relrewrite: 0, relfrozenxid: 0, relminmxid: 0,
  };
}

function classRows(snap: CatalogSnapshot): RowObject[] {
  const out: RowObject[] = [];
  // PostgreSQL implements foreign keys with internal triggers on both tables; psql shows the
  // "Foreign-key constraints" and "Referenced by" sections only when relhastriggers is set.
  const referenced = new Set<number>();
  for (const t of snap.tables) for (const fk of t.foreignKeys) referenced.add(fk.referencedTableId);
  for (const t of snap.tables) {
    const nsp = snap.namespaceOidOf(t.schemaId);
    const cols = visibleColumns(t);
    const indexes = snap.indexesOf(t);
    out.push({
      ...classRow(descriptorOid(t.id), t.name, nsp, t.owner, 'r', FixedOid.heapAm, cols.length === 0 ? 0 : Math.max(...cols.map((c) => c.id))),
      relhasindex: indexes.length > 0,
      relchecks: t.checks.length,
      relhastriggers: t.foreignKeys.length > 0 || referenced.has(t.id),
      reloptions: relOptions(t),
    });
    for (const ix of indexes) {
      out.push(classRow(indexOid(t.id, ix.id), ix.name, nsp, t.owner, 'i', FixedOid.btreeAm, ix.columnIds.length));
    }
  }
  for (const s of snap.sequences) out.push(classRow(descriptorOid(s.id), s.name, snap.namespaceOidOf(s.schemaId), s.owner, 'S', 0, 3));
  for (const v of snap.virtualTables) {
    const s = snap.schemaNamed(v.schemaName);
    if (s === undefined) continue;
    const kind = snap.relationByOid(v.oid)?.kind ?? 'v';
    out.push(classRow(v.oid, v.name, namespaceOid(s), 'postgres', kind, kind === 'r' ? FixedOid.heapAm : 0, v.columns.length));
  }
  return out;
}

const pgClass = defineTable(PG, 'pg_class', PG_CLASS_OID, CLASS_SPEC, classRows);

const ATTR_SPEC =
  'attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, attnum int2, attndims int4, ' +
  'attcacheoff int4, atttypmod int4, attbyval bool, attalign char, attstorage char, attcompression char, ' +
  'attnotnull bool, atthasdef bool, atthasmissing bool, attidentity char, attgenerated char, attisdropped bool, ' +
  'attislocal bool, attinhcount int4, attcollation oid, attacl aclitem[], attoptions text[], attfdwoptions text[], ' +
  'attmissingval anyarray';

function attrRow(relid: number, name: string, num: number, type: SqlType, notNull: boolean, hasDef: boolean): RowObject {
  const m = typeMeta(type.oid);
  return {
    attrelid: relid, attname: name, atttypid: type.oid, attstattarget: -1, attlen: m?.typlen ?? -1, attnum: num,
    attndims: type.kind === 'array' ? 1 : 0, attcacheoff: -1, atttypmod: type.typmod, attbyval: m?.typbyval ?? false,
    attalign: m?.typalign ?? 'i', attstorage: m?.typstorage ?? 'x', attcompression: '', attnotnull: notNull,
    atthasdef: hasDef, atthasmissing: false, attidentity: '', attgenerated: '', attisdropped: false, attislocal: true,
    attinhcount: 0, attcollation: typeCollation(type),
  };
}

function attributeRows(snap: CatalogSnapshot): RowObject[] {
  const out: RowObject[] = [];
  for (const t of snap.tables) {
    const relid = descriptorOid(t.id);
    for (const c of visibleColumns(t)) {
      // An identity column's sequence default is implicit in PostgreSQL: attidentity, no pg_attrdef row.
      const row = attrRow(relid, c.name, c.id, c.type, !c.nullable, c.defaultExpr !== null && c.identity === undefined);
      out.push(c.identity === undefined ? row : { ...row, attidentity: c.identity === 'always' ? 'a' : 'd' });
    }
    for (const ix of snap.indexesOf(t)) {
      ix.columnIds.forEach((id, i) => {
        const c = t.columns.find((x) => x.id === id);
        if (c !== undefined) out.push(attrRow(indexOid(t.id, ix.id), c.name, i + 1, c.type, false, false));
      });
    }
  }
  for (const v of snap.virtualTables) {
    v.columns.forEach((c, i) => out.push(attrRow(v.oid, c.name, i + 1, c.type, false, false)));
  }
  return out;
}

const pgAttribute = defineTable(PG, 'pg_attribute', 1249, ATTR_SPEC, attributeRows);

const INDEX_SPEC =
  'indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool, indnullsnotdistinct bool, ' +
  'indisprimary bool, indisexclusion bool, indimmediate bool, indisclustered bool, indisvalid bool, ' +
  'indcheckxmin bool, indisready bool, indislive bool, indisreplident bool, indkey int2vector, ' +
  'indcollation oidvector, indclass oidvector, indoption int2vector, indexprs pg_node_tree, indpred pg_node_tree';

/** pg_index.indoption bits: 1 = DESC, 2 = NULLS FIRST (Shoal's DESC keys put NULLs first). */
function indOption(ix: IndexDescriptor): number[] {
  return ix.directions.map((d) => (d === 'desc' ? 3 : 0));
}

const pgIndex = defineTable(PG, 'pg_index', 2610, INDEX_SPEC, (snap) =>
  snap.tables.flatMap((t) =>
    snap.indexesOf(t).map((ix) => ({
      indexrelid: indexOid(t.id, ix.id), indrelid: descriptorOid(t.id), indnatts: ix.columnIds.length,
      indnkeyatts: ix.columnIds.length, indisunique: ix.unique, indnullsnotdistinct: false, indisprimary: ix.primary,
      indisexclusion: false, indimmediate: true, indisclustered: false, indisvalid: ix.state === 'public',
      indcheckxmin: false, indisready: ix.state !== 'backfilling', indislive: true, indisreplident: false,
      indkey: [...ix.columnIds],
      indcollation: ix.columnIds.map((id) => typeCollation(t.columns.find((c) => c.id === id)!.type)),
      indclass: ix.columnIds.map(() => 0), indoption: indOption(ix),
    })),
  ),
);

const CONSTRAINT_SPEC =
  'oid oid, conname name, connamespace oid, contype char, condeferrable bool, condeferred bool, convalidated bool, ' +
  'conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid, confupdtype char, confdeltype char, ' +
  'confmatchtype char, conislocal bool, coninhcount int4, connoinherit bool, conkey int2[], confkey int2[], ' +
  'conpfeqop oid[], conppeqop oid[], conffeqop oid[], confdelsetcols int2[], conexclop oid[], conbin pg_node_tree';

const FK_CODES: Record<string, string> = { 'no action': 'a', restrict: 'r', cascade: 'c', 'set null': 'n', 'set default': 'd' };

function constraintRows(snap: CatalogSnapshot): RowObject[] {
  const out: RowObject[] = [];
  for (const t of snap.tables) {
    const oids = constraintOidsOf(t);
    let k = 0;
    const base = (name: string, type: string): RowObject => ({
      oid: oids[k++], conname: name, connamespace: snap.namespaceOidOf(t.schemaId), contype: type, condeferrable: false,
      condeferred: false, convalidated: true, conrelid: descriptorOid(t.id), contypid: 0, conindid: 0, conparentid: 0,
      confrelid: 0, confupdtype: ' ', confdeltype: ' ', confmatchtype: ' ', conislocal: true, coninhcount: 0,
      connoinherit: false,
    });
    for (const ix of [t.primaryIndex, ...t.secondaryIndexes]) {
      if (ix.constraint !== true) continue;
      out.push({ ...base(ix.name, ix.primary ? 'p' : 'u'), conindid: indexOid(t.id, ix.id), conkey: arr([...ix.columnIds]) });
    }
    for (const c of t.checks) out.push({ ...base(c.name, 'c'), conkey: arr(checkColumnIds(t, c.expr)), conbin: c.expr });
    for (const fk of t.foreignKeys) {
      const ref = snap.table(fk.referencedTableId);
      const refIx = ref === undefined ? undefined : [ref.primaryIndex, ...ref.secondaryIndexes].find((ix) => ix.unique && sameSet(ix.columnIds, fk.referencedColumnIds));
      out.push({
        ...base(fk.name, 'f'), confrelid: descriptorOid(fk.referencedTableId),
        conindid: ref !== undefined && refIx !== undefined ? indexOid(ref.id, refIx.id) : 0,
        confupdtype: FK_CODES[fk.onUpdate], confdeltype: FK_CODES[fk.onDelete], confmatchtype: 's',
        conkey: arr([...fk.columnIds]), confkey: arr([...fk.referencedColumnIds]),
      });
    }
  }
  return out;
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Column ids named in a CHECK expression (by word match: good enough for conkey). */
function checkColumnIds(t: TableDescriptor, expr: string): number[] {
  const words = new Set(expr.match(/[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"/g) ?? []);
  return visibleColumns(t)
    .filter((c) => words.has(c.name) || words.has(`"${c.name.replace(/"/g, '""')}"`))
    .map((c) => c.id);
}

const pgConstraint = defineTable(PG, 'pg_constraint', 2606, CONSTRAINT_SPEC, constraintRows);

const pgAttrdef = defineTable(PG, 'pg_attrdef', 2604, 'oid oid, adrelid oid, adnum int2, adbin pg_node_tree', (snap) =>
  snap.tables.flatMap((t) =>
    visibleColumns(t)
      .filter((c) => c.defaultExpr !== null && c.identity === undefined)
      .map((c) => ({ oid: attrdefOid(t.id, c.id), adrelid: descriptorOid(t.id), adnum: c.id, adbin: c.defaultExpr })),
  ),
);

const SEQ_TYPE_OIDS = { int2: 21, int4: 23, int8: 20 } as const;

const pgSequence = defineTable(
  PG,
  'pg_sequence',
  2224,
  'seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8, seqcache int8, seqcycle bool',
  (snap) =>
    snap.sequences.map((s) => ({
      seqrelid: descriptorOid(s.id), seqtypid: SEQ_TYPE_OIDS[s.dataType], seqstart: s.start, seqincrement: s.increment,
      seqmax: s.maxValue, seqmin: s.minValue, seqcache: BigInt(s.cache), seqcycle: s.cycle,
    })),
);

/** Minimal pg_depend: sequences owned by columns ('a' auto, as serial creates them). */
const pgDepend = defineTable(
  PG,
  'pg_depend',
  2608,
  'classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, refobjsubid int4, deptype char',
  (snap) => {
    const out: RowObject[] = [];
    for (const s of snap.sequences) {
      if (s.ownedBy === null) continue;
      out.push({
        classid: PG_CLASS_OID, objid: descriptorOid(s.id), objsubid: 0, refclassid: PG_CLASS_OID,
        refobjid: descriptorOid(s.ownedBy.tableId), refobjsubid: s.ownedBy.columnId, deptype: 'a',
      });
    }
    for (const t of snap.tables) {
      for (const ix of snap.indexesOf(t)) {
        out.push({
          classid: PG_CLASS_OID, objid: indexOid(t.id, ix.id), objsubid: 0, refclassid: ix.constraint === true ? 2606 : PG_CLASS_OID,
          refobjid: ix.constraint === true ? constraintOid(t.id, { kind: 'index', indexId: ix.id }) : descriptorOid(t.id),
          refobjsubid: 0, deptype: ix.constraint === true ? 'i' : 'a',
        });
      }
    }
    return out;
  },
);

export const RELATION_TABLES: readonly TableDef[] = [
  pgNamespace, pgClass, pgAttribute, pgIndex, pgConstraint, pgAttrdef, pgSequence, pgDepend,
];
