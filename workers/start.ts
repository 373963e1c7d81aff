/**
 * `npm start`: the API and a worker in one process — the quickest way to run Breakwater. With no
 * config and no keys it runs on the built-in simulated providers; open http://127.0.0.1:3000/docs.
 * With REDIS_URL unset and no Redis on 127.0.0.1:6379, it runs a redis-server of its own (data in
 * .breakwater/redis/) and stops it on exit.
 * For production, run `npm run api` and `npm run worker` as separate processes instead.
 */
import { createLogger } from '../src/logging/logger.js';
import { startApiRuntime } from '../src/runtime/api-runtime.js';
import { developmentRedis } from '../src/runtime/development-redis.js';
import { prepareProcess } from '../src/runtime/prepare-process.js';
import { type Closable, runProcess } from '../src/runtime/run-process.js';
import { startWorkerRuntime } from '../src/runtime/worker-runtime.js';

const logger = createLogger();
await runProcess(logger, async (environment) => {
  const redis = await developmentRedis({ announce: (message, details) => logger.info(details, message) });
  let api: Closable | undefined;
  let worker: Closable | undefined;
  // Stop taking requests first, then let the worker hand its jobs back, then stop Redis.
  const closeAll = async () => {
    await api?.close();
    await worker?.close();
    await redis.close();
  };
  try {
    // The Redis found or started for trying Breakwater out; a config's redis.cluster is for npm run api/worker.
    const settings = { ...environment, redisUrl: redis.url, redisNamed: true };
    const { loaded } = await prepareProcess(settings, logger, { serves: true });
    // Bind first: a busy port is one line, before any worker joins the queue or reads the fleet.
    const running = await startApiRuntime({ loaded, logger, ...settings });
    api = running;
    const workerRuntime = await startWorkerRuntime({
      loaded,
      redisUrl: settings.redisUrl,
      logger,
      closeGraceMs: settings.shutdownGraceMs,
    });
    worker = workerRuntime;
    const { url } = running;
    const simulator = workerRuntime.simulator
      ? `, simulator control ${workerRuntime.simulator.url}/_control`
      : '';
    logger.info(
      `Breakwater is running: API docs ${url}/docs, Bull Board ${url}/admin/queues, provider panel ${url}/admin/providers${simulator}`,
    );
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { close: closeAll };
});
