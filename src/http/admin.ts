// The admin HTTP server of a node: GET /health (200 "ok", 503 while draining) and
// GET /metrics (Prometheus text). Started and stopped by src/server/node.ts.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { MetricsRegistry } from './metrics.js';

export interface AdminServerOptions {
  readonly host: string;
  readonly port: number;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
}

export class AdminServer {
  private draining = false;

  private constructor(
    private readonly server: Server,
    private readonly opts: AdminServerOptions,
  ) {}

  static async listen(opts: AdminServerOptions): Promise<AdminServer> {
    let admin: AdminServer | null = null;
    const server = createServer((req, res) => admin!.handle(req, res));
    admin = new AdminServer(server, opts);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => opts.logger.error({ err }, 'admin http error'));
    return admin;
  }

  address(): { host: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('admin http not listening');
    return { host: a.address, port: a.port };
  }

  /** /health answers 503 from now on, so load balancers stop sending clients. */
  startDraining(): void {
    this.draining = true;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.reply(res, 405, 'method not allowed\n');
    switch (path) {
      case '/health':
        return this.draining ? this.reply(res, 503, 'draining\n') : this.reply(res, 200, 'ok');
      case '/metrics':
        return this.reply(res, 200, this.opts.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
      default:
        return this.reply(res, 404, 'not found\n');
    }
  }

  private reply(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}
