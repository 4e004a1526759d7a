// Test harness for sql/catalog: a memory KvDb, the bootstrap catalog, and `exec(sql)` that
// runs DDL statements the way the engine will (one Catalog per transaction, beforeCommit and
// afterCommit around the commit), plus tiny row helpers that write and read rows through sql/rowenc.

import { openKvDb } from '../../../storage/index.js';
import type { KvDb, Txn } from '../../../storage/index.js';
import { initParser, parseSql } from '../../../sql/parse/index.js';
import {
  Catalog,
  DescriptorCache,
  Sequences,
  bootstrapCatalog,
  executeDdl,
  findColumn,
} from '../../../sql/catalog/index.js';
import type { DdlContext, TableDescriptor } from '../../../sql/catalog/index.js';
import type { Notice } from '../../../sql/session/api.js';
import { decodeRow, encodePrimaryKey, encodeRowValue, indexEntries, indexSpan } from '../../../sql/rowenc/index.js';
import type { Datum, SqlType } from '../../../sql/types/index.js';
import { getVirtualTable } from '../../../sql/vtables/index.js';

export interface Harness {
  kv: KvDb;
  cache: DescriptorCache;
  sequences: Sequences;
  notices: Notice[];
  databaseId: number;
  exec(sql: string): Promise<string[]>;
  inTxn<T>(fn: (catalog: Catalog, txn: Txn) => Promise<T>): Promise<T>;
  table(name: string): Promise<TableDescriptor>;
  insert(name: string, values: Record<string, Datum>): Promise<void>;
  rows(name: string): Promise<Datum[][]>;
}

/** Evaluates the constant expressions tests use: literals, negative numbers, nextval('x'::regclass). */
async function evalConst(h: Harness, catalog: Catalog, text: string, type: SqlType): Promise<Datum> {
  const m = /^nextval\('([^']+)'::regclass\)$/.exec(text);
  if (m !== null) {
    const rel = await catalog.resolveRelation(h.databaseId, ['public'], null, m[1]!);
    if (rel?.kind !== 'sequence') throw new Error(`no sequence ${m[1]}`);
    const v = await h.sequences.nextval(rel.sequence);
    return type.kind === 'int8' ? v : Number(v);
  }
  if (/^'.*'(::.*)?$/.test(text)) return text.slice(1, text.lastIndexOf("'"));
  if (text === 'NULL') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text.replace(/^\((.*)\)$/, '$1'));
  if (Number.isNaN(n)) throw new Error(`cannot evaluate ${text}`);
  return type.kind === 'int8' ? BigInt(n) : n;
}

export async function makeHarness(): Promise<Harness> {
  await initParser();
  const kv = await openKvDb({ engine: 'memory' });
  await bootstrapCatalog(kv);
  const cache = new DescriptorCache(kv, { virtualTables: getVirtualTable });
  const sequences = new Sequences(kv);
  const notices: Notice[] = [];
  const h: Harness = {
    kv,
    cache,
    sequences,
    notices,
    databaseId: 0,
    async inTxn(fn) {
      const txn = kv.begin();
      const catalog = new Catalog(txn, cache);
      try {
        const out = await fn(catalog, txn);
        await catalog.beforeCommit();
        await txn.commit();
        catalog.afterCommit();
        return out;
      } catch (e) {
        if (txn.status === 'pending') await txn.rollback();
        catalog.afterRollback();
        throw e;
      }
    },
    async exec(sql) {
      const tags: string[] = [];
      await h.inTxn(async (catalog, txn) => {
        for (const s of parseSql(sql)) {
          const ctx: DdlContext = {
            txn,
            catalog,
            sequences,
            databaseId: h.databaseId,
            databaseName: 'defaultdb',
            searchPath: ['"$user"', 'public'],
            user: 'root',
            evalConstExpr: (text, type) => evalConst(h, catalog, text, type),
            evalRowExpr: async (text, table, row) => {
              // Only "col > n" / "col < n" checks in tests.
              const m = /^(\w+) ([<>]=?) '?(-?\d+)'?(?:::integer)?$/.exec(text);
              if (m === null) throw new Error(`cannot evaluate ${text}`);
              const pos = table.columns.findIndex((c) => c.name === m[1]);
              const v = row[pos];
              if (v === null || v === undefined) return null;
              const x = Number(v);
              const y = Number(m[3]);
              return m[2] === '>' ? x > y : m[2] === '<' ? x < y : m[2] === '>=' ? x >= y : x <= y;
            },
            notice: (n) => notices.push(n),
          };
          tags.push((await executeDdl(s.ast, ctx)).tag);
        }
      });
      return tags;
    },
    async table(name) {
      return h.inTxn(async (catalog) => {
        const rel = await catalog.resolveRelation(h.databaseId, ['public'], null, name);
        if (rel?.kind !== 'table') throw new Error(`no table ${name}`);
        return rel.table;
      });
    },
    async insert(name, values) {
      const t = await h.table(name);
      const row: Datum[] = t.columns.map(() => null);
      for (const [k, v] of Object.entries(values)) row[t.columns.indexOf(findColumn(t, k)!)] = v;
      for (let i = 0; i < t.columns.length; i++) {
        const c = t.columns[i]!;
        if (c.hidden) row[i] = await sequences.nextRowId(t.id);
      }
      await h.inTxn(async (_c, txn) => {
        await txn.put(encodePrimaryKey(t, row), encodeRowValue(t, row));
        for (const ix of t.secondaryIndexes) for (const e of indexEntries(t, ix, row)) await txn.put(e.key, e.value);
      });
    },
    async rows(name) {
      const t = await h.table(name);
      return h.inTxn(async (_c, txn) => {
        const span = indexSpan(t, t.primaryIndex);
        const kvs = await txn.scan(span.key, span.endKey);
        return kvs.map((kv) => decodeRow(t, kv.key, kv.value).filter((_d, i) => !t.columns[i]!.hidden));
      });
    },
  };
  h.databaseId = await h.inTxn(async (catalog) => (await catalog.getDatabase('defaultdb'))!.id);
  return h;
}

/** Runs `fn` and returns the SQLSTATE it failed with (or 'no error'). */
export async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'no error';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}
