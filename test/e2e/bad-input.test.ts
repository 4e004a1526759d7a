// Hostile and malformed protocol input against a real node: each bad connection gets an
// ErrorResponse with SQLSTATE 08P01 (where the protocol allows one) and is closed, while
// another connection opened before it keeps working.

import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connect, removeDir, startNode, type NodeHandle } from './harness.js';

let node: NodeHandle;
let bystander: pg.Client;

beforeAll(async () => {
  node = await startNode();
  bystander = await connect(node);
});

afterAll(async () => {
  await bystander?.end();
  await node?.stop();
  await removeDir(node.storeDir);
});

function startupMessage(user: string, database: string): Buffer {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from(`user\0${user}\0database\0${database}\0\0`)]);
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length + 4);
  return Buffer.concat([len, body]);
}

/** Sends `chunks` on a raw socket; returns everything the server wrote until it closed. */
async function exchange(chunks: Buffer[], opts: { afterStartup?: boolean } = {}): Promise<Buffer> {
  const sock = new Socket();
  const received: Buffer[] = [];
  await new Promise<void>((res, rej) => {
    sock.once('error', rej);
    sock.connect(node.port, '127.0.0.1', () => res());
  });
  sock.on('data', (d) => received.push(d));
  const closed = new Promise<void>((res) => sock.once('close', () => res()));
  sock.on('error', () => {});
  if (opts.afterStartup) {
    sock.write(startupMessage('root', 'defaultdb'));
    await waitFor(() => Buffer.concat(received).includes(Buffer.from([0x5a, 0, 0, 0, 5, 0x49])), 5000); // ReadyForQuery 'I'
  }
  for (const c of chunks) sock.write(c);
  const timeout = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 5000));
  const outcome = await Promise.race([closed.then(() => 'closed' as const), timeout]);
  sock.destroy();
  expect(outcome).toBe('closed');
  return Buffer.concat(received);
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The SQLSTATE of the first ErrorResponse in a server byte stream, or null. */
function errorCodeIn(stream: Buffer): string | null {
  let off = 0;
  while (off + 5 <= stream.length) {
    const type = String.fromCharCode(stream[off]!);
    const len = stream.readInt32BE(off + 1);
    if (type === 'E') {
      const body = stream.subarray(off + 5, off + 1 + len);
      let p = 0;
      while (p < body.length && body[p] !== 0) {
        const field = String.fromCharCode(body[p]!);
        const end = body.indexOf(0, p + 1);
        const value = body.subarray(p + 1, end).toString();
        if (field === 'C') return value;
        p = end + 1;
      }
    }
    off += 1 + len;
  }
  return null;
}

async function bystanderStillWorks(): Promise<void> {
  const r = await bystander.query('SELECT 7 AS x');
  expect(r.rows[0].x).toBe(7);
}

describe('bad input on the wire', () => {
  test('random bytes instead of a startup packet', async () => {
    const garbage = randomBytes(4096);
    garbage.writeInt32BE(1234, 0); // a plausible-but-wrong length
    const out = await exchange([garbage]);
    const code = errorCodeIn(out);
    expect(code === null || code === '08P01').toBe(true);
    await bystanderStillWorks();
  });

  test('random bytes after startup', async () => {
    const out = await exchange([Buffer.concat([Buffer.from('~'), randomBytes(2048)])], { afterStartup: true });
    expect(errorCodeIn(out)).toBe('08P01');
    await bystanderStillWorks();
  });

  test('an unknown message type', async () => {
    const msg = Buffer.from([0x7a /* 'z' */, 0, 0, 0, 4]);
    const out = await exchange([msg], { afterStartup: true });
    expect(errorCodeIn(out)).toBe('08P01');
    await bystanderStillWorks();
  });

  test('a length field of 2 GiB', async () => {
    const msg = Buffer.from([0x51 /* 'Q' */, 0x7f, 0xff, 0xff, 0xff, 0x53, 0x45]);
    const out = await exchange([msg], { afterStartup: true });
    expect(errorCodeIn(out)).toBe('08P01');
    await bystanderStillWorks();
  });

  test('a startup packet claiming 2 GiB', async () => {
    const out = await exchange([Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 3, 0, 0])]);
    const code = errorCodeIn(out);
    expect(code === null || code === '08P01').toBe(true);
    await bystanderStillWorks();
  });
});
