/**
 * A Breakwater worker process: takes jobs from the queue and serves them through the providers'
 * breakers and each job's fallback chain. Run as many as you like, on as many machines, against
 * one Redis:  REDIS_URL=redis://host:6379 BREAKWATER_CONFIG=breakwater.yaml npm run worker
 */
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/logging/logger.js';
import { assertRedisReachable } from '../src/redis/check-redis.js';
import { warnIfRedisNotDurable } from '../src/redis/redis-durability.js';
import { runProcess } from '../src/runtime/run-process.js';
import { startWorkerRuntime } from '../src/runtime/worker-runtime.js';

const logger = createLogger();
await runProcess(logger, async (settings) => {
  const loaded = loadConfig();
  await assertRedisReachable(settings.redisUrl);
  await warnIfRedisNotDurable(settings.redisUrl, logger);
  return startWorkerRuntime({
    loaded,
    redisUrl: settings.redisUrl,
    logger,
    closeGraceMs: settings.shutdownGraceMs,
  });
});
