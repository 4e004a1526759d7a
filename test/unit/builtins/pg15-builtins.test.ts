// Builtins fixed against PostgreSQL 15: LIKE ... ESCAPE (like_escape), get/set_byte and
// get/set_bit, char(n) in octet_length and ||, pg_typeof of char(n), glibc's cbrt, and jsonb
// with JSON null as a value and numbers that keep their numeric text. Expected values come
// from a local PostgreSQL 15 (`SELECT (<expr>)::text`; '' stands for NULL).

import { describe, expect, it } from 'vitest';
import { makeCtx, show } from './harness.js';
import { resolveOperator, resolveSetFunction } from '../../../sql/builtins/index.js';
import { parseJson, types } from '../../../sql/types/index.js';
import type { Datum } from '../../../sql/types/index.js';
import { formatText } from '../../../sql/types/index.js';

const VALUES: [string, string][] = [
  ["like_escape('a#_c', '#')", "a\\_c"],
  ["like_escape('a\\b%', '')", "a\\\\b%"],
  ["like_escape('a\\b#%##', '#')", "a\\\\b\\%\\#"],
  ["like_escape('x%', '\\')", "x%"],
  ["'a_c' ~~ like_escape('a#_c', '#')", "t"],
  ["'abc' ~~ like_escape('a#_c', '#')", "f"],
  ["get_byte('\\x0102ff'::bytea, 2)", "255"],
  ["set_byte('\\x0102'::bytea, 1, 255)", "\\x01ff"],
  ["set_byte('\\x0102'::bytea, 0, 256)", "\\x0002"],
  ["get_bit('\\x0180'::bytea, 15)", "1"],
  ["get_bit('\\x0102'::bytea, 9)", "1"],
  ["set_bit('\\x00'::bytea, 1, 1)", "\\x02"],
  ["set_bit('\\xff'::bytea, 0, 0)", "\\xfe"],
  ["octet_length('ab'::char(4))", "4"],
  ["octet_length('é'::char(3))", "4"],
  ["length('ab  '::char(4))", "2"],
  ["'a'::char(3) || 'b'", "ab"],
  ["'a'::char(3) || 1", "a1"],
  ["'a'::char(3) || 'b'::char(3)", "ab"],
  ["'x'::varchar || 'y'::char(3)", "xy"],
  ["pg_typeof('a'::char(3))", "character"],
  ["pg_typeof('a'::char(3) || 'b')", "text"],
  ["pg_typeof('a'::varchar)", "character varying"],
  ["cbrt(27::float8)", "3.0000000000000004"],
  ["cbrt(2::float8)", "1.2599210498948734"],
  ["cbrt(-8::float8)", "-2"],
  ["cbrt(1e300::float8)", "1e+100"],
  ["cbrt(5e-324::float8)", "1.7031839360032601e-108"],
  ["cbrt(123.456::float8)", "4.979327984674049"],
  ["jsonb_typeof('null')", "null"],
  ["jsonb_typeof('1.50')", "number"],
  ["'null'::jsonb", "null"],
  ["'1.50'::jsonb", "1.50"],
  ["'{\"a\": null}'::jsonb -> 'a'", "null"],
  ["'{\"a\": null}'::jsonb ->> 'a'", ""],
  ["'[1, null]'::jsonb -> 1", "null"],
  ["'{\"a\": 1.50, \"b\": [1.0, -0.0, 1e3]}'::jsonb", "{\"a\": 1.50, \"b\": [1.0, 0.0, 1000]}"],
  ["'18446744073709551617'::jsonb", "18446744073709551617"],
  ["'{\"a\": 18446744073709551617}'::jsonb ->> 'a'", "18446744073709551617"],
  ["jsonb_build_array(NULL, 1.50, 9007199254740993::int8, 'x')", "[null, 1.50, 9007199254740993, \"x\"]"],
  ["jsonb_build_object('a', NULL, 'b', 2.50)", "{\"a\": null, \"b\": 2.50}"],
  ["jsonb_strip_nulls('{\"a\": null, \"b\": [null, 1], \"c\": {\"d\": null}}')", "{\"b\": [null, 1], \"c\": {}}"],
  ["'1.50'::jsonb = '1.5'::jsonb", "t"],
  ["'[1.50, null]'::jsonb @> '[1.5]'::jsonb", "t"],
  ["'[1, 2]'::jsonb || 'null'::jsonb", "[1, 2, null]"],
  ["'null'::jsonb || '[1]'::jsonb", "[null, 1]"],
  ["'1.50'::jsonb::numeric", "1.50"],
  ["'1.5'::jsonb::int4", "2"],
  ["'12345678901234567890'::jsonb::numeric", "12345678901234567890"],
  ["to_jsonb(1.50)", "1.50"],
  ["to_jsonb(1e20::float8)", "100000000000000000000"],
  ["to_json(1e20::float8)", "1e+20"],
  ["jsonb_pretty('[]')", "[\n]"],
  ["jsonb_array_length('[1, null, 3]')", "3"],
];

describe('builtins as PostgreSQL 15 prints them', () => {
  it.each(VALUES)('%s = %s', (expr, expected) => {
    expect(show(expr)).toBe(expected);
  });
});

describe('errors', () => {
  it.each([
    ["like_escape('x', 'ab')", '22025', 'invalid escape string'],
    ["'ab' ~~ like_escape('a#', '#')", '22025', 'LIKE pattern must not end with escape character'],
    ["get_byte('\\x0102'::bytea, 2)", '2202E', 'index 2 out of valid range, 0..1'],
    ["get_byte(''::bytea, 0)", '2202E', 'index 0 out of valid range, 0..-1'],
    ["set_bit('\\x00'::bytea, 1, 2)", '22023', 'new bit must be 0 or 1'],
    ["jsonb_array_length('{}')", '22023', 'cannot get array length of a non-array'],
  ])('%s fails with %s', (expr, code, message) => {
    expect(() => show(expr)).toThrow(expect.objectContaining({ code, message }));
  });

  it('has no text = integer operator (PostgreSQL: 42883), reg* compare as oids', () => {
    expect(() => resolveOperator('=', types.text, types.int4)).toThrow(expect.objectContaining({
      code: '42883', message: 'operator does not exist: text = integer',
    }));
    const op = resolveOperator('=', types.regclass, types.regclass);
    expect([op.leftType!.kind, op.rightType.kind]).toEqual(['oid', 'oid']);
    expect(resolveOperator('=', types.oid, types.regclass).rightType.kind).toBe('oid');
  });
});

describe('jsonb set-returning functions', () => {
  const run = (name: string, json: string): string[] => {
    const f = resolveSetFunction(name, [types.unknown])!;
    expect(f.argTypes.map((t) => t.kind)).toEqual(['jsonb']);
    const rows = f.rows([parseJson(json, true)], makeCtx());
    return rows.map((r) => r.map((d: Datum, i) => (d === null ? '' : formatText(f.columns[i]!.type, d))).join('|'));
  };

  it('jsonb_each and jsonb_each_text: key order of jsonb, JSON null kept or made SQL NULL', () => {
    expect(resolveSetFunction('jsonb_each', [types.jsonb])!.columns.map((c) => `${c.name}:${c.type.oid}`)).toEqual(['key:25', 'value:3802']);
    expect(run('jsonb_each', '{"b": "two", "a": 1, "c": null, "aa": [1.50]}')).toEqual(['a|1', 'b|"two"', 'c|null', 'aa|[1.50]']);
    expect(resolveSetFunction('jsonb_each_text', [types.jsonb])!.columns.map((c) => `${c.name}:${c.type.oid}`)).toEqual(['key:25', 'value:25']);
    expect(run('jsonb_each_text', '{"b": "two", "a": 1, "c": null}')).toEqual(['a|1', 'b|two', 'c|']);
  });

  it('jsonb_object_keys, jsonb_array_elements, jsonb_array_elements_text', () => {
    expect(run('jsonb_object_keys', '{"b": 1, "a": null, "aa": [1]}')).toEqual(['a', 'b', 'aa']);
    expect(run('jsonb_array_elements', '[1, "x", {"y": 2}, null]')).toEqual(['1', '"x"', '{"y": 2}', 'null']);
    expect(run('jsonb_array_elements_text', '[1, "x", null, {"a": 1}]')).toEqual(['1', 'x', '', '{"a": 1}']);
    expect(resolveSetFunction('jsonb_array_elements', [types.jsonb])!.columns.map((c) => c.name)).toEqual(['value']);
    expect(resolveSetFunction('generate_series', [types.int4, types.int4])).toBeUndefined();
  });

  it.each([
    ['jsonb_each', '[1]', 'cannot call jsonb_each on a non-object'],
    ['jsonb_each_text', 'null', 'cannot call jsonb_each_text on a non-object'],
    ['jsonb_object_keys', '[1]', 'cannot call jsonb_object_keys on an array'],
    ['jsonb_object_keys', '1', 'cannot call jsonb_object_keys on a scalar'],
    ['jsonb_array_elements', '{}', 'cannot extract elements from an object'],
    ['jsonb_array_elements_text', '"x"', 'cannot extract elements from a scalar'],
  ])('%s(%s) fails with 22023 %s', (name, json, message) => {
    expect(() => run(name, json)).toThrow(expect.objectContaining({ code: '22023', message }));
  });
});
