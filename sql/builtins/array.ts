// Array functions: array_length/lower/upper/ndims/dims, cardinality, array_append/prepend/
// cat, array_position(s), array_remove, array_replace. (unnest and generate_series are
// set-returning and live with the executor.)

import { arrayOf, datumsEqual, types } from '../types/index.js';
import type { ArrayDatum, Datum } from '../types/index.js';
import type { Registry } from './registry.js';
import { poly } from './registry.js';
import { arrayAppend, arrayPrepend } from './operators.js';
import { sqlError } from '../errors.js';

const T = types;
// PostgreSQL 14+ declares these over anycompatiblearray/anycompatible (int8[] || int4 works)
const A = poly.anycompatiblearray, E = poly.anycompatible;
const AA = poly.anyarray;

function dimIndex(a: ArrayDatum, d: number): number | undefined {
  return d >= 1 && d <= a.dims.length ? d - 1 : undefined;
}

function oneDim(a: ArrayDatum, fn: string): void {
  if (a.dims.length > 1) throw sqlError('0A000', `${fn} for multidimensional arrays is not supported`);
}

export function registerArrayFunctions(r: Registry): void {
  r.addFunction({ name: 'array_length', args: [AA, T.int4], ret: T.int4, fn: (a) => { const x = a[0] as ArrayDatum; const i = dimIndex(x, a[1] as number); return i === undefined ? null : x.dims[i]!; } });
  r.addFunction({ name: 'array_lower', args: [AA, T.int4], ret: T.int4, fn: (a) => { const x = a[0] as ArrayDatum; const i = dimIndex(x, a[1] as number); return i === undefined ? null : x.lowerBounds[i]!; } });
  r.addFunction({ name: 'array_upper', args: [AA, T.int4], ret: T.int4, fn: (a) => { const x = a[0] as ArrayDatum; const i = dimIndex(x, a[1] as number); return i === undefined ? null : x.lowerBounds[i]! + x.dims[i]! - 1; } });
  r.addFunction({ name: 'array_ndims', args: [AA], ret: T.int4, fn: (a) => { const x = a[0] as ArrayDatum; return x.dims.length === 0 ? null : x.dims.length; } });
  r.addFunction({ name: 'array_dims', args: [AA], ret: T.text, fn: (a) => { const x = a[0] as ArrayDatum; return x.dims.length === 0 ? null : x.dims.map((n, i) => `[${x.lowerBounds[i]}:${x.lowerBounds[i]! + n - 1}]`).join(''); } });
  r.addFunction({ name: 'cardinality', args: [AA], ret: T.int4, fn: (a) => (a[0] as ArrayDatum).elements.length });
  r.addFunction({ name: 'array_append', args: [A, E], ret: (ts) => ts[0]!, strict: false, fn: (a) => arrayAppend(a[0] as ArrayDatum | null, a[1]!) });
  r.addFunction({ name: 'array_prepend', args: [E, A], ret: (ts) => ts[1]!, strict: false, fn: (a) => arrayPrepend(a[0]!, a[1] as ArrayDatum | null) });
  r.addFunction({
    name: 'array_cat', args: [A, A], ret: (ts) => ts[0]!, strict: false,
    fn: (a) => {
      const x = a[0] as ArrayDatum | null, y = a[1] as ArrayDatum | null;
      if (x === null) return y;
      if (y === null) return x;
      if (x.dims.length === 0) return y;
      if (y.dims.length === 0) return x;
      return { dims: [x.dims[0]! + y.dims[0]!, ...x.dims.slice(1)], lowerBounds: x.lowerBounds, elements: [...x.elements, ...y.elements] };
    },
  });
  r.addFunction({
    name: 'array_position', args: [A, E], ret: T.int4, strict: false,
    make: (ts) => (a) => {
      const x = a[0] as ArrayDatum | null;
      if (x === null) return null;
      oneDim(x, 'searching for elements');
      const i = x.elements.findIndex((e) => (e === null ? a[1] === null : a[1] !== null && datumsEqual(ts[1]!, e, a[1]!)));
      return i < 0 ? null : i + (x.lowerBounds[0] ?? 1);
    },
  });
  r.addFunction({
    name: 'array_positions', args: [A, E], ret: arrayOf(T.int4), strict: false,
    make: (ts) => (a) => {
      const x = a[0] as ArrayDatum | null;
      if (x === null) return null;
      oneDim(x, 'searching for elements');
      const out: Datum[] = [];
      x.elements.forEach((e, i) => { if (e === null ? a[1] === null : a[1] !== null && datumsEqual(ts[1]!, e, a[1]!)) out.push(i + (x.lowerBounds[0] ?? 1)); });
      return { dims: out.length === 0 ? [] : [out.length], lowerBounds: out.length === 0 ? [] : [1], elements: out };
    },
  });
  r.addFunction({
    name: 'array_remove', args: [A, E], ret: (ts) => ts[0]!, strict: false,
    make: (ts) => (a) => {
      const x = a[0] as ArrayDatum | null;
      if (x === null) return null;
      oneDim(x, 'removing elements');
      const els = x.elements.filter((e) => !(e === null ? a[1] === null : a[1] !== null && datumsEqual(ts[1]!, e, a[1]!)));
      return { dims: els.length === 0 ? [] : [els.length], lowerBounds: els.length === 0 ? [] : [1], elements: els };
    },
  });
  r.addFunction({
    name: 'array_replace', args: [A, E, E], ret: (ts) => ts[0]!, strict: false,
    make: (ts) => (a) => {
      const x = a[0] as ArrayDatum | null;
      if (x === null) return null;
      const els = x.elements.map((e) => ((e === null ? a[1] === null : a[1] !== null && datumsEqual(ts[1]!, e, a[1]!)) ? a[2]! : e));
      return { dims: x.dims, lowerBounds: x.lowerBounds, elements: els };
    },
  });
}
