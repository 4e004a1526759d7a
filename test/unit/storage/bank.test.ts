// Invariant workload on both engines: concurrent transfers (with FOR UPDATE locks, also
// under read committed, and optimistic ones relying on refresh / TxnRetry) while auditors scan every account inside
// their own transactions. Serializability means every audit sees the exact total, and the
// final total is unchanged.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvError, openKvDb } from '../../../storage/index.js';
import type { LocalKvDb } from '../../../storage/index.js';

const ACCOUNTS = 8;
const TOTAL = ACCOUNTS * 1000;
const b = (s: string): Buffer => Buffer.from(s);
const acct = (i: number): Buffer => b(`bank/${i}`);

let dir: string | null = null;
let db: LocalKvDb | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

async function retrying(fn: () => Promise<boolean>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (await fn()) return attempt;
    } catch (e) {
      if (!(e instanceof KvError) || !['TxnRetry', 'TxnAborted', 'Deadlock'].includes(e.code)) throw e;
    }
    if (attempt > 200) throw new Error('too many retries');
  }
}

for (const engine of ['memory', 'rocksdb'] as const) {
  describe(`bank invariant on ${engine}`, () => {
    it('keeps the total in every audit and at the end', async () => {
      if (engine === 'rocksdb') dir = mkdtempSync(join(tmpdir(), 'shoal-bank-'));
      db = engine === 'rocksdb' ? await openKvDb({ engine, dir: dir! }) : await openKvDb({ engine });
      const kv = db;
      const init = kv.begin();
      for (let i = 0; i < ACCOUNTS; i++) await init.put(acct(i), b('1000'));
      await init.commit();

      const audits: number[] = [];
      const transfer = async (seed: number, locking: boolean, isolation: 'serializable' | 'read committed' = 'serializable'): Promise<void> => {
        const r = rng(seed);
        for (let n = 0; n < 25; n++) {
          const from = r(ACCOUNTS);
          const to = (from + 1 + r(ACCOUNTS - 1)) % ACCOUNTS;
          const amount = 1 + r(50);
          await retrying(async () => {
            const t = kv.begin({ isolation });
            try {
              const lock = locking ? ({ lock: 'exclusive' } as const) : {};
              const fv = Number((await t.get(acct(from), lock))!.toString());
              const tv = Number((await t.get(acct(to), lock))!.toString());
              await t.put(acct(from), b(String(fv - amount)));
              await t.put(acct(to), b(String(tv + amount)));
              await t.commit();
              return true;
            } catch (e) {
              await t.rollback();
              throw e;
            }
          });
        }
      };
      const audit = async (): Promise<void> => {
        for (let n = 0; n < 15; n++) {
          await retrying(async () => {
            const t = kv.begin();
            const rows = await t.scan(b('bank/'), b('bank0'));
            await t.commit();
            expect(rows).toHaveLength(ACCOUNTS);
            audits.push(rows.reduce((s, row) => s + Number(row.value.toString()), 0));
            return true;
          });
        }
      };
      // Read committed is safe for transfers only with locking reads (as in PostgreSQL).
      await Promise.all([transfer(1, true), transfer(2, true), transfer(3, false), transfer(4, false), transfer(5, true, 'read committed'), audit(), audit()]);
      expect(audits.length).toBe(30);
      expect(new Set(audits)).toEqual(new Set([TOTAL]));
      const t = kv.begin();
      const rows = await t.scan(b('bank/'), b('bank0'));
      expect(rows.reduce((s, row) => s + Number(row.value.toString()), 0)).toBe(TOTAL);
      await t.commit();
    });
  });
}
