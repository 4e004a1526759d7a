// Statements that are not planned queries: transaction control (BEGIN/COMMIT/ROLLBACK,
// savepoints), SET/SHOW/RESET, EXPLAIN, PREPARE/EXECUTE/DEALLOCATE, CREATE TABLE AS,
// DISCARD, and the maintenance commands PostgreSQL users expect to be accepted (VACUUM,
// ANALYZE, CHECKPOINT, LISTEN...). Called by the session.

import { sqlError } from '../errors.js';
import { nodeTag, parseSql, shoalStmtOf } from '../parse/index.js';
import type { Node, TransactionStmt, VariableSetStmt, ExplainStmt, PrepareStmt, ExecuteStmt, CreateTableAsStmt } from '../parse/index.js';
import { resolveTypeName, bindStatement, isBindable, ParamTypes } from '../bind/index.js';
import { explainPlan } from '../plan/index.js';
import { quoteIdent } from '../catalog/index.js';
import { castDatum, parseText, typeName, types } from '../types/index.js';
import type { Datum } from '../types/index.js';
import type { FieldDescription, ResultSink } from './api.js';
import { encodeRow, fieldsOf, resultFormats } from './results.js';
import type { SqlSession, Prepared } from './session.js';
import { shoalFields } from './ranges.js';

function textField(name: string): FieldDescription {
  return { name, tableOid: 0, columnAttrNum: 0, typeOid: types.text.oid, typeSize: -1, typeModifier: -1, format: 0 };
}

/** RowDescription of a utility statement that returns rows, or null. */
export function utilityFields(s: SqlSession, ast: Node): FieldDescription[] | null {
  const shoal = shoalStmtOf(ast);
  if (shoal !== null) return shoalFields(shoal);
  const tag = nodeTag(ast);
  if (tag === 'VariableShowStmt') {
    const name = (ast as { VariableShowStmt: { name?: string } }).VariableShowStmt.name ?? '';
    if (name === 'all') return [textField('name'), textField('setting'), textField('description')];
    return [textField(s.settings.displayName(name))];
  }
  if (tag === 'ExplainStmt') return [textField('QUERY PLAN')];
  if (tag === 'ExecuteStmt') {
    // EXECUTE returns what the SQL-prepared statement returns (Describe needs it up front).
    const p = s.sqlPrepared.get((ast as { ExecuteStmt: ExecuteStmt }).ExecuteStmt.name ?? '');
    if (p?.cols != null) return fieldsOf(p.cols, resultFormats([], p.cols.length));
    return p?.utilityFields == null ? null : [...p.utilityFields];
  }
  return null;
}

function sendTextRows(sink: ResultSink, fields: FieldDescription[] | null, rows: string[][], describe: boolean): void {
  if (describe && fields !== null) sink.rowDescription(fields);
  for (const r of rows) sink.dataRow(r);
}

function constString(n: Node | undefined): string {
  if (n === undefined) return '';
  const c = (n as { A_Const?: { sval?: { sval?: string }; ival?: { ival?: number }; fval?: { fval?: string }; boolval?: { boolval?: boolean } } }).A_Const;
  if (c !== undefined) {
    if (c.sval !== undefined) return c.sval.sval ?? '';
    if (c.ival !== undefined) return String(c.ival.ival ?? 0);
    if (c.fval !== undefined) return c.fval.fval ?? '0';
    if (c.boolval !== undefined) return c.boolval.boolval === true ? 'on' : 'off';
  }
  const s = (n as { String?: { sval?: string } }).String;
  if (s !== undefined) return s.sval ?? '';
  const tc = (n as { TypeCast?: { arg?: Node } }).TypeCast;
  if (tc !== undefined) return constString(tc.arg);
  throw sqlError('0A000', `unsupported value in SET: ${nodeTag(n)}`);
}

function quoteSearchPathItem(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) || s === '$user' ? s : `"${s.replace(/"/g, '""')}"`;
}

export async function runUtility(s: SqlSession, ast: Node, text: string, sink: ResultSink, describe: boolean): Promise<void> {
  const tag = nodeTag(ast);
  const body = (ast as Record<string, unknown>)[tag];
  switch (tag) {
    case 'TransactionStmt':
      return runTransaction(s, body as TransactionStmt, sink);
    case 'VariableSetStmt':
      runSet(s, body as VariableSetStmt);
      sink.commandComplete((body as VariableSetStmt).kind === 'VAR_RESET' || (body as VariableSetStmt).kind === 'VAR_RESET_ALL' ? 'RESET' : 'SET');
      return;
    case 'VariableShowStmt': {
      const name = (body as { name?: string }).name ?? '';
      const rows = name === 'all' ? s.settings.showAll().map((r) => [r.name, r.setting, r.description]) : [[s.settings.get(name)!]];
      sendTextRows(sink, utilityFields(s, ast), rows, describe);
      sink.commandComplete('SHOW');
      return;
    }
    case 'ExplainStmt':
      return runExplain(s, body as ExplainStmt, sink, describe);
    case 'PrepareStmt':
      return runPrepare(s, body as PrepareStmt, text, sink);
    case 'ExecuteStmt':
      return runExecute(s, body as ExecuteStmt, sink, describe);
    case 'DeallocateStmt': {
      const d = body as { name?: string; isall?: boolean };
      if (d.isall === true || d.name === undefined) s.sqlPrepared.clear();
      else if (!s.sqlPrepared.delete(d.name)) throw sqlError('26000', `prepared statement "${d.name}" does not exist`);
      sink.commandComplete(d.isall === true || d.name === undefined ? 'DEALLOCATE ALL' : 'DEALLOCATE');
      return;
    }
    case 'CreateTableAsStmt':
      return runCreateTableAs(s, body as CreateTableAsStmt, sink);
    case 'DiscardStmt': {
      const target = (body as { target?: string }).target ?? 'DISCARD_ALL';
      if (target === 'DISCARD_ALL') {
        if (s.txnKind === 'explicit') throw sqlError('25001', 'DISCARD ALL cannot run inside a transaction block');
        s.sqlPrepared.clear();
        s.settings.resetAll(false);
      }
      sink.commandComplete(target === 'DISCARD_ALL' ? 'DISCARD ALL' : target === 'DISCARD_PLANS' ? 'DISCARD PLANS' : target === 'DISCARD_SEQUENCES' ? 'DISCARD SEQUENCES' : 'DISCARD TEMP');
      return;
    }
    case 'VacuumStmt':
      sink.commandComplete((body as { is_vacuumcmd?: boolean }).is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE');
      return;
    case 'CheckPointStmt':
      sink.commandComplete('CHECKPOINT');
      return;
    case 'ListenStmt':
      sink.commandComplete('LISTEN');
      return;
    case 'UnlistenStmt':
      sink.commandComplete('UNLISTEN');
      return;
    case 'NotifyStmt':
      sink.commandComplete('NOTIFY');
      return;
    case 'LockStmt':
      if (s.txnKind !== 'explicit') throw sqlError('25P01', 'LOCK TABLE can only be used in transaction blocks');
      sink.commandComplete('LOCK TABLE');
      return;
    case 'GrantStmt':
      sink.commandComplete((body as { is_grant?: boolean }).is_grant === true ? 'GRANT' : 'REVOKE');
      return;
    default:
      throw sqlError('0A000', `${tag.replace(/Stmt$/, '')} is not supported`);
  }
}

// ---------------------------------------------------------------- transactions

function optionValue(opts: readonly Node[] | undefined, name: string): string | null {
  for (const o of opts ?? []) {
    const d = (o as { DefElem?: { defname?: string; arg?: Node } }).DefElem;
    if (d?.defname === name) return constString(d.arg);
  }
  return null;
}

async function runTransaction(s: SqlSession, t: TransactionStmt, sink: ResultSink): Promise<void> {
  switch (t.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START': {
      const label = t.kind === 'TRANS_STMT_BEGIN' ? 'BEGIN' : 'START TRANSACTION';
      if (s.txnKind === 'explicit') {
        sink.notice({ severity: 'WARNING', code: '25001', message: 'there is already a transaction in progress' });
      } else if (s.txnKind === 'implicit') {
        s.txnKind = 'explicit';
      } else {
        s.beginTxn('explicit', optionValue(t.options, 'transaction_isolation'));
      }
      const iso = optionValue(t.options, 'transaction_isolation');
      if (iso !== null) s.settings.set('transaction_isolation', iso, true, true);
      const ro = optionValue(t.options, 'transaction_read_only');
      if (ro !== null) s.settings.set('transaction_read_only', ro === '0' ? 'off' : 'on', true, true);
      sink.commandComplete(label);
      return;
    }
    case 'TRANS_STMT_COMMIT': {
      if (s.txnKind !== 'explicit') {
        sink.notice({ severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' });
        if (s.txnKind === 'implicit') await s.endTxn(true);
        sink.commandComplete('COMMIT');
        return;
      }
      const wasFailed = s.failed;
      await s.endTxn(!wasFailed);
      sink.commandComplete(wasFailed ? 'ROLLBACK' : 'COMMIT');
      return;
    }
    case 'TRANS_STMT_ROLLBACK': {
      if (s.txnKind !== 'explicit') {
        sink.notice({ severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' });
      }
      await s.endTxn(false);
      sink.commandComplete('ROLLBACK');
      return;
    }
    case 'TRANS_STMT_SAVEPOINT': {
      if (s.txnKind !== 'explicit') throw sqlError('25P01', 'SAVEPOINT can only be used in transaction blocks');
      s.savepoints.push({ name: t.savepoint_name ?? '', token: s.txn!.savepoint() });
      sink.commandComplete('SAVEPOINT');
      return;
    }
    case 'TRANS_STMT_RELEASE':
    case 'TRANS_STMT_ROLLBACK_TO': {
      const what = t.kind === 'TRANS_STMT_RELEASE' ? 'RELEASE SAVEPOINT' : 'ROLLBACK TO SAVEPOINT';
      if (s.txnKind !== 'explicit') throw sqlError('25P01', `${what} can only be used in transaction blocks`);
      const name = t.savepoint_name ?? '';
      let i = s.savepoints.length - 1;
      while (i >= 0 && s.savepoints[i]!.name !== name) i--;
      if (i < 0) throw sqlError('3B001', `savepoint "${name}" does not exist`);
      if (t.kind === 'TRANS_STMT_RELEASE') {
        if (s.failed) throw sqlError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
        s.savepoints.splice(i);
        sink.commandComplete('RELEASE');
        return;
      }
      await s.txn!.rollbackToSavepoint(s.savepoints[i]!.token);
      s.savepoints.splice(i + 1);
      s.failed = false;
      sink.commandComplete('ROLLBACK');
      return;
    }
    default:
      throw sqlError('0A000', `${String(t.kind)} is not supported`);
  }
}

// ---------------------------------------------------------------- SET

function runSet(s: SqlSession, v: VariableSetStmt): void {
  const inTxn = s.txnKind === 'explicit';
  const local = v.is_local === true;
  switch (v.kind) {
    case 'VAR_SET_VALUE': {
      const name = v.name ?? '';
      const vals = (v.args ?? []).map(constString);
      const value = name === 'search_path' ? vals.map(quoteSearchPathItem).join(', ') : vals.join(', ');
      s.settings.set(name, value, local, inTxn);
      return;
    }
    case 'VAR_SET_DEFAULT':
    case 'VAR_RESET':
      s.settings.set(v.name ?? '', null, local, inTxn);
      return;
    case 'VAR_RESET_ALL':
      s.settings.resetAll(inTxn);
      return;
    case 'VAR_SET_MULTI': {
      const target = v.name === 'TRANSACTION' ? 'transaction' : 'default_transaction';
      for (const a of v.args ?? []) {
        const d = (a as { DefElem?: { defname?: string; arg?: Node } }).DefElem;
        if (d?.defname === undefined) continue;
        const suffix = d.defname.replace(/^transaction_/, '');
        const value = suffix === 'read_only' || suffix === 'deferrable' ? (constString(d.arg) === '1' ? 'on' : constString(d.arg) === '0' ? 'off' : constString(d.arg)) : constString(d.arg);
        s.settings.set(`${target}_${suffix}`, value, target === 'transaction', inTxn || target === 'transaction');
      }
      return;
    }
    case 'VAR_SET_CURRENT':
      return;
    default:
      throw sqlError('0A000', `SET ${String(v.kind)} is not supported`);
  }
}

// ---------------------------------------------------------------- EXPLAIN

async function runExplain(s: SqlSession, e: ExplainStmt, sink: ResultSink, describe: boolean): Promise<void> {
  const q = e.query!;
  if (!isBindable(q)) throw sqlError('0A000', `EXPLAIN of ${nodeTag(q)} is not supported`);
  s.ensureTxn();
  const analyze = optionPresent(e.options, 'analyze');
  const plan = await s.planFor(q, `EXPLAIN-BODY:${JSON.stringify(q)}`, []);
  const lines = explainPlan(plan.plan);
  if (analyze) {
    const cur = plan.exec.open(s.newExecContext([]));
    let n = 0;
    try {
      while ((await cur.next()) !== null) n++;
    } finally {
      cur.close();
    }
    lines.push(`Rows: ${cur.affected() ?? n}`);
  }
  sendTextRows(sink, [textField('QUERY PLAN')], lines.map((l) => [l]), describe);
  sink.commandComplete('EXPLAIN');
}

function optionPresent(opts: readonly Node[] | undefined, name: string): boolean {
  for (const o of opts ?? []) {
    const d = (o as { DefElem?: { defname?: string; arg?: Node } }).DefElem;
    if (d?.defname === name) return d.arg === undefined || !['false', 'off', '0'].includes(constString(d.arg).toLowerCase());
  }
  return false;
}

// ---------------------------------------------------------------- PREPARE / EXECUTE

async function runPrepare(s: SqlSession, p: PrepareStmt, text: string, sink: ResultSink): Promise<void> {
  const name = p.name ?? '';
  if (s.sqlPrepared.has(name)) throw sqlError('42P05', `prepared statement "${name}" already exists`);
  const declared = (p.argtypes ?? []).map((n) => resolveTypeName((n as { TypeName: import('../parse/index.js').TypeName }).TypeName));
  const q = p.query!;
  const prepared = await s.prepare(q, `PREPARE-BODY:${text}`, declared);
  s.sqlPrepared.set(name, prepared);
  sink.commandComplete('PREPARE');
}

async function runExecute(s: SqlSession, e: ExecuteStmt, sink: ResultSink, describe: boolean): Promise<void> {
  const name = e.name ?? '';
  const p: Prepared | undefined = s.sqlPrepared.get(name);
  if (p === undefined) throw sqlError('26000', `prepared statement "${name}" does not exist`);
  const args = e.params ?? [];
  if (args.length !== p.paramTypes.length) {
    throw sqlError('42601', `wrong number of parameters for prepared statement "${name}"`, {
      detail: `Expected ${p.paramTypes.length} parameters but got ${args.length}.`,
    });
  }
  s.ensureTxn();
  const values = await evalParams(s, args, p);
  if (p.plan === null) {
    await s.runNonPlannable(p.ast!, p.sql, sink, describe);
    return;
  }
  const plan = await s.revalidate(p);
  const formats = resultFormats([], p.cols?.length ?? 0);
  if (describe && p.cols !== null) sink.rowDescription(fieldsOf(p.cols, formats));
  const tag = await s.execPlan(plan, values, formats, 0, sink, null);
  sink.commandComplete(tag!);
}

/** EXECUTE's argument expressions, evaluated as constants and cast to the parameter types. */
async function evalParams(s: SqlSession, args: readonly Node[], p: Prepared): Promise<Datum[]> {
  const out: Datum[] = [];
  for (let i = 0; i < args.length; i++) {
    const t = p.paramTypes[i]!;
    const stmt = { SelectStmt: { targetList: [{ ResTarget: { val: args[i]! } }], op: 'SETOP_NONE', limitOption: 'LIMIT_OPTION_DEFAULT' } } as unknown as Node;
    const bound = bindStatement(stmt, new Map(), [], s.evalCtx);
    const plan = (await import('../plan/index.js')).planStatement(bound.stmt);
    const exec = (await import('../exec/index.js')).compileStatement(plan);
    const cur = exec.open(s.newExecContext([]));
    const row = await cur.next();
    cur.close();
    const v = row?.[0] ?? null;
    const from = bound.stmt.kind === 'select' ? bound.stmt.cols[0]!.type : types.text;
    if (v === null) out.push(null);
    else if (from.oid === t.oid) out.push(v);
    else if (from.kind === 'text' || from.kind === 'unknown') out.push(parseText(t, v as string, s.evalCtx));
    else out.push(castDatum(v, from, t, 'assignment', s.evalCtx));
  }
  void ParamTypes;
  return out;
}

// ---------------------------------------------------------------- CREATE TABLE AS

async function runCreateTableAs(s: SqlSession, c: CreateTableAsStmt, sink: ResultSink): Promise<void> {
  if (c.objtype !== undefined && c.objtype !== 'OBJECT_TABLE') throw sqlError('0A000', 'CREATE MATERIALIZED VIEW is not supported');
  const into = c.into!;
  const rel = into.rel!;
  s.ensureTxn();
  const query = c.query!;
  const plan = await s.planFor(query, `CTAS-BODY:${JSON.stringify(query)}`, []);
  const cols = plan.cols ?? [];
  const names = (into.colNames ?? []).map((n) => (n as { String?: { sval?: string } }).String?.sval ?? '');
  const qualified = rel.schemaname === undefined ? quoteIdent(rel.relname ?? '') : `${quoteIdent(rel.schemaname)}.${quoteIdent(rel.relname ?? '')}`;
  const defs = cols.map((col, i) => `${quoteIdent(names[i] ?? col.name)} ${typeName(col.type.kind === 'unknown' ? types.text : col.type)}`);
  const ifNotExists = c.if_not_exists === true ? 'IF NOT EXISTS ' : '';
  const ddl = parseSql(`CREATE TABLE ${ifNotExists}${qualified} (${defs.join(', ')})`)[0]!;
  const { executeDdl } = await import('../catalog/index.js');
  const res = await executeDdl(ddl.ast, s.ddlContext(sink));
  for (const n of res.notices ?? []) sink.notice(n);
  if (into.skipData === true) {
    sink.commandComplete('CREATE TABLE AS');
    return;
  }
  // Insert through the ordinary INSERT path so defaults, constraints and indexes apply.
  const ins = parseSql(`INSERT INTO ${qualified} SELECT * FROM (SELECT 1) AS _shoal_dummy WHERE false`)[0]!;
  const orig = ins.ast as unknown as { InsertStmt: Record<string, unknown> };
  const insAst = { InsertStmt: { ...orig.InsertStmt, selectStmt: query } } as unknown as Node;
  const insPlan = await s.planFor(insAst, `CTAS-INSERT:${JSON.stringify(query)}:${qualified}`, []);
  // An INSERT without RETURNING writes no rows to the sink; execPlan returns its tag.
  const tag = await s.execPlan(insPlan, [], [], 0, sink, null);
  const n = (tag ?? 'INSERT 0 0').split(' ').pop();
  sink.commandComplete(`SELECT ${n}`);
}
