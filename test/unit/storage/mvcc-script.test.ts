// Data-driven MVCC tests: scripts under testdata/mvcc/*.txt, each case a command line,
// `----`, and the expected output. Regenerate with REWRITE=1 and review the diff.
//
//   put     k=<key> v=<value>|tombstone txn=<name> ts=<wall> [seq=<n>]
//   cput    k=<key> v=<value> expect=<value>|none txn=<name> ts=<wall> [seq=<n>]
//   get     k=<key> ts=<wall> [txn=<name> seq=<n> ignore=<a>-<b>] [locking]
//   scan    k=<key> end=<key> ts=<wall> [txn=<name>] [limit=<n>] [reverse]
//   resolve k=<key> txn=<name> status=commit|abort [ts=<wall>] [ignore=<a>-<b>]
//   refresh k=<key> [end=<key>] from=<wall> to=<wall> [txn=<name>]
//   dump    (every engine entry: records and history)

import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Timestamp } from '../../../storage/api/index.js';
import type { SeqRange, TxnMeta } from '../../../storage/api/txn-meta.js';
import { IndexedBatch, MemEngine } from '../../../storage/engine/index.js';
import {
  decodeRecord,
  HISTORY_PREFIX,
  mvccConditionalPut,
  mvccGet,
  mvccPut,
  mvccRefreshOk,
  mvccResolveIntent,
  mvccScan,
} from '../../../storage/mvcc/index.js';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata', 'mvcc');
const T = (w: string | undefined): Timestamp => ({ wallNanos: BigInt(w ?? '0'), logical: 0 });
const fmtTs = (t: Timestamp): string => `${t.wallNanos}${t.logical ? `.${t.logical}` : ''}`;
const val = (v: Buffer | null): string => (v === null ? '<nil>' : v.toString());

function parse(line: string): { cmd: string; args: Map<string, string>; flags: Set<string> } {
  const [cmd, ...rest] = line.trim().split(/\s+/);
  const args = new Map<string, string>();
  const flags = new Set<string>();
  for (const r of rest) {
    const eq = r.indexOf('=');
    if (eq < 0) flags.add(r);
    else args.set(r.slice(0, eq), r.slice(eq + 1));
  }
  return { cmd: cmd!, args, flags };
}

class Runner {
  engine = new MemEngine();

  txn(args: Map<string, string>): TxnMeta | null {
    const name = args.get('txn');
    if (!name) return null;
    const id = Buffer.alloc(16);
    id.write(name);
    const ts = T(args.get('ts'));
    const ignored: SeqRange[] = [];
    const ig = args.get('ignore');
    if (ig) {
      const [a, c] = ig.split('-').map(Number);
      ignored.push({ start: a!, end: c! });
    }
    return { id, epoch: 0, readTs: ts, writeTs: ts, seq: Number(args.get('seq') ?? '1'), ignoredSeqs: ignored, priority: 1, anchorKey: null };
  }

  write(fn: (b: IndexedBatch) => void): void {
    const batch = new IndexedBatch(this.engine);
    fn(batch);
    this.engine.write(batch, { sync: false });
  }

  run(line: string): string {
    const { cmd, args, flags } = parse(line);
    const k = Buffer.from(args.get('k') ?? '');
    try {
      switch (cmd) {
        case 'put': {
          const v = args.get('v')!;
          this.write((b) => mvccPut(b, k, v === 'tombstone' ? null : Buffer.from(v), { txn: this.txn(args)! }));
          return 'ok';
        }
        case 'cput': {
          const e = args.get('expect')!;
          this.write((b) => mvccConditionalPut(b, k, Buffer.from(args.get('v')!), e === 'none' ? null : Buffer.from(e), { txn: this.txn(args)! }));
          return 'ok';
        }
        case 'get':
          return val(mvccGet(this.engine, k, { ts: T(args.get('ts')), txn: this.txn(args), failOnMoreRecent: flags.has('locking') }));
        case 'scan': {
          const r = mvccScan(this.engine, k, Buffer.from(args.get('end')!), {
            ts: T(args.get('ts')),
            txn: this.txn(args),
            limit: Number(args.get('limit') ?? '0'),
            reverse: flags.has('reverse'),
          });
          const rows = r.rows.map((x) => `${x.key}=${x.value}`);
          return [...rows, ...(r.resumeKey ? [`resume: ${JSON.stringify(r.resumeKey.toString())}`] : [])].join('\n') || '<empty>';
        }
        case 'resolve': {
          const t = this.txn(args)!;
          let done = false;
          this.write((b) => {
            done = mvccResolveIntent(b, k, {
              txnId: t.id,
              status: args.get('status') === 'commit' ? 'committed' : 'aborted',
              commitTs: T(args.get('ts')),
              epoch: 0,
              ignoredSeqs: t.ignoredSeqs,
            });
          });
          return done ? 'resolved' : 'no intent';
        }
        case 'refresh': {
          const t = this.txn(args) ?? this.txn(new Map([['txn', 'refresher']]))!;
          const end = args.get('end');
          return String(mvccRefreshOk(this.engine, k, end ? Buffer.from(end) : null, T(args.get('from')), T(args.get('to')), t.id));
        }
        case 'dump':
          return this.dump();
        default:
          throw new Error(`unknown command ${cmd}`);
      }
    } catch (e) {
      const err = e as Error & { actualTs?: Timestamp; actual?: Buffer | null; intent?: { txnId: Buffer } };
      if (err.name === 'WriteTooOldError') return `error: write too old, retry at ${fmtTs(err.actualTs!)}`;
      if (err.name === 'WriteIntentError') return `error: conflicting intent of ${err.intent!.txnId.toString().replace(/\0+$/, '')}`;
      if (err.name === 'ConditionFailedError') return `error: condition failed, actual ${val(err.actual ?? null)}`;
      throw e;
    }
  }

  private dump(): string {
    const out: string[] = [];
    const it = this.engine.iterator({});
    for (; it.valid(); it.next()) {
      const key = it.key();
      if (key.subarray(0, 2).equals(HISTORY_PREFIX)) {
        const ts = { wallNanos: key.readBigUInt64BE(key.length - 12) ^ 0xffffffffffffffffn, logical: 0 };
        const user = key.subarray(2, key.length - 14).toString();
        out.push(`history ${user}@${fmtTs(ts)} = ${it.value()[0] === 1 ? '<tombstone>' : it.value().subarray(1).toString()}`);
        continue;
      }
      const rec = decodeRecord(it.value());
      const parts: string[] = [];
      if (rec.latest) parts.push(`latest@${fmtTs(rec.latest.ts)}=${rec.latest.value === null ? '<tombstone>' : rec.latest.value.toString()}`);
      if (rec.intent) {
        const hist = rec.intent.history.map((h) => `${h.seq}:${val(h.value)}`).join(',');
        parts.push(`intent(${rec.intent.txnId.toString().replace(/\0+$/, '')}@${fmtTs(rec.intent.writeTs)} seq=${rec.intent.seq})=${val(rec.intent.value)}${hist ? ` history[${hist}]` : ''}`);
      }
      out.push(`${key.toString()}: ${parts.join(' ')}`);
    }
    return out.join('\n') || '<empty>';
  }
}

function runFile(path: string): { actual: string; expected: string } {
  const text = readFileSync(path, 'utf8');
  const runner = new Runner();
  const out: string[] = [];
  const blocks = text.split(/\n\n+/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.length > 0);
    if (lines.length === 0) continue;
    const sep = lines.indexOf('----');
    const head = sep < 0 ? lines : lines.slice(0, sep);
    const comments = head.filter((l) => l.startsWith('#'));
    const cmds = head.filter((l) => !l.startsWith('#'));
    const results = cmds.map((c) => runner.run(c));
    out.push([...comments, ...cmds, '----', results[results.length - 1] ?? ''].join('\n'));
  }
  return { actual: `${out.join('\n\n')}\n`, expected: text };
}

describe('mvcc scripts', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt'))) {
    it(file, () => {
      const path = join(dir, file);
      const { actual, expected } = runFile(path);
      if (process.env['REWRITE']) writeFileSync(path, actual);
      else expect(actual).toBe(expected);
    });
  }
});
