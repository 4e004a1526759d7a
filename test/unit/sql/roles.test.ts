// Role names through the catalog: objects are owned by the session user, and pg_class.relowner,
// pg_roles.oid and pg_get_userbyid agree for the built-in roles and any other login.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, startServer, type TestServer } from './harness.js';

let srv: TestServer;

beforeAll(async () => {
  srv = await startServer();
});

afterAll(async () => {
  await srv.close();
});

describe('roles', () => {
  it('owners print as role names, for root and for another login', async () => {
    const root = await srv.session();
    await rows(root, 'create table by_root (a int)');
    const alice = await srv.server.createSession({ user: 'alice', database: 'defaultdb', startupParams: {} });
    try {
      await rows(alice, 'create table by_alice (a int)');
      const owners = await rows(alice, "select relname, pg_catalog.pg_get_userbyid(relowner) from pg_catalog.pg_class where relname like 'by_%' order by 1");
      expect(owners).toEqual([['by_alice', 'alice'], ['by_root', 'root']]);
      const roles = await rows(alice, "select r.rolname from pg_catalog.pg_roles r join pg_catalog.pg_class c on c.relowner = r.oid where c.relname like 'by_%' order by 1");
      expect(roles).toEqual([['alice'], ['root']]);
      expect(await rows(alice, "select pg_catalog.pg_get_userbyid(n.nspowner) from pg_catalog.pg_namespace n where nspname = 'public'")).toEqual([['pg_database_owner']]);
    } finally {
      await alice.close();
    }
  });
});
