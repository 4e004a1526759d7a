// Public API of the PostgreSQL wire-protocol layer, for src/server/node.ts and tests:
// the server, the authenticators, and the pure codec (parser and writer).

export { PgServer, pgwireLimitsDefault, type PgServerOptions } from './server.js';
export type { PgwireLimits, PgwireStats } from './conn.js';
export {
  PasswordAuthenticator,
  TrustAuthenticator,
  parsePasswordFile,
  type Authenticator,
  type AuthExchange,
  type AuthStep,
  type PasswordMethod,
} from './auth.js';
export { BackendWriter, encode, type ErrorFields } from './backend.js';
export { FrontendParser, type FrontendMessage, type Violation } from './frontend.js';
export { ProtocolLimits } from './protocol.js';
