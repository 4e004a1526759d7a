// Layering of src/: pgwire reaches SQL only through sql/index.ts (the session contract and
// SqlError), never sql/ or storage/ internals; only src/server composes storage and sql.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
}

describe('src layering', () => {
  it('pgwire imports only node, pino, itself and sql/index (the session contract)', () => {
    for (const file of tsFiles(join(root, 'src/pgwire'))) {
      for (const spec of importsOf(file)) {
        const ok =
          spec.startsWith('node:') ||
          spec === 'pino' ||
          spec.startsWith('./') ||
          /^\.\.\/\.\.\/sql\/index\.js$/.test(spec);
        expect(ok, `${relative(root, file)} imports ${spec}`).toBe(true);
      }
    }
  });

  it('src imports sql only through sql/index', () => {
    for (const file of tsFiles(join(root, 'src'))) {
      for (const spec of importsOf(file)) {
        if (spec.includes('/sql/')) expect(spec, relative(root, file)).toMatch(/^(\.\.\/)+sql\/index\.js$/);
      }
    }
  });

  // src/server composes the node; src/rpc implements storage's transports; src/cluster
  // bootstraps and joins stores. The wire protocol and the admin HTTP server never see storage.
  it('only src/server, src/rpc and src/cluster import storage, and through storage/index', () => {
    for (const file of tsFiles(join(root, 'src'))) {
      for (const spec of importsOf(file)) {
        if (!spec.includes('storage/')) continue;
        expect(/^src\/(server|rpc|cluster)\//.test(relative(root, file)), `${relative(root, file)} imports ${spec}`).toBe(true);
        expect(spec).toMatch(/storage\/index\.js$/);
      }
    }
  });
});
