// Authentication state machines without sockets: cleartext, SCRAM-SHA-256 driven by a
// small RFC 5802 client written here, and the password file format.

import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PasswordAuthenticator, TrustAuthenticator, parsePasswordFile, type AuthStep } from '../../../src/pgwire/auth.js';

function saslInitial(message: string, mechanism = 'SCRAM-SHA-256'): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(Buffer.byteLength(message));
  return Buffer.concat([Buffer.from(`${mechanism}\0`), len, Buffer.from(message)]);
}

/** Runs a full SCRAM exchange as a client would; returns the final step and whether the server signature verified. */
function scramLogin(auth: PasswordAuthenticator, user: string, password: string): { step: AuthStep; serverOk: boolean } {
  const ex = auth.begin(user);
  expect(ex.first()).toEqual({ kind: 'ask', request: { kind: 'sasl', mechanisms: ['SCRAM-SHA-256'] } });
  const clientNonce = 'fyko+d2lbbFgONRv9qkxdawL';
  const clientFirstBare = `n=,r=${clientNonce}`;
  const cont = ex.respond(saslInitial(`n,,${clientFirstBare}`));
  if (cont.kind !== 'ask' || cont.request.kind !== 'saslContinue') throw new Error(`unexpected ${JSON.stringify(cont)}`);
  const serverFirst = cont.request.data.toString();
  const attrs = Object.fromEntries(serverFirst.split(',').map((p) => [p[0], p.slice(2)]));
  expect(attrs['r']!.startsWith(clientNonce)).toBe(true);
  const salted = pbkdf2Sync(password, Buffer.from(attrs['s']!, 'base64'), Number(attrs['i']), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${attrs['r']}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = createHmac('sha256', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  const step = ex.respond(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`));
  let serverOk = false;
  if (step.kind === 'ok' && step.saslFinal) {
    const serverKey = createHmac('sha256', salted).update('Server Key').digest();
    serverOk = step.saslFinal.toString() === `v=${createHmac('sha256', serverKey).update(authMessage).digest('base64')}`;
  }
  return { step, serverOk };
}

describe('authenticators', () => {
  it('trust accepts at once', () => {
    expect(new TrustAuthenticator().begin().first()).toEqual({ kind: 'ok' });
  });

  it('cleartext checks the password and the packet', () => {
    const auth = new PasswordAuthenticator(new Map([['u', 'pw']]), 'password');
    const ask = auth.begin('u').first();
    expect(ask).toEqual({ kind: 'ask', request: { kind: 'cleartextPassword' } });
    expect(auth.begin('u').respond(Buffer.from('pw\0'))).toEqual({ kind: 'ok' });
    expect(auth.begin('u').respond(Buffer.from('pw2\0'))).toMatchObject({ kind: 'fail', code: '28P01' });
    expect(auth.begin('x').respond(Buffer.from('pw\0'))).toMatchObject({ kind: 'fail', code: '28P01' });
    expect(auth.begin('u').respond(Buffer.from('pw'))).toMatchObject({ kind: 'fail', code: '08P01' });
  });

  it('SCRAM-SHA-256 accepts the right password and proves the server', () => {
    const auth = new PasswordAuthenticator(new Map([['u', 'pencil']]));
    const { step, serverOk } = scramLogin(auth, 'u', 'pencil');
    expect(step.kind).toBe('ok');
    expect(serverOk).toBe(true);
  });

  it('SCRAM-SHA-256 refuses a wrong password and an unknown user alike', () => {
    const auth = new PasswordAuthenticator(new Map([['u', 'pencil']]));
    expect(scramLogin(auth, 'u', 'pen').step).toMatchObject({ kind: 'fail', code: '28P01' });
    expect(scramLogin(auth, 'nobody', 'pencil').step).toMatchObject({ kind: 'fail', code: '28P01' });
  });

  it('SCRAM-SHA-256 rejects malformed messages with 08P01', () => {
    const auth = new PasswordAuthenticator(new Map([['u', 'p']]));
    expect(auth.begin('u').respond(Buffer.from('junk'))).toMatchObject({ kind: 'fail', code: '08P01' });
    expect(auth.begin('u').respond(saslInitial('n,,r=abc', 'SCRAM-SHA-1'))).toMatchObject({ kind: 'fail', code: '08P01' });
    expect(auth.begin('u').respond(saslInitial('p=tls-unique,,n=,r=abc'))).toMatchObject({ kind: 'fail', code: '08P01' });
    expect(auth.begin('u').respond(saslInitial('n,,n=,x=1'))).toMatchObject({ kind: 'fail', code: '08P01' });
    const ex = auth.begin('u');
    ex.respond(saslInitial('n,,n=,r=abc'));
    expect(ex.respond(Buffer.from('c=biws,r=wrongnonce,p=AAAA'))).toMatchObject({ kind: 'fail', code: '08P01' });
  });

  it('parses password files', () => {
    const users = parsePasswordFile('# comment\nroot:secret\n\n  alice:with:colon  \r\n');
    expect([...users]).toEqual([
      ['root', 'secret'],
      ['alice', 'with:colon'],
    ]);
    expect(() => parsePasswordFile('nocolon\n')).toThrow(/user:password/);
  });
});
