// Command-line runner of the deterministic simulator (Raft level for now; the whole cluster
// plugs in next). Each seed is one run, a pure function of (seed, options); a failing run
// prints its seed, its profile and the violated invariant, and replays exactly.
//
//   npm run sim -- --seeds 100 --from 1            seeds 1..100, profiles in rotation
//   npm run sim -- --seeds 50 --from 1000 --nodes 5 --steps 800 --profile crash
//   npm run sim -- --seed 1234 --verbose           replay one run with its event trace
//   npm run sim -- --seed 1234 --trace-hash        print only the trace hash (replay check)
//
// Options: --profile P (calm|lossy|partition|clog|crash|chaos; default: seed-dependent
// rotation), --nodes 3|5, --steps K (fault phase length in Raft ticks of 10ms virtual time),
// --clients C, --no-membership, --bug B (plant a bug to see the checkers fire:
// staleLocalReads | skipSync | dropEveryTenthWrite | ignoreClients), --bootstrap-index 0|1 (0 reproduces
// raft-bugs.md #1), --lease-reads (ReadIndex by CheckQuorum lease). Exit code 1 when any
// seed fails.
// `npm run sim` builds first (tsc -p tsconfig.build.json, which includes test/sim) and runs
// dist/test/sim/run.js; plain node, no extra dependencies.

import { DEFAULT_OPTIONS, runRaftSim } from './raft/cluster.js';
import type { NodeBug } from './raft/node.js';
import { PROFILE_NAMES } from './core/faults.js';
import { optionsFor, replayCommand } from './seeds.js';

interface Args {
  seeds: number;
  from: number;
  single: number | null;
  verbose: boolean;
  traceHash: boolean;
  profile: string | null;
  nodes: number;
  steps: number;
  clients: number;
  membership: boolean;
  bug: NodeBug;
  bootstrapIndex: number;
  leaseReads: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { seeds: 10, from: 1, single: null, verbose: false, traceHash: false, profile: null, nodes: DEFAULT_OPTIONS.nodes, steps: DEFAULT_OPTIONS.steps, clients: DEFAULT_OPTIONS.clients, membership: true, bug: 'none', bootstrapIndex: 1, leaseReads: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (): number => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < 0) throw new Error(`${flag} needs a non-negative integer`);
      return v;
    };
    if (flag === '--seeds') a.seeds = int();
    else if (flag === '--from') a.from = int();
    else if (flag === '--seed') a.single = int();
    else if (flag === '--verbose') a.verbose = true;
    else if (flag === '--trace-hash') a.traceHash = true;
    else if (flag === '--profile') a.profile = val();
    else if (flag === '--nodes') a.nodes = int();
    else if (flag === '--steps') a.steps = int();
    else if (flag === '--clients') a.clients = int();
    else if (flag === '--no-membership') a.membership = false;
    else if (flag === '--bug') a.bug = val() as NodeBug;
    else if (flag === '--bootstrap-index') a.bootstrapIndex = int();
    else if (flag === '--lease-reads') a.leaseReads = true;
    else throw new Error(`unknown option ${flag}`);
  }
  if (a.profile !== null && !PROFILE_NAMES.includes(a.profile)) throw new Error(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
  if (a.nodes !== 3 && a.nodes !== 5) throw new Error('--nodes must be 3 or 5');
  return a;
}

function main(argv: readonly string[]): number {
  const a = parseArgs(argv);
  if (a.single !== null) {
    const o = optionsFor(a.single, a);
    const r = runRaftSim({ ...o, trace: true, traceSink: a.verbose ? (line) => console.log(line) : null });
    console.log(`seed ${r.seed} profile ${r.profile}: ${r.ok ? 'ok' : 'FAIL'} trace ${r.traceHash} ${JSON.stringify(r.stats)}`);
    for (const f of r.failures) console.log(`  ${f}`);
    return r.ok ? 0 : 1;
  }
  const started = performance.now();
  let failed = 0;
  for (let seed = a.from; seed < a.from + a.seeds; seed++) {
    const o = optionsFor(seed, a);
    const r = runRaftSim(o);
    if (!r.ok) {
      failed++;
      console.log(`FAIL seed ${seed} profile ${r.profile}: ${r.failures[0]}  (replay: ${replayCommand(o)})`);
    } else if (a.verbose) {
      console.log(`ok seed ${seed} profile ${r.profile} ${JSON.stringify(r.stats)}`);
    }
  }
  const secs = (performance.now() - started) / 1000;
  console.log(`${a.seeds - failed}/${a.seeds} seeds passed (${a.from}..${a.from + a.seeds - 1}), ${failed} failed, ${secs.toFixed(1)}s`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
