/**
 * Whether an error is ioredis's `commandTimeout` firing: Redis holds the connection open but does
 * not answer (frozen, overloaded, a network black hole). ioredis gives this error no code or class
 * of its own, so its fixed message is the only mark; it is matched here and nowhere else.
 */
export function isRedisCommandTimeout(error: unknown): boolean {
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
