// RpcServer: the gRPC server of one node. Serves its NodeService to peers (Raft streams,
// KV batches, snapshots, range descriptors) and the generic `Unary` handlers src/cluster
// registers (join, init, node status). Built by src/server/node.ts, which may listen before
// the store exists: until setService() the store's methods answer UNAVAILABLE (Raft frames
// are dropped, Raft retransmits). Stops gracefully: ends peer streams, drains calls up to a
// deadline, then forces the rest closed.

import * as grpc from '@grpc/grpc-js';
import type { ChannelOptions, sendUnaryData, ServerDuplexStream, ServerReadableStream, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { NodeService, SnapshotResponse } from '../../storage/index.js';
import { assert } from '../../storage/index.js';
import { CodecError } from './buf.js';
import {
  decodeBatchRequest,
  decodeRaftFrame,
  decodeSnapshotHeader,
  decodeUnaryFrame,
  encodeBatchResponse,
  encodeRangeDescriptors,
  encodeSnapshotResponse,
  msgpackEncode,
} from './codec.js';
import { nodeServiceDefinition, notReadyDetails, serverOptions } from './service.js';

/** A handler of the generic Unary method: msgpack-able request in, msgpack-able response out. */
export type UnaryHandler = (req: unknown, ctx: { readonly peer: string }) => Promise<unknown>;

export interface RpcServerOptions {
  readonly logger?: Logger;
  /** How long stop() lets calls in flight finish before cutting them, in ms. */
  readonly shutdownTimeoutMs?: number;
  /** grpc server options over serverOptions()'s defaults. */
  readonly grpcOptions?: ChannelOptions;
}

export interface RpcServerStats {
  raftFramesReceived: number;
  raftMessagesReceived: number;
  /** Frames that arrived before setService(): dropped, Raft retransmits. */
  raftFramesDropped: number;
  badFrames: number;
  batchesServed: number;
  snapshotsReceived: number;
  unaryCalls: number;
}

export const shutdownTimeoutMsDefault = 5_000;

type Status = { code: grpc.status; details: string };

function status(code: grpc.status, details: string): Status & Error {
  return Object.assign(new Error(details), { code, details });
}

export class RpcServer {
  private readonly server: grpc.Server;
  private readonly log: Logger | undefined;
  private readonly shutdownTimeoutMs: number;
  private service: NodeService | null = null;
  private readonly handlers = new Map<string, UnaryHandler>();
  private readonly raftStreams = new Set<ServerDuplexStream<Buffer, Buffer>>();
  private boundPort = 0;
  private host = '';
  private stopping: Promise<'graceful' | 'forced'> | null = null;
  readonly stats: RpcServerStats = {
    raftFramesReceived: 0,
    raftMessagesReceived: 0,
    raftFramesDropped: 0,
    badFrames: 0,
    batchesServed: 0,
    snapshotsReceived: 0,
    unaryCalls: 0,
  };

  constructor(opts: RpcServerOptions = {}) {
    this.log = opts.logger;
    this.shutdownTimeoutMs = opts.shutdownTimeoutMs ?? shutdownTimeoutMsDefault;
    this.server = new grpc.Server(serverOptions(opts.grpcOptions));
    this.server.addService(nodeServiceDefinition, {
      RaftStream: (call: ServerDuplexStream<Buffer, Buffer>) => this.onRaftStream(call),
      Batch: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => this.onBatch(call, cb),
      Snapshot: (call: ServerReadableStream<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => this.onSnapshot(call, cb),
      RangeDescriptors: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => this.onRangeDescriptors(call, cb),
      Unary: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => this.onUnary(call, cb),
    });
  }

  /** Binds `addr` ("127.0.0.1:0" picks a free port) and serves; resolves with the bound port. */
  listen(addr: string): Promise<number> {
    assert(this.boundPort === 0 && this.stopping === null, 'RpcServer.listen called twice or after stop');
    const colon = addr.lastIndexOf(':');
    assert(colon > 0, `listen address ${addr} has no port`);
    this.host = addr.slice(0, colon);
    return new Promise((resolve, reject) => {
      this.server.bindAsync(addr, grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err) return reject(err);
        this.boundPort = port;
        this.log?.info({ addr: this.address }, 'rpc server listening');
        resolve(port);
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  /** host:port as bound (the port resolved when listen asked for 0). */
  get address(): string {
    return `${this.host}:${this.boundPort}`;
  }

  /** Plugs the store in; calls that arrived before were answered UNAVAILABLE. */
  setService(service: NodeService): void {
    assert(this.service === null, 'RpcServer.setService called twice');
    this.service = service;
  }

  /** Registers the handler of a generic unary method (src/cluster: join, init, node status). */
  handle(method: string, handler: UnaryHandler): void {
    assert(!this.handlers.has(method), `unary handler ${method} registered twice`);
    this.handlers.set(method, handler);
  }

  /**
   * Ends peer streams, lets calls finish for shutdownTimeoutMs, then cuts what is left.
   * Resolves with how it ended ('forced': some call outlived the deadline).
   */
  stop(): Promise<'graceful' | 'forced'> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<'graceful' | 'forced'> {
    // Raft streams never end on their own; end them so tryShutdown can finish.
    for (const call of this.raftStreams) call.end();
    this.raftStreams.clear();
    const how = await new Promise<'graceful' | 'forced'>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve('forced');
      }, this.shutdownTimeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve('graceful');
      });
    });
    this.log?.info({ addr: this.address, how }, 'rpc server stopped');
    return how;
  }

  private onRaftStream(call: ServerDuplexStream<Buffer, Buffer>): void {
    this.raftStreams.add(call);
    // Headers tell the sender the stream is up (it resets its reconnect backoff).
    call.sendMetadata(new grpc.Metadata());
    call.on('data', (buf: Buffer) => this.onRaftFrame(call, buf));
    call.on('end', () => {
      this.raftStreams.delete(call);
      call.end();
    });
    call.on('error', () => this.raftStreams.delete(call));
    call.on('cancelled', () => this.raftStreams.delete(call));
  }

  private onRaftFrame(call: ServerDuplexStream<Buffer, Buffer>, buf: Buffer): void {
    const service = this.service;
    if (service === null || this.stopping !== null) {
      this.stats.raftFramesDropped++;
      return;
    }
    let batch;
    try {
      batch = decodeRaftFrame(buf);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      this.stats.badFrames++;
      this.log?.warn({ err: e.message, peer: call.getPeer() }, 'bad raft frame; closing the stream');
      this.raftStreams.delete(call);
      // Nothing more is read from this stream: the sender reconnects on a fresh one.
      call.removeAllListeners('data');
      call.emit('error', status(grpc.status.INVALID_ARGUMENT, e.message));
      return;
    }
    this.stats.raftFramesReceived++;
    this.stats.raftMessagesReceived += batch.messages.length;
    service.handleRaft(batch);
  }

  private onBatch(call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>): void {
    const service = this.service;
    if (service === null) return cb(status(grpc.status.UNAVAILABLE, notReadyDetails));
    let ba;
    try {
      ba = decodeBatchRequest(call.request);
    } catch (e) {
      return this.badRequest(e, cb);
    }
    service.send(ba).then(
      (br) => {
        this.stats.batchesServed++;
        cb(null, encodeBatchResponse(br));
      },
      (err: unknown) => cb(status(grpc.status.INTERNAL, `batch failed: ${errorMessage(err)}`)),
    );
  }

  private onRangeDescriptors(_call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>): void {
    const service = this.service;
    if (service === null) return cb(status(grpc.status.UNAVAILABLE, notReadyDetails));
    cb(null, encodeRangeDescriptors(service.rangeDescriptors()));
  }

  private onSnapshot(call: ServerReadableStream<Buffer, Buffer>, cb: sendUnaryData<Buffer>): void {
    const service = this.service;
    if (service === null) return cb(status(grpc.status.UNAVAILABLE, notReadyDetails));
    this.receiveSnapshot(service, call).then(
      (resp) => {
        this.stats.snapshotsReceived++;
        cb(null, encodeSnapshotResponse(resp));
      },
      (err: unknown) => {
        if (err instanceof CodecError) return this.badRequest(err, cb);
        cb(status(grpc.status.INTERNAL, `snapshot failed: ${errorMessage(err)}`));
      },
    );
  }

  /** The first frame is the header; the rest are handed to the store as a lazy, read-once iterable. */
  private async receiveSnapshot(service: NodeService, call: ServerReadableStream<Buffer, Buffer>): Promise<SnapshotResponse> {
    const frames = call[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await frames.next();
    if (first.done === true) throw new CodecError('snapshot stream without a header');
    const header = decodeSnapshotHeader(first.value);
    let taken = false;
    const chunks: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]: () => {
        assert(!taken, 'snapshot chunks are read at most once');
        taken = true;
        // return() must not destroy the call: the response still has to go out on it.
        return { next: () => frames.next(), return: async () => ({ done: true as const, value: undefined }) };
      },
    };
    return service.receiveSnapshot(header, chunks);
  }

  private onUnary(call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>): void {
    let frame;
    try {
      frame = decodeUnaryFrame(call.request);
    } catch (e) {
      return this.badRequest(e, cb);
    }
    const handler = this.handlers.get(frame.method);
    if (handler === undefined) return cb(status(grpc.status.UNIMPLEMENTED, `no handler for ${frame.method}`));
    this.stats.unaryCalls++;
    let result: Promise<unknown>;
    try {
      result = handler(frame.payload, { peer: call.getPeer() });
    } catch (e) {
      result = Promise.reject(e);
    }
    result
      .then((resp) => msgpackEncode(resp))
      .then(
        (buf) => cb(null, buf),
        (err: unknown) => cb(status(grpc.status.UNKNOWN, errorMessage(err))),
      );
  }

  private badRequest(e: unknown, cb: sendUnaryData<Buffer>): void {
    if (!(e instanceof CodecError)) throw e;
    this.stats.badFrames++;
    this.log?.warn({ err: e.message }, 'bad rpc request');
    cb(status(grpc.status.INVALID_ARGUMENT, e.message));
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
