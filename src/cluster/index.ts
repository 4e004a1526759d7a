// Public API of src/cluster: a node's identity (init, join), membership (the node registry)
// and liveness, plus the clients of `shoal init` and `shoal node status`. src/server and
// src/main.ts import only this file.

export { Backoff, backoffDefault, sleep, AbortedError } from './backoff.js';
export type { BackoffOptions, Sleep } from './backoff.js';
export { IdentGate, initCluster, AlreadyInitializedError, BOOTSTRAP_NODE_ID, initWaitMsDefault } from './init.js';
export type { IdentDecision, IdentSource, InitClientOptions } from './init.js';
export { serveJoin, joinCluster, allocateNodeId, WrongClusterError, ProtocolVersionError } from './join.js';
export type { Admission, JoinClientOptions, JoinServerDeps } from './join.js';
export { NodeRegistry, registryRefreshIntervalMs } from './node-registry.js';
export type { NodeRegistryOptions } from './node-registry.js';
export { NodeLiveness, LIVENESS_HEARTBEAT_INTERVAL_MS, LIVENESS_EXPIRATION_MS, isLiveAt, nextLiveness, encodeLiveness, decodeLiveness } from './liveness.js';
export type { LivenessRecord, LivenessMetrics } from './liveness.js';
export { nodeStatus, formatNodeStatus } from './status.js';
export { CLUSTER_METHOD, CLUSTER_PROTOCOL_VERSION, ClusterProtocolError, parseNodeStatusResponse } from './protocol.js';
export type { NodeDescriptor, NodeStatusResponse, NodeStatusRow, NodeInfoResponse, JoinResponse, InitResponse } from './protocol.js';
export { NODE_ID_GEN_KEY, nodeDescriptorKey, livenessKey } from './keys.js';
export { planReplication, REPLICATION_FACTOR_DEFAULT } from './allocator.js';
export type { AllocatorAction, AllocatorRange } from './allocator.js';
