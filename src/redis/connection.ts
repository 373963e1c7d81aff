import { Redis, type RedisOptions } from 'ioredis';

/** REDIS_URL, else the local default. */
export function redisUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * A connection for BullMQ workers: commands wait for a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, as BullMQ requires for blocking connections).
 */
export function createWorkerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...options });
}
