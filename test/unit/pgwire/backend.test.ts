// Backend writer: every message decoded back by pg-protocol's client parser (an independent
// implementation); DataRow with unicode, nulls, binary and huge values; bytes handed out by
// take() stay intact while the writer keeps writing.

import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { describe, expect, it } from 'vitest';
import { BackendWriter, encode } from '../../../src/pgwire/backend.js';
import { field } from './fake-session.js';

function decode(buf: Buffer): BackendMessage[] {
  const out: BackendMessage[] = [];
  new Parser().parse(buf, (m) => out.push(m));
  return out;
}

function one(write: (w: BackendWriter) => void): Record<string, unknown> {
  const msgs = decode(encode(write));
  expect(msgs).toHaveLength(1);
  return msgs[0] as unknown as Record<string, unknown>;
}

describe('BackendWriter', () => {
  it('writes authentication requests', () => {
    expect(one((w) => w.authenticationOk())).toMatchObject({ name: 'authenticationOk' });
    expect(one((w) => w.authenticationCleartextPassword())).toMatchObject({ name: 'authenticationCleartextPassword' });
    expect(one((w) => w.authenticationMD5Password(Buffer.from([1, 2, 3, 4])))).toMatchObject({
      name: 'authenticationMD5Password',
      salt: Buffer.from([1, 2, 3, 4]),
    });
    expect(one((w) => w.authenticationSASL(['SCRAM-SHA-256']))).toMatchObject({
      name: 'authenticationSASL',
      mechanisms: ['SCRAM-SHA-256'],
    });
    expect(one((w) => w.authenticationSASLContinue(Buffer.from('r=abc')))).toMatchObject({
      name: 'authenticationSASLContinue',
      data: 'r=abc',
    });
    expect(one((w) => w.authenticationSASLFinal(Buffer.from('v=xyz')))).toMatchObject({
      name: 'authenticationSASLFinal',
      data: 'v=xyz',
    });
  });

  it('writes startup-time messages', () => {
    expect(one((w) => w.parameterStatus('server_version', '15.0'))).toMatchObject({
      name: 'parameterStatus',
      parameterName: 'server_version',
      parameterValue: '15.0',
    });
    expect(one((w) => w.backendKeyData(77, -123456))).toMatchObject({ name: 'backendKeyData', processID: 77, secretKey: -123456 });
    for (const s of ['I', 'T', 'E'] as const) {
      expect(one((w) => w.readyForQuery(s))).toMatchObject({ name: 'readyForQuery', status: s });
    }
  });

  it('writes RowDescription', () => {
    const m = one((w) => w.rowDescription([field('id', 23), field('naïve', 25, 1)]));
    expect(m).toMatchObject({ name: 'rowDescription', fieldCount: 2 });
    expect(m['fields']).toEqual([
      { name: 'id', tableID: 0, columnID: 0, dataTypeID: 23, dataTypeSize: 4, dataTypeModifier: -1, format: 'text' },
      { name: 'naïve', tableID: 0, columnID: 0, dataTypeID: 25, dataTypeSize: -1, dataTypeModifier: -1, format: 'binary' },
    ]);
  });

  it('writes DataRow with strings, unicode, nulls and bytes', () => {
    const long = 'ü'.repeat(100) + 'x'.repeat(1000);
    const m = one((w) => w.dataRow(['1', '', null, 'héllo wörld 🎉', long, Buffer.from('raw')]));
    expect(m['fields']).toEqual(['1', '', null, 'héllo wörld 🎉', long, 'raw']);
  });

  it('writes values larger than the slab', () => {
    const w = new BackendWriter(256);
    const big = 'é'.repeat(300_000);
    w.commandComplete('before');
    w.dataRow([big, Buffer.alloc(70_000, 7)]);
    w.commandComplete('after');
    const msgs = decode(w.take()!) as unknown as Array<Record<string, unknown>>;
    expect(msgs.map((m) => m['name'])).toEqual(['commandComplete', 'dataRow', 'commandComplete']);
    const fields = msgs[1]!['fields'] as string[];
    expect(fields[0]).toBe(big);
    expect(fields[1]!.length).toBe(70_000);
  });

  it('writes result and extended-protocol messages', () => {
    expect(one((w) => w.commandComplete('INSERT 0 1'))).toMatchObject({ name: 'commandComplete', text: 'INSERT 0 1' });
    expect(one((w) => w.emptyQueryResponse())).toMatchObject({ name: 'emptyQuery' });
    expect(one((w) => w.parseComplete())).toMatchObject({ name: 'parseComplete' });
    expect(one((w) => w.bindComplete())).toMatchObject({ name: 'bindComplete' });
    expect(one((w) => w.closeComplete())).toMatchObject({ name: 'closeComplete' });
    expect(one((w) => w.noData())).toMatchObject({ name: 'noData' });
    expect(one((w) => w.portalSuspended())).toMatchObject({ name: 'portalSuspended' });
    expect(one((w) => w.parameterDescription([23, 25, 4294967295]))).toMatchObject({
      name: 'parameterDescription',
      parameterCount: 3,
      dataTypeIDs: [23, 25, 4294967295],
    });
  });

  it('writes ErrorResponse and NoticeResponse with every field', () => {
    const fields = {
      severity: 'ERROR',
      code: '23505',
      message: 'duplicate key value violates unique constraint "t_pkey"',
      detail: 'Key (id)=(1) already exists.',
      hint: 'h',
      position: 12,
      schema: 'public',
      table: 't',
      column: 'id',
      dataType: 'int4',
      constraint: 't_pkey',
    };
    const e = one((w) => w.errorResponse(fields));
    expect(e).toMatchObject({
      name: 'error',
      severity: 'ERROR',
      code: '23505',
      message: fields.message,
      detail: fields.detail,
      hint: 'h',
      position: '12',
      schema: 'public',
      table: 't',
      column: 'id',
      dataType: 'int4',
      constraint: 't_pkey',
    });
    const n = one((w) => w.noticeResponse({ severity: 'NOTICE', code: '00000', message: 'hi' }));
    expect(n).toMatchObject({ name: 'notice', severity: 'NOTICE', code: '00000', message: 'hi' });
    expect(n['detail']).toBeUndefined();
  });

  it('writes COPY messages', () => {
    expect(one((w) => w.copyInResponse(0, [0, 0]))).toMatchObject({ name: 'copyInResponse', binary: false, columnTypes: [0, 0] });
    expect(one((w) => w.copyOutResponse(1, [1]))).toMatchObject({ name: 'copyOutResponse', binary: true, columnTypes: [1] });
    expect(one((w) => w.copyData('a\tb\n'))).toMatchObject({ name: 'copyData', chunk: Buffer.from('a\tb\n') });
    expect(one((w) => w.copyData(Buffer.from([0, 1])))).toMatchObject({ name: 'copyData', chunk: Buffer.from([0, 1]) });
    expect(one((w) => w.copyDone())).toMatchObject({ name: 'copyDone' });
  });

  it('keeps taken bytes intact while writing on', () => {
    const w = new BackendWriter(128);
    const taken: Buffer[] = [];
    const copies: Buffer[] = [];
    for (let i = 0; i < 500; i++) {
      w.dataRow([String(i), 'x'.repeat(i % 50)]);
      if (i % 7 === 0) {
        const t = w.take()!;
        taken.push(t);
        copies.push(Buffer.from(t));
      }
    }
    taken.forEach((t, i) => expect(t.equals(copies[i]!)).toBe(true));
    const rest = w.take();
    const all = decode(Buffer.concat([...taken, rest ?? Buffer.alloc(0)]));
    expect(all).toHaveLength(500);
    expect(w.take()).toBeNull();
  });

  it('rolls back a DataRow with a value of the wrong type', () => {
    const w = new BackendWriter(64);
    w.commandComplete('A');
    expect(() => w.dataRow(['x'.repeat(100), 7 as unknown as string])).toThrow(TypeError);
    expect(() => w.rowDescription([{ name: undefined as unknown as string } as never])).toThrow();
    w.commandComplete('B');
    expect(decode(w.take()!).map((m) => (m as unknown as { text: string }).text)).toEqual(['A', 'B']);
  });

  it('concatenates messages in order', () => {
    const w = new BackendWriter();
    w.rowDescription([field('a')]);
    w.dataRow(['x']);
    w.commandComplete('SELECT 1');
    w.readyForQuery('I');
    expect(w.pendingBytes()).toBeGreaterThan(0);
    const names = decode(w.take()!).map((m) => m.name);
    expect(names).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
    expect(w.pendingBytes()).toBe(0);
  });
});
