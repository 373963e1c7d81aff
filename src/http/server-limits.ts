import type { Server } from 'node:http';

export interface ServerLimits {
  /** A request (headers and body) must arrive within this. @defaultValue 30000 */
  requestTimeoutMs?: number;
  /** Its headers must arrive within this. @defaultValue 20000 */
  headersTimeoutMs?: number;
  /** How often Node looks for requests past those limits. @defaultValue 5000 */
  checkIntervalMs?: number;
}

/**
 * Time limits an API needs: Node's own (300 s for a request) let a client that stalls its body hold
 * a connection and its buffers for five minutes. A full 10 MB bulk request arrives in well under a
 * second on any link a producer uses.
 */
export function applyServerLimits(server: Server, limits: ServerLimits = {}): void {
  server.requestTimeout = limits.requestTimeoutMs ?? 30_000;
  server.headersTimeout = limits.headersTimeoutMs ?? 20_000;
  // Read when connections are first tracked (at listen); set it before listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    limits.checkIntervalMs ?? 5_000;
}
