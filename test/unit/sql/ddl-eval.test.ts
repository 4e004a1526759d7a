// DDL that evaluates expressions over existing rows through the session (DdlContext
// evalRowExpr): ADD CONSTRAINT ... CHECK validation and ALTER COLUMN ... TYPE ... USING;
// and the chunked rewrites of ADD PRIMARY KEY / ALTER COLUMN TYPE over many scan chunks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../sql/index.js';
import { rows, run, startServer, type TestServer } from './harness.js';

let srv: TestServer;
let s: Session;

beforeAll(async () => {
  srv = await startServer();
  s = await srv.session();
  await rows(s, "create table t (id int primary key, a int, b text); insert into t values (1, 5, '10'), (2, 7, '20'), (3, null, null)");
});

afterAll(async () => {
  await srv.close();
});

describe('expressions over existing rows in DDL', () => {
  it('ADD CONSTRAINT CHECK validates every row (NULL passes)', async () => {
    const bad = await run(s, 'alter table t add constraint a_small check (a < 6)');
    expect(bad.error?.code).toBe('23514');
    expect(bad.error?.message).toBe('check constraint "a_small" of relation "t" is violated by some row');
    const ok = await run(s, 'alter table t add constraint a_pos check (t.a > 0 and id < 100)');
    expect(ok.error).toBeNull();
    expect((await run(s, 'insert into t values (4, -1, null)')).error?.code).toBe('23514');
  });

  it('ALTER COLUMN TYPE ... USING rewrites every row with the expression', async () => {
    const r = await run(s, 'alter table t alter column b type int using (b::int + a)');
    expect(r.error).toBeNull();
    expect(await rows(s, 'select id, b from t order by id')).toEqual([['1', '15'], ['2', '27'], ['3', null]]);
    const bad = await run(s, "alter table t alter column b type int using ('x' || b)::int");
    expect(bad.error?.code).toBe('22P02');
  });

  it('ADD PRIMARY KEY moves every row of a large rowid table, chunk by chunk', async () => {
    await rows(s, 'create table big (k int not null, v text); insert into big select g, g::text from generate_series(1, 10000) g');
    expect((await run(s, 'alter table big add primary key (k)')).error).toBeNull();
    expect(await rows(s, "select count(*), sum(k), min(v), max(k) from big")).toEqual([['10000', '50005000', '1', '10000']]);
    expect(await rows(s, 'select v from big where k = 9876')).toEqual([['9876']]);
    // The old (rowid) rows are gone: a second rewrite sees each row once.
    expect((await run(s, 'alter table big alter column v type int using v::int')).error).toBeNull();
    expect(await rows(s, 'select count(*), sum(v) from big')).toEqual([['10000', '50005000']]);
  });

  it('a duplicate key far apart in the table fails ADD PRIMARY KEY with 23505 and leaves the table intact', async () => {
    await rows(s, 'create table dup (k int not null); insert into dup select g from generate_series(1, 9000) g; insert into dup values (3)');
    const r = await run(s, 'alter table dup add primary key (k)');
    expect(r.error?.code).toBe('23505');
    expect(r.error?.message).toBe('could not create unique index "dup_pkey"');
    expect(await rows(s, 'select count(*) from dup')).toEqual([['9001']]);
  });
});
