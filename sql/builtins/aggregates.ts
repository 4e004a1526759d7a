// Aggregate functions with PostgreSQL's result types: count, sum (int4 → int8, int8 →
// numeric), avg (ints → numeric), min/max, bool_and/or, every, bit_and/or, string_agg,
// array_agg, json[b]_agg, json[b]_object_agg, stddev/variance (sample and population).
// States are small mutable objects: step() updates in place and returns the state.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import {
  arrayOf, compareDatums, datumKey, formatJson, setJsonKey, formatText, numericDiv, numericScale, types,
} from '../types/index.js';
import type { Datum, Interval, JsonValue, NumericDatum, SqlType } from '../types/index.js';
import type { AggDef, AggregateImpl, Registry } from './registry.js';
import { poly } from './registry.js';
import { checkInt8, numAdd, scaled } from './arith.js';
import { numSqrt } from './numeric-fn.js';
import { intervalAdd, intervalDiv } from './time-arith.js';
import { toJsonValue } from './json.js';

const T = types;
type Impl = Omit<AggregateImpl, 'name' | 'returnType' | 'argTypes'>;

function agg(r: Registry, name: string, args: SqlType[], ret: AggDef['ret'], make: (ts: readonly SqlType[]) => Impl): void {
  r.addAggregate({ name, args, ret, make });
}

interface Acc<T> { v: T; n: number }

function simple<V>(init: () => V, add: (acc: V, x: Datum) => V, final: (acc: V, n: number) => Datum): Impl {
  return {
    init: (): Acc<V> => ({ v: init(), n: 0 }),
    step: (s, args) => {
      const st = s as Acc<V>;
      const x = args[0]!;
      if (x === null) return st;
      st.v = add(st.v, x);
      st.n++;
      return st;
    },
    final: (s) => {
      const st = s as Acc<V>;
      return st.n === 0 ? null : final(st.v, st.n);
    },
  };
}

const ZERO = (): NumericDatum => scaled(new Decimal(0), 0);

function registerCountSum(r: Registry): void {
  r.addAggregate({ name: 'count(*)', args: [], ret: T.int8, make: () => ({ init: () => ({ n: 0n }), step: (s) => { (s as { n: bigint }).n++; return s; }, final: (s) => (s as { n: bigint }).n }) });
  agg(r, 'count', [poly.any], T.int8, () => ({
    init: () => ({ n: 0n }),
    step: (s, a) => { if (a[0] !== null) (s as { n: bigint }).n++; return s; },
    final: (s) => (s as { n: bigint }).n,
  }));
  for (const k of [T.int2, T.int4]) agg(r, 'sum', [k], T.int8, () => simple(() => 0n, (acc, x) => acc + BigInt(x as number), (acc) => checkInt8(acc)));
  agg(r, 'sum', [T.int8], T.numeric, () => simple(() => 0n, (acc, x) => acc + (x as bigint), (acc) => scaled(new Decimal(acc.toString()), 0)));
  agg(r, 'sum', [T.numeric], T.numeric, () => simple(ZERO, (acc, x) => numAdd(acc, x as NumericDatum), (acc) => acc));
  agg(r, 'sum', [T.float4], T.float4, () => simple(() => 0, (acc, x) => acc + (x as number), (acc) => Math.fround(acc)));
  agg(r, 'sum', [T.float8], T.float8, () => simple(() => 0, (acc, x) => acc + (x as number), (acc) => acc));
  agg(r, 'sum', [T.interval], T.interval, () => simple<Interval>(() => ({ months: 0, days: 0, micros: 0n }), (acc, x) => intervalAdd(acc, x as Interval, 1), (acc) => acc));
}

function registerAvg(r: Registry): void {
  const numAvg = (sum: NumericDatum, n: number): NumericDatum => numericDiv(sum, scaled(new Decimal(n), 0));
  for (const k of [T.int2, T.int4]) agg(r, 'avg', [k], T.numeric, () => simple(() => 0n, (acc, x) => acc + BigInt(x as number), (acc, n) => numAvg(scaled(new Decimal(acc.toString()), 0), n)));
  agg(r, 'avg', [T.int8], T.numeric, () => simple(() => 0n, (acc, x) => acc + (x as bigint), (acc, n) => numAvg(scaled(new Decimal(acc.toString()), 0), n)));
  agg(r, 'avg', [T.numeric], T.numeric, () => simple(ZERO, (acc, x) => numAdd(acc, x as NumericDatum), numAvg));
  for (const k of [T.float4, T.float8]) agg(r, 'avg', [k], T.float8, () => simple(() => 0, (acc, x) => acc + (x as number), (acc, n) => acc / n));
  agg(r, 'avg', [T.interval], T.interval, () => simple<Interval>(() => ({ months: 0, days: 0, micros: 0n }), (acc, x) => intervalAdd(acc, x as Interval, 1), (acc, n) => intervalDiv(acc, n)));
}

function registerMinMax(r: Registry): void {
  for (const [name, sign] of [['min', -1], ['max', 1]] as const) {
    agg(r, name, [poly.anyelement], (ts) => ts[0]!, (ts) => {
      const t = ts[0]!;
      return simple<Datum>(() => null, (acc, x) => (acc === null || sign * compareDatums(t, x, acc) > 0 ? x : acc), (acc) => acc);
    });
  }
  agg(r, 'bool_and', [T.bool], T.bool, () => simple(() => true, (acc, x) => acc && (x as boolean), (acc) => acc));
  agg(r, 'every', [T.bool], T.bool, () => simple(() => true, (acc, x) => acc && (x as boolean), (acc) => acc));
  agg(r, 'bool_or', [T.bool], T.bool, () => simple(() => false, (acc, x) => acc || (x as boolean), (acc) => acc));
  for (const k of [T.int2, T.int4]) {
    agg(r, 'bit_and', [k], k, () => simple(() => -1, (acc, x) => acc & (x as number), (acc) => acc));
    agg(r, 'bit_or', [k], k, () => simple(() => 0, (acc, x) => acc | (x as number), (acc) => acc));
  }
  agg(r, 'bit_and', [T.int8], T.int8, () => simple(() => -1n, (acc, x) => acc & (x as bigint), (acc) => acc));
  agg(r, 'bit_or', [T.int8], T.int8, () => simple(() => 0n, (acc, x) => acc | (x as bigint), (acc) => acc));
}

function registerCollect(r: Registry): void {
  interface Str { parts: string[]; seps: string[] }
  agg(r, 'string_agg', [T.text, T.text], T.text, () => ({
    init: (): Str => ({ parts: [], seps: [] }),
    step: (s, a) => {
      const st = s as Str;
      if (a[0] === null) return st;
      if (st.parts.length > 0) st.seps.push((a[1] as string | null) ?? '');
      st.parts.push(a[0] as string);
      return st;
    },
    final: (s) => {
      const st = s as Str;
      if (st.parts.length === 0) return null;
      let out = st.parts[0]!;
      for (let i = 1; i < st.parts.length; i++) out += st.seps[i - 1]! + st.parts[i]!;
      return out;
    },
  }));
  agg(r, 'string_agg', [T.bytea, T.bytea], T.bytea, () => ({
    init: () => [] as Buffer[],
    step: (s, a) => { if (a[0] !== null) { const st = s as Buffer[]; if (st.length > 0 && a[1] !== null) st.push(a[1] as Buffer); st.push(a[0] as Buffer); } return s; },
    final: (s) => ((s as Buffer[]).length === 0 ? null : Buffer.concat(s as Buffer[])),
  }));
  agg(r, 'array_agg', [poly.anynonarray], (ts) => arrayOf(ts[0]!), () => ({
    init: () => [] as Datum[],
    step: (s, a) => { (s as Datum[]).push(a[0]!); return s; },
    final: (s) => { const e = s as Datum[]; return e.length === 0 ? null : { dims: [e.length], lowerBounds: [1], elements: e }; },
  }));
  const jsonCollect = (text: boolean) => (ts: readonly SqlType[]): Impl => ({
    init: () => [] as JsonValue[],
    step: (st, a, ctx) => { (st as JsonValue[]).push(toJsonValue(ts[0]!, a[0]!, ctx)); return st; },
    final: (st) => {
      const e = st as JsonValue[];
      if (e.length === 0) return null;
      return text ? '[' + e.map(formatJson).join(', ') + ']' : e;
    },
  });
  agg(r, 'jsonb_agg', [poly.anyelement], T.jsonb, jsonCollect(false));
  agg(r, 'json_agg', [poly.anyelement], T.json, jsonCollect(true));
  const objCollect = (text: boolean) => (ts: readonly SqlType[]): Impl => ({
    init: () => ({ keys: [] as string[], obj: {} as { [k: string]: JsonValue } }),
    step: (st, a, ctx) => {
      const s = st as { keys: string[]; obj: { [k: string]: JsonValue } };
      if (a[0] === null) throw sqlError('22004', 'field name must not be null');
      const k = formatText(ts[0]!, a[0]!, ctx);
      s.keys.push(k);
      setJsonKey(s.obj, k, toJsonValue(ts[1]!, a[1]!, ctx));
      return s;
    },
    final: (st) => {
      const s = st as { keys: string[]; obj: { [k: string]: JsonValue } };
      if (s.keys.length === 0) return null;
      return text ? '{ ' + s.keys.map((k) => JSON.stringify(k) + ' : ' + formatJson(s.obj[k]!)).join(', ') + ' }' : s.obj;
    },
  });
  agg(r, 'jsonb_object_agg', [poly.any, poly.any], T.jsonb, objCollect(false));
  agg(r, 'json_object_agg', [poly.any, poly.any], T.json, objCollect(true));
}

// ---- statistics ----

interface NumMoments { n: number; sx: NumericDatum; sxx: NumericDatum }
interface FloatMoments { n: number; sx: number; sxx: number }

function numericVariance(m: NumMoments, sample: boolean, stddev: boolean): Datum {
  if (m.n === 0 || (sample && m.n === 1)) return null;
  const n = new Decimal(m.n);
  const sxScale = numericScale(m.sx);
  const rscale0 = sxScale * 2;
  const num = n.times(m.sxx).minus(m.sx.times(m.sx));
  if (num.lte(0)) return scaled(new Decimal(0), rscale0);
  const den = scaled(sample ? n.times(n.minus(1)) : n.times(n), 0);
  const variance = numericDiv(scaled(num, rscale0), den);
  return stddev ? numSqrtAtScale(variance, variance.dscale ?? 0) : variance;
}

function numSqrtAtScale(v: NumericDatum, scale: number): NumericDatum {
  const r = numSqrt(v);
  return scaled(r.toDecimalPlaces(scale, Decimal.ROUND_HALF_UP), scale);
}

/** Youngs-Cramer accumulation as PostgreSQL's float8_accum. */
function floatVariance(m: FloatMoments, sample: boolean, stddev: boolean): Datum {
  if (m.n === 0 || (sample && m.n === 1)) return null;
  const v = m.sxx / (sample ? m.n - 1 : m.n);
  return stddev ? Math.sqrt(v) : v;
}

function registerStats(r: Registry): void {
  const kinds: [string, boolean, boolean][] = [
    ['stddev', true, true], ['stddev_samp', true, true], ['stddev_pop', false, true],
    ['variance', true, false], ['var_samp', true, false], ['var_pop', false, false],
  ];
  for (const [name, sample, sd] of kinds) {
    for (const k of [T.int2, T.int4, T.int8, T.numeric]) {
      agg(r, name, [k], T.numeric, () => ({
        init: (): NumMoments => ({ n: 0, sx: scaled(new Decimal(0), 0), sxx: scaled(new Decimal(0), 0) }),
        step: (s, a) => {
          const x = a[0];
          if (x === null) return s;
          const st = s as NumMoments;
          const d: NumericDatum = k === T.numeric ? (x as NumericDatum) : scaled(new Decimal(String(x)), 0);
          st.n++;
          st.sx = scaled(st.sx.plus(d), Math.max(numericScale(st.sx), numericScale(d)));
          st.sxx = scaled(st.sxx.plus(d.times(d)), Math.max(numericScale(st.sxx), numericScale(d) * 2));
          return st;
        },
        final: (s) => numericVariance(s as NumMoments, sample, sd),
      }));
    }
    for (const k of [T.float4, T.float8]) {
      agg(r, name, [k], T.float8, () => ({
        init: (): FloatMoments => ({ n: 0, sx: 0, sxx: 0 }),
        step: (s, a) => {
          const x = a[0];
          if (x === null) return s;
          const st = s as FloatMoments;
          st.n++;
          st.sx += x as number;
          if (st.n > 1) {
            const tmp = (x as number) * st.n - st.sx;
            st.sxx += (tmp * tmp) / (st.n * (st.n - 1));
          }
          return st;
        },
        final: (s) => floatVariance(s as FloatMoments, sample, sd),
      }));
    }
  }
}

export function registerAggregates(r: Registry): void {
  registerCountSum(r);
  registerAvg(r);
  registerMinMax(r);
  registerCollect(r);
  registerStats(r);
}

/** DISTINCT: each distinct argument row is fed to the aggregate once (NULL rows included). */
export function wrapDistinct(a: AggregateImpl): AggregateImpl {
  interface St { seen: Set<unknown>; inner: unknown }
  const ts = a.argTypes;
  return {
    name: a.name,
    returnType: a.returnType,
    argTypes: a.argTypes,
    init: (): St => ({ seen: new Set(), inner: a.init() }),
    step: (s, args, ctx) => {
      const st = s as St;
      const key = args.length === 1 ? datumKey(ts[0]!, args[0]!) : args.map((x, i) => String(datumKey(ts[i]!, x))).join('\u0000');
      if (st.seen.has(key)) return st;
      st.seen.add(key);
      st.inner = a.step(st.inner, args, ctx);
      return st;
    },
    final: (s, ctx) => a.final((s as St).inner, ctx),
  };
}
