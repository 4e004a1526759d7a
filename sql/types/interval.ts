// interval: text input (PostgreSQL's postgres-style words and hh:mm:ss, "ago", the ISO 8601
// P..T.. form and year-month "1-2") and output in IntervalStyle 'postgres'
// ("1 year 2 mons -3 days +04:05:06.5"). Values keep months, days and micros apart.
// Called by text-io, casts and the date/time builtins.

import { sqlError } from '../errors.js';
import type { Interval } from './type.js';

const MICROS_PER_DAY = 86400000000n;
const DAYS_PER_MONTH = 30;

/** Unit → [months, days, micros] per 1 unit (fractions spill downward as PostgreSQL does). */
const UNITS: Record<string, 'us' | 'ms' | 's' | 'min' | 'h' | 'd' | 'w' | 'mon' | 'y' | 'dec' | 'cent' | 'mil'> = {
  microsecond: 'us', microseconds: 'us', usec: 'us', usecs: 'us', us: 'us',
  millisecond: 'ms', milliseconds: 'ms', msec: 'ms', msecs: 'ms', ms: 'ms',
  second: 's', seconds: 's', sec: 's', secs: 's', s: 's',
  minute: 'min', minutes: 'min', min: 'min', mins: 'min', m: 'min',
  hour: 'h', hours: 'h', hr: 'h', hrs: 'h', h: 'h',
  day: 'd', days: 'd', d: 'd',
  week: 'w', weeks: 'w', w: 'w',
  month: 'mon', months: 'mon', mon: 'mon', mons: 'mon',
  year: 'y', years: 'y', yr: 'y', yrs: 'y', y: 'y',
  decade: 'dec', decades: 'dec', dec: 'dec', decs: 'dec',
  century: 'cent', centuries: 'cent', cent: 'cent', c: 'cent',
  millennium: 'mil', millennia: 'mil', millenniums: 'mil', mil: 'mil', mils: 'mil',
};

class Acc {
  months = 0;
  days = 0;
  micros = 0; // a float while parsing; rounded at the end
  addMonths(v: number): void {
    const whole = Math.trunc(v);
    this.months += whole;
    this.addDays((v - whole) * DAYS_PER_MONTH);
  }
  addDays(v: number): void {
    const whole = Math.trunc(v);
    this.days += whole;
    this.micros += Math.round((v - whole) * 86400e6);
  }
  add(unit: string, v: number): void {
    switch (unit) {
      case 'us': this.micros += v; break;
      case 'ms': this.micros += v * 1e3; break;
      case 's': this.micros += v * 1e6; break;
      case 'min': this.micros += v * 60e6; break;
      case 'h': this.micros += v * 3600e6; break;
      case 'd': this.addDays(v); break;
      case 'w': this.addDays(v * 7); break;
      case 'mon': this.addMonths(v); break;
      case 'y': this.addMonths(Math.round(v * 12 * 1e6) / 1e6); break;
      case 'dec': this.addMonths(v * 120); break;
      case 'cent': this.addMonths(v * 1200); break;
      case 'mil': this.addMonths(v * 12000); break;
      default: throw new Error(`unit ${unit}`);
    }
  }
}

function syntax(s: string): Error {
  return sqlError('22007', `invalid input syntax for type interval: "${s}"`);
}

const TIME_RE = /^([+-])?(\d+):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?$/;
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)$/;

function timeMicros(m: RegExpExecArray): number {
  const frac = m[5] ? Math.round(Number('0.' + m[5]) * 1e6) : 0;
  const v = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * 1e6 + frac;
  return m[1] === '-' ? -v : v;
}

export function parseInterval(input: string): Interval {
  const s = input.trim().toLowerCase();
  if (s.length === 0) throw syntax(input);
  if (s[0] === 'p') return parseIso(s, input);
  const toks = s.replace(/^@\s*/, '').split(/\s+|(?<=\d)(?=[a-z])|,/).filter((t) => t.length > 0);
  const acc = new Acc();
  let ago = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    let m: RegExpExecArray | null;
    if ((m = TIME_RE.exec(t)) !== null) {
      acc.micros += timeMicros(m);
    } else if ((m = /^([+-])?(\d+)-(\d+)$/.exec(t)) !== null) {
      const months = Number(m[2]) * 12 + Number(m[3]);
      acc.months += m[1] === '-' ? -months : months;
    } else if (NUM_RE.test(t)) {
      const v = Number(t);
      const next = toks[i + 1];
      const unit = next === undefined ? undefined : UNITS[next];
      if (unit !== undefined) {
        acc.add(unit, v);
        i++;
      } else if (next !== undefined && TIME_RE.test(next)) acc.add('d', v);
      else if (next === undefined || next === 'ago') acc.add('s', v);
      else throw syntax(input);
    } else if (t === 'ago') {
      ago = true;
    } else throw syntax(input);
  }
  return finish(acc, ago, input);
}

function finish(acc: Acc, ago: boolean, input: string): Interval {
  const micros = Math.round(acc.micros);
  if (!Number.isFinite(micros) || Math.abs(acc.months) > 2147483647 || Math.abs(acc.days) > 2147483647) {
    throw sqlError('22015', `interval field value out of range: "${input}"`);
  }
  const sign = ago ? -1 : 1;
  return { months: sign * acc.months + 0, days: sign * acc.days + 0, micros: BigInt(sign * micros) };
}

function parseIso(s: string, input: string): Interval {
  const m = /^p(?:([-\d.]+)y)?(?:([-\d.]+)m)?(?:([-\d.]+)w)?(?:([-\d.]+)d)?(?:t(?:([-\d.]+)h)?(?:([-\d.]+)m)?(?:([-\d.]+)s)?)?$/.exec(s);
  if (m === null || s === 'p' || s.endsWith('t')) throw syntax(input);
  const acc = new Acc();
  const units = ['y', 'mon', 'w', 'd', 'h', 'min', 's'];
  for (let i = 0; i < units.length; i++) {
    const v = m[i + 1];
    if (v !== undefined) {
      if (!NUM_RE.test(v)) throw syntax(input);
      acc.add(units[i]!, Number(v));
    }
  }
  return finish(acc, false, input);
}

function part(out: string[], value: number, unit: string, state: { before: boolean }): void {
  if (value === 0) return;
  out.push((state.before && value > 0 ? '+' : '') + value + ' ' + unit + (value !== 1 ? 's' : ''));
  state.before = value < 0;
}

function pad2(n: bigint): string {
  return n < 10n ? '0' + n : String(n);
}

/** interval_out with IntervalStyle = postgres. */
export function formatInterval(iv: Interval): string {
  const out: string[] = [];
  const state = { before: false };
  const years = Math.trunc(iv.months / 12);
  part(out, years, 'year', state);
  part(out, iv.months - years * 12, 'mon', state);
  part(out, iv.days, 'day', state);
  if (out.length === 0 || iv.micros !== 0n) {
    const neg = iv.micros < 0n;
    const a = neg ? -iv.micros : iv.micros;
    const secs = a / 1000000n;
    const frac = a - secs * 1000000n;
    let t = (neg ? '-' : state.before ? '+' : '') + pad2(secs / 3600n) + ':' + pad2((secs / 60n) % 60n) + ':' + pad2(secs % 60n);
    if (frac !== 0n) t += '.' + String(frac).padStart(6, '0').replace(/0+$/, '');
    out.push(t);
  }
  return out.join(' ');
}

/** A total order key: months count 30 days, days 24 hours (interval_cmp_value). */
export function intervalCompareKey(iv: Interval): bigint {
  return (BigInt(iv.months) * 30n + BigInt(iv.days)) * MICROS_PER_DAY + iv.micros;
}
