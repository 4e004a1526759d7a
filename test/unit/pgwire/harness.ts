// Test harness for pgwire: a PgServer over the fake SQL server on a free port, and a raw
// protocol client that sends frames and collects decoded backend messages (decoded by
// pg-protocol's parser, independent of ours).

import { connect, type Socket } from 'node:net';
import { serialize } from 'pg-protocol';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { Parser } from 'pg-protocol/dist/parser.js';
import pino from 'pino';
import type { Authenticator } from '../../../src/pgwire/auth.js';
import { TrustAuthenticator } from '../../../src/pgwire/auth.js';
import type { PgwireLimits } from '../../../src/pgwire/conn.js';
import { PgServer } from '../../../src/pgwire/server.js';
import { FakeSqlServer } from './fake-session.js';

export interface Harness {
  server: PgServer;
  sql: FakeSqlServer;
  port: number;
  close(): Promise<void>;
}

export async function startHarness(
  opts: {
    authenticator?: Authenticator;
    connectionsMax?: number;
    limits?: Partial<PgwireLimits>;
    tls?: { cert: Buffer; key: Buffer };
  } = {},
): Promise<Harness> {
  const sql = new FakeSqlServer();
  const server = await PgServer.listen({
    host: '127.0.0.1',
    port: 0,
    sqlServer: sql,
    authenticator: opts.authenticator ?? new TrustAuthenticator(),
    logger: pino({ level: 'silent' }),
    nodeId: 1,
    connectionsMax: opts.connectionsMax ?? 100,
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
  });
  const port = server.address().port;
  return { server, sql, port, close: () => server.close(1000) };
}

export type Msg = BackendMessage & Record<string, unknown>;

export class RawClient {
  readonly messages: Msg[] = [];
  /** Raw bytes received before the first message frame (the 'N' of SSLRequest). */
  closed: Promise<void>;
  private readonly parser = new Parser();
  private waiters: Array<() => void> = [];
  private isClosed = false;
  private rawMode = false;
  rawBytes: number[] = [];

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('close', () => {
      this.isClosed = true;
      this.notify();
    });
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      let data = chunk;
      if (this.rawMode) {
        this.rawBytes.push(data[0]!);
        this.rawMode = false;
        data = data.subarray(1);
      }
      if (data.length > 0) this.parser.parse(data, (m) => this.messages.push(m as Msg));
      this.notify();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Connects and completes startup with trust auth. */
  static async login(port: number, params: Record<string, string> = { user: 'root', database: 'defaultdb' }): Promise<RawClient> {
    const c = await RawClient.connect(port);
    c.send(serialize.startup(params));
    await c.until('readyForQuery');
    return c;
  }

  /** The next single byte received is raw (SSLRequest answer). */
  expectRawByte(): void {
    this.rawMode = true;
  }

  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  get closedNow(): boolean {
    return this.isClosed;
  }

  private notify(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** Waits until a message named `name` arrives after position `from`; returns messages since `from` through it. */
  async until(name: string, timeoutMs = 5000): Promise<Msg[]> {
    const from = this.taken;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex((m, idx) => idx >= from && m.name === name);
      if (i >= 0) {
        this.taken = i + 1;
        return this.messages.slice(from, i + 1);
      }
      if (this.isClosed) throw new Error(`closed before ${name}; got ${this.messages.slice(from).map((m) => m.name).join(',')}`);
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${name}; got ${this.messages.slice(from).map((m) => m.name).join(',')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Messages consumed by until(). */
  taken = 0;

  /** Waits for the socket to close; returns every message received since the last until(). */
  async untilClosed(timeoutMs = 5000): Promise<Msg[]> {
    const t = setTimeout(() => this.socket.destroy(new Error('close timeout')), timeoutMs);
    await this.closed;
    clearTimeout(t);
    const rest = this.messages.slice(this.taken);
    this.taken = this.messages.length;
    return rest;
  }

  names(msgs: Msg[]): string[] {
    return msgs.map((m) => m.name);
  }

  end(): void {
    this.socket.end();
  }
}
