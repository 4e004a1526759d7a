// BUGGIFY (FoundationDB): code paths that inject rare-but-legal behaviour only in the
// simulator — a slow disk, an early snapshot, a dropped ack. Each named site is switched on
// for a whole run with probability SITE_ENABLED_P, and then fires with its own probability
// on each evaluation. Outside a simulation run buggify() is always false.
// Sim components call it; production code will reach it through a storage/base hook.

import type { SimRng } from './rng.js';

/** Chance that a site is active in a run (FDB uses 25%). */
const SITE_ENABLED_P = 0.25;
/** Chance an active site fires on an evaluation unless the caller gives one. */
const SITE_FIRE_P = 0.25;

interface Active {
  readonly rng: SimRng;
  readonly sites: Map<string, boolean>;
}

let active: Active | null = null;

/** Turns buggify on for one run (the runner calls it; pass null at the end). */
export function setBuggify(rng: SimRng | null): void {
  active = rng === null ? null : { rng, sites: new Map() };
}

/** True with a seeded probability, only inside a simulation run and only if `site` is active. */
export function buggify(site: string, fireP = SITE_FIRE_P): boolean {
  if (active === null) return false;
  let on = active.sites.get(site);
  if (on === undefined) {
    on = active.rng.chance(SITE_ENABLED_P);
    active.sites.set(site, on);
  }
  return on && active.rng.chance(fireP);
}

/** The sites evaluated in this run and whether each was active (for the verbose report). */
export function buggifySites(): ReadonlyMap<string, boolean> {
  return active?.sites ?? new Map();
}
