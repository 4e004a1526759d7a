// Test harness: evaluates tiny SQL expressions — `f(arg, ...)`, `arg op arg`, `op arg` —
// where each arg is a literal ('text', 12, 1.5, NULL) with an optional ::type, through
// resolveFunction/resolveOperator/castDatum/formatText, the way bind and exec will.

import { resolveFunction, resolveOperator } from '../../../sql/builtins/index.js';
import type { EvalContext } from '../../../sql/builtins/index.js';
import { castDatum, formatText, parseText, typeFromName, types } from '../../../sql/types/index.js';
import type { Datum, SqlType } from '../../../sql/types/index.js';

const settings = new Map<string, string>([['timezone', 'UTC'], ['datestyle', 'ISO, MDY'], ['search_path', '"$user", public']]);

export function makeCtx(timeZone = 'UTC'): EvalContext {
  return {
    timeZone,
    nowMicros: () => 1704164645123456n,
    session: {
      database: 'shoal', user: 'root', backendPid: 4242, timeZone,
      getSetting: (n) => settings.get(n),
      setSetting: (n, v) => { settings.set(n, v); return v; },
      txnTimestampMicros: () => 1704164645123456n, // 2024-01-02 03:04:05.123456+00
      statementTimestampMicros: () => 1704164645123456n,
      clockTimestampMicros: () => 1704164645123456n,
      random: () => 0.5,
    },
  };
}

interface Arg { type: SqlType; value: Datum }

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0, quote = false, start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") quote = !quote;
    else if (!quote && (c === '(' || c === '[')) depth++;
    else if (!quote && (c === ')' || c === ']')) depth--;
    else if (!quote && depth === 0 && s.startsWith(sep, i)) { out.push(s.slice(start, i)); start = i + sep.length; i += sep.length - 1; }
  }
  out.push(s.slice(start));
  return out.map((x) => x.trim()).filter((x) => x.length > 0);
}

function parseArg(src: string, ctx: EvalContext): Arg {
  const s = src.trim();
  const m = /^(.*)::([a-z_ "0-9(),]+(?:\[\])?)$/is.exec(s);
  const inner = m ? m[1]!.trim() : s;
  if (m && (/::/.test(inner) || /^\(.*\)$/s.test(inner))) {
    const a = /^\(.*\)$/s.test(inner) ? evalExpr(inner.slice(1, -1), ctx) : parseArg(inner, ctx);
    const t = parseTypeName(m[2]!);
    return { type: t, value: castDatum(a.value, a.type, t, 'explicit', ctx) };
  }
  let arg: Arg;
  if (/^NULL$/i.test(inner)) arg = { type: types.unknown, value: null };
  else if (inner.startsWith("'")) arg = { type: types.unknown, value: inner.slice(1, -1).replace(/''/g, "'") };
  else if (/^-?\d+$/.test(inner)) arg = (Number(inner) > 2147483647 || Number(inner) < -2147483648) ? { type: types.int8, value: BigInt(inner) } : { type: types.int4, value: Number(inner) };
  else if (/^-?[\d.]+(e-?\d+)?$/i.test(inner)) arg = { type: types.numeric, value: parseText(types.numeric, inner) };
  else if (/^(true|false)$/i.test(inner)) arg = { type: types.bool, value: /^true$/i.test(inner) };
  else if (/^\w+\(.*\)$/s.test(inner) || /\s/.test(inner)) arg = evalExpr(inner, ctx);
  else throw new Error(`cannot parse argument ${src}`);
  if (m) {
    const t = parseTypeName(m[2]!);
    arg = { type: t, value: castDatum(arg.value, arg.type, t, 'explicit', ctx) };
  }
  return arg;
}

function parseTypeName(src: string): SqlType {
  const tm = /^([a-z_ "0-9.]+?)\s*(?:\(([\d, ]+)\))?\s*(\[\])?$/i.exec(src.trim());
  if (tm === null) throw new Error(`bad type ${src}`);
  return typeFromName(tm[1]!, tm[2] ? tm[2].split(',').map(Number) : [], tm[3] ? [-1] : undefined);
}

function coerce(a: Arg, to: SqlType, ctx: EvalContext): Datum {
  return a.type.oid === to.oid ? a.value : castDatum(a.value, a.type, to, 'implicit', ctx);
}

const OPS = ['||', '->>', '->', '#>>', '#>', '@>', '<@', '!~~*', '!~~', '~~*', '~~', '!~*', '!~', '~*', '<>', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '^', '?', '&&', '~', '&', '|', '#', '<<', '>>'];

export function evalExpr(src: string, ctx: EvalContext = makeCtx()): Arg {
  const s = src.trim();
  const call = /^([a-z_][a-z0-9_.]*)\((.*)\)$/is.exec(s);
  if (call && splitTop(s, ' ').length === 1 || (call && balanced(call[2]!))) {
    const args = splitTop(call![2]!, ',').map((a) => parseArg(a, ctx));
    const f = resolveFunction(call![1]!, args.map((a) => a.type));
    const vals = args.map((a, i) => coerce(a, f.argTypes[i]!, ctx));
    if (f.strict && vals.some((v) => v === null)) return { type: f.returnType, value: null };
    return { type: f.returnType, value: f.fn(vals, ctx) as Datum };
  }
  for (const op of OPS) {
    const parts = splitTop(s, ` ${op} `);
    if (parts.length === 2) {
      const l = parseArg(parts[0]!, ctx), r = parseArg(parts[1]!, ctx);
      const o = resolveOperator(op, l.type, r.type);
      const lv = coerce(l, o.leftType!, ctx), rv = coerce(r, o.rightType, ctx);
      return { type: o.returnType, value: lv === null || rv === null ? null : o.fn(lv, rv, ctx) };
    }
  }
  const pre = /^(-|@|\|\/|~) (.*)$/.exec(s);
  if (pre) {
    const a = parseArg(pre[2]!, ctx);
    const o = resolveOperator(pre[1]!, null, a.type);
    const v = coerce(a, o.rightType, ctx);
    return { type: o.returnType, value: v === null ? null : o.fn(v, null, ctx) };
  }
  return parseArg(s, ctx);
}

function balanced(s: string): boolean {
  let d = 0, q = false;
  for (const c of s) {
    if (c === "'") q = !q;
    else if (!q && c === '(') d++;
    else if (!q && c === ')') { d--; if (d < 0) return false; }
  }
  return d === 0;
}

/** Evaluates and prints as psql -A would ('' for NULL). */
export function show(src: string, ctx: EvalContext = makeCtx()): string {
  const r = evalExpr(src, ctx);
  return r.value === null ? '' : formatText(r.type, r.value, ctx);
}

/** The result type's format_type name. */
export function resultType(src: string, ctx: EvalContext = makeCtx()): SqlType {
  return evalExpr(src, ctx).type;
}
