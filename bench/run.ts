// `npm run bench`: pgbench side by side against single-node Shoal and a PostgreSQL 15
// started in a temp dir on the same machine. Initializes both at the same scale, then runs
// each workload alternately (Shoal, PostgreSQL, Shoal, ...) so drift of the machine hits
// both, prints TPS and the Shoal/PostgreSQL ratio, and appends a dated table to
// bench/RESULTS.md. Options: --scale N (10) --clients N (8) --time S (30) --runs N (1)
//                            --workloads tpcb,select (both)  --no-write (don't touch RESULTS.md)

import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgres } from './lib/postgres.js';
import { freePort, repoRoot, startNode } from './lib/shoal.js';
import { pgbench, pgbenchInit, type Target } from './lib/tools.js';

const { values: opts } = parseArgs({
  options: {
    scale: { type: 'string', default: '10' },
    clients: { type: 'string', default: '8' },
    time: { type: 'string', default: '30' },
    runs: { type: 'string', default: '1' },
    workloads: { type: 'string', default: 'tpcb,select' },
    'no-write': { type: 'boolean', default: false },
  },
});

interface Workload {
  readonly name: string;
  readonly args: readonly string[];
}

const clients = opts.clients!;
const workloads: Workload[] = [
  { name: `TPC-B, ${clients} clients, -M prepared`, args: ['-c', clients, '-j', '2', '-M', 'prepared', '--max-tries', '10'] },
  { name: `select-only, ${clients} clients, -M prepared`, args: ['-S', '-c', clients, '-j', '2', '-M', 'prepared'] },
].filter((w) => opts.workloads!.split(',').some((k) => (k === 'tpcb' ? !w.args.includes('-S') : w.args.includes('-S'))));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const scale = Number(opts.scale);
  const seconds = opts.time!;
  const runs = Number(opts.runs);
  const node = await startNode();
  const postgres = await startPostgres(await freePort());
  const shoal: Target = { port: node.port, user: 'root', database: 'defaultdb' };
  const pgTarget: Target = { port: postgres.port, user: 'postgres', database: 'postgres' };
  const rows: string[] = [];
  try {
    const initStart = { shoal: Date.now(), pg: 0 };
    await pgbenchInit(shoal, scale);
    const shoalInitS = (Date.now() - initStart.shoal) / 1000;
    initStart.pg = Date.now();
    await pgbenchInit(pgTarget, scale);
    const pgInitS = (Date.now() - initStart.pg) / 1000;
    console.log(`pgbench -i -s ${scale}: Shoal ${shoalInitS.toFixed(1)} s, PostgreSQL ${pgInitS.toFixed(1)} s`);
    rows.push(`| pgbench -i -s ${scale} (seconds, lower is better) | ${shoalInitS.toFixed(1)} | ${pgInitS.toFixed(1)} | ${(pgInitS / shoalInitS).toFixed(2)} |`);
    for (const w of workloads) {
      const tps = { shoal: [] as number[], pg: [] as number[] };
      const failed = { shoal: 0, pg: 0 };
      for (let i = 0; i < runs; i++) {
        for (const [name, target] of [['shoal', shoal], ['pg', pgTarget]] as const) {
          const s = await pgbench(target, [...w.args, '-T', seconds]);
          tps[name].push(s.tps);
          failed[name] += s.failed;
          console.log(`${w.name} [${name}] run ${i + 1}: ${s.tps.toFixed(0)} TPS, ${s.failed} failed, ${s.retried} retried, avg latency ${s.latencyAvgMs} ms`);
        }
      }
      const a = median(tps.shoal);
      const b = median(tps.pg);
      console.log(`${w.name}: Shoal ${a.toFixed(0)} TPS, PostgreSQL ${b.toFixed(0)} TPS, ratio ${(a / b).toFixed(2)}`);
      rows.push(`| ${w.name}, ${seconds} s (TPS) | ${a.toFixed(0)} (${failed.shoal} failed) | ${b.toFixed(0)} (${failed.pg} failed) | ${(a / b).toFixed(2)} |`);
    }
  } finally {
    await node.stop();
    await postgres.stop();
  }
  if (!opts['no-write']) appendResults(rows, scale, runs);
}

function appendResults(rows: string[], scale: number, runs: number): void {
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const text = [
    '',
    `## ${new Date().toISOString().slice(0, 10)} — commit ${commit} — single-node Shoal vs PostgreSQL 15`,
    '',
    `Machine: ${machine}. pgbench scale ${scale}, median of ${runs} run(s), alternating.`,
    '',
    '| workload | Shoal | PostgreSQL | Shoal / PostgreSQL |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  appendFileSync(join(repoRoot, 'bench/RESULTS.md'), text);
  console.log(text);
}

await main();
