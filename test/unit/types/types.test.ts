// Type names and modifiers (typeFromName / typeName = format_type), OIDs and pg_type
// metadata, ordering and hash keys, cast contexts, typmod coercion and common types.

import { describe, expect, it } from 'vitest';
import {
  canCast, canImplicitlyCast, castContextOf, coerceToTypmod, commonType, compareDatums, datumKey, datumsEqual,
  parseText, typeFromName, typeFromOid, typeMeta, typeName, types, formatText, allTypeMeta, arrayOf,
} from '../../../sql/types/index.js';
import type { SqlType } from '../../../sql/types/index.js';

describe('typeFromName and typeName', () => {
  it.each([
    ['int', [], 'integer'], ['integer', [], 'integer'], ['int4', [], 'integer'], ['serial', [], 'integer'],
    ['bigserial', [], 'bigint'], ['smallint', [], 'smallint'], ['real', [], 'real'], ['double precision', [], 'double precision'],
    ['float', [], 'double precision'], ['float', [24], 'real'], ['float', [25], 'double precision'],
    ['numeric', [10, 2], 'numeric(10,2)'], ['decimal', [5], 'numeric(5,0)'], ['numeric', [], 'numeric'],
    ['varchar', [10], 'character varying(10)'], ['character varying', [], 'character varying'],
    ['char', [3], 'character(3)'], ['character', [], 'character(1)'], ['bpchar', [], 'bpchar'], ['text', [], 'text'],
    ['boolean', [], 'boolean'], ['bool', [], 'boolean'], ['date', [], 'date'], ['time', [], 'time without time zone'],
    ['timestamp', [], 'timestamp without time zone'], ['timestamp', [3], 'timestamp(3) without time zone'],
    ['timestamptz', [], 'timestamp with time zone'], ['timestamp with time zone', [], 'timestamp with time zone'],
    ['interval', [], 'interval'], ['uuid', [], 'uuid'], ['json', [], 'json'], ['jsonb', [], 'jsonb'], ['bytea', [], 'bytea'],
    ['name', [], 'name'], ['oid', [], 'oid'], ['regclass', [], 'regclass'], ['regtype', [], 'regtype'], ['"char"', [], '"char"'],
    ['pg_catalog.int8', [], 'bigint'], ['_int4', [], 'integer[]'], ['text[]', [], 'text[]'], ['INTEGER', [], 'integer'],
  ] as [string, number[], string][])('%s%j → %s', (name, mods, expected) => {
    expect(typeName(typeFromName(name, mods))).toBe(expected);
  });

  it('builds arrays from bounds', () => {
    const t = typeFromName('varchar', [10], [-1]);
    expect(t.kind).toBe('array');
    expect(t.oid).toBe(1015);
    expect(typeName(t)).toBe('character varying(10)[]');
    expect(arrayOf(types.int4)).toBe(arrayOf(types.int4));
  });

  it.each([
    ['nosuchtype', [], '42704', 'type "nosuchtype" does not exist'],
    ['varchar', [0], '22023', 'length for type varchar must be at least 1'],
    ['numeric', [0], '22023', 'NUMERIC precision 0 must be between 1 and 1000'],
    ['float', [54], '22023', 'precision for type float must be less than 54 bits'],
    ['float', [0], '22023', 'precision for type float must be at least 1 bit'],
  ] as [string, number[], string, string][])('%s%j fails with %s', (name, mods, code, message) => {
    expect(() => typeFromName(name, mods)).toThrow(expect.objectContaining({ code, message }));
  });

  it('maps OIDs both ways, arrays included', () => {
    for (const t of [types.int4, types.text, types.numeric, types.timestamptz, types.jsonb, arrayOf(types.int8), arrayOf(types.text)]) {
      expect(typeFromOid(t.oid)).toBe(t);
    }
    expect(typeFromOid(999999)).toBeUndefined();
  });

  it('has pg_type metadata with array links', () => {
    expect(typeMeta(23)).toMatchObject({ typname: 'int4', typlen: 4, typbyval: true, typcategory: 'N', typarray: 1007 });
    expect(typeMeta(1007)).toMatchObject({ typname: '_int4', typlen: -1, typcategory: 'A', typelem: 23, typinput: 'array_in' });
    expect(typeMeta(25)).toMatchObject({ typispreferred: true, typcategory: 'S', typinput: 'textin' });
    expect(typeMeta(1184)).toMatchObject({ typinput: 'timestamptz_in', typispreferred: true });
    expect(allTypeMeta().length).toBeGreaterThan(60);
  });
});

describe('ordering and hashing', () => {
  const cmp = (t: SqlType, a: string, b: string) => Math.sign(compareDatums(t, parseText(t, a), parseText(t, b)));
  it.each([
    [types.int4, '1', '2', -1], [types.int8, '10', '9', 1], [types.float8, 'NaN', 'Infinity', 1],
    [types.float8, 'NaN', 'NaN', 0], [types.float8, '-0', '0', 0], [types.numeric, 'NaN', '1e100', 1],
    [types.numeric, '1.50', '1.5', 0], [types.text, 'a', 'B', 1], [typeFromName('char', [3]), 'a', 'a  ', 0],
    [types.bool, 'f', 't', -1], [types.interval, '1 day', '24 hours', 0], [types.interval, '1 mon', '29 days', 1],
    [types.bytea, '\\x00', '\\x0000', -1], [types.timestamptz, '2024-01-01 00:00+01', '2024-01-01 00:00+00', -1],
    [types.jsonb, '{"a":1}', '[1,2,3]', 1], [types.jsonb, 'null', '"a"', -1], [arrayOf(types.int4), '{1,2}', '{1,2,0}', -1],
    [arrayOf(types.int4), '{1,NULL}', '{1,2}', 1], [types.date, '-infinity', '1900-01-01', -1],
  ] as [SqlType, string, string, number][])('%o: %s vs %s → %d', (t, a, b, expected) => {
    expect(cmp(t, a, b)).toBe(expected);
  });

  it('gives equal datums equal keys', () => {
    const same = (t: SqlType, a: string, b: string) => datumKey(t, parseText(t, a)) === datumKey(t, parseText(t, b));
    expect(same(types.numeric, '1.50', '1.5')).toBe(true);
    expect(same(types.interval, '1 day', '24 hours')).toBe(true);
    expect(same(typeFromName('char', [3]), 'a', 'a  ')).toBe(true);
    expect(same(types.jsonb, '{"a":1,"b":2}', '{"b":2, "a":1}')).toBe(true);
    expect(same(arrayOf(types.numeric), '{1.0,2}', '{1,2.00}')).toBe(true);
    expect(same(types.text, 'a', 'b')).toBe(false);
    expect(same(arrayOf(types.text), '{"a,b"}', '{a,b}')).toBe(false);
    expect(datumsEqual(types.int8, 5n, 5n)).toBe(true);
  });
});

describe('casts and type modifiers', () => {
  it('knows PostgreSQL cast contexts', () => {
    expect(castContextOf(types.int4, types.int8)).toBe('implicit');
    expect(castContextOf(types.int8, types.int4)).toBe('assignment');
    expect(castContextOf(types.int4, types.text)).toBe('assignment');
    expect(castContextOf(types.text, types.int4)).toBe('explicit');
    expect(castContextOf(types.int4, types.bool)).toBe('explicit');
    expect(castContextOf(types.int4, types.date)).toBeNull();
    expect(castContextOf(types.date, types.timestamptz)).toBe('implicit');
    expect(castContextOf(types.timestamptz, types.date)).toBe('assignment');
    expect(canImplicitlyCast(types.unknown, types.int4)).toBe(true);
    expect(canImplicitlyCast(arrayOf(types.int4), arrayOf(types.int8))).toBe(true);
    expect(canCast(types.numeric, types.int4, 'assignment')).toBe(true);
    expect(canCast(types.numeric, types.int4, 'implicit')).toBe(false);
  });

  it('checks lengths on assignment and truncates on explicit casts', () => {
    const v10 = typeFromName('varchar', [10]);
    expect(() => coerceToTypmod(v10, 'abcdefghijk')).toThrow(expect.objectContaining({ code: '22001', message: 'value too long for type character varying(10)' }));
    expect(coerceToTypmod(v10, 'abcdefghijk', true)).toBe('abcdefghij');
    expect(coerceToTypmod(v10, 'abcdefghij   ')).toBe('abcdefghij');
    const c3 = typeFromName('char', [3]);
    expect(coerceToTypmod(c3, 'a')).toBe('a  ');
    expect(() => coerceToTypmod(c3, 'abcd')).toThrow(expect.objectContaining({ code: '22001', message: 'value too long for type character(3)' }));
    expect(coerceToTypmod(typeFromName('varchar', [2]), '日本')).toBe('日本');
  });

  it('rounds numeric(p,s) and reports overflow as PostgreSQL', () => {
    const n = typeFromName('numeric', [5, 2]);
    expect(formatText(n, coerceToTypmod(n, parseText(types.numeric, '3.14159')))).toBe('3.14');
    expect(formatText(n, coerceToTypmod(n, parseText(types.numeric, '2.005')))).toBe('2.01');
    expect(formatText(n, coerceToTypmod(n, parseText(types.numeric, '7')))).toBe('7.00');
    expect(() => coerceToTypmod(n, parseText(types.numeric, '1000'))).toThrow(expect.objectContaining({
      code: '22003', message: 'numeric field overflow',
      fields: { detail: 'A field with precision 5, scale 2 must round to an absolute value less than 10^3.' },
    }));
    expect(() => coerceToTypmod(n, parseText(types.numeric, '999.995'))).toThrow(expect.objectContaining({ code: '22003' }));
  });
});

describe('commonType', () => {
  it.each([
    [[types.int4, types.int8], 'bigint'], [[types.int4, types.numeric], 'numeric'], [[types.int4, types.float8], 'double precision'],
    [[types.unknown, types.int4], 'integer'], [[types.unknown, types.unknown], 'text'], [[types.text, types.varchar], 'text'],
    [[types.date, types.timestamptz], 'timestamp with time zone'], [[types.timestamp, types.timestamptz], 'timestamp with time zone'],
    [[typeFromName('varchar', [5]), typeFromName('varchar', [5])], 'character varying(5)'],
    [[typeFromName('varchar', [5]), typeFromName('varchar', [7])], 'character varying'],
    [[arrayOf(types.int4), arrayOf(types.int8)], 'bigint[]'],
  ] as [SqlType[], string][])('%o → %s', (ts, expected) => {
    expect(typeName(commonType(ts))).toBe(expected);
  });

  it('fails across categories with the construct named', () => {
    expect(() => commonType([types.int4, types.text], 'UNION')).toThrow(expect.objectContaining({
      code: '42804', message: 'UNION types integer and text cannot be matched',
    }));
  });
});
