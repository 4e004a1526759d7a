// The builtin registry and PostgreSQL's overload resolution (func_select_candidate,
// oper_select_candidate, simplified): exact match first, then implicit casts, then most
// exact positions, preferred types, and the string category for unknown literals.
// Polymorphic signatures (anyelement, anyarray, anynonarray, anycompatible, "any") bind
// at resolution. Definition modules (string.ts, math.ts, ...) fill it; index.ts resolves.

import { sqlError } from '../errors.js';
import {
  arrayOf, canImplicitlyCast, commonType, isPreferredType, typeCategory, typeName, types,
} from '../types/index.js';
import type { Datum, SqlType } from '../types/index.js';
import type { EvalContext } from './context.js';

export type Volatility = 'immutable' | 'stable' | 'volatile';
export type ScalarFn = (args: readonly Datum[], ctx: EvalContext) => Datum | Promise<Datum>;
export type BinaryFn = (a: Datum, b: Datum, ctx: EvalContext) => Datum;
export type UnaryFn = (a: Datum, ctx: EvalContext) => Datum;

/** Polymorphic pseudo-types usable in signatures (PostgreSQL's OIDs). */
export const poly = {
  any: Object.freeze({ kind: 'any', oid: 2276, typmod: -1 }) as SqlType,
  anyelement: Object.freeze({ kind: 'any', oid: 2283, typmod: -1 }) as SqlType,
  anyarray: Object.freeze({ kind: 'any', oid: 2277, typmod: -1 }) as SqlType,
  anynonarray: Object.freeze({ kind: 'any', oid: 2776, typmod: -1 }) as SqlType,
  anycompatible: Object.freeze({ kind: 'any', oid: 5077, typmod: -1 }) as SqlType,
  anycompatiblearray: Object.freeze({ kind: 'any', oid: 5078, typmod: -1 }) as SqlType,
} as const;

const POLY_OIDS = new Set([2283, 2277, 2776, 5077, 5078]);

/** A resolved operator: call fn with operands coerced to leftType/rightType. */
export interface OperatorImpl {
  readonly name: string;
  /** Binary: fn(left, right). Prefix (leftType null): fn(operand, null). */
  readonly fn: BinaryFn;
  readonly returnType: SqlType;
  readonly leftType: SqlType | null;
  readonly rightType: SqlType;
  /** Operators are strict: NULL in, NULL out (the caller skips the call). */
  readonly strict: true;
}

export interface FunctionImpl {
  readonly name: string;
  readonly fn: ScalarFn;
  readonly returnType: SqlType;
  /** The types the caller must coerce each argument to before calling fn. */
  readonly argTypes: readonly SqlType[];
  readonly volatility: Volatility;
  /** Strict: if any argument is NULL the result is NULL without calling fn. */
  readonly strict: boolean;
  /** True when fn may return a Promise (nextval, ...); the caller awaits it. */
  readonly async: boolean;
}

export interface AggregateImpl<State = unknown> {
  readonly name: string;
  readonly returnType: SqlType;
  readonly argTypes: readonly SqlType[];
  /** Fresh state per group. */
  init(): State;
  /** Adds one row (args coerced to argTypes); skips NULLs itself where PostgreSQL does; returns the new state. */
  step(state: State, args: readonly Datum[], ctx: EvalContext): State;
  /** Result for the group (NULL for empty groups, except count → 0). */
  final(state: State, ctx: EvalContext): Datum;
}

/** A function signature in the registry. */
export interface FnDef {
  readonly name: string;
  readonly args: readonly SqlType[];
  /** Element type of a trailing VARIADIC parameter (poly.any for VARIADIC "any"). */
  readonly variadic?: SqlType;
  readonly ret: SqlType | ((args: readonly SqlType[]) => SqlType);
  /** Either a fixed implementation or a factory that sees the resolved argument types. */
  readonly fn?: ScalarFn;
  readonly make?: (args: readonly SqlType[]) => ScalarFn;
  readonly volatility?: Volatility;
  readonly strict?: boolean;
  readonly async?: boolean;
}

export interface OpDef {
  readonly name: string;
  readonly left: SqlType | null;
  readonly right: SqlType;
  readonly ret: SqlType | ((left: SqlType | null, right: SqlType) => SqlType);
  readonly fn?: BinaryFn;
  readonly make?: (left: SqlType | null, right: SqlType) => BinaryFn;
}

export interface AggDef {
  readonly name: string;
  readonly args: readonly SqlType[];
  readonly ret: SqlType | ((args: readonly SqlType[]) => SqlType);
  readonly make: (args: readonly SqlType[]) => Omit<AggregateImpl, 'name' | 'returnType' | 'argTypes'>;
}

interface Candidate<D> {
  readonly def: D;
  /** The signature as declared (polymorphic positions unresolved): what PostgreSQL scores. */
  readonly formal: readonly SqlType[];
  /** Declared types with polymorphic positions bound to the actual arguments. */
  readonly declared: SqlType[];
  /** The types the caller coerces each argument to. */
  readonly resolved: SqlType[];
}

function isPoly(t: SqlType): boolean {
  return POLY_OIDS.has(t.oid);
}

/** Set when a candidate failed only because its polymorphic arguments were all unknown literals. */
let polyUnknown = false;

/** Binds polymorphic declared types to actual argument types; undefined if impossible. */
function bindPoly(declared: readonly SqlType[], actual: readonly SqlType[]): SqlType[] | undefined {
  const elems: SqlType[] = [];
  let sawPoly = false;
  for (let i = 0; i < declared.length; i++) {
    const d = declared[i]!, a = actual[i]!;
    if (!isPoly(d)) continue;
    sawPoly = true;
    if (a.kind === 'unknown') continue;
    if (d.oid === poly.anyarray.oid || d.oid === poly.anycompatiblearray.oid) {
      if (a.kind !== 'array') return undefined;
      elems.push(a.elem!);
    } else {
      if (d.oid === poly.anynonarray.oid && a.kind === 'array') return undefined;
      elems.push(a);
    }
  }
  if (!sawPoly) return declared.slice();
  let elem: SqlType;
  const compatible = declared.some((d) => d.oid === poly.anycompatible.oid || d.oid === poly.anycompatiblearray.oid);
  if (elems.length === 0) {
    if (!compatible) {
      polyUnknown = true;
      return undefined;
    }
    elem = types.text;
  } else if (compatible) {
    try {
      elem = commonType(elems, 'argument');
    } catch {
      return undefined;
    }
  } else {
    elem = elems[0]!;
    if (elems.some((e) => e.oid !== elem.oid)) return undefined;
  }
  return declared.map((d) => {
    if (!isPoly(d)) return d;
    return d.oid === poly.anyarray.oid || d.oid === poly.anycompatiblearray.oid ? arrayOf(elem) : elem;
  });
}

function expand(args: readonly SqlType[], variadic: SqlType | undefined, n: number): SqlType[] | undefined {
  if (variadic === undefined) return args.length === n ? args.slice() : undefined;
  if (n < args.length + 1) return undefined; // VARIADIC needs at least one argument
  const out = args.slice();
  while (out.length < n) out.push(variadic);
  return out;
}

function candidateFor<D>(def: D, formal: SqlType[] | undefined, actual: readonly SqlType[]): Candidate<D> | undefined {
  if (formal === undefined) return undefined;
  const declared = bindPoly(formal, actual);
  if (declared === undefined) return undefined;
  const resolved: SqlType[] = [];
  for (let i = 0; i < actual.length; i++) {
    const d = declared[i]!, a = actual[i]!;
    if (d.oid === poly.any.oid) {
      resolved.push(a.kind === 'unknown' ? types.text : a);
      continue;
    }
    if (a.oid === d.oid) {
      resolved.push(a.kind === 'array' || d.typmod === -1 ? a : d);
      continue;
    }
    if (a.kind !== 'unknown' && !canImplicitlyCast(a, d)) return undefined;
    resolved.push(d);
  }
  return { def, formal, declared, resolved };
}

/** Keeps the candidates with the highest score (all of them when every score is equal). */
function keepBest<D>(cs: Candidate<D>[], score: (c: Candidate<D>) => number): Candidate<D>[] {
  let best = -1;
  let out: Candidate<D>[] = [];
  for (const c of cs) {
    const s = score(c);
    if (s > best) {
      best = s;
      out = [c];
    } else if (s === best) out.push(c);
  }
  return out;
}

/**
 * func_select_candidate: most exact matches on the declared types (a polymorphic position
 * never matches exactly), then most positions whose declared type is the input's or the
 * preferred type of the input's category, then the category of unknown literals (string
 * wins), then "the unknowns are the one known type". Returns the survivors.
 */
function narrow<D>(cands: Candidate<D>[], actual: readonly SqlType[]): Candidate<D>[] {
  if (cands.length <= 1) return cands;
  const known = actual.map((a) => a.kind !== 'unknown');
  let cs = keepBest(cands, (c) => c.formal.reduce((n, f, i) => n + (known[i] && f.oid === actual[i]!.oid ? 1 : 0), 0));
  if (cs.length <= 1) return cs;
  const cats = actual.map((a) => typeCategory(a));
  cs = keepBest(cs, (c) => c.formal.reduce((n, f, i) => {
    const ok = known[i] && (f.oid === actual[i]!.oid || (isPreferredType(f) && typeCategory(f) === cats[i]));
    return n + (ok ? 1 : 0);
  }, 0));
  if (cs.length <= 1) return cs;
  cs = resolveUnknownCategories(cs, known);
  if (cs.length <= 1) return cs;
  return lastGasp(cs, actual, known) ?? cs;
}

/** Unknown literals: per position, the string category if any candidate offers it, else the one category all share. */
function resolveUnknownCategories<D>(cs: Candidate<D>[], known: readonly boolean[]): Candidate<D>[] {
  const want: { cat: string; preferred: boolean }[] = [];
  for (let i = 0; i < known.length; i++) {
    if (known[i]) continue;
    let cat: string | undefined;
    let preferred = false;
    let conflict = false;
    for (const c of cs) {
      const f = c.formal[i]!;
      const fc = typeCategory(f);
      if (cat === undefined || (fc !== cat && fc === 'S')) {
        cat = fc;
        preferred = isPreferredType(f);
      } else if (fc === cat) preferred ||= isPreferredType(f);
      else conflict = true;
    }
    if (conflict && cat !== 'S') return cs;
    want[i] = { cat: cat!, preferred };
  }
  return cs.filter((c) => want.every((w, i) => {
    if (w === undefined) return true;
    const f = c.formal[i]!;
    return typeCategory(f) === w.cat && (!w.preferred || isPreferredType(f));
  }));
}

/** Known inputs all of one type: read the unknowns as that type; keep the match if it is unique. */
function lastGasp<D>(cs: Candidate<D>[], actual: readonly SqlType[], known: readonly boolean[]): Candidate<D>[] | undefined {
  const knownTypes = actual.filter((_a, i) => known[i]);
  if (knownTypes.length === 0 || knownTypes.length === actual.length) return undefined;
  const k = knownTypes[0]!;
  if (knownTypes.some((t) => t.oid !== k.oid)) return undefined;
  const all = actual.map(() => k);
  const fits = cs.filter((c) => candidateFor(c.def, c.formal.slice(), all) !== undefined);
  return fits.length === 1 ? fits : undefined;
}

function argList(argTypes: readonly SqlType[]): string {
  return argTypes.map((t) => typeName(t)).join(', ');
}

/** The function and operator tables. One instance (built in index.ts) serves the process. */
export class Registry {
  private readonly functions = new Map<string, FnDef[]>();
  private readonly operators = new Map<string, OpDef[]>();
  private readonly aggregates = new Map<string, AggDef[]>();

  addFunction(def: FnDef): void {
    const list = this.functions.get(def.name) ?? [];
    list.push(def);
    this.functions.set(def.name, list);
  }
  addOperator(def: OpDef): void {
    const key = (def.left === null ? 'prefix:' : '') + def.name;
    const list = this.operators.get(key) ?? [];
    list.push(def);
    this.operators.set(key, list);
  }
  addAggregate(def: AggDef): void {
    const list = this.aggregates.get(def.name) ?? [];
    list.push(def);
    this.aggregates.set(def.name, list);
  }

  hasFunction(name: string): boolean {
    return this.functions.has(name) || this.aggregates.has(name);
  }
  isAggregate(name: string): boolean {
    return this.aggregates.has(name);
  }
  functionNames(): string[] {
    return [...this.functions.keys(), ...this.aggregates.keys()];
  }

  resolveFunction(name: string, actual: readonly SqlType[]): FunctionImpl {
    const defs = this.functions.get(name);
    polyUnknown = false;
    const cands: Candidate<FnDef>[] = [];
    for (const def of defs ?? []) {
      const c = candidateFor(def, expand(def.args, def.variadic, actual.length), actual);
      if (c !== undefined) cands.push(c);
    }
    const best = narrow(cands, actual);
    if (best.length === 0) {
      if (defs === undefined && this.aggregates.has(name)) {
        throw sqlError('42809', `aggregate function ${name} called in a non-aggregate context`); // bind should have routed it
      }
      if (polyUnknown) throw polyUnknownError();
      throw sqlError('42883', `function ${name}(${argList(actual)}) does not exist`, {
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    if (best.length > 1 && !sameSignatures(best)) {
      throw sqlError('42725', `function ${name}(${argList(actual)}) is not unique`, {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      });
    }
    const { def, resolved } = best[0]!;
    const fn = def.fn ?? def.make!(resolved);
    return {
      name,
      fn,
      returnType: typeof def.ret === 'function' ? def.ret(resolved) : def.ret,
      argTypes: resolved,
      volatility: def.volatility ?? 'immutable',
      strict: def.strict ?? true,
      async: def.async ?? false,
    };
  }

  resolveOperator(name: string, left: SqlType | null, right: SqlType): OperatorImpl {
    const defs = this.operators.get((left === null ? 'prefix:' : '') + name) ?? [];
    const actual = left === null ? [right] : [left, right];
    // one unknown side of a binary operator: first try it as the other side's type
    let probe = actual;
    if (left !== null && (left.kind === 'unknown') !== (right.kind === 'unknown')) {
      probe = left.kind === 'unknown' ? [right, right] : [left, left];
      const exact = defs.filter((d) => d.left !== null && d.left.oid === probe[0]!.oid && d.right.oid === probe[1]!.oid);
      if (exact.length === 1) return this.makeOp(exact[0]!, probe, probe);
    }
    const cands: Candidate<OpDef>[] = [];
    polyUnknown = false;
    for (const def of defs) {
      const declared = def.left === null ? [def.right] : [def.left, def.right];
      const c = candidateFor(def, declared, actual);
      if (c !== undefined) cands.push(c);
    }
    const best = narrow(cands, actual);
    const shown = left === null ? `${name} ${typeName(right)}` : `${typeName(left)} ${name} ${typeName(right)}`;
    if (best.length === 0) {
      throw sqlError('42883', `operator does not exist: ${shown}`, {
        hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    if (best.length > 1 && !sameSignatures(best)) {
      throw sqlError('42725', `operator is not unique: ${shown}`, {
        hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
      });
    }
    return this.makeOp(best[0]!.def, best[0]!.resolved, actual);
  }

  private makeOp(def: OpDef, resolved: readonly SqlType[], _actual: readonly SqlType[]): OperatorImpl {
    const l = def.left === null ? null : resolved[0]!;
    const r = def.left === null ? resolved[0]! : resolved[1]!;
    return {
      name: def.name,
      fn: def.fn ?? def.make!(l, r),
      returnType: typeof def.ret === 'function' ? def.ret(l, r) : def.ret,
      leftType: l,
      rightType: r,
      strict: true,
    };
  }

  resolveAggregate(name: string, actual0: readonly SqlType[]): AggregateImpl {
    const defs = this.aggregates.get(name);
    polyUnknown = false;
    // an aggregate over a bare literal reads it as text (min('a'), string_agg('x', ','))
    const actual = actual0.map((t) => (t.kind === 'unknown' ? types.text : t));
    const cands: Candidate<AggDef>[] = [];
    for (const def of defs ?? []) {
      const c = candidateFor(def, expand(def.args, undefined, actual.length), actual);
      if (c !== undefined) cands.push(c);
    }
    const best = narrow(cands, actual);
    if (best.length === 0) {
      if (polyUnknown) throw polyUnknownError();
      throw sqlError('42883', `function ${name}(${argList(actual)}) does not exist`, {
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    const { def, resolved } = best[0]!;
    return {
      name,
      returnType: typeof def.ret === 'function' ? def.ret(resolved) : def.ret,
      argTypes: resolved,
      ...def.make(resolved),
    };
  }
}

function polyUnknownError(): Error {
  return sqlError('42804', 'could not determine polymorphic type because input has type unknown');
}

function sameSignatures<D>(cs: Candidate<D>[]): boolean {
  const first = cs[0]!.resolved;
  return cs.every((c) => c.resolved.length === first.length && c.resolved.every((t, i) => t.oid === first[i]!.oid));
}
