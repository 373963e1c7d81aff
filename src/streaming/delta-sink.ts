import type { JobDeltaEvent, JobRestartEvent } from '../contract/events.js';
import type { RedisClient } from '../redis/redis-client.js';

/** Where a worker sends streamed jobs' partial text: to every API process's /v1/events. */
export interface DeltaSink {
  publish(event: JobDeltaEvent | JobRestartEvent): Promise<void>;
}

/**
 * Publishes deltas on a Redis channel: they are for whoever watches now, so nothing is stored (a
 * job's stored result is its final text). On one connection, in order.
 */
export class RedisDeltaSink implements DeltaSink {
  constructor(private readonly options: { redis: Pick<RedisClient, 'publish'>; channel: string }) {}

  async publish(event: JobDeltaEvent | JobRestartEvent): Promise<void> {
    await this.options.redis.publish(this.options.channel, JSON.stringify(event));
  }
}
