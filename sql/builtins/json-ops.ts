// jsonb navigation and edits shared by operators and json functions: -> / ->> lookups,
// #> paths, || concatenation, - deletion, jsonb_set. A missing element is `undefined`
// (SQL NULL to the caller). Limitation: a top-level JSON null datum is SQL NULL in Shoal.

import { sqlError } from '../errors.js';
import { formatJsonb } from '../types/index.js';
import type { ArrayDatum, Datum, JsonValue } from '../types/index.js';

type JsonObject = { [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** v -> key (object field) or v -> index (array element, negative from the end). */
export function jsonGet(v: JsonValue, key: string | number): JsonValue | undefined {
  if (typeof key === 'number') {
    if (!Array.isArray(v)) return undefined;
    const i = key < 0 ? v.length + key : key;
    return i >= 0 && i < v.length ? v[i] : undefined;
  }
  if (!isObject(v)) return undefined;
  return Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

/** ->> : strings unquoted, JSON null → SQL NULL, others as jsonb text. */
export function jsonAsText(v: JsonValue | undefined): Datum {
  if (v === undefined || v === null) return null;
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

export function jsonbConcat(a: JsonValue, b: JsonValue): JsonValue {
  if (isObject(a) && isObject(b)) return { ...a, ...b };
  const left = Array.isArray(a) ? a : [a];
  const right = Array.isArray(b) ? b : [b];
  return [...left, ...right];
}

export function jsonbDelete(v: JsonValue, key: string | number): JsonValue {
  if (typeof key === 'number') {
    if (!Array.isArray(v)) {
      throw sqlError('22023', isObject(v) ? 'cannot delete from object using integer index' : 'cannot delete from scalar');
    }
    const i = key < 0 ? v.length + key : key;
    return v.filter((_e, j) => j !== i);
  }
  if (Array.isArray(v)) return v.filter((e) => e !== key);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) if (k !== key) out[k] = v[k]!;
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
  if (isObject(target)) {
    const has = Object.prototype.hasOwnProperty.call(target, k);
    if (!has && (!create || rest.length > 0)) return target;
    return { ...target, [k]: rest.length === 0 ? value : jsonbSet(target[k]!, rest, value, create) };
  }
  throw sqlError('22023', 'cannot set path in scalar');
}
