// Public face of storage/base: assertions and the injected Clock and Rng.
export { assert, unreachable, AssertionError } from './assert.js';
export type { Clock } from './clock.js';
export { ManualClock, systemClock } from './clock.js';
export type { Rng } from './rng.js';
export { seededRng, cryptoRng } from './rng.js';
