// How a seed becomes a run: the fault profile rotation over seeds, the options of one run,
// and the exact replay command printed with every failure. Shared by run.ts (CLI) and
// sim.test.ts (CI), so both name a failing run the same way.

import { DEFAULT_OPTIONS } from './raft/cluster.js';
import type { RaftSimOptions } from './raft/cluster.js';
import type { NodeBug } from './raft/node.js';
import { PROFILE_NAMES } from './core/faults.js';

export interface SeedArgs {
  readonly profile: string | null;
  readonly nodes: number;
  readonly steps: number;
  readonly clients: number;
  readonly membership: boolean;
  readonly bug: NodeBug;
  readonly bootstrapIndex: number;
  readonly leaseReads: boolean;
}

export const DEFAULT_SEED_ARGS: SeedArgs = { profile: null, nodes: DEFAULT_OPTIONS.nodes, steps: DEFAULT_OPTIONS.steps, clients: DEFAULT_OPTIONS.clients, membership: true, bug: 'none', bootstrapIndex: 1, leaseReads: false };

/** The profile of a seed when none is given: a rotation, so a seed range covers them all. */
export function profileForSeed(seed: number): string {
  return PROFILE_NAMES[seed % PROFILE_NAMES.length]!;
}

export function optionsFor(seed: number, a: SeedArgs): RaftSimOptions {
  return { ...DEFAULT_OPTIONS, seed, profile: a.profile ?? profileForSeed(seed), nodes: a.nodes, steps: a.steps, clients: a.clients, membership: a.membership, bug: a.bug, bootstrapIndex: a.bootstrapIndex, leaseReads: a.leaseReads };
}

/** The command that replays one seed exactly. */
export function replayCommand(o: RaftSimOptions): string {
  const extra = [o.nodes !== DEFAULT_OPTIONS.nodes ? ` --nodes ${o.nodes}` : '', o.steps !== DEFAULT_OPTIONS.steps ? ` --steps ${o.steps}` : '', o.clients !== DEFAULT_OPTIONS.clients ? ` --clients ${o.clients}` : '', o.membership ? '' : ' --no-membership', o.bug !== 'none' ? ` --bug ${o.bug}` : '', o.bootstrapIndex !== 1 ? ` --bootstrap-index ${o.bootstrapIndex}` : '', o.leaseReads ? ' --lease-reads' : ''].join('');
  return `npm run sim -- --seed ${o.seed} --profile ${o.profile}${extra} --verbose`;
}
