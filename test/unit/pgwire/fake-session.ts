// A scripted Session/SqlServer for pgwire tests: enough behaviour to drive every protocol
// path (rows, errors, crashes, cancel, COPY, portals with row limits) without the SQL
// layer. Statements are recognised by their text; see `run` for the vocabulary.

import { SqlError, sqlError } from '../../../sql/errors.js';
import type {
  FieldDescription,
  ResultSink,
  Session,
  SessionParams,
  SqlServer,
  StatementDescription,
  TxnStatus,
  WireValue,
} from '../../../sql/session/api.js';

export function field(name: string, typeOid = 25, format: 0 | 1 = 0): FieldDescription {
  return { name, tableOid: 0, columnAttrNum: 0, typeOid, typeSize: typeOid === 23 ? 4 : -1, typeModifier: -1, format };
}

interface Prepared {
  sql: string;
  paramTypeOids: number[];
}

interface Portal {
  sql: string;
  params: (Buffer | null)[];
  paramFormats: readonly (0 | 1)[];
  resultFormats: readonly (0 | 1)[];
  /** Rows already sent (for 'count N' with maxRows). */
  sent: number;
}

let sessionIds = 0;

export class FakeSession implements Session {
  readonly id = ++sessionIds;
  status: TxnStatus = 'I';
  cancelled = false;
  closed = false;
  readonly log: string[] = [];
  private readonly statements = new Map<string, Prepared>();
  private readonly portals = new Map<string, Portal>();
  private wakeSleeper: (() => void) | null = null;

  constructor(readonly params: SessionParams) {}

  initialParameters(): ReadonlyArray<readonly [string, string]> {
    return [
      ['server_version', '15.0'],
      ['application_name', this.params.startupParams['application_name'] ?? ''],
    ];
  }

  txnStatus(): TxnStatus {
    return this.status;
  }

  async simpleQuery(sql: string, sink: ResultSink): Promise<SqlError | null> {
    this.log.push(`Q ${sql}`);
    const parts = sql
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (parts.length === 0) {
      sink.emptyQuery();
      return null;
    }
    for (const part of parts) {
      try {
        await this.run(part, [], [], sink, 0);
      } catch (e) {
        if (e instanceof SqlError) {
          if (this.status === 'T') this.status = 'E';
          return e;
        }
        throw e;
      }
    }
    return null;
  }

  /** Runs one statement; returns 'suspended' if maxRows cut it short. */
  private async run(
    sql: string,
    params: (Buffer | null)[],
    paramFormats: readonly (0 | 1)[],
    sink: ResultSink,
    maxRows: number,
    portal?: Portal,
  ): Promise<'suspended' | 'complete'> {
    const [verb, arg] = sql.split(/\s+/, 2);
    switch (verb!.toLowerCase()) {
      case 'select':
        if (portal === undefined) sink.rowDescription([field('?column?', 23)]);
        sink.dataRow([arg ?? '1']);
        sink.commandComplete('SELECT 1');
        return 'complete';
      case 'count':
        return this.count(Number(arg), sink, maxRows, portal);
      case 'echo':
        return this.echo(params, paramFormats, sink, portal);
      case 'begin':
        this.status = 'T';
        sink.commandComplete('BEGIN');
        return 'complete';
      case 'commit':
        this.status = 'I';
        sink.commandComplete('COMMIT');
        return 'complete';
      case 'error':
        throw sqlError('42601', 'syntax error at or near "error"', { position: 1, hint: 'try harder' });
      case 'crash':
        throw new Error('boom');
      case 'badrow':
        // A buggy session: half a result, then a value of the wrong type.
        sink.rowDescription([field('a'), field('b')]);
        sink.dataRow(['ok', 42 as unknown as string]);
        sink.commandComplete('SELECT 1');
        return 'complete';
      case 'notice':
        sink.notice({ severity: 'NOTICE', code: '00000', message: 'hello notice' });
        sink.parameterStatus('application_name', 'changed');
        sink.commandComplete('SET');
        return 'complete';
      case 'sleep':
        return this.sleep(sink);
      case 'copyin':
        return this.copyIn(sink);
      case 'copyout':
        sink.copyOutStart({ format: 0, columnFormats: [0, 0] });
        for (let i = 1; i <= 3; i++) sink.copyData(`${i}\trow${i}\n`);
        sink.copyDone();
        sink.commandComplete('COPY 3');
        return 'complete';
      default:
        throw sqlError('0A000', `unknown fake statement ${verb}`);
    }
  }

  private async count(n: number, sink: ResultSink, maxRows: number, portal?: Portal): Promise<'suspended' | 'complete'> {
    if (portal === undefined) sink.rowDescription([field('n', 23)]);
    let i = portal?.sent ?? 0;
    let sentNow = 0;
    while (i < n) {
      if (maxRows > 0 && sentNow === maxRows) {
        if (portal !== undefined) portal.sent = i;
        return 'suspended';
      }
      sink.dataRow([String(i + 1)]);
      i++;
      sentNow++;
      if (i % 256 === 0) await sink.drain();
    }
    sink.commandComplete(`SELECT ${n}`);
    return 'complete';
  }

  private echo(params: (Buffer | null)[], formats: readonly (0 | 1)[], sink: ResultSink, portal?: Portal): 'complete' {
    if (portal === undefined) sink.rowDescription(params.map((_, i) => field(`p${i + 1}`)));
    const values: WireValue[] = params.map((p, i) => {
      if (p === null) return null;
      const binary = (formats.length === 1 ? formats[0] : formats[i]) === 1;
      return binary ? `\\x${p.toString('hex')}` : p.toString('utf8');
    });
    sink.dataRow(values);
    sink.commandComplete('SELECT 1');
    return 'complete';
  }

  private async sleep(sink: ResultSink): Promise<'complete'> {
    if (!this.cancelled) await new Promise<void>((resolve) => (this.wakeSleeper = resolve));
    this.cancelled = false;
    void sink;
    throw sqlError('57014', 'canceling statement due to user request');
  }

  private async copyIn(sink: ResultSink): Promise<'complete'> {
    const chunks: Buffer[] = [];
    for await (const chunk of sink.copyIn({ format: 0, columnFormats: [0] })) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    this.log.push(`copied ${lines.join('|')}`);
    sink.commandComplete(`COPY ${lines.length}`);
    return 'complete';
  }

  async parse(name: string, sql: string, paramTypeOids: readonly number[]): Promise<void> {
    this.log.push(`P ${name} ${sql}`);
    if (sql.startsWith('error')) throw sqlError('42601', 'syntax error in parse');
    if (sql.startsWith('crash')) throw new Error('parse boom');
    const count = (sql.match(/\$\d+/g) ?? []).length;
    const oids = [...paramTypeOids];
    while (oids.length < count) oids.push(25);
    for (let i = 0; i < oids.length; i++) if (oids[i] === 0) oids[i] = 25;
    this.statements.set(name, { sql, paramTypeOids: oids });
  }

  async bind(
    portal: string,
    statement: string,
    paramFormats: readonly (0 | 1)[],
    params: readonly (Buffer | null)[],
    resultFormats: readonly (0 | 1)[],
  ): Promise<void> {
    this.log.push(`B ${portal} ${statement}`);
    const s = this.statements.get(statement);
    if (s === undefined) throw sqlError('26000', `prepared statement "${statement}" does not exist`);
    this.portals.set(portal, { sql: s.sql, params: [...params], paramFormats, resultFormats, sent: 0 });
  }

  describeStatement(name: string): StatementDescription {
    const s = this.statements.get(name);
    if (s === undefined) throw sqlError('26000', `prepared statement "${name}" does not exist`);
    return { paramTypeOids: s.paramTypeOids, fields: this.fieldsOf(s.sql, s.paramTypeOids.length) };
  }

  describePortal(name: string): readonly FieldDescription[] | null {
    const p = this.portals.get(name);
    if (p === undefined) throw sqlError('34000', `portal "${name}" does not exist`);
    return this.fieldsOf(p.sql, p.params.length);
  }

  private fieldsOf(sql: string, params: number): FieldDescription[] | null {
    const verb = sql.split(/\s+/)[0]!.toLowerCase();
    if (verb === 'select') return [field('?column?', 23)];
    if (verb === 'count') return [field('n', 23)];
    if (verb === 'echo') return Array.from({ length: params }, (_, i) => field(`p${i + 1}`));
    return null;
  }

  async execute(portal: string, maxRows: number, sink: ResultSink): Promise<'suspended' | 'complete'> {
    this.log.push(`E ${portal} ${maxRows}`);
    const p = this.portals.get(portal);
    if (p === undefined) throw sqlError('34000', `portal "${portal}" does not exist`);
    return this.run(p.sql.replace(/\$\d+/g, '').trim(), p.params, p.paramFormats, sink, maxRows, p);
  }

  closeStatement(name: string): void {
    this.log.push(`C S ${name}`);
    this.statements.delete(name);
  }

  closePortal(name: string): void {
    this.log.push(`C P ${name}`);
    this.portals.delete(name);
  }

  async sync(): Promise<void> {
    this.log.push('S');
    if (this.status === 'E' && this.implicitError) this.status = 'I';
    this.implicitError = false;
  }

  private implicitError = false;

  abortExtended(error: SqlError): void {
    this.log.push(`abort ${error.code}`);
    this.implicitError = true;
  }

  cancel(): void {
    this.cancelled = true;
    const wake = this.wakeSleeper;
    this.wakeSleeper = null;
    wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancel();
  }
}

export class FakeSqlServer implements SqlServer {
  readonly sessions: FakeSession[] = [];

  async createSession(params: SessionParams): Promise<Session> {
    if (params.database === 'nodb') throw sqlError('3D000', `database "${params.database}" does not exist`);
    const s = new FakeSession(params);
    this.sessions.push(s);
    return s;
  }

  async close(): Promise<void> {}
}
