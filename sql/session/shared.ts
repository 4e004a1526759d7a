// State one SQL server shares between its sessions: the KV database, the descriptor cache,
// sequences, the plan cache and the session registry. Built by
// sql/index.ts (createSqlServer); read by every Session.

import type { Logger } from 'pino';
import type { KvDb } from '../../storage/index.js';
import type { DescriptorCache, Sequences } from '../catalog/index.js';
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
  readonly startMicros: bigint;
  readonly sessions: Map<number, SessionInfoRow>;
  nextSessionId: number;
}
