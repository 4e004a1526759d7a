// The gRPC service between nodes, declared without codegen: method paths with identity
// Buffer serializers (payloads are encoded by codec.ts, in our handlers, so a bad frame is
// our typed error, not a grpc-internal one), and the channel and server options. Used by
// server.ts (addService) and transport.ts / raft-stream.ts (the client calls).

import type { ChannelOptions, MethodDefinition } from '@grpc/grpc-js';

export const serviceName = 'shoal.Node';

const identity = (b: Buffer): Buffer => b;

function method(name: string, requestStream: boolean, responseStream: boolean): MethodDefinition<Buffer, Buffer> {
  return {
    path: `/${serviceName}/${name}`,
    requestStream,
    responseStream,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
    originalName: name,
  };
}

/**
 * RaftStream: bidirectional, one long-lived stream per (sender, receiver) node pair; each
 * request frame is one or more coalesced RaftMessageBatches; the server answers nothing but
 * its headers (the sender's sign that the stream is up). Batch: unary BatchRequest →
 * BatchResponse. Snapshot: client streaming, the SnapshotHeader then raw data chunks, one
 * SnapshotResponse back. RangeDescriptors: unary. Unary: {method, msgpack payload} for the
 * handlers src/cluster registers (join, init, node status).
 */
export const nodeServiceDefinition = {
  RaftStream: method('RaftStream', true, true),
  Batch: method('Batch', false, false),
  Snapshot: method('Snapshot', true, false),
  RangeDescriptors: method('RangeDescriptors', false, false),
  Unary: method('Unary', false, false),
} as const;

export const METHOD = {
  raftStream: nodeServiceDefinition.RaftStream.path,
  batch: nodeServiceDefinition.Batch.path,
  snapshot: nodeServiceDefinition.Snapshot.path,
  rangeDescriptors: nodeServiceDefinition.RangeDescriptors.path,
  unary: nodeServiceDefinition.Unary.path,
} as const;

/** Largest gRPC message either side accepts, in bytes (Raft frames are cut near raftFrameBytesSoft). */
export const rpcMessageBytesMax = 64 << 20;

/** Client channel options; `overrides` wins (tests shorten the reconnect backoff). */
export function channelOptions(overrides: ChannelOptions = {}): ChannelOptions {
  return {
    'grpc.max_send_message_length': rpcMessageBytesMax,
    'grpc.max_receive_message_length': rpcMessageBytesMax,
    // Detect a dead peer (a half-open TCP connection after kill -9 of a VM) within ~15 s.
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.keepalive_permit_without_calls': 1,
    // A restarted peer must be found again quickly; grpc's defaults back off up to 120 s.
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 2_000,
    // Retries happen above us (DistSender, Raft); a transparent retry could double a write.
    'grpc.enable_retries': 0,
    ...overrides,
  };
}

export function serverOptions(overrides: ChannelOptions = {}): ChannelOptions {
  return {
    'grpc.max_send_message_length': rpcMessageBytesMax,
    'grpc.max_receive_message_length': rpcMessageBytesMax,
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
    ...overrides,
  };
}

/** Details of the UNAVAILABLE status a server answers before its NodeService is set. */
export const notReadyDetails = 'shoal: node not ready';
