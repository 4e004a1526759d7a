// Conflicts that MVCC evaluation reports to the replica and the coordinator. They are
// internal (never reach sql/): the replica turns WriteIntentError into a wait in the lock
// table; the coordinator turns WriteTooOldError into a refresh or a KvError TxnRetry.

import type { Timestamp } from '../api/index.js';
import type { Intent } from './record.js';

/**
 * The request met other transactions' intents and must wait for (or clean up) them. Scans
 * collect several (up to INTENTS_PER_ERROR_MAX) so abandoned ones are cleaned in one pass.
 */
export class WriteIntentError extends Error {
  readonly key: Buffer;
  readonly intent: Intent;
  constructor(readonly intents: ReadonlyArray<{ readonly key: Buffer; readonly intent: Intent }>) {
    super('conflicting intent');
    this.name = 'WriteIntentError';
    this.key = intents[0]!.key;
    this.intent = intents[0]!.intent;
  }
}

export const INTENTS_PER_ERROR_MAX = 1000;

/** A newer committed version exists: the write (or locking read) must move to `actualTs`. */
export class WriteTooOldError extends Error {
  constructor(
    readonly key: Buffer,
    readonly actualTs: Timestamp,
  ) {
    super('write too old');
    this.name = 'WriteTooOldError';
  }
}

/** conditionalPut found a different value. */
export class ConditionFailedError extends Error {
  constructor(readonly actual: Buffer | null) {
    super('condition failed');
    this.name = 'ConditionFailedError';
  }
}
