// JSON text → jsonb value, with PostgreSQL's json lexer rules and messages (22P02 "invalid
// input syntax for type json" plus the DETAIL PostgreSQL gives). Numbers become JsonNumber
// (numeric text kept), null becomes JSON_NULL. Used for json validation and jsonb input;
// called through json.ts by text/binary I/O, casts and rowenc.

import { sqlError } from '../errors.js';
import type { JsonObject, JsonValue } from './type.js';
import { JSON_NULL, JsonNumber, setJsonKey } from './json.js';

/** Nesting bound (54001 beyond): keeps every recursive walk of a jsonb value (output, compare, hashing) far from the JS stack limit, as PostgreSQL has max_stack_depth. */
export const jsonDepthMax = 2000;

function syntaxError(detail: string): Error {
  return sqlError('22P02', 'invalid input syntax for type json', { detail });
}

/** JSON_ALPHANUMERIC_CHAR: letters, digits, '_' and any non-ASCII character. */
function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 0x80;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

class JsonParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly s: string, private readonly jsonb: boolean) {}

  parse(): JsonValue {
    const v = this.value();
    this.skipSpace();
    if (this.pos < this.s.length) throw syntaxError(`Expected end of input, but found "${this.tokenAt(this.pos)}".`);
    return v;
  }

  private skipSpace(): void {
    const s = this.s;
    let i = this.pos;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
    this.pos = i;
  }

  /** The lexeme starting at `i`, as PostgreSQL quotes it in "but found" details. */
  private tokenAt(i: number): string {
    const s = this.s;
    const c = s.charCodeAt(i);
    if (c === 34) return s.slice(i, this.stringEnd(i));
    if (!isAlnum(c) && c !== 45) return s[i]!;
    let j = i + 1;
    while (j < s.length && isAlnum(s.charCodeAt(j))) j++;
    return s.slice(i, j);
  }

  private stringEnd(i: number): number {
    const s = this.s;
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) !== 34) j += s.charCodeAt(j) === 92 ? 2 : 1;
    return Math.min(j + 1, s.length);
  }

  /** Fails with "Expected …, but found …" or "ended unexpectedly" at the current position. */
  private expected(what: string): Error {
    this.skipSpace();
    if (this.pos >= this.s.length) return syntaxError('The input string ended unexpectedly.');
    const c = this.s.charCodeAt(this.pos);
    // an invalid token is reported as such before any grammar expectation
    if (c !== 34 && c !== 123 && c !== 125 && c !== 91 && c !== 93 && c !== 44 && c !== 58) this.checkToken();
    return syntaxError(`Expected ${what}, but found "${this.tokenAt(this.pos)}".`);
  }

  /** Throws "Token … is invalid." when the lexeme at pos is not a number or keyword. */
  private checkToken(): void {
    const save = this.pos;
    const c = this.s.charCodeAt(save);
    if (c === 45 || isDigit(c)) this.number();
    else this.keyword();
    this.pos = save;
  }

  private value(): JsonValue {
    this.skipSpace();
    const s = this.s;
    if (this.pos >= s.length) throw syntaxError('The input string ended unexpectedly.');
    const c = s.charCodeAt(this.pos);
    if (c === 34) return this.string();
    if (c === 123) return this.object();
    if (c === 91) return this.array();
    if (c === 45 || isDigit(c)) return this.number();
    if (c === 125 || c === 93 || c === 44 || c === 58) throw syntaxError(`Expected JSON value, but found "${s[this.pos]}".`);
    return this.keyword();
  }

  private enter(): void {
    if (++this.depth > jsonDepthMax) {
      throw sqlError('54001', 'stack depth limit exceeded', { hint: 'JSON nesting is limited to ' + jsonDepthMax + ' levels.' });
    }
  }

  private array(): JsonValue[] {
    this.enter();
    this.pos++; // [
    const out: JsonValue[] = [];
    this.skipSpace();
    if (this.s.charCodeAt(this.pos) === 93) {
      this.pos++;
      this.depth--;
      return out;
    }
    if (this.pos >= this.s.length) throw syntaxError('The input string ended unexpectedly.');
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      const c = this.s.charCodeAt(this.pos);
      if (c === 44) this.pos++;
      else if (c === 93) {
        this.pos++;
        this.depth--;
        return out;
      } else throw this.expected('"," or "]"');
    }
  }

  private object(): JsonObject {
    this.enter();
    this.pos++; // {
    const out: JsonObject = {};
    this.skipSpace();
    if (this.s.charCodeAt(this.pos) === 125) {
      this.pos++;
      this.depth--;
      return out;
    }
    let first = true;
    for (;;) {
      this.skipSpace();
      if (this.s.charCodeAt(this.pos) !== 34) throw this.expected(first ? 'string or "}"' : 'string');
      first = false;
      const key = this.string();
      this.skipSpace();
      if (this.s.charCodeAt(this.pos) !== 58) throw this.expected('":"');
      this.pos++;
      setJsonKey(out, key, this.value()); // a repeated key keeps the last value, as jsonb does
      this.skipSpace();
      const c = this.s.charCodeAt(this.pos);
      if (c === 44) this.pos++;
      else if (c === 125) {
        this.pos++;
        this.depth--;
        return out;
      } else throw this.expected('"," or "}"');
    }
  }

  private keyword(): JsonValue {
    const s = this.s;
    const start = this.pos;
    let j = start;
    while (j < s.length && isAlnum(s.charCodeAt(j))) j++;
    if (j === start) j++;
    const word = s.slice(start, j);
    this.pos = j;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return JSON_NULL;
    throw syntaxError(`Token "${word}" is invalid.`);
  }

  /** json_lex_number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and no trailing alphanumerics. */
  private number(): JsonNumber {
    const s = this.s;
    const start = this.pos;
    let i = start;
    let ok = true;
    if (s.charCodeAt(i) === 45) i++;
    if (s.charCodeAt(i) === 48) i++;
    else if (isDigit(s.charCodeAt(i))) while (isDigit(s.charCodeAt(i))) i++;
    else ok = false;
    if (ok && s.charCodeAt(i) === 46) {
      i++;
      if (!isDigit(s.charCodeAt(i))) ok = false;
      while (isDigit(s.charCodeAt(i))) i++;
    }
    if (ok && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69)) {
      i++;
      if (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45) i++;
      if (!isDigit(s.charCodeAt(i))) ok = false;
      while (isDigit(s.charCodeAt(i))) i++;
    }
    let end = i;
    while (end < s.length && isAlnum(s.charCodeAt(end))) end++;
    if (!ok || end !== i) {
      if (end === start) end = start + 1;
      throw syntaxError(`Token "${s.slice(start, Math.max(end, i))}" is invalid.`);
    }
    this.pos = i;
    return JsonNumber.parse(s.slice(start, i));
  }

  private string(): string {
    const s = this.s;
    const start = this.pos + 1;
    let i = start;
    // fast path: no escapes, no control characters
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return s.slice(start, i);
      }
      if (c === 92 || c < 32 || i >= s.length) break;
      i++;
    }
    return this.escapedString(start, i);
  }

  private escapedString(start: number, from: number): string {
    const s = this.s;
    let out = s.slice(start, from);
    let i = from;
    let high = -1; // a pending high surrogate from \uD800-\uDBFF
    for (;;) {
      if (i >= s.length) throw syntaxError(`Token "${s.slice(start - 1)}" is invalid.`);
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) throw syntaxError(`Character with value 0x${c.toString(16).padStart(2, '0')} must be escaped.`);
      if (c !== 92) {
        if (high >= 0) throw syntaxError('Unicode low surrogate must follow a high surrogate.');
        out += s[i];
        i++;
        continue;
      }
      const e = s[i + 1];
      if (e === undefined) throw syntaxError(`Token "${s.slice(start - 1)}" is invalid.`);
      if (e === 'u') {
        let cp = 0;
        for (let k = 2; k < 6; k++) {
          const h = hexValue(s.charCodeAt(i + k));
          if (h < 0) throw syntaxError('"\\u" must be followed by four hexadecimal digits.');
          cp = cp * 16 + h;
        }
        i += 6;
        if (cp >= 0xd800 && cp <= 0xdbff) {
          if (high >= 0) throw syntaxError('Unicode high surrogate must not follow a high surrogate.');
          high = cp;
          continue;
        }
        if (cp >= 0xdc00 && cp <= 0xdfff) {
          if (high < 0) throw syntaxError('Unicode low surrogate must follow a high surrogate.');
          out += String.fromCharCode(high, cp);
          high = -1;
          continue;
        }
        if (high >= 0) throw syntaxError('Unicode low surrogate must follow a high surrogate.');
        if (cp === 0 && this.jsonb) {
          throw sqlError('22P05', 'unsupported Unicode escape sequence', { detail: '\\u0000 cannot be converted to text.' });
        }
        out += String.fromCharCode(cp);
        continue;
      }
      if (high >= 0) throw syntaxError('Unicode low surrogate must follow a high surrogate.');
      const plain = ESCAPES[e];
      if (plain === undefined) throw syntaxError(`Escape sequence "\\${String.fromCodePoint(s.codePointAt(i + 1)!)}" is invalid.`);
      out += plain;
      i += 2;
    }
    if (high >= 0) throw syntaxError('Unicode low surrogate must follow a high surrogate.');
    this.pos = i + 1;
    return out;
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses JSON text into a jsonb value; `jsonb` also rejects \u0000 (22P05) as PostgreSQL does. */
export function parseJson(text: string, jsonb: boolean): JsonValue {
  return new JsonParser(text, jsonb).parse();
}
