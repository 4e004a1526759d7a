// Test harness for the SQL engine: an in-process SqlServer over the memory KV engine and a
// ResultSink that records everything a session writes, plus a tiny query helper.

import pino from 'pino';
import { openKvDb } from '../../../storage/index.js';
import type { KvDb } from '../../../storage/index.js';
import { createSqlServer } from '../../../sql/index.js';
import type {
  CopyInRequest,
  CopyOutRequest,
  FieldDescription,
  Notice,
  ResultSink,
  Session,
  SqlServer,
  WireValue,
} from '../../../sql/index.js';
import type { SqlError } from '../../../sql/errors.js';

export interface TestServer {
  readonly kv: KvDb;
  readonly server: SqlServer;
  session(database?: string): Promise<Session>;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const kv = await openKvDb({ engine: 'memory' });
  const server = await createSqlServer({ kv, logger: pino({ level: 'silent' }), nodeId: 1 });
  const sessions: Session[] = [];
  return {
    kv,
    server,
    async session(database = 'defaultdb') {
      const s = await server.createSession({ user: 'root', database, startupParams: {} });
      sessions.push(s);
      return s;
    },
    async close() {
      for (const s of sessions) await s.close();
      await server.close();
      await kv.close();
    },
  };
}

export interface Result {
  fields: FieldDescription[] | null;
  rows: (string | null)[][];
  tag: string | null;
}

/** Records everything a session writes. `copyInput` feeds COPY FROM STDIN. */
export class RecordingSink implements ResultSink {
  results: Result[] = [];
  notices: Notice[] = [];
  params: Array<[string, string]> = [];
  copyOut: string[] = [];
  empty = 0;
  copyInput: string[] = [];
  private cur: Result | null = null;

  private current(): Result {
    if (this.cur === null) {
      this.cur = { fields: null, rows: [], tag: null };
      this.results.push(this.cur);
    }
    return this.cur;
  }
  rowDescription(fields: readonly FieldDescription[]): void {
    this.current().fields = [...fields];
  }
  dataRow(values: readonly WireValue[]): void {
    this.current().rows.push(values.map((v) => (v === null ? null : typeof v === 'string' ? v : v.toString('utf8'))));
  }
  commandComplete(tag: string): void {
    this.current().tag = tag;
    this.cur = null;
  }
  emptyQuery(): void {
    this.empty++;
  }
  notice(n: Notice): void {
    this.notices.push(n);
  }
  parameterStatus(name: string, value: string): void {
    this.params.push([name, value]);
  }
  copyIn(_req: CopyInRequest): AsyncIterable<Buffer> {
    const chunks = this.copyInput.map((s) => Buffer.from(s));
    return (async function* () {
      for (const c of chunks) yield c;
    })();
  }
  copyOutStart(_req: CopyOutRequest): void {}
  copyData(data: Buffer | string): void {
    this.copyOut.push(typeof data === 'string' ? data : data.toString('utf8'));
  }
  copyDone(): void {}
  async drain(): Promise<void> {}
}

/** Runs a simple query; returns the last result and the error, if any. */
export async function run(s: Session, sql: string, sink = new RecordingSink()): Promise<{ rows: (string | null)[][]; tag: string | null; error: SqlError | null; sink: RecordingSink; fields: FieldDescription[] | null }> {
  const error = await s.simpleQuery(sql, sink);
  const last = sink.results[sink.results.length - 1];
  return { rows: last?.rows ?? [], tag: last?.tag ?? null, error, sink, fields: last?.fields ?? null };
}

/** Runs a query that must succeed; returns its rows. */
export async function rows(s: Session, sql: string): Promise<(string | null)[][]> {
  const r = await run(s, sql);
  if (r.error !== null) throw new Error(`${sql}: ${r.error.code} ${r.error.message}`);
  return r.rows;
}
