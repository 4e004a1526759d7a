// Public API of the SQL engine for src/: createSqlServer() builds the shared state (catalog
// bootstrap, descriptor cache, sequences, plan cache) and hands out one Session per client
// connection (contract: sql/session/api.ts). Everything else in sql/ is internal.

import type { Logger } from 'pino';
import type { KvDb } from '../storage/index.js';
import { bootstrapCatalog, DescriptorCache, Sequences } from './catalog/index.js';
import { initParser } from './parse/index.js';
import { getVirtualTable } from './vtables/index.js';
import type { Session, SessionParams, SqlServer } from './session/api.js';
import { PlanCache } from './session/plancache.js';
import { SqlSession } from './session/session.js';
import type { ServerShared } from './session/shared.js';

export { SqlError, sqlError, Code } from './errors.js';
export type { SqlErrorFields, Severity } from './errors.js';
export type * from './session/api.js';

export interface SqlServerOptions {
  readonly kv: KvDb;
  readonly logger: Logger;
  readonly nodeId: number;
}

class Server implements SqlServer {
  private closed = false;
  constructor(private readonly shared: ServerShared) {}

  async createSession(params: SessionParams): Promise<Session> {
    if (this.closed) throw new Error('SQL server is closed');
    const s = new SqlSession(this.shared, params);
    try {
      await s.init();
    } catch (e) {
      await s.close();
      throw e;
    }
    return s;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.shared.plans.clear();
  }
}

export async function createSqlServer(opts: SqlServerOptions): Promise<SqlServer> {
  await initParser();
  await bootstrapCatalog(opts.kv);
  const nowMicros = (): bigint => opts.kv.now().wallNanos / 1000n;
  const shared: ServerShared = {
    kv: opts.kv,
    logger: opts.logger.child({ layer: 'sql' }),
    nodeId: opts.nodeId,
    cache: new DescriptorCache(opts.kv, { virtualTables: getVirtualTable }),
    sequences: new Sequences(opts.kv),
    plans: new PlanCache(),
    startMicros: nowMicros(),
    sessions: new Map(),
    nextSessionId: 1,
  };
  return new Server(shared);
}
