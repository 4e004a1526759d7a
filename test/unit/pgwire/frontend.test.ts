// Frontend parser: every message type parsed whole, split at every byte, and in one
// stream; violations for bad lengths, unknown types and malformed bodies; random bytes
// never throw. Frames come from pg-protocol's serializer (an independent implementation).

import fc from 'fast-check';
import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { FrontendParser, type FrontendMessage, type Violation } from '../../../src/pgwire/frontend.js';
import { ProtocolLimits } from '../../../src/pgwire/protocol.js';

function typed(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function startupFrame(code: number, rest: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8 + rest.length, 0);
  b.writeInt32BE(code, 4);
  return Buffer.concat([b, rest]);
}

/** Parser already past startup. */
function typedParser(): FrontendParser {
  const p = new FrontendParser();
  p.push(serialize.startup({ user: 'u' }));
  expect(p.next()).toMatchObject({ kind: 'startup' });
  return p;
}

function drain(p: FrontendParser): (FrontendMessage | Violation)[] {
  const out: (FrontendMessage | Violation)[] = [];
  for (;;) {
    const m = p.next();
    if (m === null) return out;
    out.push(m);
    if (m.kind === 'violation') return out;
  }
}

const typedCases: Array<[string, Buffer, unknown]> = [
  ['query', serialize.query('select 1; select ünïcode'), { kind: 'query', sql: 'select 1; select ünïcode' }],
  ['query empty', serialize.query(''), { kind: 'query', sql: '' }],
  [
    'parse',
    serialize.parse({ name: 's1', text: 'select $1, $2', types: [23, 0] }),
    { kind: 'parse', name: 's1', sql: 'select $1, $2', paramTypeOids: [23, 0] },
  ],
  ['parse unnamed', serialize.parse({ text: 'select 1' }), { kind: 'parse', name: '', sql: 'select 1', paramTypeOids: [] }],
  [
    'bind',
    serialize.bind({ portal: 'p', statement: 's', values: ['a', null, Buffer.from([0, 1, 2])], binary: true }),
    {
      kind: 'bind',
      portal: 'p',
      statement: 's',
      paramFormats: [0, 0, 1],
      params: [Buffer.from('a'), null, Buffer.from([0, 1, 2])],
      resultFormats: [1],
    },
  ],
  ['describe S', serialize.describe({ type: 'S', name: 'st' }), { kind: 'describe', target: 'S', name: 'st' }],
  ['describe P', serialize.describe({ type: 'P', name: '' }), { kind: 'describe', target: 'P', name: '' }],
  ['execute', serialize.execute({ portal: 'p', rows: 10 }), { kind: 'execute', portal: 'p', maxRows: 10 }],
  ['close S', serialize.close({ type: 'S', name: 'st' }), { kind: 'close', target: 'S', name: 'st' }],
  ['close P', serialize.close({ type: 'P', name: 'p' }), { kind: 'close', target: 'P', name: 'p' }],
  ['sync', serialize.sync(), { kind: 'sync' }],
  ['flush', serialize.flush(), { kind: 'flush' }],
  ['terminate', serialize.end(), { kind: 'terminate' }],
  ['copyData', serialize.copyData(Buffer.from('1\tx\n')), { kind: 'copyData', data: Buffer.from('1\tx\n') }],
  ['copyDone', serialize.copyDone(), { kind: 'copyDone' }],
  ['copyFail', serialize.copyFail('nope'), { kind: 'copyFail', message: 'nope' }],
  ['password', serialize.password('secret'), { kind: 'password', data: Buffer.from('secret\0') }],
];

describe('FrontendParser typed messages', () => {
  for (const [name, frame, expected] of typedCases) {
    it(`parses ${name} whole and split at every byte`, () => {
      const whole = typedParser();
      whole.push(frame);
      expect(drain(whole)).toEqual([expected]);
      for (let cut = 1; cut < frame.length; cut++) {
        const p = typedParser();
        p.push(frame.subarray(0, cut));
        expect(p.next()).toBeNull();
        p.push(frame.subarray(cut));
        expect(drain(p)).toEqual([expected]);
        expect(p.bufferedBytes()).toBe(0);
      }
    });
  }

  it('parses all messages from one stream fed byte by byte', () => {
    const stream = Buffer.concat(typedCases.map((c) => c[1]));
    const p = typedParser();
    const got: unknown[] = [];
    for (const byte of stream) {
      p.push(Buffer.from([byte]));
      got.push(...drain(p));
    }
    expect(got).toEqual(typedCases.map((c) => c[2]));
  });

  it('parses a stream cut at random points', () => {
    const stream = Buffer.concat(typedCases.map((c) => c[1]));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const p = typedParser();
        const got: unknown[] = [];
        for (let i = 1; i < points.length; i++) {
          p.push(stream.subarray(points[i - 1], points[i]));
          got.push(...drain(p));
        }
        expect(got).toEqual(typedCases.map((c) => c[2]));
      }),
    );
  });
});

describe('FrontendParser startup phase', () => {
  const cases: Array<[string, Buffer, unknown]> = [
    [
      'startup',
      serialize.startup({ user: 'root', database: 'defaultdb', application_name: 'app', options: '-c x=y' }),
      { kind: 'startup', major: 3, minor: 0, params: { user: 'root', database: 'defaultdb', application_name: 'app', options: '-c x=y', client_encoding: 'UTF8' } },
    ],
    ['sslRequest', serialize.requestSsl(), { kind: 'sslRequest' }],
    ['gssEncRequest', startupFrame(80877104), { kind: 'gssEncRequest' }],
    ['cancel', serialize.cancel(1234, -5), { kind: 'cancelRequest', pid: 1234, secret: -5 }],
  ];
  for (const [name, frame, expected] of cases) {
    it(`parses ${name} split at every byte`, () => {
      for (let cut = 0; cut <= frame.length; cut++) {
        const p = new FrontendParser();
        p.push(frame.subarray(0, cut));
        if (cut < frame.length) expect(p.next()).toBeNull();
        p.push(frame.subarray(cut));
        expect(drain(p)).toEqual([expected]);
      }
    });
  }

  it('stays in startup phase after SSLRequest, then switches to typed', () => {
    const p = new FrontendParser();
    p.push(Buffer.concat([serialize.requestSsl(), serialize.startup({ user: 'a' }), serialize.query('x')]));
    expect(drain(p).map((m) => m.kind)).toEqual(['sslRequest', 'startup', 'query']);
  });

  it('reports the protocol version of an unknown startup code', () => {
    const p = new FrontendParser();
    p.push(startupFrame((2 << 16) | 0, Buffer.from([0])));
    expect(p.next()).toEqual({ kind: 'startup', major: 2, minor: 0, params: {} });
  });

  it('rejects startup lengths out of range', () => {
    for (const len of [0, 3, 7, ProtocolLimits.startupBytesMax + 1, 0x7fffffff, 0x80000000]) {
      const p = new FrontendParser();
      const b = Buffer.alloc(8);
      b.writeUInt32BE(len >>> 0, 0);
      p.push(b.subarray(0, 4));
      expect(p.next()).toMatchObject({ kind: 'violation' });
    }
  });

  it('rejects a startup packet whose parameters are not terminated', () => {
    const p = new FrontendParser();
    p.push(startupFrame(196608, Buffer.from('user\0x', 'latin1')));
    expect(p.next()).toMatchObject({ kind: 'violation' });
  });

  it('rejects a cancel request of the wrong length', () => {
    const p = new FrontendParser();
    p.push(startupFrame(80877102, Buffer.alloc(4)));
    expect(p.next()).toMatchObject({ kind: 'violation' });
  });
});

describe('FrontendParser violations', () => {
  it('rejects an unknown message type at once', () => {
    const p = typedParser();
    p.push(Buffer.from([0x21]));
    // Not even the length is needed... but the header is: push the rest.
    p.push(Buffer.from([0, 0, 0, 4]));
    expect(p.next()).toEqual({ kind: 'violation', message: 'invalid frontend message type 33' });
    // Sticky: the parser stays dead.
    p.push(serialize.sync());
    expect(p.next()).toMatchObject({ kind: 'violation' });
  });

  it('rejects a 2 GiB length without waiting for the body', () => {
    const p = typedParser();
    const b = Buffer.alloc(5);
    b.write('Q', 0, 'latin1');
    b.writeUInt32BE(0x80000000, 1);
    p.push(b);
    expect(p.next()).toMatchObject({ kind: 'violation', message: expect.stringContaining('invalid message length') });
  });

  it('rejects lengths below 4', () => {
    for (const len of [0, 1, 3]) {
      const p = typedParser();
      const b = Buffer.alloc(5);
      b.write('S', 0, 'latin1');
      b.writeInt32BE(len, 1);
      p.push(b);
      expect(p.next()).toMatchObject({ kind: 'violation' });
    }
  });

  it('rejects a large control message and accepts a large query', () => {
    const p = typedParser();
    p.push(typed('S', Buffer.alloc(ProtocolLimits.controlMessageBytesMax)));
    expect(p.next()).toMatchObject({ kind: 'violation' });
    const q = typedParser();
    const sql = 'x'.repeat(200_000);
    q.push(serialize.query(sql));
    expect(q.next()).toEqual({ kind: 'query', sql });
  });

  it('honours a smaller configured message maximum', () => {
    const p = new FrontendParser({ ...ProtocolLimits, messageBytesMax: 100 });
    p.push(serialize.startup({ user: 'u' }));
    p.next();
    p.push(serialize.query('x'.repeat(200)).subarray(0, 5));
    expect(p.next()).toMatchObject({ kind: 'violation' });
  });

  const malformed: Array<[string, Buffer]> = [
    ['query without terminator', typed('Q', Buffer.from('select 1'))],
    ['query with trailing bytes', typed('Q', Buffer.from('select 1\0xx'))],
    ['sync with a body', typed('S', Buffer.from([1]))],
    ['describe with bad subtype', typed('D', Buffer.from('Xname\0'))],
    ['close with no body', typed('C', Buffer.alloc(0))],
    ['execute without max rows', typed('E', Buffer.from('p\0'))],
    ['parse with negative param count', typed('P', Buffer.from([0, 0x73, 0, 0xff, 0xff]))],
    ['parse with missing oids', typed('P', Buffer.from([0, 0x73, 0, 0, 2, 0, 0, 0, 23]))],
    ['bind with param longer than message', typed('B', Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2]))],
    ['bind with length -2', typed('B', Buffer.from([0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0]))],
    ['copyFail without terminator', typed('f', Buffer.from('oops'))],
  ];
  for (const [name, frame] of malformed) {
    it(`rejects ${name}`, () => {
      const p = typedParser();
      p.push(frame);
      expect(p.next()).toMatchObject({ kind: 'violation' });
    });
  }

  it('never throws on random bytes, before or after startup', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (started, chunks) => {
        const p = started ? typedParser() : new FrontendParser();
        for (const c of chunks) {
          p.push(Buffer.from(c));
          const msgs = drain(p);
          if (msgs.some((m) => m.kind === 'violation')) return;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
