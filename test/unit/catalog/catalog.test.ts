// The Catalog and its node-wide cache: name resolution (search path, pg_catalog first,
// "$user"), cache invalidation after commit, no stale fills from old snapshots, rollback;
// the OID mapping; the expression deparser.

import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeHarness } from './harness.js';
import type { Harness } from './harness.js';
import {
  Catalog,
  FixedOid,
  constraintOid,
  decodeOid,
  deparseExpr,
  descriptorOid,
  effectiveSearchPath,
  indexOid,
  namespaceOid,
} from '../../../sql/catalog/index.js';
import { parseSql } from '../../../sql/parse/index.js';
import { types } from '../../../sql/types/index.js';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});

describe('name resolution', () => {
  it('searches pg_catalog first, then the path; "$user" is the user schema', async () => {
    await h.exec('create schema root; create table root.t (a int); create table public.t (a int); create table public.pg_class (a int)');
    await h.inTxn(async (c) => {
      const viaUser = await c.resolveRelation(h.databaseId, ['"$user"', 'public'], null, 't', 'root');
      expect(viaUser?.kind === 'table' && viaUser.schema.name).toBe('root');
      const viaPublic = await c.resolveRelation(h.databaseId, ['"$user"', 'public'], null, 't', 'other');
      expect(viaPublic?.kind === 'table' && viaPublic.schema.name).toBe('public');
      expect((await c.resolveRelation(h.databaseId, ['public'], null, 'pg_class'))?.kind).toBe('virtual');
      expect((await c.resolveRelation(h.databaseId, ['public', 'pg_catalog'], null, 'pg_class'))?.kind).toBe('table');
      expect((await c.resolveRelation(h.databaseId, ['public'], 'public', 'pg_class'))?.kind).toBe('table');
      expect(await c.resolveRelation(h.databaseId, ['public'], 'nosuch', 't')).toBe(null);
      expect(await c.resolveRelation(h.databaseId, ['public'], null, 'nosuch')).toBe(null);
    });
    expect(effectiveSearchPath(['"$user"', 'public'], 'bob')).toEqual(['pg_catalog', 'bob', 'public']);
  });
});

describe('descriptor cache', () => {
  it('serves repeated lookups from the cache and sees committed DDL', async () => {
    await h.exec('create table t (a int)');
    const first = await h.table('t');
    const again = await h.table('t');
    expect(again).toBe(first); // the very same frozen object: a cache hit
    await h.exec('alter table t add column b int');
    const after = await h.table('t');
    expect(after.version).toBe(first.version + 1);
    expect(after.columns.map((c) => c.name)).toContain('b');
  });

  it('an old snapshot never caches a stale answer', async () => {
    const old = h.kv.begin();
    const oldCatalog = new Catalog(old, h.cache);
    await h.exec('create table late (a int)');
    // The old transaction reads before the table existed (absent), and must not cache that.
    expect(await oldCatalog.resolveRelation(h.databaseId, ['public'], null, 'late')).toBe(null);
    await old.rollback();
    expect((await h.table('late')).name).toBe('late');
  });

  it('rolled back DDL is never visible', async () => {
    const txn = h.kv.begin();
    const c = new Catalog(txn, h.cache);
    const { executeDdl, Sequences } = await import('../../../sql/catalog/index.js');
    await executeDdl(parseSql('create table ghost (a int)')[0]!.ast, {
      txn,
      catalog: c,
      sequences: new Sequences(h.kv),
      databaseId: h.databaseId,
      databaseName: 'defaultdb',
      searchPath: ['public'],
      user: 'root',
      evalConstExpr: async () => null,
      notice: () => undefined,
    });
    expect((await c.resolveRelation(h.databaseId, ['public'], null, 'ghost'))?.kind).toBe('table');
    await txn.rollback();
    c.afterRollback();
    await h.inTxn(async (c2) => expect(await c2.resolveRelation(h.databaseId, ['public'], null, 'ghost')).toBe(null));
  });

  it('round-trips bigint and SqlType through stored descriptors', async () => {
    await h.exec('create sequence s as int maxvalue 100000 start 7; create table n (x numeric(10,2), y varchar(5)[], z int)');
    h.cache.clear();
    await h.inTxn(async (c) => {
      const s = await c.resolveRelation(h.databaseId, ['public'], null, 's');
      expect(s?.kind === 'sequence' && [s.sequence.start, s.sequence.maxValue]).toEqual([7n, 100000n]);
      const n = await c.resolveRelation(h.databaseId, ['public'], null, 'n');
      expect(n?.kind === 'table' && n.table.columns.filter((x) => !x.hidden).map((x) => x.type)).toEqual([
        { kind: 'numeric', oid: 1700, typmod: (10 << 16) + 2 + 4 },
        { kind: 'array', oid: 1015, typmod: 9, elem: { kind: 'varchar', oid: 1043, typmod: 9 } },
        { kind: 'int4', oid: 23, typmod: -1 },
      ]);
      // Decoded types are the registry's shared objects.
      expect(n?.kind === 'table' && n.table.columns[2]!.type).toBe(types.int4);
    });
  });
});

describe('OIDs', () => {
  it('decode(encode(x)) for descriptors, indexes and constraints; fixed ones stay below 16384', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 999_999 }), fc.integer({ min: 1, max: 499 }), fc.integer({ min: 0, max: 249 }), (id, ix, ord) => {
        expect(decodeOid(descriptorOid(id))).toEqual({ kind: 'descriptor', id });
        expect(decodeOid(indexOid(id, ix))).toEqual({ kind: 'index', tableId: id, indexId: ix });
        expect(decodeOid(constraintOid(id, { kind: 'index', indexId: ix }))).toEqual({ kind: 'constraint', tableId: id, slot: { kind: 'index', indexId: ix } });
        expect(decodeOid(constraintOid(id, { kind: 'check', ordinal: ord }))).toEqual({ kind: 'constraint', tableId: id, slot: { kind: 'check', ordinal: ord } });
        expect(decodeOid(constraintOid(id, { kind: 'fk', ordinal: ord }))).toEqual({ kind: 'constraint', tableId: id, slot: { kind: 'fk', ordinal: ord } });
        expect(constraintOid(id, { kind: 'fk', ordinal: ord })).toBeLessThanOrEqual(4_294_967_295);
      }),
    );
    expect(namespaceOid({ id: 5, name: 'pg_catalog', virtual: true })).toBe(FixedOid.pgCatalogNamespace);
    expect(decodeOid(1259)).toEqual({ kind: 'fixed', oid: 1259 });
  });
});

describe('deparse', () => {
  const expr = (sql: string): string => {
    const stmt = parseSql(`SELECT ${sql}`)[0]!.ast as { SelectStmt: { targetList: { ResTarget: { val: never } }[] } };
    return deparseExpr(stmt.SelectStmt.targetList[0]!.ResTarget.val);
  };
  it('prints expressions the way PostgreSQL stores defaults and checks', () => {
    expect(expr("nextval('t_id_seq'::regclass)")).toBe("nextval('t_id_seq'::regclass)");
    expect(expr("'abc'::varchar(3)")).toBe("'abc'::character varying(3)");
    expect(expr('a > 0 and b < 5')).toBe('(a > 0) AND (b < 5)');
    expect(expr('a + 1 > 0')).toBe('(a + 1) > 0');
    expect(expr('now()')).toBe('now()');
    expect(expr('current_timestamp')).toBe('CURRENT_TIMESTAMP');
    expect(expr("a in (1, 2) or b is null or c like 'x%'")).toBe("(a IN (1, 2)) OR (b IS NULL) OR (c LIKE 'x%')");
    expect(expr('-1')).toBe('-1');
    expect(expr('1.50')).toBe('1.50');
    expect(expr("'it''s'")).toBe("'it''s'");
    expect(expr('"Weird Col" = 1')).toBe('"Weird Col" = 1');
    expect(expr('case when a then 1 else 2 end')).toBe('CASE WHEN a THEN 1 ELSE 2 END');
    expect(expr('coalesce(a, 0)')).toBe('COALESCE(a, 0)');
    expect(expr('true')).toBe('true');
  });
});
