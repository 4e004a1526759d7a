// Connection behaviour over real sockets against the fake session: startup, simple and
// extended query message sequences, skip-until-Sync, COPY, cancel routing, the connection
// limit, shutdown, and hostile input that must close only the offending connection.

import { randomBytes } from 'node:crypto';
import { serialize } from 'pg-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PasswordAuthenticator } from '../../../src/pgwire/auth.js';
import { RawClient, startHarness, type Harness } from './harness.js';

let h: Harness;
const clients: RawClient[] = [];

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await h.close();
});

async function login(params?: Record<string, string>): Promise<RawClient> {
  const c = await RawClient.login(h.port, params);
  clients.push(c);
  return c;
}

async function connect(port = h.port): Promise<RawClient> {
  const c = await RawClient.connect(port);
  clients.push(c);
  return c;
}

async function expectWorking(c: RawClient): Promise<void> {
  c.send(serialize.query('select 7'));
  const msgs = await c.until('readyForQuery');
  expect(msgs.find((m) => m.name === 'dataRow')?.['fields']).toEqual(['7']);
}

describe('startup', () => {
  it('reports parameters, key data and ReadyForQuery', async () => {
    const c = await connect();
    c.send(serialize.startup({ user: 'alice', database: 'db1', application_name: 'tests' }));
    const msgs = await c.until('readyForQuery');
    expect(msgs[0]!.name).toBe('authenticationOk');
    const params = Object.fromEntries(
      msgs.filter((m) => m.name === 'parameterStatus').map((m) => [m['parameterName'], m['parameterValue']]),
    );
    expect(params).toMatchObject({
      server_version: '15.0',
      server_encoding: 'UTF8',
      client_encoding: 'UTF8',
      DateStyle: 'ISO, MDY',
      integer_datetimes: 'on',
      standard_conforming_strings: 'on',
      application_name: 'tests',
      session_authorization: 'alice',
    });
    const key = msgs.find((m) => m.name === 'backendKeyData')!;
    expect(key['processID']).toBeGreaterThan(0);
    expect(msgs.at(-1)!['status']).toBe('I');
    expect(h.sql.sessions[0]!.params).toMatchObject({ user: 'alice', database: 'db1' });
  });

  it('answers SSLRequest with N and continues in the clear', async () => {
    const c = await connect();
    c.expectRawByte();
    c.send(serialize.requestSsl());
    await new Promise((r) => setTimeout(r, 50));
    expect(c.rawBytes).toEqual([0x4e]);
    c.send(serialize.startup({ user: 'u' }));
    await c.until('readyForQuery');
    await expectWorking(c);
  });

  it('defaults the database to the user name', async () => {
    await login({ user: 'bob' });
    expect(h.sql.sessions[0]!.params.database).toBe('bob');
  });

  it('rejects a missing user with 28000', async () => {
    const c = await connect();
    c.send(serialize.startup({ database: 'x' }));
    const msgs = await c.untilClosed();
    expect(msgs).toMatchObject([{ name: 'error', severity: 'FATAL', code: '28000' }]);
  });

  it('rejects protocol 2.0 with 0A000', async () => {
    const c = await connect();
    const b = Buffer.alloc(9);
    b.writeInt32BE(9, 0);
    b.writeInt32BE(2 << 16, 4);
    c.send(b);
    const msgs = await c.untilClosed();
    expect(msgs).toMatchObject([{ name: 'error', code: '0A000' }]);
  });

  it('turns a createSession SqlError into a FATAL error', async () => {
    const c = await connect();
    c.send(serialize.startup({ user: 'u', database: 'nodb' }));
    const msgs = await c.untilClosed();
    expect(msgs.at(-1)).toMatchObject({ name: 'error', severity: 'FATAL', code: '3D000' });
  });

  it('closes a client that never finishes startup', async () => {
    await h.close();
    h = await startHarness({ limits: { startupTimeoutMs: 100 } });
    const c = await connect();
    const msgs = await c.untilClosed();
    expect(msgs).toMatchObject([{ name: 'error', code: '08P01' }]);
  });
});

describe('password authentication', () => {
  it('accepts the right cleartext password and refuses a wrong one', async () => {
    await h.close();
    h = await startHarness({ authenticator: new PasswordAuthenticator(new Map([['root', 's3cret']]), 'password') });
    const good = await connect();
    good.send(serialize.startup({ user: 'root' }));
    await good.until('authenticationCleartextPassword');
    good.send(serialize.password('s3cret'));
    await good.until('readyForQuery');
    await expectWorking(good);

    for (const [user, pw] of [['root', 'wrong'], ['nobody', 's3cret']]) {
      const bad = await connect();
      bad.send(serialize.startup({ user: user! }));
      await bad.until('authenticationCleartextPassword');
      bad.send(serialize.password(pw!));
      const msgs = await bad.untilClosed();
      expect(msgs).toMatchObject([{ name: 'error', severity: 'FATAL', code: '28P01' }]);
    }
    expect(h.sql.sessions).toHaveLength(1);
  });

  it('closes a client that answers the password request with a query', async () => {
    await h.close();
    h = await startHarness({ authenticator: new PasswordAuthenticator(new Map([['root', 'x']]), 'password') });
    const c = await connect();
    c.send(serialize.startup({ user: 'root' }));
    await c.until('authenticationCleartextPassword');
    c.send(serialize.query('select 1'));
    expect(await c.untilClosed()).toMatchObject([{ name: 'error', code: '08P01' }]);
  });
});

describe('simple query', () => {
  it('sends rows, CommandComplete and ReadyForQuery', async () => {
    const c = await login();
    c.send(serialize.query('select 1; select 2'));
    const msgs = await c.until('readyForQuery');
    expect(c.names(msgs)).toEqual([
      'rowDescription',
      'dataRow',
      'commandComplete',
      'rowDescription',
      'dataRow',
      'commandComplete',
      'readyForQuery',
    ]);
    expect(msgs[1]!['fields']).toEqual(['1']);
    expect(msgs[4]!['fields']).toEqual(['2']);
  });

  it('answers an empty query with EmptyQueryResponse', async () => {
    const c = await login();
    c.send(serialize.query('  '));
    expect(c.names(await c.until('readyForQuery'))).toEqual(['emptyQuery', 'readyForQuery']);
  });

  it('reports SqlErrors with their fields and the transaction status', async () => {
    const c = await login();
    c.send(serialize.query('begin'));
    expect((await c.until('readyForQuery')).at(-1)!['status']).toBe('T');
    c.send(serialize.query('select 1; error; select 2'));
    const msgs = await c.until('readyForQuery');
    expect(c.names(msgs)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'error', 'readyForQuery']);
    expect(msgs[3]).toMatchObject({ severity: 'ERROR', code: '42601', position: '1', hint: 'try harder' });
    expect(msgs[4]!['status']).toBe('E');
  });

  it('answers a session crash with XX000 and keeps the connection', async () => {
    const c = await login();
    c.send(serialize.query('crash'));
    const msgs = await c.until('readyForQuery');
    expect(msgs).toMatchObject([{ name: 'error', code: 'XX000', message: 'internal error: boom' }, { name: 'readyForQuery' }]);
    await expectWorking(c);
    expect(h.server.stats.internalErrorsTotal).toBe(1);
  });

  it('keeps the stream valid when a session writes a bad value', async () => {
    const c = await login();
    c.send(serialize.query('badrow'));
    const msgs = await c.until('readyForQuery');
    expect(c.names(msgs)).toEqual(['rowDescription', 'error', 'readyForQuery']);
    expect(msgs[1]!['code']).toBe('XX000');
    await expectWorking(c);
  });

  it('forwards notices and parameter changes', async () => {
    const c = await login();
    c.send(serialize.query('notice'));
    const msgs = await c.until('readyForQuery');
    expect(msgs).toMatchObject([
      { name: 'notice', severity: 'NOTICE', message: 'hello notice' },
      { name: 'parameterStatus', parameterName: 'application_name', parameterValue: 'changed' },
      { name: 'commandComplete', text: 'SET' },
      { name: 'readyForQuery' },
    ]);
  });

  it('streams a large result with backpressure', async () => {
    const c = await login();
    c.send(serialize.query('count 200000'));
    const msgs = await c.until('readyForQuery', 20_000);
    const rows = msgs.filter((m) => m.name === 'dataRow');
    expect(rows).toHaveLength(200_000);
    expect(rows.at(-1)!['fields']).toEqual(['200000']);
  });

  it('processes pipelined queries in order', async () => {
    const c = await login();
    c.send(serialize.query('select 1'), serialize.query('select 2'), serialize.query('select 3'));
    const got: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const msgs = await c.until('readyForQuery');
      got.push(msgs.find((m) => m.name === 'dataRow')!['fields']);
    }
    expect(got).toEqual([['1'], ['2'], ['3']]);
  });

  it('pauses input while busy and catches up on every pipelined query', async () => {
    await h.close();
    h = await startHarness({ limits: { inputPauseBytes: 1024 } });
    const c = await login();
    const queries = Array.from({ length: 2000 }, (_, i) => serialize.query(`select ${i}`));
    c.send(serialize.query('sleep'), ...queries);
    await new Promise((r) => setTimeout(r, 50));
    h.sql.sessions[0]!.cancel();
    expect((await c.until('readyForQuery'))[0]).toMatchObject({ code: '57014' });
    for (let i = 0; i < 2000; i++) {
      const msgs = await c.until('readyForQuery');
      expect(msgs[1]!['fields']).toEqual([String(i)]);
    }
  });

  it('closes the session on Terminate', async () => {
    const c = await login();
    c.send(serialize.end());
    await c.untilClosed();
    await new Promise((r) => setTimeout(r, 20));
    expect(h.sql.sessions[0]!.closed).toBe(true);
    expect(h.server.stats.connectionsOpen).toBe(0);
  });
});

describe('extended query', () => {
  it('runs Parse/Bind/Describe/Execute/Sync', async () => {
    const c = await login();
    c.send(
      serialize.parse({ name: 's1', text: 'echo $1 $2', types: [23] }),
      serialize.describe({ type: 'S', name: 's1' }),
      serialize.bind({ portal: 'p1', statement: 's1', values: ['42', Buffer.from([1, 2])] }),
      serialize.describe({ type: 'P', name: 'p1' }),
      serialize.execute({ portal: 'p1' }),
      serialize.sync(),
    );
    const msgs = await c.until('readyForQuery');
    expect(c.names(msgs)).toEqual([
      'parseComplete',
      'parameterDescription',
      'rowDescription',
      'bindComplete',
      'rowDescription',
      'dataRow',
      'commandComplete',
      'readyForQuery',
    ]);
    expect(msgs[1]!['dataTypeIDs']).toEqual([23, 25]);
    expect(msgs[5]!['fields']).toEqual(['42', '\\x0102']);
  });

  it('answers NoData for statements without rows and closes statements and portals', async () => {
    const c = await login();
    c.send(
      serialize.parse({ name: 'b', text: 'begin' }),
      serialize.describe({ type: 'S', name: 'b' }),
      serialize.bind({ statement: 'b' }),
      serialize.execute({}),
      serialize.close({ type: 'P', name: '' }),
      serialize.close({ type: 'S', name: 'b' }),
      serialize.sync(),
    );
    const msgs = await c.until('readyForQuery');
    expect(c.names(msgs)).toEqual([
      'parseComplete',
      'parameterDescription',
      'noData',
      'bindComplete',
      'commandComplete',
      'closeComplete',
      'closeComplete',
      'readyForQuery',
    ]);
    expect(msgs.at(-1)!['status']).toBe('T');
  });

  it('skips to Sync after an error', async () => {
    const c = await login();
    c.send(
      serialize.parse({ name: 'bad', text: 'error here' }),
      serialize.bind({ statement: 'bad' }),
      serialize.describe({ type: 'P', name: '' }),
      serialize.execute({}),
      serialize.flush(),
      serialize.query('select 9'),
      serialize.sync(),
    );
    const msgs = await c.until('readyForQuery');
    expect(c.names(msgs)).toEqual(['error', 'readyForQuery']);
    expect(msgs[0]!['code']).toBe('42601');
    expect(h.sql.sessions[0]!.log).toEqual(['P bad error here', 'abort 42601', 'S']);
    await expectWorking(c);
  });

  it('rejects bad format codes with 22023 and a format count mismatch with 08P01', async () => {
    const c = await login();
    c.send(serialize.parse({ name: 's', text: 'echo $1 $2' }));
    const bad = serialize.bind({ statement: 's', values: ['a', 'b'] });
    // After the names: int16 count 2, two int16 formats. Replace them with [7].
    const formatsAt = 5 + 1 + 2; // header, portal "", statement "s"
    expect(bad.readInt16BE(formatsAt)).toBe(2);
    const patched = Buffer.concat([bad.subarray(0, formatsAt), Buffer.from([0, 1, 0, 7]), bad.subarray(formatsAt + 6)]);
    patched.writeInt32BE(patched.length - 1, 1);
    c.send(patched, serialize.sync());
    let msgs = await c.until('readyForQuery');
    expect(msgs).toMatchObject([{ name: 'parseComplete' }, { name: 'error', code: '22023' }, { name: 'readyForQuery' }]);

    const mismatch = Buffer.concat([bad.subarray(0, formatsAt), Buffer.from([0, 3, 0, 0, 0, 0, 0, 0]), bad.subarray(formatsAt + 6)]);
    mismatch.writeInt32BE(mismatch.length - 1, 1);
    c.send(mismatch, serialize.sync());
    msgs = await c.until('readyForQuery');
    expect(msgs).toMatchObject([{ name: 'error', code: '08P01' }, { name: 'readyForQuery' }]);
    await expectWorking(c);
  });

  it('suspends a portal at maxRows and resumes it', async () => {
    const c = await login();
    c.send(
      serialize.parse({ text: 'count 5' }),
      serialize.bind({ portal: 'cur' }),
      serialize.execute({ portal: 'cur', rows: 2 }),
      serialize.execute({ portal: 'cur', rows: 2 }),
      serialize.execute({ portal: 'cur', rows: 2 }),
      serialize.sync(),
    );
    const msgs = await c.until('readyForQuery');
    expect(c.names(msgs)).toEqual([
      'parseComplete',
      'bindComplete',
      'dataRow',
      'dataRow',
      'portalSuspended',
      'dataRow',
      'dataRow',
      'portalSuspended',
      'dataRow',
      'commandComplete',
      'readyForQuery',
    ]);
  });

  it('answers a crash in parse with XX000 and recovers at Sync', async () => {
    const c = await login();
    c.send(serialize.parse({ text: 'crash' }), serialize.bind({}), serialize.execute({}), serialize.sync());
    expect(await c.until('readyForQuery')).toMatchObject([{ name: 'error', code: 'XX000' }, { name: 'readyForQuery' }]);
    await expectWorking(c);
  });

  it('flushes on Flush without Sync', async () => {
    const c = await login();
    c.send(serialize.parse({ name: 'f', text: 'select 1' }), serialize.flush());
    expect(c.names(await c.until('parseComplete'))).toEqual(['parseComplete']);
  });
});

describe('COPY', () => {
  it('receives COPY FROM STDIN data until CopyDone', async () => {
    const c = await login();
    c.send(serialize.query('copyin'));
    await c.until('copyInResponse');
    c.send(serialize.copyData(Buffer.from('a\nb')), serialize.copyData(Buffer.from('\nc\n')), serialize.flush(), serialize.copyDone());
    const msgs = await c.until('readyForQuery');
    expect(msgs).toMatchObject([{ name: 'commandComplete', text: 'COPY 3' }, { name: 'readyForQuery' }]);
    expect(h.sql.sessions[0]!.log).toContain('copied a|b|c');
  });

  it('fails COPY FROM STDIN on CopyFail with 57014', async () => {
    const c = await login();
    c.send(serialize.query('copyin'));
    await c.until('copyInResponse');
    c.send(serialize.copyData(Buffer.from('a\n')), serialize.copyFail('client gave up'));
    const msgs = await c.until('readyForQuery');
    expect(msgs[0]).toMatchObject({ name: 'error', code: '57014' });
    expect(String(msgs[0]!['message'])).toContain('client gave up');
    await expectWorking(c);
  });

  it('sends COPY TO STDOUT', async () => {
    const c = await login();
    c.send(serialize.query('copyout'));
    const msgs = await c.until('readyForQuery');
    expect(c.names(msgs)).toEqual(['copyOutResponse', 'copyData', 'copyData', 'copyData', 'copyDone', 'commandComplete', 'readyForQuery']);
    expect((msgs[1]!['chunk'] as Buffer).toString()).toBe('1\trow1\n');
  });

  it('ignores stray copy messages outside COPY', async () => {
    const c = await login();
    c.send(serialize.copyData(Buffer.from('x')), serialize.copyDone(), serialize.copyFail('x'));
    await expectWorking(c);
  });
});

describe('cancel', () => {
  it('routes a CancelRequest by pid and secret', async () => {
    const c = await connect();
    c.send(serialize.startup({ user: 'u' }));
    const startup = await c.until('readyForQuery');
    const key = startup.find((m) => m.name === 'backendKeyData')!;
    const pid = key['processID'] as number;
    const secret = key['secretKey'] as number;
    c.send(serialize.query('sleep'));
    await new Promise((r) => setTimeout(r, 50));

    const wrong = await connect();
    wrong.send(serialize.cancel(pid, secret ^ 1));
    await wrong.untilClosed();
    await new Promise((r) => setTimeout(r, 50));
    expect(h.sql.sessions[0]!.cancelled).toBe(false);

    const right = await connect();
    right.send(serialize.cancel(pid, secret));
    expect(await right.untilClosed()).toEqual([]);
    const msgs = await c.until('readyForQuery');
    expect(msgs[0]).toMatchObject({ name: 'error', code: '57014' });
    await expectWorking(c);
  });

  it('ignores a cancel for an idle session', async () => {
    const c = await connect();
    c.send(serialize.startup({ user: 'u' }));
    const key = (await c.until('readyForQuery')).find((m) => m.name === 'backendKeyData')!;
    const k = await connect();
    k.send(serialize.cancel(key['processID'] as number, key['secretKey'] as number));
    await k.untilClosed();
    expect(h.sql.sessions[0]!.cancelled).toBe(false);
    await expectWorking(c);
  });
});

describe('bad input closes only that connection', () => {
  async function expectViolation(frames: Buffer[], loggedIn = true): Promise<void> {
    const good = await login();
    const bad = loggedIn ? await login() : await connect();
    bad.send(...frames);
    const msgs = await bad.untilClosed();
    expect(msgs.at(-1)).toMatchObject({ name: 'error', severity: 'FATAL', code: '08P01' });
    await expectWorking(good);
    await expectWorking(await login());
  }

  it('random bytes after login', async () => {
    // 0xff is no message type: the violation is certain whatever follows.
    await expectViolation([Buffer.from([0xff]), randomBytes(4096)]);
  });

  it('random bytes as the startup packet', async () => {
    const junk = randomBytes(4096);
    junk.writeUInt32BE(0xdeadbeef, 0);
    await expectViolation([junk], false);
  });

  it('random bytes with a plausible startup length', async () => {
    const junk = randomBytes(4096);
    junk.writeUInt32BE(1234, 0);
    junk.writeUInt16BE(0xabcd, 4); // a protocol major nobody speaks
    await expectViolation([junk], false);
  });

  it('an unknown message type', async () => {
    const frame = Buffer.from([0x21, 0, 0, 0, 4]);
    await expectViolation([frame]);
  });

  it('a length field of 2 GiB', async () => {
    const b = Buffer.alloc(5);
    b.write('Q', 0, 'latin1');
    b.writeUInt32BE(0x80000000, 1);
    await expectViolation([b]);
  });

  it('a malformed Bind', async () => {
    const b = Buffer.from([0x42, 0, 0, 0, 12, 0, 0, 0, 0, 0, 1, 0, 0]);
    await expectViolation([b]);
  });

  it('a password message after login', async () => {
    await expectViolation([serialize.password('x')]);
  });

  it('survives many garbage connections at once', async () => {
    const good = await login();
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const bad = i % 2 === 0 ? await login() : await connect();
        const junk = randomBytes(2000);
        junk[0] = 0xfe;
        junk.writeUInt32BE(0x7fffffff, 1);
        bad.send(junk);
        await bad.untilClosed();
      }),
    );
    await expectWorking(good);
    expect(h.server.stats.protocolViolationsTotal).toBe(30);
  });
});

describe('limits and shutdown', () => {
  it('refuses connections past connectionsMax with 53300, cancel still works', async () => {
    await h.close();
    h = await startHarness({ connectionsMax: 1 });
    const first = await login();
    const second = await connect();
    second.send(serialize.startup({ user: 'u' }));
    expect(await second.untilClosed()).toMatchObject([{ name: 'error', code: '53300' }]);
    first.send(serialize.end());
    await first.untilClosed();
    await new Promise((r) => setTimeout(r, 20));
    await expectWorking(await login());
  });

  it('terminates idle sessions with 57P01 and busy ones after cancelling', async () => {
    const idle = await login();
    const busy = await login();
    busy.send(serialize.query('sleep'));
    await new Promise((r) => setTimeout(r, 50));
    await h.close();
    expect((await idle.untilClosed()).at(-1)).toMatchObject({ name: 'error', code: '57P01' });
    const busyMsgs = await busy.untilClosed();
    expect(busyMsgs.map((m) => m['code'])).toEqual(['57014', undefined, '57P01']);
    expect(h.sql.sessions.every((s) => s.closed)).toBe(true);
    // The listener is closed.
    await expect(RawClient.connect(h.port)).rejects.toThrow();
  });
});
