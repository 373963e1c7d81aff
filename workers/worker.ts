/**
 * A Breakwater worker process: takes jobs from the queue and serves them through the providers'
 * breakers and each job's fallback chain. Run as many as you like, on as many machines, against
 * one Redis:  REDIS_URL=redis://host:6379 BREAKWATER_CONFIG=breakwater.yaml npm run worker
 */
import { createLogger } from '../src/logging/logger.js';
import { prepareProcess } from '../src/runtime/prepare-process.js';
import { runProcess } from '../src/runtime/run-process.js';
import { startWorkerRuntime } from '../src/runtime/worker-runtime.js';

const logger = createLogger();
await runProcess(logger, async (settings) => {
  const { loaded, redisUrl } = await prepareProcess(settings, logger, { serves: false });
  return startWorkerRuntime({
    loaded,
    redisUrl,
    logger,
    closeGraceMs: settings.shutdownGraceMs,
  });
});
