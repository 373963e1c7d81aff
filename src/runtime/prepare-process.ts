import { type LoadedConfig, loadConfig } from '../config/load-config.js';
import type { Logger } from '../logging/logger.js';
import { assertRedisReachable } from '../redis/check-redis.js';
import { warnIfRedisNotDurable } from '../redis/redis-durability.js';
import type { ProcessSettings } from './process-settings.js';
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
): Promise<LoadedConfig> {
  if (options.serves) assertSafeBinding(settings);
  const loaded = loadConfig();
  await assertRedisReachable(settings.redisUrl);
  await warnIfRedisNotDurable(settings.redisUrl, logger);
  return loaded;
}
