// Date/time functions: now() and friends (from the session's clocks, never the real clock),
// date_trunc, date_part/extract, age, AT TIME ZONE (timezone()), make_*, justify_*,
// to_timestamp/to_date and isfinite. to_char lives in to-char.ts.

import { Decimal } from 'decimal.js';
import { sqlError } from '../errors.js';
import {
  civilFromDays, daysFromCivil, daysInMonth, splitMicros, toLocalMicros, fromLocalMicros,
  tzOffsetSecs, localToUtcMicros, isValidTimeZone, types, TIMESTAMP_INFINITY,
} from '../types/index.js';
import type { Interval, NumericDatum, TimeTz } from '../types/index.js';
import type { Registry } from './registry.js';
import type { EvalContext } from './context.js';
import { def } from './string.js';
import { scaled } from './arith.js';
import { addInterval, checkTimestamp, DAY, isInfinite, justifyDays, justifyHours, justifyInterval } from './time-arith.js';
import { registerToChar, parseWithFormat } from './to-char.js';

const T = types;

/** Broken-down local time. */
export interface Tm {
  year: number; month: number; day: number; hour: number; minute: number; second: number; micro: number;
}

export function toTm(local: bigint): Tm {
  const [days, tod] = splitMicros(local);
  const [year, month, day] = civilFromDays(days);
  const secs = Math.floor(tod / 1e6);
  return { year, month, day, hour: Math.floor(secs / 3600), minute: Math.floor(secs / 60) % 60, second: secs % 60, micro: tod % 1e6 };
}

export function fromTm(tm: Tm): bigint {
  const days = daysFromCivil(tm.year, tm.month, tm.day);
  return BigInt(days) * DAY + BigInt(((tm.hour * 60 + tm.minute) * 60 + tm.second) * 1e6 + tm.micro);
}

const KNOWN_UNITS = new Set(['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year',
  'decade', 'century', 'millennium', 'dow', 'isodow', 'doy', 'isoyear', 'julian', 'epoch', 'timezone', 'timezone_hour', 'timezone_minute']);

function badUnit(unit: string, typ: string): Error {
  if (!KNOWN_UNITS.has(normUnit(unit))) return sqlError('22023', `unit "${unit}" not recognized for type ${typ}`);
  return sqlError('0A000', `unit "${unit}" not supported for type ${typ}`);
}

function normUnit(u: string): string {
  const s = u.toLowerCase().trim();
  const alias: Record<string, string> = {
    microsecond: 'microseconds', us: 'microseconds', usec: 'microseconds', usecs: 'microseconds',
    millisecond: 'milliseconds', ms: 'milliseconds', msec: 'milliseconds', msecs: 'milliseconds',
    seconds: 'second', sec: 'second', secs: 'second', s: 'second', minutes: 'minute', min: 'minute', mins: 'minute', m: 'minute',
    hours: 'hour', hr: 'hour', hrs: 'hour', h: 'hour', days: 'day', d: 'day', weeks: 'week', w: 'week',
    months: 'month', mon: 'month', mons: 'month', quarters: 'quarter', qtr: 'quarter', years: 'year', yr: 'year', yrs: 'year', y: 'year',
    decades: 'decade', dec: 'decade', centuries: 'century', c: 'century', cent: 'century', millenniums: 'millennium', millennia: 'millennium', mil: 'millennium',
  };
  return alias[s] ?? s;
}

/** date_trunc on a local timestamp. */
function truncLocal(unit: string, local: bigint, typ: string): bigint {
  if (isInfinite(local)) return local;
  const tm = toTm(local);
  switch (normUnit(unit)) {
    case 'millennium': tm.year = tm.year > 0 ? Math.floor((tm.year - 1) / 1000) * 1000 + 1 : tm.year; tm.month = 1; tm.day = 1; break;
    case 'century': tm.year = tm.year > 0 ? Math.floor((tm.year - 1) / 100) * 100 + 1 : tm.year; tm.month = 1; tm.day = 1; break;
    case 'decade': tm.year = Math.floor(tm.year / 10) * 10; tm.month = 1; tm.day = 1; break;
    case 'year': tm.month = 1; tm.day = 1; break;
    case 'quarter': tm.month = Math.floor((tm.month - 1) / 3) * 3 + 1; tm.day = 1; break;
    case 'month': tm.day = 1; break;
    case 'week': {
      const days = daysFromCivil(tm.year, tm.month, tm.day);
      const dow = (((days + 3) % 7) + 7) % 7; // 0 = Monday
      [tm.year, tm.month, tm.day] = civilFromDays(days - dow);
      break;
    }
    case 'day': break;
    case 'hour': tm.minute = 0; tm.second = 0; tm.micro = 0; return fromTm(tm);
    case 'minute': tm.second = 0; tm.micro = 0; return fromTm(tm);
    case 'second': tm.micro = 0; return fromTm(tm);
    case 'milliseconds': tm.micro = Math.floor(tm.micro / 1000) * 1000; return fromTm(tm);
    case 'microseconds': return local;
    default: throw badUnit(unit, typ);
  }
  tm.hour = 0; tm.minute = 0; tm.second = 0; tm.micro = 0;
  return fromTm(tm);
}

function truncInterval(unit: string, iv: Interval): Interval {
  const u = normUnit(unit);
  const years = Math.trunc(iv.months / 12);
  const micros = iv.micros;
  const H = 3600000000n, M = 60000000n, S = 1000000n;
  switch (u) {
    case 'millennium': return { months: Math.trunc(years / 1000) * 12000, days: 0, micros: 0n };
    case 'century': return { months: Math.trunc(years / 100) * 1200, days: 0, micros: 0n };
    case 'decade': return { months: Math.trunc(years / 10) * 120, days: 0, micros: 0n };
    case 'year': return { months: years * 12, days: 0, micros: 0n };
    case 'quarter': return { months: Math.trunc(iv.months / 3) * 3, days: 0, micros: 0n };
    case 'month': return { months: iv.months, days: 0, micros: 0n };
    case 'day': return { months: iv.months, days: iv.days, micros: 0n };
    case 'hour': return { months: iv.months, days: iv.days, micros: (micros / H) * H };
    case 'minute': return { months: iv.months, days: iv.days, micros: (micros / M) * M };
    case 'second': return { months: iv.months, days: iv.days, micros: (micros / S) * S };
    case 'milliseconds': return { months: iv.months, days: iv.days, micros: (micros / 1000n) * 1000n };
    case 'microseconds': return iv;
    default: throw badUnit(unit, 'interval');
  }
}

function isoWeek(y: number, m: number, d: number): [isoYear: number, week: number] {
  const days = daysFromCivil(y, m, d);
  const isoDow = ((((days + 3) % 7) + 7) % 7) + 1; // 1 = Monday
  const thursday = days - isoDow + 4;
  const [ty] = civilFromDays(thursday);
  const jan1 = daysFromCivil(ty, 1, 1);
  return [ty, Math.floor((thursday - jan1) / 7) + 1];
}

/** extract(field from local timestamp): a numeric (scale as PostgreSQL 14+). */
function extractTs(unit: string, local: bigint, typ: string, utc?: bigint, offsetSecs = 0, isDate = false): NumericDatum {
  const u = normUnit(unit);
  const n = (v: number | string, scale = 0): NumericDatum => scaled(new Decimal(v), scale);
  if (isInfinite(local)) {
    if (['epoch', 'year', 'decade', 'century', 'millennium', 'julian', 'isoyear'].includes(u)) return new Decimal(local > 0n ? Infinity : -Infinity);
    return scaled(new Decimal(NaN), 0);
  }
  const tm = toTm(local);
  const days = daysFromCivil(tm.year, tm.month, tm.day);
  const secMicros = tm.second * 1e6 + tm.micro;
  if (isDate && ['hour', 'minute', 'second', 'milliseconds', 'microseconds', 'timezone', 'timezone_hour', 'timezone_minute'].includes(u)) {
    throw badUnit(unit, 'date');
  }
  switch (u) {
    case 'microseconds': return n(secMicros);
    case 'milliseconds': return n(new Decimal(secMicros).div(1000).toFixed(3), 3);
    case 'second': return n(new Decimal(secMicros).div(1e6).toFixed(6), 6);
    case 'minute': return n(tm.minute);
    case 'hour': return n(tm.hour);
    case 'day': return n(tm.day);
    case 'month': return n(tm.month);
    case 'quarter': return n(Math.floor((tm.month - 1) / 3) + 1);
    case 'year': return n(tm.year > 0 ? tm.year : tm.year - 1);
    case 'decade': return n(Math.floor(tm.year / 10));
    case 'century': return n(tm.year > 0 ? Math.floor((tm.year + 99) / 100) : -Math.floor((99 - (tm.year - 1)) / 100));
    case 'millennium': return n(tm.year > 0 ? Math.floor((tm.year + 999) / 1000) : -Math.floor((999 - (tm.year - 1)) / 1000));
    case 'dow': return n((((days + 4) % 7) + 7) % 7);
    case 'isodow': return n(((((days + 3) % 7) + 7) % 7) + 1);
    case 'doy': return n(days - daysFromCivil(tm.year, 1, 1) + 1);
    case 'week': return n(isoWeek(tm.year, tm.month, tm.day)[1]);
    case 'isoyear': return n(isoWeek(tm.year, tm.month, tm.day)[0]);
    case 'julian': return isDate ? n(days + 2440588) : n(new Decimal(days + 2440588).plus(new Decimal(Number(local - BigInt(days) * DAY)).div(86400e6)).toString());
    case 'epoch': {
      const v = utc ?? local;
      return isDate ? n(Number(v / 1000000n)) : n(new Decimal(v.toString()).div(1e6).toFixed(6), 6);
    }
    case 'timezone': if (typ === 'timestamptz') return n(offsetSecs); break; // other types: not supported below
    case 'timezone_hour': if (typ === 'timestamptz') return n(Math.trunc(offsetSecs / 3600)); break;
    case 'timezone_minute': if (typ === 'timestamptz') return n(Math.trunc(offsetSecs / 60) % 60); break;
  }
  throw badUnit(unit, typ === 'timestamptz' ? 'timestamp with time zone' : typ === 'timestamp' ? 'timestamp without time zone' : typ);
}

function extractInterval(unit: string, iv: Interval): NumericDatum {
  const u = normUnit(unit);
  const n = (v: number | string, scale = 0): NumericDatum => scaled(new Decimal(v), scale);
  const secMicros = Number(iv.micros % 60000000n);
  switch (u) {
    case 'microseconds': return n(secMicros);
    case 'milliseconds': return n(new Decimal(secMicros).div(1000).toFixed(3), 3);
    case 'second': return n(new Decimal(secMicros).div(1e6).toFixed(6), 6);
    case 'minute': return n(Number((iv.micros / 60000000n) % 60n));
    case 'hour': return n(Number(iv.micros / 3600000000n));
    case 'day': return n(iv.days);
    case 'month': return n(iv.months % 12);
    case 'quarter': return n(Math.floor((iv.months % 12) / 3) + 1);
    case 'year': return n(Math.trunc(iv.months / 12));
    case 'decade': return n(Math.trunc(iv.months / 120));
    case 'century': return n(Math.trunc(iv.months / 1200));
    case 'millennium': return n(Math.trunc(iv.months / 12000));
    case 'epoch': {
      // PostgreSQL: years count 365.25 days, remaining months 30 days
      const years = Math.trunc(iv.months / 12), months = iv.months % 12;
      const exact = new Decimal(years).times(365.25 * 86400).plus(new Decimal(months).times(30 * 86400))
        .plus(new Decimal(iv.days).times(86400)).plus(new Decimal(iv.micros.toString()).div(1e6));
      return n(exact.toFixed(6), 6);
    }
    default: throw badUnit(unit, 'interval');
  }
}

function extractTime(unit: string, micros: bigint): NumericDatum {
  return extractInterval(unit, { months: 0, days: 0, micros });
}

/** age(a, b): symbolic years/months/days difference (timestamp_age). */
export function age(a: bigint, b: bigint): Interval {
  const t1 = toTm(a), t2 = toTm(b);
  let usec = t1.micro - t2.micro, sec = t1.second - t2.second, min = t1.minute - t2.minute, hour = t1.hour - t2.hour;
  let mday = t1.day - t2.day, mon = t1.month - t2.month, year = t1.year - t2.year;
  const neg = a < b;
  if (neg) { usec = -usec; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year; }
  while (usec < 0) { usec += 1e6; sec--; }
  while (sec < 0) { sec += 60; min--; }
  while (min < 0) { min += 60; hour--; }
  while (hour < 0) { hour += 24; mday--; }
  while (mday < 0) {
    const ref = neg ? t1 : t2;
    mday += daysInMonth(ref.year, ref.month);
    mon--;
  }
  while (mon < 0) { mon += 12; year--; }
  if (neg) { usec = -usec; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year; }
  return { months: year * 12 + mon + 0, days: mday + 0, micros: BigInt(((hour * 60 + min) * 60 + sec) * 1e6 + usec) };
}

function localMidnightToday(ctx: EvalContext): bigint {
  const now = ctx.session.txnTimestampMicros();
  const [days] = splitMicros(toLocalMicros(now, ctx.timeZone));
  return BigInt(days) * DAY;
}

function makeTimestamp(y: number, mo: number, d: number, h: number, mi: number, s: number): bigint {
  if (mo < 1 || mo > 12 || d < 1 || y === 0 || d > daysInMonth(y < 0 ? y + 1 : y, mo) || h < 0 || h > 24 || mi < 0 || mi > 59 || s < 0 || s > 60) {
    throw sqlError('22008', `date field value out of range: ${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  }
  const days = daysFromCivil(y < 0 ? y + 1 : y, mo, d);
  const micros = Math.round(s * 1e6);
  return checkTimestamp(BigInt(days) * DAY + BigInt((h * 60 + mi) * 60) * 1000000n + BigInt(micros));
}

function zoneCheck(zone: string): string {
  if (!isValidTimeZone(zone)) throw sqlError('22023', `time zone "${zone}" not recognized`);
  return zone;
}

/** AT TIME ZONE reads '+05' POSIX-style (hours west of UTC), unlike SET TIME ZONE. */
function atZone(zone: string): string {
  const m = /^([+-]?)(\d{1,2})(?::(\d{2}))?$/.exec(zone.trim());
  if (m !== null) return String((m[1] === '-' ? 1 : -1) * (Number(m[2]) + Number(m[3] ?? 0) / 60));
  return zoneCheck(zone);
}

export function registerDateTimeFunctions(r: Registry): void {
  const stable = { volatility: 'stable' as const };
  for (const n of ['now', 'current_timestamp', 'transaction_timestamp']) {
    r.addFunction({ name: n, args: [], ret: T.timestamptz, ...stable, fn: (_a, ctx) => ctx.session.txnTimestampMicros() });
  }
  r.addFunction({ name: 'statement_timestamp', args: [], ret: T.timestamptz, ...stable, fn: (_a, ctx) => ctx.session.statementTimestampMicros() });
  r.addFunction({ name: 'clock_timestamp', args: [], ret: T.timestamptz, volatility: 'volatile', fn: (_a, ctx) => ctx.session.clockTimestampMicros() });
  r.addFunction({ name: 'timeofday', args: [], ret: T.text, volatility: 'volatile', fn: (_a, ctx) => String(ctx.session.clockTimestampMicros()) });
  r.addFunction({ name: 'current_date', args: [], ret: T.date, ...stable, fn: (_a, ctx) => Number(localMidnightToday(ctx) / DAY) });
  r.addFunction({ name: 'localtimestamp', args: [], ret: T.timestamp, ...stable, fn: (_a, ctx) => toLocalMicros(ctx.session.txnTimestampMicros(), ctx.timeZone) });
  r.addFunction({ name: 'localtime', args: [], ret: T.time, ...stable, fn: (_a, ctx) => BigInt(splitMicros(toLocalMicros(ctx.session.txnTimestampMicros(), ctx.timeZone))[1]) });
  r.addFunction({
    name: 'current_time', args: [], ret: T.timetz, ...stable,
    fn: (_a, ctx) => {
      const now = ctx.session.txnTimestampMicros();
      const off = tzOffsetSecs(ctx.timeZone, now);
      return { micros: BigInt(splitMicros(now + BigInt(off) * 1000000n)[1]), offsetSecs: off } satisfies TimeTz;
    },
  });

  def(r, 'date_trunc', [T.text, T.timestamp], T.timestamp, (u: string, ts: bigint) => truncLocal(u, ts, 'timestamp without time zone'));
  r.addFunction({ name: 'date_trunc', args: [T.text, T.timestamptz], ret: T.timestamptz, ...stable, fn: (a, ctx) => truncTz(a[0] as string, a[1] as bigint, ctx.timeZone) });
  def(r, 'date_trunc', [T.text, T.timestamptz, T.text], T.timestamptz, (u: string, ts: bigint, z: string) => truncTz(u, ts, zoneCheck(z)));
  def(r, 'date_trunc', [T.text, T.interval], T.interval, (u: string, iv: Interval) => truncInterval(u, iv));

  const dp = (v: NumericDatum): number => v.toNumber();
  def(r, 'extract', [T.text, T.timestamp], T.numeric, (u: string, ts: bigint) => extractTs(u, ts, 'timestamp'));
  r.addFunction({ name: 'extract', args: [T.text, T.timestamptz], ret: T.numeric, ...stable, fn: (a, ctx) => extractTz(a[0] as string, a[1] as bigint, ctx.timeZone) });
  def(r, 'extract', [T.text, T.date], T.numeric, (u: string, d: number) => extractDate(u, d));
  def(r, 'extract', [T.text, T.interval], T.numeric, (u: string, iv: Interval) => extractInterval(u, iv));
  def(r, 'extract', [T.text, T.time], T.numeric, (u: string, t: bigint) => extractTime(u, t));
  def(r, 'date_part', [T.text, T.timestamp], T.float8, (u: string, ts: bigint) => dp(extractTs(u, ts, 'timestamp')));
  r.addFunction({ name: 'date_part', args: [T.text, T.timestamptz], ret: T.float8, ...stable, fn: (a, ctx) => dp(extractTz(a[0] as string, a[1] as bigint, ctx.timeZone)) });
  def(r, 'date_part', [T.text, T.date], T.float8, (u: string, d: number) => dp(extractDate(u, d)));
  def(r, 'date_part', [T.text, T.interval], T.float8, (u: string, iv: Interval) => dp(extractInterval(u, iv)));
  def(r, 'date_part', [T.text, T.time], T.float8, (u: string, t: bigint) => dp(extractTime(u, t)));

  def(r, 'age', [T.timestamp, T.timestamp], T.interval, (a: bigint, b: bigint) => age(a, b));
  r.addFunction({ name: 'age', args: [T.timestamptz, T.timestamptz], ret: T.interval, ...stable, fn: (a, ctx) => age(toLocalMicros(a[0] as bigint, ctx.timeZone), toLocalMicros(a[1] as bigint, ctx.timeZone)) });
  r.addFunction({ name: 'age', args: [T.timestamp], ret: T.interval, ...stable, fn: (a, ctx) => age(localMidnightToday(ctx), a[0] as bigint) });
  r.addFunction({ name: 'age', args: [T.timestamptz], ret: T.interval, ...stable, fn: (a, ctx) => age(localMidnightToday(ctx), toLocalMicros(a[0] as bigint, ctx.timeZone)) });

  def(r, 'timezone', [T.text, T.timestamptz], T.timestamp, (z: string, ts: bigint) => toLocalMicros(ts, atZone(z)));
  def(r, 'timezone', [T.text, T.timestamp], T.timestamptz, (z: string, ts: bigint) => (isInfinite(ts) ? ts : localToUtcMicros(atZone(z), ts)));
  def(r, 'timezone', [T.interval, T.timestamptz], T.timestamp, (z: Interval, ts: bigint) => ts + z.micros);
  def(r, 'timezone', [T.interval, T.timestamp], T.timestamptz, (z: Interval, ts: bigint) => ts - z.micros);

  def(r, 'make_date', [T.int4, T.int4, T.int4], T.date, (y: number, m: number, d: number) => Number(makeTimestamp(y, m, d, 0, 0, 0) / DAY));
  def(r, 'make_time', [T.int4, T.int4, T.float8], T.time, (h: number, m: number, s: number) => BigInt(Math.round(((h * 60 + m) * 60 + s) * 1e6)));
  def(r, 'make_timestamp', [T.int4, T.int4, T.int4, T.int4, T.int4, T.float8], T.timestamp,
    (y: number, mo: number, d: number, h: number, mi: number, s: number) => makeTimestamp(y, mo, d, h, mi, s));
  r.addFunction({
    name: 'make_timestamptz', args: [T.int4, T.int4, T.int4, T.int4, T.int4, T.float8], ret: T.timestamptz, ...stable,
    fn: (a, ctx) => fromLocalMicros(makeTimestamp(...(a as [number, number, number, number, number, number])), ctx.timeZone),
  });
  def(r, 'make_timestamptz', [T.int4, T.int4, T.int4, T.int4, T.int4, T.float8, T.text], T.timestamptz,
    (y: number, mo: number, d: number, h: number, mi: number, s: number, z: string) => localToUtcMicros(zoneCheck(z), makeTimestamp(y, mo, d, h, mi, s)));
  const mkInterval = (y = 0, mo = 0, w = 0, d = 0, h = 0, mi = 0, s = 0): Interval => ({
    months: y * 12 + mo, days: w * 7 + d, micros: BigInt(Math.round(((h * 60 + mi) * 60 + s) * 1e6)),
  });
  const ivArgs = [T.int4, T.int4, T.int4, T.int4, T.int4, T.int4, T.float8];
  for (let n = 0; n <= 7; n++) {
    r.addFunction({ name: 'make_interval', args: ivArgs.slice(0, n), ret: T.interval, fn: (a) => mkInterval(...(a as number[])) });
  }
  def(r, 'justify_days', [T.interval], T.interval, (iv: Interval) => justifyDays(iv));
  def(r, 'justify_hours', [T.interval], T.interval, (iv: Interval) => justifyHours(iv));
  def(r, 'justify_interval', [T.interval], T.interval, (iv: Interval) => justifyInterval(iv));
  def(r, 'isfinite', [T.date], T.bool, (d: number) => Number.isFinite(d));
  def(r, 'isfinite', [T.timestamp], T.bool, (ts: bigint) => !isInfinite(ts));
  def(r, 'isfinite', [T.timestamptz], T.bool, (ts: bigint) => !isInfinite(ts));
  def(r, 'isfinite', [T.interval], T.bool, () => true);

  def(r, 'to_timestamp', [T.float8], T.timestamptz, (secs: number) => {
    if (!Number.isFinite(secs)) return secs > 0 ? TIMESTAMP_INFINITY : secs < 0 ? -TIMESTAMP_INFINITY : (() => { throw sqlError('22008', 'timestamp cannot be NaN'); })();
    return checkTimestamp(BigInt(Math.round(secs * 1e6)));
  });
  r.addFunction({
    name: 'to_timestamp', args: [T.text, T.text], ret: T.timestamptz, ...stable,
    fn: (a, ctx) => {
      const p = parseWithFormat(a[0] as string, a[1] as string);
      const local = makeTimestamp(p.year, p.month, p.day, p.hour, p.minute, p.second + p.micro / 1e6);
      return p.offsetSecs !== undefined ? local - BigInt(p.offsetSecs) * 1000000n : fromLocalMicros(local, ctx.timeZone);
    },
  });
  def(r, 'to_date', [T.text, T.text], T.date, (s: string, f: string) => {
    const p = parseWithFormat(s, f);
    return Number(makeTimestamp(p.year, p.month, p.day, 0, 0, 0) / DAY);
  });
  def(r, 'date_add', [T.timestamptz, T.interval], T.timestamptz, (ts: bigint, iv: Interval) => addInterval(ts, iv, 'UTC'));
  registerToChar(r);
}

function truncTz(unit: string, ts: bigint, zone: string): bigint {
  if (isInfinite(ts)) return ts;
  const u = normUnit(unit);
  const local = truncLocal(unit, toLocalMicros(ts, zone), 'timestamp with time zone');
  if (u === 'hour' || u === 'minute' || u === 'second' || u === 'milliseconds' || u === 'microseconds') {
    // keep the instant's own offset: truncation below an hour never crosses a DST change
    return local - BigInt(tzOffsetSecs(zone, ts)) * 1000000n;
  }
  return fromLocalMicros(local, zone);
}

function extractTz(unit: string, ts: bigint, zone: string): NumericDatum {
  const off = isInfinite(ts) ? 0 : tzOffsetSecs(zone, ts);
  return extractTs(unit, isInfinite(ts) ? ts : ts + BigInt(off) * 1000000n, 'timestamptz', ts, off);
}

function extractDate(unit: string, d: number): NumericDatum {
  if (!Number.isFinite(d)) return extractTs(unit, d > 0 ? TIMESTAMP_INFINITY : -TIMESTAMP_INFINITY, 'date', undefined, 0, true);
  return extractTs(unit, BigInt(d) * DAY, 'date', undefined, 0, true);
}

