// Keeps the import rules of DESIGN.md ("Layers and folders"): imports flow
// src → sql → storage; sql/ reaches storage only through storage/index.ts; storage/ never
// imports sql/ or src/; raft imports nothing but base; only the engine touches RocksDB and
// only sql/parse touches libpg-query; sockets stay in src/. A cycle between packages fails.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

interface Import {
  readonly file: string;
  /** Repository-relative target for relative imports, or the bare package name. */
  readonly target: string;
  readonly relative: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: Import[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) {
      out.push({ file, target: relative(root, resolve(root, dirname(file), spec)), relative: true });
    } else {
      out.push({ file, target: spec, relative: false });
    }
  }
  return out;
}

const all = ['src', 'sql', 'storage'].flatMap((d) => sourceFiles(d)).flatMap(importsOf);
const layerOf = (path: string) => path.split('/')[0]!;
/**
 * The package of a file: its folder under the layer (storage/mvcc/x.ts → storage/mvcc); a
 * file directly in a layer (sql/errors.ts, sql/index.ts) is a package of its own.
 */
const packageOf = (path: string) => {
  const parts = path.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : path.replace(/\.(js|ts)$/, '');
};

function violations(pred: (i: Import) => boolean): string[] {
  return all.filter(pred).map((i) => `${i.file} → ${i.target}`);
}

describe('layering (DESIGN.md)', () => {
  test('there is code to check', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  test('storage/ imports neither sql/ nor src/', () => {
    expect(violations((i) => layerOf(i.file) === 'storage' && i.relative && ['sql', 'src'].includes(layerOf(i.target)))).toEqual([]);
  });

  test('sql/ never imports src/, and reaches storage only through storage/index', () => {
    expect(violations((i) => layerOf(i.file) === 'sql' && i.relative && layerOf(i.target) === 'src')).toEqual([]);
    expect(
      violations((i) => layerOf(i.file) === 'sql' && i.relative && layerOf(i.target) === 'storage' && !/^storage\/index\.(js|ts)$/.test(i.target)),
    ).toEqual([]);
  });

  test('src/ reaches sql and storage only through their index', () => {
    expect(
      violations(
        (i) => layerOf(i.file) === 'src' && i.relative && ['sql', 'storage'].includes(layerOf(i.target)) && !/^(sql|storage)\/index\.(js|ts)$/.test(i.target),
      ),
    ).toEqual([]);
  });

  test('raft imports nothing but base', () => {
    expect(
      violations((i) => i.file.startsWith('storage/raft/') && i.relative && !i.target.startsWith('storage/raft/') && !i.target.startsWith('storage/base/')),
    ).toEqual([]);
  });

  test('only the engine imports RocksDB; only sql/parse imports libpg-query', () => {
    expect(violations((i) => i.target.includes('rocksdb') && !i.file.startsWith('storage/engine/'))).toEqual([]);
    expect(violations((i) => i.target === 'libpg-query' && !i.file.startsWith('sql/parse/'))).toEqual([]);
  });

  test('sockets, HTTP and child processes stay in src/', () => {
    const io = /^(node:)?(net|http|https|http2|tls|dgram|child_process|cluster)$/;
    expect(violations((i) => layerOf(i.file) !== 'src' && !i.relative && io.test(i.target))).toEqual([]);
  });

  test('no cycles between packages', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of all) {
      if (!i.relative) continue;
      const from = packageOf(i.file);
      const to = packageOf(i.target);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of edges.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
