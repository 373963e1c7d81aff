/**
 * Whether an error is ioredis's `commandTimeout` firing: Redis holds the connection open but does
 * not answer (frozen, overloaded, a network black hole). ioredis gives this error no code or class
 * of its own, so its fixed message is the only mark; it is matched here and nowhere else.
 */
export function isRedisCommandTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}
