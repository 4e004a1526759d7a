// Aggregates fed rows the way the executor will (init, step per row, final), with results
// compared to PostgreSQL 15's output for the same VALUES lists.

import { describe, expect, it } from 'vitest';
import { resolveAggregate } from '../../../sql/builtins/index.js';
import { formatText, parseText, typeName, types } from '../../../sql/types/index.js';
import type { Datum, SqlType } from '../../../sql/types/index.js';
import { makeCtx } from './harness.js';

const ctx = makeCtx();

function run(name: string, argTypes: SqlType[], rows: (string | null)[][], opts = { distinct: false, star: false }): string {
  const agg = resolveAggregate(name, argTypes, opts);
  let st = agg.init();
  for (const row of rows) {
    const args: Datum[] = row.map((v, i) => (v === null ? null : parseText(agg.argTypes[i]!, v)));
    st = agg.step(st, args, ctx);
  }
  const out = agg.final(st, ctx);
  return out === null ? '' : formatText(agg.returnType, out, ctx);
}

const ints = [['1'], ['2'], ['4']];
const nums = [['1.5'], ['2.25'], ['4.0']];
const strs = [['b'], ['a'], [null], ['b']];

describe('aggregates', () => {
  it.each([
    ['avg', types.int4, ints, '2.3333333333333333'],
    ['sum', types.int4, ints, '7'],
    ['stddev', types.int4, ints, '1.5275252316519467'],
    ['variance', types.int4, ints, '2.3333333333333333'],
    ['stddev_pop', types.int4, ints, '1.2472191289246471'],
    ['var_pop', types.int4, ints, '1.5555555555555556'],
    ['avg', types.numeric, nums, '2.5833333333333333'],
    ['sum', types.numeric, nums, '7.75'],
    ['stddev', types.numeric, nums, '1.2829003598617210'],
    ['variance', types.numeric, nums, '1.6458333333333333'],
    ['avg', types.float8, nums, '2.5833333333333335'],
    ['stddev', types.float8, nums, '1.282900359861721'],
    ['variance', types.float8, nums, '1.6458333333333333'],
    ['sum', types.int8, [['9223372036854775807'], ['1']], '9223372036854775808'],
    ['avg', types.int8, [['9223372036854775807'], ['1']], '4611686018427387904'],
    ['sum', types.int4, [['2147483647'], ['1']], '2147483648'],
    ['avg', types.interval, [['1 day'], ['2 days']], '1 day 12:00:00'],
    ['min', types.text, strs, 'a'],
    ['max', types.text, strs, 'b'],
    ['count', types.text, strs, '3'],
    ['string_agg', types.text, strs.map((r) => [...r, ',']), 'b,a,b'],
    ['array_agg', types.text, strs, '{b,a,NULL,b}'],
    ['jsonb_agg', types.text, strs, '["b", "a", null, "b"]'],
    ['json_agg', types.int4, [['1'], ['2']], '[1, 2]'],
    ['bool_and', types.bool, [['t'], ['f']], 'f'],
    ['bool_or', types.bool, [['t'], ['f']], 't'],
    ['every', types.bool, [['t'], ['f']], 'f'],
    ['stddev', types.int4, [['1']], ''],
    ['sum', types.int4, [], ''],
    ['max', types.int4, [], ''],
  ] as [string, SqlType, (string | null)[][], string][])('%s(%o) of %j → %j', (name, t, rows, expected) => {
    const argTypes = name === 'string_agg' ? [t, types.text] : [t];
    expect(run(name, argTypes, rows)).toBe(expected);
  });

  it('count(*) counts NULL rows and returns 0 for no rows', () => {
    expect(run('count', [], [[null], [null]], { distinct: false, star: true })).toBe('2');
    expect(run('count', [], [], { distinct: false, star: true })).toBe('0');
    expect(run('count', [types.int4], [])).toBe('0');
  });

  it('DISTINCT feeds each distinct value once', () => {
    expect(run('count', [types.text], strs, { distinct: true, star: false })).toBe('2');
    expect(run('sum', [types.numeric], [['1.0'], ['1.00'], ['2']], { distinct: true, star: false })).toBe('3.0');
  });

  it('object aggregates keep jsonb key order and json insertion order', () => {
    expect(run('jsonb_object_agg', [types.text, types.int4], [['b', '1'], ['a', '1']])).toBe('{"a": 1, "b": 1}');
    expect(run('json_object_agg', [types.text, types.int4], [['b', '1'], ['a', '1']])).toBe('{ "b" : 1, "a" : 1 }');
  });

  it('resolves return types as PostgreSQL', () => {
    const rt = (n: string, t: SqlType) => typeName(resolveAggregate(n, [t], { distinct: false }).returnType);
    expect(rt('sum', types.int4)).toBe('bigint');
    expect(rt('sum', types.int8)).toBe('numeric');
    expect(rt('avg', types.int4)).toBe('numeric');
    expect(rt('avg', types.float4)).toBe('double precision');
    expect(rt('max', types.date)).toBe('date');
    expect(rt('array_agg', types.int4)).toBe('integer[]');
    expect(rt('count', types.unknown)).toBe('bigint');
    expect(() => resolveAggregate('sum', [types.text], { distinct: false })).toThrow(
      expect.objectContaining({ code: '42883', message: 'function sum(text) does not exist' }),
    );
  });
});
