import type { RequestHandler } from 'express';
import type { BreakwaterConfig } from '../config/schema.js';
import { SlidingWindow } from '../ratelimit/sliding-window.js';
import { BreakwaterKeys } from '../redis/breakwater-keys.js';
import type { RedisClient } from '../redis/redis-client.js';
import { submissionRateLimit } from './rate-limit.js';

/** The app's `submitGuard` option from the config: the rate limit when `api.rateLimit` is set. */
export function submitGuard(
  config: BreakwaterConfig,
  redis: Pick<RedisClient, 'eval'>,
  queueKey: string,
  authEnabled: boolean,
  now?: () => number,
): { submitGuard?: RequestHandler } {
  const limit = config.api.rateLimit;
  if (!limit) return {};
  const window = new SlidingWindow({
    redis,
    keyPrefix: new BreakwaterKeys(queueKey).rateLimit,
    limit: limit.jobs,
    windowMs: limit.windowMs,
    ...(now ? { now } : {}),
  });
  return { submitGuard: submissionRateLimit(window, authEnabled) };
}
