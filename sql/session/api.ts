// The contract between the wire protocol (src/pgwire) and the SQL engine: a connection
// owns one Session; the session turns protocol-level requests (simple query, parse, bind,
// execute, ...) into results written to a ResultSink. The session never touches sockets;
// the sink never interprets SQL. Values reach the sink already encoded in the format the
// client asked for, so the wire layer can copy them straight into DataRow messages.

import type { Notice, SqlError } from '../errors.js';

/** Column metadata of a RowDescription message. */
export interface FieldDescription {
  readonly name: string;
  /** OID of the table the column comes from, or 0. */
  readonly tableOid: number;
  /** Attribute number of the column in that table, or 0. */
  readonly columnAttrNum: number;
  readonly typeOid: number;
  /** pg_type.typlen: -1 variable length, -2 C string, else byte count. */
  readonly typeSize: number;
  readonly typeModifier: number;
  /** 0 text, 1 binary. */
  readonly format: 0 | 1;
}

/**
 * One encoded column value of a DataRow: a string is the text format (UTF-8 on the wire),
 * a Buffer is the exact bytes (binary format, or preformatted text), null is SQL NULL.
 */
export type WireValue = string | Buffer | null;

export type { Notice } from '../errors.js';

export interface CopyInRequest {
  /** 0 text, 1 binary (overall). */
  readonly format: 0 | 1;
  readonly columnFormats: readonly (0 | 1)[];
}

export interface CopyOutRequest {
  readonly format: 0 | 1;
  readonly columnFormats: readonly (0 | 1)[];
}

/** Where a session writes its results. Implemented by src/pgwire/conn. */
export interface ResultSink {
  rowDescription(fields: readonly FieldDescription[]): void;
  dataRow(values: readonly WireValue[]): void;
  /** CommandComplete with its tag, e.g. "INSERT 0 1", "SELECT 3", "BEGIN". */
  commandComplete(tag: string): void;
  emptyQuery(): void;
  notice(notice: Notice): void;
  /** A session parameter changed (SET application_name, TimeZone, ...): ParameterStatus. */
  parameterStatus(name: string, value: string): void;
  /**
   * COPY ... FROM STDIN: sends CopyInResponse and returns the client's CopyData payloads
   * until CopyDone. If the client sends CopyFail, iteration throws a SqlError (57014).
   */
  copyIn(request: CopyInRequest): AsyncIterable<Buffer>;
  /** COPY ... TO STDOUT: CopyOutResponse, then copyData() per chunk, then copyDone(). */
  copyOutStart(request: CopyOutRequest): void;
  copyData(data: Buffer | string): void;
  copyDone(): void;
  /**
   * The connection's backpressure point: resolves when the socket has drained enough.
   * Long result sets await it every few hundred rows.
   */
  drain(): Promise<void>;
}

/** What Describe of a statement returns. */
export interface StatementDescription {
  readonly paramTypeOids: readonly number[];
  /** null: the statement returns no rows (NoData). Formats are all text here. */
  readonly fields: readonly FieldDescription[] | null;
}

export type TxnStatus = 'I' | 'T' | 'E';

export interface SessionParams {
  readonly user: string;
  readonly database: string;
  /** Every startup parameter the client sent (application_name, client_encoding, options, ...). */
  readonly startupParams: Readonly<Record<string, string>>;
}

/**
 * One client session. Calls are strictly sequential: the connection awaits each before
 * sending the next. Errors are thrown as SqlError (the connection turns them into
 * ErrorResponse); after an error in the extended protocol the connection skips messages
 * until Sync and then calls sync().
 */
export interface Session {
  readonly id: number;
  /** ParameterStatus values to report after authentication. */
  initialParameters(): ReadonlyArray<readonly [string, string]>;
  /** Transaction status for ReadyForQuery. */
  txnStatus(): TxnStatus;

  /**
   * Simple query protocol: runs every statement of the string in order, writing results to
   * the sink. Errors are reported through the returned value (not thrown) because results
   * of earlier statements have already been sent: on error, the remaining statements are
   * skipped, and an implicit transaction is rolled back.
   */
  simpleQuery(sql: string, sink: ResultSink): Promise<SqlError | null>;

  /** Parse: prepares `sql` (one statement) as `name` ('' = unnamed, replaced freely). */
  parse(name: string, sql: string, paramTypeOids: readonly number[]): Promise<void>;
  /** Bind: creates portal `portal` from statement `statement`. */
  bind(
    portal: string,
    statement: string,
    paramFormats: readonly (0 | 1)[],
    params: readonly (Buffer | null)[],
    resultFormats: readonly (0 | 1)[],
  ): Promise<void>;
  describeStatement(name: string): StatementDescription;
  /** Fields with the portal's result formats, or null (NoData). */
  describePortal(name: string): readonly FieldDescription[] | null;
  /**
   * Execute: runs the portal, at most maxRows rows (0 = all). 'suspended' means rows remain
   * (PortalSuspended); 'complete' means CommandComplete was written to the sink.
   */
  execute(portal: string, maxRows: number, sink: ResultSink): Promise<'suspended' | 'complete'>;
  closeStatement(name: string): void;
  closePortal(name: string): void;
  /** Sync: ends the implicit transaction of the extended protocol (commit, or rollback after an error). */
  sync(): Promise<void>;
  /** Marks the end of an extended-protocol error: the implicit transaction must roll back at Sync. */
  abortExtended(error: SqlError): void;

  /** CancelRequest from another connection: interrupt the running statement (57014). */
  cancel(): void;
  /** The connection is gone: roll back, release everything. */
  close(): Promise<void>;
}

export interface SqlServer {
  /** Authentication is the wire layer's job; this only creates the session (may throw 3D000). */
  createSession(params: SessionParams): Promise<Session>;
  close(): Promise<void>;
}
