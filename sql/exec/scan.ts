// Table access operators: point lookups (one txn.get per key, batched when an IN list gives
// several), span scans over the primary index in growing chunks, secondary-index scans
// with primary-row fetches, and virtual tables. Residual filters and locks are applied here.
// Built by exec/ops.ts from TableScan / VirtualScan plan nodes.

import { decodeIndexEntry, decodeRow, encodePrimaryKey, indexSpanForPrefix, indexSpanForRange } from '../rowenc/index.js';
import type { Span } from '../rowenc/index.js';
import { keyNext } from '../../storage/index.js';
import type { KeyValue, KvRequest, ReadOptions } from '../../storage/index.js';
import type { TableScanPlan, VirtualScanPlan } from '../plan/index.js';
import type { Datum, SqlType } from '../types/index.js';
import type { TableDescriptor } from '../catalog/index.js';
import { compileExpr } from './expr.js';
import type { CompiledExpr, Evaluator } from './expr.js';
import type { ExecContext, Row } from './context.js';
import type { Op, OpFactory } from './op.js';

/** First scan chunk (rows); each further chunk grows ×8 up to the maximum. */
export const scanChunkRowsFirst = 64;
export const scanChunkRowsMax = 8192;
/** Primary rows fetched per batch after a secondary-index scan. */
export const indexJoinBatchMax = 256;

const NOT_FOUND = Symbol('no match');

/** Converts a value to the key representation of column type `t` (integer widths differ). */
function keyValue(t: SqlType, v: Datum): Datum | typeof NOT_FOUND {
  if (v === null) return NOT_FOUND; // `col = NULL` never matches
  if (t.kind === 'int8' && typeof v === 'number') return BigInt(v);
  if ((t.kind === 'int4' || t.kind === 'int2') && typeof v === 'bigint') {
    const lim = t.kind === 'int4' ? 2147483648n : 32768n;
    return v >= -lim && v < lim ? Number(v) : NOT_FOUND;
  }
  if (t.kind === 'int2' && typeof v === 'number' && (v < -32768 || v > 32767)) return NOT_FOUND;
  if (t.kind === 'int4' && typeof v === 'number' && (v < -2147483648 || v > 2147483647)) return NOT_FOUND;
  return v;
}

interface CompiledAccess {
  readonly colTypes: readonly SqlType[];
  readonly eq: ReadonlyArray<readonly CompiledExpr[]>;
  readonly lower: { ev: CompiledExpr; inclusive: boolean } | null;
  readonly upper: { ev: CompiledExpr; inclusive: boolean } | null;
}

export function tableScanFactory(p: TableScanPlan): OpFactory {
  const filter = p.filter === null ? null : compileExpr(p.filter);
  const t = p.table;
  const a = p.access;
  const readOpts: ReadOptions | undefined = p.lock === null ? undefined : { lock: p.lock.strength, waitPolicy: p.lock.waitPolicy };
  if (a === null) {
    const full: CompiledAccess = { colTypes: [], eq: [], lower: null, upper: null };
    return (cx) => new SpanScan(cx, t, null, full, filter, readOpts, p.reverse);
  }
  const posById = new Map(t.columns.map((c, i) => [c.id, i]));
  const colTypes = a.index.columnIds.map((id) => t.columns[posById.get(id)!]!.type);
  const ca: CompiledAccess = {
    colTypes,
    eq: a.eq.map((vs) => vs.map((v) => compileExpr(v))),
    lower: a.lower === null ? null : { ev: compileExpr(a.lower.expr), inclusive: a.lower.inclusive },
    upper: a.upper === null ? null : { ev: compileExpr(a.upper.expr), inclusive: a.upper.inclusive },
  };
  if (a.point) {
    const pkPos = a.index.columnIds.map((id) => posById.get(id)!);
    return (cx) => new PointLookup(cx, t, pkPos, ca, filter, readOpts);
  }
  return (cx) => new SpanScan(cx, t, a.index.primary ? null : a.index, ca, filter, readOpts, p.reverse);
}

const EMPTY_ROW: Row = [];

async function evalFixed(c: CompiledExpr, cx: ExecContext): Promise<Datum> {
  if (c.prep !== null) await c.prep(EMPTY_ROW, cx);
  return c.ev(EMPTY_ROW, cx);
}

/** All combinations of the equality values (IN lists multiply), converted to key values. */
async function eqCombos(ca: CompiledAccess, cx: ExecContext): Promise<Datum[][]> {
  let combos: Datum[][] = [[]];
  for (let i = 0; i < ca.eq.length; i++) {
    const vals: Datum[] = [];
    for (const c of ca.eq[i]!) {
      const v = keyValue(ca.colTypes[i]!, await evalFixed(c, cx));
      if (v !== NOT_FOUND && !vals.some((x) => x === v)) vals.push(v);
    }
    const next: Datum[][] = [];
    for (const prefix of combos) for (const v of vals) next.push([...prefix, v]);
    combos = next;
  }
  return combos;
}

function passes(filter: CompiledExpr | null, row: Row, cx: ExecContext): boolean | Promise<boolean> {
  if (filter === null) return true;
  if (filter.prep !== null) return filter.prep(row, cx).then(() => filter.ev(row, cx) === true);
  return filter.ev(row, cx) === true;
}

/** Primary-key equality: one get (or one batch of gets for IN lists). */
class PointLookup implements Op {
  private rows: Row[] | null = null;
  private i = 0;
  constructor(
    private readonly cx: ExecContext,
    private readonly t: TableDescriptor,
    private readonly pkPos: readonly number[],
    private readonly ca: CompiledAccess,
    private readonly filter: CompiledExpr | null,
    private readonly opts: ReadOptions | undefined,
  ) {}

  async next(): Promise<Row | null> {
    if (this.rows === null) await this.fetch();
    const rows = this.rows!;
    while (this.i < rows.length) {
      const row = rows[this.i++]!;
      if (await passes(this.filter, row, this.cx)) return row;
    }
    return null;
  }

  private async fetch(): Promise<void> {
    const combos = await eqCombos(this.ca, this.cx);
    const keys = combos.map((vals) => {
      const row = new Array<Datum>(this.t.columns.length).fill(null);
      this.pkPos.forEach((pos, k) => (row[pos] = vals[k]!));
      return encodePrimaryKey(this.t, row);
    });
    this.rows = [];
    if (keys.length === 1) {
      const v = await this.cx.txn.get(keys[0]!, this.opts);
      if (v !== null) this.rows.push(decodeRow(this.t, keys[0]!, v));
      return;
    }
    keys.sort(Buffer.compare);
    const reqs: KvRequest[] = keys.map((key) => ({ kind: 'get', key, lock: this.opts?.lock, waitPolicy: this.opts?.waitPolicy }));
    const resps = keys.length === 0 ? [] : await this.cx.txn.send(reqs);
    resps.forEach((r, k) => {
      if (r.kind === 'get' && r.value !== null) this.rows!.push(decodeRow(this.t, keys[k]!, r.value));
    });
  }

  close(): void {}
}

/** Scans spans of the primary index (index === null) or of a secondary index. */
class SpanScan implements Op {
  private spans: Span[] | null = null;
  private spanIdx = 0;
  private resume: Buffer | null = null;
  private buf: Row[] = [];
  private bufIdx = 0;
  private chunk = scanChunkRowsFirst;
  private spanDone = false;

  constructor(
    private readonly cx: ExecContext,
    private readonly t: TableDescriptor,
    private readonly index: import('../catalog/index.js').IndexDescriptor | null,
    private readonly ca: CompiledAccess,
    private readonly filter: CompiledExpr | null,
    private readonly opts: ReadOptions | undefined,
    private readonly reverse: boolean,
  ) {}

  async next(): Promise<Row | null> {
    if (this.spans === null) this.spans = await this.buildSpans();
    for (;;) {
      while (this.bufIdx < this.buf.length) {
        const row = this.buf[this.bufIdx++]!;
        const t = this.cx.tick();
        if (t !== null) await t;
        if (await passes(this.filter, row, this.cx)) return row;
      }
      if (!(await this.fill())) return null;
    }
  }

  private async buildSpans(): Promise<Span[]> {
    const index = this.index ?? this.t.primaryIndex;
    const combos = await eqCombos(this.ca, this.cx);
    const colType = this.ca.colTypes[this.ca.eq.length];
    let lower: { value: Datum; inclusive: boolean } | undefined;
    let upper: { value: Datum; inclusive: boolean } | undefined;
    if (this.ca.lower !== null) {
      const v = keyValue(colType!, await evalFixed(this.ca.lower.ev, this.cx));
      if (v === NOT_FOUND) return [];
      lower = { value: v, inclusive: this.ca.lower.inclusive };
    }
    if (this.ca.upper !== null) {
      const v = keyValue(colType!, await evalFixed(this.ca.upper.ev, this.cx));
      if (v === NOT_FOUND) return [];
      upper = { value: v, inclusive: this.ca.upper.inclusive };
    }
    const spans = combos.map((prefix) =>
      lower === undefined && upper === undefined
        ? indexSpanForPrefix(this.t, index, prefix)
        : indexSpanForRange(this.t, index, prefix, lower, upper),
    );
    spans.sort((a, b) => Buffer.compare(a.key, b.key));
    if (this.reverse) spans.reverse();
    return spans.filter((s) => Buffer.compare(s.key, s.endKey) < 0);
  }

  /** Loads the next chunk into the buffer; false at the end. */
  private async fill(): Promise<boolean> {
    const spans = this.spans!;
    while (this.spanIdx < spans.length) {
      if (this.spanDone) {
        this.spanIdx++;
        this.spanDone = false;
        this.resume = null;
        continue;
      }
      const span = spans[this.spanIdx]!;
      const limit = this.chunk;
      this.chunk = Math.min(this.chunk * 8, scanChunkRowsMax);
      let kvs: KeyValue[];
      if (this.reverse) {
        const end = this.resume ?? span.endKey;
        kvs = await this.cx.txn.scan(span.key, end, { ...this.opts, limit, reverse: true });
        if (kvs.length === limit) this.resume = kvs[kvs.length - 1]!.key;
        else this.spanDone = true;
      } else {
        const start = this.resume ?? span.key;
        kvs = await this.cx.txn.scan(start, span.endKey, { ...this.opts, limit });
        if (kvs.length === limit) this.resume = keyNext(kvs[kvs.length - 1]!.key);
        else this.spanDone = true;
      }
      if (kvs.length === 0) continue;
      this.buf = this.index === null ? kvs.map((kv) => decodeRow(this.t, kv.key, kv.value)) : await this.fetchPrimary(kvs);
      this.bufIdx = 0;
      return true;
    }
    return false;
  }

  /** Secondary entries → primary rows, fetched in batches, in index order. */
  private async fetchPrimary(entries: KeyValue[]): Promise<Row[]> {
    const out: Row[] = [];
    for (let i = 0; i < entries.length; i += indexJoinBatchMax) {
      const batch = entries.slice(i, i + indexJoinBatchMax);
      const keys = batch.map((kv) => encodePrimaryKey(this.t, decodeIndexEntry(this.t, this.index!, kv.key, kv.value)));
      const reqs: KvRequest[] = keys.map((key) => ({ kind: 'get', key, lock: this.opts?.lock, waitPolicy: this.opts?.waitPolicy }));
      const resps = await this.cx.txn.send(reqs);
      resps.forEach((r, k) => {
        if (r.kind === 'get' && r.value !== null) out.push(decodeRow(this.t, keys[k]!, r.value));
      });
    }
    return out;
  }

  close(): void {
    this.buf = [];
  }
}

export function virtualScanFactory(p: VirtualScanPlan): OpFactory {
  const filter = p.filter === null ? null : compileExpr(p.filter);
  return (cx) => {
    let rows: Row[] | null = null;
    let i = 0;
    return {
      async next(): Promise<Row | null> {
        if (rows === null) rows = await p.table.rows(cx.virtualContext());
        while (i < rows.length) {
          const r = rows[i++]!;
          if (await passes(filter, r, cx)) return r;
        }
        return null;
      },
      close(): void {},
    };
  };
}

export type { Evaluator };
