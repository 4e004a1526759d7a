// casts: each expression evaluated through resolveFunction/resolveOperator and
// formatText, compared with what PostgreSQL 15 prints for `SELECT <expr>` (TimeZone UTC).
// Generated from a local PostgreSQL 15; '' stands for NULL.

import { describe, expect, it } from 'vitest';
import { show } from '../builtins/harness.js';
import { SqlError } from '../../../sql/errors.js';

const VALUES: [string, string][] = [
  ["true::varchar", "true"],
  ["true::text", "true"],
  ["true::char(5)", "true "],
  ["'a  '::char(3)::text", "a"],
  ["'abc'::varchar(2)", "ab"],
  ["'ab '::varchar(2)", "ab"],
  ["'abc'::char(5)", "abc  "],
  ["'abcdef'::char(3)", "abc"],
  ["1.5::int4", "2"],
  ["2.5::int4", "3"],
  ["(-2.5)::int4", "-3"],
  ["2.5::float8::int4", "2"],
  ["3.5::float8::int4", "4"],
  ["(-2.5)::float8::int4", "-2"],
  ["1e10::float8::numeric", "10000000000"],
  ["0.1::float4::numeric", "0.1"],
  ["0.1::float8::numeric", "0.1"],
  ["(1.0 / 3)::float8::numeric", "0.333333333333333"],
  ["12345.678::numeric(7,2)", "12345.68"],
  ["1e10::int8", "10000000000"],
  ["1.5::numeric::float8", "1.5"],
  ["'1.50'::numeric::text", "1.50"],
  ["1.5::float8::text", "1.5"],
  ["1::int4::bool", "t"],
  ["0::int4::bool", "f"],
  ["true::int4", "1"],
  ["'2024-01-01'::date::timestamptz", "2024-01-01 00:00:00+00"],
  ["'2024-01-01 12:34:56'::timestamp::date", "2024-01-01"],
  ["'2024-01-01 12:34:56+00'::timestamptz::date", "2024-01-01"],
  ["'2024-01-01 12:34:56+00'::timestamptz::time", "12:34:56"],
  ["'2024-01-01 12:34:56'::timestamp::time", "12:34:56"],
  ["'12:34:56'::time::interval", "12:34:56"],
  ["'1 day 03:00'::interval::time", "03:00:00"],
  ["'2024-01-01 12:34:56.789'::timestamp(0)", "2024-01-01 12:34:57"],
  ["'2024-01-01 12:34:56.785'::timestamp(2)", "2024-01-01 12:34:56.79"],
  ["'12:34:56.789'::time(1)", "12:34:56.8"],
  ["1::oid", "1"],
  ["(-1)::int4::oid", "4294967295"],
  ["4294967295::oid::int4", "-1"],
  ["4294967295::oid::int8", "4294967295"],
  ["'{\"a\":1}'::json::jsonb", "{\"a\": 1}"],
  ["'{\"b\":1,\"a\":2}'::jsonb::json", "{\"a\": 2, \"b\": 1}"],
  ["'1'::jsonb::int4", "1"],
  ["'1.5'::jsonb::numeric", "1.5"],
  ["'true'::jsonb::bool", "t"],
  ["'{1,2,3}'::int4[]::text[]", "{1,2,3}"],
  ["'{1.5,2.5}'::numeric[]::int4[]", "{2,3}"],
  ["'{a,bcd}'::text[]::varchar(2)[]", "{a,bc}"],
  ["'abc'::text::bytea", "\\x616263"],
  ["'\\x6869'::bytea::text", "\\x6869"],
  ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid::text", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"],
  ["12::int4::text", "12"],
  ["'12'::text::int4", "12"],
  ["'2024-01-02'::date::text", "2024-01-02"],
  ["'{1,2}'::int4[]::text", "{1,2}"],
  ["'3'::text::int8", "3"],
  ["'1.50'::text::numeric", "1.50"],
  ["' true '::text::bool", "t"],
  ["'int4'::text::regtype", "integer"],
  ["'int4'::regtype::oid", "23"],
  ["23::oid::regtype", "integer"],
  ["'pg_catalog.varchar'::regtype", "character varying"],
];

const ERRORS: [string, string, string][] = [
  ["123456::numeric(5,2)", "22003", "numeric field overflow"],
  ["'Infinity'::numeric(5,2)", "22003", "numeric field overflow"],
  ["'NaN'::numeric::int4", "0A000", "cannot convert NaN to integer"],
  ["1e10::int4", "22003", "integer out of range"],
  ["70000::int2", "22003", "smallint out of range"],
  ["9223372036854775807::int8::int4", "22003", "integer out of range"],
  ["(-1)::int8::oid", "22003", "OID out of range"],
  ["'{\"a\":1}'::jsonb::int4", "22023", "cannot cast jsonb object to type integer"],
  ["'\"x\"'::jsonb::int4", "22023", "cannot cast jsonb string to type integer"],
  ["'x'::text::int4", "22P02", "invalid input syntax for type integer: \"x\""],
  ["1::int4::date", "42846", "cannot cast type integer to date"],
  ["'1 day'::interval::int4", "42846", "cannot cast type interval to integer"],
];

describe('casts: values', () => {
  it.each(VALUES)('%s → %j', (expr, expected) => {
    expect(show(expr)).toBe(expected);
  });
});

describe('casts: errors', () => {
  it.each(ERRORS)('%s → %s %s', (expr, code, message) => {
    let err: unknown;
    try {
      show(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect({ code: (err as SqlError).code, message: (err as SqlError).message }).toEqual({ code, message });
  });
});
