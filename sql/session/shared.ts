// State one SQL server shares between its sessions: the KV database, the descriptor cache,
// sequences, the plan cache, the rowid allocator and the session registry. Built by
// sql/index.ts (createSqlServer); read by every Session.

import type { Logger } from 'pino';
import type { KvDb } from '../../storage/index.js';
import type { DescriptorCache, Sequences } from '../catalog/index.js';
import type { RowIdSource } from '../exec/index.js';
import type { PlanCache } from './plancache.js';

export interface SessionInfoRow {
  readonly pid: number;
  readonly user: string;
  readonly database: string;
  applicationName: string;
  state: string;
  query: string;
  readonly backendStartMicros: bigint;
}

export interface ServerShared {
  readonly kv: KvDb;
  readonly logger: Logger;
  readonly nodeId: number;
  readonly cache: DescriptorCache;
  readonly sequences: Sequences;
  readonly plans: PlanCache;
  readonly rowIds: RowIdSource;
  readonly startMicros: bigint;
  readonly sessions: Map<number, SessionInfoRow>;
  nextSessionId: number;
}

/**
 * Hidden rowid values: the node's HLC wall time in microseconds shifted left, plus the node
 * id and a counter, so they increase roughly with time and never collide across nodes.
 * Kept below 2^63 (int8); JavaScript clients rarely see them (the column is hidden).
 */
export function rowIdSource(nowMicros: () => bigint, nodeId: number): RowIdSource {
  let last = 0n;
  const node = BigInt(nodeId & 0x3ff);
  return {
    next(): bigint {
      let v = (nowMicros() << 10n) | node;
      if (v <= last) v = last + 1024n;
      last = v;
      return v;
    },
  };
}
