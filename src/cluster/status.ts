// `shoal node status`: the nodeStatus RPC (the registry's nodes with their liveness, as one
// node sees them) and its rendering as a table for the terminal. Called by
// src/server/cluster-kv.ts (handler) and src/main.ts (client).

import type { StoreIdent } from '../../storage/index.js';
import type { NodeLiveness } from './liveness.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeStatusResponse } from './protocol.js';

export function nodeStatus(ident: StoreIdent, registry: NodeRegistry, liveness: NodeLiveness | null): NodeStatusResponse {
  return {
    clusterId: ident.clusterId,
    nodes: registry.nodes().map((d) => {
      const r = liveness?.record(d.nodeId);
      return {
        ...d,
        live: liveness?.isLive(d.nodeId) ?? false,
        epoch: r?.epoch ?? 0,
        expiresAt: r === undefined ? 0 : Number(r.expirationNanos / 1_000_000n),
      };
    }),
  };
}

/** A fixed-width table, one row per node, like `cockroach node status`. */
export function formatNodeStatus(s: NodeStatusResponse): string {
  const header = ['id', 'address', 'sql_address', 'http_address', 'started_at', 'is_live'];
  const rows = s.nodes.map((n) => [
    String(n.nodeId),
    n.rpcAddr,
    n.sqlAddr,
    n.httpAddr ?? '',
    new Date(n.startedAt).toISOString(),
    n.live ? 'true' : 'false',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`cluster ${s.clusterId}`, line(header), ...rows.map(line), `(${rows.length} node${rows.length === 1 ? '' : 's'})`].join('\n') + '\n';
}
