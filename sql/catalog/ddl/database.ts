// CREATE DATABASE and CREATE SCHEMA (with IF NOT EXISTS and AUTHORIZATION). A new database
// gets its own public schema, as in PostgreSQL. Called by catalog/ddl/index.ts.

import { sqlError } from '../../errors.js';
import type { CreateSchemaStmt, CreatedbStmt } from '../../parse/index.js';
import { createDatabaseIfMissing, createSchemaDescriptor } from '../bootstrap.js';
import type { DdlContext, DdlResult } from './context.js';

const DB_OPTIONS_ACCEPTED = new Set([
  'owner', 'template', 'encoding', 'locale', 'lc_collate', 'lc_ctype', 'icu_locale', 'locale_provider',
  'collation_version', 'tablespace', 'allow_connections', 'connection_limit', 'is_template', 'strategy', 'oid',
]);

export async function createDatabase(stmt: CreatedbStmt, ctx: DdlContext): Promise<DdlResult> {
  const name = stmt.dbname ?? '';
  let owner = ctx.user;
  for (const n of stmt.options ?? []) {
    if (!('DefElem' in n)) continue;
    const opt = n.DefElem.defname ?? '';
    if (!DB_OPTIONS_ACCEPTED.has(opt)) throw sqlError('42601', `option "${opt}" not recognized`);
    const arg = n.DefElem.arg;
    if (opt === 'owner' && arg !== undefined && 'String' in arg) owner = arg.String.sval ?? owner;
  }
  if ((await ctx.catalog.getDatabase(name)) !== null) throw sqlError('42P04', `database "${name}" already exists`);
  await createDatabaseIfMissing(ctx.catalog, name, owner);
  return { tag: 'CREATE DATABASE' };
}

export async function createSchema(stmt: CreateSchemaStmt, ctx: DdlContext): Promise<DdlResult> {
  const role = stmt.authrole?.rolename;
  const name = stmt.schemaname ?? role ?? '';
  if (name === '') throw sqlError('42601', 'schema name is required');
  if ((stmt.schemaElts ?? []).length > 0) throw sqlError('0A000', 'CREATE SCHEMA with schema elements is not supported');
  if (name.startsWith('pg_')) {
    throw sqlError('42939', `unacceptable schema name "${name}"`, { detail: 'The prefix "pg_" is reserved for system schemas.' });
  }
  if ((await ctx.catalog.getSchema(ctx.databaseId, name)) !== null) {
    if (stmt.if_not_exists === true) {
      ctx.notice({ severity: 'NOTICE', code: '42P06', message: `schema "${name}" already exists, skipping` });
      return { tag: 'CREATE SCHEMA' };
    }
    throw sqlError('42P06', `schema "${name}" already exists`);
  }
  await createSchemaDescriptor(ctx.catalog, ctx.databaseId, name, role ?? ctx.user);
  return { tag: 'CREATE SCHEMA' };
}
