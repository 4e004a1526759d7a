// Starts a throwaway PostgreSQL 15 server (Debian's postgresql package) in a temp dir on a
// loopback port: the benchmark anchor and the oracle of differential tests. As root it
// runs the server as the `postgres` OS user, since initdb refuses to run as root.

import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresHandle {
  readonly port: number;
  readonly dataDir: string;
  readonly url: string;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const dir = join(base, v, 'bin');
    if (existsSync(join(dir, 'postgres'))) return dir;
  }
  return null;
}

function asPostgresUser(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [cmd, args];
  return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
}

/** Starts PostgreSQL with default settings (plus the given -c settings) on `port`. */
export async function startPostgres(port: number, settings: Record<string, string> = {}): Promise<PostgresHandle> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
  const dataDir = mkdtempSync(join(tmpdir(), 'shoal-pg-'));
  if (process.getuid?.() === 0) chownSync(dataDir, uidOf('postgres'), gidOf('postgres'));
  const [initCmd, initArgs] = asPostgresUser(join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  execFileSync(initCmd, initArgs, { stdio: 'ignore' });
  const opts = ['-p', String(port), '-k', dataDir, '-c', 'listen_addresses=127.0.0.1'];
  for (const [k, v] of Object.entries(settings)) opts.push('-c', `${k}=${v}`);
  const pgCtl = join(bin, 'pg_ctl');
  const logFile = join(dataDir, 'server.log');
  const [cmd, cmdArgs] = asPostgresUser(pgCtl, ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', opts.join(' ')]);
  try {
    execFileSync(cmd, cmdArgs, { stdio: 'ignore' });
  } catch (err) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    throw new Error(`PostgreSQL did not start on port ${port}: ${(err as Error).message}\n${log}`);
  }
  return {
    port,
    dataDir,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      const [stopCmd, stopArgs] = asPostgresUser(pgCtl, ['stop', '-w', '-m', 'fast', '-D', dataDir]);
      execFileSync(stopCmd, stopArgs, { stdio: 'ignore' });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}
function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}
