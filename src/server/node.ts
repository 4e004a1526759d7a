// Composition root of one Shoal node: opens the KV side (one local store for
// start-single-node; for `shoal start` the cluster side of cluster-kv.ts: rpc, identity,
// store, gateway, registry, liveness), builds the SQL server on it, starts the pgwire
// listener and the admin HTTP server, and stops them in the reverse order. src/main.ts calls
// ShoalNode.start(); tests call it with an injected SQL server.
// Start order: KV → SQL → pgwire → HTTP. Stop: HTTP drains (/health 503) → pgwire (no
// new clients, sessions ended) → SQL → liveness and registry → rpc (peers' calls finish)
// → KV (gateway, store, engine) and transport → HTTP closed.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createSqlServer as createRealSqlServer, type SqlServer } from '../../sql/index.js';
import { openKvDb, type KvDb } from '../../storage/index.js';
import { AdminServer } from '../http/admin.js';
import { MetricsRegistry } from '../http/metrics.js';
import { PasswordAuthenticator, PgServer, TrustAuthenticator, parsePasswordFile, type Authenticator } from '../pgwire/index.js';
import { connectionUrl, type HostPort, type NodeConfig } from './config.js';
import { ClusterKv } from './cluster-kv.js';
import { layerLogger } from './log.js';

export type SqlServerFactory = (opts: { kv: KvDb; logger: Logger; nodeId: number }) => Promise<SqlServer>;

export interface NodeDeps {
  readonly logger: Logger;
  /** Replaces the real SQL layer (tests). */
  readonly createSqlServer?: SqlServerFactory;
  /** Aborts a cluster start still waiting for init, a join or its peers (AbortedError). */
  readonly signal?: AbortSignal;
  /** Told when a cluster node without ident starts waiting for `shoal init` or a join. */
  readonly onWaiting?: (rpcAddr: string) => void;
}

/** The pgwire backend pid holds 8 bits of node id (cancel keys); larger ids wrap. */
const PGWIRE_NODE_ID_MASK = 0xff;

export class ShoalNode {
  private stopping: Promise<void> | null = null;

  private constructor(
    /** The node id: config.nodeId for a single node, the store ident's in a cluster. */
    readonly nodeId: number,
    readonly config: NodeConfig,
    private readonly log: Logger,
    private readonly kv: KvDb,
    private readonly sql: SqlServer,
    private readonly pgwire: PgServer,
    private readonly http: AdminServer | null,
    readonly metrics: MetricsRegistry,
    /** The cluster side; null for start-single-node. */
    readonly cluster: ClusterKv | null,
  ) {}

  /** Starts every component; on failure, stops what already started and rethrows. */
  static async start(config: NodeConfig, deps: NodeDeps): Promise<ShoalNode> {
    let log = layerLogger(deps.logger, 'server', config.nodeId);
    const authenticator = await loadAuthenticator(config);
    const tls = await loadTls(config);
    const undo: Array<() => Promise<void>> = [];
    try {
      let kv: KvDb;
      let nodeId = config.nodeId;
      let cluster: ClusterKv | null = null;
      if (config.cluster === null) {
        if (config.storeDir !== null) await mkdir(config.storeDir, { recursive: true });
        const local = await openKvDb(
          config.storeDir === null ? { engine: 'memory' } : { engine: 'rocksdb', dir: config.storeDir },
          { logger: layerLogger(deps.logger, 'storage', config.nodeId) },
        );
        kv = local;
        undo.push(() => local.close());
      } else {
        const c = await ClusterKv.start(config, config.cluster, {
          logger: deps.logger,
          ...(deps.signal ? { signal: deps.signal } : {}),
          ...(deps.onWaiting ? { onWaiting: deps.onWaiting } : {}),
        });
        cluster = c;
        kv = c.kv;
        nodeId = c.ident.nodeId;
        log = layerLogger(deps.logger, 'server', nodeId);
        undo.push(async () => {
          await c.stopBackground();
          await c.stopRpc();
          await c.close();
        });
      }
      const factory = deps.createSqlServer ?? createRealSqlServer;
      // The SQL layer adds its own { layer: 'sql' }.
      const sql = await factory({ kv, logger: deps.logger.child({ nodeId }), nodeId });
      undo.push(() => sql.close());
      const pgwire = await PgServer.listen({
        host: config.sqlAddr.host,
        port: config.sqlAddr.port,
        sqlServer: sql,
        authenticator,
        logger: deps.logger.child({ nodeId }),
        nodeId: nodeId & PGWIRE_NODE_ID_MASK,
        connectionsMax: config.connectionsMax,
        limits: config.pgwire,
        ...(tls === null ? {} : { tls }),
      });
      undo.push(() => pgwire.close(config.shutdownTimeoutMs));
      const metrics = nodeMetrics(pgwire);
      cluster?.addMetrics(metrics);
      const http =
        config.httpAddr === null
          ? null
          : await AdminServer.listen({ ...config.httpAddr, metrics, logger: layerLogger(deps.logger, 'http', nodeId) });
      return new ShoalNode(nodeId, config, log, kv, sql, pgwire, http, metrics, cluster);
    } catch (err) {
      for (const step of undo.reverse()) await step().catch((e: unknown) => log.error({ err: e }, 'cleanup after failed start'));
      throw err;
    }
  }

  sqlAddress(): HostPort {
    return this.pgwire.address();
  }

  httpAddress(): HostPort | null {
    return this.http?.address() ?? null;
  }

  /** The URL clients connect with. */
  url(): string {
    return connectionUrl(this.sqlAddress());
  }

  /** Idempotent; each step runs even if an earlier one failed. */
  stop(): Promise<void> {
    this.stopping ??= this.stopInOrder();
    return this.stopping;
  }

  private async stopInOrder(): Promise<void> {
    const cluster = this.cluster;
    type Step = [string, () => Promise<unknown>];
    const kvSteps: Step[] =
      cluster === null
        ? [['kv', () => this.kv.close()]]
        : [
            // Liveness and the registry write through KV: they stop before it closes.
            ['liveness', () => cluster.stopBackground()],
            // Peers' calls in flight finish before the store closes under them.
            ['rpc', () => cluster.stopRpc()],
            ['kv', () => cluster.close()],
          ];
    const steps: Step[] = [
      ['pgwire', () => this.pgwire.close(this.config.shutdownTimeoutMs)],
      ['sql', () => this.sql.close()],
      ...kvSteps,
      ['http', async () => this.http?.close()],
    ];
    this.http?.startDraining();
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        this.log.error({ err, component: name }, 'error while stopping');
      }
    }
  }
}

async function loadAuthenticator(config: NodeConfig): Promise<Authenticator> {
  if (config.passwordFile === null) return new TrustAuthenticator();
  const text = await readFile(config.passwordFile, 'utf8');
  const users = parsePasswordFile(text);
  if (users.size === 0) throw new Error(`password file ${config.passwordFile} has no users`);
  return new PasswordAuthenticator(users, config.passwordMethod);
}

async function loadTls(config: NodeConfig): Promise<{ cert: Buffer; key: Buffer } | null> {
  if (config.certsDir === null) return null;
  const [cert, key] = await Promise.all([
    readFile(join(config.certsDir, 'node.crt')),
    readFile(join(config.certsDir, 'node.key')),
  ]);
  return { cert, key };
}

function nodeMetrics(pgwire: PgServer): MetricsRegistry {
  const m = new MetricsRegistry();
  const s = pgwire.stats;
  m.add({ name: 'shoal_sql_connections_total', help: 'SQL connections accepted.', type: 'counter', value: () => s.connectionsTotal });
  m.add({ name: 'shoal_sql_connections_open', help: 'SQL connections open now.', type: 'gauge', value: () => s.connectionsOpen });
  m.add({
    name: 'shoal_sql_connections_rejected_total',
    help: 'SQL connections refused by the connection limit.',
    type: 'counter',
    value: () => s.connectionsRejected,
  });
  m.add({ name: 'shoal_sql_queries_total', help: 'Simple queries and Execute messages.', type: 'counter', value: () => s.queriesTotal });
  m.add({ name: 'shoal_sql_errors_total', help: 'ErrorResponses sent for statements.', type: 'counter', value: () => s.errorsTotal });
  m.add({
    name: 'shoal_sql_internal_errors_total',
    help: 'Unexpected (non-SQL) errors answered XX000.',
    type: 'counter',
    value: () => s.internalErrorsTotal,
  });
  m.add({
    name: 'shoal_sql_protocol_violations_total',
    help: 'Connections closed for a protocol violation.',
    type: 'counter',
    value: () => s.protocolViolationsTotal,
  });
  m.add({ name: 'shoal_process_resident_bytes', help: 'Resident set size.', type: 'gauge', value: () => process.memoryUsage.rss() });
  return m;
}
