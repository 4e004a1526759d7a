// SQL errors are values born with their SQLSTATE (the 5-character PostgreSQL error code).
// Every user-visible failure of the SQL layer is a SqlError; anything else that escapes is
// a programmer error and crashes loudly.

export type Severity = 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

export interface SqlErrorFields {
  /** 1-based character position in the query text (ErrorResponse field 'P'). */
  position?: number;
  detail?: string;
  hint?: string;
  severity?: Severity;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  dataType?: string;
}

export class SqlError extends Error {
  readonly code: string;
  readonly fields: SqlErrorFields;
  constructor(code: string, message: string, fields: SqlErrorFields = {}) {
    super(message);
    this.name = 'SqlError';
    if (!/^[0-9A-Z]{5}$/.test(code)) throw new Error(`bad SQLSTATE ${code}`);
    this.code = code;
    this.fields = fields;
  }
  get severity(): Severity {
    return this.fields.severity ?? 'ERROR';
  }
}

/** A NOTICE/WARNING sent to the client (NoticeResponse); raised by the session and by DDL. */
export interface Notice {
  readonly severity: 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

/** Shorthand used across sql/: `throw sqlError('42P01', 'relation "t" does not exist')`. */
export function sqlError(code: string, message: string, fields: SqlErrorFields = {}): SqlError {
  return new SqlError(code, message, fields);
}

/** Common codes, named (PostgreSQL's errcodes.txt). */
export const Code = {
  successfulCompletion: '00000',
  warning: '01000',
  featureNotSupported: '0A000',
  invalidTransactionState: '25000',
  activeSqlTransaction: '25001',
  noActiveSqlTransaction: '25P01',
  inFailedSqlTransaction: '25P02',
  readOnlySqlTransaction: '25006',
  invalidSqlStatementName: '26000',
  invalidCursorName: '34000',
  invalidSavepointSpecification: '3B001',
  syntaxError: '42601',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  undefinedFunction: '42883',
  undefinedObject: '42704',
  undefinedDatabase: '3D000',
  undefinedSchema: '3F000',
  duplicateTable: '42P07',
  duplicateColumn: '42701',
  duplicateObject: '42710',
  duplicateDatabase: '42P04',
  duplicateSchema: '42P06',
  duplicatePreparedStatement: '42P05',
  duplicateCursor: '42P03',
  ambiguousColumn: '42702',
  ambiguousFunction: '42725',
  datatypeMismatch: '42804',
  groupingError: '42803',
  invalidColumnReference: '42P10',
  undefinedParameter: '42P02',
  indeterminateDatatype: '42P18',
  wrongObjectType: '42809',
  invalidTableDefinition: '42P16',
  invalidName: '42602',
  insufficientPrivilege: '42501',
  dependentObjectsStillExist: '2BP01',
  uniqueViolation: '23505',
  notNullViolation: '23502',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  invalidTextRepresentation: '22P02',
  numericValueOutOfRange: '22003',
  divisionByZero: '22012',
  stringDataRightTruncation: '22001',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
  invalidParameterValue: '22023',
  invalidBinaryRepresentation: '22P03',
  cardinalityViolation: '21000',
  invalidEscapeSequence: '22025',
  characterNotInRepertoire: '22021',
  nullValueNotAllowed: '22004',
  invalidRegularExpression: '2201B',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  lockNotAvailable: '55P03',
  objectNotInPrerequisiteState: '55000',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  protocolViolation: '08P01',
  invalidAuthorizationSpecification: '28000',
  invalidPassword: '28P01',
  tooManyConnections: '53300',
  programLimitExceeded: '54000',
  internalError: 'XX000',
  undefinedPstatement: '26000',
  invalidParameterType: '42P13',
} as const;
