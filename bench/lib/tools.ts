// Runs the PostgreSQL command-line clients (psql, pgbench) against a node and parses what
// they print. Used by the end-to-end tests and the benchmark harness.

import { execFile } from 'node:child_process';
import type pg from 'pg';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<CommandResult> {
  return new Promise((res) => {
    const child = execFile(
      cmd,
      args,
      { env: { ...process.env, PGCONNECT_TIMEOUT: '10', ...opts.env }, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        res({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      },
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

export interface Target {
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

function connArgs(t: Target): string[] {
  return ['-h', '127.0.0.1', '-p', String(t.port), '-U', t.user];
}

/** psql -X (no ~/.psqlrc) -c COMMAND; returns stdout, throws with stderr on failure. */
export async function psql(t: Target, command: string, extra: string[] = []): Promise<string> {
  const r = await run('psql', [...connArgs(t), '-X', '-v', 'ON_ERROR_STOP=1', ...extra, '-c', command, t.database]);
  if (r.code !== 0) throw new Error(`psql -c ${JSON.stringify(command)} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}

export interface PgbenchSummary {
  readonly processed: number;
  readonly failed: number;
  readonly retried: number;
  readonly tps: number;
  readonly latencyAvgMs: number;
  readonly output: string;
}

export async function pgbench(t: Target, args: string[], timeoutMs = 600_000): Promise<PgbenchSummary> {
  const r = await run('pgbench', [...connArgs(t), ...args, t.database], { timeoutMs });
  const output = `${r.stdout}\n${r.stderr}`;
  if (r.code !== 0) throw new Error(`pgbench ${args.join(' ')} exited ${r.code}:\n${output}`);
  const num = (re: RegExp) => {
    const m = re.exec(output);
    return m ? Number(m[1]) : NaN;
  };
  return {
    processed: num(/number of transactions actually processed: (\d+)/),
    failed: num(/number of failed transactions: (\d+)/) || 0,
    retried: num(/number of transactions retried: (\d+)/) || 0,
    tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
    latencyAvgMs: num(/latency average = ([\d.]+) ms/),
    output,
  };
}

/** pgbench -i only: throws with output on failure. */
export async function pgbenchInit(t: Target, scale: number, extra: string[] = []): Promise<string> {
  const r = await run('pgbench', [...connArgs(t), '-i', '-s', String(scale), ...extra, t.database], { timeoutMs: 900_000 });
  if (r.code !== 0) throw new Error(`pgbench -i -s ${scale} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}\n${r.stderr}`;
}

/** The TPC-B consistency totals of a pgbench database (see pgbench's documentation). */
export async function consistency(client: pg.Client) {
  const q = async (sql: string) => BigInt((await client.query(sql)).rows[0].s ?? 0);
  return {
    accounts: await q('SELECT sum(abalance) AS s FROM pgbench_accounts'),
    tellers: await q('SELECT sum(tbalance) AS s FROM pgbench_tellers'),
    branches: await q('SELECT sum(bbalance) AS s FROM pgbench_branches'),
    history: await q('SELECT sum(delta) AS s FROM pgbench_history'),
    historyRows: Number((await client.query('SELECT count(*) AS c FROM pgbench_history')).rows[0].c),
  };
}

