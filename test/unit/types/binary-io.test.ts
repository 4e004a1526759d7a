// Binary send/receive: encodeBinary must produce the bytes PostgreSQL 15's *_send functions
// produce (hex below taken from `SELECT numeric_send(1.50)` etc.), and decodeBinary must read
// them back to a datum that prints the same text.

import { describe, expect, it } from 'vitest';
import { decodeBinary, encodeBinary, formatText, parseText, typeFromName, types } from '../../../sql/types/index.js';
import type { SqlType } from '../../../sql/types/index.js';

const arr = (name: string): SqlType => typeFromName(name, [], [-1]);

// [type, text input, PostgreSQL's send output in hex]
const CASES: [SqlType, string, string][] = [
  [types.numeric, '1.50', '000200000000000200011388'],
  [types.numeric, '-123.456', '0002000040000003007b11d0'],
  [types.numeric, '0', '0000000000000000'],
  [types.numeric, '0.00', '0000000000000002'],
  [types.numeric, 'NaN', '00000000c0000000'],
  [types.numeric, '12345678.9', '000300010000000104d2162e2328'],
  [types.numeric, '0.0001234', '0002ffff0000000700010924'],
  [types.numeric, '100000000000000000000', '00010005000000000001'],
  [types.timestamp, '2024-01-02 03:04:05.123456', '0002b0ec8517d580'],
  [types.timestamptz, '2024-01-02 03:04:05+00', '0002b0ec8515f340'],
  [types.date, '2024-01-02', '0000223f'],
  [types.date, '1999-01-01', 'fffffe93'],
  [types.interval, '1 year 2 days 03:04:05', '0000000292555340000000020000000c'],
  [arr('int4'), '{1,NULL,3}', '00000001000000010000001700000003000000010000000400000001ffffffff0000000400000003'],
  [arr('text'), '{{a,b},{c,d}}', '000000020000000000000019000000020000000100000002000000010000000161000000016200000001630000000164'],
  [arr('int4'), '{}', '000000000000000000000017'],
  [types.jsonb, '{"a":1}', '017b2261223a20317d'],
  [types.uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc999c0b4ef8bb6d6bb9bd380a11'],
  [types.float8, '1.5', '3ff8000000000000'],
  [types.time, '12:00', '0000000a0eebb000'],
  [types.timetz, '12:00+03', '0000000a0eebb000ffffd5d0'],
  [types.int4, '-2', 'fffffffe'],
  [types.int8, '1', '0000000000000001'],
  [types.int2, '258', '0102'],
  [types.bool, 't', '01'],
  [types.text, 'hé', '68c3a9'],
  [types.bytea, '\\x00ff', '00ff'],
  [types.oid, '4294967295', 'ffffffff'],
];

describe('binary send/receive', () => {
  it.each(CASES.map(([t, s, h]) => [t.kind, s, h, t] as const))('%s %s ⇄ %s', (_k, text, hex, t) => {
    const d = parseText(t, text);
    expect(encodeBinary(t, d).toString('hex')).toBe(hex);
    const back = decodeBinary(t, Buffer.from(hex, 'hex'));
    expect(formatText(t, back)).toBe(formatText(t, d));
  });

  it('rejects malformed input with 22P03', () => {
    expect(() => decodeBinary(types.int4, Buffer.from([1, 2]))).toThrow(expect.objectContaining({ code: '22P03' }));
    expect(() => decodeBinary(types.numeric, Buffer.from([0, 1]))).toThrow(expect.objectContaining({ code: '22P03' }));
    expect(() => decodeBinary(arr('int4'), Buffer.from('00000001000000000000001700000003', 'hex'))).toThrow(expect.objectContaining({ code: '22P03' }));
  });

  it('keeps infinity for dates and timestamps', () => {
    for (const t of [types.date, types.timestamp, types.timestamptz]) {
      for (const s of ['infinity', '-infinity']) {
        const d = parseText(t, s);
        expect(formatText(t, decodeBinary(t, encodeBinary(t, d)))).toBe(s);
      }
    }
  });
});
