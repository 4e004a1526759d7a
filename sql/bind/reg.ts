// A synchronous regclass/regnamespace/regproc resolver over a snapshot of the catalog's
// descriptors, for sql/types' text I/O of reg* values ('t'::regclass, oid::regclass).
// Built by the engine (async load, then sync use) for statements that need it.

import { descriptorOid, PG_CATALOG_SCHEMA_ID, INFORMATION_SCHEMA_ID, SHOAL_INTERNAL_SCHEMA_ID } from '../catalog/index.js';
import type { Catalog, Descriptor, VirtualTable } from '../catalog/index.js';
import type { RegResolver } from '../types/index.js';

export interface RegSnapshotInput {
  readonly catalog: Catalog;
  readonly databaseId: number;
  readonly searchPath: readonly string[];
  readonly virtualTables: () => readonly VirtualTable[];
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/""/g, '"');
  return t.toLowerCase();
}

/** Loads the descriptors once and answers reg* lookups synchronously. */
export async function loadRegResolver(input: RegSnapshotInput): Promise<RegResolver> {
  const all = await input.catalog.allDescriptors();
  const mine = all.filter((d) => d.kind === 'database' || ('databaseId' in d && d.databaseId === input.databaseId));
  const schemaName = new Map<number, string>([
    [PG_CATALOG_SCHEMA_ID, 'pg_catalog'],
    [INFORMATION_SCHEMA_ID, 'information_schema'],
    [SHOAL_INTERNAL_SCHEMA_ID, 'shoal_internal'],
  ]);
  for (const d of mine) if (d.kind === 'schema') schemaName.set(d.id, d.name);
  const rels = mine.filter((d): d is Descriptor & { schemaId: number; name: string } => d.kind === 'table' || d.kind === 'sequence');
  const virtuals = input.virtualTables();
  const path = ['pg_catalog', ...input.searchPath.map((p) => p.replace(/^"|"$/g, ''))];
  const byOid = new Map<number, { schema: string; name: string }>();
  for (const r of rels) byOid.set(descriptorOid(r.id), { schema: schemaName.get(r.schemaId) ?? '?', name: r.name });
  for (const v of virtuals) byOid.set(v.oid, { schema: v.schemaName, name: v.name });
  const find = (schema: string | null, name: string): number | undefined => {
    const schemas = schema === null ? path : [schema];
    for (const s of schemas) {
      for (const v of virtuals) if (v.schemaName === s && v.name === name) return v.oid;
      for (const r of rels) if (r.name === name && schemaName.get(r.schemaId) === s) return descriptorOid(r.id);
    }
    return undefined;
  };
  return {
    regclassIn(text: string): number | undefined {
      const parts = text.split('.');
      if (parts.length === 1) return find(null, unquote(parts[0]!));
      return find(unquote(parts[parts.length - 2]!), unquote(parts[parts.length - 1]!));
    },
    regclassOut(oid: number): string | undefined {
      const r = byOid.get(oid);
      if (r === undefined) return undefined;
      const visible = find(null, r.name) === oid;
      return visible ? quoteIfNeeded(r.name) : `${quoteIfNeeded(r.schema)}.${quoteIfNeeded(r.name)}`;
    },
    regnamespaceIn(text: string): number | undefined {
      const n = unquote(text);
      for (const [id, name] of schemaName) {
        if (name === n) return id === PG_CATALOG_SCHEMA_ID || id === INFORMATION_SCHEMA_ID || id === SHOAL_INTERNAL_SCHEMA_ID ? undefined : descriptorOid(id);
      }
      return undefined;
    },
    regnamespaceOut(oid: number): string | undefined {
      for (const [id, name] of schemaName) if (id >= 0 && descriptorOidSafe(id) === oid) return name;
      return undefined;
    },
  };
}

function descriptorOidSafe(id: number): number {
  try {
    return descriptorOid(id);
  } catch {
    return -1;
  }
}

function quoteIfNeeded(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`;
}
