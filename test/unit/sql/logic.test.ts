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

const dir = join(import.meta.dirname, '..', '..', 'logic');

interface Case {
  readonly line: number;
  readonly kind: 'ok' | 'error' | 'query';
  readonly sql: string;
  readonly expectError?: string;
  readonly rowsort?: boolean;
  readonly expected?: string[];
}

function parseFile(text: string): Case[] {
  const lines = text.split('\n');
  const cases: Case[] = [];
  let i = 0;
  while (i < lines.length) {
    const head = lines[i]!.trim();
    if (head === '' || head.startsWith('#')) {
      i++;
      continue;
    }
    const line = i + 1;
    i++;
    const sql: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && lines[i]!.trim() !== '----') sql.push(lines[i++]!);
    if (head === 'statement ok') cases.push({ line, kind: 'ok', sql: sql.join('\n') });
    else if (head.startsWith('statement error') || head.startsWith('query error')) {
      cases.push({ line, kind: 'error', sql: sql.join('\n'), expectError: head.replace(/^(statement|query) error\s*/, '') });
    } else if (head.startsWith('query')) {
      const expected: string[] = [];
      if (lines[i]?.trim() === '----') {
        i++;
        while (i < lines.length && lines[i]!.trim() !== '') expected.push(lines[i++]!.trimEnd());
      }
      cases.push({ line, kind: 'query', sql: sql.join('\n'), rowsort: head.includes('rowsort'), expected });
    } else throw new Error(`line ${line}: unknown directive ${head}`);
  }
  return cases;
}

function fmt(v: string | null): string {
  return v === null ? 'NULL' : v === '' ? '(empty)' : v;
}

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
      for (const c of parseFile(readFileSync(join(dir, f), 'utf8'))) {
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
          let got = (last?.rows ?? []).map((r) => r.map(fmt).join(' '));
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
