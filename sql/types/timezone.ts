// Time zones for timestamptz: the session TimeZone setting is an IANA name (offsets from
// the runtime's tz database via Intl.DateTimeFormat, cached per 15 minutes of UTC time) or
// a fixed offset (PostgreSQL rules: a bare number is hours east, a POSIX string such as
// 'UTC+3' or '<+03>-3' counts hours *west*). Called by datetime I/O and date/time builtins.

import { sqlError } from '../errors.js';

type Zone =
  | { readonly kind: 'fixed'; readonly offsetSecs: number; readonly name: string }
  | { readonly kind: 'iana'; readonly name: string; readonly fmt: Intl.DateTimeFormat; readonly cache: Map<number, number> };

const ZONES = new Map<string, Zone | null>();
const OFFSET_CACHE_MAX = 20000;
/** Intl (JS Date) covers ±8.64e15 ms; outside it, reuse the offset at the edge. */
const DATE_MS_MAX = 8.64e15;

const POSIX_RE = /^(?:([a-z]{3,})|<([+-]?[0-9a-z]+)>)([+-]?)(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?$/i;
const NUMBER_RE = /^[+-]?\d+(?:\.\d+)?$/;
const ISO_OFFSET_RE = /^([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/;

function fixed(offsetSecs: number, name: string): Zone {
  return { kind: 'fixed', offsetSecs, name };
}

function parseZone(spec: string): Zone | null {
  const s = spec.trim();
  const upper = s.toUpperCase();
  if (upper === 'UTC' || upper === 'GMT' || upper === 'Z' || upper === 'ZULU' || upper === 'UCT' || upper === 'ETC/UTC') {
    return fixed(0, 'UTC');
  }
  if (NUMBER_RE.test(s)) return fixed(Math.round(Number(s) * 3600), s); // SQL convention: east positive
  const iso = ISO_OFFSET_RE.exec(s);
  if (iso !== null) {
    // A '+hh:mm' TimeZone *setting* is POSIX (west positive); see isoOffsetSecs for literals.
    const secs = Number(iso[2]) * 3600 + Number(iso[3] ?? 0) * 60 + Number(iso[4] ?? 0);
    return fixed(iso[1] === '-' ? secs : -secs, s);
  }
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: s, hourCycle: 'h23', era: 'short', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    return { kind: 'iana', name: fmt.resolvedOptions().timeZone, fmt, cache: new Map() };
  } catch {
    const posix = POSIX_RE.exec(s);
    if (posix === null) return null;
    const secs = Number(posix[4]) * 3600 + Number(posix[5] ?? 0) * 60 + Number(posix[6] ?? 0);
    return fixed(posix[3] === '-' ? secs : -secs, s);
  }
}

function zoneOf(spec: string): Zone {
  let z = ZONES.get(spec);
  if (z === undefined) {
    z = parseZone(spec);
    ZONES.set(spec, z);
  }
  if (z === null) throw sqlError('22023', `time zone "${spec}" not recognized`);
  return z;
}

/** Whether `zone` names a time zone Shoal can use as the TimeZone setting. */
export function isValidTimeZone(zone: string): boolean {
  if (!ZONES.has(zone)) ZONES.set(zone, parseZone(zone));
  return ZONES.get(zone) !== null;
}

/** The canonical spelling of a zone (IANA names as the tz database spells them), or undefined. */
export function normalizeTimeZone(zone: string): string | undefined {
  if (!isValidTimeZone(zone)) return undefined;
  return zoneOf(zone).name;
}

function ianaOffset(z: Extract<Zone, { kind: 'iana' }>, utcMs: number): number {
  const bucket = Math.floor(utcMs / 900000);
  const hit = z.cache.get(bucket);
  if (hit !== undefined) return hit;
  const ms = Math.max(-DATE_MS_MAX, Math.min(DATE_MS_MAX, bucket * 900000));
  let year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, bc = false;
  for (const p of z.fmt.formatToParts(ms)) {
    switch (p.type) {
      case 'year': year = Number(p.value); break;
      case 'month': month = Number(p.value); break;
      case 'day': day = Number(p.value); break;
      case 'hour': hour = Number(p.value); break;
      case 'minute': minute = Number(p.value); break;
      case 'second': second = Number(p.value); break;
      case 'era': bc = p.value.startsWith('B'); break;
      default: break;
    }
  }
  if (bc) year = 1 - year;
  const local = Date.UTC(2000, month - 1, day, hour, minute, second);
  const shifted = new Date(local);
  shifted.setUTCFullYear(year);
  const offset = Math.round((shifted.getTime() - ms) / 1000);
  if (z.cache.size >= OFFSET_CACHE_MAX) z.cache.clear();
  z.cache.set(bucket, offset);
  return offset;
}

/** Seconds east of UTC in `zone` at the instant `utcMicros`. */
export function tzOffsetSecs(zone: string, utcMicros: bigint): number {
  const z = zoneOf(zone);
  if (z.kind === 'fixed') return z.offsetSecs;
  return ianaOffset(z, Number(utcMicros / 1000n));
}

/**
 * The UTC instant of local wall-clock time `localMicros` in `zone`. Like PostgreSQL, an
 * ambiguous time (fall back) takes the later instant and a skipped time (spring forward)
 * is read with the offset in force before the jump.
 */
export function localToUtcMicros(zone: string, localMicros: bigint): bigint {
  const z = zoneOf(zone);
  if (z.kind === 'fixed') return localMicros - BigInt(z.offsetSecs) * 1000000n;
  const ms = Number(localMicros / 1000n);
  const before = ianaOffset(z, ms - 86400000);
  const after = ianaOffset(z, ms + 86400000);
  if (before === after && ianaOffset(z, ms - before * 1000) === before) {
    return localMicros - BigInt(before) * 1000000n;
  }
  let best: number | undefined;
  for (const off of [before, after]) {
    if (ianaOffset(z, ms - off * 1000) === off && (best === undefined || off < best)) best = off;
  }
  if (best === undefined) best = Math.min(before, after);
  return localMicros - BigInt(best) * 1000000n;
}
