// Public face of storage/hlc: the hybrid logical clock and timestamp helpers.
export { Hlc, ClockOffsetError } from './hlc.js';
export {
  ZERO_TS,
  MAX_TS,
  ts,
  compareTs,
  tsLess,
  tsLessEq,
  tsEq,
  tsNext,
  tsPrev,
  tsMax,
  tsMin,
  isZeroTs,
  tsString,
} from './timestamp.js';
