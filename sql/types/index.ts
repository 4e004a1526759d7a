// Public API of sql/types: type descriptions and OIDs, text and binary I/O, comparison,
// hashing keys, casts and type resolution (common types, categories). Every other part of
// sql/ imports types through this file only.

export * from './type.js';
export {
  types,
  arrayOf,
  withTypmod,
  typeFromOid,
  typeFromName,
  typeName,
  sameType,
  typmodLength,
  numericTypmod,
  typmodPrecision,
  typmodScale,
} from './registry.js';
export { typeMeta, allTypeMeta, typeCategory, isPreferredType } from './meta.js';
export type { PgTypeMeta, TypeCategory } from './meta.js';
export { parseText, formatText, UTC_ENV } from './text-io.js';
export { encodeBinary, decodeBinary } from './binary-io.js';
export { compareDatums, datumsEqual, datumKey } from './compare.js';
export { castDatum, coerceToTypmod, canCast, canImplicitlyCast, castContextOf } from './cast.js';
export { commonType } from './resolve.js';
export {
  numericScale,
  withScale,
  numericFromNumber,
  numericDivScale,
  numericDiv,
  formatNumeric,
  parseNumeric,
} from './numeric.js';
export { formatFloat8, formatFloat4, formatFloatG } from './float.js';
export {
  tzOffsetSecs,
  localToUtcMicros,
  isValidTimeZone,
  normalizeTimeZone,
} from './timezone.js';
export {
  formatDate,
  formatTime,
  formatTimestamp,
  formatTimestamptz,
  parseDate,
  parseTime,
  parseTimestamp,
  parseTimestamptz,
  parseTimeTz,
  formatTimeTz,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  isLeapYear,
  splitMicros,
  toLocalMicros,
  fromLocalMicros,
  timeOfDayText,
  offsetText,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
} from './datetime.js';
export { formatArray, parseArray, quoteArrayElement } from './array.js';
export {
  formatJson, jsonbContains, jsonbEqual, jsonbKey, sortedKeys, compareKeys, JsonNumber, JsonNull, JSON_NULL, jsonKind,
  isJsonObject, setJsonKey, quoteJsonString,
} from './json.js';
export type { JsonKind } from './json.js';
export { setScale, divToScale, divTrunc, withPrecision, exactDigits } from './numeric.js';
export { truncateUtf8 } from './text-io.js';
export { parseInterval, formatInterval, intervalCompareKey } from './interval.js';
export { formatJsonb, formatJsonbPretty, jsonbCompare } from './json.js';
export { parseJson, jsonDepthMax } from './json-parse.js';
