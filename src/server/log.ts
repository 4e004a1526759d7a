// The node's root pino logger and its per-layer children. Quiet by default: the level
// comes from SHOAL_LOG_LEVEL (default 'warn'). Logs go to stderr so stdout stays for the
// CLI's own lines ("shoal node 1 ready: ..."), which scripts and tests read.

import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export const logLevelDefault = 'warn';

export function createRootLogger(level: string = process.env['SHOAL_LOG_LEVEL'] ?? logLevelDefault): Logger {
  const valid = Object.keys(pino.levels.values).includes(level) || level === 'silent';
  return pino(
    {
      level: valid ? level : logLevelDefault,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Synchronous: at the default level logging is rare, and a crash must not lose lines.
    pino.destination({ fd: 2, sync: true }),
  );
}

/** A child logger carrying the layer and node id, as every layer's logs should. */
export function layerLogger(root: Logger, layer: string, nodeId: number): Logger {
  return root.child({ layer, nodeId });
}
