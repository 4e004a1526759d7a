// Type I/O fixed against PostgreSQL 15: float output under extra_float_digits <= 0, uuid input
// forms, numeric input limits, numeric → float overflow messages, regtype output of char(n),
// and the jsonb datum (JsonNumber keeps the numeric text, JSON_NULL is not SQL NULL) with the
// json parser's messages. Expected values come from a local PostgreSQL 15.

import { describe, expect, it } from 'vitest';
import {
  castDatum, compareDatums, datumKey, formatFloatG, jsonDepthMax, formatText, JSON_NULL, JsonNumber, jsonbEqual, parseJson,
  parseText, types, withTypmod,
} from '../../../sql/types/index.js';
import type { Datum, SqlType, TypeEnv } from '../../../sql/types/index.js';

const env = (extraFloatDigits: number): TypeEnv => ({ timeZone: 'UTC', extraFloatDigits });
const f8 = (v: number, efd: number) => formatText(types.float8, v, env(efd));
const f4 = (v: number, efd: number) => formatText(types.float4, Math.fround(v), env(efd));

describe('float output and extra_float_digits', () => {
  it.each([
    [0.1 + 0.2, '0.3'], [1 / 3, '0.333333333333333'], [2.5, '2.5'], [1e15, '1e+15'], [1e14, '100000000000000'],
    [123456789012345678, '1.23456789012346e+17'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1000000000000005, '1e+15'],
    [1.5e300, '1.5e+300'], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [1e16, '1e+16'],
    [12345678901234.5, '12345678901234.5'], [-0, '-0'],
  ])('float8 %d at extra_float_digits 0 prints %s', (v, expected) => {
    expect(f8(v, 0)).toBe(expected);
  });

  it('float4 uses 6 + extra_float_digits significant digits', () => {
    expect([1 / 3, 1e6, 123456, 1234567, 2.5, 0.1, 3.4e38, 1e-40].map((v) => f4(v, 0)))
      .toEqual(['0.333333', '1e+06', '123456', '1.23457e+06', '2.5', '0.1', '3.4e+38', '9.99995e-41']);
    expect([25, 2.5, 123].map((v) => f4(v, -15))).toEqual(['2e+01', '2', '1e+02']);
  });

  it('negative settings drop digits and round exact ties to even, as glibc printf', () => {
    expect([1 / 3, 1e13, Math.PI, 12345.678].map((v) => f8(v, -3))).toEqual(['0.333333333333', '1e+13', '3.14159265359', '12345.678']);
    expect([1 / 3, 25, 2.5, 0.5, 15, 35, 0.25].map((v) => f8(v, -15))).toEqual(['0.3', '2e+01', '2', '0.5', '2e+01', '4e+01', '0.2']);
    expect(formatFloatG(1000000000000005, 15)).toBe('1e+15');
  });

  it('positive settings (and no setting) print the shortest round-trip digits', () => {
    expect(f8(0.1 + 0.2, 3)).toBe('0.30000000000000004');
    expect(f8(1 / 3, 1)).toBe('0.3333333333333333');
    expect(formatText(types.float8, 0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatText(arrayOfFloat8(), { dims: [2], lowerBounds: [1], elements: [0.1 + 0.2, 2.5] }, env(0))).toBe('{0.3,2.5}');
  });
});

function arrayOfFloat8(): SqlType {
  return { kind: 'array', oid: 1022, typmod: -1, elem: types.float8 };
}

describe('uuid input', () => {
  it.each([
    ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'],
    ['{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}'],
    ['a0eebc999c0b4ef8bb6d6bb9bd380a11'],
    ['a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11'],
    ['{a0eebc999c0b4ef8bb6d6bb9bd380a11}'],
  ])('%s reads as the canonical uuid', (text) => {
    expect(parseText(types.uuid, text)).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  });

  it.each([
    [' a0eebc999c0b4ef8bb6d6bb9bd380a11'], ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-'], ['a0e-ebc999c0b4ef8bb6d6bb9bd380a11'],
    ['{a0eebc999c0b4ef8bb6d6bb9bd380a11'], ['a0eebc999c0b4ef8bb6d6bb9bd380a1'], ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g'],
  ])('%s is 22P02', (text) => {
    expect(() => parseText(types.uuid, text)).toThrow(expect.objectContaining({
      code: '22P02', message: `invalid input syntax for type uuid: "${text}"`,
    }));
  });
});

describe('numeric limits and numeric → float', () => {
  it('accepts what PostgreSQL 15 stores and refuses the rest with 22003', () => {
    expect(formatText(types.numeric, parseText(types.numeric, '1e1001')).length).toBe(1002);
    expect(formatText(types.numeric, parseText(types.numeric, '1e131071')).length).toBe(131072);
    expect(formatText(types.numeric, parseText(types.numeric, '1e-16383')).length).toBe(16385);
    for (const text of ['1e131072', '1e-16384', '0e-20000', '0.1e-16383', '1e99999999999']) {
      expect(() => parseText(types.numeric, text), text).toThrow(expect.objectContaining({ code: '22003', message: 'value overflows numeric format' }));
    }
  });

  it('names the numeric text when a float cast overflows or underflows', () => {
    const cast = (text: string, to: SqlType): Datum => castDatum(parseText(types.numeric, text), types.numeric, to, 'explicit');
    expect(() => cast('1e39', types.float4)).toThrow(expect.objectContaining({
      code: '22003', message: '"1000000000000000000000000000000000000000" is out of range for type real',
    }));
    expect(() => cast('1e-50', types.float4)).toThrow(expect.objectContaining({
      code: '22003', message: '"0.00000000000000000000000000000000000000000000000001" is out of range for type real',
    }));
    expect(() => cast('1e400', types.float8)).toThrow(expect.objectContaining({ code: '22003', message: expect.stringMatching(/^"10{400}" is out of range for type double precision$/) }));
    expect(formatText(types.float4, cast('1.5e-45', types.float4))).toBe('1e-45');
    expect(cast('2.5', types.float8)).toBe(2.5);
  });

  it('float → numeric reads %.15g / %.6g text (ties to even)', () => {
    expect(formatText(types.numeric, castDatum(1000000000000005, types.float8, types.numeric, 'explicit'))).toBe('1000000000000000');
    expect(formatText(types.numeric, castDatum(0.1 + 0.2, types.float8, types.numeric, 'explicit'))).toBe('0.3');
    expect(formatText(types.numeric, castDatum(Math.fround(1.1), types.float4, types.numeric, 'explicit'))).toBe('1.1');
  });
});

describe('regtype output', () => {
  it('says character for bpchar, as format_type_be', () => {
    expect(formatText(types.regtype, types.bpchar.oid)).toBe('character');
    expect(formatText(types.regtype, 1014)).toBe('character[]');
    expect(formatText(types.regtype, types.varchar.oid)).toBe('character varying');
    expect(formatText(types.regtype, types.char.oid)).toBe('"char"');
  });
});

describe('jsonb datums', () => {
  const out = (text: string) => formatText(types.jsonb, parseText(types.jsonb, text));

  it('keeps numbers as numeric text', () => {
    expect(out(' {"k" : 1.50 , "e": 1e3, "n": -0.0} ')).toBe('{"e": 1000, "k": 1.50, "n": 0.0}');
    expect(out('[1.0, 1e0, 10e-1, -0, 1E+2, 1.5e1]')).toBe('[1.0, 1, 1.0, 0, 100, 15]');
    expect(out('18446744073709551617')).toBe('18446744073709551617');
    expect(out('[1e-3, 12345678901234567890123]')).toBe('[0.001, 12345678901234567890123]');
    expect(parseJson('2.50', true)).toBeInstanceOf(JsonNumber);
  });

  it('keeps JSON null as a value, distinct from SQL NULL and from {}', () => {
    const v = parseText(types.jsonb, 'null');
    expect(v).toBe(JSON_NULL);
    expect(v).not.toBeNull();
    expect(formatText(types.jsonb, v)).toBe('null');
    expect(datumKey(types.jsonb, v)).not.toBe(datumKey(types.jsonb, parseJson('{}', true)));
    expect(out('{"a": null, "b": [null]}')).toBe('{"a": null, "b": [null]}');
  });

  it('compares and hashes numbers by value (1.50 = 1.5)', () => {
    const a = parseJson('[1.50, {"x": 2}]', true), b = parseJson('[1.5, {"x": 2.0}]', true);
    expect(jsonbEqual(a, b)).toBe(true);
    expect(datumKey(types.jsonb, a)).toBe(datumKey(types.jsonb, b));
    expect(compareDatums(types.jsonb, parseJson('10', true), parseJson('9.99', true))).toBeGreaterThan(0);
    expect(compareDatums(types.jsonb, JSON_NULL, parseJson('""', true))).toBeLessThan(0);
  });

  it('casts numbers to numeric with their scale', () => {
    expect(formatText(types.numeric, castDatum(parseJson('1.50', true), types.jsonb, types.numeric, 'explicit'))).toBe('1.50');
    expect(castDatum(parseJson('1.5', true), types.jsonb, types.int4, 'explicit')).toBe(2);
    expect(formatText(withTypmod(types.numeric, ((5 << 16) | 1) + 4), castDatum(parseJson('1.25', true), types.jsonb, withTypmod(types.numeric, ((5 << 16) | 1) + 4), 'explicit'))).toBe('1.3');
    expect(() => castDatum(JSON_NULL, types.jsonb, types.int4, 'explicit')).toThrow(expect.objectContaining({
      code: '22023', message: 'cannot cast jsonb null to type integer',
    }));
    expect(() => castDatum(parseJson('"1"', true), types.jsonb, types.numeric, 'explicit')).toThrow(expect.objectContaining({
      code: '22023', message: 'cannot cast jsonb string to type numeric',
    }));
  });

  it('treats "__proto__" as an ordinary key and keeps the last of repeated keys', () => {
    expect(out('{"__proto__": {"x": 1}, "a": 1, "a": 2}')).toBe('{"a": 2, "__proto__": {"x": 1}}');
  });

  it.each([
    ['{"a":1', 'The input string ended unexpectedly.'],
    ['[1 2]', 'Expected "," or "]", but found "2".'],
    ['{"a" 1}', 'Expected ":", but found "1".'],
    ['{1:2}', 'Expected string or "}", but found "1".'],
    ['tru', 'Token "tru" is invalid.'],
    ['"abc', 'Token ""abc" is invalid.'],
    ['"a\\q"', 'Escape sequence "\\q" is invalid.'],
    ['"\\u12"', '"\\u" must be followed by four hexadecimal digits.'],
    ['"\\ud800"', 'Unicode low surrogate must follow a high surrogate.'],
    ['"\\udc00"', 'Unicode low surrogate must follow a high surrogate.'],
    ['"\\ud800\\ud800"', 'Unicode high surrogate must not follow a high surrogate.'],
    ['[1,]', 'Expected JSON value, but found "]".'],
    ['{"a":1,}', 'Expected string, but found "}".'],
    ['', 'The input string ended unexpectedly.'],
    ['1 2', 'Expected end of input, but found "2".'],
    ['[-]', 'Token "-" is invalid.'],
    ['1e', 'Token "1e" is invalid.'],
    ['1.5x', 'Token "1.5x" is invalid.'],
    ['01', 'Token "01" is invalid.'],
    ['1.', 'Token "1." is invalid.'],
    ['@', 'Token "@" is invalid.'],
    ['[1}', 'Expected "," or "]", but found "}".'],
    ['"a\tb"', 'Character with value 0x09 must be escaped.'],
  ])('%j is 22P02 with detail %s', (text, detail) => {
    expect(() => parseText(types.jsonb, text)).toThrow(expect.objectContaining({
      code: '22P02', message: 'invalid input syntax for type json', fields: expect.objectContaining({ detail }),
    }));
  });

  it('decodes escapes; jsonb refuses \\u0000 (22P05), json accepts it', () => {
    expect(formatText(types.jsonb, parseText(types.jsonb, '"\\u00e9\\ud83d\\ude00\\n\\/"'))).toBe('"é😀\\n/"');
    expect(() => parseText(types.jsonb, '"\\u0000"')).toThrow(expect.objectContaining({ code: '22P05' }));
    expect(parseText(types.json, '"\\u0000"')).toBe('"\\u0000"');
  });

  it('refuses absurd nesting with 54001 instead of overflowing the stack', () => {
    expect(() => parseText(types.jsonb, '['.repeat(100000))).toThrow(expect.objectContaining({ code: '54001' }));
    const deep = '['.repeat(jsonDepthMax) + ']'.repeat(jsonDepthMax);
    expect(out(deep)).toBe(deep);
    expect(datumKey(types.jsonb, parseJson(deep, true))).toBeTypeOf('string');
    expect(() => parseText(types.jsonb, '[' + deep + ']')).toThrow(expect.objectContaining({ code: '54001' }));
  });
});
