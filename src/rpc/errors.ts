// Typed operating errors of src/rpc. NodeUnreachableError: the peer could not be reached
// (the DistSender tries another replica; `ambiguous` says whether the request may have
// been delivered and executed anyway). RpcRemoteError: the peer answered with a failure of
// the handler itself. Thrown by transport.ts; mapped from grpc statuses by toRpcError.

import { status as Status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { notReadyDetails } from './service.js';

export type UnreachableReason = 'unresolved' | 'unavailable' | 'notReady' | 'deadline' | 'closed';

export class NodeUnreachableError extends Error {
  /** The peer's node id, or null when it was addressed by address. */
  readonly nodeId: number | null;
  readonly address: string | null;
  readonly reason: UnreachableReason;
  /** True when the request may have reached the peer (and a write may have happened). */
  readonly ambiguous: boolean;

  constructor(target: { nodeId: number | null; address: string | null }, reason: UnreachableReason, ambiguous: boolean, detail: string) {
    super(`node ${target.nodeId ?? '?'} (${target.address ?? 'no address'}) unreachable: ${reason}: ${detail}`);
    this.name = 'NodeUnreachableError';
    this.nodeId = target.nodeId;
    this.address = target.address;
    this.reason = reason;
    this.ambiguous = ambiguous;
  }
}

export class RpcRemoteError extends Error {
  readonly method: string;
  /** The grpc status name (UNKNOWN: the handler threw; UNIMPLEMENTED: no such handler). */
  readonly code: string;
  readonly details: string;

  constructor(method: string, code: string, details: string) {
    super(`rpc ${method} failed on the peer: ${code}: ${details}`);
    this.name = 'RpcRemoteError';
    this.method = method;
    this.code = code;
    this.details = details;
  }
}

function isServiceError(e: unknown): e is ServiceError {
  return e instanceof Error && typeof (e as Partial<ServiceError>).code === 'number';
}

/** Maps a failed call to our typed errors; anything unexpected is returned unchanged. */
export function toRpcError(e: unknown, method: string, target: { nodeId: number | null; address: string | null }): Error {
  if (!isServiceError(e)) return e instanceof Error ? e : new Error(String(e));
  const details = e.details ?? e.message;
  switch (e.code) {
    case Status.UNAVAILABLE: {
      if (details.startsWith(notReadyDetails)) return new NodeUnreachableError(target, 'notReady', false, details);
      // grpc fails a call it could not even start with this detail: nothing was sent.
      const sent = !details.startsWith('No connection established');
      return new NodeUnreachableError(target, 'unavailable', sent, details);
    }
    case Status.DEADLINE_EXCEEDED:
      return new NodeUnreachableError(target, 'deadline', !details.includes('Waiting for LB pick'), details);
    case Status.CANCELLED:
      return new NodeUnreachableError(target, 'closed', true, details);
    default:
      return new RpcRemoteError(method, Status[e.code] ?? String(e.code), details);
  }
}
