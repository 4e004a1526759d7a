// jsonb navigation and edits shared by operators and json functions: -> / ->> lookups,
// #> paths, || concatenation, - deletion, jsonb_set. A missing element is `undefined`
// (SQL NULL to the caller); a JSON null element is JSON_NULL, a value (`->` returns it as
// jsonb 'null', `->>` as SQL NULL).

import { sqlError } from '../errors.js';
import { JSON_NULL, formatJsonb, isJsonObject, setJsonKey } from '../types/index.js';
import type { ArrayDatum, Datum, JsonObject, JsonValue } from '../types/index.js';

/** v -> key (object field) or v -> index (array element, negative from the end). */
export function jsonGet(v: JsonValue, key: string | number): JsonValue | undefined {
  if (typeof key === 'number') {
    if (!Array.isArray(v)) return undefined;
    const i = key < 0 ? v.length + key : key;
    return i >= 0 && i < v.length ? v[i] : undefined;
  }
  if (!isJsonObject(v)) return undefined;
  return Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

/** ->> : strings unquoted, JSON null → SQL NULL, others as jsonb text. */
export function jsonAsText(v: JsonValue | undefined): Datum {
  if (v === undefined || v === JSON_NULL) return null;
  if (typeof v === 'string') return v;
  return formatJsonb(v);
}

function pathKeys(path: ArrayDatum): (string | null)[] {
  return path.elements as (string | null)[];
}

export function jsonbGetPath(v: JsonValue, path: ArrayDatum): JsonValue | undefined {
  let cur: JsonValue | undefined = v;
  for (const k of pathKeys(path)) {
    if (k === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) {
      if (!/^-?\d+$/.test(k)) return undefined;
      cur = jsonGet(cur, Number(k));
    } else cur = jsonGet(cur, k);
  }
  return cur;
}

function copyObject(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(o)) setJsonKey(out, k, o[k]!);
  return out;
}

export function jsonbConcat(a: JsonValue, b: JsonValue): JsonValue {
  if (isJsonObject(a) && isJsonObject(b)) {
    const out = copyObject(a);
    for (const k of Object.keys(b)) setJsonKey(out, k, b[k]!);
    return out;
  }
  const left = Array.isArray(a) ? a : [a];
  const right = Array.isArray(b) ? b : [b];
  return [...left, ...right];
}

export function jsonbDelete(v: JsonValue, key: string | number): JsonValue {
  if (typeof key === 'number') {
    if (!Array.isArray(v)) {
      throw sqlError('22023', isJsonObject(v) ? 'cannot delete from object using integer index' : 'cannot delete from scalar');
    }
    const i = key < 0 ? v.length + key : key;
    return v.filter((_e, j) => j !== i);
  }
  if (Array.isArray(v)) return v.filter((e) => e !== key);
  if (isJsonObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) if (k !== key) setJsonKey(out, k, v[k]!);
    return out;
  }
  throw sqlError('22023', 'cannot delete from scalar');
}

/** jsonb_set(target, path, value, create_missing). */
export function jsonbSet(target: JsonValue, path: readonly (string | null)[], value: JsonValue, create: boolean): JsonValue {
  if (path.length === 0) return target;
  const [k, ...rest] = path;
  if (k === null) throw sqlError('22004', 'path element at position 1 is null');
  if (Array.isArray(target)) {
    if (!/^-?\d+$/.test(k)) {
      throw sqlError('22P02', `path element at position 1 is not an integer: "${k}"`);
    }
    let i = Number(k);
    if (i < 0) i += target.length;
    const out = target.slice();
    if (i >= 0 && i < out.length) out[i] = rest.length === 0 ? value : jsonbSet(out[i]!, rest, value, create);
    else if (create && rest.length === 0) {
      if (i < 0) out.unshift(value);
      else out.push(value);
    }
    return out;
  }
  if (isJsonObject(target)) {
    const has = Object.prototype.hasOwnProperty.call(target, k);
    if (!has && (!create || rest.length > 0)) return target;
    const out = copyObject(target);
    setJsonKey(out, k, rest.length === 0 ? value : jsonbSet(target[k]!, rest, value, create));
    return out;
  }
  throw sqlError('22023', 'cannot set path in scalar');
}

/** jsonb ? key: an object key, or a string element of an array, or the string scalar itself. */
export function jsonHasKey(a: JsonValue, k: string): boolean {
  if (Array.isArray(a)) return a.some((e) => e === k);
  if (isJsonObject(a)) return Object.prototype.hasOwnProperty.call(a, k);
  return a === k;
}

/** jsonb_strip_nulls: drops object fields whose value is JSON null, at every depth (array elements stay). */
export function jsonbStripNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(jsonbStripNulls);
  if (isJsonObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      const x = v[k]!;
      if (x !== JSON_NULL) setJsonKey(out, k, jsonbStripNulls(x));
    }
    return out;
  }
  return v;
}
