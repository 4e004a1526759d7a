// The SQL logic-test file format (CockroachDB/sqllogictest style), shared by the runners:
// test/unit/sql/logic.test.ts (one node) and test/unit/catalog/multinode.test.ts (two SQL
// servers over one KV, statements alternating between them).
//   statement ok | statement error <SQLSTATE or regex>   then the SQL (until a blank line)
//   query <types> [rowsort]                               then SQL, '----', expected rows
// Values print as text, NULL as NULL, '' as (empty); a row is its values joined by spaces.

export interface LogicCase {
  readonly line: number;
  readonly kind: 'ok' | 'error' | 'query';
  readonly sql: string;
  readonly expectError?: string;
  readonly rowsort?: boolean;
  readonly expected?: string[];
}

export function parseLogicFile(text: string): LogicCase[] {
  const lines = text.split('\n');
  const cases: LogicCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const head = lines[i]!.trim();
    if (head === '' || head.startsWith('#')) {
      i++;
      continue;
    }
    const line = i + 1;
    i++;
    const sql: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && lines[i]!.trim() !== '----') sql.push(lines[i++]!);
    if (head === 'statement ok') cases.push({ line, kind: 'ok', sql: sql.join('\n') });
    else if (head.startsWith('statement error') || head.startsWith('query error')) {
      cases.push({ line, kind: 'error', sql: sql.join('\n'), expectError: head.replace(/^(statement|query) error\s*/, '') });
    } else if (head.startsWith('query')) {
      const expected: string[] = [];
      if (lines[i]?.trim() === '----') {
        i++;
        while (i < lines.length && lines[i]!.trim() !== '') expected.push(lines[i++]!.trimEnd());
      }
      cases.push({ line, kind: 'query', sql: sql.join('\n'), rowsort: head.includes('rowsort'), expected });
    } else throw new Error(`line ${line}: unknown directive ${head}`);
  }
  return cases;
}

export function fmtValue(v: string | null): string {
  return v === null ? 'NULL' : v === '' ? '(empty)' : v;
}
