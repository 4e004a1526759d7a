// psql 15's meta-commands (\dt, \d t, \di, \dn, \ds, \d s1, \d t_pkey, ...) run by the real
// psql binary against an in-process Shoal (memory KV, pgwire server) after psql-setup.sql
// must print exactly what PostgreSQL 15 printed (psql-expected.txt, captured with the same
// setup). This runs every catalog query psql sends through bind, plan, exec and vtables.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrustAuthenticator } from '../../../src/pgwire/auth.js';
import { PgServer } from '../../../src/pgwire/server.js';
import { createSqlServer } from '../../../sql/index.js';
import type { SqlServer } from '../../../sql/index.js';
import { openKvDb } from '../../../storage/index.js';
import type { KvDb } from '../../../storage/index.js';

const setup = readFileSync(new URL('./psql-setup.sql', import.meta.url), 'utf8');
const expectedText = readFileSync(new URL('./psql-expected.txt', import.meta.url), 'utf8');

/** `=== \cmd` headers, each followed by psql's stdout verbatim. */
function expectedBlocks(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const parts = expectedText.split(/^=== (.*)\n/m);
  for (let i = 1; i + 1 < parts.length; i += 2) out.push([parts[i]!, parts[i + 1]!]);
  return out;
}

/** \du lists every login role; Shoal has root besides postgres, so it is checked apart. */
const DIFFERENT_BY_DESIGN = new Set(['\\du']);

let kv: KvDb;
let sql: SqlServer;
let pgServer: PgServer;
let port = 0;

function psql(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'psql',
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-X', '-v', 'ON_ERROR_STOP=1', ...args, 'defaultdb'],
      { env: { ...process.env, PGCONNECT_TIMEOUT: '10' }, timeout: 30_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`psql ${args.join(' ')}: ${stderr}`)) : resolve(stdout)),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

beforeAll(async () => {
  kv = await openKvDb({ engine: 'memory' });
  sql = await createSqlServer({ kv, logger: pino({ level: 'silent' }), nodeId: 1 });
  pgServer = await PgServer.listen({
    host: '127.0.0.1',
    port: 0,
    sqlServer: sql,
    authenticator: new TrustAuthenticator(),
    logger: pino({ level: 'silent' }),
    nodeId: 1,
    connectionsMax: 10,
  });
  port = pgServer.address().port;
  await psql(['-q', '-f', '-'], setup);
}, 60_000);

afterAll(async () => {
  await pgServer?.close(1000);
  await sql?.close();
  await kv?.close();
});

describe('psql meta-commands print what PostgreSQL 15 prints', () => {
  const blocks = expectedBlocks();

  it('the fixture has the commands', () => {
    expect(blocks.map(([c]) => c)).toEqual(expect.arrayContaining(['\\dt', '\\d t', '\\di', '\\dn', '\\d t_pkey']));
  });

  for (const [cmd, want] of blocks) {
    if (DIFFERENT_BY_DESIGN.has(cmd)) continue;
    it(cmd, async () => {
      expect(await psql(['-c', cmd])).toBe(want);
    });
  }

  // Captured in psql-queries.sql too, without expected output: they must at least run.
  for (const cmd of ['\\dt+', '\\d+ t', '\\dv', '\\dm', '\\df now', '\\dT', '\\db', '\\dx', '\\dp t', '\\dg', '\\l', '\\l+']) {
    it(`${cmd} runs`, async () => {
      expect(await psql(['-c', cmd])).toMatch(/List of|Table "public.t"|Access privileges|^$/) // \\dv, \\dm: "Did not find any relations." on stderr;
    });
  }

  it('\\du lists postgres as PostgreSQL does, plus root', async () => {
    const got = await psql(['-c', '\\du']);
    expect(got).toMatch(/^ postgres +\| Superuser, Create role, Create DB, Replication, Bypass RLS +\| \{\}$/m);
    expect(got).toMatch(/^ root +\| Superuser/m);
  });
});
