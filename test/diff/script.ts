// Reads a differential case file (test/diff/cases/*.sql) into statements with their
// directives. A statement ends at a `;` outside quotes, dollar quotes and comments; the
// `-- name` comment lines just before it are its directives. Used by differential.test.ts.
//
// Directives (one per line, before the statement they govern):
//   -- rowsort            compare rows as a multiset (order not defined by the query)
//   -- error: 22P02       the statement is meant to fail with this SQLSTATE on PostgreSQL
//   -- ignore-message     compare the SQLSTATE of an error but not its message text
//   -- extended           run it twice: simple protocol, then extended protocol
//   -- params: [1, "x"]   run it through the extended protocol with these parameters (JSON)
//   -- conn: 2            run it on the case's second connection (1..9; default 1), to
//                         observe another session's view; it must never block on a lock

export interface Statement {
  /** The statement text, without the trailing `;` and without leading comment lines. */
  readonly sql: string;
  /** 1-based line of the statement's first character in the case file. */
  readonly line: number;
  readonly rowsort: boolean;
  readonly expectError: string | null;
  readonly ignoreMessage: boolean;
  readonly extended: boolean;
  /** Parameters for the extended protocol; null means no parameters (simple protocol). */
  readonly params: readonly (string | null)[] | null;
  /** Which of the case's connections runs it (1 unless `-- conn: n`). */
  readonly conn: number;
}

interface Directives {
  rowsort: boolean;
  expectError: string | null;
  ignoreMessage: boolean;
  extended: boolean;
  params: (string | null)[] | null;
  conn: number;
}

function noDirectives(): Directives {
  return { rowsort: false, expectError: null, ignoreMessage: false, extended: false, params: null, conn: 1 };
}

/** Applies one `-- ...` comment line to the pending directives; other comments are prose. */
function applyDirective(comment: string, d: Directives, where: string): void {
  const text = comment.replace(/^--\s*/, '').trim();
  if (text === 'rowsort') d.rowsort = true;
  else if (text === 'ignore-message') d.ignoreMessage = true;
  else if (text === 'extended') d.extended = true;
  else if (text.startsWith('error:')) {
    const code = text.slice('error:'.length).trim();
    if (!/^[0-9A-Z]{5}$/.test(code)) throw new Error(`${where}: bad SQLSTATE in directive "${comment}"`);
    d.expectError = code;
  } else if (text.startsWith('conn:')) {
    const n = Number(text.slice('conn:'.length));
    if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error(`${where}: conn must be 1..9`);
    d.conn = n;
  } else if (text.startsWith('params:')) {
    const parsed: unknown = JSON.parse(text.slice('params:'.length));
    if (!Array.isArray(parsed)) throw new Error(`${where}: params must be a JSON array`);
    d.params = parsed.map((v: unknown) => (v === null ? null : String(v)));
  }
}

/** Index just past the quoted or commented span that starts at `i`, or `i` if none does. */
function skipSpan(src: string, i: number): number {
  const c = src[i];
  if (c === '-' && src[i + 1] === '-') {
    const nl = src.indexOf('\n', i);
    return nl === -1 ? src.length : nl;
  }
  if (c === '/' && src[i + 1] === '*') {
    const end = src.indexOf('*/', i + 2);
    if (end === -1) throw new Error('unterminated /* comment');
    return end + 2;
  }
  if (c === "'" || c === '"') {
    // E'...' strings treat backslash as an escape; '' and "" double the quote in all forms.
    const escapes = c === "'" && i > 0 && /[eE]/.test(src[i - 1]!) && !/[A-Za-z0-9_]/.test(src[i - 2] ?? ' ');
    let j = i + 1;
    for (;;) {
      if (j >= src.length) throw new Error(`unterminated ${c} quote`);
      if (escapes && src[j] === '\\') j += 2;
      else if (src[j] === c && src[j + 1] === c) j += 2;
      else if (src[j] === c) return j + 1;
      else j++;
    }
  }
  if (c === '$') {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(src.slice(i, i + 64));
    if (m === null || (i > 0 && /[A-Za-z0-9_]/.test(src[i - 1]!))) return i;
    const end = src.indexOf(m[0], i + m[0].length);
    if (end === -1) throw new Error(`unterminated ${m[0]} quote`);
    return end + m[0].length;
  }
  return i;
}

function lineOf(src: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (src.charCodeAt(i) === 10) n++;
  return n;
}

/** Splits a case file into statements; `name` only labels parse errors. */
export function parseScript(src: string, name: string): Statement[] {
  const out: Statement[] = [];
  let d = noDirectives();
  let start = -1; // index of the first non-comment character of the pending statement
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (start === -1) {
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      if (c === '-' && src[i + 1] === '-') {
        const end = skipSpan(src, i);
        applyDirective(src.slice(i, end), d, `${name}:${lineOf(src, i)}`);
        i = end;
        continue;
      }
      start = i;
    }
    if (c === ';') {
      const sql = src.slice(start, i).trim();
      out.push({ sql, line: lineOf(src, start), ...d });
      d = noDirectives();
      start = -1;
      i++;
      continue;
    }
    const next = skipSpan(src, i);
    i = next === i ? i + 1 : next;
  }
  if (start !== -1 && src.slice(start).trim() !== '') {
    throw new Error(`${name}:${lineOf(src, start)}: statement without a terminating ;`);
  }
  return out;
}
