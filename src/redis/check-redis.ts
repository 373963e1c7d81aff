import { Redis } from 'ioredis';
import { connectionOptions } from './connection.js';
import { displayTarget, nodeUrls, parseRedisTarget, type RedisTarget } from './redis-target.js';
import { RedisUnreachableError } from './redis-unreachable-error.js';

/**
 * One PING with no retries, so a process that cannot reach Redis says so in a line at startup
 * instead of hanging in reconnect loops. Throws RedisUnreachableError.
 */
export async function assertRedisReachable(address: string, timeoutMs = 3_000): Promise<void> {
  let target: RedisTarget;
  try {
    target = parseRedisTarget(address);
  } catch (error) {
    throw new RedisUnreachableError(
      'a REDIS_CLUSTER_NODES list',
      error instanceof Error ? error.message : 'invalid',
    );
  }
  if (target.kind === 'single') return assertServerReachable(target.url, timeoutMs);
  // A cluster is reachable when any of its seed nodes answers: the client learns the rest from it.
  const answers = await Promise.allSettled(
    nodeUrls(target).map((url) => assertServerReachable(url, timeoutMs)),
  );
  if (answers.some((answer) => answer.status === 'fulfilled')) return;
  throw new RedisUnreachableError(
    displayTarget(target),
    'no seed node answered',
    'start the cluster or set REDIS_CLUSTER_NODES to nodes of yours',
  );
}

async function assertServerReachable(url: string, timeoutMs: number): Promise<void> {
  let options: ReturnType<typeof connectionOptions>;
  try {
    options = connectionOptions(url);
  } catch {
    throw new RedisUnreachableError(url, 'REDIS_URL is not a valid redis:// URL');
  }
  const client = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND…) arrives as an event; connect() only says "closed".
  let socketError: unknown;
  client.on('error', (error: unknown) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new RedisUnreachableError(url, reasonOf(socketError ?? error));
  } finally {
    client.disconnect();
  }
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : 'no answer';
}
