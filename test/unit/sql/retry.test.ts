// Automatic retry of implicit transactions and statement cancellation.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KvError, openKvDb } from '../../../storage/index.js';
import type { KvDb, Txn } from '../../../storage/index.js';
import { createSqlServer } from '../../../sql/index.js';
import type { Session, SqlServer } from '../../../sql/index.js';
import { RecordingSink, rows, run } from './harness.js';

/** A KvDb whose next `failCommits` commits fail with a retryable error. */
function flaky(kv: KvDb): KvDb & { failCommits: number; commits: number } {
  const db = {
    failCommits: 0,
    commits: 0,
    begin(opts?: Parameters<KvDb['begin']>[0]): Txn {
      const txn = kv.begin(opts);
      return new Proxy(txn, {
        get(target, prop, recv) {
          if (prop === 'commit') {
            return async () => {
              db.commits++;
              if (db.failCommits > 0) {
                db.failCommits--;
                await target.rollback();
                throw new KvError('TxnRetry', 'injected');
              }
              return target.commit();
            };
          }
          const v = Reflect.get(target, prop, recv) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
    now: () => kv.now(),
    adminSplit: (key: Buffer) => kv.adminSplit(key),
    ranges: (key: Buffer, endKey: Buffer) => kv.ranges(key, endKey),
    close: () => kv.close(),
  };
  return db;
}

let kv: KvDb;
let db: ReturnType<typeof flaky>;
let server: SqlServer;
let s: Session;

beforeAll(async () => {
  kv = await openKvDb({ engine: 'memory' });
  db = flaky(kv);
  server = await createSqlServer({ kv: db, logger: pino({ level: 'silent' }), nodeId: 1 });
  s = await server.createSession({ user: 'root', database: 'defaultdb', startupParams: {} });
  await rows(s, 'CREATE TABLE r (id int PRIMARY KEY, n int)');
  await rows(s, 'INSERT INTO r VALUES (1, 0)');
});

afterAll(async () => {
  await s.close();
  await server.close();
  await kv.close();
});

describe('implicit transaction retry', () => {
  test('a single-statement write is retried invisibly on 40001', async () => {
    db.failCommits = 2;
    const before = db.commits;
    const r = await run(s, 'UPDATE r SET n = n + 1 WHERE id = 1');
    expect(r.error).toBeNull();
    expect(r.tag).toBe('UPDATE 1');
    expect(db.commits - before).toBe(3);
    expect(await rows(s, 'SELECT n FROM r WHERE id = 1')).toEqual([['1']]);
  });

  test('a retried SELECT sends its rows once', async () => {
    db.failCommits = 1;
    const r = await run(s, 'SELECT id FROM r');
    expect(r.error).toBeNull();
    expect(r.sink.results.length).toBe(1);
    expect(r.rows).toEqual([['1']]);
  });

  test('explicit transactions get 40001 with PostgreSQL wording', async () => {
    await rows(s, 'BEGIN');
    await rows(s, 'UPDATE r SET n = n + 1 WHERE id = 1');
    db.failCommits = 1;
    const r = await run(s, 'COMMIT');
    expect(r.error!.code).toBe('40001');
    expect(r.error!.message).toMatch(/^restart transaction: /);
    expect(s.txnStatus()).toBe('I');
    expect(await rows(s, 'SELECT n FROM r WHERE id = 1')).toEqual([['1']]);
  });
});

describe('cancel', () => {
  test('a running statement stops with 57014; the session stays usable', async () => {
    const sink = new RecordingSink();
    const p = s.simpleQuery('SELECT count(*) FROM generate_series(1, 50000000)', sink);
    await new Promise((r) => setTimeout(r, 50));
    s.cancel();
    const err = await p;
    expect(err?.code).toBe('57014');
    expect(err?.message).toBe('canceling statement due to user request');
    expect(await rows(s, 'SELECT 1')).toEqual([['1']]);
  });
});
