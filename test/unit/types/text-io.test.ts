// Round trips through parseText/formatText, each expected string as PostgreSQL 15 prints it
// (verified against a local PostgreSQL 15 server).

import { describe, expect, it } from 'vitest';
import { formatText, parseText, typeFromName, types } from '../../../sql/types/index.js';
import type { SqlType } from '../../../sql/types/index.js';
import { SqlError } from '../../../sql/errors.js';

const ny = { timeZone: 'America/New_York' };

// [type, input, output]
const ROUND_TRIPS: [SqlType, string, string][] = [
  [types.int4, ' 12 ', '12'],
  [types.int2, '+5', '5'],
  [types.int8, '-9223372036854775808', '-9223372036854775808'],
  [types.int4, '-0', '0'],
  [types.float8, '0.1', '0.1'],
  [types.float8, '1e15', '1e+15'],
  [types.float8, '123456789012345', '123456789012345'],
  [types.float8, '0.00001', '1e-05'],
  [types.float8, '0.0001', '0.0001'],
  [types.float8, '-0', '-0'],
  [types.float8, '1e100', '1e+100'],
  [types.float8, '1.5e-7', '1.5e-07'],
  [types.float8, '123456789012345678', '1.2345678901234568e+17'],
  [types.float8, 'NaN', 'NaN'],
  [types.float8, '-inf', '-Infinity'],
  [types.float4, '1e6', '1e+06'],
  [types.float4, '123456', '123456'],
  [types.float4, '1234567', '1.234567e+06'],
  [types.float4, '3.14159265', '3.1415927'],
  [types.float4, '1.1', '1.1'],
  [types.numeric, '1.50', '1.50'],
  [types.numeric, '-0.00', '0.00'],
  [types.numeric, '1.5e3', '1500'],
  [types.numeric, '1e-3', '0.001'],
  [types.numeric, ' .5 ', '0.5'],
  [types.numeric, 'nan', 'NaN'],
  [types.numeric, '-Infinity', '-Infinity'],
  [typeFromName('numeric', [10, 2]), '3.14159', '3.14159'],
  [types.bool, 'y', 't'],
  [types.bool, ' on ', 't'],
  [types.bool, 'of', 'f'],
  [types.bool, '0', 'f'],
  [types.bytea, '\\x0102ff', '\\x0102ff'],
  [types.bytea, 'a\\\\b\\101', '\\x615c6241'],
  [types.bytea, '\\x 01 02', '\\x0102'],
  [types.uuid, '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  [types.uuid, 'a0eebc999c0b4ef8bb6d6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  [types.oid, '-1', '4294967295'],
  [types.char, 'abc', 'a'],
  [types.regtype, 'int4', 'integer'],
  [types.regtype, 'varchar', 'character varying'],
  [types.regclass, '0', '-'],
  [types.date, '2024-01-02', '2024-01-02'],
  [types.date, 'Jan 8 1999', '1999-01-08'],
  [types.date, '1/8/1999', '1999-01-08'],
  [types.date, '19990108', '1999-01-08'],
  [types.date, '08-Jan-1999', '1999-01-08'],
  [types.date, 'January 8, 1999', '1999-01-08'],
  [types.date, 'Mon Jan 08 1999', '1999-01-08'],
  [types.date, ' 2024-01-01 ', '2024-01-01'],
  [types.date, '1999-01-08 04:05:06', '1999-01-08'],
  [types.date, '0001-01-01 BC', '0001-01-01 BC'],
  [types.date, '4714-11-24 BC', '4714-11-24 BC'],
  [types.date, '10000-01-01', '10000-01-01'],
  [types.date, 'infinity', 'infinity'],
  [types.date, 'epoch', '1970-01-01'],
  [types.time, '12:00:00.9999996', '12:00:01'],
  [types.time, '10:00 pm', '22:00:00'],
  [types.time, '12:00 am', '00:00:00'],
  [types.time, 'allballs', '00:00:00'],
  [types.time, '24:00:00', '24:00:00'],
  [types.time, '04:05:06.5', '04:05:06.5'],
  [types.timestamp, '2024-01-01 12:00:00.1234565', '2024-01-01 12:00:00.123456'],
  [types.timestamp, '2024-01-01 10:00:00-08', '2024-01-01 10:00:00'],
  [types.timestamp, '2024-01-01 24:00:00', '2024-01-02 00:00:00'],
  [types.timestamp, '2024-01-01 23:59:60', '2024-01-02 00:00:00'],
  [types.timestamp, '2024-01-02T03:04:05.123456', '2024-01-02 03:04:05.123456'],
  [types.timestamp, '-infinity', '-infinity'],
  [types.timestamptz, '2024-01-01T10:00:00Z', '2024-01-01 10:00:00+00'],
  [types.timestamptz, '2024-01-01 10:00 PST', '2024-01-01 18:00:00+00'],
  [types.timestamptz, '2024-01-01 10:00:00 America/New_York', '2024-01-01 15:00:00+00'],
  [types.timestamptz, '2024-01-01 10:00:00+0530', '2024-01-01 04:30:00+00'],
  [types.timestamptz, '2024-01-01 12:00:00.5 +05:30', '2024-01-01 06:30:00.5+00'],
  [types.timestamptz, '2024-01-01 12:00', '2024-01-01 12:00:00+00'],
  [types.interval, '1 day', '1 day'],
  [types.interval, '1 year 2 months 3 days 04:05:06.789', '1 year 2 mons 3 days 04:05:06.789'],
  [types.interval, '-1 days +02:00:00', '-1 days +02:00:00'],
  [types.interval, '1 day ago', '-1 days'],
  [types.interval, '1.5 days', '1 day 12:00:00'],
  [types.interval, '1.5 months', '1 mon 15 days'],
  [types.interval, '1.5 years', '1 year 6 mons'],
  [types.interval, '3 hours 2 minutes', '03:02:00'],
  [types.interval, '0', '00:00:00'],
  [types.interval, '5', '00:00:05'],
  [types.interval, 'P1Y2M3DT4H5M6S', '1 year 2 mons 3 days 04:05:06'],
  [types.interval, '@ 2 weeks', '14 days'],
  [types.interval, '-01:30:00', '-01:30:00'],
  [types.interval, '25:00:00', '25:00:00'],
  [types.interval, '1-2', '1 year 2 mons'],
  [types.interval, '1 day -1 hours', '1 day -01:00:00'],
  [types.interval, '-1 year 2 mons', '-10 mons'],
  [types.interval, '-1 day 2 hours', '-1 days +02:00:00'],
  [types.interval, '100 ms', '00:00:00.1'],
  [types.jsonb, '{"b":1,"aa":2,"a":[1,2.5,{}],"10":null,"9":1e2}', '{"9": 100, "a": [1, 2.5, {}], "b": 1, "10": null, "aa": 2}'],
  [types.jsonb, '{"x":  1e21, "y": 1.5e-7}', '{"x": 1000000000000000000000, "y": 0.00000015}'],
  [types.jsonb, '"a\\nb"', '"a\\nb"'],
  [types.json, '{"a" :1}', '{"a" :1}'],
  [typeFromName('text', [], [-1]), '{"a b", "", "NULL", NULL, "x\\"y", "c\\\\d"}', '{"a b","","NULL",NULL,"x\\"y","c\\\\d"}'],
  [typeFromName('int4', [], [-1]), '{{1,2},{3,4}}', '{{1,2},{3,4}}'],
  [typeFromName('int4', [], [-1]), '[0:1]={1,2}', '[0:1]={1,2}'],
  [typeFromName('text', [], [-1]), '{ a , "b c" , NULL }', '{a,"b c",NULL}'],
  [typeFromName('float8', [], [-1]), '{1.5,1e20}', '{1.5,1e+20}'],
  [typeFromName('bytea', [], [-1]), '{"\\\\x01"}', '{"\\\\x01"}'],
  [typeFromName('bool', [], [-1]), '{t,false}', '{t,f}'],
  [typeFromName('int4', [], [-1]), '{}', '{}'],
];

describe('parseText → formatText', () => {
  it.each(ROUND_TRIPS.map(([t, i, o]) => [t.kind + (t.elem ? '[]' : ''), i, o, t] as const))('%s %j → %j', (_k, input, output, t) => {
    expect(formatText(t, parseText(t, input))).toBe(output);
  });
});

describe('timestamptz in a session time zone', () => {
  const cases: [string, string, string][] = [
    ['America/New_York', '2024-03-10 02:30', '2024-03-10 03:30:00-04'],
    ['America/New_York', '2024-11-03 01:30', '2024-11-03 01:30:00-05'],
    ['America/New_York', '2024-07-01 12:00:00+00', '2024-07-01 08:00:00-04'],
    ['America/New_York', '1850-01-01 00:00:00+00', '1849-12-31 19:03:58-04:56:02'],
    ['America/New_York', '0001-01-01 00:00:00+00', '0001-12-31 19:03:58-04:56:02 BC'],
    ['Asia/Kolkata', '2024-01-01 12:00:00+00', '2024-01-01 17:30:00+05:30'],
    ['Asia/Kolkata', '2024-01-01 12:00:00.5+05:45', '2024-01-01 11:45:00.5+05:30'],
    ['Asia/Kolkata', 'epoch', '1970-01-01 05:30:00+05:30'],
    ['UTC+3', '2024-01-01 12:00:00+00', '2024-01-01 09:00:00-03'],
    ['+3', '2024-01-01 12:00:00+00', '2024-01-01 15:00:00+03'],
  ];
  it.each(cases)('%s: %s → %s', (zone, input, output) => {
    const env = { timeZone: zone };
    expect(formatText(types.timestamptz, parseText(types.timestamptz, input, env), env)).toBe(output);
  });
  it('reads local times in the session zone', () => {
    expect(formatText(types.timestamptz, parseText(types.timestamptz, '2024-06-01 12:00', ny))).toBe('2024-06-01 16:00:00+00');
  });
});

// [type, input, SQLSTATE, message]
const ERRORS: [SqlType, string, string, string][] = [
  [types.int4, 'abc', '22P02', 'invalid input syntax for type integer: "abc"'],
  [types.int4, '', '22P02', 'invalid input syntax for type integer: ""'],
  [types.int4, '1.5', '22P02', 'invalid input syntax for type integer: "1.5"'],
  [types.int4, '3000000000', '22003', 'value "3000000000" is out of range for type integer'],
  [types.int2, '40000', '22003', 'value "40000" is out of range for type smallint'],
  [types.int8, '9223372036854775808', '22003', 'value "9223372036854775808" is out of range for type bigint'],
  [types.int8, 'x', '22P02', 'invalid input syntax for type bigint: "x"'],
  [types.float8, '1e400', '22003', '"1e400" is out of range for type double precision'],
  [types.float4, '1e40', '22003', '"1e40" is out of range for type real'],
  [types.float4, 'abc', '22P02', 'invalid input syntax for type real: "abc"'],
  [types.numeric, 'abc', '22P02', 'invalid input syntax for type numeric: "abc"'],
  [types.bool, 'o', '22P02', 'invalid input syntax for type boolean: "o"'],
  [types.bytea, '\\x0g', '22023', 'invalid hexadecimal digit: "g"'],
  [types.uuid, 'xx', '22P02', 'invalid input syntax for type uuid: "xx"'],
  [types.date, '2024-13-01', '22008', 'date/time field value out of range: "2024-13-01"'],
  [types.date, '2024-02-30', '22008', 'date/time field value out of range: "2024-02-30"'],
  [types.date, 'abc', '22007', 'invalid input syntax for type date: "abc"'],
  [types.date, '0000-01-01', '22008', 'date/time field value out of range: "0000-01-01"'],
  [types.date, '5874898-01-01', '22008', 'date out of range: "5874898-01-01"'],
  [types.date, '4714-11-23 BC', '22008', 'date out of range: "4714-11-23 BC"'],
  [types.timestamp, 'abc', '22007', 'invalid input syntax for type timestamp: "abc"'],
  [types.timestamp, '294277-01-01', '22008', 'timestamp out of range: "294277-01-01"'],
  [types.time, '25:00', '22008', 'date/time field value out of range: "25:00"'],
  [types.interval, 'abc', '22007', 'invalid input syntax for type interval: "abc"'],
  [types.jsonb, '{"a":', '22P02', 'invalid input syntax for type json'],
  [types.jsonb, 'x', '22P02', 'invalid input syntax for type json'],
  [typeFromName('int4', [], [-1]), '{1,2', '22P02', 'malformed array literal: "{1,2"'],
  [typeFromName('int4', [], [-1]), '{{1},2}', '22P02', 'malformed array literal: "{{1},2}"'],
  [typeFromName('int4', [], [-1]), '{1,x}', '22P02', 'invalid input syntax for type integer: "x"'],
];

describe('input errors', () => {
  it.each(ERRORS.map(([t, i, c, m]) => [t.kind, i, c, m, t] as const))('%s %j → %s %s', (_k, input, code, message, t) => {
    let err: unknown;
    try {
      parseText(t, input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe(code);
    expect((err as SqlError).message).toBe(message);
  });
  it('jsonb errors carry the detail PostgreSQL gives', () => {
    expect(() => parseText(types.jsonb, '{"a":')).toThrow(expect.objectContaining({ fields: { detail: 'The input string ended unexpectedly.' } }));
    expect(() => parseText(types.jsonb, 'x')).toThrow(expect.objectContaining({ fields: { detail: 'Token "x" is invalid.' } }));
  });
});
