// RaftLogStorage (storage/store/raft-log.ts) on both engines: append, conflicting-suffix
// overwrite, truncation, snapshots, maxBytes, the entry cache, and a restart that rebuilds
// the state from the engine alone (RocksDB reopened from its directory).

import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemEngine, RocksEngine } from '../../../storage/engine/index.js';
import type { Engine } from '../../../storage/engine/index.js';
import { CompactedError, UnavailableError } from '../../../storage/raft/errors.js';
import type { ConfState, Entry, SnapshotMeta } from '../../../storage/raft/types.js';
import {
  EntryCache,
  EntryCacheBudget,
  RaftLogStorage,
  decodeEntry,
  encodeEntry,
  entrySize,
  raftLogKey,
  raftLogPrefix,
  writeInitialRaftState,
} from '../../../storage/store/raft-log.js';
import { LOCAL_RANGE_PREFIX, META_PREFIX, rangeIdUnreplicatedSpan, replicatedSpans } from '../../../storage/keys/index.js';
import { raftHardStateKey, raftTruncatedStateKey } from '../../../storage/store/raft-log.js';

const CONF: ConfState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
const ent = (index: number, term: number, data = `e${index}t${term}`): Entry => ({ index, term, type: 'normal', data: Buffer.from(data) });
const range = (lo: number, hi: number, term: number): Entry[] => Array.from({ length: hi - lo + 1 }, (_, k) => ent(lo + k, term));
const ids = (es: readonly Entry[]): string[] => es.map((e) => `${e.index}@${e.term}`);

interface Harness {
  engine: Engine;
  reopen(): Promise<Engine>;
}

const dirs: string[] = [];
const engines: Engine[] = [];

async function harness(kind: 'memory' | 'rocksdb'): Promise<Harness> {
  if (kind === 'memory') {
    const engine = new MemEngine();
    engines.push(engine);
    // The memory engine holds what a "restart" keeps: reopening returns the same object.
    return { engine, reopen: async () => engine };
  }
  const dir = mkdtempSync(join(tmpdir(), 'shoal-raftlog-'));
  dirs.push(dir);
  const h: Harness = {
    engine: await RocksEngine.open(dir),
    async reopen() {
      await h.engine.close();
      h.engine = await RocksEngine.open(dir);
      engines.push(h.engine);
      return h.engine;
    },
  };
  engines.push(h.engine);
  return h;
}

afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(engine: Engine, rangeId = 7, cacheBytes?: number, applied: SnapshotMeta = { index: 0, term: 0, confState: CONF }): RaftLogStorage {
  return new RaftLogStorage({
    rangeId,
    engine,
    confState: () => CONF,
    snapshotMeta: () => applied,
    ...(cacheBytes === undefined ? {} : { entryCacheBytesMax: cacheBytes }),
  });
}

/** Stages with `fn` and writes the batch synced, as the scheduler does. */
async function write(engine: Engine, fn: (b: ReturnType<Engine['newBatch']>) => void): Promise<void> {
  const b = engine.newBatch();
  fn(b);
  await engine.writeDurable(b);
}

describe('entry encoding', () => {
  it('round-trips entries of both types and large indexes', () => {
    for (const e of [ent(1, 1), { ...ent(2 ** 40 + 3, 2 ** 33), type: 'confChange' as const }, ent(5, 5, '')]) {
      expect(decodeEntry(encodeEntry(e))).toEqual(e);
    }
  });

  it('lives in the unreplicated range-id-local span, outside every replicated span', () => {
    const span = rangeIdUnreplicatedSpan(3);
    const keys = [raftHardStateKey(3), raftTruncatedStateKey(3), raftLogKey(raftLogPrefix(3), 0), raftLogKey(raftLogPrefix(3), 2 ** 50)];
    // Addressable ranges start at META (0x02): local keys never belong to a user span.
    const desc = { rangeId: 3, startKey: META_PREFIX, endKey: Buffer.from([0xff, 0xff]) };
    for (const k of keys) {
      expect(Buffer.compare(k, span.key) >= 0 && Buffer.compare(k, span.endKey) < 0).toBe(true);
      for (const s of replicatedSpans(desc)) expect(Buffer.compare(k, s.key) >= 0 && Buffer.compare(k, s.endKey) < 0).toBe(false);
    }
    expect(Buffer.compare(raftHardStateKey(4), span.endKey)).toBeGreaterThanOrEqual(0);
  });

  it('sorts log keys by index', () => {
    const p = raftLogPrefix(3);
    expect(p.subarray(0, 2)).toEqual(LOCAL_RANGE_PREFIX);
    const keys = [0, 1, 255, 256, 2 ** 32, 2 ** 40].map((i) => raftLogKey(p, i));
    const sorted = keys.slice().sort(Buffer.compare);
    expect(sorted).toEqual(keys);
  });
});

for (const kind of ['memory', 'rocksdb'] as const) {
  describe(`RaftLogStorage on ${kind}`, () => {
    it('starts empty', async () => {
      const { engine } = await harness(kind);
      const log = open(engine);
      expect(log.firstIndex()).toBe(1);
      expect(log.lastIndex()).toBe(0);
      expect(log.term(0)).toBe(0);
      expect(log.initialState()).toEqual({ hardState: { term: 0, vote: 0, commit: 0 }, confState: CONF });
      expect(() => log.term(1)).toThrow(UnavailableError);
      expect(log.entries(1, 1, 100)).toEqual([]);
    });

    it('appends, overwrites a conflicting suffix and reads back after a restart', async () => {
      const h = await harness(kind);
      let log = open(h.engine);
      await write(h.engine, (b) => {
        log.appendEntries(b, range(1, 10, 1));
        log.setHardState(b, { term: 1, vote: 2, commit: 4 });
      });
      expect(log.lastIndex()).toBe(10);
      expect(ids(log.entries(1, 11, Infinity))).toEqual(ids(range(1, 10, 1)));
      // A new leader at term 2 overwrites 6..10 with 6..7.
      await write(h.engine, (b) => log.appendEntries(b, range(6, 7, 2)));
      expect(log.lastIndex()).toBe(7);
      expect(log.term(7)).toBe(2);
      expect(() => log.term(8)).toThrow(UnavailableError);

      log = open(await h.reopen());
      expect(log.initialState().hardState).toEqual({ term: 1, vote: 2, commit: 4 });
      expect(log.firstIndex()).toBe(1);
      expect(log.lastIndex()).toBe(7);
      expect(ids(log.entries(1, 8, Infinity))).toEqual([...ids(range(1, 5, 1)), ...ids(range(6, 7, 2))]);
      expect(log.entries(3, 4, 0)[0]!.data.toString()).toBe('e3t1');
      expect(log.engineEntryReads).toBeGreaterThan(0); // the cache starts cold
    });

    it('truncates: term of the truncated index stays known, older ones are compacted', async () => {
      const h = await harness(kind);
      let log = open(h.engine);
      await write(h.engine, (b) => log.appendEntries(b, [...range(1, 5, 1), ...range(6, 12, 3)]));
      await write(h.engine, (b) => log.truncateLog(b, 8));
      expect(log.firstIndex()).toBe(9);
      expect(log.term(8)).toBe(3);
      expect(() => log.term(7)).toThrow(CompactedError);
      expect(() => log.entries(8, 10, Infinity)).toThrow(CompactedError);
      expect(ids(log.entries(9, 13, Infinity))).toEqual(ids(range(9, 12, 3)));
      // Truncating again at or below is a no-op.
      await write(h.engine, (b) => log.truncateLog(b, 5));
      expect(log.firstIndex()).toBe(9);

      log = open(await h.reopen());
      expect(log.truncatedState()).toEqual({ index: 8, term: 3 });
      expect(log.firstIndex()).toBe(9);
      expect(log.lastIndex()).toBe(12);
      expect(log.term(8)).toBe(3);
      expect(ids(log.entries(9, 13, Infinity))).toEqual(ids(range(9, 12, 3)));
      // The deleted entries are gone from the engine, not only hidden.
      const p = raftLogPrefix(7);
      const it = h.engine.iterator({ lower: raftLogKey(p, 0), upper: raftLogKey(p, 9) });
      expect(it.valid()).toBe(false);
      it.close();
    });

    it('truncates the whole log and keeps appending after it', async () => {
      const h = await harness(kind);
      let log = open(h.engine);
      await write(h.engine, (b) => log.appendEntries(b, range(1, 4, 2)));
      await write(h.engine, (b) => log.truncateLog(b, 4));
      expect(log.firstIndex()).toBe(5);
      expect(log.lastIndex()).toBe(4);
      log = open(await h.reopen());
      expect(log.lastIndex()).toBe(4);
      expect(log.term(4)).toBe(2);
      await write(h.engine, (b) => log.appendEntries(b, range(5, 6, 2)));
      expect(ids(log.entries(5, 7, Infinity))).toEqual(['5@2', '6@2']);
    });

    it('honours maxBytes: at least one entry, never more bytes than asked after the first', async () => {
      const { engine } = await harness(kind);
      for (const cacheBytes of [0, 1 << 20]) {
        const log = open(engine, cacheBytes === 0 ? 8 : 9, cacheBytes);
        const es = range(1, 20, 1).map((e) => ({ ...e, data: Buffer.alloc(100, e.index) }));
        await write(engine, (b) => log.appendEntries(b, es));
        const size = entrySize(es[0]!);
        expect(log.entries(1, 21, 0)).toHaveLength(1);
        expect(log.entries(1, 21, size * 3)).toHaveLength(3);
        expect(log.entries(1, 21, size * 3 + size - 1)).toHaveLength(3);
        expect(log.entries(5, 21, Infinity)).toHaveLength(16);
        expect(log.entries(5, 21, Infinity)[15]!.data[0]).toBe(20);
      }
    });

    it('serves just-appended entries from the cache and older ones from the engine', async () => {
      const { engine } = await harness(kind);
      const es = range(1, 10, 1).map((e) => ({ ...e, data: Buffer.alloc(84) })); // 100 bytes each
      const log = open(engine, 7, 500);
      await write(engine, (b) => log.appendEntries(b, es));
      expect(log.entries(6, 11, Infinity)).toHaveLength(5);
      expect(log.engineEntryReads).toBe(0);
      expect(ids(log.entries(1, 11, Infinity))).toEqual(ids(es));
      expect(log.engineEntryReads).toBe(5);
      expect(log.term(3)).toBe(1);
      expect(log.engineEntryReads).toBe(6);
    });

    it('applies a snapshot: the log restarts after it', async () => {
      const h = await harness(kind);
      let log = open(h.engine);
      await write(h.engine, (b) => {
        log.appendEntries(b, range(1, 5, 1));
        log.setHardState(b, { term: 1, vote: 1, commit: 3 });
      });
      await write(h.engine, (b) =>
        log.persistReady(b, {
          softState: null,
          hardState: { term: 4, vote: 0, commit: 20 },
          readStates: [],
          entries: range(21, 22, 4),
          snapshot: { meta: { index: 20, term: 4, confState: CONF }, data: Buffer.alloc(0) },
          committedEntries: [],
          messages: [],
          mustSync: true,
        }),
      );
      expect(log.firstIndex()).toBe(21);
      expect(log.term(20)).toBe(4);
      expect(log.lastIndex()).toBe(22);
      log = open(await h.reopen());
      expect(log.firstIndex()).toBe(21);
      expect(log.lastIndex()).toBe(22);
      expect(log.initialState().hardState.commit).toBe(20);
      expect(ids(log.entries(21, 23, Infinity))).toEqual(['21@4', '22@4']);
    });

    it('bootstraps from an initial state and keeps ranges apart', async () => {
      const h = await harness(kind);
      await write(h.engine, (b) => writeInitialRaftState(b, 1, 10, 5));
      const a = open(h.engine, 1, undefined, { index: 10, term: 5, confState: CONF });
      const other = open(h.engine, 2);
      await write(h.engine, (b) => {
        a.appendEntries(b, range(11, 12, 6));
        other.appendEntries(b, range(1, 3, 1));
      });
      expect(a.firstIndex()).toBe(11);
      expect(a.term(10)).toBe(5);
      expect(a.initialState().hardState).toEqual({ term: 5, vote: 0, commit: 10 });
      expect(a.snapshot().meta).toEqual({ index: 10, term: 5, confState: CONF });
      expect(a.snapshot().data.length).toBe(0);
      expect(open(h.engine, 1).lastIndex()).toBe(12);
      expect(open(h.engine, 2).lastIndex()).toBe(3);
      await write(h.engine, (b) => a.destroy(b));
      const gone = open(h.engine, 1);
      expect([gone.firstIndex(), gone.lastIndex()]).toEqual([1, 0]);
      expect(open(h.engine, 2).lastIndex()).toBe(3);
    });

    it('keeps a newer vote when the initial state lands on an uninitialized replica', async () => {
      const h = await harness(kind);
      const early = open(h.engine, 4);
      await write(h.engine, (b) => early.setHardState(b, { term: 7, vote: 3, commit: 0 }));
      await write(h.engine, (b) => writeInitialRaftState(b, 4, 10, 5, h.engine));
      expect(open(h.engine, 4).initialState().hardState).toEqual({ term: 7, vote: 3, commit: 10 });
      await write(h.engine, (b) => writeInitialRaftState(b, 6, 10, 5, h.engine));
      expect(open(h.engine, 6).initialState().hardState).toEqual({ term: 5, vote: 0, commit: 10 });
    });

    it('refuses appends that leave a gap or go below the truncated index', async () => {
      const { engine } = await harness(kind);
      const log = open(engine);
      const b = engine.newBatch();
      expect(() => log.appendEntries(b, range(2, 3, 1))).toThrow(/gap/);
      log.appendEntries(b, range(1, 3, 1));
      log.truncateLog(b, 2);
      expect(() => log.appendEntries(b, range(2, 3, 1))).toThrow(/below the truncated/);
    });
  });
}

describe('random operations match a model (memory and rocksdb)', () => {
  type Op = { kind: 'append'; at: number; n: number; bump: boolean } | { kind: 'truncate'; at: number } | { kind: 'restart' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('append' as const), at: fc.nat(1000), n: fc.integer({ min: 1, max: 6 }), bump: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(1000) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
  );
  for (const kind of ['memory', 'rocksdb'] as const) {
    it(kind, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), async (ops) => {
          const h = await harness(kind);
          let log = open(h.engine, 5, 300);
          let model: Entry[] = []; // entries after the truncated index
          let truncated = { index: 0, term: 0 };
          let term = 1;
          for (const op of ops) {
            if (op.kind === 'append') {
              if (op.bump) term++;
              const first = truncated.index + 1 + (op.at % (model.length + 1));
              const es = Array.from({ length: op.n }, (_, k) => ent(first + k, term, `x${op.at}-${k}`));
              await write(h.engine, (b) => log.appendEntries(b, es));
              model = [...model.slice(0, first - truncated.index - 1), ...es];
            } else if (op.kind === 'truncate') {
              if (model.length === 0) continue;
              const upTo = truncated.index + 1 + (op.at % model.length);
              await write(h.engine, (b) => log.truncateLog(b, upTo));
              const dropped = upTo - truncated.index;
              truncated = { index: upTo, term: model[dropped - 1]!.term };
              model = model.slice(dropped);
            } else {
              log = open(await h.reopen(), 5, 300);
            }
            expect(log.firstIndex()).toBe(truncated.index + 1);
            expect(log.lastIndex()).toBe(truncated.index + model.length);
            expect(log.term(truncated.index)).toBe(truncated.term);
            const got = log.entries(truncated.index + 1, log.lastIndex() + 1, Infinity);
            expect(got.map((e) => [e.index, e.term, e.data.toString()])).toEqual(model.map((e) => [e.index, e.term, e.data.toString()]));
          }
          await h.engine.close();
          engines.splice(engines.indexOf(h.engine), 1);
        }),
        { numRuns: kind === 'memory' ? 100 : 8 },
      );
    });
  }
});

describe('EntryCache', () => {
  it('stays contiguous through appends, overwrites, gaps and truncation', () => {
    const c = new EntryCache(entrySize(ent(1, 1)) * 3);
    c.append(range(1, 2, 1));
    expect(c.firstIndex()).toBe(1);
    c.append(range(3, 5, 1)); // evicts 1 and 2
    expect(c.firstIndex()).toBe(3);
    expect(c.get(2)).toBeUndefined();
    c.append(range(4, 4, 2)); // overwrite 4.., drops 5
    expect(c.get(4)!.term).toBe(2);
    expect(c.get(5)).toBeUndefined();
    c.append(range(9, 9, 2)); // gap: restart
    expect(c.firstIndex()).toBe(9);
    c.truncateFront(9);
    expect(c.firstIndex()).toBe(0);
    expect(c.bytes).toBe(0);
  });
});

describe('EntryCacheBudget', () => {
  it('bounds all caches together, evicting from the least recently appended first', () => {
    const size = entrySize(ent(1, 1));
    const budget = new EntryCacheBudget(size * 4);
    const a = new EntryCache(size * 100, budget);
    const b = new EntryCache(size * 100, budget);
    a.append(range(1, 3, 1));
    b.append(range(1, 2, 1)); // 5 entries > 4: a (older) loses its oldest
    expect(budget.bytes).toBe(size * 4);
    expect(a.firstIndex()).toBe(2);
    expect(b.firstIndex()).toBe(1);
    b.append(range(3, 5, 1)); // b now newest with 5: a empties first, then b trims itself
    expect(a.bytes).toBe(0);
    expect(b.bytes).toBe(size * 4);
    expect(b.firstIndex()).toBe(2);
    b.truncateFront(3);
    expect(budget.bytes).toBe(size * 2);
    b.release();
    expect(budget.bytes).toBe(0);
  });

  it('is shared by RaftLogStorage instances of one store', async () => {
    const engine = new MemEngine();
    engines.push(engine);
    const budget = new EntryCacheBudget(2000);
    const logs = [1, 2, 3].map((r) => new RaftLogStorage({ rangeId: r, engine, confState: () => CONF, snapshotMeta: () => ({ index: 0, term: 0, confState: CONF }), entryCacheBudget: budget }));
    for (const log of logs) await write(engine, (b) => log.appendEntries(b, range(1, 10, 1).map((e) => ({ ...e, data: Buffer.alloc(84) }))));
    expect(budget.bytes).toBeLessThanOrEqual(2000);
    for (const log of logs) expect(ids(log.entries(1, 11, Infinity))).toHaveLength(10); // misses fall back to the engine
    expect(logs[0]!.engineEntryReads).toBe(10);
    expect(logs[2]!.engineEntryReads).toBe(0);
  });
});
