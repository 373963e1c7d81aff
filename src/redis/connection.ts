import type { RedisOptions } from 'ioredis';
import { clusterAddress, parseRedisTarget } from './redis-target.js';

/**
 * ioredis options as a plain object type, accepted both by `new Redis(...)` and by BullMQ 6: its
 * `ConnectionOptions` wants an index signature (which an interface such as ioredis's lacks) and a
 * `retryStrategy` that is a function when present (ioredis also allows `null`).
 */
export type RedisConnectionOptions = {
  // BullMQ's fields are optional without `| undefined`, which exactOptionalPropertyTypes tells apart.
  [K in Exclude<keyof RedisOptions, 'retryStrategy'>]?: Exclude<RedisOptions[K], undefined>;
} & {
  retryStrategy?: (times: number) => number | null | undefined;
};

/**
 * The Redis address: REDIS_CLUSTER_NODES as a `redis+cluster://` seed list when set (a Redis
 * Cluster), else REDIS_URL, else the local default. Throws an Error naming a bad node.
 */
export function redisUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REDIS_CLUSTER_NODES?.trim()) {
    const address = clusterAddress(env.REDIS_CLUSTER_NODES);
    parseRedisTarget(address);
    return address;
  }
  return env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * BullMQ connection options for a `redis://` or `rediss://` URL. Commands wait for a reconnect
 * instead of failing (`maxRetriesPerRequest: null`, as BullMQ requires for workers).
 */
export function connectionOptions(url: string): RedisConnectionOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * For request handlers (the API): a command fails instead of waiting while Redis is unreachable
 * (no offline queue, one retry) or stalled (`commandTimeoutMs`), so a request gets a 503 rather
 * than hanging. Workers keep waiting (`connectionOptions`).
 */
export function failFastConnectionOptions(url: string, commandTimeoutMs = 5_000): RedisConnectionOptions {
  return {
    ...connectionOptions(url),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    enableAutoPipelining: true,
  };
}
