// date, time, timetz, timestamp and timestamptz: text input (the common subset of
// PostgreSQL's flexible datetime syntax, DateStyle ISO/MDY) and ISO output. Values are
// days (date) or bigint microseconds (time, timestamp) since 1970-01-01 / midnight.
// Called by text-io, casts and the date/time builtins.

import { sqlError } from '../errors.js';
import { TIMESTAMP_INFINITY } from './type.js';
import type { TimeTz } from './type.js';
import { localToUtcMicros, tzOffsetSecs, isValidTimeZone } from './timezone.js';

export const MICROS_PER_SECOND = 1000000n;
export const MICROS_PER_DAY = 86400000000n;
const MICROS_PER_DAY_N = 86400000000;

/** Date range: 4714-11-24 BC .. 5874897-12-31; timestamps: 4714-11-24 BC .. 294276-12-31. */
export const DATE_DAYS_MIN = -2440588;
export const DATE_DAYS_MAX = 2145042905;
export const TIMESTAMP_MICROS_MIN = -210866803200000000n;
export const TIMESTAMP_MICROS_END = 9224318016000000000n; // 294277-01-01 00:00:00 UTC

// ---- civil calendar (proleptic Gregorian, astronomical years: 0 = 1 BC) ----

/** Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of days since 1970-01-01. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!;
}

/** Splits a timestamp into [days since epoch, microseconds of the day]. */
export function splitMicros(micros: bigint): [number, number] {
  let days = micros / MICROS_PER_DAY;
  let rem = micros - days * MICROS_PER_DAY;
  if (rem < 0n) {
    days -= 1n;
    rem += MICROS_PER_DAY;
  }
  return [Number(days), Number(rem)];
}

// ---- output ----

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function yearText(y: number): string {
  const shown = y <= 0 ? 1 - y : y;
  return shown < 1000 ? String(shown).padStart(4, '0') : String(shown);
}

function dateText(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return yearText(y) + '-' + pad2(m) + '-' + pad2(d);
}

/** "HH:MM:SS[.ffffff]" with trailing fractional zeros trimmed. */
export function timeOfDayText(micros: number): string {
  const secsAll = Math.floor(micros / 1000000);
  const frac = micros - secsAll * 1000000;
  const h = Math.floor(secsAll / 3600);
  const mi = Math.floor(secsAll / 60) % 60;
  const s = secsAll % 60;
  let out = pad2(h) + ':' + pad2(mi) + ':' + pad2(s);
  if (frac !== 0) out += '.' + String(frac).padStart(6, '0').replace(/0+$/, '');
  return out;
}

export function formatDate(days: number): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const [y] = civilFromDays(days);
  return y <= 0 ? dateText(days) + ' BC' : dateText(days);
}

export function formatTime(micros: bigint): string {
  return timeOfDayText(Number(micros));
}

/** "+05:30", "-04:56:02", "+00" as PostgreSQL prints offsets. */
export function offsetText(offsetSecs: number): string {
  const sign = offsetSecs < 0 ? '-' : '+';
  const a = Math.abs(offsetSecs);
  const h = Math.floor(a / 3600);
  const m = Math.floor(a / 60) % 60;
  const s = a % 60;
  let out = sign + pad2(h);
  if (m !== 0 || s !== 0) out += ':' + pad2(m);
  if (s !== 0) out += ':' + pad2(s);
  return out;
}

export function formatTimeTz(t: TimeTz): string {
  return timeOfDayText(Number(t.micros)) + offsetText(t.offsetSecs);
}

export function formatTimestamp(micros: bigint): string {
  if (micros === TIMESTAMP_INFINITY) return 'infinity';
  if (micros === -TIMESTAMP_INFINITY) return '-infinity';
  const [days, tod] = splitMicros(micros);
  const text = dateText(days) + ' ' + timeOfDayText(tod);
  return days < -719162 ? text + ' BC' : text; // before 0001-01-01
}

export function formatTimestamptz(micros: bigint, zone: string): string {
  if (micros === TIMESTAMP_INFINITY) return 'infinity';
  if (micros === -TIMESTAMP_INFINITY) return '-infinity';
  const off = tzOffsetSecs(zone, micros);
  const [days, tod] = splitMicros(micros + BigInt(off) * MICROS_PER_SECOND);
  const text = dateText(days) + ' ' + timeOfDayText(tod) + offsetText(off);
  return days < -719162 ? text + ' BC' : text;
}

// ---- input ----

/** The pieces of a datetime literal; absent pieces are undefined. */
export interface DateTimeFields {
  year?: number;
  month?: number;
  day?: number;
  /** Microseconds since midnight. */
  timeMicros?: number;
  /** Explicit zone: seconds east of UTC, or a zone name to resolve at the local time. */
  tzOffsetSecs?: number;
  tzName?: string;
  special?: 'infinity' | '-infinity' | 'epoch' | 'now' | 'today' | 'tomorrow' | 'yesterday';
}

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10,
  nov: 11, november: 11, dec: 12, december: 12,
};
const WEEKDAYS = new Set(['mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'wednesday', 'thu', 'thur', 'thurs', 'thursday', 'fri', 'friday', 'sat', 'saturday', 'sun', 'sunday']);
/** Common zone abbreviations (seconds east), as PostgreSQL's Default timezone_abbreviations. */
const ABBREVS: Record<string, number> = {
  utc: 0, gmt: 0, z: 0, zulu: 0, ut: 0,
  est: -18000, edt: -14400, cst: -21600, cdt: -18000, mst: -25200, mdt: -21600, pst: -28800, pdt: -25200,
  akst: -32400, akdt: -28800, hst: -36000, ast: -14400, adt: -10800, nst: -12600, ndt: -9000,
  cet: 3600, cest: 7200, met: 3600, mest: 7200, eet: 7200, eest: 10800, wet: 0, west: 3600, bst: 3600,
  msk: 10800, ist: 7200, jst: 32400, kst: 32400, hkt: 28800, sgt: 28800, aest: 36000, aedt: 39600,
  acst: 34200, awst: 28800, nzst: 43200, nzdt: 46800,
};

class SyntaxErr extends Error {}
class RangeErr extends Error {}

const TIME_RE = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?$|^(\d{1,2})\s*([ap]\.?m\.?)$/;

function rint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function parseFraction(digits: string | undefined): number {
  if (digits === undefined || digits === '') return 0;
  return rint(Number('0.' + digits) * 1e6);
}

function parseTimeToken(tok: string, ampm?: string): number {
  const m = TIME_RE.exec(tok);
  if (m === null) throw new SyntaxErr();
  let h: number, mi: number, s: number, frac: number;
  let mer = ampm;
  if (m[1] !== undefined) {
    h = Number(m[1]); mi = Number(m[2]); s = m[3] === undefined ? 0 : Number(m[3]); frac = parseFraction(m[4]);
  } else {
    h = Number(m[5]); mi = 0; s = 0; frac = 0; mer = m[6];
  }
  if (mer !== undefined) {
    if (h < 1 || h > 12) throw new RangeErr();
    const pm = mer.startsWith('p');
    h = pm ? (h === 12 ? 12 : h + 12) : h === 12 ? 0 : h;
  }
  if (mi > 59 || s > 60 || h > 24 || (h === 24 && (mi !== 0 || s !== 0 || frac !== 0))) throw new RangeErr();
  return ((h * 60 + mi) * 60 + s) * 1e6 + frac;
}

/** Tokens: times, dates, numbers, signed offsets, words. */
const TOKEN_RE = /\s*(\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d*)?)?|\d+[-/.]\d+[-/.]\d+|\d+-[a-z]+-\d+|\d+(?:\.\d*)?|[+-]\d{1,2}(?::?\d{2}){0,2}(?!\d)|[a-z][a-z0-9_/+\-]*(?:\.m\.)?|,|\.)/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  const s = text.replace(/(\d)t(\d)/, '$1 $2');
  let pos = 0;
  while (pos < s.length) {
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(s);
    if (m === null) throw new SyntaxErr();
    if (m[1] !== ',') out.push(m[1]!);
    pos = TOKEN_RE.lastIndex;
    while (pos < s.length && (s[pos] === ' ' || s[pos] === '\t' || s[pos] === '\n')) pos++;
  }
  return out;
}

function setDate(f: DateTimeFields, y: number, m: number, d: number): void {
  if (f.year !== undefined) throw new SyntaxErr();
  f.year = y; f.month = m; f.day = d;
}

function parseDateToken(tok: string, f: DateTimeFields): boolean {
  let m = /^(\d+)-(\d{1,2})-(\d{1,2})$/.exec(tok);
  if (m !== null) {
    if (m[1]!.length < 3) throw new RangeErr(); // YY-MM-DD is ambiguous with DateStyle MDY
    setDate(f, Number(m[1]), Number(m[2]), Number(m[3]));
    return true;
  }
  m = /^(\d{1,2})[/-](\d{1,2})[/-](\d+)$/.exec(tok);
  if (m !== null) { setDate(f, Number(m[3]), Number(m[1]), Number(m[2])); return true; }
  m = /^(\d+)[/.](\d{1,2})[/.](\d{1,2})$/.exec(tok);
  if (m !== null && m[1]!.length >= 3) { setDate(f, Number(m[1]), Number(m[2]), Number(m[3])); return true; }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(tok);
  if (m !== null) { setDate(f, Number(m[1]), Number(m[2]), Number(m[3])); return true; }
  m = /^(\d{1,2})-([a-z]+)-(\d+)$/i.exec(tok);
  if (m !== null && MONTHS[m[2]!.toLowerCase()] !== undefined) {
    setDate(f, Number(m[3]), MONTHS[m[2]!.toLowerCase()]!, Number(m[1]));
    return true;
  }
  return false;
}

/** Parses a datetime literal into fields; throws SyntaxErr/RangeErr (mapped by the callers). */
export function parseDateTimeFields(input: string): DateTimeFields {
  const f: DateTimeFields = {};
  const lower = input.trim().toLowerCase();
  if (lower === 'infinity' || lower === '+infinity') return { special: 'infinity' };
  if (lower === '-infinity') return { special: '-infinity' };
  const toks = tokenize(lower);
  let bc = false;
  let monthWord: number | undefined;
  const nums: number[] = [];
  let timeTok: string | undefined;
  let ampm: string | undefined;
  for (const t of toks) {
    if (t.includes(':') && /^\d/.test(t)) {
      if (timeTok !== undefined) throw new SyntaxErr();
      timeTok = t;
    } else if (/^\d/.test(t)) {
      const hms = f.year !== undefined && timeTok === undefined ? /^(\d\d)(\d\d)(\d\d)?(\.\d*)?$/.exec(t) : null;
      if (hms !== null && (hms[3] !== undefined || t.length === 4)) {
        timeTok = `${hms[1]}:${hms[2]}:${hms[3] ?? '00'}${hms[4] ?? ''}`; // "20240102 030405"
      } else if (!parseDateToken(t, f)) {
        if (!/^\d+$/.test(t)) throw new SyntaxErr();
        nums.push(Number(t));
      }
    } else if (t[0] === '+' || t[0] === '-') {
      f.tzOffsetSecs = parseIsoOffset(t);
    } else if (t === 'bc' || t === 'ad') {
      bc = t === 'bc';
    } else if (t === 'am' || t === 'pm' || t === 'a.m.' || t === 'p.m.') {
      ampm = t;
    } else if (MONTHS[t] !== undefined && monthWord === undefined) {
      monthWord = MONTHS[t];
    } else if (WEEKDAYS.has(t) || t === '.') {
      continue;
    } else if (t === 'epoch' || t === 'now' || t === 'today' || t === 'tomorrow' || t === 'yesterday') {
      f.special = t;
    } else if (t === 'allballs') {
      f.timeMicros = 0;
    } else if (ABBREVS[t] !== undefined) {
      f.tzOffsetSecs = ABBREVS[t];
    } else {
      const name = input.trim().split(/\s+/).find((w) => w.toLowerCase() === t) ?? t;
      if (!isValidTimeZone(name)) {
        if (t.includes('/')) throw sqlError('22023', `time zone "${t}" not recognized`);
        throw new SyntaxErr();
      }
      f.tzName = name;
    }
  }
  if (timeTok !== undefined) f.timeMicros = parseTimeToken(timeTok, ampm);
  else if (ampm !== undefined) {
    if (nums.length === 0) throw new SyntaxErr();
    f.timeMicros = parseTimeToken(String(nums.pop()) + ' ' + ampm);
  }
  if (monthWord !== undefined) {
    // "Jan 8 1999", "8 Jan 1999", "January 8, 1999"
    if (f.year !== undefined || nums.length !== 2) throw new SyntaxErr();
    const [a, b] = nums as [number, number];
    if (a > 31) setDate(f, a, monthWord, b);
    else setDate(f, b, monthWord, a);
  } else if (nums.length !== 0) throw new SyntaxErr();
  if (f.year !== undefined) {
    if (f.year === 0) throw new RangeErr();
    if (bc) f.year = 1 - f.year;
    if (f.month! < 1 || f.month! > 12 || f.day! < 1 || f.day! > daysInMonth(f.year, f.month!)) throw new RangeErr();
  }
  return f;
}

function parseIsoOffset(t: string): number {
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(t);
  if (m === null) throw new SyntaxErr();
  const h = Number(m[2]), mi = Number(m[3] ?? 0), s = Number(m[4] ?? 0);
  if (h > 15 || mi > 59 || s > 59) throw new RangeErr();
  const secs = h * 3600 + mi * 60 + s;
  return m[1] === '-' ? -secs : secs;
}

function wrapErrors<T>(kind: string, input: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SyntaxErr) throw sqlError('22007', `invalid input syntax for type ${kind}: "${input}"`);
    if (e instanceof RangeErr) throw sqlError('22008', `date/time field value out of range: "${input}"`);
    throw e;
  }
}

/** Micros since epoch for 'now'-relative specials; the caller supplies the clock. */
export type NowFn = () => bigint;
const noNow: NowFn = () => {
  throw sqlError('0A000', '"now" is not supported in this context');
};

function dateDaysOf(f: DateTimeFields, now: NowFn, zone: string): number | undefined {
  if (f.special === 'epoch') return 0;
  if (f.special === 'now' || f.special === 'today' || f.special === 'tomorrow' || f.special === 'yesterday') {
    const n = now();
    const [days] = splitMicros(n + BigInt(tzOffsetSecs(zone, n)) * MICROS_PER_SECOND);
    return days + (f.special === 'tomorrow' ? 1 : f.special === 'yesterday' ? -1 : 0);
  }
  if (f.year === undefined) return undefined;
  return daysFromCivil(f.year, f.month!, f.day!);
}

export function parseDate(s: string, zone = 'UTC', now: NowFn = noNow): number {
  const f = wrapErrors('date', s, () => parseDateTimeFields(s));
  if (f.special === 'infinity') return Infinity;
  if (f.special === '-infinity') return -Infinity;
  const days = dateDaysOf(f, now, zone);
  if (days === undefined) throw sqlError('22007', `invalid input syntax for type date: "${s}"`);
  if (days < DATE_DAYS_MIN || days > DATE_DAYS_MAX) throw sqlError('22008', `date out of range: "${s}"`);
  return days;
}

export function parseTime(s: string): bigint {
  const f = wrapErrors('time', s, () => parseDateTimeFields(s));
  if (f.timeMicros === undefined || f.special !== undefined) {
    if (f.special === 'now') throw sqlError('0A000', '"now" is not supported in this context');
    throw sqlError('22007', `invalid input syntax for type time: "${s}"`);
  }
  return BigInt(f.timeMicros);
}

export function parseTimeTz(s: string, zone = 'UTC'): TimeTz {
  const f = wrapErrors('time with time zone', s, () => parseDateTimeFields(s));
  if (f.timeMicros === undefined) throw sqlError('22007', `invalid input syntax for type time with time zone: "${s}"`);
  const micros = BigInt(f.timeMicros);
  const offsetSecs = f.tzOffsetSecs ?? (f.tzName !== undefined ? tzOffsetSecs(f.tzName, 0n) : tzOffsetSecs(zone, 0n));
  return { micros, offsetSecs };
}

function localMicros(f: DateTimeFields, now: NowFn, zone: string, kind: string, s: string): bigint {
  const days = dateDaysOf(f, now, zone);
  if (days === undefined) throw sqlError('22007', `invalid input syntax for type ${kind}: "${s}"`);
  return BigInt(days) * MICROS_PER_DAY + BigInt(f.timeMicros ?? 0);
}

function checkRange(micros: bigint, kind: string, s: string): bigint {
  if (micros < TIMESTAMP_MICROS_MIN || micros >= TIMESTAMP_MICROS_END) {
    throw sqlError('22008', `${kind === 'timestamp' ? 'timestamp' : 'timestamp'} out of range: "${s}"`);
  }
  return micros;
}

export function parseTimestamp(s: string, zone = 'UTC', now: NowFn = noNow): bigint {
  const f = wrapErrors('timestamp', s, () => parseDateTimeFields(s));
  if (f.special === 'infinity') return TIMESTAMP_INFINITY;
  if (f.special === '-infinity') return -TIMESTAMP_INFINITY;
  if (f.special === 'now') {
    const n = now();
    return n + BigInt(tzOffsetSecs(zone, n)) * MICROS_PER_SECOND;
  }
  return checkRange(localMicros(f, now, zone, 'timestamp', s), 'timestamp', s);
}

export function parseTimestamptz(s: string, zone = 'UTC', now: NowFn = noNow): bigint {
  const f = wrapErrors('timestamp with time zone', s, () => parseDateTimeFields(s));
  if (f.special === 'infinity') return TIMESTAMP_INFINITY;
  if (f.special === '-infinity') return -TIMESTAMP_INFINITY;
  if (f.special === 'now') return now();
  if (f.special === 'epoch') return 0n;
  const local = localMicros(f, now, zone, 'timestamp with time zone', s);
  let utc: bigint;
  if (f.tzOffsetSecs !== undefined) utc = local - BigInt(f.tzOffsetSecs) * MICROS_PER_SECOND;
  else utc = localToUtcMicros(f.tzName ?? zone, local);
  return checkRange(utc, 'timestamp', s);
}

/** Local wall-clock micros of a timestamptz in `zone` (timestamptz → timestamp). */
export function toLocalMicros(utc: bigint, zone: string): bigint {
  if (utc === TIMESTAMP_INFINITY || utc === -TIMESTAMP_INFINITY) return utc;
  return utc + BigInt(tzOffsetSecs(zone, utc)) * MICROS_PER_SECOND;
}

/** timestamp → timestamptz: the local time read in `zone`. */
export function fromLocalMicros(local: bigint, zone: string): bigint {
  if (local === TIMESTAMP_INFINITY || local === -TIMESTAMP_INFINITY) return local;
  return localToUtcMicros(zone, local);
}

export const MICROS_PER_DAY_NUMBER = MICROS_PER_DAY_N;
