/**
 * `npm start`: the API and a worker in one process — the quickest way to run Breakwater. With no
 * config and no keys it runs on the built-in simulated providers; open http://127.0.0.1:3000/docs.
 * For production, run `npm run api` and `npm run worker` as separate processes instead.
 */
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/logging/logger.js';
import { assertRedisReachable } from '../src/redis/check-redis.js';
import { warnIfRedisNotDurable } from '../src/redis/redis-durability.js';
import { startApiRuntime } from '../src/runtime/api-runtime.js';
import { runProcess } from '../src/runtime/run-process.js';
import { assertSafeBinding } from '../src/runtime/safe-binding.js';
import { startWorkerRuntime } from '../src/runtime/worker-runtime.js';

const logger = createLogger();
await runProcess(logger, async (settings) => {
  assertSafeBinding(settings);
  const loaded = loadConfig();
  await assertRedisReachable(settings.redisUrl);
  await warnIfRedisNotDurable(settings.redisUrl, logger);
  const worker = await startWorkerRuntime({
    loaded,
    redisUrl: settings.redisUrl,
    logger,
    closeGraceMs: settings.shutdownGraceMs,
  });
  const api = await startApiRuntime({ loaded, logger, ...settings }).catch(async (error: unknown) => {
    await worker.close();
    throw error;
  });
  logger.info(`Breakwater is running: API docs ${api.url}/docs, Bull Board ${api.url}/admin/queues`);
  return {
    async close() {
      await api.close();
      await worker.close();
    },
  };
});
