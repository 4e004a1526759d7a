// Date/time arithmetic as PostgreSQL does it: months added on the civil calendar (clamping
// the day to the month's end), days in local time (so timestamptz + '1 day' keeps the wall
// clock across DST in the session zone), then microseconds; differences justified into
// days + time. Used by operators.ts and datetime.ts.

import { sqlError } from '../errors.js';
import {
  TIMESTAMP_INFINITY, civilFromDays, daysFromCivil, splitMicros, toLocalMicros, fromLocalMicros, daysInMonth,
} from '../types/index.js';
import type { Interval } from '../types/index.js';
import { rint } from './arith.js';

export const DAY = 86400000000n;
const TS_MIN = -210866803200000000n;
const TS_END = 9224318016000000000n;

export function isInfinite(ts: bigint): boolean {
  return ts === TIMESTAMP_INFINITY || ts === -TIMESTAMP_INFINITY;
}

export function checkTimestamp(ts: bigint): bigint {
  if (ts < TS_MIN || ts >= TS_END) throw sqlError('22008', 'timestamp out of range');
  return ts;
}

/** Adds calendar months to a day number, clamping the day of month. */
export function addMonthsToDays(days: number, months: number): number {
  if (months === 0) return days;
  const [y, m, d] = civilFromDays(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return daysFromCivil(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** timestamp(tz) + interval; `zone` null for timestamp without time zone. */
export function addInterval(ts: bigint, iv: Interval, zone: string | null, sign: 1 | -1 = 1): bigint {
  if (isInfinite(ts)) return ts;
  const months = sign * iv.months, days = sign * iv.days;
  let out = ts;
  if (months !== 0 || days !== 0) {
    const local = zone === null ? ts : toLocalMicros(ts, zone);
    const [d, tod] = splitMicros(local);
    const nd = addMonthsToDays(d, months) + days;
    const nlocal = BigInt(nd) * DAY + BigInt(tod);
    out = zone === null ? nlocal : fromLocalMicros(nlocal, zone);
  }
  return checkTimestamp(out + (sign === 1 ? iv.micros : -iv.micros));
}

/** Moves whole days out of the time part, signs made consistent (interval_justify_hours). */
export function justifyHours(iv: Interval): Interval {
  let days = iv.days + Number(iv.micros / DAY);
  let micros = iv.micros % DAY;
  if (days > 0 && micros < 0n) { micros += DAY; days--; }
  else if (days < 0 && micros > 0n) { micros -= DAY; days++; }
  return { months: iv.months, days: days + 0, micros };
}

/** Moves 30-day blocks into months (interval_justify_days). */
export function justifyDays(iv: Interval): Interval {
  let months = iv.months + Math.trunc(iv.days / 30);
  let days = iv.days % 30;
  if (months > 0 && days < 0) { days += 30; months--; }
  else if (months < 0 && days > 0) { days -= 30; months++; }
  return { months: months + 0, days: days + 0, micros: iv.micros };
}

export function justifyInterval(iv: Interval): Interval {
  let months = iv.months, days = iv.days + Number(iv.micros / DAY);
  let micros = iv.micros % DAY;
  months += Math.trunc(days / 30);
  days %= 30;
  if (months > 0 && (days < 0 || (days === 0 && micros < 0n))) { days += 30; months--; }
  else if (months < 0 && (days > 0 || (days === 0 && micros > 0n))) { days -= 30; months++; }
  if (days > 0 && micros < 0n) { micros += DAY; days--; }
  else if (days < 0 && micros > 0n) { micros -= DAY; days++; }
  return { months: months + 0, days: days + 0, micros };
}

/** timestamp - timestamp (either flavour; both UTC or both local). */
export function timestampDiff(a: bigint, b: bigint): Interval {
  if (isInfinite(a) || isInfinite(b)) throw sqlError('22008', 'cannot subtract infinite timestamps');
  return justifyHours({ months: 0, days: 0, micros: a - b });
}

export function intervalAdd(a: Interval, b: Interval, sign: 1 | -1): Interval {
  const months = a.months + sign * b.months, days = a.days + sign * b.days;
  if (Math.abs(months) > 2147483647 || Math.abs(days) > 2147483647) throw sqlError('22008', 'interval out of range');
  return { months: months + 0, days: days + 0, micros: sign === 1 ? a.micros + b.micros : a.micros - b.micros };
}

/** interval * factor, fractions cascading down as interval_mul. */
export function intervalMul(iv: Interval, factor: number): Interval {
  if (!Number.isFinite(factor)) throw sqlError('22008', 'interval out of range');
  const monthsF = iv.months * factor;
  const months = Math.trunc(monthsF);
  const monthRemDays = (monthsF - months) * 30;
  const daysF = iv.days * factor;
  let days = Math.trunc(daysF);
  const secRem = (daysF - days + monthRemDays - Math.trunc(monthRemDays)) * 86400;
  days += Math.trunc(monthRemDays);
  const micros = rint(Number(iv.micros) * factor + Math.round(secRem * 1e6));
  if (Math.abs(months) > 2147483647 || Math.abs(days) > 2147483647 || !Number.isFinite(micros)) {
    throw sqlError('22008', 'interval out of range');
  }
  return { months: months + 0, days: days + 0, micros: BigInt(micros) };
}

export function intervalDiv(iv: Interval, divisor: number): Interval {
  if (divisor === 0) throw sqlError('22012', 'division by zero');
  return intervalMul(iv, 1 / divisor);
}

export function intervalNeg(iv: Interval): Interval {
  return { months: -iv.months + 0, days: -iv.days + 0, micros: -iv.micros };
}

export function dateAddDays(d: number, n: number): number {
  if (!Number.isFinite(d)) return d;
  const r = d + n;
  if (r < -2440588 || r > 2145042905) throw sqlError('22008', 'date out of range');
  return r;
}
