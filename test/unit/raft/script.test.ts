// Runs every Raft scenario script in testdata/ (etcd-style data-driven tests): each block's
// output must match. REWRITE=1 rewrites the files with the actual output — review the diff.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ScriptEnv, parseScript, renderScript } from './script.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

describe('raft scripts', () => {
  test('there are scripts', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    test(f, () => {
      const path = join(dir, f);
      const text = readFileSync(path, 'utf8');
      const env = new ScriptEnv();
      const blocks = parseScript(text);
      const results = blocks.map((b) => ({ command: b.command, output: env.run(b.command) || 'ok', block: b }));
      if (process.env['REWRITE'] === '1') {
        writeFileSync(path, renderScript(text, results));
        return;
      }
      for (const r of results) {
        expect(r.output, `${f}:${r.block.line}: ${r.command}`).toBe(r.block.expected);
      }
    });
  }
});
