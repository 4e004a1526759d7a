// LIKE / ILIKE and POSIX regular expressions (~, ~*, regexp_* functions) on JavaScript
// RegExp, with compiled patterns cached. PostgreSQL's ARE syntax is mostly a superset of
// what clients send; the POSIX bracket classes and \m \M \y word anchors are translated.
// Used by operators.ts and string.ts.

import { sqlError } from '../errors.js';

const CACHE_MAX = 2000;
const likeCache = new Map<string, RegExp>();
const regexCache = new Map<string, RegExp>();

function remember(cache: Map<string, RegExp>, key: string, re: RegExp): RegExp {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, re);
  return re;
}

/** LIKE pattern → anchored RegExp; `escape` '' disables escaping. */
export function likeRegExp(pattern: string, caseInsensitive: boolean, escape = '\\'): RegExp {
  const key = (caseInsensitive ? 'i' : 'c') + escape + '\u0000' + pattern;
  const hit = likeCache.get(key);
  if (hit !== undefined) return hit;
  let src = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (escape !== '' && ch === escape) {
      if (i + 1 >= pattern.length) throw sqlError('22025', 'LIKE pattern must not end with escape character');
      src += escapeRe(pattern[++i]!);
    } else if (ch === '%') src += '[\\s\\S]*';
    else if (ch === '_') src += '[\\s\\S]';
    else src += escapeRe(ch);
  }
  return remember(likeCache, key, new RegExp(src + '$', caseInsensitive ? 'is' : 's'));
}

/**
 * like_escape(pattern, escape): `a LIKE p ESCAPE e` is `a ~~ like_escape(p, e)`, which rewrites
 * the pattern to use backslash escapes. An empty escape disables escaping (backslashes
 * doubled); more than one character is 22025.
 */
export function likeEscape(pattern: string, escape: string): string {
  if (escape === '') return pattern.replace(/\\/g, '\\\\');
  if ([...escape].length !== 1) {
    throw sqlError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
  if (escape === '\\') return pattern;
  let out = '';
  let afterEscape = false;
  for (const ch of pattern) {
    if (ch === escape && !afterEscape) {
      out += '\\';
      afterEscape = true;
    } else if (ch === '\\') {
      out += afterEscape ? '\\' : '\\\\';
      afterEscape = false;
    } else {
      out += ch;
      afterEscape = false;
    }
  }
  return out;
}

function escapeRe(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? '\\' + ch : ch;
}

export function like(s: string, pattern: string, caseInsensitive: boolean): boolean {
  // fast paths for the common prefix/exact patterns
  if (!caseInsensitive && pattern.indexOf('_') < 0 && pattern.indexOf('\\') < 0) {
    const p = pattern.indexOf('%');
    if (p < 0) return s === pattern;
    if (p === pattern.length - 1 && pattern.indexOf('%') === p) return s.startsWith(pattern.slice(0, -1));
  }
  return likeRegExp(pattern, caseInsensitive).test(s);
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s',
  punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
};

/** A PostgreSQL regular expression → JS RegExp (flags: 'i' for ~*, 'g' for regexp_replace 'g'). */
export function pgRegExp(pattern: string, flags = ''): RegExp {
  const key = flags + '\u0000' + pattern;
  const hit = regexCache.get(key);
  if (hit !== undefined) return hit;
  const src = pattern
    .replace(/\[:(\w+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m)
    .replace(/\\m|\\M|\\y/g, '\\b')
    .replace(/\\Y/g, '\\B');
  try {
    return remember(regexCache, key, new RegExp(src, flags));
  } catch (e) {
    throw sqlError('2201B', `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

/** Flags of regexp_replace/regexp_match ('g', 'i', 'c', 'n', ...) → JS flags. */
export function regexFlags(flags: string, fn: string): { js: string; global: boolean } {
  let js = '';
  let global = false;
  for (const f of flags) {
    switch (f) {
      case 'g': global = true; break;
      case 'i': if (!js.includes('i')) js += 'i'; break;
      case 'c': js = js.replace('i', ''); break;
      case 'n': case 'm': if (!js.includes('m')) js += 'm'; break;
      case 's': case 'p': case 'w': case 'x': case 't': case 'q': case 'e': break;
      default: throw sqlError('22023', `invalid regular expression option: "${f}"`, { hint: fn });
    }
  }
  return { js, global };
}
