// shoal_internal: Shoal's own introspection tables, the counterpart of CockroachDB's
// crdb_internal. shoal_internal.ranges lists every range of the key space from the KV
// layer (KvDb.ranges through VirtualContext.ranges): its span as raw bytes and pretty-printed,
// its replicas' node ids, the leaseholder's node id and its approximate size in bytes.
// Registered by vtables/registry.ts.

import { KEY_MAX, KEY_MIN } from '../../storage/index.js';
import { prettyKey } from '../rowenc/index.js';
import type { RowObject, TableDef } from './define.js';
import { arr, defineTable } from './define.js';

const SI = 'shoal_internal';

/** pg_class OID of shoal_internal.ranges (fixed, below 16384 like the other virtual tables). */
export const SHOAL_RANGES_OID = 12_200;

const ranges = defineTable(
  SI,
  'ranges',
  SHOAL_RANGES_OID,
  'range_id int8, start_key bytea, start_pretty text, end_key bytea, end_pretty text, replicas int4[], lease_holder int4, range_size int8',
  async (_snap, ctx) => {
    const infos = ctx.ranges === undefined ? [] : await ctx.ranges(KEY_MIN, KEY_MAX);
    return infos.map(
      (r): RowObject => ({
        range_id: BigInt(r.rangeId),
        start_key: r.startKey,
        start_pretty: prettyKey(r.startKey),
        end_key: r.endKey,
        end_pretty: prettyKey(r.endKey),
        replicas: arr(r.replicas.map((x) => x.nodeId)),
        lease_holder: r.leaseholder,
        range_size: r.sizeBytes === null ? null : BigInt(r.sizeBytes),
      }),
    );
  },
);

export const SHOAL_INTERNAL_TABLES: readonly TableDef[] = [ranges];
