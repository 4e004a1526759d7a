// One client session: the transaction state machine (idle / explicit / failed, implicit
// transactions per simple query and per extended-protocol Sync, savepoints), prepared
// statements and portals, automatic retry of implicit single-statement transactions, and
// dispatch of every statement kind. Implements sql/session/api.ts for src/pgwire.

import type { Node } from '../parse/index.js';
import { nodeTag, parseSql, shoalStmtOf } from '../parse/index.js';
import { sqlError, SqlError } from '../errors.js';
import type { SavepointToken, Txn } from '../../storage/index.js';
import { Catalog, descriptorOid, DESCRIPTOR_OID_OFFSET, executeDdl, isDdlStatement, quoteIdent } from '../catalog/index.js';
import type { TableDescriptor } from '../catalog/index.js';
import type { CatalogInfo, EvalContext, SessionInfo } from '../builtins/index.js';
import { bindStatement, isBindable, resolveRelations } from '../bind/index.js';
import type { OutCol } from '../bind/index.js';
import { planStatement } from '../plan/index.js';
import { compileStatement, ExecContext } from '../exec/index.js';
import type { Cursor } from '../exec/index.js';
import { decodeBinary, parseText, typeFromOid, types } from '../types/index.js';
import type { Datum, RegResolver, SqlType } from '../types/index.js';
import { loadCatalogInfo, NEEDS_CATALOG_INFO, regResolverFor, snapshotOf } from '../vtables/index.js';
import type { VirtualContext } from '../vtables/index.js';
import type {
  FieldDescription,
  ResultSink,
  Session,
  SessionParams,
  StatementDescription,
  TxnStatus,
} from './api.js';
import { isRetryable, toSqlError } from './kverr.js';
import type { CachedPlan } from './plancache.js';
import { encodeRow, fieldsOf, resultFormats } from './results.js';
import { Settings } from './settings.js';
import type { ServerShared, SessionInfoRow } from './shared.js';
import { BufferingSink } from './sink.js';
import { runUtility, utilityFields } from './utility.js';
import { runCopy } from './copy.js';
import { runShoal } from './ranges.js';
import { prettyKey } from '../rowenc/index.js';

/** Attempts of an implicit single-statement transaction before 40001 reaches the client. */
export const implicitRetriesMax = 10;
/** Rows held back (so a retry stays invisible) before results start streaming. */
export const retryBufferRowsMax = 1000;
/** Rows written between awaits of the sink's drain(). */
export const drainEveryRows = 256;

/** A statement prepared by Parse or PREPARE. */
export interface Prepared {
  readonly sql: string;
  readonly ast: Node | null;
  readonly declared: readonly (SqlType | null)[];
  plan: CachedPlan | null;
  /** Parameter types after inference. */
  paramTypes: readonly SqlType[];
  /** Result columns (null: no rows). */
  cols: readonly OutCol[] | null;
  /** Fields for utility statements that return rows (SHOW, EXPLAIN). */
  utilityFields: readonly FieldDescription[] | null;
}

interface Portal {
  readonly stmt: Prepared;
  readonly params: readonly Datum[];
  readonly formatCodes: readonly (0 | 1)[];
  cursor: Cursor | null;
  cx: ExecContext | null;
  /** The catalog version token the open cursor's statement started at (see execPlan). */
  versionToken: string | null;
  rowsSent: number;
  /** Utility output rows not yet sent (SHOW/EXPLAIN through Execute). */
  pendingRows: Datum[][] | null;
  pendingTag: string | null;
}

type TxnKind = 'none' | 'implicit' | 'explicit';

/**
 * Statements that may turn names into reg* OIDs (casts, or functions taking regclass such as
 * nextval('seq')): bind and run them with a catalog-backed RegResolver.
 */
const NEEDS_REG = /\b(reg(class|type|proc|procedure|namespace)|nextval|currval|setval|pg_\w*_size|pg_relation_is_publishable|pg_partition_ancestors|has_\w+_privilege)\b/i;

/** The session's EvalContext: `catalog` and `reg` are set per statement from its catalog snapshot. */
interface SessionEvalContext extends EvalContext {
  catalog: CatalogInfo;
  reg?: RegResolver;
}

export class SqlSession implements Session {
  readonly id: number;
  readonly settings: Settings;
  readonly user: string;
  readonly database: string;
  databaseId = 0;
  txn: Txn | null = null;
  catalog: Catalog | null = null;
  txnKind: TxnKind = 'none';
  failed = false;
  /** The implicit extended-protocol transaction has run an Execute (retry no longer possible). */
  private implicitUsed = false;
  savepoints: Array<{ name: string; token: SavepointToken }> = [];
  private txnStartMicros = 0n;
  private stmtStartMicros = 0n;
  private readonly statements = new Map<string, Prepared>();
  private readonly portals = new Map<string, Portal>();
  /** SQL-level PREPARE statements. */
  readonly sqlPrepared = new Map<string, Prepared>();
  private running = false;
  private cancelRequested = false;
  readonly evalCtx: SessionEvalContext;
  /** Sequence callbacks: the CatalogInfo every statement gets (catalog-backed ones are added per statement). */
  private readonly sequenceInfo: CatalogInfo;
  /** Schema names of the database, loaded for statements calling current_schema(s). */
  existingSchemas: ReadonlySet<string> | null = null;
  /** The running statement's VirtualContext: one catalog snapshot per statement. */
  private stmtVctx: VirtualContext | null = null;
  readonly currvals = new Map<number, bigint>();
  /** Sequence id of the last nextval (for lastval()). */
  private lastvalSeq: number | null = null;
  private readonly info: SessionInfoRow;
  private closed = false;
  /** Range splits the open transaction's DDL asked for, made after it commits. */
  private pendingSplits: Buffer[] = [];

  constructor(
    readonly shared: ServerShared,
    params: SessionParams,
  ) {
    this.id = shared.nextSessionId++;
    this.user = params.user;
    this.database = params.database;
    this.settings = new Settings({ ...params.startupParams, session_authorization: params.user });
    this.sequenceInfo = {
      nextval: (seq) => this.nextval(seq),
      currval: (seq) => this.currval(seq),
      setval: (seq, v, called) => this.setval(seq, v, called),
      lastval: () => this.lastval(),
    };
    this.evalCtx = this.makeEvalContext();
    this.info = {
      pid: this.id,
      user: this.user,
      database: this.database,
      applicationName: this.settings.get('application_name') ?? '',
      state: 'idle',
      query: '',
      backendStartMicros: this.nowMicros(),
    };
    shared.sessions.set(this.id, this.info);
  }

  /** Resolves the database (3D000 when missing). */
  async init(): Promise<void> {
    const txn = this.shared.kv.begin({ debugName: `session ${this.id} init` });
    try {
      const db = await new Catalog(txn, this.shared.cache, 'serializable').getDatabase(this.database);
      if (db === null) throw sqlError('3D000', `database "${this.database}" does not exist`);
      this.databaseId = db.id;
      await txn.commit();
    } catch (e) {
      await txn.rollback().catch(() => undefined);
      throw e;
    }
  }

  nowMicros(): bigint {
    return this.shared.kv.now().wallNanos / 1000n;
  }

  initialParameters(): ReadonlyArray<readonly [string, string]> {
    this.settings.takeReportedChanges();
    return this.settings.reportedValues();
  }

  txnStatus(): TxnStatus {
    if (this.txnKind !== 'explicit') return 'I';
    return this.failed ? 'E' : 'T';
  }

  // ------------------------------------------------------------ eval context

  private makeEvalContext(): SessionEvalContext {
    const s = this;
    const session: SessionInfo = {
      database: this.database,
      user: this.user,
      backendPid: this.id,
      get timeZone() {
        return s.settings.get('TimeZone')!;
      },
      getSetting: (name) => s.settings.get(name, true) ?? undefined,
      setSetting: (name, value, isLocal) => {
        s.settings.set(name, value, isLocal, s.txnKind !== 'none');
        return s.settings.get(name)!;
      },
      txnTimestampMicros: () => s.txnStartMicros,
      statementTimestampMicros: () => s.stmtStartMicros,
      clockTimestampMicros: () => s.nowMicros(),
      serverStartMicros: this.shared.startMicros,
      searchPath: (implicit) => {
        // Like PostgreSQL, only schemas that exist (known when the statement names current_schema).
        const exist = s.existingSchemas;
        const path = s.settings.searchPath(s.user).filter((n) => exist === null || exist.has(n));
        return implicit && !path.includes('pg_catalog') ? ['pg_catalog', ...path] : path;
      },
      serverVersion: `PostgreSQL ${this.settings.get('server_version')} (Shoal) on x86_64-pc-linux-gnu, compiled by tsc, 64-bit`,
    };
    const ctx: SessionEvalContext = {
      session,
      catalog: this.sequenceInfo,
      get timeZone() {
        return s.settings.get('TimeZone')!;
      },
      get extraFloatDigits() {
        return Number(s.settings.get('extra_float_digits') ?? '1');
      },
    };
    return ctx;
  }

  private async sequenceOf(seq: string | number): Promise<import('../catalog/index.js').SequenceDescriptor> {
    const cat = this.requireCatalog();
    if (typeof seq === 'number') {
      const d = await cat.getSequenceById(seq - DESCRIPTOR_OID_OFFSET);
      if (d !== null) return d;
      const name = this.evalCtx.reg?.regclassOut?.(seq);
      if (name !== undefined) throw sqlError('42809', `"${name}" is not a sequence`);
      throw sqlError('42P01', `could not open relation with OID ${seq}`);
    }
    const parts = seq.split('.');
    const name = parts[parts.length - 1]!.replace(/^"|"$/g, '');
    const schema = parts.length > 1 ? parts[0]!.replace(/^"|"$/g, '') : null;
    const rel = await cat.resolveRelation(this.databaseId, this.settings.searchPath(this.user), schema, name, this.user);
    if (rel === null) throw sqlError('42P01', `relation "${seq}" does not exist`);
    if (rel.kind !== 'sequence') throw sqlError('42809', `"${seq}" is not a sequence`);
    return rel.sequence;
  }

  private async nextval(seq: string | number): Promise<bigint> {
    const d = await this.sequenceOf(seq);
    const v = await this.shared.sequences.nextval(d);
    this.currvals.set(d.id, v);
    this.lastvalSeq = d.id;
    return v;
  }

  private currval(seq: string | number): bigint {
    const id = typeof seq === 'number' ? seq - DESCRIPTOR_OID_OFFSET : -1;
    const v = this.currvals.get(id);
    if (v === undefined) {
      const shown = typeof seq === 'number' ? this.evalCtx.reg?.regclassOut?.(seq) : seq;
      const name = (shown ?? String(seq)).split('.').pop()!.replace(/^"|"$/g, '');
      throw sqlError('55000', `currval of sequence "${name}" is not yet defined in this session`);
    }
    return v;
  }

  /** lastval(): the value nextval last returned in this session (PostgreSQL's semantics). */
  private lastval(): bigint {
    const v = this.lastvalSeq === null ? undefined : this.currvals.get(this.lastvalSeq);
    if (v === undefined) throw sqlError('55000', 'lastval is not yet defined in this session');
    return v;
  }

  private async setval(seq: string | number, value: bigint, called: boolean): Promise<bigint> {
    const d = await this.sequenceOf(seq);
    const v = await this.shared.sequences.setval(d, value, called);
    if (called) this.currvals.set(d.id, value);
    return v;
  }

  // ------------------------------------------------------------ transactions

  requireCatalog(): Catalog {
    if (this.catalog === null) throw new Error('no transaction open');
    return this.catalog;
  }

  /** Opens an implicit transaction when none is open. */
  ensureTxn(): void {
    if (this.txn !== null) return;
    this.beginTxn('implicit', null);
  }

  beginTxn(kind: 'implicit' | 'explicit', isolation: string | null): void {
    const iso = (isolation ?? this.settings.get('default_transaction_isolation')!).toLowerCase();
    const level = iso === 'read committed' || iso === 'read uncommitted' ? 'read committed' : 'serializable';
    const txn = this.shared.kv.begin({ isolation: level, debugName: `session ${this.id}` });
    this.txn = txn;
    this.catalog = new Catalog(txn, this.shared.cache, level);
    this.txnKind = kind;
    this.failed = false;
    this.implicitUsed = false;
    this.savepoints = [];
    this.txnStartMicros = this.nowMicros();
    if (this.settings.get('default_transaction_read_only') === 'on') this.settings.set('transaction_read_only', 'on', true, true);
  }

  /** 25006 for a statement that writes while the transaction is READ ONLY. */
  checkWritable(ast: Node): void {
    if (this.settings.get('transaction_read_only') !== 'on') return;
    const what = writeCommandName(ast);
    if (what !== null) throw sqlError('25006', `cannot execute ${what} in a read-only transaction`);
  }

  /** Ends the transaction: commit (throws on failure, after rolling back) or rollback. */
  async endTxn(commit: boolean): Promise<void> {
    const txn = this.txn;
    const cat = this.catalog;
    this.txn = null;
    this.catalog = null;
    this.txnKind = 'none';
    this.failed = false;
    this.savepoints = [];
    this.portals.clear();
    const splits = this.pendingSplits;
    this.pendingSplits = [];
    if (txn === null) return;
    if (commit) {
      try {
        if (cat !== null && cat.hasChanges) await cat.beforeCommit();
        await txn.commit();
      } catch (e) {
        await txn.rollback().catch(() => undefined);
        cat?.afterRollback();
        this.settings.endTxn(false);
        throw e;
      }
      cat?.afterCommit();
      this.settings.endTxn(true);
      await this.splitAfterCommit(splits);
    } else {
      if (txn.status === 'pending') await txn.rollback().catch(() => undefined);
      cat?.afterRollback();
      this.settings.endTxn(false);
    }
  }

  /**
   * The splits committed DDL asked for (CREATE TABLE: a table per range). Best effort: the
   * statement already succeeded, so a failed split is logged and the table simply shares a
   * range until a later split.
   */
  private async splitAfterCommit(keys: readonly Buffer[]): Promise<void> {
    for (const key of keys) {
      try {
        await this.shared.kv.adminSplit(key);
      } catch (e) {
        this.shared.logger.warn({ err: e, key: prettyKey(key) }, 'range split after CREATE TABLE failed');
      }
    }
  }

  /** A statement failed: an explicit transaction turns 'E'; an implicit one is rolled back. */
  async onError(): Promise<void> {
    if (this.txnKind === 'explicit') {
      this.failed = true;
      // Without savepoints nothing can revive the transaction: release its locks now.
      if (this.savepoints.length === 0 && this.txn !== null && this.txn.status === 'pending') {
        await this.txn.rollback().catch(() => undefined);
      }
    } else if (this.txnKind === 'implicit') {
      await this.endTxn(false);
    }
  }

  // ------------------------------------------------------------ planning

  /** Reg* resolver over the running statement's catalog snapshot (loaded on demand). */
  async regResolver(): Promise<RegResolver> {
    return regResolverFor(await snapshotOf(this.virtualContext()));
  }

  /**
   * The VirtualContext of the running statement, made once per statement so every
   * pg_catalog table, reg* cast and catalog-backed function of it sees one snapshot.
   */
  virtualContext(): VirtualContext {
    const cat = this.requireCatalog();
    if (this.stmtVctx !== null && this.stmtVctx.catalog === cat) return this.stmtVctx;
    const s = this;
    let settings: ReadonlyMap<string, string> | null = null;
    this.stmtVctx = {
      catalog: cat,
      databaseId: this.databaseId,
      databaseName: this.database,
      user: this.user,
      searchPath: this.settings.searchPath(this.user),
      get settings() {
        return (settings ??= new Map(s.settings.showAll().map((r) => [r.name, r.setting])));
      },
      sessions: () => [...s.shared.sessions.values()].map((x) => ({ ...x })),
      ranges: (key, endKey) => s.shared.kv.ranges(key, endKey),
    };
    return this.stmtVctx;
  }

  /** A new statement starts: its catalog snapshot is loaded afresh when needed. */
  private startStatement(): void {
    this.stmtVctx = null;
    this.stmtStartMicros = this.nowMicros();
  }

  /** Sets the catalog-backed parts of the EvalContext a plan needs before it runs. */
  private async prepareEvalContext(plan: CachedPlan): Promise<void> {
    if (plan.needsReg) this.evalCtx.reg = await this.regResolver();
    this.existingSchemas = plan.needsSchemas ? new Set((await this.requireCatalog().listSchemas(this.databaseId)).map((d) => d.name)) : null;
    this.evalCtx.catalog = plan.needsCatalog ? { ...(await loadCatalogInfo(this.virtualContext())), ...this.sequenceInfo } : this.sequenceInfo;
  }

  /**
   * Plan for a bindable statement: from the cache, or bound/planned/compiled now. A plan that
   * depends on no catalog object (SELECT 1) is reused without reading the catalog version;
   * any other lookup first settles the transaction's catalog version (one read per txn).
   */
  async planFor(ast: Node, sql: string, declared: readonly (SqlType | null)[]): Promise<CachedPlan> {
    const cat = this.requireCatalog();
    const key = `${this.databaseId}\u0000${this.settings.get('search_path')}\u0000${this.settings.get('TimeZone')}\u0000${declared.map((t) => t?.oid ?? 0).join(',')}\u0000${sql}`;
    const free = this.shared.plans.getCatalogFree(key);
    if (free !== undefined) return free;
    const known = cat.planGenerationNow();
    const generation = known !== undefined ? known : await cat.planGeneration();
    if (generation !== null) {
      const hit = this.shared.plans.get(key, generation);
      if (hit !== undefined) return hit;
    }
    const needsReg = NEEDS_REG.test(sql);
    const needsCatalog = NEEDS_CATALOG_INFO.test(sql);
    const bindNeedsReg = needsReg || nodeTag(ast) === 'InsertStmt' || nodeTag(ast) === 'UpdateStmt';
    this.evalCtx.reg = bindNeedsReg ? await this.regResolver() : undefined;
    if (needsCatalog) this.evalCtx.catalog = { ...(await loadCatalogInfo(this.virtualContext())), ...this.sequenceInfo };
    const relations = await resolveRelations(ast, {
      catalog: cat,
      databaseId: this.databaseId,
      searchPath: this.settings.searchPath(this.user),
      user: this.user,
    });
    const bound = bindStatement(ast, relations, declared, this.evalCtx);
    const plan = planStatement(bound.stmt);
    const exec = compileStatement(plan);
    const cols =
      bound.stmt.kind === 'select' ? bound.stmt.cols : bound.stmt.returning === null ? null : bound.stmt.returning.cols;
    const needsSchemas = /\bcurrent_schemas?\b/i.test(sql);
    const catalogFree = relations.size === 0 && !bindNeedsReg && !needsCatalog && !needsSchemas;
    const entry: CachedPlan = { plan, exec, paramTypes: bound.paramTypes, cols, generation: generation ?? -1, needsReg, needsCatalog, needsSchemas, catalogFree };
    if (catalogFree || (generation !== null && generation === cat.planGenerationNow())) this.shared.plans.set(key, entry);
    return entry;
  }

  /**
   * A prepared statement's plan, re-planned when the schema changed since it was made (on
   * this node or any other). Like PostgreSQL, a re-plan whose result columns differ from the
   * ones described to the client is 0A000.
   */
  async revalidate(stmt: Prepared): Promise<CachedPlan> {
    const plan = stmt.plan!;
    if (plan.catalogFree) return plan;
    const cat = this.requireCatalog();
    const known = cat.planGenerationNow();
    if (plan.generation === (known !== undefined ? known : await cat.planGeneration())) return plan;
    const fresh = await this.planFor(stmt.ast!, stmt.sql, stmt.paramTypes);
    if (!sameResultType(stmt.cols, fresh.cols)) throw sqlError('0A000', 'cached plan must not change result type');
    stmt.plan = fresh;
    return fresh;
  }

  newExecContext(params: readonly Datum[]): ExecContext {
    const s = this;
    return new ExecContext({
      txn: this.txn!,
      catalog: this.catalog!,
      sequences: this.shared.sequences,
      evalCtx: this.evalCtx,
      params,
      vctx: () => s.virtualContext(),
      cancelled: () => s.cancelRequested,
    });
  }

  // ------------------------------------------------------------ simple query

  async simpleQuery(sql: string, sink: ResultSink): Promise<SqlError | null> {
    let stmts;
    try {
      stmts = parseSql(sql);
    } catch (e) {
      return this.fail(e);
    }
    if (stmts.length === 0) {
      sink.emptyQuery();
      return null;
    }
    this.info.query = sql;
    this.info.state = 'active';
    try {
      for (const st of stmts) {
        if (this.failed && !allowedWhenFailed(st.ast)) {
          throw sqlError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
        }
        const single = stmts.length === 1 && this.txn === null && (isBindable(st.ast) || isDdlStatement(st.ast));
        if (single) await this.runImplicitWithRetry(st.ast, st.text, sink);
        else await this.runOne(st.ast, st.text, sink);
        this.reportSettings(sink);
      }
      if (this.txnKind === 'implicit') await this.endTxn(true);
      return null;
    } catch (e) {
      this.reportSettings(sink);
      return this.fail(e);
    } finally {
      this.info.state = this.txnKind === 'explicit' ? (this.failed ? 'idle in transaction (aborted)' : 'idle in transaction') : 'idle';
    }
  }

  private async fail(e: unknown): Promise<SqlError> {
    // Reset the transaction state first: even a programmer error must not leave it half-open.
    await this.onError();
    return toSqlError(e);
  }

  private reportSettings(sink: ResultSink): void {
    for (const [k, v] of this.settings.takeReportedChanges()) {
      sink.parameterStatus(k, v);
      if (k === 'application_name') this.info.applicationName = v;
    }
  }

  /**
   * A single plannable or DDL statement in its own implicit transaction, retried on 40001. A
   * retried DDL runs in the catalog's exclusive mode, so it cannot starve (catalog.ts).
   */
  private async runImplicitWithRetry(ast: Node, text: string, sink: ResultSink): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const buf = new BufferingSink(sink, retryBufferRowsMax);
      this.beginTxn('implicit', null);
      try {
        if (attempt > 0 && isDdlStatement(ast)) await this.catalog!.startExclusive();
        await this.runOne(ast, text, buf);
        await this.endTxn(true);
        buf.flush();
        return;
      } catch (e) {
        if (this.txn !== null) await this.endTxn(false);
        if (isRetryable(e) && !buf.streamed && attempt + 1 < implicitRetriesMax) {
          await backoff(attempt);
          continue;
        }
        if (!isRetryable(e)) buf.flush();
        throw e;
      }
    }
  }

  /** Runs one statement of a simple query, writing RowDescription, rows and the tag. */
  async runOne(ast: Node, text: string, sink: ResultSink): Promise<void> {
    this.startStatement();
    this.running = true;
    this.cancelRequested = false;
    try {
      this.checkWritable(ast);
      if (isBindable(ast)) {
        this.ensureTxn();
        const plan = await this.planFor(ast, text, []);
        const formats = resultFormats([], plan.cols?.length ?? 0);
        if (plan.cols !== null) sink.rowDescription(fieldsOf(plan.cols, formats));
        const tag = await this.execPlan(plan, [], formats, 0, sink, null);
        sink.commandComplete(tag!);
        return;
      }
      await this.runNonPlannable(ast, text, sink, true);
    } finally {
      this.running = false;
    }
  }

  /** Utility, DDL, COPY and transaction-control statements. */
  async runNonPlannable(ast: Node, text: string, sink: ResultSink, describe: boolean): Promise<void> {
    const shoal = shoalStmtOf(ast);
    if (shoal !== null) {
      await runShoal(this, shoal, sink, describe);
      return;
    }
    const tag = nodeTag(ast);
    if (tag === 'CopyStmt') {
      this.ensureTxn();
      await runCopy(this, ast, sink);
      return;
    }
    if (isDdlStatement(ast)) {
      this.ensureTxn();
      const res = await executeDdl(ast, this.ddlContext(sink));
      for (const n of res.notices ?? []) sink.notice(n);
      sink.commandComplete(res.tag);
      return;
    }
    await runUtility(this, ast, text, sink, describe);
  }

  ddlContext(sink: ResultSink): import('../catalog/index.js').DdlContext {
    const s = this;
    const rowPlans = new Map<string, CachedPlan>();
    return {
      txn: this.txn!,
      catalog: this.catalog!,
      sequences: this.shared.sequences,
      databaseId: this.databaseId,
      databaseName: this.database,
      searchPath: this.settings.searchPath(this.user),
      user: this.user,
      evalConstExpr: (sqlText, type) => s.evalConstExpr(sqlText, type),
      evalRowExpr: (sqlText, table, row) => s.evalRowExpr(rowPlans, sqlText, table, row),
      notice: (n) => sink.notice(n),
      checkCancel: () => s.checkCancel(),
      splitAfterCommit: (key) => s.pendingSplits.push(key),
    };
  }

  /** Evaluates a constant expression given as SQL text, cast to `type` (DEFAULT backfill, sequence options). */
  async evalConstExpr(sqlText: string, type: SqlType): Promise<Datum> {
    const stmts = parseSql(`SELECT (${sqlText})`);
    const plan = await this.planFor(stmts[0]!.ast, stmts[0]!.text, []);
    await this.prepareEvalContext(plan);
    const cx = this.newExecContext([]);
    const cur = plan.exec.open(cx);
    const row = await cur.next();
    cur.close();
    const v = row?.[0] ?? null;
    if (v === null) return null;
    const from = plan.cols![0]!.type;
    const { castDatum, coerceToTypmod } = await import('../types/index.js');
    const cast = from.oid === type.oid ? v : castDatum(v, from, type, 'assignment', this.evalCtx);
    return type.typmod >= 0 && cast !== null ? coerceToTypmod(type, cast, false) : cast;
  }

  /**
   * Evaluates `sqlText` over one row of `table` (CHECK validation of existing rows, ALTER
   * COLUMN ... TYPE ... USING): bound once per DDL statement as a SELECT over a one-row VALUES
   * list named like the table, whose columns are parameters typed like the table's columns.
   */
  async evalRowExpr(plans: Map<string, CachedPlan>, sqlText: string, table: TableDescriptor, row: readonly Datum[]): Promise<Datum> {
    let plan = plans.get(sqlText);
    if (plan === undefined) {
      const cols = table.columns;
      const names = cols.map((c) => quoteIdent(c.name)).join(', ');
      const params = cols.map((_c, i) => `$${i + 1}`).join(', ');
      const st = parseSql(`SELECT (${sqlText}) FROM (VALUES (${params})) AS ${quoteIdent(table.name)}(${names})`)[0]!;
      plan = await this.planFor(st.ast, st.text, cols.map((c) => c.type));
      plans.set(sqlText, plan);
    }
    await this.prepareEvalContext(plan);
    const cur = plan.exec.open(this.newExecContext(row));
    try {
      const r = await cur.next();
      return r?.[0] ?? null;
    } finally {
      cur.close();
    }
  }

  /**
   * Plans and runs a query (the VALUES or SELECT of SPLIT AT) and returns its rows; more than
   * `rowsMax` rows is 54000. `cacheKey` names the statement in the plan cache.
   */
  async collectRows(ast: Node, cacheKey: string, rowsMax: number): Promise<{ cols: readonly OutCol[]; rows: Datum[][] }> {
    const plan = await this.planFor(ast, cacheKey, []);
    await this.prepareEvalContext(plan);
    const cur = plan.exec.open(this.newExecContext([]));
    const rows: Datum[][] = [];
    try {
      for (let row = await cur.next(); row !== null; row = await cur.next()) {
        if (rows.length >= rowsMax) throw sqlError('54000', `query returned more than ${rowsMax} rows`);
        rows.push([...row]);
      }
    } finally {
      cur.close();
    }
    return { cols: plan.cols ?? [], rows };
  }

  /**
   * Executes a plan: writes up to `maxRows` rows (0 = all) and returns the tag, or null
   * when the portal is suspended with rows left.
   */
  async execPlan(
    plan: CachedPlan,
    params: readonly Datum[],
    formats: readonly (0 | 1)[],
    maxRows: number,
    sink: ResultSink,
    portal: Portal | null,
  ): Promise<string | null> {
    let cursor = portal?.cursor ?? null;
    let versionToken = portal?.versionToken ?? null;
    if (cursor === null) {
      await this.prepareEvalContext(plan);
      const cx = this.newExecContext(params);
      cursor = plan.exec.open(cx);
      versionToken = this.catalog!.versionToken;
      if (portal !== null) {
        portal.cursor = cursor;
        portal.cx = cx;
        portal.versionToken = versionToken;
      }
    }
    const cols = plan.cols;
    const env = this.evalCtx;
    let sent = portal?.rowsSent ?? 0;
    let batch = 0;
    try {
      for (;;) {
        if (maxRows > 0 && portal !== null && sent - (portal.rowsSent ?? 0) >= maxRows) {
          // Peek whether rows remain is not possible without consuming; PostgreSQL reports suspended.
          portal.rowsSent = sent;
          return null;
        }
        const row = await cursor.next();
        if (row === null) break;
        if (cols !== null) sink.dataRow(encodeRow(row, cols, formats, env));
        sent++;
        if (++batch >= drainEveryRows) {
          batch = 0;
          await sink.drain();
        }
      }
    } catch (e) {
      cursor.close();
      if (portal !== null) portal.cursor = null;
      throw e;
    }
    cursor.close();
    const affected = cursor.affected();
    if (portal !== null) portal.rowsSent = sent;
    // Rows written under a schema that changed meanwhile (read committed only: its read
    // timestamp moves without a refresh) would miss the DDL's backfill: restart instead.
    if (plan.plan.kind !== 'query' && this.catalog!.versionStale && (await this.catalog!.versionMovedSince(versionToken))) {
      throw sqlError('40001', 'restart transaction: the schema changed while the statement ran', { hint: 'Retry the transaction.' });
    }
    switch (plan.plan.kind) {
      case 'query':
        return `SELECT ${sent}`;
      case 'insert':
        return `INSERT 0 ${affected ?? 0}`;
      case 'update':
        return `UPDATE ${affected ?? 0}`;
      case 'delete':
        return `DELETE ${affected ?? 0}`;
    }
  }

  // ------------------------------------------------------------ extended protocol

  async parse(name: string, sql: string, paramTypeOids: readonly number[]): Promise<void> {
    if (name !== '' && this.statements.has(name)) {
      throw sqlError('42P05', `prepared statement "${name}" already exists`);
    }
    const stmts = parseSql(sql);
    if (stmts.length > 1) throw sqlError('42601', 'cannot insert multiple commands into a prepared statement');
    const declared = paramTypeOids.map((oid) => {
      if (oid === 0) return null;
      const t = typeFromOid(oid);
      if (t === undefined) throw sqlError('42704', `type with OID ${oid} does not exist`);
      return t.kind === 'unknown' ? null : t;
    });
    let p: Prepared;
    try {
      p = await this.prepare(stmts[0]?.ast ?? null, stmts[0]?.text ?? '', declared);
    } catch (e) {
      throw toSqlError(e);
    }
    this.statements.set(name, p);
  }

  /** Analyzes a statement for Parse/PREPARE: parameter types and result columns. */
  async prepare(ast: Node | null, text: string, declared: readonly (SqlType | null)[]): Promise<Prepared> {
    const p: Prepared = { sql: text, ast, declared, plan: null, paramTypes: declared.map((t) => t ?? types.text), cols: null, utilityFields: null };
    if (ast === null) return p;
    this.stmtVctx = null;
    if (isBindable(ast)) {
      if (this.failed) throw sqlError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
      this.ensureTxn();
      const plan = await this.planFor(ast, text, declared);
      p.plan = plan;
      p.paramTypes = plan.paramTypes;
      p.cols = plan.cols;
    } else {
      p.utilityFields = utilityFields(this, ast);
    }
    return p;
  }

  async bind(
    portalName: string,
    statement: string,
    paramFormats: readonly (0 | 1)[],
    params: readonly (Buffer | null)[],
    resultFormatCodes: readonly (0 | 1)[],
  ): Promise<void> {
    const stmt = this.statements.get(statement);
    if (stmt === undefined) throw sqlError('26000', `prepared statement "${statement}" does not exist`);
    if (portalName !== '' && this.portals.has(portalName)) throw sqlError('42P03', `portal "${portalName}" already exists`);
    if (params.length !== stmt.paramTypes.length) {
      throw sqlError('08P01', `bind message supplies ${params.length} parameters, but prepared statement "${statement}" requires ${stmt.paramTypes.length}`);
    }
    const values = params.map((buf, i) => {
      if (buf === null) return null;
      const t = stmt.paramTypes[i]!;
      const fmt = paramFormats.length === 0 ? 0 : paramFormats.length === 1 ? paramFormats[0]! : (paramFormats[i] ?? 0);
      try {
        return fmt === 1 ? decodeBinary(t, buf, this.evalCtx) : parseText(t, buf.toString('utf8'), this.evalCtx);
      } catch (e) {
        if (e instanceof SqlError) throw e;
        throw sqlError('22P03', `incorrect binary data format in bind parameter ${i + 1}`);
      }
    });
    this.portals.set(portalName, {
      stmt,
      params: values,
      formatCodes: resultFormatCodes,
      cursor: null,
      cx: null,
      versionToken: null,
      rowsSent: 0,
      pendingRows: null,
      pendingTag: null,
    });
  }

  describeStatement(name: string): StatementDescription {
    const stmt = this.statements.get(name);
    if (stmt === undefined) throw sqlError('26000', `prepared statement "${name}" does not exist`);
    const fields = stmt.cols !== null ? fieldsOf(stmt.cols, resultFormats([], stmt.cols.length)) : stmt.utilityFields;
    return { paramTypeOids: stmt.paramTypes.map((t) => t.oid), fields };
  }

  describePortal(name: string): readonly FieldDescription[] | null {
    const portal = this.portals.get(name);
    if (portal === undefined) throw sqlError('34000', `portal "${name}" does not exist`);
    const cols = portal.stmt.cols;
    if (cols === null) return portal.stmt.utilityFields;
    return fieldsOf(cols, resultFormats(portal.formatCodes, cols.length));
  }

  async execute(portalName: string, maxRows: number, sink: ResultSink): Promise<'suspended' | 'complete'> {
    const portal = this.portals.get(portalName);
    if (portal === undefined) throw sqlError('34000', `portal "${portalName}" does not exist`);
    const stmt = portal.stmt;
    if (stmt.ast === null) {
      sink.emptyQuery();
      return 'complete';
    }
    if (this.failed && !allowedWhenFailed(stmt.ast)) {
      throw sqlError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    this.info.state = 'active';
    this.info.query = stmt.sql;
    this.startStatement();
    this.running = true;
    this.cancelRequested = false;
    try {
      this.checkWritable(stmt.ast);
      if (stmt.plan === null) {
        await this.runNonPlannable(stmt.ast, stmt.sql, sink, false);
        this.reportSettings(sink);
        return 'complete';
      }
      return await this.executePlanned(portal, maxRows, sink);
    } catch (e) {
      throw toSqlError(e);
    } finally {
      this.running = false;
      this.info.state = this.txnKind === 'explicit' ? 'idle in transaction' : 'idle';
    }
  }

  private async executePlanned(portal: Portal, maxRows: number, sink: ResultSink): Promise<'suspended' | 'complete'> {
    const stmt = portal.stmt;
    const formats = resultFormats(portal.formatCodes, stmt.cols?.length ?? 0);
    if (portal.cursor !== null) {
      const tag = await this.execPlan(stmt.plan!, portal.params, formats, maxRows, sink, portal);
      if (tag === null) return 'suspended';
      sink.commandComplete(tag);
      return 'complete';
    }
    const canRetry = this.txn === null || (this.txnKind === 'implicit' && !this.implicitUsed);
    this.ensureTxn();
    for (let attempt = 0; ; attempt++) {
      // Schema changed since Parse (here or on another node): re-plan with the same parameter types.
      await this.revalidate(stmt);
      const buf = canRetry && maxRows === 0 ? new BufferingSink(sink, retryBufferRowsMax) : null;
      try {
        if (this.txnKind === 'implicit') this.implicitUsed = true;
        const tag = await this.execPlan(stmt.plan!, portal.params, formats, maxRows, buf ?? sink, portal);
        buf?.flush();
        if (tag === null) return 'suspended';
        sink.commandComplete(tag);
        return 'complete';
      } catch (e) {
        if (buf !== null && isRetryable(e) && !buf.streamed && attempt + 1 < implicitRetriesMax) {
          await this.endTxn(false);
          this.beginTxn('implicit', null);
          portal.cursor = null;
          portal.rowsSent = 0;
          await backoff(attempt);
          continue;
        }
        buf?.flush();
        throw e;
      }
    }
  }

  closeStatement(name: string): void {
    this.statements.delete(name);
  }

  closePortal(name: string): void {
    const p = this.portals.get(name);
    p?.cursor?.close();
    this.portals.delete(name);
  }

  async sync(): Promise<void> {
    if (this.txnKind === 'implicit') {
      try {
        await this.endTxn(true);
      } catch (e) {
        throw toSqlError(e);
      }
    }
    this.portals.delete('');
  }

  abortExtended(error: SqlError): void {
    void error;
    // Roll back now (releases locks); Sync then finds no implicit transaction to commit.
    void this.onError();
  }

  /** Throws 57014 when the client asked to cancel the running statement (COPY checks between batches). */
  checkCancel(): void {
    if (this.cancelRequested) throw sqlError('57014', 'canceling statement due to user request');
  }

  cancel(): void {
    if (this.running) this.cancelRequested = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.shared.sessions.delete(this.id);
    for (const p of this.portals.values()) p.cursor?.close();
    this.portals.clear();
    if (this.txn !== null) await this.endTxn(false);
  }

  /** Oid of a table descriptor (for COPY and utilities). */
  tableOid(id: number): number {
    return descriptorOid(id);
  }
}

/** DDL statement kinds by the name PostgreSQL gives them in "cannot execute ..." errors. */
const DDL_COMMAND_NAMES: Record<string, string> = {
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  IndexStmt: 'CREATE INDEX',
  CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  CreateSchemaStmt: 'CREATE SCHEMA',
  AlterTableStmt: 'ALTER TABLE',
  DropStmt: 'DROP',
  TruncateStmt: 'TRUNCATE TABLE',
  RenameStmt: 'ALTER',
  ViewStmt: 'CREATE VIEW',
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
};

/** The command name of a statement that writes (null for read-only statements). */
function writeCommandName(ast: Node): string | null {
  const tag = nodeTag(ast);
  if (tag === 'InsertStmt') return 'INSERT';
  if (tag === 'UpdateStmt') return 'UPDATE';
  if (tag === 'DeleteStmt') return 'DELETE';
  if (tag === 'CopyStmt') return (ast as { CopyStmt: { is_from?: boolean } }).CopyStmt.is_from === true ? 'COPY FROM' : null;
  if (tag === 'SelectStmt') {
    const sel = (ast as { SelectStmt: { lockingClause?: Node[]; withClause?: { ctes?: Node[] } } }).SelectStmt;
    for (const c of sel.withClause?.ctes ?? []) {
      const q = (c as { CommonTableExpr?: { ctequery?: Node } }).CommonTableExpr?.ctequery;
      const inner = q === undefined ? null : writeCommandName(q);
      if (inner !== null) return inner; // a data-modifying CTE
    }
    return sel.lockingClause !== undefined && sel.lockingClause.length > 0 ? 'SELECT FOR UPDATE' : null;
  }
  return DDL_COMMAND_NAMES[tag] ?? null;
}

/** PostgreSQL's equalRowTypes for the columns a prepared statement described: names, types, typmods. */
function sameResultType(a: readonly OutCol[] | null, b: readonly OutCol[] | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.type.oid !== y.type.oid || x.type.typmod !== y.type.typmod) return false;
  }
  return true;
}

/** Statements a failed transaction still accepts. */
function allowedWhenFailed(ast: Node): boolean {
  const t = (ast as { TransactionStmt?: { kind?: string } }).TransactionStmt;
  if (t === undefined) return false;
  return t.kind === 'TRANS_STMT_ROLLBACK' || t.kind === 'TRANS_STMT_COMMIT' || t.kind === 'TRANS_STMT_ROLLBACK_TO' || t.kind === 'TRANS_STMT_PREPARE';
}

/** Yields to the event loop a growing number of times (no timers: sql/ owns no real time). */
async function backoff(attempt: number): Promise<void> {
  const turns = Math.min(1 << attempt, 64);
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}
