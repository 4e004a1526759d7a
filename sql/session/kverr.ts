// The one place where KV errors become SQL errors (DESIGN: "mapped to SQLSTATE once, in the
// session"). Unique violations are mapped earlier, in exec, because only the writer knows
// which constraint a conditional put guarded.

import { sqlError, SqlError } from '../errors.js';
import { KvError } from '../../storage/index.js';

/** True when the failure means "run the transaction again" (SQLSTATE 40001). */
export function isRetryable(e: unknown): boolean {
  if (e instanceof KvError) return e.retryable;
  return e instanceof SqlError && e.code === '40001';
}

/** Converts anything thrown by a statement into a SqlError; rethrows programmer errors. */
export function toSqlError(e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  if (e instanceof KvError) {
    switch (e.code) {
      case 'TxnRetry':
      case 'TxnAborted':
        return sqlError('40001', `restart transaction: ${e.message}`, { hint: 'Retry the transaction.' });
      case 'Deadlock':
        return sqlError('40P01', `deadlock detected: ${e.message}`);
      case 'LockNotAvailable':
        return sqlError('55P03', 'could not obtain lock on row in relation');
      case 'ConditionFailed':
        return sqlError('23505', `duplicate key value violates unique constraint: ${e.message}`);
      case 'TxnFinished':
        return sqlError('25000', `transaction is no longer usable: ${e.message}`);
      case 'Unavailable':
        return sqlError('58000', `storage unavailable: ${e.message}`);
    }
  }
  throw e;
}
