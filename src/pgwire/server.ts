// The pgwire server: TCP accept loop, the connection limit, CancelRequest routing by
// (pid, secret), and graceful close. Built by src/server/node.ts; each accepted socket
// becomes a Connection that runs on its own until the client leaves.

import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { SqlServer } from '../../sql/index.js';
import type { Authenticator } from './auth.js';
import { Connection, type ConnContext, type PgwireLimits, type PgwireStats } from './conn.js';
import { ProtocolLimits } from './protocol.js';

export const pgwireLimitsDefault: PgwireLimits = {
  ...ProtocolLimits,
  outputFlushBytes: 32 * 1024,
  inputPauseBytes: 1024 * 1024,
  startupTimeoutMs: 60_000,
};

export interface PgServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly sqlServer: SqlServer;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  /** Goes into the high bits of backend pids, so a cancel key names its node. */
  readonly nodeId: number;
  /** Authenticated sessions allowed at once; more get FATAL 53300. */
  readonly connectionsMax: number;
  readonly limits?: Partial<PgwireLimits>;
  /** PEM certificate chain and key; clients asking for TLS get it. Absent: SSLRequest → 'N'. */
  readonly tls?: { readonly cert: Buffer | string; readonly key: Buffer | string };
}

/** Bits of a backend pid below the node id. */
const pidCounterBits = 22;
const pidCounterMask = (1 << pidCounterBits) - 1;

export class PgServer {
  readonly stats: PgwireStats = {
    connectionsTotal: 0,
    connectionsOpen: 0,
    connectionsRejected: 0,
    queriesTotal: 0,
    errorsTotal: 0,
    internalErrorsTotal: 0,
    protocolViolationsTotal: 0,
  };
  /** Every live connection (sockets not yet closed), admitted or not. */
  private readonly conns = new Set<Connection>();
  private readonly runs = new Set<Promise<void>>();
  /** Admitted connections by pid, for CancelRequest. */
  private readonly byPid = new Map<number, Connection>();
  private admittedCount = 0;
  private pidCounter = 0;
  private closing = false;
  private readonly ctx: ConnContext;
  private readonly server: Server;
  private readonly log: Logger;

  private constructor(private readonly opts: PgServerOptions) {
    if (!(opts.connectionsMax > 0)) throw new Error('connectionsMax must be positive');
    if (!(opts.nodeId >= 0 && opts.nodeId < 256)) throw new Error('nodeId must fit in 8 bits');
    this.log = opts.logger.child({ layer: 'pgwire' });
    const limits = { ...pgwireLimitsDefault, ...opts.limits };
    this.ctx = {
      sqlServer: opts.sqlServer,
      authenticator: opts.authenticator,
      logger: this.log,
      limits,
      stats: this.stats,
      tls: opts.tls === undefined ? null : createSecureContext({ cert: opts.tls.cert, key: opts.tls.key }),
      admit: (conn) => this.admit(conn),
      release: (conn) => this.release(conn),
      cancel: (pid, secret) => this.cancel(pid, secret),
    };
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  static async listen(opts: PgServerOptions): Promise<PgServer> {
    const s = new PgServer(opts);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(opts.port, opts.host, () => {
        s.server.off('error', reject);
        resolve();
      });
    });
    s.server.on('error', (err) => s.log.error({ err }, 'pgwire listener error'));
    const a = s.server.address();
    if (a === null || typeof a === 'string') throw new Error('pgwire server: no TCP address');
    s.boundAddress = { host: a.address, port: a.port };
    return s;
  }

  /** Where the server listens (or listened, once closed). */
  address(): { host: string; port: number } {
    if (this.boundAddress === null) throw new Error('pgwire server not listening');
    return this.boundAddress;
  }

  private boundAddress: { host: string; port: number } | null = null;

  /** Stops accepting, asks every connection to end, waits up to `timeoutMs`, then destroys. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const listenerClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.conns) c.terminate();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([Promise.all([...this.runs]).then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.log.warn({ open: this.conns.size }, 'pgwire close timed out; destroying connections');
      for (const s of this.sockets) s.destroy();
      await Promise.all([...this.runs]);
    }
    await listenerClosed;
  }

  private readonly sockets = new Set<Socket>();

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.stats.connectionsTotal++;
    this.stats.connectionsOpen++;
    this.sockets.add(socket);
    const conn = new Connection(socket, this.ctx, this.nextPid(), randomBytes(4).readInt32BE(0));
    this.log.debug({ pid: conn.pid, remote: `${socket.remoteAddress}:${socket.remotePort}` }, 'pgwire connection accepted');
    this.conns.add(conn);
    const run = conn.run().finally(() => {
      this.conns.delete(conn);
      this.runs.delete(run);
      this.stats.connectionsOpen--;
    });
    this.runs.add(run);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** A pid unique among live connections of this process, tagged with the node id. */
  private nextPid(): number {
    for (;;) {
      this.pidCounter = (this.pidCounter + 1) & pidCounterMask;
      const pid = (this.opts.nodeId << pidCounterBits) | this.pidCounter;
      if (pid !== 0 && !this.byPid.has(pid)) return pid;
    }
  }

  private admit(conn: Connection): boolean {
    if (this.closing || this.admittedCount >= this.opts.connectionsMax) return false;
    this.admittedCount++;
    this.byPid.set(conn.pid, conn);
    return true;
  }

  private release(conn: Connection): void {
    if (this.byPid.get(conn.pid) !== conn) throw new Error('pgwire: release of a connection never admitted');
    this.byPid.delete(conn.pid);
    this.admittedCount--;
  }

  private cancel(pid: number, secret: number): void {
    const conn = this.byPid.get(pid);
    // A wrong secret is ignored silently, as PostgreSQL does: no oracle for guessing keys.
    if (conn === undefined || conn.secret !== secret) {
      this.log.info({ pid }, 'pgwire cancel request matched no session');
      return;
    }
    conn.cancelQuery();
  }
}
