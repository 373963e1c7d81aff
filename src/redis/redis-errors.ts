/**
 * Whether an error is ioredis's `commandTimeout` firing: Redis holds the connection open but does
 * not answer (frozen, overloaded, a network black hole). ioredis gives this error no code or class
 * of its own, so its fixed message is the only mark; it is matched here and nowhere else.
 */
function isRedisCommandTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}

/** Socket error codes of a Redis connection that is gone or refused. */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTCONN',
]);

/**
 * Whether an error says the Redis connection itself failed, as a command issued in the instant
 * Redis went away sees it before the client's status does: a socket error code, ioredis's
 * `MaxRetriesPerRequestError`, or its fixed messages for a closed connection or a stream it cannot
 * write to (again, no class of their own: matched here and nowhere else).
 */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' && connectionCodes.has(code)) return true;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    error.message === 'Connection is closed.' ||
    error.message.startsWith("Stream isn't writeable")
  );
}

/** Replies a cluster node gives while slots change hands: a failover or a reshard under way. */
const clusterReplies = /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|READONLY) /;

/** ioredis's own fixed messages when it cannot route a command in a cluster that is changing. */
const clusterMessages = new Set([
  'Too many Cluster redirections.',
  "Cluster isn't ready and enableOfflineQueue options is false",
  'Failed to refresh slots cache.',
]);

/**
 * Whether an error says a Redis Cluster is between two layouts: a node answers for a slot it no
 * longer (or not yet) serves, or the cluster is electing a master. The same command succeeds once
 * the cluster settles, so a request that meets one is told to retry, not that the server broke.
 */
export function isClusterInTransition(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return clusterReplies.test(error.message) || clusterMessages.has(error.message);
}

/**
 * Whether an error means Redis cannot serve the command now, though it may in a moment: a command
 * timeout, a lost connection, or a cluster between two layouts. A request that meets one is a 503
 * with Retry-After, never a 500.
 */
export function isRedisUnavailable(error: unknown): boolean {
  return isRedisCommandTimeout(error) || isRedisConnectionError(error) || isClusterInTransition(error);
}
