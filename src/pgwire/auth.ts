// Authentication methods of the wire layer: trust, cleartext password, SCRAM-SHA-256.
// The connection asks the Authenticator for an AuthExchange per login and drives it:
// write the step's request, feed the client's 'p' message back, until ok or fail. A
// method is a small state machine over bytes, so new ones plug in without touching conn.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** An authentication request the server sends ('R' message). */
export type AuthRequest =
  | { readonly kind: 'cleartextPassword' }
  | { readonly kind: 'md5Password'; readonly salt: Buffer }
  | { readonly kind: 'sasl'; readonly mechanisms: readonly string[] }
  | { readonly kind: 'saslContinue'; readonly data: Buffer };

export type AuthStep =
  | { readonly kind: 'ask'; readonly request: AuthRequest }
  /** Authenticated; `saslFinal` is sent (AuthenticationSASLFinal) before AuthenticationOk. */
  | { readonly kind: 'ok'; readonly saslFinal?: Buffer }
  | { readonly kind: 'fail'; readonly code: string; readonly message: string };

/** One login attempt. */
export interface AuthExchange {
  first(): AuthStep;
  /** The payload of the client's 'p' message answering the last 'ask'. */
  respond(payload: Buffer): AuthStep;
}

export interface Authenticator {
  begin(user: string): AuthExchange;
}

const OK: AuthStep = Object.freeze({ kind: 'ok' });

function failed(user: string): AuthStep {
  return { kind: 'fail', code: '28P01', message: `password authentication failed for user "${user}"` };
}

function protocolFail(message: string): AuthStep {
  return { kind: 'fail', code: '08P01', message };
}

/** Accepts every user without a password. */
export class TrustAuthenticator implements Authenticator {
  begin(): AuthExchange {
    return { first: () => OK, respond: () => protocolFail('unexpected password message') };
  }
}

export type PasswordMethod = 'password' | 'scram-sha-256';

/**
 * Checks passwords from a user → password map. Unknown users are still asked for a
 * password and then refused, as PostgreSQL does, so a client cannot probe for names.
 */
export class PasswordAuthenticator implements Authenticator {
  private readonly scramSecrets = new Map<string, ScramSecret>();

  constructor(
    private readonly passwords: ReadonlyMap<string, string>,
    private readonly method: PasswordMethod = 'scram-sha-256',
    private readonly scramIterations = 4096,
  ) {}

  begin(user: string): AuthExchange {
    if (this.method === 'password') return cleartextExchange(user, this.passwords.get(user));
    const secret = this.secretFor(user);
    return new ScramExchange(user, secret ?? this.mockSecretFor(user), secret !== null);
  }

  /**
   * A stand-in for unknown users, so probing costs no PBKDF2 and shows a stable per-user
   * salt, like a real user's (PostgreSQL's mock authentication does the same).
   */
  private mockSecretFor(user: string): ScramSecret {
    this.mockSecret ??= scramSecret(randomBytes(16).toString('hex'), randomBytes(16), this.scramIterations);
    this.mockNonce ??= randomBytes(16);
    const salt = createHmac('sha256', this.mockNonce).update(user).digest().subarray(0, 16);
    return { ...this.mockSecret, salt };
  }

  private mockSecret: ScramSecret | null = null;
  private mockNonce: Buffer | null = null;

  /** Derived once per user: PBKDF2 is deliberately slow. */
  private secretFor(user: string): ScramSecret | null {
    const password = this.passwords.get(user);
    if (password === undefined) return null;
    let secret = this.scramSecrets.get(user);
    if (secret === undefined) {
      secret = scramSecret(password, randomBytes(16), this.scramIterations);
      this.scramSecrets.set(user, secret);
    }
    return secret;
  }
}

function cleartextExchange(user: string, expected: string | undefined): AuthExchange {
  return {
    first: () => ({ kind: 'ask', request: { kind: 'cleartextPassword' } }),
    respond: (payload) => {
      const nul = payload.indexOf(0);
      if (nul !== payload.length - 1) return protocolFail('invalid password packet');
      const given = payload.subarray(0, nul);
      if (expected === undefined) return failed(user);
      return constantTimeEqual(given, Buffer.from(expected, 'utf8')) ? OK : failed(user);
    },
  };
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Parses a password file: one `user:password` per line; blank lines and `#` comments skipped. */
export function parsePasswordFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`password file: expected user:password, got "${line}"`);
    out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

// ---- SCRAM-SHA-256 (RFC 5802 / RFC 7677, as PostgreSQL speaks it: no channel binding) ----

export interface ScramSecret {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export function scramSecret(password: string, salt: Buffer, iterations: number): ScramSecret {
  // PostgreSQL SASLprep-normalizes the password; NFKC is the part that matters in practice.
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { salt, iterations, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** Parses `k=v,k=v` SCRAM attributes. */
function scramAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part.length < 2 || part[1] !== '=') continue;
    out.set(part[0]!, part.slice(2));
  }
  return out;
}

class ScramExchange implements AuthExchange {
  private state: 'initial' | 'continue' | 'done' = 'initial';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private readonly secret: ScramSecret;
  /** False for an unknown user: the exchange runs to the end and then fails. */
  private readonly known: boolean;

  constructor(
    private readonly user: string,
    secret: ScramSecret,
    known: boolean,
  ) {
    this.secret = secret;
    this.known = known;
  }

  first(): AuthStep {
    return { kind: 'ask', request: { kind: 'sasl', mechanisms: ['SCRAM-SHA-256'] } };
  }

  respond(payload: Buffer): AuthStep {
    if (this.state === 'initial') return this.clientFirst(payload);
    if (this.state === 'continue') return this.clientFinal(payload);
    return protocolFail('unexpected SASL message');
  }

  /** SASLInitialResponse: mechanism\0, int32 length, client-first-message. */
  private clientFirst(payload: Buffer): AuthStep {
    const nul = payload.indexOf(0);
    if (nul < 0 || payload.length < nul + 5) return protocolFail('malformed SASLInitialResponse');
    const mechanism = payload.toString('utf8', 0, nul);
    if (mechanism !== 'SCRAM-SHA-256') return protocolFail(`unsupported SASL mechanism "${mechanism}"`);
    const len = payload.readInt32BE(nul + 1);
    const message = payload.toString('utf8', nul + 5);
    if (len !== Buffer.byteLength(message)) return protocolFail('malformed SASLInitialResponse');
    // gs2 header: "n,," (no channel binding) or "y,," (client supports it, we do not offer it).
    const m = /^([ny]),(a=[^,]*)?,(.*)$/.exec(message);
    if (m === null) return protocolFail('malformed SCRAM client-first-message');
    this.clientFirstBare = m[3]!;
    const clientNonce = scramAttributes(this.clientFirstBare).get('r');
    if (clientNonce === undefined || clientNonce === '') return protocolFail('SCRAM client nonce missing');
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.secret.salt.toString('base64')},i=${this.secret.iterations}`;
    this.state = 'continue';
    return { kind: 'ask', request: { kind: 'saslContinue', data: Buffer.from(this.serverFirst, 'utf8') } };
  }

  private clientFinal(payload: Buffer): AuthStep {
    this.state = 'done';
    const message = payload.toString('utf8');
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) return protocolFail('malformed SCRAM client-final-message');
    const withoutProof = message.slice(0, proofAt);
    const attrs = scramAttributes(message);
    if (attrs.get('r') !== this.nonce) return protocolFail('SCRAM nonce mismatch');
    const proof = Buffer.from(attrs.get('p') ?? '', 'base64');
    if (proof.length !== 32) return failed(this.user);
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.secret.storedKey, authMessage);
    const clientKey = xor(proof, clientSignature);
    if (!this.known || !timingSafeEqual(sha256(clientKey), this.secret.storedKey)) return failed(this.user);
    const serverSignature = hmac(this.secret.serverKey, authMessage).toString('base64');
    return { kind: 'ok', saslFinal: Buffer.from(`v=${serverSignature}`, 'utf8') };
  }
}
