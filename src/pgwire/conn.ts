// One client connection: a socket ↔ one SQL Session. Created by the pgwire server per
// accepted socket; it runs startup (TLS or 'N', cancel, auth), then the simple/extended
// query loop, and is the session's ResultSink. Output is batched in a BackendWriter and
// written at ReadyForQuery, Flush, or past a size threshold. Bad input closes only this
// connection; anything the session throws that is not a SqlError is logged and answered
// XX000 — one connection's failure never reaches the node.

import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { SqlError, sqlError } from '../../sql/index.js';
import type {
  CopyInRequest,
  CopyOutRequest,
  FieldDescription,
  Notice,
  ResultSink,
  Session,
  SqlServer,
  WireValue,
} from '../../sql/index.js';
import type { Authenticator, AuthRequest } from './auth.js';
import { BackendWriter, type ErrorFields } from './backend.js';
import { FrontendParser, type FrontendMessage, type FrontendParserLimits } from './frontend.js';

type ExtendedMessage = Extract<FrontendMessage, { kind: 'parse' | 'bind' | 'describe' | 'execute' | 'close' }>;

export interface PgwireLimits extends FrontendParserLimits {
  /** Pending output past which rows are written to the socket before the query ends. */
  readonly outputFlushBytes: number;
  /** Unparsed input past which the socket is paused until the connection catches up. */
  readonly inputPauseBytes: number;
  /** Time a client has to finish startup and authentication. */
  readonly startupTimeoutMs: number;
}

/** Counters the pgwire layer keeps for /metrics; plain fields, bumped in place. */
export interface PgwireStats {
  connectionsTotal: number;
  connectionsOpen: number;
  connectionsRejected: number;
  queriesTotal: number;
  errorsTotal: number;
  internalErrorsTotal: number;
  protocolViolationsTotal: number;
}

/** What a connection needs from its server. */
export interface ConnContext {
  readonly sqlServer: SqlServer;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  readonly limits: PgwireLimits;
  readonly stats: PgwireStats;
  /** TLS for clients that send SSLRequest; null answers 'N'. */
  readonly tls: SecureContext | null;
  /** Claims a connection slot; false when the limit is reached. */
  admit(conn: Connection): boolean;
  /** Releases the slot and the cancel key (called once, at the end). */
  release(conn: Connection): void;
  /** Routes a CancelRequest to the connection holding (pid, secret). */
  cancel(pid: number, secret: number): void;
}

/** Parameters reported after login unless the session reports its own value. */
function defaultParameters(user: string, appName: string): Array<[string, string]> {
  return [
    ['server_version', '15.0'],
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['DateStyle', 'ISO, MDY'],
    ['TimeZone', 'UTC'],
    ['integer_datetimes', 'on'],
    ['standard_conforming_strings', 'on'],
    ['IntervalStyle', 'postgres'],
    ['is_superuser', 'on'],
    ['session_authorization', user],
    ['application_name', appName],
    ['default_transaction_read_only', 'off'],
    ['in_hot_standby', 'off'],
  ];
}

const RESOLVED: Promise<void> = Promise.resolve();
const socketDestroyDelayMs = 2_000;

export class Connection implements ResultSink {
  private readonly parser: FrontendParser;
  private readonly out = new BackendWriter();
  private readonly log: Logger;
  private session: Session | null = null;
  private admitted = false;
  /** The peer will send nothing more (EOF or socket closed); buffered input still counts. */
  private eof = false;
  /** We are closing: input is no longer read. */
  private closing = false;
  private wake: (() => void) | null = null;
  /** A session call is running (a CancelRequest or socket loss may interrupt it). */
  private busy = false;
  /** Extended-protocol error: messages are discarded until Sync. */
  private skipUntilSync = false;
  private terminating = false;
  private drainWaiter: Promise<void> | null = null;
  private drainResolve: (() => void) | null = null;
  private user = '';
  private tlsDone = false;

  /** The client's socket; replaced by a TLSSocket when the client asks for TLS. */
  private socket: Socket;

  constructor(
    socket: Socket,
    private readonly ctx: ConnContext,
    readonly pid: number,
    readonly secret: number,
  ) {
    this.socket = socket;
    this.parser = new FrontendParser(ctx.limits);
    this.log = ctx.logger.child({ pid });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    this.listen(socket);
  }

  private readonly onDataBound = (chunk: Buffer): void => this.onData(chunk);
  private readonly onEndedBound = (): void => this.onEnded();
  private readonly onDrainBound = (): void => this.onDrain();
  private readonly onErrorBound = (err: Error): void => this.log.debug({ err }, 'pgwire socket error');

  private listen(socket: Socket): void {
    socket.on('data', this.onDataBound);
    socket.on('end', this.onEndedBound);
    socket.on('close', this.onEndedBound);
    socket.on('drain', this.onDrainBound);
    socket.on('error', this.onErrorBound);
  }

  /**
   * SSLRequest with TLS configured: 'S', then the TLS handshake on the same socket. Bytes
   * the client sent after SSLRequest in the clear would be spliced into the encrypted
   * stream (CVE-2021-23214), so they are a protocol violation.
   */
  private upgradeToTls(context: SecureContext): boolean {
    if (this.parser.bufferedBytes() > 0) {
      this.fatal('08P01', 'received unencrypted data after SSL request');
      return false;
    }
    this.out.rawByte(0x53);
    this.flush();
    const raw = this.socket;
    raw.off('data', this.onDataBound);
    raw.off('end', this.onEndedBound);
    raw.off('close', this.onEndedBound);
    raw.off('drain', this.onDrainBound);
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.socket = secure;
    this.listen(secure);
    return true;
  }

  /** The connection's whole life; never rejects. */
  async run(): Promise<void> {
    try {
      if (await this.startup()) await this.serve();
    } catch (err) {
      // A bug in this file, not in the client's input: log loudly, close just this socket.
      this.ctx.stats.internalErrorsTotal++;
      this.log.error({ err }, 'pgwire connection failed');
      this.fatal('XX000', 'internal error');
    } finally {
      await this.cleanup();
    }
  }

  /** Server shutdown: finish the running call (cancelled), then FATAL 57P01 and close. */
  terminate(): void {
    if (this.terminating) return;
    this.terminating = true;
    if (this.busy) this.session?.cancel();
    else this.fatal('57P01', 'terminating connection due to administrator command');
  }

  /** A CancelRequest matched this connection. */
  cancelQuery(): void {
    if (this.busy) this.session?.cancel();
  }

  // ---- input ----

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.parser.push(chunk);
    if (this.parser.bufferedBytes() > this.ctx.limits.inputPauseBytes) this.socket.pause();
    this.wakeReader();
  }

  private onEnded(): void {
    if (!this.eof) {
      this.eof = true;
      // The reply could not be sent anyway: stop the running statement.
      if (this.busy) this.session?.cancel();
    }
    this.wakeReader();
    this.onDrain();
  }

  private wakeReader(): void {
    const wake = this.wake;
    if (wake !== null) {
      this.wake = null;
      wake();
    }
  }

  /** The next message, or null when the connection is over (EOF or a protocol violation). */
  private async read(): Promise<FrontendMessage | null> {
    for (;;) {
      if (this.closing) return null;
      const m = this.parser.next();
      if (m !== null) {
        if (m.kind !== 'violation') return m;
        this.ctx.stats.protocolViolationsTotal++;
        this.log.info({ violation: m.message }, 'pgwire protocol violation');
        this.fatal('08P01', m.message);
        return null;
      }
      if (this.eof) return null;
      if (this.socket.isPaused()) this.socket.resume();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  // ---- startup ----

  /** Runs until a session is ready; false when the connection is over instead. */
  private async startup(): Promise<boolean> {
    // A deadline for the whole startup (PostgreSQL's authentication_timeout).
    const timer = setTimeout(() => {
      this.log.info('pgwire startup timeout');
      this.fatal('08P01', 'timeout during startup');
    }, this.ctx.limits.startupTimeoutMs);
    try {
      for (;;) {
        const m = await this.read();
        if (m === null) return false;
        switch (m.kind) {
          case 'sslRequest':
            if (this.ctx.tls !== null && !this.tlsDone) {
              this.tlsDone = true;
              if (!this.upgradeToTls(this.ctx.tls)) return false;
              continue;
            }
            // No TLS configured: 'N' tells the client to go on in the clear.
            this.out.rawByte(0x4e);
            this.flush();
            continue;
          case 'gssEncRequest':
            this.out.rawByte(0x4e);
            this.flush();
            continue;
          case 'cancelRequest':
            this.ctx.cancel(m.pid, m.secret);
            this.closeSocket();
            return false;
          case 'startup':
            return await this.login(m.major, m.minor, m.params);
          default:
            throw new Error(`startup phase produced ${m.kind}`);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async login(major: number, minor: number, params: Readonly<Record<string, string>>): Promise<boolean> {
    if (major === 1 || major === 2) {
      return this.fatal('0A000', `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.0`);
    }
    if (major !== 3) {
      // Not a protocol anyone speaks: garbage that happened to have a plausible length.
      this.ctx.stats.protocolViolationsTotal++;
      return this.fatal('08P01', `invalid startup packet: unknown protocol code ${major}.${minor}`);
    }
    const user = params['user'];
    if (user === undefined || user === '') {
      return this.fatal('28000', 'no PostgreSQL user name specified in startup packet');
    }
    this.user = user;
    const database = params['database'] || user;
    const unrecognized = Object.keys(params).filter((k) => k.startsWith('_pq_.'));
    if (minor > 0 || unrecognized.length > 0) this.out.negotiateProtocolVersion(0, unrecognized);
    if (!this.ctx.admit(this)) {
      this.ctx.stats.connectionsRejected++;
      return this.fatal('53300', 'sorry, too many clients already');
    }
    this.admitted = true;
    if (!(await this.authenticate(user))) return false;
    try {
      this.session = await this.ctx.sqlServer.createSession({ user, database, startupParams: params });
    } catch (e) {
      const err = this.toSqlError(e, 'createSession');
      return this.fatal(err.code, err.message);
    }
    this.sendLoginParameters(user, params['application_name'] ?? '');
    this.out.backendKeyData(this.pid, this.secret);
    this.out.readyForQuery(this.session.txnStatus());
    this.flush();
    return true;
  }

  private async authenticate(user: string): Promise<boolean> {
    const exchange = this.ctx.authenticator.begin(user);
    let step = exchange.first();
    while (step.kind === 'ask') {
      this.writeAuthRequest(step.request);
      this.flush();
      const m = await this.read();
      if (m === null) return false;
      if (m.kind !== 'password') return this.fatal('08P01', `expected password response, got message type ${m.kind}`);
      step = exchange.respond(m.data);
    }
    if (step.kind === 'fail') {
      this.log.info({ user, code: step.code }, 'pgwire authentication failed');
      return this.fatal(step.code, step.message);
    }
    if (step.saslFinal !== undefined) this.out.authenticationSASLFinal(step.saslFinal);
    this.out.authenticationOk();
    return true;
  }

  private writeAuthRequest(r: AuthRequest): void {
    switch (r.kind) {
      case 'cleartextPassword':
        return this.out.authenticationCleartextPassword();
      case 'md5Password':
        return this.out.authenticationMD5Password(r.salt);
      case 'sasl':
        return this.out.authenticationSASL(r.mechanisms);
      case 'saslContinue':
        return this.out.authenticationSASLContinue(r.data);
    }
  }

  private sendLoginParameters(user: string, appName: string): void {
    const values = new Map<string, string>(defaultParameters(user, appName));
    for (const [name, value] of this.session!.initialParameters()) values.set(name, value);
    for (const [name, value] of values) this.out.parameterStatus(name, value);
  }

  // ---- query loop ----

  private async serve(): Promise<void> {
    for (;;) {
      if (this.terminating) {
        this.fatal('57P01', 'terminating connection due to administrator command');
        return;
      }
      const m = await this.read();
      if (m === null || m.kind === 'terminate') return;
      if (this.skipUntilSync && m.kind !== 'sync') continue;
      await this.dispatch(m);
    }
  }

  private async dispatch(m: FrontendMessage): Promise<void> {
    const session = this.session!;
    switch (m.kind) {
      case 'query':
        return this.simpleQuery(session, m.sql);
      case 'parse':
      case 'bind':
      case 'describe':
      case 'execute':
      case 'close':
        return this.extended(session, m);
      case 'sync':
        return this.sync(session);
      case 'flush':
        return this.flush();
      case 'copyData':
      case 'copyDone':
      case 'copyFail':
        // Leftovers of a COPY that failed while the client was still sending: ignored, as
        // PostgreSQL does.
        return;
      case 'password':
        this.fatal('08P01', 'unexpected password message');
        return;
      case 'terminate':
      case 'startup':
      case 'sslRequest':
      case 'gssEncRequest':
      case 'cancelRequest':
        throw new Error(`query phase got ${m.kind}`);
    }
  }

  private async simpleQuery(session: Session, sql: string): Promise<void> {
    this.ctx.stats.queriesTotal++;
    this.busy = true;
    let err: SqlError | null;
    try {
      err = await session.simpleQuery(sql, this);
    } catch (e) {
      err = this.toSqlError(e, 'simpleQuery', sql);
    } finally {
      this.busy = false;
    }
    if (err !== null) this.writeError(err);
    this.out.readyForQuery(session.txnStatus());
    this.flush();
  }

  /** Runs one extended-protocol step; an error starts the skip-until-Sync state. */
  private async extended(session: Session, m: ExtendedMessage): Promise<void> {
    this.busy = true;
    try {
      await this.extendedStep(session, m);
    } catch (e) {
      const err = this.toSqlError(e, m.kind, m.kind === 'parse' ? m.sql : undefined);
      this.writeError(err);
      session.abortExtended(err);
      this.skipUntilSync = true;
      // PostgreSQL flushes errors at once, so a client waiting after Flush sees it.
      this.flush();
    } finally {
      this.busy = false;
    }
  }

  private async extendedStep(session: Session, m: ExtendedMessage): Promise<void> {
    switch (m.kind) {
      case 'parse':
        await session.parse(m.name, m.sql, m.paramTypeOids);
        return this.out.parseComplete();
      case 'bind': {
        const paramFormats = checkFormats(m.paramFormats);
        const resultFormats = checkFormats(m.resultFormats);
        if (paramFormats.length > 1 && paramFormats.length !== m.params.length) {
          throw sqlError('08P01', `bind message has ${paramFormats.length} parameter formats but ${m.params.length} parameters`);
        }
        await session.bind(m.portal, m.statement, paramFormats, m.params, resultFormats);
        return this.out.bindComplete();
      }
      case 'describe':
        return this.describe(session, m.target, m.name);
      case 'execute': {
        this.ctx.stats.queriesTotal++;
        const outcome = await session.execute(m.portal, m.maxRows, this);
        if (outcome === 'suspended') this.out.portalSuspended();
        return;
      }
      case 'close':
        if (m.target === 'S') session.closeStatement(m.name);
        else session.closePortal(m.name);
        return this.out.closeComplete();
    }
  }

  private describe(session: Session, target: 'S' | 'P', name: string): void {
    if (target === 'S') {
      const d = session.describeStatement(name);
      this.out.parameterDescription(d.paramTypeOids);
      if (d.fields === null) this.out.noData();
      else this.out.rowDescription(d.fields);
    } else {
      const fields = session.describePortal(name);
      if (fields === null) this.out.noData();
      else this.out.rowDescription(fields);
    }
  }

  private async sync(session: Session): Promise<void> {
    this.skipUntilSync = false;
    this.busy = true;
    try {
      await session.sync();
    } catch (e) {
      this.writeError(this.toSqlError(e, 'sync'));
    } finally {
      this.busy = false;
    }
    this.out.readyForQuery(session.txnStatus());
    this.flush();
  }

  // ---- errors ----

  /** SqlErrors pass through; anything else is a bug in the SQL layer: logged, XX000. */
  private toSqlError(e: unknown, what: string, detail?: string): SqlError {
    if (e instanceof SqlError) return e;
    this.ctx.stats.internalErrorsTotal++;
    this.log.error(
      { err: e, what, detail: detail?.slice(0, 200), user: this.user, sessionId: this.session?.id },
      'internal error in session',
    );
    const message = e instanceof Error ? e.message : String(e);
    return new SqlError('XX000', `internal error: ${message}`);
  }

  private writeError(err: SqlError): void {
    this.ctx.stats.errorsTotal++;
    const f = err.fields;
    const fields: ErrorFields = {
      severity: err.severity,
      code: err.code,
      message: err.message,
      detail: f.detail,
      hint: f.hint,
      position: f.position,
      schema: f.schema,
      table: f.table,
      column: f.column,
      dataType: f.dataType,
      constraint: f.constraint,
    };
    this.out.errorResponse(fields);
  }

  /** FATAL error: tell the client, close the socket. Returns false for `return this.fatal(...)`. */
  private fatal(code: string, message: string): false {
    if (this.closing) return false;
    this.out.errorResponse({ severity: 'FATAL', code, message });
    this.flush();
    this.closeSocket();
    return false;
  }

  private closeSocket(): void {
    this.closing = true;
    this.wakeReader();
    if (!this.socket.destroyed) {
      this.socket.end();
      // A peer that never closes its side must not keep the socket forever.
      setTimeout(() => this.socket.destroy(), socketDestroyDelayMs).unref();
    }
  }

  private async cleanup(): Promise<void> {
    this.log.debug({ user: this.user }, 'pgwire connection closing');
    const session = this.session;
    this.session = null;
    if (session !== null) {
      try {
        await session.close();
      } catch (err) {
        this.log.error({ err, sessionId: session.id }, 'session close failed');
      }
    }
    if (this.admitted) this.ctx.release(this);
    this.admitted = false;
    this.closeSocket();
    this.onDrain();
  }

  // ---- output ----

  private flush(): void {
    const data = this.out.take();
    if (data === null) return;
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(data);
  }

  private onDrain(): void {
    const resolve = this.drainResolve;
    if (resolve !== null) {
      this.drainResolve = null;
      this.drainWaiter = null;
      resolve();
    }
  }

  // ---- ResultSink ----

  rowDescription(fields: readonly FieldDescription[]): void {
    this.out.rowDescription(fields);
  }

  dataRow(values: readonly WireValue[]): void {
    this.out.dataRow(values);
    if (this.out.pendingBytes() >= this.ctx.limits.outputFlushBytes) this.flush();
  }

  commandComplete(tag: string): void {
    this.out.commandComplete(tag);
  }

  emptyQuery(): void {
    this.out.emptyQueryResponse();
  }

  notice(n: Notice): void {
    this.out.noticeResponse({ severity: n.severity, code: n.code, message: n.message, detail: n.detail, hint: n.hint });
  }

  parameterStatus(name: string, value: string): void {
    this.out.parameterStatus(name, value);
  }

  copyIn(request: CopyInRequest): AsyncIterable<Buffer> {
    this.out.copyInResponse(request.format, request.columnFormats);
    this.flush();
    return this.copyInStream();
  }

  private async *copyInStream(): AsyncGenerator<Buffer, void, undefined> {
    for (;;) {
      const m = await this.read();
      if (m === null) throw sqlError('08006', 'connection lost during COPY FROM STDIN');
      switch (m.kind) {
        case 'copyData':
          yield m.data;
          continue;
        case 'copyDone':
          return;
        case 'copyFail':
          throw sqlError('57014', `COPY from stdin failed: ${m.message}`);
        case 'flush':
        case 'sync':
          continue; // ignored during copy-in, per the protocol
        default:
          throw sqlError('08P01', `unexpected message type ${m.kind} during COPY from stdin`);
      }
    }
  }

  copyOutStart(request: CopyOutRequest): void {
    this.out.copyOutResponse(request.format, request.columnFormats);
  }

  copyData(data: Buffer | string): void {
    this.out.copyData(data);
    if (this.out.pendingBytes() >= this.ctx.limits.outputFlushBytes) this.flush();
  }

  copyDone(): void {
    this.out.copyDone();
  }

  drain(): Promise<void> {
    if (this.socket.destroyed) return Promise.reject(sqlError('08006', 'connection closed'));
    if (!this.socket.writableNeedDrain) return RESOLVED;
    if (this.drainWaiter === null) {
      this.drainWaiter = new Promise<void>((resolve) => (this.drainResolve = resolve));
    }
    return this.drainWaiter;
  }
}

function checkFormats(formats: readonly number[]): (0 | 1)[] {
  for (const f of formats) {
    if (f !== 0 && f !== 1) throw sqlError('22023', `unsupported format code: ${f}`);
  }
  return formats as (0 | 1)[];
}
