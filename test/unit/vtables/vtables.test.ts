// sql/vtables against a catalog built by DDL (test/unit/vtables/psql-setup.sql, the schema
// psql-expected.txt was captured with): the rows and functions psql's \d commands read
// must match what PostgreSQL 15 returns for the same schema.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHarness } from '../catalog/harness.js';
import type { Harness } from '../catalog/harness.js';
import type { Catalog, VirtualContext } from '../../../sql/catalog/index.js';
import { descriptorOid, indexOid } from '../../../sql/catalog/index.js';
import type { Datum } from '../../../sql/types/index.js';
import {
  catalogInfoFor,
  formatTypeName,
  getVirtualTable,
  listVirtualTables,
  pgGetConstraintdef,
  pgGetIndexdef,
  pgGetSerialSequence,
  regclassIn,
  regclassOut,
  snapshotOf,
} from '../../../sql/vtables/index.js';

let h: Harness;
const setup = readFileSync(new URL('./psql-setup.sql', import.meta.url), 'utf8');

beforeAll(async () => {
  h = await makeHarness();
  await h.exec(setup);
});

function vctx(catalog: Catalog): VirtualContext {
  return {
    catalog,
    databaseId: h.databaseId,
    databaseName: 'defaultdb',
    user: 'root',
    searchPath: ['"$user"', 'public'],
    settings: new Map([
      ['search_path', '"$user", public'],
      ['TimeZone', 'UTC'],
    ]),
  };
}

async function rows(schema: string, name: string): Promise<Record<string, Datum>[]> {
  return h.inTxn(async (c) => {
    const t = getVirtualTable(schema, name)!;
    const out = await t.rows(vctx(c));
    return out.map((r) => Object.fromEntries(t.columns.map((col, i) => [col.name, r[i]!])));
  });
}

describe('pg_catalog rows', () => {
  it('pg_class lists tables, indexes and sequences like PostgreSQL', async () => {
    const ns = (await rows('pg_catalog', 'pg_namespace')).find((r) => r.nspname === 'public')!.oid;
    const cls = (await rows('pg_catalog', 'pg_class'))
      .filter((r) => r.relnamespace === ns)
      .map((r) => [r.relname, r.relkind, r.relnatts, r.relchecks, r.relhasindex, r.reloptions === null ? null : (r.reloptions as { elements: Datum[] }).elements, r.relam])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(cls).toEqual([
      ['pgbench_accounts', 'r', 4, 0, true, ['fillfactor=100'], 2],
      ['pgbench_accounts_pkey', 'i', 1, 0, false, null, 403],
      ['pgbench_branches', 'r', 3, 0, true, ['fillfactor=100'], 2],
      ['pgbench_branches_pkey', 'i', 1, 0, false, null, 403],
      ['s1', 'S', 3, 0, false, null, 0],
      ['t', 'r', 4, 1, true, null, 2],
      ['t_b_key', 'i', 1, 0, false, null, 403],
      ['t_c_idx', 'i', 1, 0, false, null, 403],
      ['t_id_seq', 'S', 3, 0, false, null, 0],
      ['t_pkey', 'i', 1, 0, false, null, 403],
      ['u', 'r', 2, 0, false, null, 2],
    ]);
  });

  it('pg_attribute, pg_attrdef and pg_index of t', async () => {
    const t = await h.table('t');
    const toid = descriptorOid(t.id);
    const attrs = (await rows('pg_catalog', 'pg_attribute'))
      .filter((r) => r.attrelid === toid)
      .map((r) => [r.attname, r.attnum, r.atttypid, r.atttypmod, r.attnotnull, r.atthasdef, r.attcollation, r.attlen]);
    expect(attrs).toEqual([
      ['id', 1, 23, -1, true, true, 0, 4],
      ['a', 2, 23, -1, true, true, 0, 4],
      ['b', 3, 1043, 14, false, false, 100, -1],
      ['c', 4, 25, -1, false, false, 100, -1],
    ]);
    const defs = (await rows('pg_catalog', 'pg_attrdef')).filter((r) => r.adrelid === toid).map((r) => r.adbin);
    expect(defs).toEqual(["nextval('t_id_seq'::regclass)", '5']);
    const idx = (await rows('pg_catalog', 'pg_index'))
      .filter((r) => r.indrelid === toid)
      .map((r) => [r.indkey, r.indoption, r.indcollation, r.indisunique, r.indisprimary]);
    expect(idx).toEqual([
      [[1], [0], [0], true, true],
      [[3], [0], [100], true, false],
      [[4], [3], [100], false, false],
    ]);
  });

  it('pg_constraint with conkey/confkey and constraint definitions', async () => {
    const cons = await rows('pg_catalog', 'pg_constraint');
    const snapDefs = await h.inTxn(async (c) => {
      const snap = await snapshotOf(vctx(c));
      return cons.map((r) => [r.conname, r.contype, pgGetConstraintdef(snap, r.oid as number, true), pgGetConstraintdef(snap, r.oid as number), (r.conkey as { elements: Datum[] }).elements, r.confkey === null ? null : (r.confkey as { elements: Datum[] }).elements]);
    });
    snapDefs.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(snapDefs).toEqual([
      ['pgbench_accounts_bid_fkey', 'f', 'FOREIGN KEY (bid) REFERENCES pgbench_branches(bid)', 'FOREIGN KEY (bid) REFERENCES pgbench_branches(bid)', [2], [1]],
      ['pgbench_accounts_pkey', 'p', 'PRIMARY KEY (aid)', 'PRIMARY KEY (aid)', [1], null],
      ['pgbench_branches_pkey', 'p', 'PRIMARY KEY (bid)', 'PRIMARY KEY (bid)', [1], null],
      ['t_a_check', 'c', 'CHECK (a > 0)', 'CHECK ((a > 0))', [2], null],
      ['t_b_key', 'u', 'UNIQUE (b)', 'UNIQUE (b)', [3], null],
      ['t_pkey', 'p', 'PRIMARY KEY (id)', 'PRIMARY KEY (id)', [1], null],
      ['u_x_fkey', 'f', 'FOREIGN KEY (x) REFERENCES t(id)', 'FOREIGN KEY (x) REFERENCES t(id)', [1], [1]],
    ]);
  });

  it('pg_sequence, pg_depend and pg_sequences', async () => {
    const seqs = (await rows('pg_catalog', 'pg_sequence')).map((r) => [r.seqtypid, r.seqstart, r.seqmin, r.seqmax, r.seqincrement, r.seqcycle, r.seqcache]);
    expect(seqs).toContainEqual([20, 1n, 1n, 9223372036854775807n, 1n, false, 1n]);
    expect(seqs).toContainEqual([23, 1n, 1n, 2147483647n, 1n, false, 1n]);
    const t = await h.table('t');
    const dep = (await rows('pg_catalog', 'pg_depend')).filter((r) => r.refobjid === descriptorOid(t.id) && r.deptype === 'a' && r.refobjsubid === 1);
    expect(dep.length).toBe(1);
    const named = (await rows('pg_catalog', 'pg_sequences')).map((r) => [r.sequencename, r.last_value]);
    expect(named).toEqual([
      ['s1', null],
      ['t_id_seq', null],
    ]);
  });

  it('databases, namespaces, roles and types', async () => {
    expect((await rows('pg_catalog', 'pg_database')).map((r) => [r.datname, r.encoding])).toEqual([
      ['defaultdb', 6],
      ['postgres', 6],
    ]);
    expect((await rows('pg_catalog', 'pg_namespace')).map((r) => r.nspname)).toEqual(['public', 's2', 'pg_catalog', 'information_schema']);
    const roles = (await rows('pg_catalog', 'pg_roles')).filter((r) => !String(r.rolname).startsWith('pg_'));
    expect(roles.map((r) => [r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls])).toEqual([
      ['postgres', true, true, true, true, true],
      ['root', true, true, true, true, true],
    ]);
    const types = await rows('pg_catalog', 'pg_type');
    expect(types.find((r) => r.typname === 'int4')).toMatchObject({ oid: 23, typlen: 4, typbyval: true, typcategory: 'N' });
    expect(types.find((r) => r.typname === 'text')).toMatchObject({ typcollation: 100 });
    const settings = await rows('pg_catalog', 'pg_settings');
    expect(settings.map((r) => [r.name, r.setting])).toEqual([
      ['TimeZone', 'UTC'],
      ['search_path', '"$user", public'],
    ]);
  });

  it('information_schema tables, columns and constraints', async () => {
    const tables = (await rows('information_schema', 'tables')).filter((r) => r.table_schema === 'public').map((r) => r.table_name);
    expect(tables.sort()).toEqual(['pgbench_accounts', 'pgbench_branches', 't', 'u']);
    const cols = (await rows('information_schema', 'columns'))
      .filter((r) => r.table_name === 't')
      .map((r) => [r.column_name, r.ordinal_position, r.column_default, r.is_nullable, r.data_type, r.character_maximum_length, r.character_octet_length, r.numeric_precision, r.udt_name]);
    expect(cols).toEqual([
      ['id', 1, "nextval('t_id_seq'::regclass)", 'NO', 'integer', null, null, 32, 'int4'],
      ['a', 2, '5', 'NO', 'integer', null, null, 32, 'int4'],
      ['b', 3, null, 'YES', 'character varying', 10, 40, null, 'varchar'],
      ['c', 4, null, 'YES', 'text', null, 1073741824, null, 'text'],
    ]);
    const tc = (await rows('information_schema', 'table_constraints')).filter((r) => r.table_name === 'u').map((r) => [r.constraint_name, r.constraint_type]);
    expect(tc).toEqual([['u_x_fkey', 'FOREIGN KEY']]);
    const kcu = (await rows('information_schema', 'key_column_usage')).filter((r) => r.table_name === 'pgbench_accounts').map((r) => [r.constraint_name, r.column_name, r.position_in_unique_constraint]);
    expect(kcu).toEqual([
      ['pgbench_accounts_pkey', 'aid', null],
      ['pgbench_accounts_bid_fkey', 'bid', 1],
    ]);
    expect((await rows('information_schema', 'check_constraints')).map((r) => [r.constraint_name, r.check_clause])).toEqual([['t_a_check', '(a > 0)']]);
    const ccu = (await rows('information_schema', 'constraint_column_usage')).filter((r) => r.constraint_name === 'u_x_fkey').map((r) => [r.table_name, r.column_name]);
    expect(ccu).toEqual([['t', 'id']]);
  });
});

describe('introspection functions', () => {
  it('pg_get_indexdef, regclass I/O, format_type, pg_get_serial_sequence', async () => {
    const t = await h.table('t');
    await h.inTxn(async (c) => {
      const snap = await snapshotOf(vctx(c));
      const byName = (n: string): number => snap.indexesOf(t).find((ix) => ix.name === n)!.id;
      expect(pgGetIndexdef(snap, indexOid(t.id, byName('t_pkey')), 0, true)).toBe('CREATE UNIQUE INDEX t_pkey ON t USING btree (id)');
      expect(pgGetIndexdef(snap, indexOid(t.id, byName('t_c_idx')), 0, true)).toBe('CREATE INDEX t_c_idx ON t USING btree (c DESC)');
      expect(pgGetIndexdef(snap, indexOid(t.id, byName('t_b_key')))).toBe('CREATE UNIQUE INDEX t_b_key ON public.t USING btree (b)');
      expect(pgGetIndexdef(snap, indexOid(t.id, byName('t_pkey')), 1, true)).toBe('id');
      expect(regclassIn(snap, 't')).toBe(descriptorOid(t.id));
      expect(regclassIn(snap, 'public.t')).toBe(descriptorOid(t.id));
      expect(regclassIn(snap, '"t"')).toBe(descriptorOid(t.id));
      expect(regclassIn(snap, 'pg_catalog.pg_class')).toBe(1259);
      expect(regclassIn(snap, 'pg_class')).toBe(1259);
      expect(regclassIn(snap, 'nosuch')).toBe(undefined);
      expect(regclassIn(snap, 't_pkey')).toBe(indexOid(t.id, byName('t_pkey')));
      expect(regclassOut(snap, descriptorOid(t.id))).toBe('t');
      expect(snap.isVisible(descriptorOid(t.id))).toBe(true);
      expect(pgGetSerialSequence(snap, 't', 'id')).toBe('public.t_id_seq');
      expect(catalogInfoFor(snap).userNameById?.(10)).toBe('postgres');
    });
    expect(formatTypeName(1043, 14)).toBe('character varying(10)');
    expect(formatTypeName(23, null)).toBe('integer');
    expect(formatTypeName(1042, 88)).toBe('character(84)');
  });

  it('loadCatalogInfo answers builtins synchronously; NEEDS_CATALOG_INFO spots psql queries', async () => {
    const { loadCatalogInfo, NEEDS_CATALOG_INFO } = await import('../../../sql/vtables/index.js');
    const t = await h.table('t');
    await h.inTxn(async (c) => {
      const info = await loadCatalogInfo(vctx(c));
      expect(info.userNameById?.(6171)).toBe('pg_database_owner');
      expect(info.indexDef?.(indexOid(t.id, 1), 1)).toBe('id');
      expect(info.relationIsVisible?.(descriptorOid(t.id))).toBe(true);
    });
    expect(NEEDS_CATALOG_INFO.test('SELECT pg_catalog.pg_get_indexdef(i.indexrelid, 0, true) FROM x')).toBe(true);
    expect(NEEDS_CATALOG_INFO.test('UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = 3')).toBe(false);
  });

  it('schema-qualifies names that are not on the search path', async () => {
    await h.exec('create table s2.hidden (id int primary key)');
    const t = await h.inTxn(async (c) => {
      const rel = await c.resolveRelation(h.databaseId, [], 's2', 'hidden');
      return rel?.kind === 'table' ? rel.table : null;
    });
    await h.inTxn(async (c) => {
      const snap = await snapshotOf(vctx(c));
      expect(snap.isVisible(descriptorOid(t!.id))).toBe(false);
      expect(regclassOut(snap, descriptorOid(t!.id))).toBe('s2.hidden');
      expect(pgGetIndexdef(snap, indexOid(t!.id, 1), 0, true)).toBe('CREATE UNIQUE INDEX hidden_pkey ON s2.hidden USING btree (id)');
    });
  });
});

describe('virtual table registry', () => {
  it('every table has unique OIDs and resolves through the catalog', async () => {
    const all = listVirtualTables();
    expect(new Set(all.map((t) => t.oid)).size).toBe(all.length);
    await h.inTxn(async (c) => {
      const rel = await c.resolveRelation(h.databaseId, ['"$user"', 'public'], null, 'pg_class');
      expect(rel?.kind).toBe('virtual');
      const rel2 = await c.resolveRelation(h.databaseId, ['public'], 'information_schema', 'columns');
      expect(rel2?.kind).toBe('virtual');
    });
    // Every virtual table generates rows without failing.
    await h.inTxn(async (c) => {
      const ctx = vctx(c);
      for (const t of all) {
        const out = await t.rows(ctx);
        for (const r of out) expect(r.length).toBe(t.columns.length);
      }
    });
  });
});
