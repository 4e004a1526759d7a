// Constants of the PostgreSQL v3 wire protocol and the limits Shoal puts on it.
// Shared by the frontend parser, the backend writer and the connection; no logic here.
// Every limit is named with its unit last; exceeding one is a protocol violation (08P01).

/** Startup-packet codes (the int32 after the length of an untyped first packet). */
export const ProtocolCode = {
  /** 3.0 in (major << 16) | minor form. */
  v3: 196608,
  sslRequest: 80877103,
  gssEncRequest: 80877104,
  cancelRequest: 80877102,
} as const;

export const ProtocolLimits = {
  /** Largest typed message (type byte excluded, length field included) a client may send. */
  messageBytesMax: 256 * 1024 * 1024,
  /**
   * Largest message of the small control types (Sync, Flush, Describe, Close, Execute,
   * CopyDone, Terminate); PostgreSQL's PQ_SMALL_MESSAGE_LIMIT. A huge Sync is garbage.
   */
  controlMessageBytesMax: 10_000,
  /** Largest startup packet (length field included); PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
  startupBytesMax: 10_000,
  /** Smallest startup packet: length + protocol code. */
  startupBytesMin: 8,
} as const;

/** Type bytes of the messages a client may send after startup. */
export const FrontendType = {
  query: 0x51, // 'Q'
  parse: 0x50, // 'P'
  bind: 0x42, // 'B'
  describe: 0x44, // 'D'
  execute: 0x45, // 'E'
  close: 0x43, // 'C'
  sync: 0x53, // 'S'
  flush: 0x48, // 'H'
  terminate: 0x58, // 'X'
  copyData: 0x64, // 'd'
  copyDone: 0x63, // 'c'
  copyFail: 0x66, // 'f'
  password: 0x70, // 'p' (PasswordMessage, SASLInitialResponse, SASLResponse)
} as const;

/** Type bytes of the messages the server sends. */
export const BackendType = {
  authentication: 0x52, // 'R'
  parameterStatus: 0x53, // 'S'
  backendKeyData: 0x4b, // 'K'
  readyForQuery: 0x5a, // 'Z'
  rowDescription: 0x54, // 'T'
  dataRow: 0x44, // 'D'
  commandComplete: 0x43, // 'C'
  emptyQueryResponse: 0x49, // 'I'
  errorResponse: 0x45, // 'E'
  noticeResponse: 0x4e, // 'N'
  parseComplete: 0x31, // '1'
  bindComplete: 0x32, // '2'
  closeComplete: 0x33, // '3'
  noData: 0x6e, // 'n'
  parameterDescription: 0x74, // 't'
  portalSuspended: 0x73, // 's'
  copyInResponse: 0x47, // 'G'
  copyOutResponse: 0x48, // 'H'
  copyData: 0x64, // 'd'
  copyDone: 0x63, // 'c'
  negotiateProtocolVersion: 0x76, // 'v'
} as const;

/** Authentication request codes (int32 after 'R'). */
export const AuthCode = {
  ok: 0,
  cleartextPassword: 3,
  md5Password: 5,
  sasl: 10,
  saslContinue: 11,
  saslFinal: 12,
} as const;
