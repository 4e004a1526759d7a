// TLS on SSLRequest: with a certificate configured the server answers 'S' and upgrades the
// socket (pg with ssl works, SCRAM over TLS too); without one it answers 'N'; plaintext
// bytes pipelined after SSLRequest are refused (CVE-2021-23214).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { PasswordAuthenticator } from '../../../src/pgwire/auth.js';
import { RawClient, startHarness, type Harness } from './harness.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const tls = { cert: readFileSync(join(fixtures, 'node.crt')), key: readFileSync(join(fixtures, 'node.key')) };

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('TLS', () => {
  it('serves pg over TLS, verifying the certificate', async () => {
    h = await startHarness({ tls });
    const c = new pg.Client({ host: '127.0.0.1', port: h.port, user: 'root', database: 'd', ssl: { ca: tls.cert, servername: 'localhost' } });
    await c.connect();
    expect((await c.query('select 8')).rows).toEqual([{ '?column?': 8 }]);
    const many = await c.query('count 20000');
    expect(many.rows).toHaveLength(20000);
    await c.end();
  });

  it('runs SCRAM over TLS and plaintext clients still work', async () => {
    h = await startHarness({ tls, authenticator: new PasswordAuthenticator(new Map([['root', 'pw']])) });
    const secure = new pg.Client({ host: '127.0.0.1', port: h.port, user: 'root', password: 'pw', database: 'd', ssl: { rejectUnauthorized: false } });
    await secure.connect();
    await secure.end();
    const plain = new pg.Client({ host: '127.0.0.1', port: h.port, user: 'root', password: 'pw', database: 'd' });
    await plain.connect();
    await plain.end();
  });

  it('answers N when no certificate is configured', async () => {
    h = await startHarness();
    const c = new pg.Client({ host: '127.0.0.1', port: h.port, user: 'root', database: 'd', ssl: { rejectUnauthorized: false } });
    await expect(c.connect()).rejects.toThrow(/does not support SSL/);
  });

  it('refuses plaintext pipelined after SSLRequest', async () => {
    h = await startHarness({ tls });
    const c = await RawClient.connect(h.port);
    c.send(serialize.requestSsl(), serialize.startup({ user: 'root' }));
    const msgs = await c.untilClosed();
    expect(msgs).toMatchObject([{ name: 'error', code: '08P01', message: 'received unencrypted data after SSL request' }]);
    c.socket.destroy();
  });
});
