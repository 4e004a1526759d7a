// pg_catalog tables about the system rather than one relation: databases, roles, access
// methods, types, functions, collations, tablespaces, settings, activity, plus the catalogs
// psql queries that Shoal keeps empty (policies, triggers, publications, inheritance,
// extended statistics, descriptions, extensions, rewrite rules).

import { FixedOid, PROC_OID_BASE, descriptorOid, roleOid } from '../catalog/index.js';
import { allFunctionNames } from '../builtins/index.js';
import { allTypeMeta } from '../types/index.js';
import { arr, defineTable } from './define.js';
import type { RowObject, TableDef } from './define.js';
import type { VirtualContext } from '../catalog/index.js';
import type { CatalogSnapshot } from './snapshot.js';

const PG = 'pg_catalog';
/** PostgreSQL's encoding number of UTF8 (pg_encoding_to_char(6) = 'UTF8'). */
export const UTF8_ENCODING = 6;

const pgDatabase = defineTable(
  PG,
  'pg_database',
  1262,
  'oid oid, datname name, datdba oid, encoding int4, datlocprovider char, datistemplate bool, datallowconn bool, ' +
    'datconnlimit int4, datfrozenxid xid, datminmxid xid, dattablespace oid, datcollate text, datctype text, ' +
    'daticulocale text, datcollversion text, datacl aclitem[]',
  (snap) =>
    snap.databases.map((d) => ({
      oid: descriptorOid(d.id), datname: d.name, datdba: roleOid(d.owner), encoding: UTF8_ENCODING, datlocprovider: 'c',
      datistemplate: false, datallowconn: true, datconnlimit: -1, datfrozenxid: 0, datminmxid: 1,
      dattablespace: FixedOid.defaultTablespace, datcollate: 'C.UTF-8', datctype: 'C.UTF-8',
    })),
);

interface Role {
  readonly name: string;
  readonly superuser: boolean;
  readonly login: boolean;
}

/** Shoal has no CREATE ROLE yet: root and postgres are superusers; pg_database_owner owns public. */
export const ROLES: readonly Role[] = [
  { name: 'pg_database_owner', superuser: false, login: false },
  { name: 'postgres', superuser: true, login: true },
  { name: 'root', superuser: true, login: true },
];

const ROLE_SPEC =
  'rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, rolcanlogin bool, ' +
  'rolreplication bool, rolconnlimit int4, rolpassword text, rolvaliduntil timestamptz, rolbypassrls bool, ' +
  'rolconfig text[], oid oid';

function roleRow(r: Role, password: string | null): RowObject {
  return {
    rolname: r.name, rolsuper: r.superuser, rolinherit: true, rolcreaterole: r.superuser, rolcreatedb: r.superuser,
    rolcanlogin: r.login, rolreplication: r.superuser, rolconnlimit: -1, rolpassword: password, rolbypassrls: r.superuser,
    oid: roleOid(r.name),
  };
}

/** The built-in roles plus every other login that owns an object or is connected (a login role each). */
function allRoles(snap: CatalogSnapshot, ctx: VirtualContext): Role[] {
  const names = new Set(ROLES.map((r) => r.name));
  const extra = [...snap.ownerNames(), ctx.user].filter((n) => !names.has(n) && (names.add(n), true));
  return [...ROLES, ...extra.sort().map((name) => ({ name, superuser: false, login: true }))];
}

const pgRoles = defineTable(PG, 'pg_roles', 12_001, ROLE_SPEC, (snap, ctx) => allRoles(snap, ctx).map((r) => roleRow(r, '********')));
const pgAuthid = defineTable(PG, 'pg_authid', 1260, ROLE_SPEC, (snap, ctx) => allRoles(snap, ctx).map((r) => roleRow(r, null)));
const pgUser = defineTable(
  PG,
  'pg_user',
  12_002,
  'usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls bool, passwd text, ' +
    'valuntil timestamptz, useconfig text[]',
  (snap, ctx) =>
    allRoles(snap, ctx).filter((r) => r.login).map((r) => ({
      usename: r.name, usesysid: roleOid(r.name), usecreatedb: r.superuser, usesuper: r.superuser,
      userepl: r.superuser, usebypassrls: r.superuser, passwd: '********',
    })),
);
const pgAuthMembers = defineTable(PG, 'pg_auth_members', 1261, 'roleid oid, member oid, grantor oid, admin_option bool', () => []);

const pgAm = defineTable(PG, 'pg_am', 2601, 'oid oid, amname name, amhandler regproc, amtype char', () => [
  { oid: FixedOid.heapAm, amname: 'heap', amhandler: 0, amtype: 't' },
  { oid: FixedOid.btreeAm, amname: 'btree', amhandler: 0, amtype: 'i' },
  { oid: 405, amname: 'hash', amhandler: 0, amtype: 'i' },
]);

const TYPE_SPEC =
  'oid oid, typname name, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype char, ' +
  'typcategory char, typispreferred bool, typisdefined bool, typdelim char, typrelid oid, typsubscript regproc, ' +
  'typelem oid, typarray oid, typinput regproc, typoutput regproc, typreceive regproc, typsend regproc, ' +
  'typmodin regproc, typmodout regproc, typanalyze regproc, typalign char, typstorage char, typnotnull bool, ' +
  'typbasetype oid, typtypmod int4, typndims int4, typcollation oid, typdefaultbin pg_node_tree, typdefault text, ' +
  'typacl aclitem[]';

function typeCollationOf(typname: string): number {
  if (typname === 'text' || typname === 'varchar' || typname === 'bpchar') return FixedOid.defaultCollation;
  if (typname === 'name') return FixedOid.cCollation;
  return 0;
}

const pgType = defineTable(PG, 'pg_type', 1247, TYPE_SPEC, () =>
  allTypeMeta().map((m) => ({
    oid: m.oid, typname: m.typname, typnamespace: FixedOid.pgCatalogNamespace, typowner: FixedOid.rolePostgres,
    typlen: m.typlen, typbyval: m.typbyval, typtype: m.typtype, typcategory: m.typcategory,
    typispreferred: m.typispreferred, typisdefined: true, typdelim: m.typdelim, typrelid: 0, typsubscript: 0,
    typelem: m.typelem, typarray: m.typarray, typinput: 0, typoutput: 0, typreceive: 0, typsend: 0, typmodin: 0,
    typmodout: 0, typanalyze: 0, typalign: m.typalign, typstorage: m.typstorage, typnotnull: false, typbasetype: 0,
    typtypmod: -1, typndims: 0, typcollation: typeCollationOf(m.typname.replace(/^_/, '')),
  })),
);

const pgProc = defineTable(
  PG,
  'pg_proc',
  1255,
  'oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost float4, prorows float4, ' +
    'provariadic oid, prosupport regproc, prokind char, prosecdef bool, proleakproof bool, proisstrict bool, ' +
    'proretset bool, provolatile char, proparallel char, pronargs int2, pronargdefaults int2, prorettype oid, ' +
    'proargtypes oidvector, proallargtypes oid[], proargmodes char[], proargnames text[], proargdefaults pg_node_tree, ' +
    'protrftypes oid[], prosrc text, probin text, prosqlbody pg_node_tree, proconfig text[], proacl aclitem[]',
  () =>
    procNames().map((name, i) => ({
      oid: PROC_OID_BASE + i, proname: name, pronamespace: FixedOid.pgCatalogNamespace, proowner: FixedOid.rolePostgres,
      prolang: FixedOid.internalLanguage, procost: 1, prorows: 0, provariadic: 0, prosupport: 0, prokind: 'f',
      prosecdef: false, proleakproof: false, proisstrict: true, proretset: false, provolatile: 'i', proparallel: 's',
      pronargs: 0, pronargdefaults: 0, prorettype: 0, proargtypes: [], prosrc: name,
    })),
);

let procNameList: string[] | null = null;
/** Built-in function names, sorted (their positions give the pg_proc OIDs). */
export function procNames(): string[] {
  procNameList ??= [...new Set(allFunctionNames())].sort();
  return procNameList;
}

const pgCollation = defineTable(
  PG,
  'pg_collation',
  3456,
  'oid oid, collname name, collnamespace oid, collowner oid, collprovider char, collisdeterministic bool, ' +
    'collencoding int4, collcollate text, collctype text, colliculocale text, collversion text',
  () => [
    { oid: FixedOid.defaultCollation, collname: 'default', collprovider: 'd', collencoding: -1 },
    { oid: FixedOid.cCollation, collname: 'C', collprovider: 'c', collencoding: -1, collcollate: 'C', collctype: 'C' },
    { oid: FixedOid.posixCollation, collname: 'POSIX', collprovider: 'c', collencoding: -1, collcollate: 'POSIX', collctype: 'POSIX' },
  ].map((c) => ({ collnamespace: FixedOid.pgCatalogNamespace, collowner: FixedOid.rolePostgres, collisdeterministic: true, ...c })),
);

const pgTablespace = defineTable(PG, 'pg_tablespace', 1213, 'oid oid, spcname name, spcowner oid, spcacl aclitem[], spcoptions text[]', () => [
  { oid: FixedOid.defaultTablespace, spcname: 'pg_default', spcowner: FixedOid.rolePostgres },
  { oid: FixedOid.globalTablespace, spcname: 'pg_global', spcowner: FixedOid.rolePostgres },
]);

const pgSettings = defineTable(
  PG,
  'pg_settings',
  12_003,
  'name text, setting text, unit text, category text, short_desc text, extra_desc text, context text, vartype text, ' +
    'source text, min_val text, max_val text, enumvals text[], boot_val text, reset_val text, sourcefile text, ' +
    'sourceline int4, pending_restart bool',
  (_snap, ctx) =>
    [...ctx.settings.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, setting]) => ({
        name, setting, category: 'Ungrouped', short_desc: '', context: 'user', vartype: 'string', source: 'session',
        boot_val: setting, reset_val: setting, pending_restart: false,
      })),
);

const pgStatActivity = defineTable(
  PG,
  'pg_stat_activity',
  12_004,
  'datid oid, datname name, pid int4, leader_pid int4, usesysid oid, usename name, application_name text, ' +
    'client_addr inet, client_hostname text, client_port int4, backend_start timestamptz, xact_start timestamptz, ' +
    'query_start timestamptz, state_change timestamptz, wait_event_type text, wait_event text, state text, ' +
    'backend_xid xid, backend_xmin xid, query_id int8, query text, backend_type text',
  (snap, ctx) =>
    (ctx.sessions?.() ?? [{ pid: 0, user: ctx.user, database: ctx.databaseName, applicationName: '', state: 'active', query: '', backendStartMicros: null }]).map((s) => {
      const db = snap.databases.find((d) => d.name === s.database);
      return {
        datid: db === undefined ? null : descriptorOid(db.id), datname: s.database, pid: s.pid, usesysid: roleOid(s.user),
        usename: s.user, application_name: s.applicationName, backend_start: s.backendStartMicros, state: s.state,
        query: s.query, backend_type: 'client backend',
      };
    }),
);

const pgDescription = defineTable(PG, 'pg_description', 2609, 'objoid oid, classoid oid, objsubid int4, description text', () => []);
const pgInherits = defineTable(PG, 'pg_inherits', 2611, 'inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool', () => []);
const pgExtension = defineTable(
  PG,
  'pg_extension',
  3079,
  'oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool, extversion text, extconfig oid[], extcondition text[]',
  () => [],
);
const pgPolicy = defineTable(
  PG,
  'pg_policy',
  3256,
  'oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, polroles oid[], polqual pg_node_tree, polwithcheck pg_node_tree',
  () => [],
);
const pgStatisticExt = defineTable(
  PG,
  'pg_statistic_ext',
  3381,
  'oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget int4, stxkeys int2vector, stxkind char[], stxexprs pg_node_tree',
  () => [],
);
const pgPublication = defineTable(
  PG,
  'pg_publication',
  6104,
  'oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool, pubdelete bool, pubtruncate bool, pubviaroot bool',
  () => [],
);
const pgPublicationRel = defineTable(PG, 'pg_publication_rel', 6106, 'oid oid, prpubid oid, prrelid oid, prqual pg_node_tree, prattrs int2vector', () => []);
const pgPublicationNamespace = defineTable(PG, 'pg_publication_namespace', 6237, 'oid oid, pnpubid oid, pnnspid oid', () => []);
const pgTrigger = defineTable(
  PG,
  'pg_trigger',
  2620,
  'oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype int2, tgenabled char, tgisinternal bool, ' +
    'tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, tgdeferrable bool, tginitdeferred bool, tgnargs int2, ' +
    'tgattr int2vector, tgargs text, tgqual pg_node_tree, tgoldtable name, tgnewtable name',
  () => [],
);
const pgRewrite = defineTable(
  PG,
  'pg_rewrite',
  2618,
  'oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, is_instead bool, ev_qual pg_node_tree, ev_action pg_node_tree',
  () => [],
);
const pgEnum = defineTable(PG, 'pg_enum', 3501, 'oid oid, enumtypid oid, enumsortorder float4, enumlabel name', () => []);
const pgLanguage = defineTable(PG, 'pg_language', 2612, 'oid oid, lanname name, lanowner oid, lanispl bool, lanpltrusted bool', () => [
  { oid: FixedOid.internalLanguage, lanname: 'internal', lanowner: FixedOid.rolePostgres, lanispl: false, lanpltrusted: false },
  { oid: FixedOid.sqlLanguage, lanname: 'sql', lanowner: FixedOid.rolePostgres, lanispl: false, lanpltrusted: true },
]);



export const SYSTEM_TABLES: readonly TableDef[] = [
  pgDatabase, pgRoles, pgAuthid, pgUser, pgAuthMembers, pgAm, pgType, pgProc, pgCollation, pgTablespace, pgSettings,
  pgStatActivity, pgDescription, pgInherits, pgExtension, pgPolicy, pgStatisticExt, pgPublication, pgPublicationRel,
  pgPublicationNamespace, pgTrigger, pgRewrite, pgEnum, pgLanguage,
];
