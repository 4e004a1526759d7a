// KvDb: the factory of transactions that sql/ uses. Holds the HLC (transaction timestamps),
// the DistSender (routing through a Transport) and the Rng (transaction ids).

import type { KvDb, RangeInfo, Timestamp, Txn, TxnOptions } from '../api/index.js';
import { KvError } from '../api/index.js';
import type { Rng } from '../base/rng.js';
import type { Hlc } from '../hlc/hlc.js';
import type { DistSender } from './dist-sender.js';
import { TxnCoordinator } from './txn.js';

export class KvClientDb implements KvDb {
  constructor(
    private readonly hlc: Hlc,
    private readonly sender: DistSender,
    private readonly rng: Rng,
    private readonly onClose: () => Promise<void>,
  ) {}

  begin(opts: TxnOptions = {}): Txn {
    const id = this.rng.fill(Buffer.allocUnsafe(16));
    return new TxnCoordinator({ sender: this.sender, id, now: this.hlc.now() }, opts);
  }

  now(): Timestamp {
    return this.hlc.now();
  }

  // Placeholder until ranges split (issue 3): one range, nothing to split.
  adminSplit(_key: Buffer): Promise<void> {
    return Promise.reject(new KvError('Unavailable', 'range splits are not implemented yet'));
  }

  ranges(_key: Buffer, _endKey: Buffer): Promise<RangeInfo[]> {
    return Promise.resolve([]);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
