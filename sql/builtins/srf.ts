// Set-returning builtins whose rows are pure functions of their arguments: jsonb_each,
// jsonb_each_text, jsonb_object_keys, jsonb_array_elements, jsonb_array_elements_text.
// Resolved like scalar functions (same overload rules); the engine calls `rows` once per
// call and emits the rows in order. (generate_series and unnest live in the engine.)

import assert from 'node:assert/strict';
import { sqlError } from '../errors.js';
import { formatJsonb, isJsonObject, JSON_NULL, sortedKeys, types } from '../types/index.js';
import type { Datum, JsonValue, SqlType } from '../types/index.js';
import { Registry } from './registry.js';
import type { EvalContext } from './context.js';

/** One output column of a set-returning function (the FROM-clause column names PostgreSQL uses). */
export interface SetColumn {
  readonly name: string;
  readonly type: SqlType;
}

export type Row = readonly Datum[];

/** A resolved set-returning function. */
export interface SetFunctionImpl {
  readonly name: string;
  /** Types the caller coerces each argument to. */
  readonly argTypes: readonly SqlType[];
  /** Output columns; a single column is a scalar SRF (usable in a select list as one value per row). */
  readonly columns: readonly SetColumn[];
  /** Strict: a NULL argument yields no rows without calling `rows`. */
  readonly strict: boolean;
  /** The rows for one call, each with one datum per column. */
  rows(args: readonly Datum[], ctx: EvalContext): readonly Row[];
}

interface SrfDef {
  readonly args: SqlType[];
  readonly columns: readonly SetColumn[];
  readonly rows: (args: readonly Datum[], ctx: EvalContext) => readonly Row[];
}

const T = types;
const registry = new Registry();
const defs = new Map<string, SrfDef[]>();

function add(name: string, def: SrfDef): void {
  const list = defs.get(name) ?? [];
  const index = list.length;
  list.push(def);
  defs.set(name, list);
  // the scalar registry resolves overloads; its fn only reports which definition won
  registry.addFunction({ name, args: def.args, ret: T.int4, fn: () => index });
}

function objectRows(fn: string, v: JsonValue, value: (x: JsonValue) => Datum): Row[] {
  if (!isJsonObject(v)) throw sqlError('22023', `cannot call ${fn} on a non-object`);
  return sortedKeys(v).map((k) => [k, value(v[k]!)]);
}

function elementRows(v: JsonValue, value: (x: JsonValue) => Datum): Row[] {
  if (!Array.isArray(v)) throw sqlError('22023', `cannot extract elements from ${isJsonObject(v) ? 'an object' : 'a scalar'}`);
  return v.map((e) => [value(e)]);
}

/** jsonb_each_text / _elements_text: strings unquoted, JSON null as SQL NULL, others as jsonb text. */
function asText(x: JsonValue): Datum {
  if (x === JSON_NULL) return null;
  return typeof x === 'string' ? x : formatJsonb(x);
}

const same = (x: JsonValue): Datum => x;

add('jsonb_each', {
  args: [T.jsonb],
  columns: [{ name: 'key', type: T.text }, { name: 'value', type: T.jsonb }],
  rows: (a) => objectRows('jsonb_each', a[0] as JsonValue, same),
});
add('jsonb_each_text', {
  args: [T.jsonb],
  columns: [{ name: 'key', type: T.text }, { name: 'value', type: T.text }],
  rows: (a) => objectRows('jsonb_each_text', a[0] as JsonValue, asText),
});
add('jsonb_object_keys', {
  args: [T.jsonb],
  columns: [{ name: 'jsonb_object_keys', type: T.text }],
  rows: (a) => {
    const v = a[0] as JsonValue;
    if (!isJsonObject(v)) throw sqlError('22023', `cannot call jsonb_object_keys on ${Array.isArray(v) ? 'an array' : 'a scalar'}`);
    return sortedKeys(v).map((k) => [k]);
  },
});
add('jsonb_array_elements', {
  args: [T.jsonb],
  columns: [{ name: 'value', type: T.jsonb }],
  rows: (a) => elementRows(a[0] as JsonValue, same),
});
add('jsonb_array_elements_text', {
  args: [T.jsonb],
  columns: [{ name: 'value', type: T.text }],
  rows: (a) => elementRows(a[0] as JsonValue, asText),
});

const UNUSED_CONTEXT = Object.freeze({}) as EvalContext;

/** Names of the set-returning builtins of this module (for pg_proc). */
export function setFunctionNames(): string[] {
  return [...defs.keys()];
}

/** Whether `name` (lowercase, unqualified) is a set-returning builtin of this module. */
export function isSetFunction(name: string): boolean {
  return defs.has(name);
}

/** Resolves a set-returning call; undefined when `name` is not one (42883 when no overload fits). */
export function resolveSetFunction(name: string, argTypes: readonly SqlType[]): SetFunctionImpl | undefined {
  const list = defs.get(name);
  if (list === undefined) return undefined;
  const f = registry.resolveFunction(name, argTypes);
  const def = list[f.fn([], UNUSED_CONTEXT) as number]!; // the registered fn returns the definition's index
  assert(def !== undefined, 'set-returning function definition index');
  return { name, argTypes: f.argTypes, columns: def.columns, strict: true, rows: def.rows };
}
