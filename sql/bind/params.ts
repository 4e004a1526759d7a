// Parameter types of one statement being bound: the types the client declared in Parse
// (0 = unspecified) and the types inferred from where each $n is used, as PostgreSQL does
// (`aid = $1` makes $1 an integer). Unresolved parameters end up as text.

import { sqlError } from '../errors.js';
import { types, typeName } from '../types/index.js';
import type { SqlType } from '../types/index.js';

export class ParamTypes {
  private readonly list: (SqlType | null)[];

  constructor(declared: readonly (SqlType | null)[]) {
    this.list = [...declared];
  }

  /** Type of $n (index 0-based), `unknown` while not inferred. */
  get(index: number): SqlType {
    if (index < 0 || index >= 65535) throw sqlError('42P02', `there is no parameter $${index + 1}`);
    while (this.list.length <= index) this.list.push(null);
    return this.list[index] ?? types.unknown;
  }

  /** Records the type inferred for $n; the first inference wins. */
  fix(index: number, t: SqlType): SqlType {
    const cur = this.get(index);
    if (cur.kind !== 'unknown') return cur;
    if (t.kind === 'unknown' || t.kind === 'any') return cur;
    // Parameters carry no typmod: varchar(10) target → varchar.
    const bare = t.typmod === -1 ? t : t.kind === 'array' ? t : { ...t, typmod: -1 };
    this.list[index] = bare;
    return bare;
  }

  /** Final types: unresolved ones become text. */
  finish(): SqlType[] {
    return this.list.map((t) => t ?? types.text);
  }

  describe(index: number): string {
    return typeName(this.get(index));
  }

  get count(): number {
    return this.list.length;
  }
}
