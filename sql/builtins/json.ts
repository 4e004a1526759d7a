// JSON functions: to_json/to_jsonb, json[b]_build_object/array, jsonb_typeof,
// jsonb_array_length, jsonb_set, jsonb_pretty, jsonb_extract_path[_text], jsonb_strip_nulls.
// toJsonValue is shared with the json aggregates.

import { sqlError } from '../errors.js';
import {
  arrayOf, formatJson, formatJsonbPretty, formatText, isJsonObject, JSON_NULL, JsonNumber, jsonKind, parseJson,
  setJsonKey, types,
} from '../types/index.js';
import type { ArrayDatum, Datum, JsonObject, JsonValue, NumericDatum, SqlType, TypeEnv } from '../types/index.js';
import type { Registry } from './registry.js';
import { poly } from './registry.js';
import { def } from './string.js';
import { jsonAsText, jsonbGetPath, jsonbSet, jsonbStripNulls, jsonHasKey } from './json-ops.js';

const T = types;

/** A datum as a JSON value, as to_jsonb converts it (timestamps in ISO 8601 with 'T'). */
export function toJsonValue(t: SqlType, d: Datum, env: TypeEnv): JsonValue {
  if (d === null) return JSON_NULL;
  switch (t.kind) {
    case 'bool': return d as boolean;
    case 'int2': case 'int4': case 'oid': case 'int8': return JsonNumber.fromInteger(d as number | bigint);
    case 'float4': case 'float8': {
      const text = formatText(t, d, env); // PostgreSQL reads the float's output text as numeric
      return Number.isFinite(d as number) ? JsonNumber.parse(text) : text;
    }
    case 'numeric': return (d as NumericDatum).isFinite() ? JsonNumber.fromNumeric(d as NumericDatum) : formatText(t, d, env);
    case 'json': return parseJson(d as string, false);
    case 'jsonb': return d as JsonValue;
    case 'timestamp': case 'timestamptz': {
      const s = formatText(t, d, env);
      if (s.endsWith('infinity')) return s;
      const iso = s.replace(' ', 'T');
      return t.kind === 'timestamptz' ? iso.replace(/([+-]\d\d)$/, '$1:00') : iso;
    }
    case 'array': return arrayToJson(t, d as ArrayDatum, env);
    default: return formatText(t, d, env);
  }
}

function arrayToJson(t: SqlType, a: ArrayDatum, env: TypeEnv): JsonValue[] {
  const elems = a.elements.map((e) => toJsonValue(t.elem!, e, env));
  if (a.dims.length <= 1) return elems;
  const nest = (dim: number, offset: number): JsonValue[] => {
    const n = a.dims[dim]!;
    const stride = a.dims.slice(dim + 1).reduce((x, y) => x * y, 1);
    const out: JsonValue[] = [];
    for (let i = 0; i < n; i++) out.push(dim === a.dims.length - 1 ? elems[offset + i]! : nest(dim + 1, offset + i * stride));
    return out;
  };
  return nest(0, 0);
}

function buildObject(ts: readonly SqlType[], args: readonly Datum[], env: TypeEnv): JsonObject {
  if (args.length % 2 !== 0) {
    throw sqlError('22023', 'argument list must have even number of elements', {
      hint: 'The arguments of jsonb_build_object() must consist of alternating keys and values.',
    });
  }
  const out: JsonObject = {};
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i]!;
    if (k === null) throw sqlError('22004', `argument ${i + 1}: key must not be null`);
    setJsonKey(out, formatText(ts[i]!, k, env), toJsonValue(ts[i + 1]!, args[i + 1]!, env));
  }
  return out;
}

/** json_build_object's text layout: {"a" : 1, "b" : [1,2]} (values keep json's own spacing). */
function jsonObjectText(ts: readonly SqlType[], args: readonly Datum[], env: TypeEnv): string {
  buildObject(ts, args, env); // same checks as jsonb_build_object
  const parts: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const k = formatText(ts[i]!, args[i]!, env);
    parts.push(JSON.stringify(k) + ' : ' + jsonValueText(ts[i + 1]!, args[i + 1]!, env));
  }
  return '{' + parts.join(', ') + '}';
}

/** A value as json text: json keeps its text, numbers their output text (1e+20), others via to_json. */
function jsonValueText(t: SqlType, d: Datum, env: TypeEnv): string {
  if (d === null) return 'null';
  if (t.kind === 'json') return d as string;
  if ((t.kind === 'float4' || t.kind === 'float8') && Number.isFinite(d as number)) return formatText(t, d, env);
  return formatJson(toJsonValue(t, d, env));
}

function arrayLength(v: JsonValue): number {
  if (Array.isArray(v)) return v.length;
  throw sqlError('22023', isJsonObject(v) ? 'cannot get array length of a non-array' : 'cannot get array length of a scalar');
}

export function registerJsonFunctions(r: Registry): void {
  const TA = arrayOf(T.text);
  r.addFunction({ name: 'to_jsonb', args: [poly.anyelement], ret: T.jsonb, volatility: 'stable', make: (ts) => (a, ctx) => toJsonValue(ts[0]!, a[0]!, ctx) });
  r.addFunction({ name: 'to_json', args: [poly.anyelement], ret: T.json, volatility: 'stable', make: (ts) => (a, ctx) => jsonValueText(ts[0]!, a[0]!, ctx) });
  r.addFunction({ name: 'jsonb_build_object', args: [], variadic: poly.any, ret: T.jsonb, strict: false, volatility: 'stable', make: (ts) => (a, ctx) => buildObject(ts, a, ctx) });
  r.addFunction({ name: 'json_build_object', args: [], variadic: poly.any, ret: T.json, strict: false, volatility: 'stable', make: (ts) => (a, ctx) => jsonObjectText(ts, a, ctx) });
  r.addFunction({ name: 'jsonb_build_array', args: [], variadic: poly.any, ret: T.jsonb, strict: false, volatility: 'stable', make: (ts) => (a, ctx) => a.map((d, i) => toJsonValue(ts[i]!, d, ctx)) });
  r.addFunction({
    name: 'json_build_array', args: [], variadic: poly.any, ret: T.json, strict: false, volatility: 'stable',
    make: (ts) => (a, ctx) => '[' + a.map((d, i) => jsonValueText(ts[i]!, d, ctx)).join(', ') + ']',
  });
  def(r, 'jsonb_typeof', [T.jsonb], T.text, (v: JsonValue) => jsonKind(v));
  def(r, 'json_typeof', [T.json], T.text, (s: string) => jsonKind(parseJson(s, false)));
  def(r, 'jsonb_array_length', [T.jsonb], T.int4, (v: JsonValue) => arrayLength(v));
  def(r, 'json_array_length', [T.json], T.int4, (s: string) => arrayLength(parseJson(s, false)));
  def(r, 'jsonb_set', [T.jsonb, TA, T.jsonb], T.jsonb, (v: JsonValue, p: ArrayDatum, x: JsonValue) => jsonbSet(v, p.elements as (string | null)[], x, true));
  def(r, 'jsonb_set', [T.jsonb, TA, T.jsonb, T.bool], T.jsonb, (v: JsonValue, p: ArrayDatum, x: JsonValue, c: boolean) => jsonbSet(v, p.elements as (string | null)[], x, c));
  def(r, 'jsonb_insert', [T.jsonb, TA, T.jsonb], T.jsonb, (v: JsonValue, p: ArrayDatum, x: JsonValue) => jsonbSet(v, p.elements as (string | null)[], x, true));
  def(r, 'jsonb_pretty', [T.jsonb], T.text, (v: JsonValue) => formatJsonbPretty(v));
  def(r, 'jsonb_strip_nulls', [T.jsonb], T.jsonb, (v: JsonValue) => jsonbStripNulls(v));
  r.addFunction({ name: 'jsonb_extract_path', args: [T.jsonb], variadic: T.text, ret: T.jsonb, fn: (a) => jsonbGetPath(a[0] as JsonValue, pathOf(a)) ?? null });
  r.addFunction({ name: 'jsonb_extract_path_text', args: [T.jsonb], variadic: T.text, ret: T.text, fn: (a) => jsonAsText(jsonbGetPath(a[0] as JsonValue, pathOf(a))) });
  r.addFunction({ name: 'json_extract_path', args: [T.json], variadic: T.text, ret: T.json, fn: (a) => { const v = jsonbGetPath(parseJson(a[0] as string, false), pathOf(a)); return v === undefined ? null : formatJson(v); } });
  r.addFunction({ name: 'json_extract_path_text', args: [T.json], variadic: T.text, ret: T.text, fn: (a) => jsonAsText(jsonbGetPath(parseJson(a[0] as string, false), pathOf(a))) });
  def(r, 'jsonb_exists', [T.jsonb, T.text], T.bool, (v: JsonValue, k: string) => jsonHasKey(v, k));
}

function pathOf(a: readonly Datum[]): ArrayDatum {
  return { dims: [a.length - 1], lowerBounds: [1], elements: a.slice(1) };
}

