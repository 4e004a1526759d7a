// Overload resolution as PostgreSQL does it (unknown literals, preferred types, polymorphic
// signatures), the 42883/42725 errors with their hints, and the functions that read the
// session (now(), current_setting, ...) through the EvalContext.

import { describe, expect, it } from 'vitest';
import { functionExists, isAggregateName, resolveFunction, resolveOperator } from '../../../sql/builtins/index.js';
import { arrayOf, typeName, types } from '../../../sql/types/index.js';
import type { SqlType } from '../../../sql/types/index.js';
import { makeCtx, show } from './harness.js';

const U = types.unknown;
const sig = (name: string, args: SqlType[]) => {
  const f = resolveFunction(name, args);
  return `${f.argTypes.map(typeName).join(',')} → ${typeName(f.returnType)}`;
};
const opSig = (op: string, l: SqlType | null, r: SqlType) => {
  const o = resolveOperator(op, l, r);
  return `${o.leftType ? typeName(o.leftType) : ''} ${op} ${typeName(o.rightType)} → ${typeName(o.returnType)}`;
};

describe('function resolution', () => {
  it.each([
    ['abs', [U], 'double precision → double precision'],
    ['round', [U], 'double precision → double precision'],
    ['round', [types.int4], 'double precision → double precision'],
    ['sqrt', [types.int4], 'double precision → double precision'],
    ['abs', [types.int2], 'smallint → smallint'],
    ['length', [U], 'text → integer'],
    ['length', [types.varchar], 'text → integer'],
    ['length', [types.bpchar], 'bpchar → integer'],
    ['substr', [U, types.int4, types.int4], 'text,integer,integer → text'],
    ['round', [types.numeric, types.int4], 'numeric,integer → numeric'],
    ['round', [types.int4, types.int4], 'numeric,integer → numeric'],
    ['greatest', [types.int4, types.numeric], 'numeric,numeric → numeric'],
    ['greatest', [types.int4, U], 'integer,integer → integer'],
    ['concat', [U, types.int4, types.bool], 'text,integer,boolean → text'],
    ['array_length', [arrayOf(types.int4), types.int4], 'integer[],integer → integer'],
    ['array_append', [arrayOf(types.int8), types.int4], 'bigint[],bigint → bigint[]'],
    ['date_trunc', [U, types.timestamptz], 'text,timestamp with time zone → timestamp with time zone'],
    ['date_part', [U, types.date], 'text,date → double precision'],
    ['to_char', [types.int4, U], 'integer,text → text'],
    ['pg_catalog.format_type', [types.oid, types.int4], 'oid,integer → text'],
    ['PG_CATALOG.QUOTE_IDENT', [U], 'text → text'],
    ['jsonb_build_object', [U, types.int4], 'text,integer → jsonb'],
    ['nextval', [U], 'regclass → bigint'],
  ] as [string, SqlType[], string][])('%s(%o) → %s', (name, args, expected) => {
    expect(sig(name, args)).toBe(expected);
  });

  it('reports missing functions as PostgreSQL', () => {
    expect(() => resolveFunction('upper', [types.int4])).toThrow(expect.objectContaining({
      code: '42883', message: 'function upper(integer) does not exist',
      fields: { hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' },
    }));
    expect(() => resolveFunction('nosuch', [])).toThrow(expect.objectContaining({ code: '42883', message: 'function nosuch() does not exist' }));
    expect(() => resolveFunction('concat', [])).toThrow(expect.objectContaining({ code: '42883' }));
    expect(() => resolveFunction('array_length', [U, types.int4])).toThrow(expect.objectContaining({
      code: '42804', message: 'could not determine polymorphic type because input has type unknown',
    }));
  });

  it('knows which names are aggregates', () => {
    expect(isAggregateName('count')).toBe(true);
    expect(isAggregateName('pg_catalog.sum')).toBe(true);
    expect(isAggregateName('lower')).toBe(false);
    expect(functionExists('lower')).toBe(true);
    expect(functionExists('nosuch')).toBe(false);
  });

  it('marks volatility and strictness', () => {
    expect(resolveFunction('now', []).volatility).toBe('stable');
    expect(resolveFunction('random', []).volatility).toBe('volatile');
    expect(resolveFunction('lower', [types.text]).volatility).toBe('immutable');
    expect(resolveFunction('concat', [types.text]).strict).toBe(false);
    expect(resolveFunction('nextval', [types.regclass]).async).toBe(true);
  });
});

describe('operator resolution', () => {
  it.each([
    ['+', types.int4, U, 'integer + integer → integer'],
    ['=', U, types.int8, 'bigint = bigint → boolean'],
    ['+', types.int4, types.int8, 'integer + bigint → bigint'],
    ['+', types.int2, types.int4, 'smallint + integer → integer'],
    ['+', types.int4, types.numeric, 'numeric + numeric → numeric'],
    ['+', types.int4, types.float4, 'double precision + real → double precision'],
    ['=', types.varchar, types.text, 'text = text → boolean'],
    ['=', types.varchar, types.varchar, 'text = text → boolean'],
    ['=', types.date, types.timestamp, 'timestamp without time zone = timestamp without time zone → boolean'],
    ['||', U, types.int4, 'text || integer → text'],
    ['||', U, U, 'text || text → text'],
    ['~~', U, U, 'text ~~ text → boolean'],
    ['-', types.timestamptz, U, 'timestamp with time zone - timestamp with time zone → interval'],
    ['-', types.date, U, 'date - date → integer'],
    ['->>', types.jsonb, U, 'jsonb ->> text → text'],
    ['->', types.jsonb, types.int4, 'jsonb -> integer → jsonb'],
    ['@>', arrayOf(types.int4), arrayOf(types.int4), 'integer[] @> integer[] → boolean'],
    ['=', arrayOf(types.text), U, 'text[] = text[] → boolean'],
    ['-', null, types.int4, ' - integer → integer'],
  ] as [string, SqlType | null, SqlType, string][])('%s %o %o', (op, l, r, expected) => {
    expect(opSig(op, l, r)).toBe(expected);
  });

  it('reports missing operators with the hint', () => {
    expect(() => resolveOperator('+', types.int4, types.text)).toThrow(expect.objectContaining({
      code: '42883', message: 'operator does not exist: integer + text',
      fields: { hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.' },
    }));
    expect(() => resolveOperator('-', null, types.text)).toThrow(expect.objectContaining({ message: 'operator does not exist: - text' }));
    expect(() => resolveOperator('-', null, U)).toThrow(expect.objectContaining({ code: '42725', message: 'operator is not unique: - unknown' }));
  });
});

describe('session functions', () => {
  it('read the EvalContext', () => {
    expect(show('now()')).toBe('2024-01-02 03:04:05.123456+00');
    expect(show('now()', makeCtx('America/New_York'))).toBe('2024-01-01 22:04:05.123456-05');
    expect(show('current_date()')).toBe('2024-01-02');
    expect(show('current_date()', makeCtx('America/New_York'))).toBe('2024-01-01');
    expect(show('localtimestamp()', makeCtx('Asia/Tokyo'))).toBe('2024-01-02 12:04:05.123456');
    expect(show('current_database()')).toBe('shoal');
    expect(show('current_user()')).toBe('root');
    expect(show('pg_backend_pid()')).toBe('4242');
    expect(show('random()')).toBe('0.5');
    expect(show("current_setting('timezone')")).toBe('UTC');
    expect(show("set_config('application_name', 'x', false)")).toBe('x');
    expect(show("current_setting('application_name')")).toBe('x');
    expect(show('version()')).toMatch(/^PostgreSQL 15/);
    expect(show("to_char('2024-01-02 03:04:05+00'::timestamptz, 'HH24:MI TZ')", makeCtx('Asia/Kolkata'))).toBe('08:34 +05:30');
    expect(show("date_trunc('day', '2024-03-10 12:00+00'::timestamptz)", makeCtx('America/New_York'))).toBe('2024-03-10 00:00:00-05');
    expect(show("'2024-03-09 12:00-05'::timestamptz + '1 day'::interval", makeCtx('America/New_York'))).toBe('2024-03-10 12:00:00-04');
    expect(show("'2024-03-09 12:00-05'::timestamptz + '24 hours'::interval", makeCtx('America/New_York'))).toBe('2024-03-10 13:00:00-04');
  });

  it('gen_random_uuid gives version 4 UUIDs', () => {
    expect(show('gen_random_uuid()')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
