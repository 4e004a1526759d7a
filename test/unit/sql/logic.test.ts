// Runs the SQL logic tests under test/logic/*.slt on an in-process server (memory engine).
// Format (CockroachDB/sqllogictest style):
//   statement ok | statement error <SQLSTATE or regex>   then the SQL (until a blank line)
//   query <types> [rowsort]                               then SQL, '----', expected rows
// Values print as text, NULL as NULL, '' as (empty); a row is its values joined by spaces.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RecordingSink, startServer } from './harness.js';
import type { TestServer } from './harness.js';
import { fmtValue, parseLogicFile } from '../../logic/slt.js';

const dir = join(import.meta.dirname, '..', '..', 'logic');

const files = readdirSync(dir).filter((f) => f.endsWith('.slt')).sort();

describe('logic tests', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => {
    await srv.close();
  });
  for (const f of files) {
    test(f, async () => {
      const s = await srv.session();
      // Each file runs in its own database so files do not see each other's tables.
      const db = f.replace(/\W/g, '_');
      const setup = new RecordingSink();
      const err = await s.simpleQuery(`CREATE DATABASE ${db}`, setup);
      const session = err === null ? await srv.session(db) : s;
      for (const c of parseLogicFile(readFileSync(join(dir, f), 'utf8'))) {
        const sink = new RecordingSink();
        const error = await session.simpleQuery(c.sql, sink);
        const where = `${f}:${c.line}: ${c.sql}`;
        if (c.kind === 'ok') {
          expect(error === null ? null : `${error.code} ${error.message}`, where).toBeNull();
        } else if (c.kind === 'error') {
          expect(error, `${where} should fail`).not.toBeNull();
          const pat = c.expectError!;
          if (/^[0-9A-Z]{5}$/.test(pat)) expect(error!.code, `${where}: ${error!.message}`).toBe(pat);
          else expect(error!.message, where).toMatch(new RegExp(pat));
        } else {
          expect(error === null ? null : `${error.code} ${error.message}`, where).toBeNull();
          const last = sink.results[sink.results.length - 1];
          let got = (last?.rows ?? []).map((r) => r.map(fmtValue).join(' '));
          let want = c.expected!;
          if (c.rowsort) {
            got = [...got].sort();
            want = [...want].sort();
          }
          expect(got, where).toEqual(want);
        }
      }
    });
  }
});
