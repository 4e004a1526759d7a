import { describe, expect, test } from 'vitest';
import { Settings } from '../../../sql/session/settings.js';
import { SqlError } from '../../../sql/errors.js';

function code(f: () => void): string {
  try {
    f();
  } catch (e) {
    return (e as SqlError).code;
  }
  return 'none';
}

describe('Settings', () => {
  test('defaults, SET and case-insensitive names', () => {
    const s = new Settings({ application_name: 'psql' });
    expect(s.get('application_name')).toBe('psql');
    expect(s.get('DateStyle')).toBe('ISO, MDY');
    s.set('EXTRA_FLOAT_DIGITS', '3', false, false);
    expect(s.get('extra_float_digits')).toBe('3');
  });

  test('unknown names are 42704 unless custom (dotted)', () => {
    const s = new Settings({});
    expect(code(() => s.get('nope'))).toBe('42704');
    expect(code(() => s.set('nope', '1', false, false))).toBe('42704');
    s.set('myapp.x', 'y', false, false);
    expect(s.get('myapp.x')).toBe('y');
    expect(s.get('other.x', true)).toBeNull();
  });

  test('SET LOCAL lasts until the end of the transaction', () => {
    const s = new Settings({});
    s.set('statement_timeout', '5', true, true);
    expect(s.get('statement_timeout')).toBe('5');
    s.endTxn(true);
    expect(s.get('statement_timeout')).toBe('0');
  });

  test('rollback undoes session-level SETs made in the transaction', () => {
    const s = new Settings({});
    s.set('application_name', 'a', false, false);
    s.set('application_name', 'b', false, true);
    s.endTxn(false);
    expect(s.get('application_name')).toBe('a');
    s.set('application_name', 'c', false, true);
    s.endTxn(true);
    expect(s.get('application_name')).toBe('c');
  });

  test('reported settings are queued for ParameterStatus', () => {
    const s = new Settings({});
    s.set('application_name', 'x', false, false);
    s.set('search_path', 'public', false, false);
    expect(s.takeReportedChanges()).toEqual([['application_name', 'x']]);
    expect(s.takeReportedChanges()).toEqual([]);
  });

  test('read-only and invalid values', () => {
    const s = new Settings({});
    expect(code(() => s.set('server_version', '1', false, false))).toBe('55P02');
    expect(code(() => s.set('extra_float_digits', '9', false, false))).toBe('22023');
    expect(code(() => s.set('transaction_isolation', 'bogus', false, false))).toBe('22023');
  });

  test('search path parsing', () => {
    const s = new Settings({});
    expect(s.searchPath('root')).toEqual(['root', 'public']);
    s.set('search_path', 'a, "B"', false, false);
    expect(s.searchPath('root')).toEqual(['a', 'B']);
  });
});
