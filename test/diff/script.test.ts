// Unit tests of the case-file reader (script.ts): statement splitting around quotes,
// dollar quotes and comments, directive parsing, and line numbers. No servers needed.

import { describe, expect, test } from 'vitest';
import { parseScript } from './script.js';

describe('parseScript', () => {
  test('splits on semicolons outside quotes and comments', () => {
    const src = [
      "SELECT 'a;b', \"c;d\" FROM t; -- trailing; comment",
      "SELECT E'it\\'s;', $$x;y$$, $tag$ $$ ; $tag$;",
      '/* block; comment */ SELECT 1;',
      "SELECT 'x''y;z';",
    ].join('\n');
    const stmts = parseScript(src, 't.sql');
    expect(stmts.map((s) => s.sql)).toEqual([
      "SELECT 'a;b', \"c;d\" FROM t",
      "SELECT E'it\\'s;', $$x;y$$, $tag$ $$ ; $tag$",
      '/* block; comment */ SELECT 1',
      "SELECT 'x''y;z'",
    ]);
    expect(stmts.map((s) => s.line)).toEqual([1, 2, 3, 4]);
  });

  test('reads directives from the comment lines before a statement only', () => {
    const src = [
      '-- prose about the case',
      '-- rowsort',
      '-- ignore-message',
      'SELECT 1;',
      '-- error: 22P02',
      "SELECT 'x'::int;",
      '-- params: [1, "a", null]',
      'SELECT $1, $2, $3;',
      '-- extended',
      'SELECT 2;',
      '-- conn: 2',
      'SELECT 3;',
    ].join('\n');
    const [a, b, c, d, e] = parseScript(src, 't.sql');
    expect(a).toMatchObject({ rowsort: true, ignoreMessage: true, expectError: null, extended: false, params: null, line: 4 });
    expect(b).toMatchObject({ rowsort: false, expectError: '22P02', params: null });
    expect(c).toMatchObject({ params: ['1', 'a', null], expectError: null });
    expect(d).toMatchObject({ extended: true, rowsort: false, conn: 1 });
    expect(e).toMatchObject({ conn: 2, extended: false });
  });

  test('positional parameters are not dollar quotes', () => {
    const stmts = parseScript('SELECT $1 + $2; SELECT 3;', 't.sql');
    expect(stmts.map((s) => s.sql)).toEqual(['SELECT $1 + $2', 'SELECT 3']);
  });

  test('rejects a bad directive and an unterminated statement', () => {
    expect(() => parseScript('-- error: nope\nSELECT 1;', 't.sql')).toThrow(/bad SQLSTATE/);
    expect(() => parseScript('SELECT 1', 't.sql')).toThrow(/without a terminating/);
    expect(() => parseScript('-- conn: 0\nSELECT 1;', 't.sql')).toThrow(/conn must be/);
    expect(() => parseScript("SELECT 'open;", 't.sql')).toThrow(/unterminated/);
  });
});
