import { type LoadedConfig, loadConfig } from '../config/load-config.js';
import type { RedisConfig } from '../config/redis-schema.js';
import { knownSecrets } from '../logging/known-secrets.js';
import type { Logger } from '../logging/logger.js';
import { assertRedisReachable } from '../redis/check-redis.js';
import { warnIfRedisNotDurable } from '../redis/redis-durability.js';
import { clusterAddress } from '../redis/redis-target.js';
import { type ProcessSettings, passwordOf } from './process-settings.js';
import { assertSafeBinding } from './safe-binding.js';

/**
 * What every entry point checks before it starts anything, each failure one line naming the fix:
 * an API's bind is safe, the config loads, Redis answers — and a Redis that may lose jobs (eviction,
 * no persistence) is warned about.
 */
export async function prepareProcess(
  settings: ProcessSettings,
  logger: Logger,
  options: { serves: boolean },
): Promise<PreparedProcess> {
  if (options.serves) assertSafeBinding(settings);
  const loaded = loadConfig();
  const redisUrl = redisOf(settings, loaded.config.redis);
  knownSecrets.add(passwordOf(redisUrl));
  await assertRedisReachable(redisUrl);
  await warnIfRedisNotDurable(redisUrl, logger);
  return { loaded, redisUrl };
}

export interface PreparedProcess {
  loaded: LoadedConfig;
  /** The Redis to use: the environment's, else the config's `redis.cluster`, else the local default. */
  redisUrl: string;
}

/** REDIS_CLUSTER_NODES or REDIS_URL when set; else the config's cluster seeds when given. */
export function redisOf(
  settings: Pick<ProcessSettings, 'redisUrl' | 'redisNamed'>,
  redis: RedisConfig,
): string {
  if (settings.redisNamed || redis.cluster === undefined) return settings.redisUrl;
  return clusterAddress(redis.cluster.join(','));
}
