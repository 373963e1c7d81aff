/**
 * The Breakwater HTTP API on its own (no worker): submit and inspect jobs, provider status, docs at
 * /docs and Bull Board at /admin/queues. Pair it with any number of `npm run worker` processes.
 *   PORT=3000 HOST=0.0.0.0 BREAKWATER_API_TOKEN=… REDIS_URL=redis://host:6379 npm run api
 */
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/logging/logger.js';
import { assertRedisReachable } from '../src/redis/check-redis.js';
import { warnIfRedisNotDurable } from '../src/redis/redis-durability.js';
import { startApiRuntime } from '../src/runtime/api-runtime.js';
import { runProcess } from '../src/runtime/run-process.js';
import { assertSafeBinding } from '../src/runtime/safe-binding.js';

const logger = createLogger();
await runProcess(logger, async (settings) => {
  assertSafeBinding(settings);
  const loaded = loadConfig();
  await assertRedisReachable(settings.redisUrl);
  await warnIfRedisNotDurable(settings.redisUrl, logger);
  return startApiRuntime({ loaded, logger, ...settings });
});
