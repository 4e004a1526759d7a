// Type resolution for constructs that merge several inputs (CASE, COALESCE, UNION, VALUES,
// ARRAY[...], GREATEST/LEAST): PostgreSQL's select_common_type — unknown literals defer,
// one category required, preferred types win, and every input must cast implicitly.
// Called by bind.

import { sqlError } from '../errors.js';
import type { SqlType } from './type.js';
import { types, typeName, withTypmod } from './registry.js';
import { isPreferredType, typeCategory } from './meta.js';
import { canImplicitlyCast } from './cast.js';

/**
 * The common type of `ts` (typmod kept only if all inputs agree). `construct` names the
 * SQL construct in errors: "CASE types integer and text cannot be matched" (42804).
 */
export function commonType(ts: readonly SqlType[], construct = 'CASE'): SqlType {
  let p: SqlType | undefined;
  for (const t of ts) if (t.kind !== 'unknown') { p = t; break; }
  if (p === undefined) return types.text;
  let pCat = typeCategory(p);
  let pPreferred = isPreferredType(p);
  for (const t of ts) {
    if (t.kind === 'unknown' || t.oid === p.oid) continue;
    const cat = typeCategory(t);
    if (cat !== pCat) {
      throw sqlError('42804', `${construct} types ${typeName(p)} and ${typeName(t)} cannot be matched`);
    }
    if (!pPreferred && canImplicitlyCast(p, t) && !canImplicitlyCast(t, p)) {
      p = t;
      pCat = cat;
      pPreferred = isPreferredType(t);
    }
  }
  for (const t of ts) {
    if (t.kind !== 'unknown' && t.oid !== p.oid && !canImplicitlyCast(t, p)) {
      throw sqlError('42846', `${construct} could not convert type ${typeName(t)} to ${typeName(p)}`);
    }
  }
  const typmod = ts.every((t) => t.kind === 'unknown' || (t.oid === p!.oid && t.typmod === p!.typmod)) ? p.typmod : -1;
  return withTypmod(p, typmod);
}
