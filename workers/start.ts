/**
 * `npm start`: the API and a worker in one process — the quickest way to run Breakwater. With no
 * config and no keys it runs on the built-in simulated providers; open http://127.0.0.1:3000/docs.
 * For production, run `npm run api` and `npm run worker` as separate processes instead.
 */
import { createLogger } from '../src/logging/logger.js';
import { startApiRuntime } from '../src/runtime/api-runtime.js';
import { prepareProcess } from '../src/runtime/prepare-process.js';
import { runProcess } from '../src/runtime/run-process.js';
import { startWorkerRuntime } from '../src/runtime/worker-runtime.js';

const logger = createLogger();
await runProcess(logger, async (settings) => {
  const loaded = await prepareProcess(settings, logger, { serves: true });
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
