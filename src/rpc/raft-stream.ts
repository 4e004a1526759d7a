// RaftPeerStream: the outgoing Raft stream to one peer, owned by GrpcTransport. Keeps a
// bounded queue of RaftMessageBatches; the transport flushes it once per event-loop turn,
// coalescing what queued into frames written with respect to the stream's backpressure.
// Opens the stream lazily and, after a failure, re-opens it with bounded exponential
// backoff. Never throws to senders: Raft retransmits whatever is dropped (and counted).

import type { ClientDuplexStream } from '@grpc/grpc-js';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { RaftMessageBatch } from '../../storage/index.js';
import { assert } from '../../storage/index.js';
import { BufWriter } from './buf.js';
import { encodeRaftFrame } from './codec-raft.js';
import { METHOD } from './service.js';

export interface RaftStreamOptions {
  /** Batches queued for one peer at most; when full the oldest is dropped. */
  readonly raftQueueBatchesMax: number;
  /** A frame is cut after the batch that brings it to this size, in bytes. */
  readonly raftFrameBytesSoft: number;
  /** First and largest delay before re-opening a failed stream, in ms. */
  readonly reconnectBackoffMinMs: number;
  readonly reconnectBackoffMaxMs: number;
}

/** Counters of all Raft streams of a transport (mutated in place). */
export interface RaftStreamStats {
  raftBatchesQueued: number;
  raftBatchesDropped: number;
  raftFramesSent: number;
  /** Times a stream asked us to wait for 'drain' (backpressure). */
  raftWritesBlocked: number;
  raftStreamsOpened: number;
  raftStreamFailures: number;
}

type State = 'idle' | 'open' | 'backoff' | 'closed';

const identity = (b: Buffer): Buffer => b;
const ignore = (): void => {};

export class RaftPeerStream {
  readonly nodeId: number;
  private queue: RaftMessageBatch[] = [];
  private state: State = 'idle';
  private stream: ClientDuplexStream<Buffer, Buffer> | null = null;
  /** False after write() asked us to wait, until 'drain'. */
  private writable = true;
  private backoffMs: number;
  private timer: NodeJS.Timeout | null = null;
  /** Set by the transport while this peer waits in its flush list. */
  dirty = false;

  constructor(
    nodeId: number,
    /** The channel to the peer's current address, or null when it has none. */
    private readonly client: () => grpc.Client | null,
    private readonly opts: RaftStreamOptions,
    private readonly stats: RaftStreamStats,
    private readonly writer: BufWriter,
    private readonly log: Logger | undefined,
  ) {
    assert(opts.raftQueueBatchesMax >= 1 && opts.reconnectBackoffMinMs > 0, 'bad raft stream options');
    assert(opts.reconnectBackoffMaxMs >= opts.reconnectBackoffMinMs, 'reconnect backoff max below min');
    this.nodeId = nodeId;
    this.backoffMs = opts.reconnectBackoffMinMs;
  }

  get queuedBatches(): number {
    return this.queue.length;
  }

  get connected(): boolean {
    return this.state === 'open';
  }

  /** Queues a batch; when the queue is full the oldest batch goes (the newest state matters most). */
  enqueue(batch: RaftMessageBatch): void {
    if (this.state === 'closed') {
      this.stats.raftBatchesDropped++;
      return;
    }
    if (this.queue.length >= this.opts.raftQueueBatchesMax) {
      this.queue.shift();
      this.stats.raftBatchesDropped++;
    }
    this.queue.push(batch);
    this.stats.raftBatchesQueued++;
  }

  /** Writes what is queued, as few frames as the frame size allows, while the stream takes them. */
  flush(): void {
    if (this.queue.length === 0 || this.state === 'closed' || this.state === 'backoff') return;
    if (this.state === 'idle') this.open();
    const stream = this.stream;
    if (stream === null || !this.writable) return;
    const queue = this.queue;
    let i = 0;
    while (i < queue.length && this.writable) {
      this.writer.reset();
      i = encodeRaftFrame(this.writer, queue, i, this.opts.raftFrameBytesSoft);
      this.writable = stream.write(this.writer.finish());
      this.stats.raftFramesSent++;
      if (!this.writable) this.stats.raftWritesBlocked++;
    }
    if (i === queue.length) this.queue = [];
    else this.queue = queue.slice(i);
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.stats.raftBatchesDropped += this.queue.length;
    this.queue = [];
    const stream = this.stream;
    this.stream = null;
    // Half-close: frames already written still go out; the server then ends the call.
    stream?.end();
  }

  private open(): void {
    assert(this.state === 'idle' && this.stream === null, 'open: stream already open');
    const client = this.client();
    if (client === null) {
      // No address for the peer (yet): what is queued cannot go anywhere.
      this.stats.raftBatchesDropped += this.queue.length;
      this.queue = [];
      return;
    }
    const stream = client.makeBidiStreamRequest(METHOD.raftStream, identity, identity);
    this.stream = stream;
    this.state = 'open';
    this.writable = true;
    this.stats.raftStreamsOpened++;
    stream.on('metadata', () => {
      // The server answered: the connection works, so the next failure starts small again.
      if (this.stream === stream) this.backoffMs = this.opts.reconnectBackoffMinMs;
    });
    stream.on('data', ignore);
    stream.on('drain', () => {
      if (this.stream !== stream) return;
      this.writable = true;
      this.flush();
    });
    stream.on('error', (err: Error) => this.fail(stream, err.message));
    stream.on('end', () => this.fail(stream, 'stream ended by the peer'));
  }

  /** The stream broke: whatever was queued is stale by the time we are back; retry after a backoff. */
  private fail(stream: ClientDuplexStream<Buffer, Buffer>, why: string): void {
    if (this.stream !== stream) return;
    this.stream = null;
    this.writable = true;
    stream.cancel();
    this.stats.raftStreamFailures++;
    this.stats.raftBatchesDropped += this.queue.length;
    this.queue = [];
    if (this.state === 'closed') return;
    this.state = 'backoff';
    // ±20% jitter keeps the peers of a restarted node from reconnecting in lockstep.
    const delayMs = Math.round(this.backoffMs * (0.8 + 0.4 * Math.random()));
    this.log?.debug({ peer: this.nodeId, why, delayMs }, 'raft stream failed; reconnecting');
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.reconnectBackoffMaxMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.state !== 'backoff') return;
      this.state = 'idle';
      this.flush();
    }, delayMs);
    this.timer.unref();
  }
}
