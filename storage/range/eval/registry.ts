// The command registry: request kind → evaluator, exhaustive over the Request union, so a
// new request kind does not compile until it has an evaluator.

import type { Request, RequestKind } from '../../api/batch.js';
import type { Command } from './command.js';
import { getCommand } from './get.js';
import { scanCommand } from './scan.js';
import { putCommand } from './put.js';
import { conditionalPutCommand } from './conditional-put.js';
import { deleteCommand } from './delete.js';
import { deleteRangeCommand } from './delete-range.js';
import { endTxnCommand } from './end-txn.js';
import { refreshCommand } from './refresh.js';
import { resolveIntentCommand } from './resolve-intent.js';
import { gcTxnRecordCommand } from './gc-txn-record.js';
import { rangeLookupCommand } from './range-lookup.js';
import { adminSplitCommand } from './admin-split.js';
import { rangeStatsCommand } from './range-stats.js';

type Registry = { readonly [K in RequestKind]: Command<Extract<Request, { kind: K }>> };

const registry: Registry = {
  get: getCommand,
  scan: scanCommand,
  put: putCommand,
  conditionalPut: conditionalPutCommand,
  delete: deleteCommand,
  deleteRange: deleteRangeCommand,
  endTxn: endTxnCommand,
  refresh: refreshCommand,
  resolveIntent: resolveIntentCommand,
  gcTxnRecord: gcTxnRecordCommand,
  rangeLookup: rangeLookupCommand,
  adminSplit: adminSplitCommand,
  rangeStats: rangeStatsCommand,
};

export function commandFor<R extends Request>(req: R): Command<R> {
  return registry[req.kind as RequestKind] as unknown as Command<R>;
}

/** Requests that write (and so need the write timestamp pushed above the timestamp cache). */
export function isWrite(req: Request): boolean {
  return req.kind === 'put' || req.kind === 'conditionalPut' || req.kind === 'delete' || req.kind === 'deleteRange';
}
