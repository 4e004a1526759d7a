// Public API of src/rpc, the node-to-node transport (DESIGN.md decision 7): RpcServer serves
// a node's NodeService and cluster handlers over gRPC; GrpcTransport is the NodeTransport a
// store uses to reach its peers; the codec is exported for benchmarks and tests. Other
// packages of src/ import only this file.

export { RpcServer, shutdownTimeoutMsDefault } from './server.js';
export type { RpcServerOptions, RpcServerStats, UnaryHandler } from './server.js';
export { GrpcTransport, transportDefaults } from './transport.js';
export type { GrpcTransportOptions, TransportStats } from './transport.js';
export { NodeUnreachableError, RpcRemoteError } from './errors.js';
export type { UnreachableReason } from './errors.js';
export { CodecError } from './buf.js';
export {
  encodeRaftBatch,
  decodeRaftFrame,
  encodeBatchRequest,
  decodeBatchRequest,
  encodeBatchResponse,
  decodeBatchResponse,
  encodeSnapshotHeader,
  decodeSnapshotHeader,
  msgpackEncode,
  msgpackDecode,
} from './codec.js';
export { rpcMessageBytesMax } from './service.js';
