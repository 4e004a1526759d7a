import { beforeAll, describe, expect, test } from 'vitest';
import { initParser, nodeTag, parseSql, charPosition } from '../../../sql/parse/index.js';
import { SqlError } from '../../../sql/errors.js';

beforeAll(async () => {
  await initParser();
});

describe('parseSql', () => {
  test('splits statements with their texts', () => {
    const stmts = parseSql("SELECT 1; UPDATE t SET a = 'é' WHERE id = 2;  SELECT 3");
    expect(stmts.map((s) => nodeTag(s.ast))).toEqual(['SelectStmt', 'UpdateStmt', 'SelectStmt']);
    expect(stmts.map((s) => s.text)).toEqual(['SELECT 1', "UPDATE t SET a = 'é' WHERE id = 2", 'SELECT 3']);
  });

  test('empty and comment-only strings have no statements', () => {
    expect(parseSql('')).toEqual([]);
    expect(parseSql('  ;; -- nothing\n /* x */ ')).toEqual([]);
  });

  test('syntax errors are 42601 with a 1-based character position', () => {
    try {
      parseSql('select 1 fro t');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SqlError);
      expect((e as SqlError).code).toBe('42601');
      expect((e as SqlError).fields.position).toBe(14);
      expect((e as SqlError).message).toContain('syntax error');
    }
  });

  test('positions count characters, not bytes', () => {
    try {
      parseSql("select 'éé' fro t");
      expect.unreachable();
    } catch (e) {
      expect((e as SqlError).fields.position).toBe(17);
    }
    expect(charPosition('aé b', 4)).toBe(3);
  });

  test('results are cached by text', () => {
    const a = parseSql('SELECT 42');
    expect(parseSql('SELECT 42')).toBe(a);
  });
});
