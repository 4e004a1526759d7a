// Crash safety on RocksDB: a child process commits transactions and is killed with SIGKILL
// mid-stream; on reopen every acknowledged commit is present, and intents of transactions
// that never committed are invisible and get cleaned up when touched.

import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKvDb } from '../../../storage/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const b = (s: string): Buffer => Buffer.from(s);

function runAndKill(dir: string, killAfterAcks: number): Promise<{ acked: number[]; mid: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, 'node_modules/.bin/vite-node'), [join(here, 'crash-child.ts'), dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    const mid: number[] = [];
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const [what, n] = line.split(' ');
        if (what === 'acked') acked.push(Number(n));
        if (what === 'acked-mid') mid.push(Number(n));
        if (acked.length === killAfterAcks) child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ acked, mid });
    });
  });
}

describe('crash safety (RocksDB, SIGKILL)', () => {
  it('keeps every acknowledged commit and no uncommitted intent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-crash-'));
    try {
      const { acked, mid } = await runAndKill(dir, 300);
      expect(acked.length).toBeGreaterThanOrEqual(300);
      const db = await openKvDb({ engine: 'rocksdb', dir });
      const t = db.begin();
      for (const i of acked) expect((await t.get(b(`acct-${String(i).padStart(6, '0')}`)))?.toString()).toBe(String(i));
      for (const i of mid) expect((await t.get(b(`mid-${i}`)))?.toString()).toBe('x');
      // The counter is at least the last acknowledged value (a later commit may have landed unacknowledged).
      expect(Number((await t.get(b('counter')))?.toString())).toBeGreaterThanOrEqual(acked[acked.length - 1]!);
      // The never-committed transaction's intents read as absent...
      expect(await t.get(b('pending-0'))).toBeNull();
      expect(await t.get(b('acct-1'))).toBeNull();
      await t.commit();
      // ...and a writer can take those keys (the abandoned intents are cleaned up).
      const w = db.begin();
      await w.put(b('pending-0'), b('mine'));
      await w.commit();
      const r = db.begin();
      expect((await r.get(b('pending-0')))?.toString()).toBe('mine');
      await r.commit();
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
