// to_char for timestamps, intervals and numbers, and the matching parser behind
// to_timestamp(text, fmt) / to_date(text, fmt): the common template patterns (YYYY MM DD
// HH24 MI SS MS US Mon Month Day DY AM Q WW IW J TZ OF, FM prefix, "quoted" text; for
// numbers 9 0 . , D G S MI PR FM).

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import { civilFromDays, daysFromCivil, splitMicros, toLocalMicros, tzOffsetSecs, types, offsetText } from '../types/index.js';
import type { Interval, NumericDatum } from '../types/index.js';
import type { Registry } from './registry.js';
import { def } from './string.js';

const T = types;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const PATTERNS = [
  'HH24', 'HH12', 'HH', 'MI', 'SSSSS', 'SSSS', 'SS', 'MS', 'US', 'FF1', 'FF2', 'FF3', 'FF4', 'FF5', 'FF6',
  'A.M.', 'a.m.', 'P.M.', 'p.m.', 'AM', 'am', 'PM', 'pm', 'Y,YYY', 'YYYY', 'YYY', 'YY', 'Y', 'IYYY', 'IYY', 'IY', 'I',
  'B.C.', 'b.c.', 'A.D.', 'a.d.', 'BC', 'bc', 'AD', 'ad', 'MONTH', 'Month', 'month', 'MON', 'Mon', 'mon', 'MM',
  'DAY', 'Day', 'day', 'DY', 'Dy', 'dy', 'DDD', 'DD', 'D', 'IDDD', 'ID', 'WW', 'W', 'IW', 'CC', 'J', 'Q', 'RM', 'rm',
  'TZH', 'TZM', 'TZ', 'tz', 'OF',
].sort((a, b) => b.length - a.length);

const CASELESS = new Set(['HH24', 'HH12', 'HH', 'MI', 'SSSSS', 'SSSS', 'SS', 'MS', 'US', 'FF1', 'FF2', 'FF3', 'FF4', 'FF5', 'FF6',
  'YYYY', 'YYY', 'YY', 'Y', 'IYYY', 'IYY', 'IY', 'I', 'MM', 'DDD', 'DD', 'D', 'IDDD', 'ID', 'WW', 'W', 'IW', 'CC', 'J', 'Q']);

type Tok = { kind: 'lit'; text: string } | { kind: 'pat'; pat: string; fm: boolean; th: string };

const tokCache = new Map<string, Tok[]>();

function tokenize(fmt: string): Tok[] {
  const hit = tokCache.get(fmt);
  if (hit !== undefined) return hit;
  const out: Tok[] = [];
  let i = 0;
  while (i < fmt.length) {
    let fm = false;
    if (fmt.startsWith('FM', i) || fmt.startsWith('fm', i)) { fm = true; i += 2; }
    const ch = fmt[i];
    if (ch === undefined) break;
    if (ch === '"') {
      const end = fmt.indexOf('"', i + 1);
      out.push({ kind: 'lit', text: fmt.slice(i + 1, end < 0 ? undefined : end) });
      i = end < 0 ? fmt.length : end + 1;
      continue;
    }
    if (ch === '\\' && i + 1 < fmt.length) { out.push({ kind: 'lit', text: fmt[i + 1]! }); i += 2; continue; }
    let pat = PATTERNS.find((p) => fmt.startsWith(p, i));
    if (pat === undefined) {
      // numeric fields match in any case (dd, hh24, yyyy); names keep their case rules
      const up = fmt.slice(i, i + 5).toUpperCase();
      pat = PATTERNS.find((p) => CASELESS.has(p) && up.startsWith(p));
    }
    if (pat === undefined) { out.push({ kind: 'lit', text: ch }); i++; continue; }
    i += pat.length;
    let th = '';
    if (fmt.startsWith('TH', i) || fmt.startsWith('th', i)) { th = fmt.slice(i, i + 2); i += 2; }
    out.push({ kind: 'pat', pat, fm, th });
  }
  if (tokCache.size > 500) tokCache.clear();
  tokCache.set(fmt, out);
  return out;
}

interface Fields {
  year: number; month: number; day: number; hour: number; minute: number; second: number; micro: number;
  days: number; offsetSecs: number; isInterval: boolean;
}

function casing(name: string, pat: string): string {
  if (pat === pat.toUpperCase()) return name.toUpperCase();
  if (pat === pat.toLowerCase()) return name.toLowerCase();
  return name;
}

function ordinal(n: number, th: string): string {
  if (th === '') return '';
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return th === 'TH' ? s.toUpperCase() : s;
}

function isoWeekYear(days: number): [number, number] {
  const isoDow = ((((days + 3) % 7) + 7) % 7) + 1;
  const thursday = days - isoDow + 4;
  const [ty] = civilFromDays(thursday);
  return [ty, Math.floor((thursday - daysFromCivil(ty, 1, 1)) / 7) + 1];
}

function render(f: Fields, pat: string, fm: boolean): string {
  const num = (v: number, w: number) => (fm ? String(v) : (v < 0 ? '-' + String(-v).padStart(w, '0') : String(v).padStart(w, '0')));
  const name = (s: string, w: number) => (fm ? s : s.padEnd(w));
  const h12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  const yr = f.year <= 0 && !f.isInterval ? 1 - f.year : f.year;
  const days = daysFromCivil(f.year, Math.max(f.month, 1), Math.max(f.day, 1));
  const doy = days - daysFromCivil(f.year, 1, 1) + 1;
  switch (pat) {
    case 'HH24': return num(f.hour, 2);
    case 'HH': case 'HH12': return num(h12, 2);
    case 'MI': return num(f.minute, 2);
    case 'SS': return num(f.second, 2);
    case 'SSSS': case 'SSSSS': return String((f.hour * 60 + f.minute) * 60 + f.second);
    case 'MS': return num(Math.floor(f.micro / 1000), 3);
    case 'US': return num(f.micro, 6);
    case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6': {
      const n = Number(pat[2]);
      return String(Math.floor(f.micro / 10 ** (6 - n))).padStart(n, '0');
    }
    case 'AM': case 'PM': return f.hour < 12 ? 'AM' : 'PM';
    case 'am': case 'pm': return f.hour < 12 ? 'am' : 'pm';
    case 'A.M.': case 'P.M.': return f.hour < 12 ? 'A.M.' : 'P.M.';
    case 'a.m.': case 'p.m.': return f.hour < 12 ? 'a.m.' : 'p.m.';
    case 'YYYY': case 'IYYY': return num(pat === 'IYYY' ? isoWeekYear(days)[0] : yr, 4);
    case 'Y,YYY': return `${Math.floor(yr / 1000)},${String(yr % 1000).padStart(3, '0')}`;
    case 'YYY': case 'IYY': return num(yr % 1000, 3);
    case 'YY': case 'IY': return num(yr % 100, 2);
    case 'Y': case 'I': return String(yr % 10);
    case 'BC': case 'AD': return f.year <= 0 ? 'BC' : 'AD';
    case 'bc': case 'ad': return f.year <= 0 ? 'bc' : 'ad';
    case 'B.C.': case 'A.D.': return f.year <= 0 ? 'B.C.' : 'A.D.';
    case 'b.c.': case 'a.d.': return f.year <= 0 ? 'b.c.' : 'a.d.';
    case 'MONTH': case 'Month': case 'month': return name(casing(MONTHS[f.month - 1] ?? '', pat), 9);
    case 'MON': case 'Mon': case 'mon': return casing((MONTHS[f.month - 1] ?? '').slice(0, 3), pat);
    case 'MM': return num(f.month, 2);
    case 'DAY': case 'Day': case 'day': return name(casing(DAYS[(((days + 4) % 7) + 7) % 7]!, pat), 9);
    case 'DY': case 'Dy': case 'dy': return casing(DAYS[(((days + 4) % 7) + 7) % 7]!.slice(0, 3), pat);
    case 'DDD': return num(f.isInterval ? f.days : doy, 3);
    case 'IDDD': return num((isoWeekYear(days)[1] - 1) * 7 + (((((days + 3) % 7) + 7) % 7) + 1), 3);
    case 'DD': return num(f.isInterval ? f.days : f.day, 2);
    case 'D': return String((((days + 4) % 7) + 7) % 7 + 1);
    case 'ID': return String(((((days + 3) % 7) + 7) % 7) + 1);
    case 'W': return String(Math.floor((f.day - 1) / 7) + 1);
    case 'WW': return num(Math.floor((doy - 1) / 7) + 1, 2);
    case 'IW': return num(isoWeekYear(days)[1], 2);
    case 'CC': return num(yr > 0 ? Math.floor((yr - 1) / 100) + 1 : -(Math.floor((-yr) / 100) + 1), 2);
    case 'J': return String(days + 2440588);
    case 'Q': return String(Math.floor((f.month - 1) / 3) + 1);
    case 'RM': case 'rm': {
      const rm = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'][f.month - 1] ?? '';
      return name(pat === 'rm' ? rm.toLowerCase() : rm, 4);
    }
    case 'TZ': case 'tz': {
      const z = f.offsetSecs === 0 ? 'UTC' : offsetText(f.offsetSecs);
      return pat === 'tz' ? z.toLowerCase() : z;
    }
    case 'TZH': return (f.offsetSecs < 0 ? '-' : '+') + String(Math.floor(Math.abs(f.offsetSecs) / 3600)).padStart(2, '0');
    case 'TZM': return String(Math.floor(Math.abs(f.offsetSecs) / 60) % 60).padStart(2, '0');
    case 'OF': return offsetText(f.offsetSecs);
    default: return pat;
  }
}

function renderAll(f: Fields, fmt: string): string {
  let out = '';
  for (const t of tokenize(fmt)) {
    if (t.kind === 'lit') out += t.text;
    else {
      out += render(f, t.pat, t.fm);
      if (t.th !== '') {
        const n = Number(render(f, t.pat, true));
        out += Number.isFinite(n) ? ordinal(n, t.th) : '';
      }
    }
  }
  return out;
}

function fieldsOfLocal(local: bigint, offsetSecs: number): Fields {
  const [days, tod] = splitMicros(local);
  const [year, month, day] = civilFromDays(days);
  const secs = Math.floor(tod / 1e6);
  return { year, month, day, hour: Math.floor(secs / 3600), minute: Math.floor(secs / 60) % 60, second: secs % 60, micro: tod % 1e6, days: 0, offsetSecs, isInterval: false };
}

function fieldsOfInterval(iv: Interval): Fields {
  const totalSecs = Number(iv.micros / 1000000n);
  return {
    year: Math.trunc(iv.months / 12), month: iv.months % 12, day: iv.days, days: iv.days,
    hour: Math.trunc(totalSecs / 3600), minute: Math.trunc(totalSecs / 60) % 60, second: totalSecs % 60,
    micro: Number(iv.micros % 1000000n), offsetSecs: 0, isInterval: true,
  };
}

// ---- numbers ----

/** to_char(number, '9G999D99') for the common patterns. */
export function toCharNumber(v: Decimal, fmt: string): string {
  const fm = /fm/i.test(fmt);
  const f = fmt.replace(/fm/gi, '');
  const pointAt = f.search(/[.D]/);
  const intPat = pointAt < 0 ? f : f.slice(0, pointAt);
  const fracPat = pointAt < 0 ? '' : f.slice(pointAt + 1);
  const fracDigits = (fracPat.match(/[09]/g) ?? []).length;
  const intSlots = (intPat.match(/[09]/g) ?? []).length;
  const neg = v.isNegative() && !v.isZero();
  const rounded = v.abs().toFixed(fracDigits);
  const [ip, fp = ''] = rounded.split('.') as [string, string?];
  const intDigits = ip === '0' && /^[^0]*9[^0]*$/.test(intPat) && fracDigits > 0 ? '' : ip;
  if (intDigits.length > intSlots) {
    return (neg || !fm ? ' ' : '') + intPat.replace(/[09]/g, '#').replace(/[,G]/g, ',') + (pointAt >= 0 ? '.' + '#'.repeat(fracDigits) : '');
  }
  const firstZero = intPat.search(/0/);
  let out = '';
  let di = intDigits.length - 1;
  for (let i = intPat.length - 1; i >= 0; i--) {
    const c = intPat[i]!;
    if (c === '9' || c === '0') {
      if (di >= 0) out = intDigits[di--] + out;
      else if (firstZero >= 0 && i >= firstZero) out = '0' + out;
      else if (!fm) out = ' ' + out;
    } else if (c === ',' || c === 'G') {
      if (di >= 0 || (firstZero >= 0 && i > firstZero)) out = ',' + out;
      else if (!fm) out = ' ' + out;
    } else if (c !== 'S' && !/[MIPR]/.test(c)) out = c + out;
  }
  let frac = fp;
  if (fm) frac = frac.replace(/0+$/, (z) => z.slice(0, Math.max(0, (fracPat.match(/0/g) ?? []).length - (frac.length - z.length))));
  // the sign takes its own position, right before the first digit
  const lead = out.length - out.trimStart().length;
  const sign = /S/.test(f) ? (neg ? '-' : '+') : /MI|PR/.test(f) ? '' : neg ? '-' : fm ? '' : ' ';
  const body = out.slice(0, lead) + sign + out.slice(lead);
  let res = body + (pointAt >= 0 ? (fm && frac === '' ? '.' : '.' + frac) : '');
  if (/MI/.test(f)) res += neg ? '-' : ' ';
  if (/PR/.test(f)) res = neg ? '<' + res.trim() + '>' : ' ' + res + ' ';
  return res;
}

// ---- parsing (to_timestamp / to_date) ----

export interface ParsedDateTime {
  year: number; month: number; day: number; hour: number; minute: number; second: number; micro: number; offsetSecs?: number;
}

export function parseWithFormat(input: string, fmt: string): ParsedDateTime {
  const p: ParsedDateTime = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0 };
  let pos = 0;
  let pm: boolean | undefined;
  const bad = () => sqlError('22007', `invalid value "${input.slice(pos, pos + 10)}" for "${fmt}"`);
  const readNum = (maxLen: number): number => {
    while (input[pos] === ' ') pos++;
    const m = new RegExp(`^[+-]?\\d{1,${maxLen}}`).exec(input.slice(pos));
    if (m === null) throw bad();
    pos += m[0].length;
    return Number(m[0]);
  };
  for (const t of tokenize(fmt)) {
    if (t.kind === 'lit') {
      if (/\s/.test(t.text)) { while (pos < input.length && /\s/.test(input[pos]!)) pos++; }
      else if (input[pos] === t.text || /[^\w\s]/.test(input[pos] ?? '')) pos++;
      continue;
    }
    switch (t.pat) {
      case 'YYYY': case 'IYYY': p.year = readNum(4); break;
      case 'YYY': case 'YY': case 'IY': case 'IYY': { const y = readNum(t.pat.length); p.year = y < 70 ? 2000 + y : y < 100 ? 1900 + y : y; break; }
      case 'MM': p.month = readNum(2); break;
      case 'DD': p.day = readNum(2); break;
      case 'DDD': { const d = readNum(3); const [y, m, dd] = civilFromDays(daysFromCivil(p.year, 1, 1) + d - 1); p.year = y; p.month = m; p.day = dd; break; }
      case 'HH': case 'HH12': case 'HH24': p.hour = readNum(2); break;
      case 'MI': p.minute = readNum(2); break;
      case 'SS': p.second = readNum(2); break;
      case 'MS': p.micro = readNum(3) * 1000; break;
      case 'US': p.micro = readNum(6); break;
      case 'AM': case 'PM': case 'am': case 'pm': case 'A.M.': case 'P.M.': case 'a.m.': case 'p.m.': {
        const m = /^[ap]\.?m\.?/i.exec(input.slice(pos));
        if (m === null) throw bad();
        pm = m[0][0]!.toLowerCase() === 'p';
        pos += m[0].length;
        break;
      }
      case 'MON': case 'Mon': case 'mon': case 'MONTH': case 'Month': case 'month': {
        while (input[pos] === ' ') pos++;
        const rest = input.slice(pos).toLowerCase();
        const i = MONTHS.findIndex((m) => rest.startsWith(m.toLowerCase()));
        const j = i >= 0 ? i : MONTHS.findIndex((m) => rest.startsWith(m.slice(0, 3).toLowerCase()));
        if (j < 0) throw sqlError('22007', `invalid value "${input.slice(pos, pos + 3)}" for "${t.pat}"`);
        p.month = j + 1;
        pos += i >= 0 ? MONTHS[i]!.length : 3;
        break;
      }
      case 'DAY': case 'Day': case 'day': case 'DY': case 'Dy': case 'dy': {
        const m = /^[a-z]+/i.exec(input.slice(pos));
        pos += m?.[0].length ?? 0;
        break;
      }
      case 'TZH': { const h = readNum(2); p.offsetSecs = h * 3600; break; }
      case 'TZM': { const m = readNum(2); p.offsetSecs = (p.offsetSecs ?? 0) + Math.sign(p.offsetSecs ?? 1) * m * 60; break; }
      default: throw sqlError('0A000', `formatting field "${t.pat}" is only supported in to_char`);
    }
  }
  if (pm !== undefined) p.hour = pm ? (p.hour % 12) + 12 : p.hour % 12;
  return p;
}

export function registerToChar(r: Registry): void {
  def(r, 'to_char', [T.timestamp, T.text], T.text, (ts: bigint, f: string) => renderAll(fieldsOfLocal(ts, 0), f));
  r.addFunction({
    name: 'to_char', args: [T.timestamptz, T.text], ret: T.text, volatility: 'stable',
    fn: (a, ctx) => {
      const ts = a[0] as bigint;
      const off = tzOffsetSecs(ctx.timeZone, ts);
      return renderAll(fieldsOfLocal(toLocalMicros(ts, ctx.timeZone), off), a[1] as string);
    },
  });
  def(r, 'to_char', [T.interval, T.text], T.text, (iv: Interval, f: string) => renderAll(fieldsOfInterval(iv), f));
  def(r, 'to_char', [T.numeric, T.text], T.text, (v: NumericDatum, f: string) => toCharNumber(v, f));
  def(r, 'to_char', [T.int8, T.text], T.text, (v: bigint, f: string) => toCharNumber(new Decimal(v.toString()), f));
  def(r, 'to_char', [T.int4, T.text], T.text, (v: number, f: string) => toCharNumber(new Decimal(v), f));
  def(r, 'to_char', [T.float8, T.text], T.text, (v: number, f: string) => toCharNumber(new Decimal(v), f));
  def(r, 'to_number', [T.text, T.text], T.numeric, (s: string) => {
    const cleaned = s.replace(/[^0-9.+-]/g, '');
    if (cleaned === '' || Number.isNaN(Number(cleaned))) throw sqlError('22P02', `invalid input syntax for type numeric: " "`);
    return new Decimal(cleaned);
  });
}
